//! The parent side of one render: start the worker under limits, talk to it, and make sure it
//! is gone (killed if need be, always reaped) before returning.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use sala_slides::Page;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{ChildStdin, ChildStdout, Command};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::worker::EXIT_OUT_OF_MEMORY;
use super::{wire, RenderBudget, RenderError, RenderKind};

/// Set in every worker's environment. A process that has it never starts a worker: if the
/// configured program is not a render worker (a test binary run by mistake as one, say), it
/// cannot multiply itself.
const WORKER_ENV: &str = "SALA_RENDER_WORKER";

/// Most bytes read from a worker's stdout: well over 200 pages of three renditions each.
const MAX_REPLY_BYTES: u64 = 1 << 30;

pub(super) struct Job {
    pub worker: PathBuf,
    pub kind: RenderKind,
    pub input: Bytes,
    pub budget: RenderBudget,
    pub live: Arc<Mutex<BTreeSet<u32>>>,
}

/// How the exchange with the worker ended.
enum Ending {
    /// Its stdout closed; what it wrote.
    Replied(std::io::Result<Vec<u8>>),
    /// The time budget ran out first.
    Deadline,
    /// Nobody waits for the answer any more.
    Abandoned,
}

/// Runs one render. Returns only once the worker has exited and been reaped.
pub(super) async fn run(
    job: Job,
    mut abandoned: oneshot::Receiver<Infallible>,
) -> Result<Vec<Page>, RenderError> {
    if std::env::var_os(WORKER_ENV).is_some() {
        return Err(RenderError::Worker(std::io::Error::other(
            "a render worker does not start render workers",
        )));
    }
    let deadline = Instant::now() + job.budget.time;
    let mut command = Command::new(&job.worker);
    command
        .arg("render-worker")
        .arg(job.kind.arg())
        .env_clear()
        .env(WORKER_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let memory = job.budget.memory;
    let cpu_seconds = job.budget.time.as_secs() + 1;
    // SAFETY: the closure only calls getrlimit/setrlimit, which are async-signal-safe, and
    // allocates nothing.
    unsafe {
        command.pre_exec(move || limit_self(memory, cpu_seconds));
    }
    let mut child = command.spawn()?;
    let pid = child.id().unwrap_or(0);
    let _listed = Listed::new(&job.live, pid);
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");

    let ending = tokio::select! {
        reply = exchange(stdin, stdout, &job.input) => Ending::Replied(reply),
        () = tokio::time::sleep_until(deadline) => Ending::Deadline,
        _ = &mut abandoned => Ending::Abandoned,
    };
    // Having closed its stdout, a worker exits at once; give it until the deadline.
    let mut out_of_time = matches!(ending, Ending::Deadline);
    let exited = match ending {
        Ending::Replied(_) => tokio::select! {
            status = child.wait() => Some(status?),
            () = tokio::time::sleep_until(deadline) => {
                out_of_time = true;
                None
            }
            _ = &mut abandoned => None,
        },
        Ending::Deadline | Ending::Abandoned => None,
    };
    let status = match exited {
        Some(status) => status,
        None => {
            let _ = child.start_kill();
            child.wait().await?
        }
    };
    if status.code() == Some(EXIT_OUT_OF_MEMORY) {
        return Err(RenderError::OutOfMemory);
    }
    // RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL at the hard one.
    let cpu_limit = exited.is_some()
        && status
            .signal()
            .is_some_and(|s| s == libc::SIGXCPU || s == libc::SIGKILL);
    if out_of_time || cpu_limit {
        return Err(RenderError::TookTooLong(job.budget.time));
    }
    match ending {
        Ending::Replied(Ok(reply)) if status.success() => match wire::decode(&reply) {
            Ok(Ok(pages)) => Ok(pages),
            Ok(Err((refusal, why))) => Err(RenderError::Refused(refusal, why)),
            Err(bad) => Err(RenderError::Crashed(bad.to_string())),
        },
        Ending::Replied(Err(e)) => Err(RenderError::Worker(e)),
        Ending::Abandoned => Err(RenderError::Crashed("abandoned".to_owned())),
        _ => Err(RenderError::Crashed(describe(status))),
    }
}

/// Writes the upload and reads the reply at the same time (a worker that refuses early
/// stops reading; a broken pipe on stdin is then expected, not an error).
async fn exchange(
    mut stdin: ChildStdin,
    stdout: ChildStdout,
    input: &[u8],
) -> std::io::Result<Vec<u8>> {
    let write = async move {
        let _ = stdin.write_all(input).await;
        // Dropping stdin closes it: the worker sees the end of the upload.
    };
    let read = async move {
        let mut reply = Vec::new();
        stdout.take(MAX_REPLY_BYTES).read_to_end(&mut reply).await?;
        Ok(reply)
    };
    let ((), reply) = tokio::join!(write, read);
    reply
}

fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => status.to_string(),
    }
}

/// Lists a worker's pid from its start until it has been reaped (this guard is dropped after
/// the final `wait`, or after `kill_on_drop` when the task itself is dropped).
struct Listed<'a> {
    live: &'a Mutex<BTreeSet<u32>>,
    pid: u32,
}

impl<'a> Listed<'a> {
    fn new(live: &'a Mutex<BTreeSet<u32>>, pid: u32) -> Self {
        if let Ok(mut live) = live.lock() {
            live.insert(pid);
        }
        Self { live, pid }
    }
}

impl Drop for Listed<'_> {
    fn drop(&mut self) {
        if let Ok(mut live) = self.live.lock() {
            live.remove(&self.pid);
        }
    }
}

/// In the child, before exec: the address-space and CPU-time limits, and no core file.
/// A limit is never raised above the hard limit the server itself runs under.
fn limit_self(memory: u64, cpu_seconds: u64) -> std::io::Result<()> {
    macro_rules! limit {
        ($resource:expr, $soft:expr, $hard:expr) => {{
            let mut current = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: plain system calls on a local struct.
            if unsafe { libc::getrlimit($resource, &mut current) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let hard = current.rlim_max.min($hard);
            let wanted = libc::rlimit {
                rlim_cur: hard.min($soft),
                rlim_max: hard,
            };
            if unsafe { libc::setrlimit($resource, &wanted) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }};
    }
    limit!(libc::RLIMIT_AS, memory, memory);
    limit!(libc::RLIMIT_CPU, cpu_seconds, cpu_seconds + 1);
    limit!(libc::RLIMIT_CORE, 0, 0);
    Ok(())
}
