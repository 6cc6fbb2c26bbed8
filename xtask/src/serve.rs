//! `cargo xtask serve`: set up, build, and run Sala with coturn beside it, so
//! browsers behind a NAT or a firewall (and relay-only roles) can connect.
//!
//! coturn is configured by the server itself (`sala-server coturn-config`:
//! its secret, its deny list) and runs as a child of this command; it stops
//! when Sala stops. `SALA_TURN=off` runs Sala without it; a `SALA_TURN_URL`
//! already set means a TURN server of your own, which is used instead.

use std::fs::File;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::run::{cmd, root, Error, Result};

const DEFAULT_TURN_PORT: u16 = 3478;
/// How long coturn may take to open its port before Sala starts without it.
const TURN_START_LIMIT: Duration = Duration::from_secs(10);

pub fn serve(args: &[String]) -> Result<()> {
    crate::setup::all(false)?;
    crate::setup::apt(crate::setup::SERVE_PACKAGES)?;
    crate::build(true)?;
    let bind = match args {
        [flag, addr, ..] if flag == "--bind" => addr.clone(),
        _ => env("SALA_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
    };
    let root = root();
    let data = env("SALA_DATA_DIR").map_or_else(|| root.join("data"), PathBuf::from);
    std::fs::create_dir_all(&data)
        .map_err(|e| Error::Other(format!("creating {}: {e}", data.display())))?;
    let server = root.join("target/release/sala-server");
    // Without TURN Sala still serves everyone who can connect directly.
    let turn = match turn_plan(&bind).map_err(Error::Other) {
        Ok(plan) => Coturn::start(&server, &data, &plan),
        Err(why) => Err(why),
    }
    .inspect_err(|why| eprintln!("xtask: running without TURN: {why}"))
    .ok();
    println!("Open the address below in Chrome, Edge or Firefox. Off this machine, put Sala behind HTTPS (see README).");
    let mut sala = cmd(server.to_str().unwrap_or("sala-server"), &["--bind", &bind])
        .arg("--data-dir")
        .arg(&data)
        .arg("--dist")
        .arg(root.join("dist"));
    for url in turn.iter().flat_map(Coturn::urls) {
        sala = sala.arg("--turn-url").arg(url);
    }
    let result = sala.run();
    drop(turn);
    result
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

/// Where coturn listens and the name browsers reach it by.
#[derive(Debug, PartialEq)]
struct TurnPlan {
    /// Host part of the `turn:` URLs.
    host: String,
    /// The address coturn listens and relays on; every address when `None`.
    listen: Option<IpAddr>,
    port: u16,
    /// Peers allowed despite the deny list.
    allow: Vec<String>,
}

/// What coturn should do for a Sala on `bind`, from the environment; `Err`
/// says why Sala runs without it.
fn turn_plan(bind: &str) -> std::result::Result<TurnPlan, String> {
    if env("SALA_TURN").as_deref() == Some("off") {
        return Err("SALA_TURN=off".into());
    }
    if env("SALA_TURN_URL").is_some() {
        return Err("SALA_TURN_URL names a TURN server of your own".into());
    }
    plan_for(
        bind,
        env("SALA_TURN_HOST"),
        env("SALA_TURN_PORT"),
        env("SALA_TURN_ALLOW_PEER"),
    )
}

fn plan_for(
    bind: &str,
    host: Option<String>,
    port: Option<String>,
    allow: Option<String>,
) -> std::result::Result<TurnPlan, String> {
    let bind: SocketAddr = bind
        .parse()
        .map_err(|_| format!("`{bind}` is not an address and port"))?;
    let listen = (!bind.ip().is_unspecified()).then_some(bind.ip());
    let host = match (host, listen) {
        (Some(host), _) => host,
        (None, Some(ip)) if ip.is_ipv6() => format!("[{ip}]"),
        (None, Some(ip)) => ip.to_string(),
        (None, None) => {
            return Err(format!(
                "Sala listens on every address ({bind}); set SALA_TURN_HOST to the name or \
                 address browsers reach this machine by"
            ))
        }
    };
    let port = match port {
        None => DEFAULT_TURN_PORT,
        Some(p) => p
            .parse()
            .map_err(|_| format!("SALA_TURN_PORT `{p}` is not a port"))?,
    };
    let mut allow: Vec<String> = allow
        .iter()
        .flat_map(|list| list.split(','))
        .map(|range| range.trim().to_owned())
        .filter(|range| !range.is_empty())
        .collect();
    // Sala on loopback is one machine's: its browsers' addresses are the
    // loopback one, which the deny list would otherwise refuse as a peer.
    if listen.is_some_and(|ip| ip.is_loopback()) {
        allow.push(bind.ip().to_string());
    }
    Ok(TurnPlan {
        host,
        listen,
        port,
        allow,
    })
}

/// The coturn this command started; stopped (by its PID) when dropped.
struct Coturn {
    child: Child,
    host: String,
    port: u16,
}

impl Coturn {
    /// Writes `turnserver.conf` in `data` and starts coturn with it. A port
    /// in use or a coturn that does not come up is an error that says so.
    fn start(server: &Path, data: &Path, plan: &TurnPlan) -> Result<Self> {
        let listen = plan.listen.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if UdpSocket::bind((listen, plan.port)).is_err() {
            return Err(Error::Other(format!(
                "UDP port {} is taken on {listen} (Debian's own coturn service? \
                 `systemctl disable --now coturn`), or set SALA_TURN_PORT, or SALA_TURN=off",
                plan.port
            )));
        }
        let mut args: Vec<String> = vec!["--data-dir".into(), data.display().to_string()];
        args.push("coturn-config".into());
        if let Some(ip) = plan.listen {
            args.extend(["--listening-ip".into(), ip.to_string()]);
            args.extend(["--relay-ip".into(), ip.to_string()]);
        }
        args.extend(["--port".into(), plan.port.to_string()]);
        args.extend(["--pidfile".into(), data.join("turnserver.pid").display().to_string()]);
        for range in &plan.allow {
            args.extend(["--allow-peer".into(), range.clone()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let config = cmd(server.to_str().unwrap_or("sala-server"), &args)
            .output()
            .ok_or_else(|| Error::Other("`sala-server coturn-config` failed".into()))?;
        let conf = data.join("turnserver.conf");
        let log = data.join("turnserver.log");
        std::fs::write(&conf, config)
            .map_err(|e| Error::Other(format!("writing {}: {e}", conf.display())))?;
        let log_file = File::create(&log)
            .map_err(|e| Error::Other(format!("creating {}: {e}", log.display())))?;
        let child = cmd("turnserver", &["-c"])
            .arg(&conf)
            .spawn_logging(log_file)?;
        let mut coturn = Coturn {
            child,
            host: plan.host.clone(),
            port: plan.port,
        };
        coturn.wait_listening(listen, &log)?;
        eprintln!(
            "xtask: coturn on {listen}:{} (log {})",
            plan.port,
            log.display()
        );
        Ok(coturn)
    }

    /// Until coturn holds its UDP port, or it exits, or the limit passes.
    fn wait_listening(&mut self, listen: IpAddr, log: &Path) -> Result<()> {
        let deadline = Instant::now() + TURN_START_LIMIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(Error::Other(format!(
                    "coturn exited ({status}); its log: {}",
                    log.display()
                )));
            }
            if UdpSocket::bind((listen, self.port)).is_err() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(Error::Other(format!(
                    "coturn did not open UDP port {} within {TURN_START_LIMIT:?}; its log: {}",
                    self.port,
                    log.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The URLs Sala hands to browsers (with fresh credentials per participant).
    fn urls(&self) -> [String; 2] {
        ["udp", "tcp"].map(|t| format!("turn:{}:{}?transport={t}", self.host, self.port))
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_turn_for_each_kind_of_bind() {
        let loopback = plan_for("127.0.0.1:8080", None, None, None).unwrap();
        assert_eq!(
            loopback,
            TurnPlan {
                host: "127.0.0.1".into(),
                listen: Some([127, 0, 0, 1].into()),
                port: 3478,
                allow: vec!["127.0.0.1".into()],
            }
        );
        let lan = plan_for(
            "192.168.1.5:443",
            Some("sala.court.example".into()),
            Some("3479".into()),
            Some("192.168.1.0-192.168.1.255, ".into()),
        )
        .unwrap();
        assert_eq!(lan.host, "sala.court.example");
        assert_eq!(lan.port, 3479);
        assert_eq!(lan.allow, ["192.168.1.0-192.168.1.255"]);
        let v6 = plan_for("[::1]:8080", None, None, None).unwrap();
        assert_eq!(v6.host, "[::1]");
        assert_eq!(v6.allow, ["::1"]);
        let any = plan_for("0.0.0.0:8080", Some("203.0.113.7".into()), None, None).unwrap();
        assert_eq!((any.listen, any.allow.len()), (None, 0));
    }

    #[test]
    fn says_why_turn_cannot_be_planned() {
        let no_host = plan_for("0.0.0.0:8080", None, None, None).unwrap_err();
        assert!(no_host.contains("SALA_TURN_HOST"), "{no_host}");
        let bad_port = plan_for("127.0.0.1:8080", None, Some("x".into()), None).unwrap_err();
        assert!(bad_port.contains("SALA_TURN_PORT"), "{bad_port}");
        let bad_bind = plan_for("localhost", None, None, None).unwrap_err();
        assert!(bad_bind.contains("localhost"), "{bad_bind}");
    }
}
