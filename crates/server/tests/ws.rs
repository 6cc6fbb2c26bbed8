//! A real server on 127.0.0.1:0 driven by tokio-tungstenite clients.

use std::time::Duration;

use futures_util::SinkExt;
use sala_protocol::{
    ClientMsg, ErrorCode, Generation, HostKey, LeaveReason, MediaState, MeetingId, PeerId, Role,
    SdpType, ServerMsg, Signal, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

mod support;

use support::client::*;
use support::server;

fn offer(sdp: &str) -> Signal {
    Signal::Description {
        generation: Generation(0),
        sdp_type: SdpType::Offer,
        sdp: sdp.into(),
    }
}

#[tokio::test]
async fn two_peers_full_session() {
    let s = server().await;
    let mut a = join(&s, "Ana", Some(s.host_key.clone()), None).await;
    assert_eq!(a.you.role, Role::Host);
    assert!(a.peers.is_empty());
    assert!(!a.resumed);

    let mut b = join(&s, "Bo", None, None).await;
    assert_eq!(b.you.role, Role::Participant);
    assert!(b.you.id > a.you.id, "ids increase in join order");
    assert_eq!(b.peers, vec![a.you.clone()]);
    assert_eq!(
        recv(&mut a.ws).await,
        ServerMsg::PeerJoined {
            peer: b.you.clone()
        }
    );

    send(
        &mut b.ws,
        &ClientMsg::Signal {
            to: a.you.id,
            signal: offer("from b"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut a.ws).await,
        ServerMsg::Signal {
            from: b.you.id,
            signal: offer("from b")
        }
    );
    send(
        &mut a.ws,
        &ClientMsg::Signal {
            to: b.you.id,
            signal: offer("from a"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut b.ws).await,
        ServerMsg::Signal {
            from: a.you.id,
            signal: offer("from a")
        }
    );

    send(
        &mut b.ws,
        &ClientMsg::Signal {
            to: PeerId(999),
            signal: offer("x"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut b.ws).await,
        ServerMsg::Error {
            error: ErrorCode::UnknownPeer
        }
    );

    let media = MediaState {
        mic: true,
        camera: false,
        ..MediaState::default()
    };
    send(
        &mut b.ws,
        &ClientMsg::Media {
            media: media.clone(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut a.ws).await,
        ServerMsg::PeerMedia {
            peer: b.you.id,
            media
        }
    );

    assert!(ping(&mut b.ws, 42).await.is_empty());

    send(&mut b.ws, &ClientMsg::Leave).await;
    expect_close(&mut b.ws, 1000).await;
    assert_eq!(
        recv(&mut a.ws).await,
        ServerMsg::PeerLeft {
            peer: b.you.id,
            reason: LeaveReason::Left
        }
    );

    // Participation is persisted, in order.
    let want = vec![
        (a.you.id.0, "joined".to_owned()),
        (b.you.id.0, "joined".into()),
        (b.you.id.0, "left".into()),
    ];
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got = s.state.db().participation(s.meeting.clone()).await.unwrap();
        if got == want {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "participation rows: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Each bad input against a fresh socket, while a joined bystander stays unharmed.
#[tokio::test]
async fn bad_inputs_never_harm_the_bystander() {
    let s = server().await;
    let mut bystander = join(&s, "Bystander", None, None).await;
    let unknown = MeetingId::from_random([0x42; 16]);

    // Malformed JSON: an error, and the connection still works (join after it).
    let mut c = connect(s.addr).await;
    c.send(Message::text("{not json")).await.unwrap();
    assert_eq!(
        recv(&mut c).await,
        ServerMsg::Error {
            error: ErrorCode::Malformed
        }
    );
    // A join that does not parse (a malformed key or token) is refused
    // and closed (recorded when its meeting exists: tests/door.rs).
    c.send(Message::text(r#"{"type":"join","protocol":1}"#))
        .await
        .unwrap();
    assert_eq!(
        recv(&mut c).await,
        ServerMsg::Error {
            error: ErrorCode::Malformed
        }
    );
    assert!(matches!(frame(&mut c).await, Message::Close(_)));
    let mut c = connect(s.addr).await;
    // Binary frames are malformed too, not fatal.
    c.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(
        recv(&mut c).await,
        ServerMsg::Error {
            error: ErrorCode::Malformed
        }
    );
    // First message not a Join.
    send(
        &mut c,
        &ClientMsg::Ping {
            nonce: 1,
            rtt_ms: None,
        },
    )
    .await;
    assert_eq!(
        recv(&mut c).await,
        ServerMsg::Error {
            error: ErrorCode::NotJoined
        }
    );
    send(&mut c, &join_msg(&s.meeting, "Late", None, None)).await;
    let mut c = welcome(c).await;
    // After joining, malformed input is still non-fatal.
    c.ws.send(Message::text("[]")).await.unwrap();
    assert_eq!(
        recv(&mut c.ws).await,
        ServerMsg::Error {
            error: ErrorCode::Malformed
        }
    );
    assert!(ping(&mut c.ws, 2).await.is_empty());
    assert_eq!(
        ping(&mut bystander.ws, 1).await,
        vec![ServerMsg::PeerJoined {
            peer: c.you.clone()
        }]
    );

    // Oversized frame: TooLarge then close 1009.
    let big = format!(
        r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#,
        "x".repeat(MAX_FRAME_BYTES)
    );
    c.ws.send(Message::text(big)).await.unwrap();
    expect_fatal(
        &mut c.ws,
        ErrorCode::TooLarge {
            limit: MAX_FRAME_BYTES,
        },
    )
    .await;
    assert!(
        ping(&mut bystander.ws, 2).await.is_empty(),
        "a dropped peer stays listed during its grace"
    );

    // Unknown meeting: close 4404.
    let mut c = connect(s.addr).await;
    send(&mut c, &join_msg(&unknown, "Lost", None, None)).await;
    expect_fatal(&mut c, ErrorCode::UnknownMeeting).await;
    assert!(ping(&mut bystander.ws, 3).await.is_empty());

    // Wrong protocol: close 4426.
    let mut c = connect(s.addr).await;
    let mut join = serde_json::to_value(join_msg(&s.meeting, "Old", None, None)).unwrap();
    join["protocol"] = 999.into();
    c.send(Message::text(join.to_string())).await.unwrap();
    expect_fatal(
        &mut c,
        ErrorCode::UnsupportedProtocol {
            client: 999,
            server: PROTOCOL_VERSION,
        },
    )
    .await;
    assert!(ping(&mut bystander.ws, 4).await.is_empty());

    // Wrong host key: close 4403.
    let mut c = connect(s.addr).await;
    send(
        &mut c,
        &join_msg(
            &s.meeting,
            "Impostor",
            Some(HostKey::from_random([9; 16])),
            None,
        ),
    )
    .await;
    expect_fatal(&mut c, ErrorCode::BadHostKey).await;
    assert!(ping(&mut bystander.ws, 5).await.is_empty());

    // Foreign Origin: HTTP 403 before any upgrade.
    let mut req = format!("ws://{}/ws", s.addr).into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Err(tungstenite::Error::Http(res)) => assert_eq!(res.status(), 403),
        other => panic!("expected 403, got {other:?}"),
    }
    // Our own origin is fine.
    let mut req = format!("ws://{}/ws", s.addr).into_client_request().unwrap();
    req.headers_mut()
        .insert("origin", format!("http://{}", s.addr).parse().unwrap());
    let (mut own, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    send(
        &mut own,
        &ClientMsg::Ping {
            nonce: 1,
            rtt_ms: None,
        },
    )
    .await;
    assert_eq!(
        recv(&mut own).await,
        ServerMsg::Error {
            error: ErrorCode::NotJoined
        }
    );
    assert!(ping(&mut bystander.ws, 6).await.is_empty());
}

#[tokio::test]
async fn dropped_socket_resumes_with_the_same_id() {
    let s = server().await;
    let mut a = join(&s, "Ana", None, None).await;
    let b = join(&s, "Bo", None, None).await;
    assert_eq!(
        recv(&mut a.ws).await,
        ServerMsg::PeerJoined {
            peer: b.you.clone()
        }
    );

    let (id, token) = (b.you.id, b.resume.clone());
    drop(b); // TCP gone without Leave.
    let b2 = join(&s, "Bo", None, Some(token.clone())).await;
    assert!(b2.resumed);
    assert_eq!(b2.you.id, id);
    assert_eq!(b2.peers, vec![a.you.clone()]);
    assert_ne!(b2.resume, token, "a fresh token with each Welcome");

    // The other side saw neither a PeerLeft nor a PeerJoined, only that Bo's
    // socket was replaced (so it can re-send an offer that may have been lost).
    assert_eq!(
        ping(&mut a.ws, 7).await,
        vec![ServerMsg::PeerResumed { peer: id }]
    );
    let mut b2 = b2;
    send(
        &mut a.ws,
        &ClientMsg::Signal {
            to: id,
            signal: offer("again"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut b2.ws).await,
        ServerMsg::Signal {
            from: a.you.id,
            signal: offer("again")
        }
    );

    // Coming back with the new token spends the first one: a join with it
    // is then a fresh join. (Until then the first one still resumes, in case
    // the Welcome with the new one was lost with its socket.)
    let fresh = b2.resume.clone();
    drop(b2);
    let b3 = join(&s, "Bo", None, Some(fresh)).await;
    assert!(b3.resumed);
    let mut c = connect(s.addr).await;
    send(&mut c, &join_msg(&s.meeting, "Bo", None, Some(token))).await;
    assert_eq!(
        recv(&mut c).await,
        ServerMsg::Error {
            error: ErrorCode::ResumeExpired
        }
    );
    let c = welcome(c).await;
    assert!(!c.resumed);
    assert!(c.you.id > id);
}

#[tokio::test]
async fn resume_replaces_a_still_attached_socket() {
    let s = server().await;
    let mut old = join(&s, "Ana", None, None).await;
    let new = join(&s, "Ana", None, Some(old.resume.clone())).await;
    assert!(new.resumed);
    assert_eq!(new.you.id, old.you.id);
    expect_fatal(&mut old.ws, ErrorCode::SessionReplaced).await;
}

#[tokio::test]
async fn shutdown_closes_sockets_with_going_away() {
    let s = server().await;
    let mut a = join(&s, "Ana", None, None).await;
    s.state.shutdown();
    expect_fatal(&mut a.ws, ErrorCode::ShuttingDown).await;
    tokio::time::timeout(WAIT, s.state.sockets_closed())
        .await
        .expect("sockets closed");
}

/// Counts the server's `answer`s until its `RateLimited` error and the
/// close that follows; anything else fails the test.
async fn answers_until_rate_limited(ws: &mut Ws, answer: impl Fn(&ServerMsg) -> bool) -> usize {
    let mut answers = 0;
    loop {
        match frame(ws).await {
            Message::Text(t) => match serde_json::from_str(t.as_str()).unwrap() {
                ServerMsg::Error {
                    error: ErrorCode::RateLimited,
                } => break,
                msg if answer(&msg) => answers += 1,
                other => panic!("unexpected {other:?}"),
            },
            other => panic!("expected text, got {other:?}"),
        }
    }
    expect_close(ws, 4408).await;
    answers
}

#[tokio::test]
async fn a_flood_of_bytes_in_few_frames_is_cut_off_with_rate_limited() {
    let s = server().await;
    let mut ws = join(&s, "Bulk", None, None).await.ws;
    // Each frame is under the frame limit and far under the message count:
    // only the byte budget stops them. 17 frames of 60 KB fit in the 1 MiB
    // burst; the 18th, 65 KB, needs more than a quarter second's refill.
    // Nothing is sent after it: data the server leaves unread when it
    // closes would reset the connection before its close frame is read.
    let fits = (sala_server::http::rate::BYTES_BURST / 60_000.0) as usize;
    assert_eq!(fits, 17);
    for _ in 0..fits {
        ws.feed(Message::text("x".repeat(60_000))).await.unwrap();
    }
    ws.feed(Message::text("x".repeat(65_000))).await.unwrap();
    ws.flush().await.unwrap();
    let malformed = answers_until_rate_limited(&mut ws, |msg| {
        matches!(
            msg,
            ServerMsg::Error {
                error: ErrorCode::Malformed
            }
        )
    })
    .await;
    assert_eq!(malformed, fits, "every frame within the budget is answered");
}

#[tokio::test]
async fn a_flood_of_messages_is_cut_off_with_rate_limited() {
    let s = server().await;
    let mut ws = join(&s, "Flood", None, None).await.ws;
    let ping = Message::text(
        serde_json::to_string(&ClientMsg::Ping {
            nonce: 1,
            rtt_ms: None,
        })
        .unwrap(),
    );
    // Far more than the bucket holds, faster than it refills.
    for _ in 0..(sala_server::http::rate::BURST as usize + 100) {
        if ws.feed(ping.clone()).await.is_err() {
            break;
        }
    }
    let _ = ws.flush().await;
    let pongs =
        answers_until_rate_limited(&mut ws, |msg| matches!(msg, ServerMsg::Pong { .. })).await;
    // Every ping let through is answered before the cut (the room closes
    // the socket after what it still had to send): the burst less the
    // `Join`, and what refilled while the flood was read.
    let burst = sala_server::http::rate::BURST as usize;
    assert!(
        (burst - 1..burst + 100).contains(&pongs),
        "{pongs} pings answered before the cut"
    );
}

/// The control frames a client may send: its `Ping` comes back as a `Pong`
/// with the same payload, and its close is answered with a close before
/// the socket ends (RFC 6455 §5.5). The send side writes both: the read
/// side's own answers never reach the wire (`http/ws/halves.rs`).
#[tokio::test]
async fn a_clients_ping_and_close_are_answered() {
    let s = server().await;
    let mut a = join(&s, "Ana", None, None).await;
    a.ws.send(Message::Ping(vec![1, 2, 3].into()))
        .await
        .unwrap();
    match next_in_time(&mut a.ws).await {
        Some(Ok(Message::Pong(payload))) => assert_eq!(payload[..], [1, 2, 3]),
        other => panic!("expected the pong, got {other:?}"),
    }
    a.ws.close(None).await.unwrap();
    match next_in_time(&mut a.ws).await {
        Some(Ok(Message::Close(_))) => {}
        other => panic!("expected the answering close, got {other:?}"),
    }
    match next_in_time(&mut a.ws).await {
        None | Some(Err(tungstenite::Error::ConnectionClosed)) => {}
        other => panic!("expected the end, got {other:?}"),
    }
}

async fn next_in_time(ws: &mut Ws) -> Option<Result<Message, tungstenite::Error>> {
    use futures_util::StreamExt;
    tokio::time::timeout(WAIT, ws.next())
        .await
        .expect("a frame in time")
}
