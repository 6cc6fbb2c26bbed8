//! Private consultations on virtual time: counsel asks a client out, the
//! client accepts or declines, media and signals stay between them, they
//! come back or are called back.

use super::*;
use sala_protocol::{Consultation, ConsultationId};

const C1: ConsultationId = ConsultationId(1);

fn host() -> PeerInfo {
    info(1, Role::Host)
}
fn part(n: u64) -> PeerInfo {
    info(n, Role::Participant)
}

/// Host (1) and participants 2 and 3, each on the conn of its number.
pub(super) fn three() -> Vec<Step> {
    vec![
        host_first(),
        In(0, guest(2, 2), joined_after_host(2, 2)),
        In(0, guest(3, 3), joined_after_host(3, 3)),
    ]
}

fn asked(by: u64, with: u64) -> Output {
    Output::Record(Event::ConsultationAsked {
        consultation: C1,
        peer: PeerId(by),
        name: name(by),
        with: PeerId(with),
        with_name: name(with),
    })
}
fn entered(n: u64) -> Output {
    Output::Record(Event::ConsultationEntered {
        consultation: C1,
        peer: PeerId(n),
        name: name(n),
    })
}
fn came_back(n: u64, by: Option<u64>) -> Output {
    Output::Record(Event::ConsultationLeft {
        consultation: C1,
        peer: PeerId(n),
        name: name(n),
        by: by.map(PeerId),
    })
}
fn invite(to: u64, from: u64) -> Output {
    send(
        to,
        ServerMsg::ConsultInvite {
            consultation: C1,
            from: PeerId(from),
        },
    )
}
fn answer(c: u64, accept: bool) -> Input {
    msg(
        c,
        ClientMsg::AnswerConsult {
            consultation: C1,
            accept,
        },
    )
}
fn consult(c: u64, with: u64) -> Input {
    msg(c, ClientMsg::Consult { with: PeerId(with) })
}
/// The `Welcome` into consultation 1.
fn welcome_out(c: u64, you: PeerInfo, peers: Vec<PeerInfo>) -> Output {
    let mut out = welcome(c, you, peers, c as u8, false);
    if let Output::Send {
        msg: ServerMsg::Welcome(Welcome { consultation, .. }),
        ..
    } = &mut out
    {
        *consultation = Some(C1);
    }
    out
}
/// The room's `Welcome`, with who is out.
fn welcome_back(c: u64, you: PeerInfo, peers: Vec<PeerInfo>, out: Vec<Consultation>) -> Output {
    let mut msg = welcome(c, you, peers, c as u8, false);
    if let Output::Send {
        msg: ServerMsg::Welcome(Welcome { consultations, .. }),
        ..
    } = &mut msg
    {
        *consultations = out;
    }
    msg
}
fn out_list(to: &[u64], members: &[PeerInfo]) -> Vec<Output> {
    let list = if members.is_empty() {
        vec![]
    } else {
        vec![Consultation {
            id: C1,
            members: members.to_vec(),
        }]
    };
    to.iter()
        .map(|c| send(*c, ServerMsg::Consultations { list: list.clone() }))
        .collect()
}
fn went(to: u64, peer: u64, reason: LeaveReason) -> Output {
    send(
        to,
        ServerMsg::PeerLeft {
            peer: PeerId(peer),
            reason,
        },
    )
}
fn came(to: u64, peer: PeerInfo) -> Output {
    send(to, ServerMsg::PeerJoined { peer })
}

/// 2 asks 3, 3 accepts: both out of the room, together.
fn out_together() -> Vec<Step> {
    let mut steps = three();
    steps.extend([
        In(1, consult(2, 3), vec![asked(2, 3), invite(3, 2)]),
        In(2, answer(3, true), {
            let mut out = vec![
                entered(2),
                went(1, 2, LeaveReason::Consulting),
                went(3, 2, LeaveReason::Consulting),
                welcome_out(2, part(2), vec![]),
                entered(3),
                went(1, 3, LeaveReason::Consulting),
                came(2, part(3)),
                welcome_out(3, part(3), vec![part(2)]),
            ];
            out.extend(out_list(&[1], &[part(2), part(3)]));
            out
        }),
    ]);
    steps
}

#[test]
fn consultations() {
    let signal = |c: u64, to: u64| {
        msg(
            c,
            ClientMsg::Signal {
                to: PeerId(to),
                signal: sdp("offer"),
            },
        )
    };
    let cases: Vec<(&str, Vec<Step>)> = vec![
        (
            "counsel asks the client out and the client accepts",
            out_together(),
        ),
        (
            "in consultation: signals and media stay between them; the room is out of reach",
            {
                let mut steps = out_together();
                steps.extend([
                    In(
                        3,
                        signal(2, 3),
                        vec![send(
                            3,
                            ServerMsg::Signal {
                                from: PeerId(2),
                                signal: sdp("offer"),
                            },
                        )],
                    ),
                    In(4, signal(2, 1), vec![err(2, ErrorCode::UnknownPeer)]),
                    In(4, signal(1, 2), vec![err(1, ErrorCode::UnknownPeer)]),
                    In(
                        5,
                        msg(
                            2,
                            ClientMsg::Media {
                                media: media(false),
                            },
                        ),
                        vec![send(
                            3,
                            ServerMsg::PeerMedia {
                                peer: PeerId(2),
                                media: media(false),
                            },
                        )],
                    ),
                    In(
                        6,
                        msg(
                            2,
                            ClientMsg::Chat {
                                text: sala_protocol::ChatText::parse("hello").unwrap(),
                            },
                        ),
                        vec![err(2, ErrorCode::InConsultation)],
                    ),
                    In(
                        6,
                        msg(2, ClientMsg::RaiseHand { up: true }),
                        vec![err(2, ErrorCode::InConsultation)],
                    ),
                    // The host cannot hold someone who is out.
                    In(
                        7,
                        msg(
                            1,
                            ClientMsg::Hold {
                                peer: PeerId(3),
                                hold: Hold {
                                    mic: true,
                                    camera: false,
                                },
                            },
                        ),
                        vec![err(1, ErrorCode::UnknownPeer)],
                    ),
                ]);
                steps
            },
        ),
        (
            "one comes back by themselves; the host calls the other back",
            {
                let mut steps = out_together();
                steps.extend([
                    In(8, msg(3, ClientMsg::ReturnToRoom), {
                        let mut out = vec![
                            came_back(3, None),
                            went(2, 3, LeaveReason::Returned),
                            came(1, part(3)),
                            welcome_back(
                                3,
                                part(3),
                                vec![host()],
                                vec![Consultation {
                                    id: C1,
                                    members: vec![part(2)],
                                }],
                            ),
                        ];
                        out.extend(out_list(&[1, 3], &[part(2)]));
                        out
                    }),
                    In(
                        9,
                        msg(3, ClientMsg::EndConsultation { consultation: C1 }),
                        vec![err(3, ErrorCode::NotAllowed)],
                    ),
                    In(
                        9,
                        msg(3, ClientMsg::ReturnToRoom),
                        vec![err(3, ErrorCode::NoSuchConsultation)],
                    ),
                    In(
                        10,
                        msg(1, ClientMsg::EndConsultation { consultation: C1 }),
                        {
                            let mut out = vec![
                                came_back(2, Some(1)),
                                came(1, part(2)),
                                came(3, part(2)),
                                welcome_back(2, part(2), vec![host(), part(3)], vec![]),
                            ];
                            out.extend(out_list(&[1, 2, 3], &[]));
                            out
                        },
                    ),
                    In(
                        11,
                        msg(1, ClientMsg::EndConsultation { consultation: C1 }),
                        vec![err(1, ErrorCode::NoSuchConsultation)],
                    ),
                ]);
                steps
            },
        ),
        (
            "declined: recorded, and the one who asked is told; a second answer finds nothing",
            {
                let mut steps = three();
                steps.extend([
                    In(1, consult(2, 3), vec![asked(2, 3), invite(3, 2)]),
                    // Asked twice: once is enough.
                    In(1, consult(2, 3), vec![]),
                    In(
                        2,
                        answer(3, false),
                        vec![
                            Output::Record(Event::ConsultationDeclined {
                                consultation: C1,
                                peer: PeerId(3),
                                name: name(3),
                            }),
                            send(
                                2,
                                ServerMsg::ConsultDeclined {
                                    consultation: C1,
                                    peer: PeerId(3),
                                },
                            ),
                        ],
                    ),
                    In(
                        3,
                        answer(3, true),
                        vec![err(3, ErrorCode::NoSuchConsultation)],
                    ),
                ]);
                steps
            },
        ),
        (
            "the host may not consult, nor be asked; nobody consults with themselves",
            {
                let mut steps = three();
                steps.extend([
                    In(1, consult(1, 2), vec![err(1, ErrorCode::NotAllowed)]),
                    In(1, consult(2, 1), vec![err(2, ErrorCode::NotAllowed)]),
                    In(1, consult(2, 2), vec![err(2, ErrorCode::UnknownPeer)]),
                    In(1, consult(2, 9), vec![err(2, ErrorCode::UnknownPeer)]),
                    In(
                        1,
                        answer(2, true),
                        vec![err(2, ErrorCode::NoSuchConsultation)],
                    ),
                ]);
                steps
            },
        ),
        (
            "muted in the room, heard in consultation, muted again on return",
            {
                let mut steps = three();
                let muted = |n: u64| PeerInfo {
                    media: media(false),
                    hold: Hold {
                        mic: true,
                        camera: false,
                    },
                    ..part(n)
                };
                steps.extend([
                    In(1, msg(1, ClientMsg::MuteAll), {
                        let mut out = vec![Output::Record(Event::MutedAll { by: PeerId(1) })];
                        for n in [2, 3] {
                            out.extend([1, 2, 3].map(|c| {
                                send(
                                    c,
                                    ServerMsg::PeerHold {
                                        peer: PeerId(n),
                                        hold: muted(n).hold,
                                    },
                                )
                            }));
                        }
                        out
                    }),
                    In(2, consult(2, 3), vec![asked(2, 3), invite(3, 2)]),
                    In(3, answer(3, true), {
                        // Out of the room, nobody holds them: shown unheld
                        // (their microphones still off until they switch them on).
                        let out_of_room = |n: u64| PeerInfo {
                            media: media(false),
                            ..part(n)
                        };
                        let mut out = vec![
                            entered(2),
                            went(1, 2, LeaveReason::Consulting),
                            went(3, 2, LeaveReason::Consulting),
                            welcome_out(2, out_of_room(2), vec![]),
                            entered(3),
                            went(1, 3, LeaveReason::Consulting),
                            came(2, out_of_room(3)),
                            welcome_out(3, out_of_room(3), vec![out_of_room(2)]),
                        ];
                        out.extend(out_list(&[1], &[muted(2), muted(3)]));
                        out
                    }),
                    // Switched on in consultation: heard there.
                    In(
                        4,
                        msg(2, ClientMsg::Media { media: media(true) }),
                        vec![send(
                            3,
                            ServerMsg::PeerMedia {
                                peer: PeerId(2),
                                media: media(true),
                            },
                        )],
                    ),
                    // Back in the room: held again.
                    In(5, msg(2, ClientMsg::ReturnToRoom), {
                        let mut out = vec![
                            came_back(2, None),
                            went(3, 2, LeaveReason::Returned),
                            came(1, muted(2)),
                            welcome_back(
                                2,
                                muted(2),
                                vec![host()],
                                vec![Consultation {
                                    id: C1,
                                    members: vec![PeerInfo {
                                        media: media(false),
                                        ..muted(3)
                                    }],
                                }],
                            ),
                        ];
                        out.extend(out_list(
                            &[1, 2],
                            &[PeerInfo {
                                media: media(false),
                                ..muted(3)
                            }],
                        ));
                        out
                    }),
                ]);
                steps
            },
        ),
        (
            "leaving from consultation: the other in it sees it go, the room's list empties",
            {
                let mut steps = out_together();
                steps.push(In(8, msg(2, ClientMsg::Leave), {
                    let mut out = vec![
                        Output::Close {
                            conn: ConnId(2),
                            error: None,
                        },
                        record(2, Role::Participant, EventKind::Left),
                        went(3, 2, LeaveReason::Left),
                    ];
                    out.extend(out_list(&[1], &[part(3)]));
                    out
                }));
                steps
            },
        ),
    ];
    for (case, steps) in cases {
        run(case, steps);
    }
}
