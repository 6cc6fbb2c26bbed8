//! Command line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use sala_protocol::{IceServer, MeetingId};
use sala_record::Digest;

use crate::render::{RenderBudget, RenderKind};
/// See [`Config::max_connections_per_ip`].
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 300;
/// See [`Config::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// See [`Config::body_min_rate`]: 1 KiB/s, well under a thin link's 64 kbit/s.
pub const DEFAULT_BODY_MIN_RATE: u32 = 1024;

/// Sala signaling and rooms server.
#[derive(Clone, Debug, clap::Parser)]
#[command(name = "sala-server", version, about)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "SALA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory for the SQLite database `sala.sqlite3`; created if missing.
    #[arg(long, env = "SALA_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Directory of the built client (served with a single-page-app fallback).
    #[arg(long, env = "SALA_DIST", default_value = "./dist")]
    pub dist: PathBuf,

    /// PEM certificate chain; serves HTTPS together with --tls-key.
    #[arg(long, env = "SALA_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key; serves HTTPS together with --tls-cert.
    #[arg(long, env = "SALA_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Extra origin allowed to open the WebSocket, e.g. https://sala.example.org
    /// (repeatable; comma separated in the environment).
    #[arg(
        long = "allow-origin",
        env = "SALA_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,

    /// STUN/TURN URL handed to clients, e.g. stun:stun.example.org:3478 (repeatable).
    #[arg(long = "ice-server", env = "SALA_ICE_SERVER", value_delimiter = ',')]
    pub ice_servers: Vec<String>,

    /// Longest a slide upload may take to render (wall clock, and CPU time) before it is
    /// refused as taking too long, e.g. 90s or 3m.
    #[arg(long, env = "SALA_RENDER_TIMEOUT", default_value = "120s", value_parser = humantime::parse_duration)]
    pub render_timeout: Duration,

    /// Address space one slide render may use, in MiB; beyond it the upload is refused as
    /// too complex.
    #[arg(long, env = "SALA_RENDER_MEMORY_MIB", default_value_t = 1024)]
    pub render_memory_mib: u64,

    /// The program run as the render worker (`PROGRAM render-worker deck|still`); this
    /// executable when unset. Tests, whose executable is not the server, set it.
    #[arg(skip)]
    pub render_worker: Option<PathBuf>,
    /// Most connections open at once from one client address (WebSockets
    /// included). Many people may share one public address (a court's
    /// network behind NAT), each with a WebSocket and a few HTTP connections.
    #[arg(
        long,
        env = "SALA_MAX_CONNECTIONS_PER_IP",
        default_value_t = DEFAULT_MAX_CONNECTIONS_PER_IP
    )]
    pub max_connections_per_ip: usize,

    /// Time a client has to send a request's head (or to finish the TLS
    /// handshake); an idle keep-alive connection is closed after it.
    #[arg(long, env = "SALA_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: Duration,

    /// Slowest average rate, in bytes a second, at which a request body
    /// (an upload) may arrive after a head start of --header-timeout.
    #[arg(long, env = "SALA_BODY_MIN_RATE", default_value_t = DEFAULT_BODY_MIN_RATE)]
    pub body_min_rate: u32,

    /// Without a command, serve.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// A meeting's record (the hash-chained event log), read from the
    /// database in --data-dir; the server need not run.
    #[command(subcommand)]
    Record(RecordCommand),
    /// Internal: renders one upload read on stdin, in a process the server started with
    /// limits (see `render::worker`).
    #[command(hide = true)]
    RenderWorker {
        #[arg(value_enum)]
        kind: RenderKind,
    },
}

#[derive(Clone, Debug, clap::Subcommand)]
pub enum RecordCommand {
    /// Checks the chain and names the first entry that was edited, deleted,
    /// inserted or moved. Exit status 0 if whole, 1 if broken.
    Verify {
        /// The meeting's id (the part of its link after /m/).
        #[arg(value_parser = MeetingId::parse)]
        meeting: MeetingId,
        /// A head digest from an earlier export: it must still be in the
        /// chain (catches entries removed at the end).
        #[arg(long)]
        head: Option<Digest>,
    },
    /// Writes the record to stdout, checked, as a readable text or as JSON.
    Export {
        #[arg(value_parser = MeetingId::parse)]
        meeting: MeetingId,
        #[arg(long, value_enum, default_value_t = ExportFormat::Text)]
        format: ExportFormat,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Text,
    Json,
}

impl Config {
    /// A configuration with defaults for everything but the two directories.
    pub fn new(data_dir: impl Into<PathBuf>, dist: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            dist: dist.into(),
            tls_cert: None,
            tls_key: None,
            allow_origins: Vec::new(),
            ice_servers: Vec::new(),
            render_timeout: Duration::from_secs(120),
            render_memory_mib: 1024,
            render_worker: None,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_min_rate: DEFAULT_BODY_MIN_RATE,
            command: None,
        }
    }

    pub fn tls(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }

    /// What one slide render may spend.
    pub fn render_budget(&self) -> RenderBudget {
        RenderBudget {
            time: self.render_timeout,
            memory: self.render_memory_mib.saturating_mul(1 << 20),
        }
    }

    /// The render worker's program: [`Config::render_worker`], else this executable (on
    /// Linux `/proc/self/exe`, which still runs this very binary after the file on disk was
    /// replaced by an upgrade).
    pub fn render_worker(&self) -> PathBuf {
        self.render_worker.clone().unwrap_or_else(|| {
            let this = PathBuf::from("/proc/self/exe");
            if this.exists() {
                return this;
            }
            std::env::current_exe().unwrap_or_else(|_| PathBuf::from("sala-server"))
        })
    }

    pub fn ice_servers(&self) -> Vec<IceServer> {
        self.ice_servers
            .iter()
            .map(|url| url.trim())
            .filter(|url| !url.is_empty())
            .map(|url| IceServer {
                urls: vec![url.to_owned()],
                username: None,
                credential: None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Config;
    use clap::Parser;

    #[test]
    fn tls_flags_come_in_pairs() {
        let err = Config::try_parse_from(["sala-server", "--tls-cert", "c.pem"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let ok =
            Config::try_parse_from(["sala-server", "--tls-cert", "c.pem", "--tls-key", "k.pem"])
                .unwrap();
        assert!(ok.tls());
    }

    #[test]
    fn repeatable_flags() {
        let c = Config::try_parse_from([
            "sala-server",
            "--bind",
            "127.0.0.1:0",
            "--allow-origin",
            "https://a.example",
            "--allow-origin",
            "https://b.example,https://c.example",
            "--ice-server",
            "stun:s.example:3478",
        ])
        .unwrap();
        assert_eq!(c.bind.port(), 0);
        assert_eq!(
            c.allow_origins,
            [
                "https://a.example",
                "https://b.example",
                "https://c.example"
            ]
        );
        assert_eq!(c.ice_servers()[0].urls, ["stun:s.example:3478"]);
        assert!(!c.tls());
    }

    #[test]
    fn connection_limits_have_defaults_and_flags() {
        let d = Config::try_parse_from(["sala-server"]).unwrap();
        assert_eq!(
            d.max_connections_per_ip,
            super::DEFAULT_MAX_CONNECTIONS_PER_IP
        );
        assert_eq!(d.header_timeout, super::DEFAULT_HEADER_TIMEOUT);
        assert_eq!(d.body_min_rate, super::DEFAULT_BODY_MIN_RATE);
        let c = Config::try_parse_from([
            "sala-server",
            "--max-connections-per-ip",
            "5",
            "--header-timeout",
            "1500ms",
            "--body-min-rate",
            "10",
        ])
        .unwrap();
        assert_eq!(c.max_connections_per_ip, 5);
        assert_eq!(c.header_timeout, std::time::Duration::from_millis(1500));
        assert_eq!(c.body_min_rate, 10);
    }
}
