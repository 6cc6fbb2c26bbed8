//! Each participant's ICE configuration: TURN credentials of its own, valid
//! from the room's clock; relay only for the roles that must hide their
//! address; fresh credentials for everyone at half their lifetime.

use super::*;
use crate::turn::{Turn, TurnSecret};
use sala_protocol::IcePolicy;

const TTL: u64 = 600;
const UNIX_AT_START: u64 = 1_700_000_000;

fn with_turn() -> IceAt {
    IceAt {
        settings: std::sync::Arc::new(IceSettings {
            servers: stun(),
            turn: Some(Turn {
                urls: vec!["turn:turn.example.org:3478?transport=udp".into()],
                secret: TurnSecret::parse("north-wind").unwrap(),
                ttl: Duration::from_secs(TTL),
            }),
            relay_roles: vec![Role::Witness],
        }),
        unix: UNIX_AT_START,
    }
}

fn drain(room: &mut Room) -> Vec<Output> {
    std::iter::from_fn(|| room.poll_output()).collect()
}

/// The ICE configuration sent to `conn` in a welcome or a refresh.
fn ice_sent(outputs: &[Output], to: u64) -> Option<IceConfig> {
    outputs.iter().find_map(|o| match o {
        Output::Send {
            conn,
            msg: ServerMsg::Welcome(Welcome { ice, .. }),
        } if *conn == ConnId(to) => Some((**ice).clone()),
        Output::Send {
            conn,
            msg: ServerMsg::IceRefresh { ice },
        } if *conn == ConnId(to) => Some(ice.clone()),
        _ => None,
    })
}

fn turn_user(ice: &IceConfig) -> &str {
    ice.servers[1]
        .username
        .as_deref()
        .expect("TURN has a username")
}

#[test]
fn each_role_gets_its_credentials_and_policy() {
    let t0 = Instant::now();
    let hearing = MeetingInfo {
        kind: MeetingKind::Hearing,
        ..meeting()
    };
    let mut room = Room::new(t0, hearing, host_key(), with_turn());
    room.handle(t0, join(1, 1, Some(host_key()), None));
    let judge = ice_sent(&drain(&mut room), 1).expect("the judge is welcomed");
    assert_eq!(judge.policy, IcePolicy::All);
    assert_eq!(judge.servers[0], stun()[0]);
    let expiry = UNIX_AT_START + TTL;
    assert_eq!(turn_user(&judge), format!("{expiry}:{}.1", meeting().id));

    // The witness comes in 90 s later: relay only, credentials from then.
    let t1 = t0 + Duration::from_secs(90);
    room.handle(t1, invited(2, 2, None, Role::Witness));
    room.handle(t1, msg(1, ClientMsg::Admit { peer: PeerId(2) }));
    let witness = ice_sent(&drain(&mut room), 2).expect("the witness is let in");
    assert_eq!(witness.policy, IcePolicy::Relay);
    assert_eq!(
        turn_user(&witness),
        format!("{}:{}.2", expiry + 90, meeting().id)
    );
    assert_ne!(witness.servers[1].credential, judge.servers[1].credential);
}

#[test]
fn everyone_gets_fresh_credentials_at_half_their_lifetime() {
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), with_turn());
    // An empty room has nobody to refresh: no wake-up for it.
    let half = t0 + Duration::from_secs(TTL / 2);
    assert_ne!(room.poll_timeout(), Some(half));
    room.handle(t0, join(1, 1, Some(host_key()), None));
    room.handle(t0, guest(2, 2));
    drain(&mut room);
    assert_eq!(room.poll_timeout(), Some(half));

    room.handle_timeout(half - Duration::from_secs(1));
    assert!(drain(&mut room).is_empty(), "nothing before the time");
    room.handle_timeout(half);
    let out = drain(&mut room);
    for conn in [1, 2] {
        let fresh = ice_sent(&out, conn).expect("a refresh for each");
        assert!(matches!(
            out.iter()
                .find(|o| matches!(o, Output::Send { conn: c, .. } if *c == ConnId(conn))),
            Some(Output::Send {
                msg: ServerMsg::IceRefresh { .. },
                ..
            })
        ));
        let expiry = UNIX_AT_START + TTL / 2 + TTL;
        assert!(turn_user(&fresh).starts_with(&format!("{expiry}:")));
    }
    assert_eq!(
        room.poll_timeout(),
        Some(half + Duration::from_secs(TTL / 2))
    );
}

#[test]
fn without_turn_nobody_is_refreshed_or_forced_to_relay() {
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.handle(t0, join(1, 1, Some(host_key()), None));
    room.handle(t0, invited(2, 2, None, Role::Witness));
    let out = drain(&mut room);
    let witness = ice_sent(&out, 2).expect("welcomed");
    assert_eq!((witness.servers, witness.policy), (stun(), IcePolicy::All));
    let later = t0 + Duration::from_secs(10 * TTL);
    room.handle(
        later,
        msg(
            1,
            ClientMsg::Ping {
                nonce: 1,
                rtt_ms: None,
            },
        ),
    );
    assert!(!drain(&mut room).iter().any(|o| matches!(
        o,
        Output::Send {
            msg: ServerMsg::IceRefresh { .. },
            ..
        }
    )));
}
