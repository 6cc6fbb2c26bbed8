//! A WebSocket client of the test server: join, send, receive within a
//! bound, expect errors and close codes. Tests never sleep to synchronise.

#![allow(dead_code)] // each test binary uses its own share of these

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sala_protocol::{
    ClientMsg, DisplayName, ErrorCode, HostKey, Join, MediaState, MeetingId, PeerInfo, ResumeToken,
    ServerMsg, Welcome, PROTOCOL_VERSION,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Server;

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Bound on every wait for a message.
pub const WAIT: Duration = Duration::from_secs(5);

pub async fn connect(addr: SocketAddr) -> Ws {
    tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap()
        .0
}

pub fn join_msg(
    meeting: &MeetingId,
    name: &str,
    host_key: Option<HostKey>,
    resume: Option<ResumeToken>,
) -> ClientMsg {
    ClientMsg::Join(Join {
        protocol: PROTOCOL_VERSION,
        meeting: meeting.clone(),
        name: DisplayName::parse(name).unwrap(),
        media: MediaState::default(),
        host_key,
        resume,
        invite: None,
        holder: None,
    })
}

pub async fn send(ws: &mut Ws, msg: &ClientMsg) {
    ws.send(Message::text(serde_json::to_string(msg).unwrap()))
        .await
        .unwrap();
}

/// Next frame that is not a ping/pong, within [`WAIT`].
pub async fn frame(ws: &mut Ws) -> Message {
    loop {
        let next = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("timed out waiting for a frame");
        match next.expect("stream ended").expect("socket error") {
            Message::Ping(_) | Message::Pong(_) => continue,
            m => return m,
        }
    }
}

pub async fn recv(ws: &mut Ws) -> ServerMsg {
    match frame(ws).await {
        Message::Text(t) => serde_json::from_str(t.as_str()).unwrap(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// Expects `Error{error}`, then a close frame with its close code.
pub async fn expect_fatal(ws: &mut Ws, error: ErrorCode) {
    assert_eq!(recv(ws).await, ServerMsg::Error { error });
    expect_close(ws, error.close_code().unwrap()).await;
}

pub async fn expect_close(ws: &mut Ws, code: u16) {
    match frame(ws).await {
        Message::Close(Some(f)) => assert_eq!(u16::from(f.code), code),
        other => panic!("expected close {code}, got {other:?}"),
    }
}

pub struct Joined {
    pub ws: Ws,
    pub you: PeerInfo,
    pub peers: Vec<PeerInfo>,
    pub resume: ResumeToken,
    pub resumed: bool,
}

pub async fn join(
    s: &Server,
    name: &str,
    host_key: Option<HostKey>,
    resume: Option<ResumeToken>,
) -> Joined {
    let mut ws = connect(s.addr).await;
    send(&mut ws, &join_msg(&s.meeting, name, host_key, resume)).await;
    welcome(ws).await
}

pub async fn welcome(mut ws: Ws) -> Joined {
    match recv(&mut ws).await {
        ServerMsg::Welcome(Welcome {
            you,
            peers,
            resume,
            resumed,
            protocol,
            ..
        }) => {
            assert_eq!(protocol, PROTOCOL_VERSION);
            Joined {
                ws,
                you,
                peers,
                resume,
                resumed,
            }
        }
        other => panic!("expected Welcome, got {other:?}"),
    }
}

/// Pings and returns everything received before the matching Pong.
pub async fn ping(ws: &mut Ws, nonce: u32) -> Vec<ServerMsg> {
    send(
        ws,
        &ClientMsg::Ping {
            nonce,
            rtt_ms: None,
        },
    )
    .await;
    let mut before = Vec::new();
    loop {
        match recv(ws).await {
            ServerMsg::Pong { nonce: n } if n == nonce => return before,
            other => before.push(other),
        }
    }
}

/// Reads past whatever comes first until the close frame; its code.
pub async fn close_code_after_messages(ws: &mut Ws) -> u16 {
    loop {
        match frame(ws).await {
            Message::Close(Some(f)) => return u16::from(f.code),
            Message::Close(None) => return 1005,
            _ => continue,
        }
    }
}
