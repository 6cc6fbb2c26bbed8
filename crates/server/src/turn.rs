//! TURN for everyone behind a NAT or firewall: short-lived credentials in
//! coturn's `use-auth-secret` scheme (the "TURN REST API"), the ICE settings
//! each participant gets, and the coturn configuration that goes with them
//! ([`coturn`]).
//!
//! A credential is `username = "<unix expiry>:<who>"`, `credential =
//! base64(HMAC-SHA1(secret, username))`; coturn, holding the same secret,
//! recomputes it and refuses it once the expiry has passed. Nothing here reads
//! a clock: callers pass the Unix time.

pub mod coturn;

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sala_protocol::{IceConfig, IcePolicy, IceServer, Role};
use sha1::Sha1;

/// File of the TURN secret in the data directory (unless `--turn-secret-file`).
pub const SECRET_FILE: &str = "turn.key";

/// The secret shared with coturn (`static-auth-secret`): one line of text.
#[derive(Clone)]
pub struct TurnSecret(String);

impl std::fmt::Debug for TurnSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnSecret(..)")
    }
}

impl TurnSecret {
    /// The secret in the file at `path`, made from `fresh` (mode 0600) if
    /// there is no such file yet. An empty or non-text file is an error, not
    /// a secret.
    pub fn load_or_create(path: &Path, fresh: impl FnOnce() -> [u8; 32]) -> io::Result<Self> {
        match std::fs::File::open(path) {
            Ok(mut f) => {
                let mut text = String::new();
                f.read_to_string(&mut text)?;
                Self::parse(&text).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the TURN secret file is empty or spans several lines",
                    )
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let secret = URL_SAFE_NO_PAD.encode(fresh());
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut f = options.open(path)?;
                f.write_all(secret.as_bytes())?;
                f.write_all(b"\n")?;
                f.sync_all()?;
                Ok(Self(secret))
            }
            Err(e) => Err(e),
        }
    }

    /// One non-empty line, surrounding whitespace ignored.
    pub fn parse(text: &str) -> Option<Self> {
        let secret = text.trim();
        (!secret.is_empty() && !secret.contains(['\n', '\r'])).then(|| Self(secret.to_owned()))
    }

    /// As coturn's configuration spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The TURN servers Sala hands out, and how long their credentials last.
#[derive(Clone, Debug)]
pub struct Turn {
    /// `turn:` and `turns:` URLs of servers holding [`Turn::secret`].
    pub urls: Vec<String>,
    pub secret: TurnSecret,
    pub ttl: Duration,
}

impl Turn {
    /// A server entry whose credential lets `who` allocate until
    /// `unix_now + ttl`.
    pub fn credentials(&self, unix_now: u64, who: &str) -> IceServer {
        let username = format!("{}:{who}", unix_now.saturating_add(self.ttl.as_secs()));
        let mut mac = Hmac::<Sha1>::new_from_slice(self.secret.as_str().as_bytes())
            .expect("HMAC takes any key length");
        mac.update(username.as_bytes());
        IceServer {
            urls: self.urls.clone(),
            username: Some(username),
            credential: Some(B64.encode(mac.finalize().into_bytes())),
        }
    }
}

/// What every participant's connections may use: the configured STUN (or
/// static TURN) servers, Sala's own TURN with fresh credentials, and for the
/// roles that must not show their address, relay only.
#[derive(Clone, Debug, Default)]
pub struct IceSettings {
    pub servers: Vec<IceServer>,
    pub turn: Option<Turn>,
    /// Roles whose media goes only through the relay. Without TURN there is
    /// no relay, and they connect directly (the server warns at start).
    pub relay_roles: Vec<Role>,
}

impl IceSettings {
    /// The configuration for `who` (a label unique to the participant, put
    /// in the TURN username) in `role`, at Unix time `unix_now`.
    pub fn for_peer(&self, unix_now: u64, who: &str, role: Role) -> IceConfig {
        let mut servers = self.servers.clone();
        servers.extend(self.turn.as_ref().map(|t| t.credentials(unix_now, who)));
        let relay = self.turn.is_some() && self.relay_roles.contains(&role);
        IceConfig {
            servers,
            policy: if relay {
                IcePolicy::Relay
            } else {
                IcePolicy::All
            },
        }
    }

    /// How often everyone gets fresh credentials: at half their lifetime, so
    /// the ones a browser holds always have at least half of it left.
    pub fn refresh_every(&self) -> Option<Duration> {
        self.turn
            .as_ref()
            .map(|t| (t.ttl / 2).max(Duration::from_secs(1)))
    }
}

/// Unix time for the room's virtual clock: the wall time read once, beside an
/// [`Instant`], by the shell that made the room.
#[derive(Clone, Copy, Debug)]
pub struct WallAnchor {
    pub at: Instant,
    pub unix: u64,
}

impl WallAnchor {
    pub fn unix_at(&self, now: Instant) -> u64 {
        self.unix
            .saturating_add(now.saturating_duration_since(self.at).as_secs())
    }
}

#[cfg(test)]
mod tests;
