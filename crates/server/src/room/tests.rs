//! Scenario tests of the room state machine on virtual time.
//!
//! Each case is a table of steps: at `t0 + millis`, feed an input (or only
//! advance the clock), then expect exactly the listed outputs in order.

use std::time::{Duration, Instant};

use sala_protocol::{
    ClientMsg, DeckId, DisplayName, ErrorCode, Generation, Hold, HolderKey, HostKey, IceConfig,
    IceServer, InviteId, LeaveReason, MediaState, MeetingId, MeetingInfo, MeetingKind,
    MeetingTitle, PeerId, PeerInfo, ResumeToken, Role, SdpType, ServerMsg, Signal, Waiting,
    Welcome, MESH_CAPACITY, PROTOCOL_VERSION,
};
use sala_record::Event;

use crate::turn::IceSettings;

use super::machine::{
    ConnId, Holder, IceAt, Input, Invited, Join, Output, Restored, Room, Session, EMPTY_LINGER,
    LOBBY_CAPACITY, RESUME_GRACE, SIGNAL_BUFFER,
};

const SEC: u64 = 1000;

fn meeting() -> MeetingInfo {
    MeetingInfo {
        id: MeetingId::from_random([7; 16]),
        title: MeetingTitle::parse("Hearing").unwrap(),
        kind: MeetingKind::Meeting,
    }
}
fn host_key() -> HostKey {
    HostKey::from_random([9; 16])
}
fn stun() -> Vec<IceServer> {
    vec![IceServer {
        urls: vec!["stun:stun.example.org".into()],
        username: None,
        credential: None,
    }]
}
fn ice() -> IceAt {
    IceAt {
        settings: std::sync::Arc::new(IceSettings {
            servers: stun(),
            ..Default::default()
        }),
        unix: 1_700_000_000,
    }
}
fn token(n: u8) -> ResumeToken {
    ResumeToken::from_random([n; 16])
}
/// The browser of peer `n`.
fn holder(n: u64) -> Holder {
    Holder::of(&HolderKey::from_random([n as u8; 16]))
}
fn name(n: u64) -> DisplayName {
    DisplayName::parse(&format!("P{n}")).unwrap()
}
fn media(mic: bool) -> MediaState {
    MediaState {
        mic,
        camera: true,
        ..MediaState::default()
    }
}
fn info(id: u64, role: Role) -> PeerInfo {
    PeerInfo {
        id: PeerId(id),
        name: name(id),
        role,
        media: media(true),
        hold: Hold::default(),
        oath: None,
    }
}
fn sdp(s: &str) -> Signal {
    Signal::Description {
        generation: Generation(0),
        sdp_type: SdpType::Offer,
        sdp: s.into(),
    }
}

/// Join of conn `c` named after peer `n`, given token `n`.
fn join(c: u64, n: u64, key: Option<HostKey>, resume: Option<ResumeToken>) -> Input {
    Input::Join(Join {
        conn: ConnId(c),
        name: name(n),
        media: media(true),
        host_key: key,
        resume,
        invited: None,
        holder: Some(holder(n)),
        new_token: token(n as u8),
    })
}
/// Peer `n` comes back on conn `c` with its first token (`n`), handed `fresh`.
fn rejoin(c: u64, n: u64, fresh: u8) -> Input {
    Input::Join(Join {
        conn: ConnId(c),
        name: name(n),
        media: media(true),
        host_key: None,
        resume: Some(token(n as u8)),
        invited: None,
        holder: Some(holder(n)),
        new_token: token(fresh),
    })
}
fn guest(c: u64, n: u64) -> Input {
    join(c, n, None, None)
}
fn msg(c: u64, msg: ClientMsg) -> Input {
    Input::Message {
        conn: ConnId(c),
        msg,
    }
}
fn send(c: u64, msg: ServerMsg) -> Output {
    Output::Send {
        conn: ConnId(c),
        msg,
    }
}
fn welcome(c: u64, you: PeerInfo, peers: Vec<PeerInfo>, tok: u8, resumed: bool) -> Output {
    send(
        c,
        ServerMsg::Welcome(Welcome {
            peers,
            resumed,
            ..Welcome::new(
                you,
                meeting(),
                token(tok),
                IceConfig {
                    servers: stun(),
                    policy: Default::default(),
                },
            )
        }),
    )
}
/// The participation events the tables expect in the record.
#[derive(Clone, Copy)]
enum EventKind {
    Joined,
    Left,
    Lost,
    Resumed,
}

fn record(id: u64, role: Role, kind: EventKind) -> Output {
    event(id, role, kind, None)
}

fn event(id: u64, role: Role, kind: EventKind, invite: Option<InviteId>) -> Output {
    let (peer, name) = (PeerId(id), name(id));
    Output::Record(match kind {
        EventKind::Joined => Event::Joined {
            peer,
            name,
            role,
            invite,
        },
        EventKind::Left => Event::Left { peer, name },
        EventKind::Lost => Event::Lost { peer, name },
        EventKind::Resumed => Event::Resumed { peer, name },
    })
}
fn err(c: u64, error: ErrorCode) -> Output {
    send(c, ServerMsg::Error { error })
}

/// Expected outputs of a fresh guest join of conn `c` as peer `n` with peers `1..n` attached on conns `1..n`.
fn joined(c: u64, n: u64) -> Vec<Output> {
    let mut out = vec![record(n, Role::Participant, EventKind::Joined)];
    out.extend((1..n).map(|o| {
        send(
            o,
            ServerMsg::PeerJoined {
                peer: info(n, Role::Participant),
            },
        )
    }));
    out.push(welcome(
        c,
        info(n, Role::Participant),
        (1..n).map(|o| info(o, Role::Participant)).collect(),
        n as u8,
        false,
    ));
    out
}

#[allow(clippy::large_enum_variant)]
enum Step {
    /// Feed an input at `t0 + ms`, expect these outputs.
    In(u64, Input, Vec<Output>),
    /// Fire the timer at `t0 + ms`, expect these outputs.
    Tick(u64, Vec<Output>),
    /// Expect `poll_timeout` to be `t0 + ms` (or none).
    Timeout(Option<u64>),
}
use Step::*;

fn run(case: &str, steps: Vec<Step>) {
    run_in(meeting(), case, steps);
}

fn run_in(meeting: MeetingInfo, case: &str, steps: Vec<Step>) {
    let t0 = Instant::now();
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let mut room = Room::new(t0, meeting, host_key(), ice());
    for (i, step) in steps.into_iter().enumerate() {
        let expected = match step {
            In(ms, input, expected) => {
                room.handle(at(ms), input);
                expected
            }
            Tick(ms, expected) => {
                room.handle_timeout(at(ms));
                expected
            }
            Timeout(ms) => {
                assert_eq!(
                    room.poll_timeout(),
                    ms.map(at),
                    "{case}: step {i}: poll_timeout"
                );
                continue;
            }
        };
        let got: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
        assert_eq!(got, expected, "{case}: step {i}");
    }
}

#[test]
fn scenarios() {
    let cases: Vec<(&str, Vec<Step>)> = vec![
        (
            "first join gets an empty welcome",
            vec![In(0, guest(1, 1), joined(1, 1)), Timeout(None)],
        ),
        (
            "join order and welcome lists the others, others get PeerJoined",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(1, guest(2, 2), joined(2, 2)),
                In(2, guest(3, 3), joined(3, 3)),
            ],
        ),
        (
            "signal relays both directions",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(
                    1,
                    msg(
                        2,
                        ClientMsg::Signal {
                            to: PeerId(1),
                            signal: sdp("o"),
                        },
                    ),
                    vec![send(
                        1,
                        ServerMsg::Signal {
                            from: PeerId(2),
                            signal: sdp("o"),
                        },
                    )],
                ),
                In(
                    2,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(2),
                            signal: sdp("a"),
                        },
                    ),
                    vec![send(
                        2,
                        ServerMsg::Signal {
                            from: PeerId(1),
                            signal: sdp("a"),
                        },
                    )],
                ),
            ],
        ),
        (
            "signal to an unknown peer or to oneself is refused, not fatal",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(
                    1,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(9),
                            signal: sdp("x"),
                        },
                    ),
                    vec![err(1, ErrorCode::UnknownPeer)],
                ),
                In(
                    1,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(1),
                            signal: sdp("x"),
                        },
                    ),
                    vec![err(1, ErrorCode::UnknownPeer)],
                ),
                In(
                    2,
                    msg(
                        1,
                        ClientMsg::Ping {
                            nonce: 5,
                            rtt_ms: None,
                        },
                    ),
                    vec![send(1, ServerMsg::Pong { nonce: 5 })],
                ),
            ],
        ),
        (
            "media is broadcast to the others",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(0, guest(3, 3), joined(3, 3)),
                In(
                    1,
                    msg(
                        2,
                        ClientMsg::Media {
                            media: media(false),
                        },
                    ),
                    vec![
                        send(
                            1,
                            ServerMsg::PeerMedia {
                                peer: PeerId(2),
                                media: media(false),
                            },
                        ),
                        send(
                            3,
                            ServerMsg::PeerMedia {
                                peer: PeerId(2),
                                media: media(false),
                            },
                        ),
                    ],
                ),
            ],
        ),
        (
            "second join on a connection is refused",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(1, guest(1, 1), vec![err(1, ErrorCode::AlreadyJoined)]),
            ],
        ),
        (
            "leave tells the others and closes normally; empty countdown starts",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(
                    5 * SEC,
                    msg(2, ClientMsg::Leave),
                    vec![
                        Output::Close {
                            conn: ConnId(2),
                            error: None,
                        },
                        record(2, Role::Participant, EventKind::Left),
                        send(
                            1,
                            ServerMsg::PeerLeft {
                                peer: PeerId(2),
                                reason: LeaveReason::Left,
                            },
                        ),
                    ],
                ),
                In(
                    6 * SEC,
                    msg(
                        2,
                        ClientMsg::Ping {
                            nonce: 1,
                            rtt_ms: None,
                        },
                    ),
                    vec![],
                ),
                Timeout(None),
                In(
                    7 * SEC,
                    msg(1, ClientMsg::Leave),
                    vec![
                        Output::Close {
                            conn: ConnId(1),
                            error: None,
                        },
                        record(1, Role::Participant, EventKind::Left),
                    ],
                ),
                Timeout(Some(7 * SEC + EMPTY_LINGER.as_millis() as u64)),
                Tick(7 * SEC + EMPTY_LINGER.as_millis() as u64 - 1, vec![]),
                Tick(
                    7 * SEC + EMPTY_LINGER.as_millis() as u64,
                    vec![Output::Empty],
                ),
                Timeout(None),
            ],
        ),
        (
            "disconnect: listed through 59 s, lost at 60 s",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(0, Input::Disconnected { conn: ConnId(2) }, vec![]),
                Timeout(Some(RESUME_GRACE.as_millis() as u64)),
                Tick(59 * SEC, vec![]),
                Tick(60 * SEC - 1, vec![]),
                Tick(
                    60 * SEC,
                    vec![
                        record(2, Role::Participant, EventKind::Lost),
                        send(
                            1,
                            ServerMsg::PeerLeft {
                                peer: PeerId(2),
                                reason: LeaveReason::Lost,
                            },
                        ),
                    ],
                ),
                Timeout(None),
            ],
        ),
        (
            "a newcomer during someone's grace still sees them listed",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, Input::Disconnected { conn: ConnId(1) }, vec![]),
                In(
                    SEC,
                    guest(2, 2),
                    vec![
                        record(2, Role::Participant, EventKind::Joined),
                        welcome(
                            2,
                            info(2, Role::Participant),
                            vec![info(1, Role::Participant)],
                            2,
                            false,
                        ),
                    ],
                ),
            ],
        ),
        (
            "resume at 10 s keeps the id, flushes buffered signals, no PeerJoined",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(0, Input::Disconnected { conn: ConnId(2) }, vec![]),
                In(
                    SEC,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(2),
                            signal: sdp("1"),
                        },
                    ),
                    vec![],
                ),
                In(
                    2 * SEC,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(2),
                            signal: sdp("2"),
                        },
                    ),
                    vec![],
                ),
                In(
                    10 * SEC,
                    join(7, 2, None, Some(token(2))),
                    vec![
                        record(2, Role::Participant, EventKind::Resumed),
                        welcome(
                            7,
                            info(2, Role::Participant),
                            vec![info(1, Role::Participant)],
                            2,
                            true,
                        ),
                        send(
                            7,
                            ServerMsg::Signal {
                                from: PeerId(1),
                                signal: sdp("1"),
                            },
                        ),
                        send(
                            7,
                            ServerMsg::Signal {
                                from: PeerId(1),
                                signal: sdp("2"),
                            },
                        ),
                        send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                    ],
                ),
                Timeout(None),
                Tick(40 * SEC, vec![]),
                In(
                    41 * SEC,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(2),
                            signal: sdp("3"),
                        },
                    ),
                    vec![send(
                        7,
                        ServerMsg::Signal {
                            from: PeerId(1),
                            signal: sdp("3"),
                        },
                    )],
                ),
            ],
        ),
        (
            "resume while the old socket is attached replaces it",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(
                    SEC,
                    join(8, 2, None, Some(token(2))),
                    vec![
                        Output::Close {
                            conn: ConnId(2),
                            error: Some(ErrorCode::SessionReplaced),
                        },
                        record(2, Role::Participant, EventKind::Resumed),
                        welcome(
                            8,
                            info(2, Role::Participant),
                            vec![info(1, Role::Participant)],
                            2,
                            true,
                        ),
                        send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                    ],
                ),
                // The replaced socket's late messages and disconnect change nothing.
                In(2 * SEC, msg(2, ClientMsg::Leave), vec![]),
                In(2 * SEC, Input::Disconnected { conn: ConnId(2) }, vec![]),
                Timeout(None),
                In(
                    3 * SEC,
                    msg(
                        1,
                        ClientMsg::Signal {
                            to: PeerId(2),
                            signal: sdp("x"),
                        },
                    ),
                    vec![send(
                        8,
                        ServerMsg::Signal {
                            from: PeerId(1),
                            signal: sdp("x"),
                        },
                    )],
                ),
            ],
        ),
        (
            "a resume whose welcome was lost can be made again with the same token",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(0, Input::Disconnected { conn: ConnId(2) }, vec![]),
                In(
                    1,
                    rejoin(9, 2, 20),
                    vec![
                        record(2, Role::Participant, EventKind::Resumed),
                        welcome(
                            9,
                            info(2, Role::Participant),
                            vec![info(1, Role::Participant)],
                            20,
                            true,
                        ),
                        send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                    ],
                ),
                // The welcome with token 20 never arrived; the socket died too.
                In(2, Input::Disconnected { conn: ConnId(9) }, vec![]),
                In(
                    3,
                    rejoin(10, 2, 21),
                    vec![
                        record(2, Role::Participant, EventKind::Resumed),
                        welcome(
                            10,
                            info(2, Role::Participant),
                            vec![info(1, Role::Participant)],
                            21,
                            true,
                        ),
                        send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                    ],
                ),
            ],
        ),
        (
            "resume after the grace period is a fresh join with ResumeExpired",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(0, Input::Disconnected { conn: ConnId(2) }, vec![]),
                // No timer fired: the join itself notices the deadline passed.
                In(
                    60 * SEC,
                    join(9, 3, None, Some(token(2))),
                    vec![
                        record(2, Role::Participant, EventKind::Lost),
                        send(
                            1,
                            ServerMsg::PeerLeft {
                                peer: PeerId(2),
                                reason: LeaveReason::Lost,
                            },
                        ),
                        err(9, ErrorCode::ResumeExpired),
                        record(3, Role::Participant, EventKind::Joined),
                        send(
                            1,
                            ServerMsg::PeerJoined {
                                peer: info(3, Role::Participant),
                            },
                        ),
                        welcome(
                            9,
                            info(3, Role::Participant),
                            vec![info(1, Role::Participant)],
                            3,
                            false,
                        ),
                    ],
                ),
            ],
        ),
        (
            "unknown resume token is a fresh join with ResumeExpired",
            vec![In(0, join(1, 1, None, Some(token(99))), {
                let mut v = vec![err(1, ErrorCode::ResumeExpired)];
                v.extend(joined(1, 1));
                v
            })],
        ),
        (
            "host key right, wrong, absent",
            vec![
                In(
                    0,
                    join(1, 1, Some(host_key()), None),
                    vec![
                        record(1, Role::Host, EventKind::Joined),
                        welcome(1, info(1, Role::Host), vec![], 1, false),
                    ],
                ),
                In(
                    0,
                    join(2, 2, Some(HostKey::from_random([1; 16])), None),
                    vec![Output::Close {
                        conn: ConnId(2),
                        error: Some(ErrorCode::BadHostKey),
                    }],
                ),
                In(
                    0,
                    guest(3, 2),
                    vec![
                        record(2, Role::Participant, EventKind::Joined),
                        send(
                            1,
                            ServerMsg::PeerJoined {
                                peer: info(2, Role::Participant),
                            },
                        ),
                        welcome(
                            3,
                            info(2, Role::Participant),
                            vec![info(1, Role::Host)],
                            2,
                            false,
                        ),
                    ],
                ),
            ],
        ),
        (
            "an invitation gives its role and is named in the record; a host key outranks it",
            vec![
                In(0, invited(1, 1, None, Role::Witness), {
                    let mut out = joined(1, 1);
                    out[0] = witness_record(1, EventKind::Joined);
                    let Output::Send {
                        msg: ServerMsg::Welcome(Welcome { you, .. }),
                        ..
                    } = &mut out[1]
                    else {
                        panic!("joined(1, 1) is record, Welcome");
                    };
                    you.role = Role::Witness;
                    out
                }),
                In(
                    0,
                    invited(2, 2, Some(host_key()), Role::Observer),
                    vec![
                        event(2, Role::Host, EventKind::Joined, Some(invite_id())),
                        send(
                            1,
                            ServerMsg::PeerJoined {
                                peer: info(2, Role::Host),
                            },
                        ),
                        welcome(
                            2,
                            info(2, Role::Host),
                            vec![info(1, Role::Witness)],
                            2,
                            false,
                        ),
                    ],
                ),
                In(
                    1,
                    msg(1, ClientMsg::Leave),
                    vec![
                        Output::Close {
                            conn: ConnId(1),
                            error: None,
                        },
                        witness_record(1, EventKind::Left),
                        send(
                            2,
                            ServerMsg::PeerLeft {
                                peer: PeerId(1),
                                reason: LeaveReason::Left,
                            },
                        ),
                    ],
                ),
            ],
        ),
    ];
    for (name, steps) in cases {
        run(name, steps);
    }
}

fn invite_id() -> InviteId {
    InviteId::from_random([4; 16])
}

/// Join of conn `c` as peer `n` with a checked invitation for `role`.
fn invited(c: u64, n: u64, key: Option<HostKey>, role: Role) -> Input {
    let Input::Join(mut join) = join(c, n, key, None) else {
        unreachable!()
    };
    join.invited = Some(Invited {
        invite: invite_id(),
        role,
    });
    Input::Join(join)
}

fn witness_record(n: u64, kind: EventKind) -> Output {
    event(n, Role::Witness, kind, Some(invite_id()))
}

#[test]
fn capacity_counts_listed_peers() {
    let cap = MESH_CAPACITY as u64;
    let mut steps: Vec<Step> = (1..=cap)
        .map(|n| In(0, guest(n, n), joined(n, n)))
        .collect();
    steps.push(In(
        0,
        guest(100, cap + 1),
        vec![Output::Close {
            conn: ConnId(100),
            error: Some(ErrorCode::MeetingFull),
        }],
    ));
    // A peer within its grace period still holds its place.
    steps.push(In(0, Input::Disconnected { conn: ConnId(1) }, vec![]));
    steps.push(In(
        SEC,
        guest(101, cap + 1),
        vec![Output::Close {
            conn: ConnId(101),
            error: Some(ErrorCode::MeetingFull),
        }],
    ));
    // Once someone leaves, a newcomer fits.
    let mut left = vec![
        Output::Close {
            conn: ConnId(2),
            error: None,
        },
        record(2, Role::Participant, EventKind::Left),
    ];
    left.extend((3..=cap).map(|o| {
        send(
            o,
            ServerMsg::PeerLeft {
                peer: PeerId(2),
                reason: LeaveReason::Left,
            },
        )
    }));
    steps.push(In(SEC, msg(2, ClientMsg::Leave), left));
    run("capacity", steps);

    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    for n in 1..=cap {
        room.handle(t0, guest(n, n));
    }
    room.handle(t0, guest(50, cap + 1));
    assert_eq!(room.peer_count(), MESH_CAPACITY);
    while room.poll_output().is_some() {}
    room.handle(t0, msg(3, ClientMsg::Leave));
    room.handle(t0, guest(51, 99));
    let ids: Vec<PeerId> = std::iter::from_fn(|| room.poll_output())
        .filter_map(|o| match o {
            Output::Send {
                conn: ConnId(51),
                msg: ServerMsg::Welcome(Welcome { you, .. }),
            } => Some(you.id),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        vec![PeerId(cap + 1)],
        "ids keep increasing after a leave"
    );
}

#[test]
fn signal_buffer_is_bounded_oldest_dropped() {
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.handle(t0, guest(1, 1));
    room.handle(t0, guest(2, 2));
    room.handle(t0, Input::Disconnected { conn: ConnId(2) });
    for i in 0..SIGNAL_BUFFER + 10 {
        room.handle(
            t0,
            msg(
                1,
                ClientMsg::Signal {
                    to: PeerId(2),
                    signal: sdp(&i.to_string()),
                },
            ),
        );
    }
    while room.poll_output().is_some() {}
    room.handle(
        t0 + Duration::from_secs(1),
        join(3, 2, None, Some(token(2))),
    );
    let flushed: Vec<Signal> = std::iter::from_fn(|| room.poll_output())
        .filter_map(|o| match o {
            Output::Send {
                conn: ConnId(3),
                msg: ServerMsg::Signal { signal, .. },
            } => Some(signal),
            _ => None,
        })
        .collect();
    assert_eq!(flushed.len(), SIGNAL_BUFFER);
    assert_eq!(flushed.first(), Some(&sdp("10")));
    assert_eq!(flushed.last(), Some(&sdp(&(SIGNAL_BUFFER + 9).to_string())));
}

#[test]
fn poll_timeout_is_the_earliest_deadline() {
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    assert_eq!(
        room.poll_timeout(),
        Some(t0 + EMPTY_LINGER),
        "a new room counts down until someone joins"
    );
    room.handle(t0, guest(1, 1));
    room.handle(t0, guest(2, 2));
    room.handle(t0, guest(3, 3));
    assert_eq!(room.poll_timeout(), None);
    room.handle(
        t0 + Duration::from_secs(5),
        Input::Disconnected { conn: ConnId(3) },
    );
    room.handle(
        t0 + Duration::from_secs(2),
        Input::Disconnected { conn: ConnId(2) },
    );
    assert_eq!(
        room.poll_timeout(),
        Some(t0 + Duration::from_secs(2) + RESUME_GRACE)
    );
    room.handle_timeout(t0 + Duration::from_secs(2) + RESUME_GRACE);
    assert_eq!(
        room.poll_timeout(),
        Some(t0 + Duration::from_secs(5) + RESUME_GRACE)
    );
}

#[test]
fn empty_is_reported_once_each_time_the_room_empties() {
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    let drain = |room: &mut Room| std::iter::from_fn(|| room.poll_output()).collect::<Vec<_>>();
    room.handle_timeout(t0 + EMPTY_LINGER);
    assert_eq!(drain(&mut room), vec![Output::Empty], "nobody came");
    assert_eq!(room.poll_timeout(), None);
    room.handle_timeout(t0 + 2 * EMPTY_LINGER);
    assert_eq!(drain(&mut room), vec![], "reported once");
    let t1 = t0 + 2 * EMPTY_LINGER;
    room.handle(t1, guest(1, 1));
    room.handle(t1, msg(1, ClientMsg::Leave));
    assert!(!drain(&mut room).contains(&Output::Empty));
    assert_eq!(
        room.poll_timeout(),
        Some(t1 + EMPTY_LINGER),
        "empty again: the count starts over"
    );
    room.handle_timeout(t1 + EMPTY_LINGER);
    assert_eq!(drain(&mut room), vec![Output::Empty]);
}

fn deck() -> DeckId {
    DeckId::from_random([4; 16])
}
fn showing(presenter: u64, page: u32) -> ServerMsg {
    ServerMsg::Presentation {
        presentation: Some(sala_protocol::Presentation {
            presenter: PeerId(presenter),
            deck: deck(),
            pages: 5,
            page,
        }),
    }
}
fn present(c: u64, page: u32) -> Input {
    Input::Present {
        conn: ConnId(c),
        deck: deck(),
        pages: 5,
        page,
    }
}
fn still() -> sala_protocol::SlidePage {
    sala_protocol::SlidePage::try_from(vec![sala_protocol::Rendition {
        id: sala_protocol::ImageId::try_from("c".repeat(64)).unwrap(),
        format: sala_protocol::ImageFormat::Png,
        width: 480,
        height: 270,
        bytes: 5_000,
    }])
    .unwrap()
}
/// The record's line for `presenter` showing `page` of [`deck`].
fn shown(presenter: u64, page: u32) -> Output {
    Output::Record(Event::SlideShown {
        peer: PeerId(presenter),
        name: name(presenter),
        deck: deck(),
        page,
        pages: 5,
    })
}
fn stopped(presenter: u64) -> Output {
    Output::Record(Event::PresentationStopped {
        peer: PeerId(presenter),
        name: name(presenter),
    })
}
fn screen_shared(peer: u64, on: bool) -> Output {
    Output::Record(Event::ScreenShared {
        peer: PeerId(peer),
        name: name(peer),
        on,
    })
}

fn sharing() -> MediaState {
    MediaState {
        screen: Some(sala_protocol::StreamId::try_from("screen-1".to_owned()).unwrap()),
        ..media(true)
    }
}

#[test]
fn presenting_scenarios() {
    let no_presentation = ServerMsg::Presentation { presentation: None };
    let cases: Vec<(&str, Vec<Step>)> = vec![
        (
            "present, turn, stop: everyone hears each change; others may not turn or stop",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(1, present(1, 0), vec![shown(1, 0), send(1, showing(1, 0)), send(2, showing(1, 0))]),
                In(2, msg(1, ClientMsg::TurnPage { page: 3 }), vec![shown(1, 3), send(1, showing(1, 3)), send(2, showing(1, 3))]),
                In(3, msg(1, ClientMsg::TurnPage { page: 3 }), vec![]),
                In(4, msg(1, ClientMsg::TurnPage { page: 5 }), vec![err(1, ErrorCode::NoSuchPage)]),
                In(5, msg(2, ClientMsg::TurnPage { page: 1 }), vec![err(2, ErrorCode::NotPresenter)]),
                In(6, msg(2, ClientMsg::StopPresenting), vec![err(2, ErrorCode::NotPresenter)]),
                In(7, msg(1, ClientMsg::StopPresenting), vec![stopped(1), send(1, no_presentation.clone()), send(2, no_presentation.clone())]),
            ],
        ),
        (
            "a page past the end is refused; another presenter takes over; a newcomer is told",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(1, present(1, 5), vec![err(1, ErrorCode::NoSuchPage)]),
                In(2, present(1, 1), vec![shown(1, 1), send(1, showing(1, 1)), send(2, showing(1, 1))]),
                In(3, present(2, 2), vec![shown(2, 2), send(1, showing(2, 2)), send(2, showing(2, 2))]),
                In(4, guest(3, 3), {
                    let mut out = joined(3, 3);
                    if let Output::Send { msg: ServerMsg::Welcome(Welcome { presentation, .. }), .. } = &mut out[3] {
                        *presentation = Some(sala_protocol::Presentation { presenter: PeerId(2), deck: deck(), pages: 5, page: 2 });
                    }
                    out
                }),
            ],
        ),
        (
            "the presenter leaving ends the presentation",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(1, present(2, 0), vec![shown(2, 0), send(1, showing(2, 0)), send(2, showing(2, 0))]),
                In(2, msg(2, ClientMsg::Leave), vec![
                    Output::Close { conn: ConnId(2), error: None },
                    record(2, Role::Participant, EventKind::Left),
                    send(1, ServerMsg::PeerLeft { peer: PeerId(2), reason: LeaveReason::Left }),
                    stopped(2),
                    send(1, no_presentation.clone()),
                ]),
            ],
        ),
        (
            "stills only while sharing; relayed to others, kept for a newcomer, dropped when the share ends",
            vec![
                In(0, guest(1, 1), joined(1, 1)),
                In(0, guest(2, 2), joined(2, 2)),
                In(1, msg(1, ClientMsg::ScreenStill { still: still() }), vec![err(1, ErrorCode::NotSharing)]),
                In(2, msg(1, ClientMsg::Media { media: sharing() }), vec![screen_shared(1, true), send(2, ServerMsg::PeerMedia { peer: PeerId(1), media: sharing() })]),
                In(3, msg(1, ClientMsg::ScreenStill { still: still() }), vec![send(2, ServerMsg::ScreenStill { peer: PeerId(1), still: still() })]),
                In(4, guest(3, 3), {
                    let mut out = joined(3, 3);
                    let Output::Send { msg: ServerMsg::Welcome(Welcome { peers, .. }), .. } = &mut out[3] else {
                        panic!("joined(3, 3) is record, 2 × PeerJoined, Welcome");
                    };
                    peers[0].media = sharing();
                    out.insert(4, send(3, ServerMsg::ScreenStill { peer: PeerId(1), still: still() }));
                    out
                }),
                In(5, msg(1, ClientMsg::Media { media: media(true) }), vec![
                    screen_shared(1, false),
                    send(2, ServerMsg::PeerMedia { peer: PeerId(1), media: media(true) }),
                    send(3, ServerMsg::PeerMedia { peer: PeerId(1), media: media(true) }),
                ]),
                In(6, guest(4, 4), joined(4, 4)),
            ],
        ),
    ];
    for (case, steps) in cases {
        run(case, steps);
    }
}

#[test]
fn tier_changes_are_recorded() {
    use sala_protocol::QualityTier;
    let thin = MediaState {
        tier: QualityTier::AudioSlides,
        receive: QualityTier::AudioMinimal,
        ..media(true)
    };
    let muted = MediaState {
        mic: false,
        ..thin.clone()
    };
    let told = |media: &MediaState| {
        send(
            2,
            ServerMsg::PeerMedia {
                peer: PeerId(1),
                media: media.clone(),
            },
        )
    };
    run(
        "a step down the ladder is recorded; a mute alone is not",
        vec![
            In(0, guest(1, 1), joined(1, 1)),
            In(0, guest(2, 2), joined(2, 2)),
            In(
                1,
                msg(
                    1,
                    ClientMsg::Media {
                        media: thin.clone(),
                    },
                ),
                vec![
                    Output::Record(Event::TierChanged {
                        peer: PeerId(1),
                        name: name(1),
                        sends: QualityTier::AudioSlides,
                        receives: QualityTier::AudioMinimal,
                    }),
                    told(&thin),
                ],
            ),
            In(
                2,
                msg(
                    1,
                    ClientMsg::Media {
                        media: muted.clone(),
                    },
                ),
                vec![told(&muted)],
            ),
        ],
    );
}

/// A guest joining as peer `n` on conn `c` after the host (peer 1, conn 1)
/// and guests `2..n`.
fn joined_after_host(c: u64, n: u64) -> Vec<Output> {
    let who = |o: u64| {
        info(
            o,
            if o == 1 {
                Role::Host
            } else {
                Role::Participant
            },
        )
    };
    let mut out = vec![record(n, Role::Participant, EventKind::Joined)];
    out.extend((1..n).map(|o| send(o, ServerMsg::PeerJoined { peer: who(n) })));
    out.push(welcome(
        c,
        who(n),
        (1..n).map(who).collect(),
        n as u8,
        false,
    ));
    out
}

fn host_first() -> Step {
    In(
        0,
        join(1, 1, Some(host_key()), None),
        vec![
            record(1, Role::Host, EventKind::Joined),
            welcome(1, info(1, Role::Host), vec![], 1, false),
        ],
    )
}

fn left(to: &[u64], peer: u64, reason: LeaveReason) -> Vec<Output> {
    to.iter()
        .map(|c| {
            send(
                *c,
                ServerMsg::PeerLeft {
                    peer: PeerId(peer),
                    reason,
                },
            )
        })
        .collect()
}

#[test]
fn host_controls() {
    let close = |c: u64, error: ErrorCode| Output::Close {
        conn: ConnId(c),
        error: Some(error),
    };
    let cases = vec![
        (
            "the host removes a guest; a guest may not, nor may anyone remove themselves",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(0, guest(3, 3), joined_after_host(3, 3)),
                In(
                    1,
                    msg(2, ClientMsg::Remove { peer: PeerId(3) }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    1,
                    msg(1, ClientMsg::Remove { peer: PeerId(1) }),
                    vec![err(1, ErrorCode::NotAllowed)],
                ),
                In(
                    1,
                    msg(1, ClientMsg::Remove { peer: PeerId(9) }),
                    vec![err(1, ErrorCode::UnknownPeer)],
                ),
                In(2, msg(1, ClientMsg::Remove { peer: PeerId(3) }), {
                    let mut out = vec![
                        Output::Record(Event::Removed {
                            peer: PeerId(3),
                            name: name(3),
                            by: PeerId(1),
                            invite: None,
                        }),
                        Output::Bar(holder(3)),
                        close(3, ErrorCode::Removed),
                    ];
                    out.extend(left(&[1, 2], 3, LeaveReason::Removed));
                    out
                }),
                // Its messages after that go nowhere.
                In(
                    3,
                    msg(
                        3,
                        ClientMsg::Ping {
                            nonce: 1,
                            rtt_ms: None,
                        },
                    ),
                    vec![],
                ),
            ],
        ),
        (
            "a co-host removes a witness but not the host; the invitation is named",
            vec![
                host_first(),
                In(0, invited(2, 2, None, Role::CoHost), {
                    let mut out =
                        vec![event(2, Role::CoHost, EventKind::Joined, Some(invite_id()))];
                    out.push(send(
                        1,
                        ServerMsg::PeerJoined {
                            peer: info(2, Role::CoHost),
                        },
                    ));
                    out.push(welcome(
                        2,
                        info(2, Role::CoHost),
                        vec![info(1, Role::Host)],
                        2,
                        false,
                    ));
                    out
                }),
                In(0, invited(3, 3, None, Role::Witness), {
                    let mut out = vec![event(
                        3,
                        Role::Witness,
                        EventKind::Joined,
                        Some(invite_id()),
                    )];
                    out.push(send(
                        1,
                        ServerMsg::PeerJoined {
                            peer: info(3, Role::Witness),
                        },
                    ));
                    out.push(send(
                        2,
                        ServerMsg::PeerJoined {
                            peer: info(3, Role::Witness),
                        },
                    ));
                    out.push(welcome(
                        3,
                        info(3, Role::Witness),
                        vec![info(1, Role::Host), info(2, Role::CoHost)],
                        3,
                        false,
                    ));
                    out
                }),
                In(
                    1,
                    msg(2, ClientMsg::Remove { peer: PeerId(1) }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(2, msg(2, ClientMsg::Remove { peer: PeerId(3) }), {
                    let mut out = vec![
                        Output::Record(Event::Removed {
                            peer: PeerId(3),
                            name: name(3),
                            by: PeerId(2),
                            invite: Some(invite_id()),
                        }),
                        Output::Bar(holder(3)),
                        close(3, ErrorCode::Removed),
                    ];
                    out.extend(left(&[1, 2], 3, LeaveReason::Removed));
                    out
                }),
            ],
        ),
        (
            "a locked room keeps newcomers out but its host and those inside; opened again",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(
                    1,
                    msg(2, ClientMsg::Lock { locked: true }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    1,
                    msg(1, ClientMsg::Lock { locked: true }),
                    vec![
                        Output::Record(Event::RoomLocked {
                            locked: true,
                            by: PeerId(1),
                        }),
                        send(1, ServerMsg::RoomLocked { locked: true }),
                        send(2, ServerMsg::RoomLocked { locked: true }),
                    ],
                ),
                In(2, msg(1, ClientMsg::Lock { locked: true }), vec![]),
                In(3, guest(3, 3), vec![close(3, ErrorCode::RoomLocked)]),
                // The guest's socket drops and it comes back: it is inside already.
                In(4, Input::Disconnected { conn: ConnId(2) }, vec![]),
                In(5, rejoin(4, 2, 12), {
                    vec![
                        Output::Record(Event::Resumed {
                            peer: PeerId(2),
                            name: name(2),
                        }),
                        welcome(
                            4,
                            info(2, Role::Participant),
                            vec![info(1, Role::Host)],
                            12,
                            true,
                        ),
                        send(4, ServerMsg::RoomLocked { locked: true }),
                        send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                    ]
                }),
                In(
                    6,
                    msg(1, ClientMsg::Lock { locked: false }),
                    vec![
                        Output::Record(Event::RoomLocked {
                            locked: false,
                            by: PeerId(1),
                        }),
                        send(1, ServerMsg::RoomLocked { locked: false }),
                        send(4, ServerMsg::RoomLocked { locked: false }),
                    ],
                ),
                In(7, guest(5, 3), {
                    // Peer 2 is on conn 4 since its resume.
                    let mut out = joined_after_host(5, 3);
                    out[2] = send(
                        4,
                        ServerMsg::PeerJoined {
                            peer: info(3, Role::Participant),
                        },
                    );
                    out
                }),
            ],
        ),
        (
            "ending the meeting closes everyone's socket and lets nobody in again",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(
                    1,
                    msg(2, ClientMsg::EndMeeting),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    2,
                    msg(1, ClientMsg::EndMeeting),
                    vec![
                        Output::Record(Event::MeetingEnded { by: PeerId(1) }),
                        close(1, ErrorCode::MeetingEnded),
                        close(2, ErrorCode::MeetingEnded),
                    ],
                ),
                In(3, guest(3, 3), vec![close(3, ErrorCode::MeetingEnded)]),
                In(
                    3,
                    join(4, 4, Some(host_key()), None),
                    vec![close(4, ErrorCode::MeetingEnded)],
                ),
            ],
        ),
    ];
    for (name, steps) in cases {
        run(name, steps);
    }
}

#[test]
fn a_room_started_for_an_ended_meeting_lets_nobody_in() {
    let mut room = Room::new(Instant::now(), meeting(), host_key(), ice());
    room.mark_ended();
    room.handle(Instant::now(), join(1, 1, Some(host_key()), None));
    room.handle(Instant::now(), guest(2, 2));
    let got: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
    assert_eq!(
        got,
        [1, 2].map(|c| Output::Close {
            conn: ConnId(c),
            error: Some(ErrorCode::MeetingEnded),
        })
    );
}

mod actor;
mod consulting;
mod floor;
mod hostile;
mod ice;
mod lobby;
mod reliable;
mod roles;
