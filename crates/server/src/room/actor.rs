//! Tokio shell around one [`Room`]: owns the machine, an inbox and the
//! outbound queue of each attached connection. No room logic lives here.

use std::collections::HashMap;
use std::time::Instant;

use sala_protocol::{
    ClientMsg, DeckId, DisplayName, ErrorCode, HostKey, MediaState, MeetingId, PeerId, ResumeToken,
    ServerMsg, Waiting, Welcome,
};
use tokio::sync::oneshot;
use tracing::{debug, error, info, warn};

use super::machine::{ConnId, Holder, Input, Invited, Join, Output, Room, Session};
use super::registry::Registry;
use crate::db::{now_ms, Db};

/// Capacity of a room's inbox.
pub const INBOX: usize = 256;
/// Capacity of one connection's outbound queue; a client that lets it fill up is dropped.
pub const OUTBOX: usize = 256;

/// The room's end of one connection's outbound queue.
pub type OutboxTx = flume::Sender<Outbound>;
/// The socket's end.
pub type OutboxRx = flume::Receiver<Outbound>;

/// A connection's outbound queue. Not tokio's channel: that one allocates
/// a block of 32 slots and cache-padded counters for every queue up front,
/// 1.7 of an idle participant's 12.6 KiB (BENCHMARKS); this one grows with
/// what is queued.
pub fn outbox() -> (OutboxTx, OutboxRx) {
    flume::bounded(OUTBOX)
}

/// The senders' end of a room's inbox.
pub(crate) type InboxTx = flume::Sender<Command>;
/// The room's end.
pub(crate) type InboxRx = flume::Receiver<Command>;

/// A room's inbox: flume's, like [`outbox`], and for the same reason (a
/// room of ten held 4 KB of tokio's blocks, 0.4 KiB a participant).
pub(crate) fn inbox() -> (InboxTx, InboxRx) {
    flume::bounded(INBOX)
}

/// What a room (or the socket shell itself) wants written on a socket.
/// The message is boxed: a queue keeps the slots it once grew to, each as
/// large as the largest variant; an allocation per message is small beside
/// its JSON.
#[derive(Debug)]
pub enum Outbound {
    Msg(Box<ServerMsg>),
    /// The answer to a WebSocket `Ping` from the client (the socket shell's).
    Pong(Box<[u8]>),
    /// `Some(e)`: send `Error{e}` then close with `e.close_code()`; `None`: close normally.
    Close(Option<ErrorCode>),
}

/// A `Join` on its way to a room, with the connection's outbound queue.
#[derive(Debug)]
pub struct JoinRequest {
    pub conn: ConnId,
    pub tx: OutboxTx,
    pub name: DisplayName,
    pub media: MediaState,
    pub host_key: Option<HostKey>,
    pub resume: Option<ResumeToken>,
    pub invited: Option<Invited>,
    pub holder: Option<Holder>,
}

/// What a room's inbox carries. The large payloads are boxed: the inbox
/// allocates its slots 32 at a time, each as large as the largest command.
#[derive(Debug)]
pub(crate) enum Command {
    Join(Box<JoinRequest>),
    Message {
        conn: ConnId,
        seq: Option<u64>,
        msg: Box<ClientMsg>,
    },
    Present {
        conn: ConnId,
        seq: Option<u64>,
        deck: DeckId,
        pages: u32,
        page: u32,
    },
    Disconnected {
        conn: ConnId,
    },
    /// The socket refuses its client: `Error{error}` and the close go out
    /// after what the room still has to send it.
    Close {
        conn: ConnId,
        error: ErrorCode,
    },
    /// Who holds this session token, if it may present (an upload's bearer).
    Presenter {
        token: ResumeToken,
        reply: oneshot::Sender<Option<PeerId>>,
    },
}

/// The room has stopped; the connection is as good as closed.
#[derive(Debug)]
pub struct RoomGone;

/// Handle a joined connection uses to talk to its room.
#[derive(Clone, Debug)]
pub struct RoomHandle {
    pub(crate) tx: InboxTx,
}

impl RoomHandle {
    /// A message, numbered (`seq`) or not.
    pub async fn message(
        &self,
        conn: ConnId,
        seq: Option<u64>,
        msg: ClientMsg,
    ) -> Result<(), RoomGone> {
        self.tx
            .send_async(Command::Message {
                conn,
                seq,
                msg: Box::new(msg),
            })
            .await
            .map_err(|_| RoomGone)
    }

    /// A `Present` whose deck the shell found in this meeting (`pages` long).
    pub async fn present(
        &self,
        conn: ConnId,
        seq: Option<u64>,
        deck: DeckId,
        pages: u32,
        page: u32,
    ) -> Result<(), RoomGone> {
        self.tx
            .send_async(Command::Present {
                conn,
                seq,
                deck,
                pages,
                page,
            })
            .await
            .map_err(|_| RoomGone)
    }

    pub async fn disconnected(&self, conn: ConnId) {
        let _ = self.tx.send_async(Command::Disconnected { conn }).await;
    }

    /// Closes `conn` with `error` once the room has answered everything
    /// the socket handed it before.
    pub async fn close(&self, conn: ConnId, error: ErrorCode) -> Result<(), RoomGone> {
        self.tx
            .send_async(Command::Close { conn, error })
            .await
            .map_err(|_| RoomGone)
    }
}

pub(crate) struct Actor {
    pub(crate) meeting: MeetingId,
    pub(crate) generation: u64,
    pub(crate) room: Room,
    pub(crate) rx: InboxRx,
    pub(crate) conns: HashMap<ConnId, OutboxTx>,
    pub(crate) db: Db,
    pub(crate) registry: Registry,
    /// The machine said `Empty` and the room still has nobody.
    pub(crate) idle: bool,
}

/// How a flush ended.
enum Flushed {
    /// Everything the machine asked for was carried out.
    Done,
    /// The record refused an entry: nothing after it was carried out, and
    /// the room must stop (see [`Actor::record_failed`]).
    RecordFailed,
}

impl Actor {
    pub(crate) async fn run(mut self) {
        info!(meeting = %self.meeting, "room opened");
        loop {
            let deadline = self.room.poll_timeout().map(tokio::time::Instant::from_std);
            tokio::select! {
                // Cooperative, as tokio's own channels are: a room working
                // through a burst yields now and then, so that the sockets'
                // send tasks drain what it queued before their queues fill.
                cmd = tokio::task::coop::cooperative(self.rx.recv_async()) => match cmd {
                    Ok(cmd) => self.command(cmd),
                    Err(flume::RecvError::Disconnected) => break,
                },
                () = sleep_until(deadline) => self.room.handle_timeout(Instant::now()),
            }
            if let Flushed::RecordFailed = self.flush().await {
                self.record_failed();
                break;
            }
            if self.idle {
                if self.room.peer_count() > 0 {
                    self.idle = false;
                } else if self
                    .registry
                    .retire(&self.meeting, self.generation, &self.rx)
                {
                    break;
                }
            }
        }
        info!(meeting = %self.meeting, "room closed");
    }

    fn command(&mut self, cmd: Command) {
        let now = Instant::now();
        match cmd {
            Command::Join(req) => {
                debug!(meeting = %self.meeting, conn = req.conn.0, "join");
                self.conns.insert(req.conn, req.tx);
                let new_token = ResumeToken::from_random(rand::random());
                self.room.handle(
                    now,
                    Input::Join(Join {
                        conn: req.conn,
                        name: req.name,
                        media: req.media,
                        host_key: req.host_key,
                        resume: req.resume,
                        invited: req.invited,
                        holder: req.holder,
                        new_token,
                    }),
                );
            }
            Command::Message { conn, seq, msg } => {
                let msg = *msg;
                self.room
                    .handle(now, numbered(conn, seq, Input::Message { conn, msg }))
            }
            Command::Present {
                conn,
                seq,
                deck,
                pages,
                page,
            } => self.room.handle(
                now,
                numbered(
                    conn,
                    seq,
                    Input::Present {
                        conn,
                        deck,
                        pages,
                        page,
                    },
                ),
            ),
            Command::Presenter { token, reply } => {
                let _ = reply.send(self.room.presenter_by_token(&token));
            }
            Command::Close { conn, error } => {
                if let Some(tx) = self.conns.remove(&conn) {
                    // Full: dropping the sender ends the socket all the same.
                    let _ = tx.try_send(Outbound::Close(Some(error)));
                }
            }
            Command::Disconnected { conn } => {
                debug!(meeting = %self.meeting, conn = conn.0, "socket gone");
                self.conns.remove(&conn);
                self.room.handle(now, Input::Disconnected { conn });
            }
        }
    }

    /// Carries out everything the machine asked for, in order. A record is
    /// committed before anything after it is sent: what follows it (the
    /// Welcome of a join, say) acknowledges it.
    async fn flush(&mut self) -> Flushed {
        // The numbered message the records until its `Ack` come of.
        let mut cause = None;
        loop {
            let mut stalled = Vec::new();
            while let Some(out) = self.room.poll_output() {
                match out {
                    Output::Send { conn, msg } => {
                        match &msg {
                            ServerMsg::Ack { .. } => cause = None,
                            // Every session token handed out is kept: someone
                            // dropped by a restart comes back as themselves.
                            ServerMsg::Welcome(Welcome { you, resume, .. })
                            | ServerMsg::Waiting(Waiting { you, resume, .. }) => {
                                let session = Session::of(resume);
                                let kept =
                                    self.db.keep_session(self.meeting.clone(), you.id, session);
                                if let Err(e) = kept.await {
                                    error!(meeting = %self.meeting, error = %e, "could not keep a session");
                                }
                            }
                            _ => {}
                        }
                        if let Some(tx) = self.conns.get(&conn) {
                            match tx.try_send(Outbound::Msg(Box::new(msg))) {
                                Ok(()) => {}
                                Err(flume::TrySendError::Full(_)) => stalled.push(conn),
                                // The socket has ended. What it read before
                                // (its `Leave`, say) and then its end are
                                // on their way here, in that order.
                                Err(flume::TrySendError::Disconnected(_)) => {}
                            }
                        }
                    }
                    Output::Close { conn, error } => {
                        if let Some(tx) = self.conns.remove(&conn) {
                            debug!(meeting = %self.meeting, conn = conn.0, ?error, "closing socket");
                            let _ = tx.try_send(Outbound::Close(error));
                        }
                    }
                    Output::Record(event) => {
                        info!(meeting = %self.meeting, event = ?event, "record");
                        let appended =
                            self.db
                                .append_caused(self.meeting.clone(), event, now_ms(), cause);
                        if let Err(e) = appended.await {
                            error!(meeting = %self.meeting, error = %e, "could not write to the record");
                            return Flushed::RecordFailed;
                        }
                    }
                    Output::Cause { peer, seq } => cause = Some((peer, seq)),
                    Output::Bar(holder) => {
                        if let Err(e) = self.db.bar(self.meeting.clone(), holder, now_ms()).await {
                            error!(meeting = %self.meeting, error = %e, "could not bar a removed browser");
                        }
                    }
                    Output::Empty => self.idle = true,
                }
            }
            if stalled.is_empty() {
                return Flushed::Done;
            }
            // A socket that cannot keep up is dropped: dropping its sender
            // ends its send task, and the peer may resume later.
            let now = Instant::now();
            for conn in stalled {
                if self.conns.remove(&conn).is_some() {
                    warn!(meeting = %self.meeting, conn = conn.0, "dropping a socket that cannot keep up");
                    self.room.handle(now, Input::Disconnected { conn });
                }
            }
        }
    }
}

impl Actor {
    /// The record could not keep an entry: what the machine asked for after
    /// it (the announcement, the `Ack`, the `Welcome` that would have
    /// acknowledged it) is dropped, and since the machine has moved on to
    /// a state the record does not show, the room stops. Everyone is closed
    /// with `RecordUnavailable`; those who come back find a room started
    /// again from the database.
    fn record_failed(&mut self) {
        while self.room.poll_output().is_some() {}
        for (_, tx) in self.conns.drain() {
            let _ = tx.try_send(Outbound::Close(Some(ErrorCode::RecordUnavailable)));
        }
        error!(meeting = %self.meeting, "room stopped: its record refused an entry");
    }
}

/// `input`, in its envelope when the client numbered it.
fn numbered(conn: ConnId, seq: Option<u64>, input: Input) -> Input {
    match seq {
        Some(seq) => Input::Numbered {
            conn,
            seq,
            input: Box::new(input),
        },
        None => input,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
