//! The server under test: a child process with its own temporary data
//! directory, watched through `/proc/PID`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::BoxError;

pub struct ServerProc {
    child: Child,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
}

/// What `/proc/PID/status` says of the server's memory and threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub rss_kib: u64,
    pub hwm_kib: u64,
    pub threads: u64,
}

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RSS {:.1} MiB (peak {:.1} MiB), {} threads",
            self.rss_kib as f64 / 1024.0,
            self.hwm_kib as f64 / 1024.0,
            self.threads
        )
    }
}

impl ServerProc {
    /// Starts `bin` on 127.0.0.1:0 and waits for its "listening" line.
    /// `env` is passed on (flags the binary may not know are given as
    /// environment variables, so that an older build still starts).
    pub fn start(bin: &Path, env: &[(&str, String)]) -> Result<Self, BoxError> {
        let dir = tempfile::tempdir()?;
        // The server's own logging, at its default level, as in production.
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let mut command = Command::new(bin);
        command
            .args(["--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .arg("--dist")
            .arg(dir.path().join("dist"))
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        let mut addr = None;
        // A wrapper (a profiler) may print first; a few lines at most.
        for _ in 0..20 {
            line.clear();
            if stdout.read_line(&mut line)? == 0 {
                break;
            }
            addr = line
                .trim()
                .strip_prefix("Sala is listening on http://")
                .and_then(|a| a.parse().ok());
            if addr.is_some() {
                break;
            }
        }
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("unexpected first line from the server: {line:?}").into());
        };
        Ok(Self { child, addr, dir })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn usage(&self) -> Result<Usage, BoxError> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Ok(Usage {
            rss_kib: field("VmRSS:"),
            hwm_kib: field("VmHWM:"),
            threads: field("Threads:"),
        })
    }

    /// CPU time (user + system) used so far.
    pub fn cpu(&self) -> Result<Duration, BoxError> {
        cpu_of(&format!("/proc/{}/stat", self.pid()))
    }

    /// Samples every second until memory and threads stop changing (no
    /// change for `window`) with at most `threads` threads, or `bound`
    /// passes; returns the last sample and when.
    pub async fn settle(
        &self,
        threads: u64,
        window: Duration,
        bound: Duration,
    ) -> Result<(Usage, Duration), BoxError> {
        let start = Instant::now();
        let mut last = self.usage()?;
        let mut stable_since = Instant::now();
        while start.elapsed() < bound {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = self.usage()?;
            let same = now.threads == last.threads && now.rss_kib.abs_diff(last.rss_kib) < 256;
            if !same || now.threads > threads {
                stable_since = Instant::now();
            }
            last = now;
            if stable_since.elapsed() >= window {
                break;
            }
        }
        Ok((last, start.elapsed()))
    }
}

impl ServerProc {
    /// Lines of the server's log that contain `needle`.
    pub fn log_lines(&self, needle: &str) -> Result<usize, BoxError> {
        let log = std::fs::read_to_string(self.dir.path().join("server.log"))?;
        Ok(log.lines().filter(|l| l.contains(needle)).count())
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User + system CPU time from a `/proc/…/stat` file.
pub fn cpu_of(stat_path: &str) -> Result<Duration, BoxError> {
    let stat = std::fs::read_to_string(stat_path)?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks: u64 = fields
        .get(11..13)
        .ok_or("short /proc stat")?
        .iter()
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(Duration::from_millis(ticks * 1000 / hz))
}
