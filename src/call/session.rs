//! The engine's side of the signaling socket: connect, queue while not
//! welcomed, heartbeat, reconnect with backoff, and what the server says.

use super::signaling::{self, backoff, SocketEvent};
use super::Place;
use super::{js, Engine, Event};
use crate::error::CallEnd;
use crate::state::Action;
use sala_protocol::{
    policy, ClientMsg, ErrorCode, Hold, Join, PeerId, ServerMsg, HEARTBEAT_INTERVAL_SECS,
    HEARTBEAT_TIMEOUT_SECS, PROTOCOL_VERSION,
};

impl Engine {
    pub(super) fn connect(&mut self) {
        let Some(name) = self.name.clone() else {
            return;
        };
        self.generation += 1;
        self.ready = false;
        let generation = self.generation;
        let send = self.sender();
        let socket = signaling::open(&ws_url(), move |ev| send(Event::Socket(generation, ev)));
        socket.send(&ClientMsg::Join(Join {
            protocol: PROTOCOL_VERSION,
            meeting: self.meeting.clone(),
            name,
            media: self.media_state(),
            host_key: self.pass.host_key(),
            resume: self.resume.clone(),
            invite: self.pass.invite(),
            holder: self.holder.clone(),
        }));
        self.socket = Some(socket);
        self.last_heard_ms = js::now_ms();
        if self.heartbeat.is_none() {
            let send = self.sender();
            self.heartbeat = Some(gloo_timers::callback::Interval::new(
                HEARTBEAT_INTERVAL_SECS as u32 * 1000,
                move || send(Event::Heartbeat),
            ));
        }
    }

    /// Sends `msg` numbered, and keeps it until the server acknowledges it:
    /// a socket that died without our knowing loses nothing, it goes again
    /// on the next. Pings go bare (a lost one is the point of them).
    pub(super) fn send(&mut self, msg: ClientMsg) {
        let live = self.socket.as_ref().filter(|_| self.ready);
        if matches!(msg, ClientMsg::Ping { .. }) {
            if let Some(socket) = live {
                socket.send(&msg);
            }
            return;
        }
        let msg = self.numbering.number(msg);
        if let Some(socket) = live {
            socket.send(msg);
        }
    }

    /// A `Welcome` or `Waiting` came. On a socket just opened, what the
    /// server has not done of ours goes again, in order, numbered on from
    /// its count; on the socket we had, it is on its way already.
    pub(super) fn take_up(&mut self, you: PeerId, acked: u64) {
        if !self.ready {
            let same_peer = self.me == Some(you);
            let socket = self.socket.as_ref();
            for msg in self.numbering.resume(same_peer, acked) {
                if let Some(socket) = socket {
                    socket.send(msg);
                }
            }
        }
        self.me = Some(you);
        self.ready = true;
    }

    /// The server refused one of our numbers (past a gap): what it has not
    /// done goes again, numbered from what it expects.
    fn out_of_sequence(&mut self, expected: u64) {
        let socket = self.socket.as_ref().filter(|_| self.ready);
        if let (Some(socket), Some(again)) = (socket, self.numbering.out_of_sequence(expected)) {
            for msg in again {
                socket.send(msg);
            }
        }
    }

    pub(super) fn heartbeat(&mut self) {
        let now = js::now_ms();
        let interval = (HEARTBEAT_INTERVAL_SECS * 1000) as f64;
        // A beat far later than its interval means this page was frozen (a
        // starved or throttled tab), not that the server went quiet: what the
        // socket received meanwhile is still queued behind this timer. Judge
        // the socket from the next beat on.
        let frozen = self.last_beat_ms.is_some_and(|t| now - t > 2.0 * interval);
        self.last_beat_ms = Some(now);
        if frozen {
            self.last_heard_ms = self.last_heard_ms.max(now - interval);
        }
        if self.socket.is_none() {
            return;
        }
        if now - self.last_heard_ms > (HEARTBEAT_TIMEOUT_SECS * 1000) as f64 {
            // A half-open socket: give up on it as if it had closed.
            let generation = self.generation;
            drop(
                self.events
                    .unbounded_send(Event::Socket(generation, SocketEvent::Closed(None))),
            );
        } else if self.ready {
            self.ping();
        }
    }

    /// Sends a ping carrying the round trip of the one before.
    pub(super) fn ping(&mut self) {
        let nonce = self.ping.map_or(0, |(n, _)| n.wrapping_add(1));
        self.ping = Some((nonce, js::now_ms()));
        self.send(ClientMsg::Ping {
            nonce,
            rtt_ms: self.rtt_ms,
        });
    }

    pub(super) async fn socket_event(&mut self, ev: SocketEvent) {
        match ev {
            SocketEvent::Message(msg) => {
                self.last_heard_ms = js::now_ms();
                self.server_message(msg).await;
            }
            SocketEvent::Closed(code) => {
                self.socket = None;
                self.ready = false;
                let end = self.fatal.or_else(|| {
                    code.and_then(ErrorCode::from_close_code)
                        .and_then(CallEnd::from_error)
                });
                if let Some(end) = end {
                    return self.end(Some(end));
                }
                self.emit(Action::Reconnecting);
                let delay = backoff(self.attempt, js_sys::Math::random());
                self.attempt += 1;
                let (send, generation) = (self.sender(), self.generation);
                self.reconnect = Some(gloo_timers::callback::Timeout::new(
                    delay.as_millis() as u32,
                    move || send(Event::ReconnectDue(generation)),
                ));
            }
        }
    }

    pub(super) async fn server_message(&mut self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome(welcome) => self.welcome(welcome).await,
            ServerMsg::Waiting(waiting) => self.wait(waiting).await,
            // Only for the page to show.
            msg @ (ServerMsg::Knocking { .. }
            | ServerMsg::KnockEnded { .. }
            | ServerMsg::LobbySet { .. }
            | ServerMsg::Hands { .. }
            | ServerMsg::Chat { .. }
            | ServerMsg::OathAsked { .. }
            | ServerMsg::OathTaken { .. }
            | ServerMsg::ConsultInvite { .. }
            | ServerMsg::ConsultDeclined { .. }
            | ServerMsg::Consultations { .. }
            | ServerMsg::PeerJoined { .. }
            | ServerMsg::RoomLocked { .. }) => self.emit(Action::Server(msg)),
            ServerMsg::PeerHold { peer, hold } => self.peer_hold(peer, hold).await,
            msg @ ServerMsg::PeerRole { peer, role } => {
                if Some(peer) == self.me {
                    if policy::watches_only(role) {
                        self.watch_only().await;
                    } else {
                        self.take_part().await;
                    }
                }
                self.emit(Action::Server(msg));
            }
            ServerMsg::Ack { seq } => self.numbering.acked(seq),
            // Our offer may have crossed its old socket's end unanswered,
            // our candidates lost with it.
            ServerMsg::IceRefresh { ice } => self.take_ice(ice).await,
            ServerMsg::PeerResumed { peer } => self.recover_peer(peer),
            msg @ ServerMsg::PeerLeft { peer, .. } => {
                self.peers.remove(&peer);
                self.ladder.forget(peer);
                self.emit(Action::Server(msg));
                self.apply_limits().await;
            }
            ServerMsg::PeerMedia { peer, media } => {
                let mut receive_changed = false;
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.remote_screen = media.screen.clone();
                    receive_changed = p.remote_receive != media.receive;
                    p.remote_receive = media.receive;
                    p.remote_send = media.tier;
                }
                if receive_changed {
                    self.apply_limits().await;
                    if self.local.screen().is_some() {
                        self.announce(); // who gets our screen as stills changed
                    }
                }
                self.emit(Action::Server(ServerMsg::PeerMedia { peer, media }));
            }
            ServerMsg::Signal { from, signal } => self.signal(from, signal).await,
            ServerMsg::Pong { nonce } => {
                if let Some((_, at)) = self.ping.filter(|(n, _)| *n == nonce) {
                    let first = self.rtt_ms.is_none();
                    self.rtt_ms = Some((js::now_ms() - at).max(0.0) as u32);
                    // The host sees how our link carries as soon as it is known.
                    if first && matches!(self.place, Place::Lobby { .. }) {
                        self.ping();
                    }
                }
            }
            ServerMsg::Presentation { presentation } => self.presentation(presentation),
            ServerMsg::ScreenStill { peer, still } => self.screen_still(peer, still),
            // A fresh session follows: whatever it is, we were not sent out.
            ServerMsg::Error {
                error: ErrorCode::ResumeExpired,
            } => self.place = Place::Outside,
            ServerMsg::Error {
                error: ErrorCode::OutOfSequence { expected },
            } => self.out_of_sequence(expected),
            ServerMsg::Error { error } => match CallEnd::from_error(error) {
                Some(end) => self.fatal = Some(end),
                None => {
                    web_sys::console::warn_1(&format!("server refused a message: {error}").into())
                }
            },
        }
    }
}

impl Engine {
    /// The host holds (or released) a participant's microphone and camera.
    async fn peer_hold(&mut self, peer: PeerId, hold: Hold) {
        if Some(peer) == self.me {
            self.hold_self(hold).await;
        } else if let Some(p) = self.peers.get_mut(&peer) {
            p.set_hold(hold);
        }
        self.emit(Action::Server(ServerMsg::PeerHold { peer, hold }));
    }

    /// Ours: what is held goes off here too, and stays off until released.
    pub(super) async fn hold_self(&mut self, hold: Hold) {
        self.hold = hold;
        let mut changed = false;
        if hold.mic && self.local.mic_on {
            self.local.set_mic_on(false);
            changed = true;
        }
        if hold.camera && self.local.camera_on() {
            self.local.set_track(false, None);
            self.replace_on_peers(false).await;
            changed = true;
        }
        if changed {
            self.emit_toggles();
            self.announce();
        }
    }

    /// Sends `to` our offer again if it still waits for an answer (queued
    /// until the socket is welcomed).
    pub(super) fn resend_offer(&mut self, to: PeerId) {
        if let Some(signal) = self.peers.get(&to).and_then(|p| p.pending_offer()) {
            self.send(ClientMsg::Signal { to, signal });
        }
    }
}

/// `ws(s)://<this host>/ws`.
fn ws_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let (protocol, host) = location
        .map(|l| {
            (
                l.protocol().unwrap_or_default(),
                l.host().unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws")
}
