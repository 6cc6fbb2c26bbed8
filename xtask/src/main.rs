//! `cargo xtask <command>`: the README's two commands and their helpers.
//! Each command installs what is missing first (see `setup.rs`) and skips what is there.

mod run;
mod serve;
mod setup;
mod test;

use run::{cmd, Result};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>
  serve [--bind ADDR]   set up, build and run Sala with coturn (default http://127.0.0.1:8080)
  test                  set up and run every test: unit, server, component (headless Chromium), end-to-end
  setup [--browser]     install the toolchain (and Chromium for tests) without building
  build                 build the client (release) and the server
  screenshots [DIR]     screenshots of every screen, English and Khmer (default target/screenshots)
  bench size|join|ladder [--plain] [CYCLES]
                        client size; join-to-first-media times; the thin-link ladder,
                        or the same link with plain WebRTC (see docs/BENCHMARKS.md)
  bench firstload [RUNS]
                        a meeting link on 256 and 48 kbit/s links: navigation to the
                        join form, first and return visit, bytes over the link
  bench idle N          N idle participants on a release server: its memory and threads
                        at start, all joined, all left
  bench relay [--rate R] [--secs S]
                        signals relayed between pairs at R msg/s (default 20000):
                        latency p50/p99/max and the server's CPU";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::serve(&args[1..]),
        Some("test") => test::run_all(),
        Some("setup") => setup::all(args.iter().any(|a| a == "--browser")),
        Some("build") => setup::all(false).and_then(|()| build(false)),
        Some("screenshots") => screenshots(args.get(1).map(String::as_str)),
        Some("bench") => test::bench(
            args.get(1).map(String::as_str),
            args.get(2..).unwrap_or(&[]),
        ),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the client with Trunk (release profile `wasm-release`) and the server.
pub fn build(release_server: bool) -> Result<()> {
    cmd("trunk", &["build", "--release"])
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .run()?;
    let mut args = vec!["build", "--package", "sala-server"];
    if release_server {
        args.push("--release");
    }
    cmd("cargo", &args).run()
}

fn screenshots(dir: Option<&str>) -> Result<()> {
    setup::all(true)?;
    build(false)?;
    let dir = dir.unwrap_or("target/screenshots");
    cmd("node", &["tests/e2e/screenshots.mjs", dir]).run()
}
