//! The lobby on virtual time: knocks, admit, deny, admit all, leaving while
//! waiting, the meeting ending while waiting, moderators changing, witnesses
//! called and excused, and the lobby switched on and off.

use super::*;
use sala_protocol::{Knock, LinkQuality};

fn hearing() -> MeetingInfo {
    MeetingInfo {
        kind: MeetingKind::Hearing,
        ..meeting()
    }
}

fn close(c: u64, error: Option<ErrorCode>) -> Output {
    Output::Close {
        conn: ConnId(c),
        error,
    }
}

/// A `Welcome` in the hearing (its lobby on).
fn welcome_on(c: u64, you: PeerInfo, peers: Vec<PeerInfo>, tok: u8, lobby: Vec<Knock>) -> Output {
    let mut out = welcome(c, you, peers, tok, false);
    if let Output::Send {
        msg:
            ServerMsg::Welcome(Welcome {
                lobby: l,
                lobby_on,
                meeting,
                ..
            }),
        ..
    } = &mut out
    {
        *l = lobby;
        *lobby_on = true;
        *meeting = hearing();
    }
    out
}

pub(super) fn waiting(
    c: u64,
    you: PeerInfo,
    tok: u8,
    resumed: bool,
    meeting: MeetingInfo,
) -> Output {
    send(
        c,
        ServerMsg::Waiting(Waiting {
            protocol: PROTOCOL_VERSION,
            you,
            meeting,
            resume: token(tok),
            resumed,
            acked: 0,
        }),
    )
}

pub(super) fn knock(n: u64, role: Role, link: LinkQuality, excused: bool) -> Knock {
    Knock {
        peer: PeerId(n),
        name: name(n),
        role,
        link,
        excused,
    }
}

fn knocking(to: u64, n: u64, role: Role) -> Output {
    send(
        to,
        ServerMsg::Knocking {
            knock: knock(n, role, LinkQuality::Unknown, false),
        },
    )
}

pub(super) fn knocked(n: u64, role: Role, invite: Option<InviteId>) -> Output {
    Output::Record(Event::Knocked {
        peer: PeerId(n),
        name: name(n),
        role,
        invite,
    })
}

fn admitted(n: u64, role: Role, by: u64) -> Output {
    Output::Record(Event::Admitted {
        peer: PeerId(n),
        name: name(n),
        role,
        by: PeerId(by),
    })
}

fn knock_ended(to: u64, n: u64) -> Output {
    send(to, ServerMsg::KnockEnded { peer: PeerId(n) })
}

/// The host (peer 1, conn 1) opens the hearing.
fn judge() -> Step {
    In(
        0,
        join(1, 1, Some(host_key()), None),
        vec![
            record(1, Role::Host, EventKind::Joined),
            welcome_on(1, info(1, Role::Host), vec![], 1, vec![]),
        ],
    )
}

/// Guest `n` on conn `n` knocks while the host alone is inside.
fn guest_knocks(n: u64) -> Step {
    In(
        0,
        guest(n, n),
        vec![
            knocked(n, Role::Participant, None),
            waiting(n, info(n, Role::Participant), n as u8, false, hearing()),
            knocking(1, n, Role::Participant),
        ],
    )
}

fn witness_knocks(n: u64) -> Step {
    In(
        0,
        invited(n, n, None, Role::Witness),
        vec![
            knocked(n, Role::Witness, Some(invite_id())),
            waiting(n, info(n, Role::Witness), n as u8, false, hearing()),
            knocking(1, n, Role::Witness),
        ],
    )
}

/// Peer `n` (conn `n`) let in by the host, with `inside` already in the room.
fn let_in(n: u64, role: Role, inside: &[(u64, Role)]) -> Vec<Output> {
    let mut out = vec![admitted(n, role, 1), knock_ended(1, n)];
    out.extend(inside.iter().map(|(o, _)| {
        send(
            *o,
            ServerMsg::PeerJoined {
                peer: info(n, role),
            },
        )
    }));
    out.push(welcome_on(
        n,
        info(n, role),
        inside.iter().map(|(o, r)| info(*o, *r)).collect(),
        n as u8,
        vec![],
    ));
    out
}

#[test]
fn lobby_scenarios() {
    let cases: Vec<(&str, Vec<Step>)> = vec![
        (
            "a guest knocks, the host sees it and lets it in; it offers to the host",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(1, ClientMsg::Admit { peer: PeerId(2) }),
                    let_in(2, Role::Participant, &[(1, Role::Host)]),
                ),
            ],
        ),
        (
            "a waiting guest gets nothing of the room and may send nothing to it",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(
                        2,
                        ClientMsg::Signal {
                            to: PeerId(1),
                            signal: sdp("x"),
                        },
                    ),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    1,
                    msg(2, ClientMsg::Admit { peer: PeerId(2) }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                // The host's media and locking reach the room only.
                In(
                    2,
                    msg(
                        1,
                        ClientMsg::Media {
                            media: media(false),
                        },
                    ),
                    vec![],
                ),
                In(
                    2,
                    msg(1, ClientMsg::Lock { locked: true }),
                    vec![
                        Output::Record(Event::RoomLocked {
                            locked: true,
                            by: PeerId(1),
                        }),
                        send(1, ServerMsg::RoomLocked { locked: true }),
                    ],
                ),
                // Its media state is kept for when it comes in, told to nobody.
                In(
                    3,
                    msg(
                        2,
                        ClientMsg::Media {
                            media: media(false),
                        },
                    ),
                    vec![],
                ),
            ],
        ),
        (
            "the host sees a waiting guest's link quality when it changes",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(
                        2,
                        ClientMsg::Ping {
                            nonce: 1,
                            rtt_ms: Some(350),
                        },
                    ),
                    vec![
                        send(2, ServerMsg::Pong { nonce: 1 }),
                        send(
                            1,
                            ServerMsg::Knocking {
                                knock: knock(2, Role::Participant, LinkQuality::Fair, false),
                            },
                        ),
                    ],
                ),
                In(
                    2,
                    msg(
                        2,
                        ClientMsg::Ping {
                            nonce: 2,
                            rtt_ms: Some(420),
                        },
                    ),
                    vec![send(2, ServerMsg::Pong { nonce: 2 })],
                ),
            ],
        ),
        (
            "the host turns a guest away: closed with Denied, recorded",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(1, ClientMsg::Deny { peer: PeerId(2) }),
                    vec![
                        Output::Record(Event::Denied {
                            peer: PeerId(2),
                            name: name(2),
                            by: PeerId(1),
                        }),
                        close(2, Some(ErrorCode::Denied)),
                        knock_ended(1, 2),
                    ],
                ),
                In(
                    2,
                    msg(1, ClientMsg::Admit { peer: PeerId(2) }),
                    vec![err(1, ErrorCode::NotWaiting)],
                ),
            ],
        ),
        (
            "a guest leaves while waiting",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(2, ClientMsg::Leave),
                    vec![
                        close(2, None),
                        record(2, Role::Participant, EventKind::Left),
                        knock_ended(1, 2),
                    ],
                ),
            ],
        ),
        (
            "the meeting ends while a guest waits: it is told, and nobody joins again",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(1, ClientMsg::EndMeeting),
                    vec![
                        Output::Record(Event::MeetingEnded { by: PeerId(1) }),
                        close(1, Some(ErrorCode::MeetingEnded)),
                        close(2, Some(ErrorCode::MeetingEnded)),
                    ],
                ),
                In(
                    2,
                    guest(3, 3),
                    vec![close(3, Some(ErrorCode::MeetingEnded))],
                ),
            ],
        ),
        (
            "the host leaves; a co-host who comes later finds the knock in its welcome and admits",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(1, ClientMsg::Leave),
                    vec![close(1, None), record(1, Role::Host, EventKind::Left)],
                ),
                In(
                    2,
                    invited(3, 3, None, Role::CoHost),
                    vec![
                        event(3, Role::CoHost, EventKind::Joined, Some(invite_id())),
                        welcome_on(
                            3,
                            info(3, Role::CoHost),
                            vec![],
                            3,
                            vec![knock(2, Role::Participant, LinkQuality::Unknown, false)],
                        ),
                    ],
                ),
                In(
                    3,
                    msg(3, ClientMsg::Admit { peer: PeerId(2) }),
                    vec![
                        admitted(2, Role::Participant, 3),
                        knock_ended(3, 2),
                        send(
                            3,
                            ServerMsg::PeerJoined {
                                peer: info(2, Role::Participant),
                            },
                        ),
                        welcome_on(
                            2,
                            info(2, Role::Participant),
                            vec![info(3, Role::CoHost)],
                            2,
                            vec![],
                        ),
                    ],
                ),
            ],
        ),
        (
            "admit all lets three guests in, in order, and leaves the witness out",
            vec![
                judge(),
                guest_knocks(2),
                guest_knocks(3),
                witness_knocks(4),
                guest_knocks(5),
                In(2, msg(1, ClientMsg::AdmitAll), {
                    let host = (1, Role::Host);
                    let g = |n| (n, Role::Participant);
                    let mut out = let_in(2, Role::Participant, &[host]);
                    out.extend(let_in(3, Role::Participant, &[host, g(2)]));
                    out.extend(let_in(5, Role::Participant, &[host, g(2), g(3)]));
                    out
                }),
                // A guest inside may not admit the witness.
                In(
                    3,
                    msg(2, ClientMsg::Admit { peer: PeerId(4) }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
            ],
        ),
        (
            "a witness is called, excused back to the lobby, and called again",
            vec![
                judge(),
                guest_knocks(2),
                In(
                    1,
                    msg(1, ClientMsg::Admit { peer: PeerId(2) }),
                    let_in(2, Role::Participant, &[(1, Role::Host)]),
                ),
                witness_knocks(3),
                In(
                    2,
                    msg(1, ClientMsg::Admit { peer: PeerId(3) }),
                    let_in(3, Role::Witness, &[(1, Role::Host), (2, Role::Participant)]),
                ),
                // Counsel may not excuse; nobody may excuse the host.
                In(
                    3,
                    msg(2, ClientMsg::Excuse { peer: PeerId(3) }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    3,
                    msg(1, ClientMsg::Excuse { peer: PeerId(1) }),
                    vec![err(1, ErrorCode::NotAllowed)],
                ),
                In(4, msg(1, ClientMsg::Excuse { peer: PeerId(3) }), {
                    let mut out = vec![Output::Record(Event::Excused {
                        peer: PeerId(3),
                        name: name(3),
                        by: PeerId(1),
                    })];
                    out.extend(left(&[1, 2], 3, LeaveReason::Excused));
                    out.push(waiting(3, info(3, Role::Witness), 3, false, hearing()));
                    out.push(send(
                        1,
                        ServerMsg::Knocking {
                            knock: knock(3, Role::Witness, LinkQuality::Unknown, true),
                        },
                    ));
                    out
                }),
                // Excused, it can no longer reach the room.
                In(
                    5,
                    msg(
                        3,
                        ClientMsg::Signal {
                            to: PeerId(2),
                            signal: sdp("x"),
                        },
                    ),
                    vec![err(3, ErrorCode::NotAllowed)],
                ),
                In(
                    6,
                    msg(1, ClientMsg::Admit { peer: PeerId(3) }),
                    let_in(3, Role::Witness, &[(1, Role::Host), (2, Role::Participant)]),
                ),
            ],
        ),
        (
            "a waiting guest whose socket drops comes back still waiting, unseen by the room",
            vec![
                judge(),
                guest_knocks(2),
                In(1, Input::Disconnected { conn: ConnId(2) }, vec![]),
                In(
                    2,
                    rejoin(3, 2, 12),
                    vec![
                        record(2, Role::Participant, EventKind::Resumed),
                        waiting(3, info(2, Role::Participant), 12, true, hearing()),
                    ],
                ),
            ],
        ),
        (
            "a guest let in while its socket is down gets its welcome when it comes back",
            vec![
                judge(),
                guest_knocks(2),
                In(1, Input::Disconnected { conn: ConnId(2) }, vec![]),
                In(
                    2,
                    msg(1, ClientMsg::Admit { peer: PeerId(2) }),
                    vec![
                        admitted(2, Role::Participant, 1),
                        knock_ended(1, 2),
                        send(
                            1,
                            ServerMsg::PeerJoined {
                                peer: info(2, Role::Participant),
                            },
                        ),
                    ],
                ),
                In(3, rejoin(3, 2, 12), {
                    let Output::Send { msg: mut w, .. } = welcome_on(
                        3,
                        info(2, Role::Participant),
                        vec![info(1, Role::Host)],
                        12,
                        vec![],
                    ) else {
                        unreachable!()
                    };
                    if let ServerMsg::Welcome(Welcome { resumed, .. }) = &mut w {
                        *resumed = true;
                    }
                    vec![
                        record(2, Role::Participant, EventKind::Resumed),
                        send(3, w),
                        send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                    ]
                }),
            ],
        ),
        (
            "a hearing's lobby cannot be turned off",
            vec![
                judge(),
                In(
                    1,
                    msg(1, ClientMsg::SetLobby { on: false }),
                    vec![err(1, ErrorCode::HearingLobby)],
                ),
            ],
        ),
    ];
    for (case, steps) in cases {
        run_in(hearing(), case, steps);
    }
}

#[test]
fn a_meetings_lobby_is_switched_on_and_off() {
    let lobby_set = |to: u64, on: bool| send(to, ServerMsg::LobbySet { on });
    run(
        "the host turns the lobby on; a guest waits; turning it off lets it in",
        vec![
            host_first(),
            In(
                1,
                msg(1, ClientMsg::SetLobby { on: true }),
                vec![
                    Output::Record(Event::LobbySet {
                        on: true,
                        by: PeerId(1),
                    }),
                    lobby_set(1, true),
                ],
            ),
            In(
                2,
                guest(2, 2),
                vec![
                    knocked(2, Role::Participant, None),
                    waiting(2, info(2, Role::Participant), 2, false, meeting()),
                    knocking(1, 2, Role::Participant),
                ],
            ),
            In(3, msg(1, ClientMsg::SetLobby { on: false }), {
                let mut out = vec![
                    Output::Record(Event::LobbySet {
                        on: false,
                        by: PeerId(1),
                    }),
                    lobby_set(1, false),
                    admitted(2, Role::Participant, 1),
                    knock_ended(1, 2),
                    send(
                        1,
                        ServerMsg::PeerJoined {
                            peer: info(2, Role::Participant),
                        },
                    ),
                ];
                out.push(welcome(
                    2,
                    info(2, Role::Participant),
                    vec![info(1, Role::Host)],
                    2,
                    false,
                ));
                out
            }),
            // Off again: the next guest comes straight in.
            In(4, guest(3, 3), joined_after_host(3, 3)),
        ],
    );
}

#[test]
fn admitting_into_a_full_room_is_refused_and_the_guest_keeps_waiting() {
    let t0 = Instant::now();
    let mut room = Room::new(t0, hearing(), host_key(), ice());
    room.handle(t0, join(1, 1, Some(host_key()), None));
    for n in 2..=MESH_CAPACITY as u64 {
        room.handle(t0, guest(n, n));
        room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(n) }));
    }
    let late = MESH_CAPACITY as u64 + 1;
    room.handle(t0, guest(late, late));
    while room.poll_output().is_some() {}
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(late) }));
    let got: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
    assert_eq!(got, vec![err(1, ErrorCode::RoomFull)]);
    // Someone leaves; now it can come in.
    room.handle(t0, msg(2, ClientMsg::Leave));
    while room.poll_output().is_some() {}
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(late) }));
    let got: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
    assert_eq!(got[0], admitted(late, Role::Participant, 1));
    assert_eq!(room.peer_count(), MESH_CAPACITY);
}
