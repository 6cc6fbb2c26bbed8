//! The engine's side of the thin-link ladder: every half second it reads each
//! connection's statistics into `sala_ladder::MeshLadder` (which judges the
//! uplink per connection and the downlink from the best one). Decisions
//! become encoder plans per connection and an announced receive tier, so the
//! others stop sending us what our downlink cannot take.

use super::limits::{self, SendPlan};
use super::{js, Engine, Event};
use crate::state::{Action, DataSaver};
use gloo_storage::{LocalStorage, Storage};
use sala_ladder::{Adaptation, Direction, MeshLadder, Millis, TICK_MS};
use sala_protocol::{MediaState, PeerId, QualityTier};

const SAVER_KEY: &str = "sala.data-saver";

/// The ladder as the user left it on this device; `?ladder=off` on the
/// page's address turns adaptation off, for comparing Sala with plain WebRTC
/// on the same link (`cargo xtask bench ladder --plain`): the browser then
/// also keeps its own audio settings (no packet time, FEC or DTX wishes).
pub fn load() -> MeshLadder {
    let saver = LocalStorage::get::<String>(SAVER_KEY)
        .ok()
        .and_then(|c| DataSaver::from_code(&c))
        .unwrap_or_default();
    let adaptation = match js::query_param("ladder").as_deref() {
        Some("off") => {
            js::info("ladder", "off", "?ladder=off");
            Adaptation::Off
        }
        _ => Adaptation::Auto,
    };
    MeshLadder::new(saver, adaptation)
}

impl Engine {
    /// Starts reading statistics (once, when the call begins).
    pub(super) fn start_ladder(&mut self) {
        if self.ladder_ticker.is_none() {
            let send = self.sender();
            self.ladder_ticker = Some(gloo_timers::callback::Interval::new(TICK_MS, move || {
                send(Event::QualityTick)
            }));
        }
    }

    pub(super) fn stop_ladder(&mut self) {
        self.ladder_ticker = None;
    }

    /// What we announce: the local capture plus where we stand on the ladder.
    pub(super) fn media_state(&self) -> MediaState {
        MediaState {
            tier: self.ladder.send_tier(),
            receive: self.ladder.receive_tier(),
            stills_for: self.stills_for(),
            ..self.local.announce()
        }
    }

    /// While we share a screen: the peers whose connection with us takes no
    /// video (their plan pauses the screen), who get it as stills instead.
    pub(super) fn stills_for(&self) -> Vec<PeerId> {
        if self.local.screen().is_none() {
            return Vec::new();
        }
        self.peers
            .iter()
            .filter(|(id, p)| {
                self.ladder.send_tier_to(**id).min(p.remote_receive) < QualityTier::VideoLow
            })
            .map(|(id, _)| *id)
            .collect()
    }

    pub(super) async fn quality_tick(&mut self) {
        let now = Millis(js::monotonic_ms() as u64);
        if !self.ladder.start_reading(now) {
            return;
        }
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        let needs = limits::needs(ids.len());
        for id in ids {
            let Some(peer) = self.peers.get(&id) else {
                continue;
            };
            match peer.counters().await {
                Ok(counters) => self.ladder.read(now, id, counters, needs),
                Err(err) => js::warn("getStats", &err),
            }
        }
        if let Some(bytes_last_hour) = self.ladder.end_reading(now) {
            self.emit(Action::Usage { bytes_last_hour });
        }
        self.act_on_decisions().await;
    }

    pub(super) async fn set_data_saver(&mut self, saver: DataSaver) {
        // Remembering the choice is a convenience; private mode may refuse it.
        drop(LocalStorage::set(SAVER_KEY, saver.code()));
        self.ladder
            .set_saver(Millis(js::monotonic_ms() as u64), saver);
        self.emit(Action::DataSaver(saver));
        self.act_on_decisions().await;
    }

    async fn act_on_decisions(&mut self) {
        let mut changed = false;
        while let Some(logged) = self.ladder.poll_decision() {
            let what = match logged.direction {
                Direction::Send(_) => "send tier",
                Direction::Receive => "receive tier",
            };
            js::info(what, logged.decision.tier.as_str(), &logged.why());
            changed = true;
        }
        if changed {
            self.emit(Action::Quality {
                send: self.ladder.send_tier(),
                receive: self.ladder.receive_tier(),
            });
            self.apply_limits().await;
            self.announce();
            self.want_images();
        }
        // Also when a probe held, which is no decision.
        self.ask_for_ptime().await;
    }

    /// Puts every connection's encoders on the plan for its tier: ours,
    /// lowered to what the other side's downlink takes.
    pub(super) async fn apply_limits(&self) {
        let n = self.peers.len();
        for (id, peer) in &self.peers {
            let tier = self.ladder.send_tier_to(*id).min(peer.remote_receive);
            if let Err(err) = peer.apply(SendPlan::new(n, tier)).await {
                js::warn("setParameters", &err);
            }
        }
    }
}
