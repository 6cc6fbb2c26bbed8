//! The engine's side of the mesh: one [`Peer`] per remote participant.

use super::attempt::{Attempt, Fit};
use super::peer::{Peer, PeerEvent, Received};
use super::{js, sdp, Engine, Event};
use crate::state::{Action, Link};
use sala_protocol::{ClientMsg, Generation, IceConfig, PeerId, PeerInfo, QualityTier, Signal};
use web_sys::RtcPeerConnectionState;

impl Engine {
    pub(super) fn open_peer(&mut self, info: &PeerInfo, offer: bool) {
        self.open_peer_by_id(info.id);
        self.note_media(info);
        if let Some(peer) = self.peers.get_mut(&info.id).filter(|_| offer) {
            peer.add_local_as_offerer(&self.local);
        }
    }

    /// The audio packet time for a connection, both ways: longer while our
    /// downlink or our uplink is on an audio tier (a thin uplink drowns in
    /// packet headers as surely as a thin downlink), probes not counted: a
    /// renegotiation over a thin link for every probe would cost more than it
    /// saves, and its glitch would fail the probe. Without the ladder, the
    /// browser's own choice.
    fn wanted_ptime(&self) -> Option<u32> {
        let thin = self.ladder.settled_tier();
        self.ladder
            .adapts()
            .then_some(if thin < QualityTier::VideoLow {
                sdp::THIN_PTIME_MS
            } else {
                sdp::NORMAL_PTIME_MS
            })
    }

    /// After our tiers crossed between video and audio: renegotiate every
    /// connection whose audio packet time no longer fits, so that both sides
    /// send fewer, larger audio packets (or back to the usual ones). A
    /// connection mid-negotiation carries the new wish in its next description.
    pub(super) async fn ask_for_ptime(&mut self) {
        let want = self.wanted_ptime();
        let stale: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.ptime_ms != want)
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            let Some(peer) = self.peers.get_mut(&id) else {
                continue;
            };
            peer.ptime_ms = want;
            match peer.negotiate().await {
                Ok(Some(offer)) => self.send(ClientMsg::Signal {
                    to: id,
                    signal: offer,
                }),
                Ok(None) => {}
                Err(err) => js::warn("offer", &err),
            }
        }
    }

    pub(super) fn open_peer_by_id(&mut self, id: PeerId) {
        let attempt = Attempt::new(js::monotonic_ms(), Generation::default());
        self.open_attempt(id, attempt);
    }

    /// Opens the connection of `attempt` to `id`, in place of the one before
    /// it; what the other side announced carries over.
    fn open_attempt(&mut self, id: PeerId, attempt: Attempt) {
        let Some(me) = self.session.me() else { return };
        let send = self.sender();
        let generation = attempt.generation();
        let report = move |ev| send(Event::Peer(id, generation, ev));
        match Peer::new(me, id, &self.ice, attempt, report) {
            Ok(mut peer) => {
                peer.ptime_ms = self.wanted_ptime();
                if let Some(old) = self.peers.remove(&id) {
                    peer.remote_screen = old.remote_screen.clone();
                    peer.remote_receive = old.remote_receive;
                    peer.remote_send = old.remote_send;
                    peer.set_hold(old.hold());
                    self.ladder.forget(id);
                }
                self.peers.insert(id, peer);
            }
            Err(err) => js::warn("RTCPeerConnection", &err),
        }
    }

    /// Gives up on the connection to `id` and opens the next, offering.
    pub(super) fn replace_peer(&mut self, id: PeerId) {
        let Some(old) = self.peers.get(&id) else {
            return;
        };
        let attempt = old.attempt.next(js::monotonic_ms());
        let why = format!(
            "not connected: opening connection {}",
            attempt.generation().0
        );
        js::info("peer", &id.to_string(), &why);
        self.open_attempt(id, attempt);
        if let Some(peer) = self.peers.get_mut(&id) {
            peer.add_local_as_offerer(&self.local);
        }
        self.emit(Action::Link(id, Link::Connecting));
    }

    /// Every connection down past its patience is replaced (on the heartbeat).
    pub(super) fn replace_overdue_peers(&mut self) {
        let now = js::monotonic_ms();
        let overdue: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.attempt.overdue(now))
            .map(|(id, _)| *id)
            .collect();
        for id in overdue {
            self.replace_peer(id);
        }
    }

    /// A signal from `from`, for the connection it belongs to: a newer one
    /// replaces ours, an older one's are dropped.
    pub(super) async fn signal(&mut self, from: PeerId, signal: Signal) {
        let now = js::monotonic_ms();
        let generation = signal.generation();
        let fresh = match self.peers.get(&from) {
            None => Some(Attempt::new(now, generation)),
            Some(peer) => match peer.attempt.fit(generation) {
                Fit::Stale => return,
                Fit::This if !peer.yields_to(&signal) => None,
                Fit::This | Fit::Newer => Some(peer.attempt.adopt(now, generation)),
            },
        };
        if let Some(attempt) = fresh {
            self.open_attempt(from, attempt);
        }
        let Some(peer) = self.peers.get_mut(&from) else {
            return;
        };
        let ignored = peer.ignores(&signal);
        match peer.receive(signal, &self.local).await {
            Ok(Some(reply)) => self.send(ClientMsg::Signal {
                to: from,
                signal: reply,
            }),
            Ok(None) => {}
            Err(err) => js::warn("negotiation", &err),
        }
        if ignored {
            // Our offer wins the collision, if it ever arrived: it goes
            // again (a copy is answered, or fails harmlessly as late).
            self.resend_offer(from);
        }
    }

    /// Servers, fresh TURN credentials and our policy, from a welcome or a
    /// refresh: for every connection from now on, and at once (an ICE
    /// restart) for those relayed through our TURN allocation, which the
    /// relay would drop once the old credentials expire.
    pub(super) async fn take_ice(&mut self, ice: IceConfig) {
        for (id, peer) in &self.peers {
            if let Err(err) = peer.set_ice(&ice) {
                js::warn("setConfiguration", &err);
                continue;
            }
            match peer.counters().await {
                Ok(c) if c.relayed => {
                    js::info(
                        "ice",
                        &id.to_string(),
                        "restart with fresh TURN credentials",
                    );
                    peer.restart_ice();
                }
                Ok(_) => {}
                Err(err) => js::warn("getStats", &err),
            }
        }
        self.ice = ice;
    }

    /// What a peer announced that shapes our connection to it: its screen's
    /// stream id and the tiers it sends and takes.
    pub(super) fn note_media(&mut self, info: &PeerInfo) {
        if let Some(peer) = self.peers.get_mut(&info.id) {
            peer.remote_screen = info.media.screen.clone();
            peer.remote_receive = info.media.receive;
            peer.remote_send = info.media.tier;
            peer.set_hold(info.hold);
        }
    }

    pub(super) async fn peer_event(&mut self, id: PeerId, generation: Generation, ev: PeerEvent) {
        // Late news of a connection already replaced.
        let Some(peer) = self
            .peers
            .get_mut(&id)
            .filter(|p| p.attempt.generation() == generation)
        else {
            return;
        };
        match ev {
            PeerEvent::NegotiationNeeded => match peer.negotiate().await {
                Ok(Some(offer)) => self.send(ClientMsg::Signal {
                    to: id,
                    signal: offer,
                }),
                Ok(None) => {}
                Err(err) => js::warn("offer", &err),
            },
            PeerEvent::Candidate(signal) => self.send(ClientMsg::Signal { to: id, signal }),
            PeerEvent::Track { track, stream } => match peer.receive_track(track, stream) {
                Received::Main(stream) => self.emit(Action::RemoteMain(id, stream)),
                Received::Screen(stream) => self.emit(Action::RemoteScreen(id, stream)),
            },
            PeerEvent::State(state) => {
                if state == RtcPeerConnectionState::Connected {
                    peer.attempt.up();
                } else {
                    peer.attempt.down(js::monotonic_ms());
                }
                let link = match state {
                    RtcPeerConnectionState::Connected => {
                        self.emit(Action::Link(id, Link::Connected));
                        return self.apply_limits().await;
                    }
                    RtcPeerConnectionState::Failed => {
                        peer.restart_ice();
                        Link::Retrying
                    }
                    RtcPeerConnectionState::Disconnected => Link::Retrying,
                    _ => Link::Connecting,
                };
                self.emit(Action::Link(id, link));
            }
        }
    }
}
