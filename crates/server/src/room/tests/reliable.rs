//! Numbered messages on virtual time: handled once however often they come,
//! acknowledged after their record entry, and counted across a resume.

use super::*;
use sala_protocol::{ChatMessage, ChatText};

fn numbered(c: u64, seq: u64, text: &str) -> Input {
    Input::Numbered {
        conn: ConnId(c),
        seq,
        input: Box::new(msg(
            c,
            ClientMsg::Chat {
                text: ChatText::parse(text).unwrap(),
            },
        )),
    }
}

/// Peer 2 says `text`: recorded, then the room (conns `to`) hears it.
fn said(to: &[u64], text: &str) -> Vec<Output> {
    let text = ChatText::parse(text).unwrap();
    let mut out = vec![Output::Record(Event::Chat {
        peer: PeerId(2),
        name: name(2),
        text: text.clone(),
    })];
    out.extend(to.iter().map(|c| {
        send(
            *c,
            ServerMsg::Chat {
                message: ChatMessage {
                    from: PeerId(2),
                    name: name(2),
                    text: text.clone(),
                },
            },
        )
    }));
    out
}

/// The records until the Ack come of peer 2's message `seq`.
fn cause(seq: u64) -> Output {
    Output::Cause {
        peer: PeerId(2),
        seq,
    }
}

fn ack(c: u64, seq: u64) -> Output {
    send(c, ServerMsg::Ack { seq })
}

#[test]
fn numbered_messages_are_done_once_and_acknowledged_after_their_record() {
    run(
        "a message sent again after a lost ack is not done twice; the count survives a resume",
        vec![
            In(0, guest(1, 1), joined(1, 1)),
            In(0, guest(2, 2), joined(2, 2)),
            In(1, numbered(2, 1, "first"), {
                let mut out = said(&[1, 2], "first");
                out.push(ack(2, 1));
                out.insert(0, cause(1));
                out
            }),
            // Its ack was lost: the client sends it again.
            In(2, numbered(2, 1, "first"), vec![ack(2, 1)]),
            In(3, Input::Disconnected { conn: ConnId(2) }, vec![]),
            // Back on a new socket, told how far it got.
            In(4, join(7, 2, None, Some(token(2))), {
                let mut welcome = welcome(
                    7,
                    info(2, Role::Participant),
                    vec![info(1, Role::Participant)],
                    2,
                    true,
                );
                if let Output::Send {
                    msg: ServerMsg::Welcome(Welcome { acked, chat, .. }),
                    ..
                } = &mut welcome
                {
                    *acked = 1;
                    *chat = vec![ChatMessage {
                        from: PeerId(2),
                        name: name(2),
                        text: ChatText::parse("first").unwrap(),
                    }];
                }
                vec![
                    record(2, Role::Participant, EventKind::Resumed),
                    welcome,
                    send(1, ServerMsg::PeerResumed { peer: PeerId(2) }),
                ]
            }),
            In(5, numbered(7, 2, "second"), {
                let mut out = said(&[1, 7], "second");
                out.push(ack(7, 2));
                out.insert(0, cause(2));
                out
            }),
            // An old number on the new socket: nothing done again.
            In(6, numbered(7, 1, "first"), vec![ack(7, 1)]),
            // From a socket that is no longer joined: nothing at all.
            In(7, numbered(2, 3, "ghost"), vec![]),
        ],
    );
}

#[test]
fn an_ack_means_done_numbers_out_of_sequence_are_refused() {
    let out_of_sequence = |expected: u64| err(2, ErrorCode::OutOfSequence { expected });
    run(
        "0, a gap, u64::MAX and a number skipped ahead are refused, unacknowledged, and do not move the count",
        vec![
            In(0, guest(1, 1), joined(1, 1)),
            In(0, guest(2, 2), joined(2, 2)),
            // Numbers start at 1.
            In(1, numbered(2, 0, "zero"), vec![out_of_sequence(1)]),
            In(1, numbered(2, 2, "ahead"), vec![out_of_sequence(1)]),
            In(1, numbered(2, u64::MAX, "max"), vec![out_of_sequence(1)]),
            In(2, numbered(2, 1, "first"), {
                let mut out = said(&[1, 2], "first");
                out.push(ack(2, 1));
                out.insert(0, cause(1));
                out
            }),
            // A gap: 3 before 2.
            In(3, numbered(2, 3, "third"), vec![out_of_sequence(2)]),
            // After u64::MAX was refused, later messages are still done.
            In(4, numbered(2, 2, "second"), {
                let mut out = said(&[1, 2], "second");
                out.push(ack(2, 2));
                out.insert(0, cause(2));
                out
            }),
            // A lower number after a higher one was done: acknowledged again, not redone.
            In(5, numbered(2, 1, "first"), vec![ack(2, 1)]),
        ],
    );
}

/// What the record says after `joined` joined and `left` left.
fn attendance(joined: &[u64], left: &[u64]) -> sala_record::Attendance {
    let mut attendance = sala_record::Attendance::default();
    for &n in joined {
        attendance.note(&Event::Joined {
            peer: PeerId(n),
            name: name(n),
            role: Role::Participant,
            invite: None,
        });
    }
    for &n in left {
        attendance.note(&Event::Left {
            peer: PeerId(n),
            name: name(n),
        });
    }
    attendance
}

#[test]
fn a_room_started_again_goes_on_from_the_record() {
    use sala_record::Attendee;
    let attendance = attendance(&[1, 2, 3], &[2]);
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.restore(Restored {
        attendance: attendance.clone(),
        ..Restored::default()
    });
    room.handle(t0, guest(1, 4));
    let out: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
    // First the record says who was in the room that stopped; then the
    // newcomer gets the next number never given.
    assert_eq!(
        out[0],
        Output::Record(Event::RoomRestarted {
            dropped: vec![
                Attendee {
                    peer: PeerId(1),
                    name: name(1)
                },
                Attendee {
                    peer: PeerId(3),
                    name: name(3)
                },
            ],
        })
    );
    assert_eq!(out[1], record(4, Role::Participant, EventKind::Joined));

    // A meeting that ended: nobody was dropped, nobody comes in.
    let mut ended = Room::new(t0, meeting(), host_key(), ice());
    ended.mark_ended();
    ended.restore(Restored {
        attendance,
        ..Restored::default()
    });
    assert_eq!(ended.poll_output(), None);
}

#[test]
fn someone_dropped_by_a_restart_comes_back_as_themselves() {
    let attendance = attendance(&[1, 2], &[1]);
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.restore(Restored {
        attendance,
        sessions: vec![
            (Session::of(&token(1)), PeerId(1)),
            (Session::of(&token(2)), PeerId(2)),
        ],
        done: [(PeerId(2), 5)].into(),
        ..Restored::default()
    });
    room.handle(t0, rejoin(7, 2, 70));
    let out: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
    assert!(matches!(
        out[0],
        Output::Record(Event::RoomRestarted { .. })
    ));
    assert_eq!(out[1], record(2, Role::Participant, EventKind::Joined));
    let Output::Send {
        msg: ServerMsg::Welcome(Welcome { you, acked, .. }),
        ..
    } = &out[2]
    else {
        panic!("{out:?}");
    };
    assert_eq!(
        (you.id, *acked),
        (PeerId(2), 5),
        "the same participant, as far on"
    );
    // Its resend of what the record keeps is acknowledged, not done again.
    room.handle(t0, numbered(7, 5, "said before the restart"));
    assert_eq!(room.poll_output(), Some(ack(7, 5)));
    // Once only; and someone who had left does not come back by its token.
    room.handle(t0, rejoin(8, 2, 80));
    room.handle(t0, rejoin(9, 1, 90));
    let out: Vec<Output> = std::iter::from_fn(|| room.poll_output()).collect();
    assert!(out.contains(&err(8, ErrorCode::ResumeExpired)), "{out:?}");
    assert!(out.contains(&err(9, ErrorCode::ResumeExpired)), "{out:?}");
    let back: Vec<PeerId> = out
        .iter()
        .filter_map(|o| match o {
            Output::Send {
                msg: ServerMsg::Welcome(Welcome { you, .. }),
                ..
            } => Some(you.id),
            _ => None,
        })
        .collect();
    assert_eq!(back, [PeerId(3), PeerId(4)], "newcomers, both");
}
