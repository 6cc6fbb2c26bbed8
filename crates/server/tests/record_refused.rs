//! A record that refuses an entry fails the action (issue #11): the sender
//! is not acknowledged, nobody hears of it, and the room stops rather than
//! go on in a state the record does not show.

use sala_protocol::{ChatText, ClientMsg, ErrorCode, ServerMsg, Welcome};

mod support;

use support::client::*;
use support::server;

#[tokio::test]
async fn a_refused_record_entry_is_neither_acknowledged_nor_announced() {
    let s = server().await;
    let mut host = join(&s, "Judge", Some(s.host_key.clone()), None).await;
    let mut guest = join(&s, "Counsel", None, None).await;
    assert!(matches!(
        recv(&mut host.ws).await,
        ServerMsg::PeerJoined { .. }
    ));

    // The disk refuses what a chat message writes to the record.
    let db = rusqlite::Connection::open(s.dir.path().join(sala_server::db::DB_FILE)).unwrap();
    db.execute_batch(
        r#"CREATE TRIGGER refuse_chat BEFORE INSERT ON record
           WHEN NEW.event LIKE '%"type":"chat"%'
           BEGIN SELECT RAISE(ABORT, 'the disk refused'); END;"#,
    )
    .unwrap();
    let chat = ClientMsg::Reliable {
        seq: 1,
        msg: Box::new(ClientMsg::Chat {
            text: ChatText::parse("Objection").unwrap(),
        }),
    };
    send(&mut guest.ws, &chat).await;
    // No Ack, no Chat: the room stops, and says why.
    expect_fatal(&mut guest.ws, ErrorCode::RecordUnavailable).await;
    expect_fatal(&mut host.ws, ErrorCode::RecordUnavailable).await;

    // The disk is back: a room started again has no trace of the message.
    db.execute_batch("DROP TRIGGER refuse_chat").unwrap();
    let mut again = connect(s.addr).await;
    send(
        &mut again,
        &join_msg(&s.meeting, "Counsel", None, Some(guest.resume.clone())),
    )
    .await;
    let welcome = loop {
        match recv(&mut again).await {
            ServerMsg::Error {
                error: ErrorCode::ResumeExpired,
            } => continue,
            other => break other,
        }
    };
    let ServerMsg::Welcome(Welcome { chat, .. }) = welcome else {
        panic!("expected a Welcome, got {welcome:?}");
    };
    assert!(
        chat.is_empty(),
        "the refused message was never said: {chat:?}"
    );
}
