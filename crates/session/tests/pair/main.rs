//! The client's session against the real room machine, on virtual time,
//! over sockets the test breaks: every promise the browser suite makes about
//! signalling, here in milliseconds of CPU instead of minutes of browsers.

mod link;
mod world;

use std::time::Duration;

use sala_protocol::{ChatText, ClientMsg, PeerId, ServerMsg};
use sala_record::Event;
use sala_session::{Output, Place};
use world::{Fault, World};

const S: Duration = Duration::from_secs(1);

fn chat(text: &str) -> ClientMsg {
    ClientMsg::Chat {
        text: ChatText::parse(text).unwrap(),
    }
}

/// How often client `c` was shown chat line `text` (live or in a welcome's history).
fn shown(w: &World, c: usize, text: &str) -> usize {
    w.clients[c]
        .outputs
        .iter()
        .map(|o| match o {
            Output::Message(ServerMsg::Chat { message }) => {
                usize::from(message.text.as_str() == text)
            }
            _ => 0,
        })
        .sum()
}

/// The last history of chat a welcome brought client `c`, if it has `text`.
fn in_history(w: &World, c: usize, text: &str) -> bool {
    w.clients[c].outputs.iter().rev().find_map(|o| match o {
        Output::Welcomed { welcome, .. } => {
            Some(welcome.chat.iter().any(|m| m.text.as_str() == text))
        }
        _ => None,
    }) == Some(true)
}

fn recorded(w: &World, text: &str) -> usize {
    w.records
        .iter()
        .filter(|e| matches!(e, Event::Chat { text: t, .. } if t.as_str() == text))
        .count()
}

/// (how many times client `c` was welcomed, of which rejoined, and how many times it lost a socket).
fn welcomes(w: &World, c: usize) -> (usize, usize, usize) {
    let outs = &w.clients[c].outputs;
    let welcomed = outs
        .iter()
        .filter(|o| matches!(o, Output::Welcomed { .. }))
        .count();
    let rejoined = outs
        .iter()
        .filter(|o| matches!(o, Output::Welcomed { rejoined: true, .. }))
        .count();
    let lost = outs
        .iter()
        .filter(|o| matches!(o, Output::Reconnecting))
        .count();
    (welcomed, rejoined, lost)
}

fn peer_left(w: &World, c: usize, peer: PeerId) -> bool {
    w.clients[c]
        .outputs
        .iter()
        .any(|o| matches!(o, Output::Message(ServerMsg::PeerLeft { peer: p, .. }) if *p == peer))
}

/// Two in the room, Ana (0) and Ben (1), everything settled.
fn two() -> World {
    let mut w = World::new();
    w.join("Ana");
    w.join("Ben");
    w.advance(S);
    assert_eq!(w.clients[0].session.place(), Place::Room);
    assert_eq!(w.clients[1].session.place(), Place::Room);
    w
}

#[test]
fn a_control_pressed_into_a_silently_dead_socket_arrives_once() {
    let mut w = two();
    let ana = w.clients[0].session.me();
    w.fault(0, Fault::Dead);
    w.send(0, chat("pressed while dead"));
    w.advance(60 * S);
    assert_eq!(recorded(&w, "pressed while dead"), 1, "done once");
    assert_eq!(shown(&w, 1, "pressed while dead"), 1, "Ben sees it once");
    assert_eq!(
        welcomes(&w, 0),
        (2, 1, 1),
        "Ana lost one socket and came back to her place"
    );
    assert_eq!(w.clients[0].session.me(), ana, "as herself");
    assert!(!peer_left(&w, 1, ana.unwrap()), "Ben never saw her leave");
}

#[test]
fn a_control_sent_into_a_deaf_socket_is_done_once_though_its_ack_was_lost() {
    let mut w = two();
    w.fault(0, Fault::Deaf);
    // The server does it and acknowledges it; the acknowledgement is lost,
    // so the session sends it again on the next socket.
    w.send(0, chat("heard, ack lost"));
    w.advance(60 * S);
    assert_eq!(recorded(&w, "heard, ack lost"), 1);
    assert_eq!(shown(&w, 1, "heard, ack lost"), 1);
    assert_eq!(welcomes(&w, 0), (2, 1, 1));
    assert!(
        in_history(&w, 0, "heard, ack lost"),
        "Ana gets her own line back with the welcome"
    );
}

#[test]
fn a_resume_within_the_grace_period_keeps_the_place_and_id() {
    for cut_for in [5u32, 30, 55] {
        let mut w = two();
        let ana = w.clients[0].session.me().unwrap();
        w.fault(0, Fault::Dead);
        w.advance(cut_for * S);
        assert_eq!(w.clients[0].session.me(), Some(ana), "cut {cut_for} s");
        w.advance(30 * S);
        let (welcomed, rejoined, _) = welcomes(&w, 0);
        assert_eq!(
            (welcomed, rejoined),
            (2, 1),
            "cut {cut_for} s: back once, as herself"
        );
        assert!(
            !peer_left(&w, 1, ana),
            "cut {cut_for} s: Ben never saw her leave"
        );
        assert_eq!(w.clients[0].session.place(), Place::Room);
    }
}

#[test]
fn a_welcome_lost_with_its_socket_is_a_fresh_join_and_nothing_is_done_twice() {
    let mut w = two();
    // Cid's first socket is deaf: the server welcomes it, Cid never hears.
    let cid = w.join_with("Cid", Fault::Deaf);
    w.send(cid, chat("before my welcome"));
    w.advance(90 * S);
    let (welcomed, rejoined, lost) = welcomes(&w, cid);
    assert_eq!((welcomed, rejoined), (1, 0), "welcomed once, as a newcomer");
    assert!(lost >= 1);
    assert_eq!(
        recorded(&w, "before my welcome"),
        1,
        "done once, by one of the two sessions"
    );
    assert_eq!(shown(&w, 0, "before my welcome"), 1);
    // The session that never heard its welcome leaves after the grace period.
    let joined: Vec<PeerId> = w
        .records
        .iter()
        .filter_map(|e| match e {
            Event::Joined { peer, name, .. } if name.as_str() == "Cid" => Some(*peer),
            _ => None,
        })
        .collect();
    assert_eq!(joined.len(), 2, "two sessions for Cid: {joined:?}");
    assert!(
        peer_left(&w, 0, joined[0]),
        "the first left at the end of its grace"
    );
    assert_eq!(w.clients[cid].session.me(), Some(joined[1]));
}

#[test]
fn a_page_frozen_briefly_keeps_its_socket() {
    let mut w = two();
    // Ana's page freezes for 14 s just as a ping leaves: the server heard
    // her, and its pong and Ben's line wait behind her late timer, 19 s
    // after she last heard anything.
    w.freeze_after_next_ping(0, 14 * S);
    w.advance(6 * S);
    w.send(1, chat("while Ana was frozen"));
    w.advance(30 * S);
    assert_eq!(welcomes(&w, 0), (1, 0, 0), "no socket given up");
    assert_eq!(shown(&w, 0, "while Ana was frozen"), 1);
}

#[test]
fn a_page_frozen_past_the_servers_patience_comes_back_as_itself() {
    let mut w = two();
    let ana = w.clients[0].session.me();
    w.freeze(0, 40 * S);
    w.send(1, chat("while Ana was away"));
    w.advance(60 * S);
    let (welcomed, rejoined, lost) = welcomes(&w, 0);
    assert_eq!(
        (welcomed, rejoined, lost),
        (2, 1, 1),
        "the server dropped her socket; she resumed"
    );
    assert_eq!(w.clients[0].session.me(), ana);
    assert!(
        in_history(&w, 0, "while Ana was away"),
        "what she missed comes with the welcome"
    );
}

#[test]
fn heartbeats_keep_a_quiet_socket_alive_for_an_hour() {
    let mut w = two();
    w.advance(3600 * S);
    assert_eq!(welcomes(&w, 0), (1, 0, 0));
    assert_eq!(welcomes(&w, 1), (1, 0, 0));
    assert!(w.clients[0].session.rtt_ms().is_some());
}
