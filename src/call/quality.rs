//! The engine's side of the thin-link ladder: every half second it reads the
//! connections' statistics, feeds the uplink and downlink controllers
//! (`sala_ladder`), and acts on their decisions — encoder plans per connection
//! for what we send, an announced receive tier so the others stop sending us
//! what our downlink cannot take.

use super::limits::SendPlan;
use super::stats::{self, Counters};
use super::{js, Engine, Event};
use crate::state::{Action, DataSaver};
use gloo_storage::{LocalStorage, Storage};
use sala_ladder::{Config, Controller, Millis, Preference};
use sala_protocol::{MediaState, QualityTier};
use std::collections::VecDeque;

/// How often the statistics are read.
pub const TICK_MS: u32 = 500;
const SAVER_KEY: &str = "sala.data-saver";
const MINUTE_MS: u64 = 60_000;

pub struct Ladder {
    up: Controller,
    down: Controller,
    saver: DataSaver,
    prev: Option<(Millis, Counters)>,
    /// Bytes per minute over the last hour, oldest first.
    minutes: VecDeque<(u64, u64)>,
    ticker: Option<gloo_timers::callback::Interval>,
}

impl Ladder {
    /// The ladder as the user left it on this device.
    pub fn load() -> Self {
        let saver = LocalStorage::get::<String>(SAVER_KEY)
            .ok()
            .and_then(|c| DataSaver::from_code(&c))
            .unwrap_or_default();
        let mut ladder = Self {
            up: Controller::new(Config::default(), QualityTier::VideoHigh),
            down: Controller::new(Config::default(), QualityTier::VideoHigh),
            saver,
            prev: None,
            minutes: VecDeque::new(),
            ticker: None,
        };
        ladder.set_saver(Millis(0), saver);
        ladder.up.poll_decision();
        ladder.down.poll_decision();
        ladder
    }

    pub fn send_tier(&self) -> QualityTier {
        self.up.tier()
    }

    pub fn receive_tier(&self) -> QualityTier {
        self.down.tier()
    }

    pub fn saver(&self) -> DataSaver {
        self.saver
    }

    fn set_saver(&mut self, now: Millis, saver: DataSaver) {
        let (up, down) = match saver {
            DataSaver::Auto | DataSaver::FixedSite => (Preference::Auto, Preference::Auto),
            DataSaver::ReceiveAudioOnly => (Preference::Auto, Preference::AudioAndSlides),
            DataSaver::AudioOnly => (Preference::AudioAndSlides, Preference::AudioAndSlides),
        };
        if saver == DataSaver::FixedSite && self.saver != DataSaver::FixedSite {
            self.up = Controller::new(Config::default(), QualityTier::AudioSlides);
            self.down = Controller::new(Config::default(), QualityTier::AudioSlides);
        }
        self.saver = saver;
        self.up.set_preference(now, up);
        self.down.set_preference(now, down);
    }

    /// Adds the bytes moved since the last reading to this minute's bucket.
    fn count(&mut self, now: Millis, bytes: u64) -> u64 {
        let minute = now.0 / MINUTE_MS;
        match self.minutes.back_mut() {
            Some((m, b)) if *m == minute => *b += bytes,
            _ => self.minutes.push_back((minute, bytes)),
        }
        while self.minutes.front().is_some_and(|(m, _)| *m + 60 <= minute) {
            self.minutes.pop_front();
        }
        self.minutes.iter().map(|(_, b)| b).sum()
    }
}

impl Engine {
    /// Starts reading statistics (once, when the call begins).
    pub(super) fn start_ladder(&mut self) {
        if self.ladder.ticker.is_none() {
            let send = self.sender();
            self.ladder.ticker = Some(gloo_timers::callback::Interval::new(TICK_MS, move || {
                send(Event::QualityTick)
            }));
        }
    }

    pub(super) fn stop_ladder(&mut self) {
        self.ladder.ticker = None;
    }

    /// What we announce: the local capture plus where we stand on the ladder.
    pub(super) fn media_state(&self) -> MediaState {
        MediaState {
            tier: self.ladder.send_tier(),
            receive: self.ladder.receive_tier(),
            ..self.local.announce()
        }
    }

    pub(super) async fn quality_tick(&mut self) {
        let now = Millis(js::monotonic_ms() as u64);
        let mut total = Counters::default();
        for peer in self.peers.values() {
            match peer.counters().await {
                Ok(c) => total.add(&c),
                Err(err) => js::warn("getStats", &err),
            }
        }
        if let Some((then, prev)) = self.ladder.prev.replace((now, total)) {
            let (up, down) = stats::samples(&prev, &total, now.0.saturating_sub(then.0));
            self.ladder.up.handle_sample(now, up);
            self.ladder.down.handle_sample(now, down);
            let moved = (total.bytes() - prev.bytes()).max(0.0) as u64;
            let last_hour = self.ladder.count(now, moved);
            if now.0 / 1000 != then.0 / 1000 {
                self.emit(Action::Usage {
                    bytes_last_hour: last_hour,
                });
            }
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
        while let Some(d) = self.ladder.up.poll_decision() {
            js::info("send tier", &format!("{:?} ({:?})", d.tier, d.reason));
            changed = true;
        }
        while let Some(d) = self.ladder.down.poll_decision() {
            js::info("receive tier", &format!("{:?} ({:?})", d.tier, d.reason));
            changed = true;
        }
        if changed {
            self.emit(Action::Quality {
                send: self.ladder.send_tier(),
                receive: self.ladder.receive_tier(),
            });
            self.apply_limits().await;
            self.announce();
        }
    }

    /// Puts every connection's encoders on the plan for its tier: ours,
    /// lowered to what the other side's downlink takes.
    pub(super) async fn apply_limits(&self) {
        let n = self.peers.len();
        for peer in self.peers.values() {
            let tier = self.ladder.send_tier().min(peer.remote_receive);
            if let Err(err) = peer.apply(SendPlan::new(n, tier)).await {
                js::warn("setParameters", &err);
            }
        }
    }
}
