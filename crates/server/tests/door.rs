//! Refusals at a meeting's door before any invitation is read (issue #11):
//! a host key that is not the meeting's and a join that does not parse are
//! refused, closed and recorded — within a bound, so that knocking with
//! forged keys all day cannot fill the record.

use sala_protocol::{DisplayName, ErrorCode, HostKey};
use sala_record::{DoorRefusal, Event};
use sala_server::http::rate::REFUSALS_BURST;
use tokio_tungstenite::tungstenite::Message;

mod support;

use futures_util::SinkExt;
use support::client::*;
use support::{server, Server};

/// The door refusals in the meeting's record.
async fn door_refusals(s: &Server) -> Vec<(Option<DisplayName>, DoorRefusal)> {
    let rows = s.state.db().record_rows(s.meeting.clone()).await.unwrap();
    rows.iter()
        .filter_map(|r| match serde_json::from_str(&r.entry.event).unwrap() {
            Event::DoorRefused { name, reason } => Some((name, reason)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_wrong_host_key_and_a_malformed_join_are_refused_closed_and_recorded() {
    let s = server().await;
    let forged = HostKey::from_random([77; 16]);
    let mut ws = connect(s.addr).await;
    send(
        &mut ws,
        &join_msg(&s.meeting, "Impostor", Some(forged), None),
    )
    .await;
    expect_fatal(&mut ws, ErrorCode::BadHostKey).await;

    // A join whose invitation token is not one: closed, not left open.
    let mut ws = connect(s.addr).await;
    let text = format!(
        r#"{{"type":"join","protocol":{},"meeting":"{}","name":"Forger","media":{{"mic":false,"camera":false}},"invite":"not a token"}}"#,
        sala_protocol::PROTOCOL_VERSION,
        s.meeting
    );
    ws.send(Message::text(text)).await.unwrap();
    assert_eq!(
        recv(&mut ws).await,
        sala_protocol::ServerMsg::Error {
            error: ErrorCode::Malformed
        }
    );
    assert!(matches!(frame(&mut ws).await, Message::Close(_)));

    let name = |n: &str| Some(DisplayName::parse(n).unwrap());
    assert_eq!(
        door_refusals(&s).await,
        vec![
            (name("Impostor"), DoorRefusal::WrongHostKey),
            (name("Forger"), DoorRefusal::Malformed),
        ]
    );
}

#[tokio::test]
async fn knocking_with_forged_keys_all_day_does_not_fill_the_record() {
    let s = server().await;
    for i in 0..(REFUSALS_BURST as u8 + 20) {
        let mut ws = connect(s.addr).await;
        let forged = HostKey::from_random([i; 16]);
        send(
            &mut ws,
            &join_msg(&s.meeting, "Impostor", Some(forged), None),
        )
        .await;
        expect_fatal(&mut ws, ErrorCode::BadHostKey).await;
    }
    let recorded = door_refusals(&s).await.len();
    assert!(
        recorded <= REFUSALS_BURST as usize + 1,
        "{recorded} refusals recorded"
    );
    assert!(
        recorded >= REFUSALS_BURST as usize,
        "{recorded} refusals recorded"
    );
}
