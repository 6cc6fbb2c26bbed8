//! Holds on microphones and cameras, mute everyone, and raised hands, on
//! virtual time.

use super::*;

fn held(to: &[u64], peer: u64, mic: bool, camera: bool) -> Vec<Output> {
    to.iter()
        .map(|c| {
            send(
                *c,
                ServerMsg::PeerHold {
                    peer: PeerId(peer),
                    hold: Hold { mic, camera },
                },
            )
        })
        .collect()
}

fn held_record(peer: u64, mic: bool, camera: bool, by: u64) -> Output {
    Output::Record(Event::Held {
        peer: PeerId(peer),
        name: name(peer),
        mic,
        camera,
        by: PeerId(by),
    })
}

fn hands(to: &[u64], queue: &[u64]) -> Vec<Output> {
    to.iter()
        .map(|c| {
            send(
                *c,
                ServerMsg::Hands {
                    queue: queue.iter().map(|p| PeerId(*p)).collect(),
                },
            )
        })
        .collect()
}

fn hold_msg(c: u64, peer: u64, mic: bool, camera: bool) -> Input {
    msg(
        c,
        ClientMsg::Hold {
            peer: PeerId(peer),
            hold: Hold { mic, camera },
        },
    )
}

#[test]
fn holds_and_hands() {
    let cases: Vec<(&str, Vec<Step>)> = vec![
        (
            "the host mutes a guest: everyone hears of it, and the guest's unmute is announced as muted",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(0, guest(3, 3), joined_after_host(3, 3)),
                In(1, hold_msg(1, 2, true, false), {
                    let mut out = vec![held_record(2, true, false, 1)];
                    out.extend(held(&[1, 2, 3], 2, true, false));
                    out
                }),
                // Held again the same: nothing.
                In(2, hold_msg(1, 2, true, false), vec![]),
                // A modified client says its microphone is on: the room is told it is off.
                In(
                    3,
                    msg(2, ClientMsg::Media { media: media(true) }),
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
                // Released.
                In(4, hold_msg(1, 2, false, false), {
                    let mut out = vec![held_record(2, false, false, 1)];
                    out.extend(held(&[1, 2, 3], 2, false, false));
                    out
                }),
            ],
        ),
        (
            "a guest may not hold anyone; nobody may hold the host",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(
                    1,
                    hold_msg(2, 1, true, true),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    1,
                    msg(2, ClientMsg::MuteAll),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(
                    1,
                    hold_msg(1, 9, true, true),
                    vec![err(1, ErrorCode::UnknownPeer)],
                ),
            ],
        ),
        (
            "mute everyone holds every guest's microphone once, and a newcomer learns of the holds",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(1, hold_msg(1, 2, false, true), {
                    let mut out = vec![held_record(2, false, true, 1)];
                    out.extend(held(&[1, 2], 2, false, true));
                    out
                }),
                In(0, guest(3, 3), {
                    let mut out = vec![record(3, Role::Participant, EventKind::Joined)];
                    out.extend((1..3).map(|o| {
                        send(
                            o,
                            ServerMsg::PeerJoined {
                                peer: info(3, Role::Participant),
                            },
                        )
                    }));
                    let mut two = info(2, Role::Participant);
                    two.hold.camera = true;
                    two.media.camera = false;
                    out.push(welcome(
                        3,
                        info(3, Role::Participant),
                        vec![info(1, Role::Host), two],
                        3,
                        false,
                    ));
                    out
                }),
                In(2, msg(1, ClientMsg::MuteAll), {
                    let mut out = vec![Output::Record(Event::MutedAll { by: PeerId(1) })];
                    out.extend(held(&[1, 2, 3], 2, true, true));
                    out.extend(held(&[1, 2, 3], 3, true, false));
                    out
                }),
            ],
        ),
        (
            "hands go up in order, down by their owner or the host, and with their owner",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(0, guest(3, 3), joined_after_host(3, 3)),
                In(1, msg(3, ClientMsg::RaiseHand { up: true }), {
                    let mut out = vec![Output::Record(Event::HandRaised {
                        peer: PeerId(3),
                        name: name(3),
                    })];
                    out.extend(hands(&[1, 2, 3], &[3]));
                    out
                }),
                In(2, msg(2, ClientMsg::RaiseHand { up: true }), {
                    let mut out = vec![Output::Record(Event::HandRaised {
                        peer: PeerId(2),
                        name: name(2),
                    })];
                    out.extend(hands(&[1, 2, 3], &[3, 2]));
                    out
                }),
                // Raised twice: still one place in the queue.
                In(3, msg(2, ClientMsg::RaiseHand { up: true }), vec![]),
                In(
                    4,
                    msg(2, ClientMsg::LowerHand { peer: PeerId(3) }),
                    vec![err(2, ErrorCode::NotAllowed)],
                ),
                In(5, msg(1, ClientMsg::LowerHand { peer: PeerId(3) }), {
                    let mut out = vec![Output::Record(Event::HandLowered {
                        peer: PeerId(3),
                        name: name(3),
                        by: Some(PeerId(1)),
                    })];
                    out.extend(hands(&[1, 2, 3], &[2]));
                    out
                }),
                In(6, msg(2, ClientMsg::Leave), {
                    let mut out = vec![
                        Output::Close {
                            conn: ConnId(2),
                            error: None,
                        },
                        record(2, Role::Participant, EventKind::Left),
                    ];
                    out.extend(hands(&[1, 3], &[]));
                    out.extend(left(&[1, 3], 2, LeaveReason::Left));
                    out
                }),
            ],
        ),
        (
            "chat goes to everyone, sender too, recorded first; a newcomer gets the history",
            vec![
                host_first(),
                In(0, guest(2, 2), joined_after_host(2, 2)),
                In(1, msg(2, ClientMsg::Chat { text: chat_text("Can you hear me?") }), {
                    let mut out = vec![Output::Record(Event::Chat {
                        peer: PeerId(2),
                        name: name(2),
                        text: chat_text("Can you hear me?"),
                    })];
                    out.extend([1, 2].map(|c| send(c, ServerMsg::Chat { message: said(2, "Can you hear me?") })));
                    out
                }),
                In(2, guest(3, 3), {
                    let mut out = joined_after_host(3, 3);
                    if let Some(Output::Send {
                        msg: ServerMsg::Welcome(Welcome { chat, .. }),
                        ..
                    }) = out.last_mut()
                    {
                        chat.push(said(2, "Can you hear me?"));
                    }
                    out
                }),
            ],
        ),
    ];
    for (case, steps) in cases {
        run(case, steps);
    }
}

fn chat_text(s: &str) -> sala_protocol::ChatText {
    sala_protocol::ChatText::parse(s).unwrap()
}

fn said(from: u64, text: &str) -> sala_protocol::ChatMessage {
    sala_protocol::ChatMessage {
        from: PeerId(from),
        name: name(from),
        text: chat_text(text),
    }
}

#[test]
fn the_gallery_never_sends_nor_chats() {
    let mut observer = info(2, Role::Observer);
    observer.hold = Hold {
        mic: true,
        camera: true,
    };
    observer.media.mic = false;
    observer.media.camera = false;
    run(
        "an observer comes in held; the host cannot release it; it may not chat",
        vec![
            host_first(),
            In(0, invited(2, 2, None, Role::Observer), {
                vec![
                    event(2, Role::Observer, EventKind::Joined, Some(invite_id())),
                    send(
                        1,
                        ServerMsg::PeerJoined {
                            peer: observer.clone(),
                        },
                    ),
                    welcome(2, observer.clone(), vec![info(1, Role::Host)], 2, false),
                ]
            }),
            In(
                1,
                hold_msg(1, 2, false, false),
                vec![err(1, ErrorCode::NotAllowed)],
            ),
            In(
                2,
                msg(
                    2,
                    ClientMsg::Chat {
                        text: chat_text("hello"),
                    },
                ),
                vec![err(2, ErrorCode::NotAllowed)],
            ),
        ],
    );
}

#[test]
fn a_witness_is_asked_for_the_oath_and_takes_it_once() {
    use sala_protocol::{Language, OathForm};
    let take = |c: u64| {
        msg(
            c,
            ClientMsg::TakeOath {
                form: OathForm::Affirmation,
                lang: Language::Km,
            },
        )
    };
    run(
        "only the asked may take it; the record keeps the words shown",
        vec![
            host_first(),
            In(0, guest(2, 2), joined_after_host(2, 2)),
            In(0, invited(3, 3, None, Role::Witness), {
                let mut out = vec![event(
                    3,
                    Role::Witness,
                    EventKind::Joined,
                    Some(invite_id()),
                )];
                out.extend([1, 2].map(|c| {
                    send(
                        c,
                        ServerMsg::PeerJoined {
                            peer: info(3, Role::Witness),
                        },
                    )
                }));
                out.push(welcome(
                    3,
                    info(3, Role::Witness),
                    vec![info(1, Role::Host), info(2, Role::Participant)],
                    3,
                    false,
                ));
                out
            }),
            // Not asked yet: refused.
            In(1, take(3), vec![err(3, ErrorCode::NotAllowed)]),
            // Counsel is not a witness; a guest may not ask.
            In(
                1,
                msg(1, ClientMsg::AskOath { peer: PeerId(2) }),
                vec![err(1, ErrorCode::NotAllowed)],
            ),
            In(
                1,
                msg(2, ClientMsg::AskOath { peer: PeerId(3) }),
                vec![err(2, ErrorCode::NotAllowed)],
            ),
            In(2, msg(1, ClientMsg::AskOath { peer: PeerId(3) }), {
                let mut out = vec![Output::Record(Event::OathAsked {
                    peer: PeerId(3),
                    name: name(3),
                    by: PeerId(1),
                })];
                out.extend([1, 2, 3].map(|c| send(c, ServerMsg::OathAsked { peer: PeerId(3) })));
                out
            }),
            In(3, take(3), {
                let mut out = vec![Output::Record(Event::OathTaken {
                    peer: PeerId(3),
                    name: name(3),
                    form: OathForm::Affirmation,
                    lang: Language::Km,
                    text: OathForm::Affirmation.text(Language::Km).to_owned(),
                })];
                out.extend([1, 2, 3].map(|c| {
                    send(
                        c,
                        ServerMsg::OathTaken {
                            peer: PeerId(3),
                            form: OathForm::Affirmation,
                        },
                    )
                }));
                out
            }),
            // Once.
            In(4, take(3), vec![err(3, ErrorCode::NotAllowed)]),
        ],
    );
}
