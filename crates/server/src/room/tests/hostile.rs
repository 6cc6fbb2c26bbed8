//! The court's guarantees against a hostile participant (issue #11): what a
//! peer says while it waits passes the room's checks, a hold is not shed
//! through the lobby, someone removed stays out by any link, and the
//! uninvited cannot fill the lobby against the invited.

use super::*;
use sala_protocol::StreamId;

fn hearing() -> MeetingInfo {
    MeetingInfo {
        kind: MeetingKind::Hearing,
        ..meeting()
    }
}

fn drain(room: &mut Room) -> Vec<Output> {
    std::iter::from_fn(|| room.poll_output()).collect()
}

/// What the room is told of `peer` when it comes in.
fn announced(outputs: &[Output], to: u64, peer: u64) -> Option<PeerInfo> {
    outputs.iter().find_map(|o| match o {
        Output::Send {
            conn,
            msg: ServerMsg::PeerJoined { peer: info },
        } if *conn == ConnId(to) && info.id == PeerId(peer) => Some(info.clone()),
        _ => None,
    })
}

/// Everything on: microphone, camera, a screen share.
fn all_on() -> MediaState {
    MediaState {
        mic: true,
        camera: true,
        screen: Some(StreamId::try_from("screen-1".to_owned()).unwrap()),
        ..MediaState::default()
    }
}

/// A hearing with the judge (peer 1, conn 1) inside.
fn hearing_with_judge(t0: Instant) -> Room {
    let mut room = Room::new(t0, hearing(), host_key(), ice());
    room.handle(t0, join(1, 1, Some(host_key()), None));
    drain(&mut room);
    room
}

#[test]
fn the_gallery_cannot_publish_through_the_lobby() {
    let t0 = Instant::now();
    let mut room = hearing_with_judge(t0);
    // It knocks saying everything is on, and says it again while waiting.
    let Input::Join(mut knock) = invited(2, 2, None, Role::Observer) else {
        unreachable!()
    };
    knock.media = all_on();
    room.handle(t0, Input::Join(knock));
    room.handle(t0, msg(2, ClientMsg::Media { media: all_on() }));
    drain(&mut room);
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(2) }));
    let out = drain(&mut room);
    let seen = announced(&out, 1, 2).expect("the judge hears the observer come in");
    assert_eq!(
        (seen.media.mic, seen.media.camera, seen.media.screen),
        (false, false, None),
        "the observer is announced sending nothing"
    );
}

#[test]
fn a_hold_is_not_shed_through_the_lobby() {
    let t0 = Instant::now();
    let mut room = hearing_with_judge(t0);
    room.handle(t0, invited(2, 2, None, Role::Witness));
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(2) }));
    let both = Hold {
        mic: true,
        camera: true,
    };
    room.handle(
        t0,
        msg(
            1,
            ClientMsg::Hold {
                peer: PeerId(2),
                hold: both,
            },
        ),
    );
    room.handle(t0, msg(1, ClientMsg::Excuse { peer: PeerId(2) }));
    drain(&mut room);
    // Waiting, it switches both on; then it is called back in.
    room.handle(t0, msg(2, ClientMsg::Media { media: all_on() }));
    assert_eq!(
        drain(&mut room),
        vec![],
        "nobody hears of it while it waits"
    );
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(2) }));
    let out = drain(&mut room);
    let seen = announced(&out, 1, 2).expect("the judge hears the witness come back");
    assert_eq!(seen.hold, both, "the hold still holds");
    assert_eq!(
        (seen.media.mic, seen.media.camera),
        (false, false),
        "announced as held"
    );
}

/// The host (peer 1) removes peer 2, who came in on conn 2 from browser 2.
fn removed_from(room: &mut Room, t0: Instant) {
    room.handle(t0, msg(1, ClientMsg::Remove { peer: PeerId(2) }));
    let out = drain(room);
    assert!(out.contains(&Output::Bar(holder(2))), "{out:?}");
}

#[test]
fn someone_removed_stays_out_by_any_link() {
    let refused = |c: u64, n: u64, invite: Option<InviteId>| {
        vec![
            Output::Record(Event::JoinRefused {
                name: name(n),
                invite,
                reason: sala_protocol::InviteRefusal::Removed,
            }),
            Output::Close {
                conn: ConnId(c),
                error: Some(ErrorCode::Removed),
            },
        ]
    };
    let t0 = Instant::now();
    // A meeting with the lobby off: a removed guest comes back by the guest link.
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.handle(t0, join(1, 1, Some(host_key()), None));
    room.handle(t0, guest(2, 2));
    drain(&mut room);
    removed_from(&mut room, t0);
    room.handle(t0, guest(3, 2));
    assert_eq!(drain(&mut room), refused(3, 2, None));
    // Nor with its old resume token.
    room.handle(t0, rejoin(4, 2, 40));
    assert_eq!(drain(&mut room), refused(4, 2, None));
    // Another browser is let in.
    room.handle(t0, guest(5, 5));
    assert!(matches!(
        drain(&mut room).first(),
        Some(Output::Record(Event::Joined { .. }))
    ));

    // A removed witness comes back by the guest link.
    let mut room = hearing_with_judge(t0);
    room.handle(t0, invited(2, 2, None, Role::Witness));
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(2) }));
    drain(&mut room);
    removed_from(&mut room, t0);
    room.handle(t0, guest(3, 2));
    assert_eq!(drain(&mut room), refused(3, 2, None));
    room.handle(t0, invited(4, 2, None, Role::Witness));
    assert_eq!(drain(&mut room), refused(4, 2, Some(invite_id())));

    // A room started again (the server restarted, the room retired) is handed
    // the bar and keeps it.
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.bar(holder(2));
    room.handle(t0, guest(1, 2));
    assert_eq!(drain(&mut room), refused(1, 2, None));
}

#[test]
fn the_uninvited_cannot_fill_the_lobby_against_the_invited() {
    let t0 = Instant::now();
    let mut room = hearing_with_judge(t0);
    let full = LOBBY_CAPACITY as u64;
    for n in 2..2 + full {
        room.handle(t0, guest(n, n));
    }
    drain(&mut room);
    // The next knock by the guest link is refused…
    let late = 2 + full;
    room.handle(t0, guest(late, late));
    assert_eq!(
        drain(&mut room),
        vec![Output::Close {
            conn: ConnId(late),
            error: Some(ErrorCode::MeetingFull),
        }]
    );
    // …but the witness's invitation still lets it wait, and be called in.
    let witness = late + 1;
    room.handle(t0, invited(witness, witness, None, Role::Witness));
    // (The refused knock took no number: the witness is peer `late`.)
    let out = drain(&mut room);
    assert!(
        matches!(
            &out[..2],
            [
                Output::Record(Event::Knocked {
                    role: Role::Witness,
                    ..
                }),
                Output::Send {
                    msg: ServerMsg::Waiting(_),
                    ..
                },
            ]
        ),
        "{out:?}"
    );
    room.handle(t0, msg(1, ClientMsg::Admit { peer: PeerId(late) }));
    assert!(announced(&drain(&mut room), 1, late).is_some());
}

#[test]
fn nobody_presents_from_the_lobby() {
    let t0 = Instant::now();
    let mut room = hearing_with_judge(t0);
    room.handle(t0, guest(2, 2));
    drain(&mut room);
    // The shell found the deck; the room still asks where the presenter is.
    room.handle(
        t0,
        Input::Present {
            conn: ConnId(2),
            deck: DeckId::from_random([5; 16]),
            pages: 3,
            page: 0,
        },
    );
    assert_eq!(drain(&mut room), vec![err(2, ErrorCode::NotAllowed)]);
}

fn records(out: &[Output]) -> usize {
    out.iter()
        .filter(|o| matches!(o, Output::Record(_)))
        .count()
}

#[test]
fn one_peer_cannot_flood_the_record_with_actions() {
    use super::super::machine::{WRITES_BURST, WRITES_PER_SEC};
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.handle(t0, guest(1, 1));
    room.handle(t0, guest(2, 2));
    drain(&mut room);
    let chat = |n: u32| {
        msg(
            2,
            ClientMsg::Chat {
                text: sala_protocol::ChatText::parse(&format!("message {n}")).unwrap(),
            },
        )
    };
    let mut out = Vec::new();
    for n in 0..100 {
        room.handle(t0, chat(n));
        out.extend(drain(&mut room));
    }
    assert_eq!(records(&out), WRITES_BURST as usize);
    let refused = out
        .iter()
        .filter(|o| **o == err(2, ErrorCode::SlowDown))
        .count();
    assert_eq!(refused, 100 - WRITES_BURST as usize, "refused, not dropped");
    // Ten seconds later, ten more.
    let later = t0 + Duration::from_secs(10);
    let mut out = Vec::new();
    for n in 0..100 {
        room.handle(later, chat(n));
        out.extend(drain(&mut room));
    }
    assert_eq!(records(&out), (10.0 * WRITES_PER_SEC) as usize);
    // Someone else's allowance is their own.
    room.handle(later, msg(1, ClientMsg::RaiseHand { up: true }));
    assert_eq!(records(&drain(&mut room)), 1);
}

#[test]
fn a_flapping_screen_share_is_coalesced_and_its_last_state_recorded() {
    use super::super::machine::MEDIA_BURST;
    let t0 = Instant::now();
    let mut room = Room::new(t0, meeting(), host_key(), ice());
    room.handle(t0, guest(1, 1));
    room.handle(t0, guest(2, 2));
    drain(&mut room);
    let mut out = Vec::new();
    // 101 toggles in a second, ending shared.
    for n in 0..=100u64 {
        let media = if n % 2 == 0 { all_on() } else { media(true) };
        room.handle(
            t0 + Duration::from_millis(n * 10),
            msg(2, ClientMsg::Media { media }),
        );
        out.extend(drain(&mut room));
    }
    let told = out
        .iter()
        .filter(|o| {
            matches!(
                o,
                Output::Send {
                    conn: ConnId(1),
                    msg: ServerMsg::PeerMedia { .. }
                }
            )
        })
        .count();
    assert_eq!(told, 101, "the others hear of every change");
    assert_eq!(records(&out), MEDIA_BURST as usize);
    // The last state goes in once the allowance has refilled.
    let due = room.poll_timeout().expect("the last state is due");
    assert!(due <= t0 + Duration::from_secs(10), "{:?}", due - t0);
    room.handle_timeout(due);
    assert_eq!(
        drain(&mut room),
        vec![Output::Record(Event::ScreenShared {
            peer: PeerId(2),
            name: name(2),
            on: true,
        })]
    );
    assert_eq!(room.poll_timeout(), None);
}
