//! A light client: meetings made over plain HTTP/1.1, WebSockets with a
//! small read buffer (so that 20,000 of them fit in this process), opened
//! from a chosen loopback source address.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sala_protocol::{
    ClientMsg, CreateMeeting, DisplayName, Join, MediaState, MeetingCreated, MeetingId,
    MeetingKind, MeetingTitle, PeerId, ServerMsg, Welcome, PROTOCOL_VERSION,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::BoxError;

pub type Ws = WebSocketStream<TcpStream>;

/// How long a join may take before the bench counts it failed.
const JOIN_WAIT: Duration = Duration::from_secs(60);

/// Source addresses the clients spread over: 127.0.0.1 … 127.0.0.SOURCES.
pub const SOURCES: u8 = 16;

pub fn source(i: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, 1 + (i % SOURCES as usize) as u8)
}

/// `POST /api/meetings` on a fresh connection.
pub async fn create_meeting(server: SocketAddr) -> Result<MeetingId, BoxError> {
    let body = serde_json::to_string(&CreateMeeting {
        title: MeetingTitle::parse("Bench").map_err(|e| format!("{e:?}"))?,
        kind: MeetingKind::Meeting,
    })?;
    let mut tcp = TcpStream::connect(server).await?;
    let request = format!(
        "POST /api/meetings HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await?;
    let json = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .ok_or("no HTTP body")?;
    let created: MeetingCreated = serde_json::from_str(json)?;
    Ok(created.meeting.id)
}

/// A WebSocket to `server`'s `/ws` from `source`, with `TCP_NODELAY`.
pub async fn connect(server: SocketAddr, source: Ipv4Addr) -> Result<Ws, BoxError> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    let tcp = socket.connect(server).await?;
    tcp.set_nodelay(true)?;
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (ws, _) =
        tokio_tungstenite::client_async_with_config(format!("ws://{server}/ws"), tcp, Some(config))
            .await?;
    Ok(ws)
}

pub async fn send(ws: &mut Ws, msg: &ClientMsg) -> Result<(), BoxError> {
    ws.send(Message::text(serde_json::to_string(msg)?)).await?;
    Ok(())
}

/// The next server message, or `None` when the socket ended.
pub async fn recv(ws: &mut Ws) -> Result<Option<ServerMsg>, BoxError> {
    loop {
        match ws.next().await {
            None => return Ok(None),
            Some(Err(e)) => return Err(e.into()),
            Some(Ok(Message::Text(text))) => return Ok(Some(serde_json::from_str(text.as_str())?)),
            Some(Ok(Message::Close(_))) => return Ok(None),
            Some(Ok(_)) => continue,
        }
    }
}

/// Sends `Join` and waits for `Welcome`; returns our id and those present.
pub async fn join(
    ws: &mut Ws,
    meeting: &MeetingId,
    name: &str,
) -> Result<(PeerId, Vec<PeerId>), BoxError> {
    let join = ClientMsg::Join(Join {
        protocol: PROTOCOL_VERSION,
        meeting: meeting.clone(),
        name: DisplayName::parse(name).map_err(|e| format!("{e:?}"))?,
        media: MediaState::default(),
        host_key: None,
        resume: None,
        invite: None,
        holder: None,
    });
    send(ws, &join).await?;
    tokio::time::timeout(JOIN_WAIT, async {
        loop {
            match recv(ws).await? {
                Some(ServerMsg::Welcome(Welcome { you, peers, .. })) => {
                    return Ok((you.id, peers.into_iter().map(|p| p.id).collect()))
                }
                Some(ServerMsg::Error { error }) => {
                    return Err(format!("refused: {error:?}").into())
                }
                Some(_) => continue,
                None => return Err("closed before Welcome".into()),
            }
        }
    })
    .await
    .map_err(|_| "no Welcome in time")?
}
