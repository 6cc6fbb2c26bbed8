//! `cargo xtask test`: every suite, then one closing `N passed, N failed` line.

use crate::run::{cmd, root, Error, Result};
use crate::{build, setup};

/// Counts summed over every runner's own summary lines.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

impl Tally {
    /// Adds cargo's `test result: ok. 3 passed; 0 failed; ...` lines.
    pub fn add_cargo(&mut self, output: &str) {
        for line in output.lines().filter(|l| l.starts_with("test result:")) {
            self.passed += number_before(line, " passed");
            self.failed += number_before(line, " failed");
        }
    }

    /// Adds node's test runner summary (`ℹ pass 8`, `ℹ fail 0`).
    pub fn add_node(&mut self, output: &str) {
        for line in output.lines() {
            let line = line.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
            if let Some(n) = line.strip_prefix("pass ") {
                self.passed += n.trim().parse::<u64>().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("fail ") {
                self.failed += n.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
}

fn number_before(line: &str, label: &str) -> u64 {
    line.find(label)
        .and_then(|end| line[..end].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn e2e_files(pattern_suffix: &str) -> Vec<String> {
    let dir = root().join("tests/e2e");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.retain(|f| f.ends_with(pattern_suffix));
    files.sort();
    files
        .into_iter()
        .map(|f| format!("tests/e2e/{f}"))
        .collect()
}

fn require_root(what: &str) -> Result<()> {
    if cmd("id", &["-u"])
        .output()
        .is_some_and(|id| id.trim() == "0")
    {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "{what} make network namespaces and need root (run as root, or under sudo)"
        )))
    }
}

pub fn run_all() -> Result<()> {
    setup::all(true)?;
    require_root("the end-to-end tests")?;
    build(false)?;
    let mut tally = Tally::default();
    let mut failures = Vec::new();

    let (ok, out) = cmd("cargo", &["test", "--workspace", "--color", "never"]).run_tee()?;
    tally.add_cargo(&out);
    if !ok {
        failures.push("unit and server tests");
    }

    let (ok, out) = cmd(
        "cargo",
        &[
            "test",
            "--package",
            "sala",
            "--target",
            "wasm32-unknown-unknown",
            "--tests",
            "--color",
            "never",
        ],
    )
    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
    .run_tee()?;
    tally.add_cargo(&out);
    if !ok {
        failures.push("component tests (wasm, headless Chromium)");
    }

    // Lints that guard real bugs (clippy.toml: web-sys's JS `clone()` on streams),
    // on the client as the tests build it and as the release build splits it.
    for features in ["", "split"] {
        let (ok, _) = cmd(
            "cargo",
            &[
                "clippy",
                "--package",
                "sala",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--features",
                features,
                "--",
                "-D",
                "warnings",
            ],
        )
        .run_tee()?;
        if !ok {
            failures.push("clippy on the client");
        }
    }

    let server = root().join("target/debug/sala-server");
    let mut node = cmd(
        "node",
        &["--test", "--test-concurrency=1", "--test-reporter=spec"],
    )
    .env("SALA_SERVER_BIN", &server);
    for file in e2e_files(".test.mjs") {
        node = node.arg(file);
    }
    let (ok, out) = node.run_tee()?;
    tally.add_node(&out);
    if !ok {
        failures.push("end-to-end tests (Chromium in network namespaces)");
    }

    println!("\n{} passed, {} failed", tally.passed, tally.failed);
    if failures.is_empty() && tally.failed == 0 {
        Ok(())
    } else {
        Err(Error::Other(format!("failed: {}", failures.join(", "))))
    }
}

const BENCH_USAGE: &str = "usage: cargo xtask bench size|join|ladder [--plain] [CYCLES] | firstload [RUNS]
       cargo xtask bench idle N | relay [--rate MSGS_PER_SEC] [--secs S]";

pub fn bench(which: Option<&str>, rest: &[String]) -> Result<()> {
    setup::apt(setup::BENCH_PACKAGES)?;
    match which {
        Some("size") => {
            setup::all(false)?;
            build(true)?;
            size_report()?;
            served_report()
        }
        Some(which @ ("join" | "ladder" | "firstload")) => {
            setup::all(true)?;
            require_root("the browser benchmarks")?;
            build(false)?;
            let server = root().join("target/debug/sala-server");
            let mut node = cmd("node", &[&format!("tests/e2e/bench-{which}.mjs")]);
            for arg in rest {
                node = node.arg(arg);
            }
            node.env("SALA_SERVER_BIN", &server).run()
        }
        Some(which @ ("idle" | "relay")) => server_bench(which, rest),
        _ => Err(Error::Other(BENCH_USAGE.into())),
    }
}

/// The server benchmarks (`crates/server/examples/bench`): a release
/// server on loopback driven by a release client over many sockets.
fn server_bench(which: &str, rest: &[String]) -> Result<()> {
    cmd(
        "cargo",
        &[
            "build",
            "--release",
            "--package",
            "sala-server",
            "--bin",
            "sala-server",
            "--example",
            "bench",
        ],
    )
    .run()?;
    let root = root();
    let mut bench = cmd(
        root.join("target/release/examples/bench")
            .to_str()
            .unwrap_or("bench"),
        &[which],
    );
    for arg in rest {
        bench = bench.arg(arg);
    }
    bench
        .arg("--server")
        .arg(root.join("target/release/sala-server"))
        .run()
}

/// The build's chunks (`split_<name>-<hash>.wasm`, src/joined.rs): fetched
/// once the join screen is up, not part of the first load.
fn past_join(file: &str) -> bool {
    file.starts_with("split_")
}

/// Raw, gzip -9 and brotli -q 11 sizes of every file of the build: the
/// first load's total, then the chunks'.
fn size_report() -> Result<()> {
    let dist = root().join("dist");
    let mut rows = Vec::new();
    let entries =
        std::fs::read_dir(&dist).map_err(|e| Error::Other(format!("reading dist: {e}")))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // The build's own precompressed copies.
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let raw = entry.metadata().map(|m| m.len() as usize).unwrap_or(0);
        let gz = byte_count("gzip -9c", &path);
        let br = byte_count("brotli -c -q 11", &path);
        rows.push((name, raw, gz, br));
    }
    rows.sort_by_key(|r| (past_join(&r.0), r.0.clone()));
    let sum = |chunks: bool| {
        rows.iter()
            .filter(|r| past_join(&r.0) == chunks)
            .fold((0, 0, 0), |t, r| (t.0 + r.1, t.1 + r.2, t.2 + r.3))
    };
    println!("| file | raw | gzip -9 | brotli -q 11 |\n|---|---:|---:|---:|");
    for (chunks, what) in [(false, "first load"), (true, "past Join")] {
        for (name, raw, gz, br) in rows.iter().filter(|r| past_join(&r.0) == chunks) {
            println!("| {name} | {raw} | {gz} | {br} |");
        }
        let total = sum(chunks);
        println!("| **{what}** | {} | {} | {} |", total.0, total.1, total.2);
    }
    println!(
        "\nfirst load brotli: {:.1} KiB (target ≤ 150 KiB)",
        sum(false).2 as f64 / 1024.0
    );
    Ok(())
}

/// Bytes on the wire for each file of the first load, as the real server
/// sends them for `Accept-Encoding: br` (a browser over HTTPS), `gzip`
/// (Chromium over plain HTTP) and none: a release server on loopback with
/// its own data directory, asked with curl.
fn served_report() -> Result<()> {
    use std::io::BufRead;
    let root = root();
    let dist = root.join("dist");
    let data = std::env::temp_dir().join(format!("sala-size-{}", std::process::id()));
    let mut server = std::process::Command::new(root.join("target/release/sala-server"))
        .args(["--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .arg("--dist")
        .arg(&dist)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| Error::Other(format!("starting the server: {e}")))?;
    let url = server.stdout.take().and_then(|out| {
        std::io::BufReader::new(out)
            .lines()
            .take(20)
            .map_while(|l| l.ok())
            .find_map(|l| l.split("listening on ").nth(1).map(|u| u.trim().to_owned()))
    });
    let report = url
        .ok_or_else(|| Error::Other("the server did not say where it listens".into()))
        .map(|url| {
            let mut names: Vec<String> = std::fs::read_dir(&dist)
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.ends_with(".br") && !n.ends_with(".gz"))
                .collect();
            names.sort();
            println!("\nAs served by {url}:\n\n| file | br | gzip | none |\n|---|---:|---:|---:|");
            let mut first_load = [0usize; 3];
            for (chunks, what) in [(false, "first load"), (true, "past Join")] {
                let mut total = [0usize; 3];
                for name in names.iter().filter(|n| past_join(n) == chunks) {
                    let path = if name == "index.html" { "" } else { name };
                    let sizes = ["br", "gzip", "identity"].map(|enc| served_bytes(&url, path, enc));
                    for (t, s) in total.iter_mut().zip(sizes) {
                        *t += s;
                    }
                    println!("| {name} | {} | {} | {} |", sizes[0], sizes[1], sizes[2]);
                }
                println!("| **{what}** | {} | {} | {} |", total[0], total[1], total[2]);
                if !chunks {
                    first_load = total;
                }
            }
            println!(
                "\nfirst load as served with br: {:.1} KiB (target ≤ 150 KiB)",
                first_load[0] as f64 / 1024.0
            );
        });
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data);
    report
}

/// Body bytes the server sends for `url/path` with `Accept-Encoding: encoding`.
fn served_bytes(url: &str, path: &str, encoding: &str) -> usize {
    cmd(
        "curl",
        &[
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{size_download}",
            "-H",
            &format!("Accept-Encoding: {encoding}"),
            &format!("{url}/{path}"),
        ],
    )
    .output()
    .and_then(|s| s.trim().parse().ok())
    .unwrap_or(0)
}

/// Compressed size in bytes (counted by `wc`, since compressed output is not text).
fn byte_count(compressor: &str, path: &std::path::Path) -> usize {
    cmd("sh", &["-c", &format!("{compressor} \"$0\" | wc -c")])
        .arg(path)
        .output()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn sums_cargo_and_node_summaries() {
        let mut t = Tally::default();
        t.add_cargo("running 3 tests\ntest result: ok. 3 passed; 0 failed; 1 ignored\n");
        t.add_cargo("test result: FAILED. 10 passed; 2 failed; 0 ignored\ntest foo ... ok\n");
        t.add_node("ℹ tests 8\nℹ pass 7\nℹ fail 1\nℹ cancelled 0\n");
        assert_eq!(
            t,
            Tally {
                passed: 20,
                failed: 3
            }
        );
    }

    #[test]
    fn ignores_lines_that_only_look_alike() {
        let mut t = Tally::default();
        t.add_cargo("the test result: was fine, 5 passed on Monday\n");
        t.add_node("  ✔ passes the ball (1ms)\n");
        assert_eq!(t, Tally::default());
    }
}
