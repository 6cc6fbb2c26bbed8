//! Server benchmarks over real sockets, run by `cargo xtask bench idle|relay`.
//!
//! Starts a release `sala-server` on loopback with its own data directory,
//! drives it with tokio-tungstenite clients from several loopback source
//! addresses (127.0.0.x), and reads the server's memory, threads and CPU
//! from `/proc`. Results go to stdout; see `docs/BENCHMARKS.md`.
//!
//! ```text
//! bench idle N [--server PATH]
//! bench relay [--rate MSGS_PER_SEC] [--secs S] [--server PATH]
//! ```

mod client;
mod idle;
mod relay;
mod server;

use std::path::PathBuf;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const USAGE: &str = "usage: bench idle N [--server PATH]
       bench relay [--rate MSGS_PER_SEC] [--secs S] [--server PATH]";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = flag(&args, "--server")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/release/sala-server"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = match args.first().map(String::as_str) {
        Some("idle") => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => runtime.block_on(idle::run(&server, n)),
            None => Err(USAGE.into()),
        },
        Some("relay") => {
            let rate = flag(&args, "--rate").and_then(|r| r.parse().ok());
            let secs = flag(&args, "--secs").and_then(|s| s.parse().ok());
            runtime.block_on(relay::run(
                &server,
                rate.unwrap_or(20_000),
                secs.unwrap_or(10),
            ))
        }
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).cloned()
}

/// Raises this process's open-file limit (soft and, as root, hard) to at
/// least `want`; the server started afterwards inherits it.
fn raise_nofile(want: u64) -> Result<u64, BoxError> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        if lim.rlim_max < want {
            let raised = libc::rlimit {
                rlim_cur: want,
                rlim_max: want,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                return Ok(want);
            }
        }
        lim.rlim_cur = lim.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
    }
    Ok(lim.rlim_cur)
}
