//! Command line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use sala_protocol::{IceServer, MeetingId, Role};
use sala_record::Digest;

use crate::render::{RenderBudget, RenderKind};
use crate::turn::coturn::CoturnOptions;
use crate::turn::{IceSettings, Turn, TurnSecret};
/// See [`Config::max_connections_per_ip`].
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 300;
/// See [`Config::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// See [`Config::body_min_rate`]: 1 KiB/s, well under a thin link's 64 kbit/s.
pub const DEFAULT_BODY_MIN_RATE: u32 = 1024;
/// See [`Config::write_timeout`]: nginx's `send_timeout`.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);

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

    /// TURN URL whose server shares --turn-secret-file, e.g.
    /// turn:turn.example.org:3478?transport=udp or turns:turn.example.org:443?transport=tcp
    /// (repeatable). Each participant gets credentials of its own for these.
    #[arg(long = "turn-url", env = "SALA_TURN_URL", value_delimiter = ',')]
    pub turn_urls: Vec<String>,

    /// The secret shared with the TURN server (coturn's static-auth-secret),
    /// one line; made at first start when missing [default: DATA_DIR/turn.key].
    #[arg(long, env = "SALA_TURN_SECRET_FILE")]
    pub turn_secret_file: Option<PathBuf>,

    /// How long a participant's TURN credentials last; fresh ones come at
    /// half this, and with every reconnection.
    #[arg(long, env = "SALA_TURN_TTL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub turn_ttl: Duration,

    /// A role whose media goes only through TURN, so no other participant
    /// learns its address (repeatable; `none` for no role). Needs --turn-url.
    #[arg(
        long = "relay-only-role",
        env = "SALA_RELAY_ONLY_ROLE",
        value_delimiter = ',',
        default_value = "witness",
        value_parser = parse_relay_role
    )]
    pub relay_only_roles: Vec<Option<Role>>,

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
    /// Most connections open at once from one client: an IPv4 address, or an
    /// IPv6 /64 (WebSockets included). Many people may share one address (a
    /// court's network behind NAT), each with a WebSocket and a few HTTP connections.
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

    /// A write to a client that reads nothing of it for this long closes the connection.
    #[arg(long, env = "SALA_WRITE_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub write_timeout: Duration,

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
    /// Writes to stdout a coturn configuration (turnserver.conf) that accepts
    /// the credentials this server hands out and relays nowhere private.
    CoturnConfig(CoturnOptions),
}

/// A role's wire name, or `none`.
fn parse_relay_role(text: &str) -> Result<Option<Role>, String> {
    if text.trim() == "none" {
        return Ok(None);
    }
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == text.trim())
        .map(Some)
        .ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("not a role; one of {} or none", names.join(", "))
        })
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
            turn_urls: Vec::new(),
            turn_secret_file: None,
            turn_ttl: Duration::from_secs(3600),
            relay_only_roles: vec![Some(Role::Witness)],
            render_timeout: Duration::from_secs(120),
            render_memory_mib: 1024,
            render_worker: None,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_min_rate: DEFAULT_BODY_MIN_RATE,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
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

    /// The TURN secret's file: --turn-secret-file, else `turn.key` in the data directory.
    pub fn turn_secret_path(&self) -> PathBuf {
        self.turn_secret_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join(crate::turn::SECRET_FILE))
    }

    /// Servers and policies for participants' connections; reads (or makes)
    /// the TURN secret when TURN is configured.
    pub fn ice_settings(&self) -> std::io::Result<IceSettings> {
        let urls: Vec<String> = self
            .turn_urls
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        let turn = if urls.is_empty() {
            None
        } else {
            let secret = TurnSecret::load_or_create(&self.turn_secret_path(), rand::random)?;
            Some(Turn {
                urls,
                secret,
                ttl: self.turn_ttl,
            })
        };
        Ok(IceSettings {
            servers: self.ice_servers(),
            turn,
            relay_roles: self.relay_only_roles.iter().flatten().copied().collect(),
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
        assert_eq!(d.write_timeout, super::DEFAULT_WRITE_TIMEOUT);
        let c = Config::try_parse_from([
            "sala-server",
            "--max-connections-per-ip",
            "5",
            "--header-timeout",
            "1500ms",
            "--body-min-rate",
            "10",
            "--write-timeout",
            "5s",
        ])
        .unwrap();
        assert_eq!(c.max_connections_per_ip, 5);
        assert_eq!(c.header_timeout, std::time::Duration::from_millis(1500));
        assert_eq!(c.body_min_rate, 10);
        assert_eq!(c.write_timeout, std::time::Duration::from_secs(5));
    }

    #[test]
    fn turn_flags_make_ice_settings_with_a_secret_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let plain = Config::try_parse_from(["sala-server", "--data-dir", data]).unwrap();
        let ice = plain.ice_settings().unwrap();
        assert!(ice.turn.is_none());
        assert_eq!(ice.relay_roles, [sala_protocol::Role::Witness]);
        assert!(!dir.path().join(crate::turn::SECRET_FILE).exists());

        let c = Config::try_parse_from([
            "sala-server",
            "--data-dir",
            data,
            "--turn-url",
            "turn:t.example:3478?transport=udp,turns:t.example:443?transport=tcp",
            "--turn-ttl",
            "20m",
            "--relay-only-role",
            "witness,interpreter",
        ])
        .unwrap();
        let ice = c.ice_settings().unwrap();
        let turn = ice.turn.expect("TURN configured");
        assert_eq!(turn.urls.len(), 2);
        assert_eq!(turn.ttl, std::time::Duration::from_secs(1200));
        assert!(dir.path().join(crate::turn::SECRET_FILE).exists());
        assert_eq!(
            ice.relay_roles,
            [
                sala_protocol::Role::Witness,
                sala_protocol::Role::Interpreter
            ]
        );

        let none = Config::try_parse_from(["sala-server", "--relay-only-role", "none"]).unwrap();
        assert!(none.ice_settings().unwrap().relay_roles.is_empty());
        let err =
            Config::try_parse_from(["sala-server", "--relay-only-role", "judge"]).unwrap_err();
        assert!(err.to_string().contains("one of host, co_host"), "{err}");
    }
}
