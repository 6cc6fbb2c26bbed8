//! The WebSocket shell: origin check, frame limits, parsing, the first `Join`,
//! then plain forwarding to the room. One send task and one receive task per
//! socket, joined with `select!`; the first to end stops the other.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use sala_protocol::{
    ClientMsg, DisplayName, ErrorCode, HolderKey, HostKey, InviteToken, MeetingId, ServerMsg,
    HEARTBEAT_TIMEOUT_SECS, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use sala_record::Event;
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, error, Instrument};

use crate::db::{now_ms, DbError};
use crate::http::{door, rate};
use crate::invite;
use crate::room::actor::{JoinRequest, Outbound, RoomHandle, OUTBOX};
use crate::room::registry::JoinError;
use crate::room::{ConnId, Holder, Invited};
use crate::AppState;

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
    // more reads. Below 2 KiB a flood of pings is read slowly enough that
    // the rate limit's `Error` overtakes answers still in the room.
    const READ_BUFFER: usize = 2048;
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

enum RecvEnd {
    /// The socket closed, failed or went silent.
    Gone,
    /// We refused the client; an `Error` and a close frame are queued.
    Fatal,
}

struct Receiver {
    state: AppState,
    conn: ConnId,
    /// This connection's message and byte rate limits.
    limit: rate::Limit,
    /// Strong sender until the room holds one; then only `weak`, so that the
    /// room dropping its sender ends the socket.
    tx: Option<mpsc::Sender<Outbound>>,
    weak: mpsc::WeakSender<Outbound>,
    room: Option<(MeetingId, RoomHandle)>,
    joined: Option<oneshot::Sender<RoomHandle>>,
}

impl Receiver {
    async fn run(mut self, mut stream: SplitStream<WebSocket>) -> RecvEnd {
        let silence = Duration::from_secs(HEARTBEAT_TIMEOUT_SECS);
        loop {
            let frame = match tokio::time::timeout(silence, stream.next()).await {
                Err(_) => {
                    debug!("socket silent for too long");
                    return RecvEnd::Gone;
                }
                Ok(None) | Ok(Some(Err(_))) => return RecvEnd::Gone,
                Ok(Some(Ok(frame))) => frame,
            };
            let len = match &frame {
                Message::Text(text) => Some(text.len()),
                Message::Binary(bytes) => Some(bytes.len()),
                Message::Ping(_) | Message::Pong(_) | Message::Close(_) => None,
            };
            if let Some(len) = len {
                if !self.limit.take(std::time::Instant::now(), len) {
                    return self.fail(ErrorCode::RateLimited).await;
                }
            }
            let text = match frame {
                Message::Text(text) => text,
                Message::Binary(_) => {
                    self.reply(ErrorCode::Malformed).await;
                    continue;
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Close(_) => return RecvEnd::Gone,
            };
            if text.len() > MAX_FRAME_BYTES {
                return self
                    .fail(ErrorCode::TooLarge {
                        limit: MAX_FRAME_BYTES,
                    })
                    .await;
            }
            let Ok(msg) = serde_json::from_str::<ClientMsg>(text.as_str()) else {
                if let Some(join) = self.room.is_none().then(|| door::as_join(&text)).flatten() {
                    return self.malformed_join(join).await;
                }
                self.reply(ErrorCode::Malformed).await;
                continue;
            };
            if let Some((meeting, room)) = &self.room {
                let (seq, msg) = match msg {
                    ClientMsg::Reliable { seq, msg } => (Some(seq), *msg),
                    msg => (None, msg),
                };
                let sent = match msg {
                    // The room machine does no IO: find the deck here first.
                    ClientMsg::Present { deck, page } => {
                        match self
                            .state
                            .db()
                            .deck_pages(meeting.clone(), deck.clone())
                            .await
                        {
                            Ok(Some(pages)) => {
                                room.present(self.conn, seq, deck, pages, page).await
                            }
                            // The room answers `UnknownDeck` (and acknowledges a numbered one).
                            Ok(None) => {
                                room.message(self.conn, seq, ClientMsg::Present { deck, page })
                                    .await
                            }
                            Err(e) => {
                                error!(meeting = %meeting, error = %e, "could not look up deck");
                                room.message(self.conn, seq, ClientMsg::Present { deck, page })
                                    .await
                            }
                        }
                    }
                    msg => room.message(self.conn, seq, msg).await,
                };
                if sent.is_err() {
                    return RecvEnd::Gone;
                }
                continue;
            }
            let ClientMsg::Join {
                protocol,
                meeting,
                name,
                media,
                host_key,
                resume,
                invite,
                holder,
            } = msg
            else {
                self.reply(ErrorCode::NotJoined).await;
                continue;
            };
            if protocol != PROTOCOL_VERSION {
                return self
                    .fail(ErrorCode::UnsupportedProtocol {
                        client: protocol,
                        server: PROTOCOL_VERSION,
                    })
                    .await;
            }
            let browser = holder.as_ref().map(Holder::of);
            if let Some(key) = &host_key {
                if let Err(end) = self.check_host_key(&meeting, &name, key).await {
                    return end;
                }
            }
            let invited = match invite {
                None => None,
                Some(token) => match self.admit(&meeting, &name, &token, holder).await {
                    Ok(invited) => Some(invited),
                    Err(end) => return end,
                },
            };
            let Some(tx) = self.tx.clone() else {
                return RecvEnd::Gone;
            };
            let req = JoinRequest {
                conn: self.conn,
                tx,
                name,
                media,
                host_key,
                resume,
                invited,
                holder: browser,
            };
            match self.state.rooms().join(meeting.clone(), req).await {
                Ok(room) => {
                    debug!(meeting = %meeting, "join handed to room");
                    self.tx = None;
                    self.room = Some((meeting.clone(), room.clone()));
                    if let Some(joined) = self.joined.take() {
                        let _ = joined.send(room);
                    }
                }
                Err(JoinError::UnknownMeeting) => {
                    return self.fail(ErrorCode::UnknownMeeting).await
                }
                Err(JoinError::Db(e)) => {
                    error!(meeting = %meeting, error = %e, "could not look up meeting");
                    return RecvEnd::Gone;
                }
            }
        }
    }

    /// Checks an invitation: its signature and times, then what the
    /// database knows. A refusal is recorded in the meeting's record, then
    /// sent. An unknown meeting gets the same answer as without an
    /// invitation.
    async fn admit(
        &self,
        meeting: &MeetingId,
        name: &DisplayName,
        token: &InviteToken,
        holder: Option<HolderKey>,
    ) -> Result<Invited, RecvEnd> {
        let db = self.state.db();
        let now = now_ms();
        let failed = |e: DbError| {
            error!(meeting = %meeting, error = %e, "could not check an invitation");
            RecvEnd::Gone
        };
        if db.meeting(meeting.clone()).await.map_err(failed)?.is_none() {
            return Err(self.fail(ErrorCode::UnknownMeeting).await);
        }
        let checked = invite::check(self.state.secret(), token, meeting, now);
        let invite = match &checked {
            Ok(claims) => Some(claims.invite.clone()),
            Err(_) => None,
        };
        let verdict = match checked {
            Ok(claims) => {
                let role = claims.role;
                let id = claims.invite.clone();
                db.admit_invite(claims, holder, now)
                    .await
                    .map_err(failed)?
                    .map(|()| Invited { invite: id, role })
            }
            Err(reason) => Err(reason),
        };
        match verdict {
            Ok(invited) => Ok(invited),
            Err(reason) => {
                let refused = Event::JoinRefused {
                    name: name.clone(),
                    invite,
                    reason,
                };
                self.state
                    .record_refusal(meeting, refused)
                    .await
                    .map_err(failed)?;
                tracing::info!(meeting = %meeting, reason = reason.as_str(), "invitation refused");
                Err(self.fail(ErrorCode::InviteRefused { reason }).await)
            }
        }
    }

    /// A host key that is not the meeting's, or an unknown meeting: refused
    /// and closed (the wrong key recorded, [`door::check_host_key`]).
    async fn check_host_key(
        &self,
        meeting: &MeetingId,
        name: &DisplayName,
        key: &HostKey,
    ) -> Result<(), RecvEnd> {
        match door::check_host_key(&self.state, meeting, name, key).await {
            Ok(None) => Ok(()),
            Ok(Some(refusal)) => Err(self.fail(refusal).await),
            Err(e) => {
                error!(meeting = %meeting, error = %e, "could not check a host key");
                Err(RecvEnd::Gone)
            }
        }
    }

    /// A `Join` that does not parse: recorded ([`door::record_malformed_join`]),
    /// then closed.
    async fn malformed_join(&self, join: serde_json::Value) -> RecvEnd {
        door::record_malformed_join(&self.state, &join).await;
        self.fail(ErrorCode::Malformed).await
    }

    fn sender(&self) -> Option<mpsc::Sender<Outbound>> {
        self.tx.clone().or_else(|| self.weak.upgrade())
    }

    /// A non-fatal error: the connection stays usable.
    async fn reply(&self, error: ErrorCode) {
        debug!(?error, "refused a message");
        if let Some(tx) = self.sender() {
            let _ = tx
                .send(Outbound::Msg(Box::new(ServerMsg::Error { error })))
                .await;
        }
    }

    /// A fatal error: send it, then close with its code.
    async fn fail(&self, error: ErrorCode) -> RecvEnd {
        debug!(?error, "closing on error");
        if let Some(tx) = self.sender() {
            let _ = tx.send(Outbound::Close(Some(error))).await;
        }
        RecvEnd::Fatal
    }
}
