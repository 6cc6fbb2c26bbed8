//! The WebSocket shell: origin check, the upgrade (`upgrade.rs`), and one
//! send task and one receive task per socket (`receive.rs`, joining in
//! `join.rs`; the two halves of the connection in `halves.rs`); the first
//! to end stops the other.

mod halves;
mod join;
mod receive;
mod upgrade;

use std::future::Future;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sala_protocol::{ErrorCode, ServerMsg, MAX_FRAME_BYTES};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tracing::{debug, Instrument};

use crate::http::rate;
use crate::room::actor::{outbox, Outbound, OutboxRx, OutboxTx};
use crate::room::ConnId;
use crate::AppState;
use halves::{Reader, Writer};
use receive::{Receiver, RecvEnd};
use upgrade::Upgrade;

/// How long a closing socket's last frames (a refusal's `Error`, the close) may take to go out.
const CLOSE_FLUSH: Duration = Duration::from_secs(5);

pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    ws: Upgrade,
) -> Response {
    if !origin_allowed(&state, &headers, &uri) {
        debug!(origin = ?headers.get(ORIGIN), "websocket origin refused");
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let conn = state.next_conn();
    // Bytes read at a time. tungstenite's default read buffer is 128 KiB,
    // allocated for every socket and zero-filled before each read: most of
    // an idle participant's memory. Messages are small; a large one takes
    // more reads.
    const READ_BUFFER: usize = 512;
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        // What tungstenite writes (its own answers, dropped: `halves.rs`)
        // goes out at once rather than waiting in a buffer.
        .write_buffer_size(0)
        .max_message_size(Some(2 * MAX_FRAME_BYTES))
        .max_frame_size(Some(2 * MAX_FRAME_BYTES));
    ws.on_upgrade(move |io| {
        // At debug level: a span at the default level is kept in the
        // subscriber's registry for the socket's whole life.
        // The send task, spawned in `start`, takes it up too.
        let span = tracing::debug_span!("ws", conn = conn.0);
        let (reader, writer) = halves::split(io, config);
        span.in_scope(|| start(state, conn, reader, writer))
            .instrument(span)
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

/// The socket's life. The task axum started for the upgrade becomes the
/// receive side; the send side is a task of its own, so that a room slow
/// to take a message never holds up what goes out. Whichever ends first
/// ends the other.
///
/// Every idle participant is these two tasks, so their futures are kept
/// small: the connection is split before this, outside any future (an
/// async fn keeps its arguments for its whole life), and what happens
/// rarely is boxed (`receive.rs`).
fn start(
    state: AppState,
    conn: ConnId,
    reader: Reader,
    writer: Writer,
) -> impl Future<Output = ()> {
    let (tx, rx) = outbox();
    let send_task = tokio::spawn(send_loop(writer, rx, state.shutdown_signal()).in_current_span());
    receive_side(state, conn, tx, reader, send_task)
}

/// (The receiver is made here, not passed in: an argument is kept beside
/// what the body makes of it.)
async fn receive_side(
    state: AppState,
    conn: ConnId,
    tx: OutboxTx,
    reader: Reader,
    mut send_task: JoinHandle<()>,
) {
    let mut receiver = Receiver {
        conn,
        limit: rate::Limit::new(std::time::Instant::now()),
        weak: tx.downgrade(),
        tx: Some(tx),
        room: None,
        state,
    };
    let _open = receiver.state.socket_opened();
    debug!("socket opened");
    let end = tokio::select! {
        _ = &mut send_task => None,
        end = receiver.run(reader) => Some(end),
    };
    match end {
        // Let what is queued and the close frame go out.
        Some(RecvEnd::Closing) => {
            let flushed = tokio::time::timeout(CLOSE_FLUSH, &mut send_task).await;
            if flushed.is_err() {
                send_task.abort();
            }
        }
        Some(RecvEnd::Gone) => send_task.abort(),
        None => {}
    }
    if let Some((_, room)) = receiver.room.take() {
        Box::pin(room.disconnected(conn)).await;
    }
    debug!("socket closed");
}

/// Not an `async fn`: its body would keep a second copy of each argument,
/// which made every socket's send task a 640-byte allocation, not 512.
#[allow(clippy::manual_async_fn)]
fn send_loop(
    mut writer: Writer,
    rx: OutboxRx,
    mut shutdown: watch::Receiver<bool>,
) -> impl Future<Output = ()> {
    async move {
        loop {
            let out = tokio::select! {
                out = rx.recv_async() => out.ok(),
                _ = shutdown.wait_for(|stop| *stop) => Some(Outbound::Close(Some(ErrorCode::ShuttingDown))),
            };
            match out {
                Some(Outbound::Msg(msg)) => {
                    if writer.send(halves::text(&msg)).await.is_err() {
                        return;
                    }
                }
                Some(Outbound::Pong(payload)) => {
                    if writer.send(halves::pong(payload)).await.is_err() {
                        return;
                    }
                }
                Some(Outbound::Close(error)) => {
                    if let Some(error) = error {
                        // Made before the await: a temporary would be kept
                        // across it, in every socket's future.
                        let text = halves::text(&ServerMsg::Error { error });
                        let _ = writer.send(text).await;
                    }
                    let code = error.and_then(ErrorCode::close_code).unwrap_or(1000);
                    let reason = error.map(|e| e.to_string()).unwrap_or_default();
                    let _ = writer.send(halves::close(Some((code, &reason)))).await;
                    return;
                }
                // The room dropped this socket (it could not keep up).
                None => {
                    let _ = writer.send(halves::close(None)).await;
                    return;
                }
            }
        }
    }
}
