//! Running commands from the repository root, with clear errors.

use std::ffi::OsStr;
use std::fmt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug)]
pub enum Error {
    /// A command could not start (not installed?).
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// A command ran and failed.
    Failed {
        program: String,
        status: std::process::ExitStatus,
    },
    /// Something else, said plainly.
    Other(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spawn { program, source } => write!(f, "could not run `{program}`: {source}"),
            Error::Failed { program, status } => write!(f, "`{program}` failed ({status})"),
            Error::Other(msg) => f.write_str(msg),
        }
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Directory of project-local tools installed from npm (wasm-opt, terser).
pub fn tools_bin() -> PathBuf {
    root().join(".tools/node_modules/.bin")
}

/// `PATH` with the project's stand-ins, its tools and cargo's bin dir first:
/// scripts/bin/wasm-bindgen is the wasm-bindgen Trunk must find (it splits
/// the app in two, see src/joined.rs) and calls the real one after it.
pub fn path_env() -> String {
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    let old = std::env::var("PATH").unwrap_or_default();
    format!(
        "{}:{}:{}:{old}",
        root().join("scripts/bin").display(),
        tools_bin().display(),
        home.join("bin").display()
    )
}

pub struct Cmd {
    inner: Command,
    program: String,
}

pub fn cmd(program: &str, args: &[&str]) -> Cmd {
    let mut inner = Command::new(program);
    inner.args(args).current_dir(root()).env("PATH", path_env());
    Cmd {
        inner,
        program: format!("{program} {}", args.join(" ")),
    }
}

impl Cmd {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.program.push(' ');
        self.program.push_str(&arg.as_ref().to_string_lossy());
        self.inner.arg(arg);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.inner.env(key, value);
        self
    }

    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.inner.current_dir(dir.into());
        self
    }

    /// Runs with inherited output; an error if it does not succeed.
    pub fn run(mut self) -> Result<()> {
        eprintln!("$ {}", self.program);
        let status = self.inner.status().map_err(|source| Error::Spawn {
            program: self.program.clone(),
            source,
        })?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::Failed {
                program: self.program,
                status,
            })
        }
    }

    /// Runs, echoing output live and also returning it (stdout and stderr merged
    /// in order per stream); `Ok((success, text))`.
    pub fn run_tee(mut self) -> Result<(bool, String)> {
        eprintln!("$ {}", self.program);
        self.inner.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.inner.spawn().map_err(|source| Error::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let tee = |stream: Box<dyn std::io::Read + Send>, to_err: bool| {
            std::thread::spawn(move || {
                use std::io::{BufRead, BufReader, Write};
                let mut text = String::new();
                for line in BufReader::new(stream)
                    .lines()
                    .map_while(std::result::Result::ok)
                {
                    if to_err {
                        eprintln!("{line}");
                    } else {
                        println!("{line}");
                        std::io::stdout().flush().ok();
                    }
                    text.push_str(&line);
                    text.push('\n');
                }
                text
            })
        };
        let out = tee(Box::new(child.stdout.take().expect("piped")), false);
        let err = tee(Box::new(child.stderr.take().expect("piped")), true);
        let status = child.wait().map_err(|source| Error::Spawn {
            program: self.program.clone(),
            source,
        })?;
        let text = out.join().unwrap_or_default() + &err.join().unwrap_or_default();
        Ok((status.success(), text))
    }

    /// Starts in the background with stdout and stderr into `log`.
    pub fn spawn_logging(mut self, log: std::fs::File) -> Result<std::process::Child> {
        eprintln!("$ {} &", self.program);
        let err = log.try_clone().map_err(|source| Error::Spawn {
            program: self.program.clone(),
            source,
        })?;
        self.inner
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .spawn()
            .map_err(|source| Error::Spawn {
                program: self.program,
                source,
            })
    }

    /// Runs quietly and returns stdout if it succeeded.
    pub fn output(mut self) -> Option<String> {
        let out = self.inner.stderr(Stdio::null()).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}
