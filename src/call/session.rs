//! The engine's shell around its signaling session ([`sala_session::Session`],
//! sans IO): it opens and closes the sockets the session names, sends what
//! it hands out, runs its one timer, and acts on what the server says.

use super::signaling::{self, SocketEvent};
use super::{js, Engine, Event};
use crate::error::CallEnd;
use crate::state::Action;
use sala_protocol::{
    policy, ClientMsg, Hold, Join, PeerId, ResumeToken, ServerMsg, PROTOCOL_VERSION,
};
use sala_session::{Output, SocketId};
use std::time::Duration;

/// Now, on the page's monotonic clock, as the session counts time.
pub(super) fn now() -> Duration {
    Duration::from_secs_f64(js::monotonic_ms().max(0.0) / 1000.0)
}

impl Engine {
    /// Sends `msg` through the session: numbered and kept until the server
    /// acknowledges it (pings bare). It leaves when the event is handled.
    pub(super) fn send(&mut self, msg: ClientMsg) {
        self.session.send(msg);
    }

    pub(super) fn socket_event(&mut self, socket: SocketId, ev: SocketEvent) {
        match ev {
            SocketEvent::Message(msg) => self.session.handle_message(now(), socket, msg),
            SocketEvent::Closed(code) => self.session.handle_closed(now(), socket, code),
        }
    }

    /// Carries out what the session asks, in order, then sets its timer.
    pub(super) async fn pump(&mut self) {
        while let Some(out) = self.session.poll_output() {
            match out {
                Output::Open { socket, resume } => self.open_socket(socket, resume),
                Output::Transmit { socket, msg } => self.transmit(socket, &msg),
                Output::Close { socket } => self.close_socket(socket),
                Output::Reconnecting => {
                    self.socket = None;
                    self.emit(Action::Reconnecting);
                }
                Output::Welcomed { welcome, rejoined } => self.welcome(welcome, rejoined).await,
                Output::Waiting { waiting, excused } => self.wait(waiting, excused).await,
                Output::Refused(error) => match CallEnd::from_error(error) {
                    Some(end) => return self.end(Some(end)),
                    None => web_sys::console::warn_1(
                        &format!("server refused a message: {error}").into(),
                    ),
                },
                Output::Message(msg) => self.server_message(msg).await,
            }
        }
        self.set_timer();
    }

    /// What is left to send and close, without acting on anything else
    /// (the session is ending).
    pub(super) fn flush_socket(&mut self) {
        while let Some(out) = self.session.poll_output() {
            match out {
                Output::Transmit { socket, msg } => self.transmit(socket, &msg),
                Output::Close { socket } => self.close_socket(socket),
                _ => {}
            }
        }
        self.socket = None;
        self.timer = None;
    }

    fn open_socket(&mut self, id: SocketId, resume: Option<ResumeToken>) {
        let Some(name) = self.name.clone() else {
            return;
        };
        let send = self.sender();
        let socket = signaling::open(&ws_url(), move |ev| send(Event::Socket(id, ev)));
        socket.send(&ClientMsg::Join(Join {
            protocol: PROTOCOL_VERSION,
            meeting: self.meeting.clone(),
            name,
            media: self.media_state(),
            host_key: self.pass.host_key(),
            resume,
            invite: self.pass.invite(),
            holder: self.holder.clone(),
        }));
        self.socket = Some((id, socket));
    }

    fn transmit(&self, id: SocketId, msg: &ClientMsg) {
        if let Some((_, socket)) = self.socket.as_ref().filter(|(s, _)| *s == id) {
            socket.send(msg);
        }
    }

    fn close_socket(&mut self, id: SocketId) {
        if self.socket.as_ref().is_some_and(|(s, _)| *s == id) {
            self.socket = None;
        }
    }

    /// One timer, at the session's next deadline (a heartbeat or a
    /// reconnect); it also paces the check for connections overdue.
    fn set_timer(&mut self) {
        let due = self.session.poll_timeout();
        if due == self.timer.as_ref().map(|(at, _)| *at) {
            return;
        }
        self.timer = due.map(|at| {
            let wait = at.saturating_sub(now()).as_millis().min(u32::MAX as u128) as u32;
            let send = self.sender();
            let timer = gloo_timers::callback::Timeout::new(wait, move || send(Event::Timer));
            (at, timer)
        });
    }

    pub(super) fn on_timer(&mut self) {
        self.timer = None;
        self.session.handle_timeout(now());
        self.replace_overdue_peers();
    }

    pub(super) async fn server_message(&mut self, msg: ServerMsg) {
        match msg {
            // The session's own: it hands them out as its outputs.
            ServerMsg::Welcome(_)
            | ServerMsg::Waiting(_)
            | ServerMsg::Ack { .. }
            | ServerMsg::Pong { .. }
            | ServerMsg::Error { .. } => {}
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
                if Some(peer) == self.session.me() {
                    if policy::watches_only(role) {
                        self.watch_only().await;
                    } else {
                        self.take_part().await;
                    }
                }
                self.emit(Action::Server(msg));
            }
            // Our offer may have crossed its old socket's end unanswered,
            // our candidates lost with it.
            ServerMsg::IceRefresh { ice } => self.take_ice(ice).await,
            ServerMsg::PeerResumed { peer } => self.resend_offer(peer),
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
            ServerMsg::Presentation { presentation } => self.presentation(presentation),
            ServerMsg::ScreenStill { peer, still } => self.screen_still(peer, still),
        }
    }
}

impl Engine {
    /// The host holds (or released) a participant's microphone and camera.
    async fn peer_hold(&mut self, peer: PeerId, hold: Hold) {
        if Some(peer) == self.session.me() {
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
