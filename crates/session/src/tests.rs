//! The session alone, fed by hand: what it hands the shell for each input.

use super::*;
use sala_protocol::{
    ChatText, DisplayName, Hold, MediaState, MeetingId, MeetingInfo, MeetingKind, MeetingTitle,
    PeerInfo, Role,
};

const S: Duration = Duration::from_secs(1);

fn you(id: u64) -> PeerInfo {
    PeerInfo {
        id: PeerId(id),
        name: DisplayName::parse("Ana").unwrap(),
        role: Role::Participant,
        media: MediaState::default(),
        hold: Hold::default(),
        oath: None,
    }
}

fn meeting() -> MeetingInfo {
    MeetingInfo {
        id: MeetingId::from_random([1; 16]),
        title: MeetingTitle::parse("T").unwrap(),
        kind: MeetingKind::Meeting,
    }
}

fn waiting(id: u64, resumed: bool) -> ServerMsg {
    ServerMsg::Waiting(Waiting {
        protocol: sala_protocol::PROTOCOL_VERSION,
        you: you(id),
        meeting: meeting(),
        resume: ResumeToken::from_random([id as u8; 16]),
        resumed,
        acked: 0,
    })
}

fn chat(text: &str) -> ClientMsg {
    ClientMsg::Chat {
        text: ChatText::parse(text).unwrap(),
    }
}

fn drain(s: &mut Session) -> Vec<Output> {
    std::iter::from_fn(|| s.poll_output()).collect()
}

/// The kinds of message transmitted, in order.
fn transmitted(outs: &[Output]) -> Vec<String> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Transmit { msg, .. } => Some(match msg {
                ClientMsg::Reliable { .. } => "Reliable".to_string(),
                ClientMsg::Ping { .. } => "Ping".to_string(),
                ClientMsg::Leave => "Leave".to_string(),
                other => format!("{other:?}"),
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn nothing_goes_before_the_server_takes_the_socket_up_and_then_all_of_it_in_order() {
    let mut s = Session::new(1);
    s.connect(Duration::ZERO);
    assert_eq!(
        drain(&mut s),
        [Output::Open {
            socket: SocketId(1),
            resume: None
        }]
    );
    let media = || ClientMsg::Media {
        media: MediaState::default(),
    };
    s.send(media());
    s.ping(Duration::ZERO);
    s.send(chat("not for the lobby"));
    s.send(media());
    assert!(
        drain(&mut s).is_empty(),
        "held until taken up; the ping dropped"
    );
    s.handle_message(S, SocketId(1), waiting(3, false));
    let outs = drain(&mut s);
    // The lobby takes our media (numbered 1 and 2, no gap), not the chat.
    let seqs: Vec<u64> = outs
        .iter()
        .filter_map(|o| match o {
            Output::Transmit {
                msg: ClientMsg::Reliable { seq, msg },
                ..
            } if matches!(**msg, ClientMsg::Media { .. }) => Some(*seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(transmitted(&outs), ["Reliable", "Reliable", "Ping"]);
    assert!(matches!(outs[2], Output::Waiting { excused: false, .. }));
    assert_eq!(s.me(), Some(PeerId(3)));
}

#[test]
fn a_socket_given_up_is_forgotten_and_the_next_resumes() {
    let mut s = Session::new(1);
    s.connect(Duration::ZERO);
    s.handle_message(Duration::ZERO, SocketId(1), waiting(3, false));
    drain(&mut s);
    s.handle_closed(S, SocketId(1), None);
    assert_eq!(drain(&mut s), [Output::Reconnecting]);
    let due = s.poll_timeout().unwrap();
    assert!(due >= S + Duration::from_millis(250) && due <= S + Duration::from_millis(375));
    s.handle_timeout(due);
    let outs = drain(&mut s);
    assert!(matches!(
        &outs[..],
        [Output::Open {
            socket: SocketId(2),
            resume: Some(_)
        }]
    ));
    // Late news of the first socket changes nothing.
    s.handle_message(due, SocketId(1), ServerMsg::Pong { nonce: 0 });
    s.handle_closed(due, SocketId(1), None);
    assert!(drain(&mut s).is_empty());
}

#[test]
fn a_refusal_in_the_close_code_comes_before_the_reconnect_and_stop_ends_all() {
    let mut s = Session::new(1);
    s.connect(Duration::ZERO);
    drain(&mut s);
    s.handle_closed(S, SocketId(1), ErrorCode::MeetingFull.close_code());
    assert_eq!(
        drain(&mut s),
        [
            Output::Refused(ErrorCode::MeetingFull),
            Output::Reconnecting
        ]
    );
    s.stop();
    assert!(drain(&mut s).is_empty(), "no socket to close");
    assert_eq!(s.poll_timeout(), None, "no timer left");
}

#[test]
fn leaving_says_so_on_a_socket_taken_up_then_closes_it() {
    let mut s = Session::new(1);
    s.connect(Duration::ZERO);
    s.handle_message(Duration::ZERO, SocketId(1), waiting(3, false));
    drain(&mut s);
    s.leave();
    let outs = drain(&mut s);
    assert_eq!(transmitted(&outs), ["Leave"]);
    assert_eq!(
        outs.last(),
        Some(&Output::Close {
            socket: SocketId(1)
        })
    );
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn who_is_excused_in_the_lobby() {
    // Where we were, whether the waiting is on a resumed session: excused?
    let cases = [
        ("new", Place::Outside, false, false),
        ("sent out of the room", Place::Room, false, true),
        (
            "sent out, socket back",
            Place::Lobby { excused: true },
            true,
            true,
        ),
        (
            "waiting, socket back",
            Place::Lobby { excused: false },
            true,
            false,
        ),
        (
            "excused, then a fresh session",
            Place::Lobby { excused: true },
            false,
            false,
        ),
    ];
    for (what, place, resumed, want) in cases {
        let mut s = Session::new(1);
        s.place = place;
        s.connect(Duration::ZERO);
        s.handle_message(Duration::ZERO, SocketId(1), waiting(3, resumed));
        assert_eq!(s.place(), Place::Lobby { excused: want }, "{what}");
    }
}
