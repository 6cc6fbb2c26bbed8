//! The client's signaling session, sans IO: what the browser's engine and
//! the server's room machine ([`sala_server::room::Room`]'s counterpart)
//! agree on over a WebSocket that may die at any moment, silently or not.
//!
//! [`Session`] owns the numbering of our messages (each kept until the
//! server acknowledges it, sent again on the next socket), the resume
//! token, the heartbeat and its judgement of a silent socket (a frozen page
//! is not a silent server), the reconnect backoff, the round trip, and
//! where the server has us ([`Place`]). It takes time and input as
//! arguments — `now` is a monotonic [`Duration`] from any origin — and
//! never reads a clock, randomness or a socket: the jitter of its backoff
//! comes from a seed. The web shell opens and closes the sockets it names
//! ([`Output::Open`], [`Output::Close`]), sends what it hands out
//! ([`Output::Transmit`]), and calls [`Session::handle_timeout`] at
//! [`Session::poll_timeout`].
//!
//! [`sala_server::room::Room`]: https://docs.rs/sala-server

mod heartbeat;
mod numbering;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::Duration;

use sala_protocol::{
    ClientMsg, ConsultationId, ErrorCode, PeerId, ResumeToken, ServerMsg, Waiting, Welcome,
};

use heartbeat::{Beat, Heartbeat};
use numbering::Numbering;

pub use heartbeat::backoff;

/// One socket the session asked the shell to open. Events of an older one
/// than the session's current socket are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(pub u32);

/// Where the server has this participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// No answer to our `Join` yet (or our session expired).
    Outside,
    /// In the lobby (`excused`: sent back out of the room).
    Lobby {
        excused: bool,
    },
    Room,
    /// Out of the room in a private consultation.
    Consultation(ConsultationId),
}

/// What the shell must do, or hear.
#[derive(Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // nearly every output is a message
pub enum Output {
    /// Open a socket and send `Join` on it first, with this resume token.
    Open {
        socket: SocketId,
        resume: Option<ResumeToken>,
    },
    /// Send a message on a socket.
    Transmit { socket: SocketId, msg: ClientMsg },
    /// Give the socket up (drop it).
    Close { socket: SocketId },
    /// The socket is gone; the next is on its way after a backoff.
    Reconnecting,
    /// Into the room or a consultation. `rejoined`: a resumed session back
    /// where it was, whose media connections may stand; otherwise we are a
    /// newcomer there.
    Welcomed { welcome: Welcome, rejoined: bool },
    /// In the lobby; `excused`: sent back out of the room, not new.
    Waiting { waiting: Waiting, excused: bool },
    /// The server refused one of our messages or the session itself: the
    /// shell decides whether the call ends ([`Session::stop`]).
    Refused(ErrorCode),
    /// Everything else the server says, in order.
    Message(ServerMsg),
}

/// The socket in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// None; `reconnect_at`: when the next is due.
    Down { reconnect_at: Option<Duration> },
    /// Opened; our `Join` is unanswered.
    Opening(SocketId),
    /// Taken up by the server (a `Welcome` or `Waiting` came on it).
    Ready(SocketId),
}

#[derive(Debug)]
pub struct Session {
    link: Link,
    /// The last socket opened.
    last_socket: SocketId,
    /// Reconnect attempts since the server last took one up.
    attempt: u32,
    /// State of the backoff's jitter (xorshift).
    rng: u64,
    /// Runs from the first `connect` to `stop`.
    heartbeat: Option<Heartbeat>,
    numbering: Numbering,
    resume: Option<ResumeToken>,
    me: Option<PeerId>,
    place: Place,
    /// The nonce of the last ping and when it went out.
    ping: Option<(u32, Duration)>,
    rtt_ms: Option<u32>,
    out: VecDeque<Output>,
}

impl Session {
    /// A session not yet connected; `seed` feeds the backoff's jitter.
    pub fn new(seed: u64) -> Self {
        Self {
            link: Link::Down { reconnect_at: None },
            last_socket: SocketId(0),
            attempt: 0,
            rng: seed | 1,
            heartbeat: None,
            numbering: Numbering::default(),
            resume: None,
            me: None,
            place: Place::Outside,
            ping: None,
            rtt_ms: None,
            out: VecDeque::new(),
        }
    }

    pub fn me(&self) -> Option<PeerId> {
        self.me
    }

    pub fn place(&self) -> Place {
        self.place
    }

    /// The token of our session with the server, once it gave us one.
    pub fn resume_token(&self) -> Option<&ResumeToken> {
        self.resume.as_ref()
    }

    /// The round trip of the last answered ping.
    pub fn rtt_ms(&self) -> Option<u32> {
        self.rtt_ms
    }

    /// Opens the first socket (the participant pressed Join).
    pub fn connect(&mut self, now: Duration) {
        if self.heartbeat.is_none() {
            self.heartbeat = Some(Heartbeat::new(now));
        }
        self.open(now);
    }

    fn open(&mut self, now: Duration) {
        self.last_socket = SocketId(self.last_socket.0 + 1);
        let socket = self.last_socket;
        self.link = Link::Opening(socket);
        if let Some(h) = &mut self.heartbeat {
            h.heard(now);
        }
        self.out.push_back(Output::Open {
            socket,
            resume: self.resume.clone(),
        });
    }

    fn ready_socket(&self) -> Option<SocketId> {
        match self.link {
            Link::Ready(socket) => Some(socket),
            _ => None,
        }
    }

    /// Sends `msg` numbered, kept until the server acknowledges it: a socket
    /// that died without our knowing loses nothing, it goes again on the
    /// next. Pings go bare (a lost one is the point of them), and only on a
    /// socket taken up.
    pub fn send(&mut self, msg: ClientMsg) {
        let socket = self.ready_socket();
        if matches!(msg, ClientMsg::Ping { .. }) {
            if let Some(socket) = socket {
                self.out.push_back(Output::Transmit { socket, msg });
            }
            return;
        }
        let msg = self.numbering.number(msg).clone();
        if let Some(socket) = socket {
            self.out.push_back(Output::Transmit { socket, msg });
        }
    }

    /// Sends a ping carrying the round trip of the one before.
    pub fn ping(&mut self, now: Duration) {
        let nonce = self.ping.map_or(0, |(n, _)| n.wrapping_add(1));
        self.ping = Some((nonce, now));
        self.send(ClientMsg::Ping {
            nonce,
            rtt_ms: self.rtt_ms,
        });
    }

    /// Leaves for good: `Leave` on a socket taken up, then nothing more.
    pub fn leave(&mut self) {
        if let Some(socket) = self.ready_socket() {
            self.out.push_back(Output::Transmit {
                socket,
                msg: ClientMsg::Leave,
            });
        }
        self.stop();
    }

    /// Ends the session without a word (the server ended it): the socket
    /// closes, no timer runs, nothing waits to be done.
    pub fn stop(&mut self) {
        self.out.retain(|o| matches!(o, Output::Transmit { .. }));
        if let Link::Opening(socket) | Link::Ready(socket) = self.link {
            self.out.push_back(Output::Close { socket });
        }
        self.link = Link::Down { reconnect_at: None };
        self.heartbeat = None;
    }

    /// A message came on `socket`.
    pub fn handle_message(&mut self, now: Duration, socket: SocketId, msg: ServerMsg) {
        if !matches!(self.link, Link::Opening(s) | Link::Ready(s) if s == socket) {
            return;
        }
        if let Some(h) = &mut self.heartbeat {
            h.heard(now);
        }
        match msg {
            ServerMsg::Welcome(welcome) => self.welcome(socket, welcome),
            ServerMsg::Waiting(waiting) => self.waiting(now, socket, waiting),
            ServerMsg::Ack { seq } => self.numbering.acked(seq),
            ServerMsg::Pong { nonce } => {
                if let Some((_, at)) = self.ping.filter(|(n, _)| *n == nonce) {
                    let first = self.rtt_ms.is_none();
                    self.rtt_ms = Some(now.saturating_sub(at).as_millis() as u32);
                    // The host sees how our link carries as soon as it is known.
                    if first && matches!(self.place, Place::Lobby { .. }) {
                        self.ping(now);
                    }
                }
            }
            // A fresh session follows: whatever it is, we were not sent out.
            ServerMsg::Error {
                error: ErrorCode::ResumeExpired,
            } => self.place = Place::Outside,
            ServerMsg::Error {
                error: ErrorCode::OutOfSequence { expected },
            } => self.out_of_sequence(expected),
            ServerMsg::Error { error } => self.out.push_back(Output::Refused(error)),
            msg => self.out.push_back(Output::Message(msg)),
        }
    }

    /// `socket` closed, with the server's close code if it gave one: a code
    /// that carries an error is [`Output::Refused`] first.
    pub fn handle_closed(&mut self, now: Duration, socket: SocketId, code: Option<u16>) {
        if !matches!(self.link, Link::Opening(s) | Link::Ready(s) if s == socket) {
            return;
        }
        if let Some(error) = code.and_then(ErrorCode::from_close_code) {
            self.out.push_back(Output::Refused(error));
        }
        self.lost(now);
    }

    /// The current socket is gone: the next after a backoff.
    fn lost(&mut self, now: Duration) {
        let delay = backoff(self.attempt, self.jitter());
        self.attempt += 1;
        self.link = Link::Down {
            reconnect_at: Some(now + delay),
        };
        self.out.push_back(Output::Reconnecting);
    }

    /// A `Welcome` or `Waiting` came. On a socket just opened, what the
    /// server has not done of ours goes again, in order, numbered on from
    /// its count; on the socket we had, it is on its way already.
    fn take_up(&mut self, socket: SocketId, you: PeerId, acked: u64) {
        if self.link == Link::Opening(socket) {
            let same_peer = self.me == Some(you);
            for msg in self.numbering.resume(same_peer, acked) {
                self.out.push_back(Output::Transmit {
                    socket,
                    msg: msg.clone(),
                });
            }
        }
        self.me = Some(you);
        self.link = Link::Ready(socket);
        self.attempt = 0;
    }

    fn welcome(&mut self, socket: SocketId, welcome: Welcome) {
        self.resume = Some(welcome.resume.clone());
        self.take_up(socket, welcome.you.id, welcome.acked);
        // Let in from the lobby, or moved between the room and a private
        // consultation, we are a newcomer there even on a resumed socket.
        let place = welcome
            .consultation
            .map_or(Place::Room, Place::Consultation);
        let rejoined = welcome.resumed && self.place == place;
        self.place = place;
        self.out.push_back(Output::Welcomed { welcome, rejoined });
    }

    fn waiting(&mut self, now: Duration, socket: SocketId, waiting: Waiting) {
        self.resume = Some(waiting.resume.clone());
        // Nothing of the room may be sent from the lobby: of what waits,
        // only what we would show (our media) and leaving still go.
        self.numbering
            .retain(|m| matches!(m, ClientMsg::Media { .. } | ClientMsg::Leave));
        self.take_up(socket, waiting.you.id, waiting.acked);
        let excused = match self.place {
            Place::Room | Place::Consultation(_) => true,
            Place::Lobby { excused } => excused && waiting.resumed,
            Place::Outside => false,
        };
        self.place = Place::Lobby { excused };
        self.out.push_back(Output::Waiting { waiting, excused });
        // Measure the round trip now rather than at the next heartbeat.
        self.ping(now);
    }

    /// The server refused one of our numbers (past a gap): what it has not
    /// done goes again, numbered from what it expects.
    fn out_of_sequence(&mut self, expected: u64) {
        let Some(socket) = self.ready_socket() else {
            return;
        };
        if let Some(again) = self.numbering.out_of_sequence(expected) {
            for msg in again {
                self.out.push_back(Output::Transmit {
                    socket,
                    msg: msg.clone(),
                });
            }
        }
    }

    /// The next time [`Self::handle_timeout`] is due, if any.
    pub fn poll_timeout(&self) -> Option<Duration> {
        let beat = self.heartbeat.as_ref().map(Heartbeat::due);
        let reconnect = match self.link {
            Link::Down { reconnect_at } => reconnect_at,
            _ => None,
        };
        match (beat, reconnect) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Time passed: a heartbeat, a reconnect, whichever is due.
    pub fn handle_timeout(&mut self, now: Duration) {
        if let Link::Down {
            reconnect_at: Some(at),
        } = self.link
        {
            if at <= now {
                self.open(now);
            }
        }
        let Some(h) = self.heartbeat.as_mut().filter(|h| h.due() <= now) else {
            return;
        };
        match (h.beat(now), self.link) {
            (_, Link::Down { .. }) => {}
            // A half-open socket: give up on it as if it had closed.
            (Beat::GiveUp, Link::Opening(socket) | Link::Ready(socket)) => {
                self.out.push_back(Output::Close { socket });
                self.lost(now);
            }
            (Beat::Ping, Link::Ready(_)) => self.ping(now),
            (Beat::Ping, Link::Opening(_)) => {}
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// In `[0, 1)`, from the seed (xorshift64).
    fn jitter(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1u64 << 53) as f64
    }
}
