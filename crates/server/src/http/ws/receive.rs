//! The receive side of a socket: frame and rate limits, parsing, then
//! plain forwarding to the room once joined (the join itself: `join.rs`).

use std::time::Duration;

use futures_util::StreamExt;
use sala_protocol::{
    ClientMsg, DeckId, ErrorCode, MeetingId, ServerMsg, HEARTBEAT_TIMEOUT_SECS, MAX_FRAME_BYTES,
};
use tokio_tungstenite::tungstenite::Message;
use tracing::{debug, error};

use super::Reader;
use crate::http::{door, rate};
use crate::room::actor::{Outbound, OutboxTx, RoomGone, RoomHandle};
use crate::room::ConnId;
use crate::AppState;

pub(super) enum RecvEnd {
    /// The socket failed or went silent.
    Gone,
    /// A close frame is queued: ours, after the `Error` that refuses the
    /// client, or the answer to the client's own close.
    Closing,
}

pub(super) struct Receiver {
    pub(super) state: AppState,
    pub(super) conn: ConnId,
    /// This connection's message and byte rate limits.
    pub(super) limit: rate::Limit,
    /// Strong sender until the room holds one; then only `weak`, so that the
    /// room dropping its sender ends the socket.
    pub(super) tx: Option<OutboxTx>,
    pub(super) weak: flume::WeakSender<Outbound>,
    pub(super) room: Option<(MeetingId, RoomHandle)>,
}

impl Receiver {
    pub(super) async fn run(&mut self, mut stream: Reader) -> RecvEnd {
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
                Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_) => None,
            };
            if let Some(len) = len {
                if !self.limit.take(std::time::Instant::now(), len) {
                    return Box::pin(self.fail(ErrorCode::RateLimited)).await;
                }
            }
            let text = match frame {
                Message::Text(text) => text,
                Message::Binary(_) => {
                    self.reply(ErrorCode::Malformed).await;
                    continue;
                }
                // Answered by the send side (`halves.rs`); a client that
                // pings faster than that drains is not answered every time.
                Message::Ping(payload) => {
                    if let Some(tx) = self.sender() {
                        let _ = tx.try_send(Outbound::Pong(payload.to_vec().into()));
                    }
                    continue;
                }
                Message::Pong(_) | Message::Frame(_) => continue,
                // Answered with a close (RFC 6455 §5.5.1), after what is
                // already queued. A full queue: the socket ends without.
                Message::Close(_) => {
                    if let Some(tx) = self.sender() {
                        let _ = tx.try_send(Outbound::Close(None));
                    }
                    return RecvEnd::Closing;
                }
            };
            if text.len() > MAX_FRAME_BYTES {
                let too_large = ErrorCode::TooLarge {
                    limit: MAX_FRAME_BYTES,
                };
                return Box::pin(self.fail(too_large)).await;
            }
            let Ok(msg) = serde_json::from_str::<ClientMsg>(text.as_str()) else {
                if self.room.is_none() {
                    if let Some(join) = door::as_join(&text) {
                        return Box::pin(self.malformed_join(join)).await;
                    }
                }
                self.reply(ErrorCode::Malformed).await;
                continue;
            };
            // Boxed: the loop waits for the next frame nearly all its life,
            // and a future is as large as its largest state. Forwarding
            // (a command on its way into the room's inbox), the join (the
            // database, the invitation, starting the room) and refusals
            // would each make every idle socket larger.
            let ended = match &self.room {
                Some((meeting, room)) => Box::pin(self.forward(meeting, room, msg)).await,
                None => Box::pin(self.join(msg)).await,
            };
            if let Some(end) = ended {
                return end;
            }
        }
    }

    /// A message of a joined socket, to its room.
    async fn forward(
        &self,
        meeting: &MeetingId,
        room: &RoomHandle,
        msg: ClientMsg,
    ) -> Option<RecvEnd> {
        let (seq, msg) = match msg {
            ClientMsg::Reliable { seq, msg } => (Some(seq), *msg),
            msg => (None, msg),
        };
        let sent = match msg {
            ClientMsg::Present { deck, page } => {
                Box::pin(self.present(meeting, room, seq, deck, page)).await
            }
            msg => room.message(self.conn, seq, msg).await,
        };
        sent.is_err().then_some(RecvEnd::Gone)
    }

    /// The room machine does no IO: the deck is found here first.
    async fn present(
        &self,
        meeting: &MeetingId,
        room: &RoomHandle,
        seq: Option<u64>,
        deck: DeckId,
        page: u32,
    ) -> Result<(), RoomGone> {
        match self
            .state
            .db()
            .deck_pages(meeting.clone(), deck.clone())
            .await
        {
            Ok(Some(pages)) => room.present(self.conn, seq, deck, pages, page).await,
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

    pub(super) fn sender(&self) -> Option<OutboxTx> {
        self.tx.clone().or_else(|| self.weak.upgrade())
    }

    /// A non-fatal error: the connection stays usable.
    pub(super) async fn reply(&self, error: ErrorCode) {
        debug!(?error, "refused a message");
        if let Some(tx) = self.sender() {
            let _ = tx
                .send_async(Outbound::Msg(Box::new(ServerMsg::Error { error })))
                .await;
        }
    }

    /// A fatal error: send it, then close with its code. Once joined, the
    /// room does it, after answering what this socket handed it before.
    pub(super) async fn fail(&self, error: ErrorCode) -> RecvEnd {
        debug!(?error, "closing on error");
        if let Some((_, room)) = &self.room {
            if room.close(self.conn, error).await.is_ok() {
                return RecvEnd::Closing;
            }
        }
        if let Some(tx) = self.sender() {
            let _ = tx.send_async(Outbound::Close(Some(error))).await;
        }
        RecvEnd::Closing
    }
}
