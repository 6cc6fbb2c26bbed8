//! The coturn configuration that goes with Sala's credentials
//! (`sala-server coturn-config`): authenticated use only, and no relaying to
//! this machine or its private networks.
//!
//! coturn 4.6.1 (Debian 12) takes ranges as `first-last`, not CIDR, and does
//! not match an IPv4 range against an IPv4-mapped IPv6 peer: without the
//! `::ffff:` line a guest could relay to `::ffff:127.0.0.1`, this machine.
//! Later coturn releases close that gap and others; run a current one in
//! production (README).

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;

use super::TurnSecret;

/// Peer addresses coturn must never relay to: this host, private and shared
/// networks, link-local, reserved, documentation, and IPv6 forms that embed
/// an IPv4 address.
pub const DENIED_PEERS: &[&str] = &[
    "0.0.0.0-0.255.255.255",
    "10.0.0.0-10.255.255.255",
    "100.64.0.0-100.127.255.255",
    "127.0.0.0-127.255.255.255",
    "169.254.0.0-169.254.255.255",
    "172.16.0.0-172.31.255.255",
    "192.0.0.0-192.0.0.255",
    "192.0.2.0-192.0.2.255",
    "192.168.0.0-192.168.255.255",
    "198.18.0.0-198.19.255.255",
    "198.51.100.0-198.51.100.255",
    "203.0.113.0-203.0.113.255",
    "224.0.0.0-255.255.255.255",
    "::-::1",
    "::ffff:0.0.0.0-::ffff:255.255.255.255",
    "64:ff9b::-64:ff9b::ffff:ffff",
    "2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
];

/// Where and how coturn listens.
#[derive(Clone, Debug, clap::Args)]
pub struct CoturnOptions {
    /// Address coturn listens on (repeatable; all of the machine's when none).
    #[arg(long = "listening-ip")]
    pub listening_ips: Vec<IpAddr>,
    /// Address relayed media leaves from (repeatable; coturn picks when none).
    #[arg(long = "relay-ip")]
    pub relay_ips: Vec<IpAddr>,
    /// Public address when coturn sits behind a 1:1 NAT (`external-ip`).
    #[arg(long)]
    pub external_ip: Option<IpAddr>,
    /// UDP and TCP port for `turn:` URLs.
    #[arg(long, default_value_t = 3478)]
    pub port: u16,
    /// Port for `turns:` (TURN over TLS; 443 passes most firewalls), with
    /// --cert and --pkey.
    #[arg(long, requires_all = ["cert", "pkey"])]
    pub tls_port: Option<u16>,
    #[arg(long)]
    pub cert: Option<PathBuf>,
    #[arg(long)]
    pub pkey: Option<PathBuf>,
    /// A peer address or `first-last` range allowed despite the deny list,
    /// e.g. the LAN of a courthouse (repeatable).
    #[arg(long = "allow-peer", value_parser = parse_range)]
    pub allowed_peers: Vec<String>,
    /// Realm coturn names in its challenges.
    #[arg(long, default_value = "sala")]
    pub realm: String,
    /// coturn's pid file (its default is under /var/run).
    #[arg(long)]
    pub pidfile: Option<PathBuf>,
}

/// `a.b.c.d`, `x::y`, or `first-last` of one family with first ≤ last.
pub fn parse_range(text: &str) -> Result<String, String> {
    let ip = |s: &str| {
        s.trim()
            .parse::<IpAddr>()
            .map_err(|_| format!("`{s}` is not an IP address"))
    };
    match text.split_once('-') {
        None => ip(text).map(|a| a.to_string()),
        Some((first, last)) => match (ip(first)?, ip(last)?) {
            (a @ IpAddr::V4(_), b @ IpAddr::V4(_)) | (a @ IpAddr::V6(_), b @ IpAddr::V6(_))
                if a <= b =>
            {
                Ok(format!("{a}-{b}"))
            }
            _ => Err(format!(
                "`{text}` is not a range: both ends of one family, the first not after the last"
            )),
        },
    }
}

/// Whether a range from [`parse_range`] begins on a loopback address.
fn starts_on_loopback(range: &str) -> bool {
    range
        .split('-')
        .next()
        .and_then(|first| first.parse::<IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

/// The `turnserver.conf` for `secret` and `options`.
pub fn config(secret: &TurnSecret, options: &CoturnOptions) -> String {
    let mut c = String::from(
        "# Written by `sala-server coturn-config`: credentials from Sala only\n\
         # (use-auth-secret), no relaying to this host or private networks.\n",
    );
    let mut line = |key: &str, value: &dyn std::fmt::Display| {
        writeln!(c, "{key}={value}").expect("writing to a String");
    };
    line("listening-port", &options.port);
    for ip in &options.listening_ips {
        line("listening-ip", ip);
    }
    for ip in &options.relay_ips {
        line("relay-ip", ip);
    }
    if let Some(ip) = options.external_ip {
        line("external-ip", &ip);
    }
    line("realm", &options.realm);
    line("static-auth-secret", &secret.as_str());
    for range in DENIED_PEERS {
        line("denied-peer-ip", range);
    }
    for range in &options.allowed_peers {
        line("allowed-peer-ip", range);
    }
    line("user-quota", &12);
    line("total-quota", &1200);
    line("stale-nonce", &600);
    line("log-file", &"stdout");
    if let Some(pidfile) = &options.pidfile {
        line("pidfile", &pidfile.display());
    }
    match (&options.tls_port, &options.cert, &options.pkey) {
        (Some(port), Some(cert), Some(pkey)) => {
            line("tls-listening-port", port);
            line("cert", &cert.display());
            line("pkey", &pkey.display());
            c.push_str("no-tlsv1\nno-tlsv1_1\nno-dtls\n");
        }
        _ => c.push_str("no-tls\nno-dtls\n"),
    }
    c.push_str(
        "use-auth-secret\nfingerprint\nno-cli\nno-multicast-peers\nno-tcp-relay\nsimple-log\n",
    );
    // coturn refuses loopback peers before it reads the allow list: a Sala
    // that lives on loopback (one machine's) needs them let through too.
    if options.allowed_peers.iter().any(|range| starts_on_loopback(range)) {
        c.push_str("allow-loopback-peers\n");
    }
    c
}
