//! The signaling WebSocket: one task per socket, reporting into the engine's
//! event channel. Reconnecting is the engine's decision; [`backoff`] is its pacing.

use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::{future, SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message, WebSocketError};
use sala_protocol::{ClientMsg, ServerMsg, TagFirst};

/// What a socket reports. Nearly every event is a message: boxing it would
/// cost an allocation each, for a copy of a few hundred bytes saved.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum SocketEvent {
    Message(ServerMsg),
    /// The socket is gone; the close code when the server gave one.
    Closed(Option<u16>),
}

/// Sending half of one socket. Dropping it closes the socket.
pub struct Socket {
    tx: UnboundedSender<String>,
}

impl Socket {
    pub fn send(&self, msg: &ClientMsg) {
        match serde_json::to_string(msg) {
            Ok(text) => {
                // A closed socket reports `Closed` on its own; nothing to do here.
                let _closed = self.tx.unbounded_send(text);
            }
            // Not the message's Debug: it would link Debug for every protocol type.
            Err(err) => web_sys::console::error_1(
                &format!("cannot encode a client message ({})", category(&err)).into(),
            ),
        }
    }
}

/// Opens `url` and reports its events through `report` until it closes.
pub fn open(url: &str, report: impl Fn(SocketEvent) + 'static) -> Socket {
    let (tx, rx) = mpsc::unbounded();
    match WebSocket::open(url) {
        Ok(ws) => wasm_bindgen_futures::spawn_local(run(ws, rx, report)),
        Err(_) => report(SocketEvent::Closed(None)),
    }
    Socket { tx }
}

async fn run(ws: WebSocket, mut outgoing: UnboundedReceiver<String>, report: impl Fn(SocketEvent)) {
    let (mut write, mut read) = ws.split();
    let writer = async move {
        while let Some(text) = outgoing.next().await {
            if write.send(Message::Text(text)).await.is_err() {
                break;
            }
        }
        None
    };
    let reader = async {
        while let Some(frame) = read.next().await {
            match frame {
                // One pass, tag first: see `sala_protocol::TagFirst` for why.
                Ok(Message::Text(text)) => match serde_json::from_str::<TagFirst<ServerMsg>>(&text)
                {
                    Ok(TagFirst(msg)) => report(SocketEvent::Message(msg)),
                    Err(err) => web_sys::console::warn_1(
                        &format!(
                            "unreadable server message ({} at column {})",
                            category(&err),
                            err.column()
                        )
                        .into(),
                    ),
                },
                Ok(Message::Bytes(_)) => {}
                Err(WebSocketError::ConnectionClose(ev)) => return Some(ev.code),
                Err(_) => {}
            }
        }
        None
    };
    let code = future::select(Box::pin(writer), Box::pin(reader))
        .await
        .factor_first()
        .0;
    report(SocketEvent::Closed(code));
}

/// What kind of JSON error, without serde_json's `Display` (which costs the
/// client kilobytes of message text for a line nobody but a developer reads).
fn category(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    }
}
