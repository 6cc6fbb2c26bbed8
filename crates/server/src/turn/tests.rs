use std::time::{Duration, Instant};

use sala_protocol::{IcePolicy, IceServer, Role};

use super::coturn::{self, CoturnOptions, DENIED_PEERS};
use super::{IceSettings, Turn, TurnSecret, WallAnchor, SECRET_FILE};

fn turn(ttl: u64) -> Turn {
    Turn {
        urls: vec!["turn:turn.example.org:3478?transport=udp".into()],
        secret: TurnSecret::parse("north-wind").unwrap(),
        ttl: Duration::from_secs(ttl),
    }
}

fn stun() -> IceServer {
    IceServer {
        urls: vec!["stun:stun.example.org".into()],
        username: None,
        credential: None,
    }
}

#[test]
fn credentials_are_coturns_rest_scheme() {
    // Computed independently: base64(HMAC-SHA1("north-wind", "1700003600:abc.7")).
    let server = turn(3600).credentials(1_700_000_000, "abc.7");
    assert_eq!(server.urls, ["turn:turn.example.org:3478?transport=udp"]);
    assert_eq!(server.username.as_deref(), Some("1700003600:abc.7"));
    assert_eq!(
        server.credential.as_deref(),
        Some("wXp/Re6fBjGULHT1tk0ldSXmKOk=")
    );
}

#[test]
fn each_role_gets_servers_and_its_policy() {
    let with_turn = IceSettings {
        servers: vec![stun()],
        turn: Some(turn(60)),
        relay_roles: vec![Role::Witness],
    };
    let without_turn = IceSettings {
        turn: None,
        ..with_turn.clone()
    };
    let table = [
        (&with_turn, Role::Witness, 2, IcePolicy::Relay),
        (&with_turn, Role::Host, 2, IcePolicy::All),
        (&with_turn, Role::Observer, 2, IcePolicy::All),
        // No relay to go through: the witness connects as everyone does.
        (&without_turn, Role::Witness, 1, IcePolicy::All),
    ];
    for (settings, role, servers, policy) in table {
        let ice = settings.for_peer(100, "m.1", role);
        assert_eq!(ice.servers.len(), servers, "{role:?}");
        assert_eq!(ice.servers[0], stun());
        assert_eq!(ice.policy, policy, "{role:?}");
    }
    assert_eq!(
        with_turn.for_peer(100, "m.1", Role::Host).servers[1]
            .username
            .as_deref(),
        Some("160:m.1")
    );
    assert_eq!(with_turn.refresh_every(), Some(Duration::from_secs(30)));
    assert_eq!(without_turn.refresh_every(), None);
}

#[test]
fn wall_anchor_follows_the_virtual_clock() {
    let at = Instant::now();
    let anchor = WallAnchor { at, unix: 1000 };
    assert_eq!(anchor.unix_at(at), 1000);
    assert_eq!(anchor.unix_at(at + Duration::from_millis(61_500)), 1061);
    // An instant before the anchor does not go back before it.
    assert_eq!(anchor.unix_at(at - Duration::from_secs(5)), 1000);
}

#[test]
fn the_secret_file_is_made_once_private_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRET_FILE);
    let made = TurnSecret::load_or_create(&path, || [7; 32]).unwrap();
    let again = TurnSecret::load_or_create(&path, || [9; 32]).unwrap();
    assert_eq!(made.as_str(), again.as_str());
    assert_eq!(made.as_str().len(), 43, "32 bytes, base64url");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::write(&path, "\n  \n").unwrap();
    let err = TurnSecret::load_or_create(&path, || [7; 32]).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    // An operator's own secret (shared with an existing coturn) is taken as written.
    std::fs::write(&path, "  shared secret \n").unwrap();
    let theirs = TurnSecret::load_or_create(&path, || [7; 32]).unwrap();
    assert_eq!(theirs.as_str(), "shared secret");
}

fn options() -> CoturnOptions {
    CoturnOptions {
        listening_ips: vec!["10.213.0.1".parse().unwrap()],
        relay_ips: vec!["10.213.0.1".parse().unwrap()],
        external_ip: None,
        port: 3478,
        tls_port: None,
        cert: None,
        pkey: None,
        allowed_peers: vec!["10.213.0.0-10.213.0.255".into()],
        realm: "sala".into(),
        pidfile: None,
    }
}

#[test]
fn coturn_config_is_authenticated_and_denies_private_peers() {
    let config = coturn::config(&TurnSecret::parse("s3cret").unwrap(), &options());
    let lines: Vec<&str> = config.lines().collect();
    for needed in [
        "use-auth-secret",
        "static-auth-secret=s3cret",
        "listening-ip=10.213.0.1",
        "relay-ip=10.213.0.1",
        "allowed-peer-ip=10.213.0.0-10.213.0.255",
        "denied-peer-ip=::ffff:0.0.0.0-::ffff:255.255.255.255",
        "denied-peer-ip=127.0.0.0-127.255.255.255",
        "denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "denied-peer-ip=64:ff9b::-64:ff9b::ffff:ffff",
        "no-tls",
    ] {
        assert!(lines.contains(&needed), "missing `{needed}` in:\n{config}");
    }
    for open in [
        "no-auth",
        "lt-cred-mech",
        "allow-loopback-peers",
        "cli-password",
    ] {
        assert!(!config.contains(open), "`{open}` in:\n{config}");
    }
    // Every deny range is well formed.
    for range in DENIED_PEERS {
        assert_eq!(coturn::parse_range(range).as_deref(), Ok(*range));
    }
}

#[test]
fn loopback_peers_only_when_a_loopback_peer_is_allowed() {
    let secret = TurnSecret::parse("s").unwrap();
    let mut o = options();
    for (allowed, loopback) in [
        (vec![], false),
        (vec!["10.213.0.0-10.213.0.255"], false),
        (vec!["127.0.0.1"], true),
        (vec!["10.0.0.1", "::1"], true),
        (vec!["126.0.0.0-128.0.0.0"], false),
    ] {
        o.allowed_peers = allowed.iter().map(|r| r.to_string()).collect();
        let config = coturn::config(&secret, &o);
        assert_eq!(
            config.lines().any(|l| l == "allow-loopback-peers"),
            loopback,
            "{allowed:?}"
        );
        // The deny list stays whole: only the allowed address gets through.
        assert!(config.contains("denied-peer-ip=127.0.0.0-127.255.255.255"));
    }
}

#[test]
fn coturn_config_with_tls_drops_old_versions() {
    let mut o = options();
    o.tls_port = Some(443);
    o.cert = Some("/etc/sala/cert.pem".into());
    o.pkey = Some("/etc/sala/key.pem".into());
    let config = coturn::config(&TurnSecret::parse("s").unwrap(), &o);
    for needed in [
        "tls-listening-port=443",
        "no-tlsv1",
        "no-tlsv1_1",
        "cert=/etc/sala/cert.pem",
    ] {
        assert!(config.lines().any(|l| l == needed), "missing `{needed}`");
    }
    assert!(!config.lines().any(|l| l == "no-tls"));
}

#[test]
fn allowed_peers_are_checked() {
    let table = [
        ("10.0.0.5", Ok("10.0.0.5")),
        (" 10.0.0.0 - 10.0.0.255", Ok("10.0.0.0-10.0.0.255")),
        ("fd00::1-fd00::ff", Ok("fd00::1-fd00::ff")),
        ("10.0.0.9-10.0.0.1", Err(())),
        ("10.0.0.1-fd00::1", Err(())),
        ("10.0.0.0/8", Err(())),
        ("example.org", Err(())),
    ];
    for (input, want) in table {
        let got = coturn::parse_range(input);
        match want {
            Ok(text) => assert_eq!(got.as_deref(), Ok(text), "{input}"),
            Err(()) => assert!(got.is_err(), "{input} accepted as {got:?}"),
        }
    }
}
