//! The WebSocket shell: origin check, the upgrade, and one send task and one
//! receive task per socket (`receive.rs`, joining in `join.rs`), joined with
//! `select!`; the first to end stops the other.

mod join;
mod receive;

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use sala_protocol::{ErrorCode, ServerMsg, MAX_FRAME_BYTES};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, Instrument};

use crate::http::rate;
use crate::room::actor::{Outbound, OUTBOX};
use crate::room::ConnId;
use crate::AppState;
use receive::{Receiver, RecvEnd};

/// How long a fatal error's `Error` and close frame may take to go out.
const CLOSE_FLUSH: Duration = Duration::from_secs(5);

pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&state, &headers, &uri) {
        debug!(origin = ?headers.get(ORIGIN), "websocket origin refused");
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let conn = state.next_conn();
    // Bytes read at a time. The library's default read buffer is 128 KiB,
    // allocated for every socket and zero-filled before each read: most of
    // an idle participant's memory. Messages are small; a large one takes
    // more reads.
    const READ_BUFFER: usize = 512;
    ws.read_buffer_size(READ_BUFFER)
        .max_message_size(2 * MAX_FRAME_BYTES)
        .max_frame_size(2 * MAX_FRAME_BYTES)
        .on_upgrade(move |socket| {
            run(state, conn, socket).instrument(tracing::info_span!("ws", conn = conn.0))
        })
}

/// Browsers always send `Origin`; it must be our own or an allowed one.
/// Clients without `Origin` (not browsers) are let through.
fn origin_allowed(state: &AppState, headers: &HeaderMap, uri: &Uri) -> bool {
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let scheme = if state.tls() { "https" } else { "http" };
    host.is_some_and(|h| origin.eq_ignore_ascii_case(&format!("{scheme}://{h}")))
        || state
            .allowed_origins()
            .iter()
            .any(|a| a.eq_ignore_ascii_case(origin))
}

async fn run(state: AppState, conn: ConnId, socket: WebSocket) {
    let _open = state.socket_opened();
    debug!("socket opened");
    let (sink, stream) = socket.split();
    let (tx, rx) = mpsc::channel(OUTBOX);
    let (joined_tx, mut joined_rx) = oneshot::channel();
    let shutdown = state.shutdown_signal();
    let receiver = Receiver {
        conn,
        limit: rate::Limit::new(std::time::Instant::now()),
        weak: tx.downgrade(),
        tx: Some(tx),
        room: None,
        joined: Some(joined_tx),
        state,
    };
    let mut send_task = tokio::spawn(send_loop(sink, rx, shutdown).in_current_span());
    let mut recv_task = tokio::spawn(receiver.run(stream).in_current_span());
    tokio::select! {
        _ = &mut send_task => recv_task.abort(),
        end = &mut recv_task => match end {
            // Let the error and the close frame go out.
            Ok(RecvEnd::Fatal) => {
                if tokio::time::timeout(CLOSE_FLUSH, &mut send_task).await.is_err() {
                    send_task.abort();
                }
            }
            _ => send_task.abort(),
        },
    }
    if let Ok(room) = joined_rx.try_recv() {
        room.disconnected(conn).await;
    }
    debug!("socket closed");
}

async fn send_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: mpsc::Receiver<Outbound>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let out = tokio::select! {
            out = rx.recv() => out,
            _ = shutdown.wait_for(|stop| *stop) => Some(Outbound::Close(Some(ErrorCode::ShuttingDown))),
        };
        match out {
            Some(Outbound::Msg(msg)) => {
                if send_json(&mut sink, &msg).await.is_err() {
                    return;
                }
            }
            Some(Outbound::Close(error)) => {
                if let Some(error) = error {
                    let _ = send_json(&mut sink, &ServerMsg::Error { error }).await;
                }
                let frame = CloseFrame {
                    code: error.and_then(ErrorCode::close_code).unwrap_or(1000),
                    reason: error.map(|e| e.to_string()).unwrap_or_default().into(),
                };
                let _ = sink.send(Message::Close(Some(frame))).await;
                return;
            }
            // The room dropped this socket (it could not keep up).
            None => {
                let _ = sink.send(Message::Close(None)).await;
                return;
            }
        }
    }
}

async fn send_json(
    sink: &mut SplitSink<WebSocket, Message>,
    msg: &ServerMsg,
) -> Result<(), axum::Error> {
    let text = serde_json::to_string(msg).expect("server messages always serialize");
    sink.send(Message::Text(text.into())).await
}
