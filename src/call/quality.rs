//! The engine's side of the thin-link ladder: every half second it reads each
//! connection's statistics and feeds the controllers (`sala_ladder`): one per
//! connection for what we send on it (in a mesh every path has its own
//! bandwidth estimate and loss), and one for our downlink, fed with the best
//! connection's view (trouble on every connection is ours; trouble on one is
//! the sender's, whose own controller deals with it). Decisions become encoder
//! plans per connection and an announced receive tier, so the others stop
//! sending us what our downlink cannot take.

use super::limits::{self, SendPlan};
use super::stats::{self, Counters};
use super::{js, Engine, Event};
use crate::sorted_map::SortedMap;
use crate::state::{Action, DataSaver};
use gloo_storage::{LocalStorage, Storage};
use sala_ladder::Sample;
use sala_ladder::{Config, Controller, Millis, Preference};
use sala_protocol::{MediaState, PeerId, QualityTier};
use std::collections::VecDeque;

/// How often the statistics are read.
pub const TICK_MS: u32 = 500;
const SAVER_KEY: &str = "sala.data-saver";
const MINUTE_MS: u64 = 60_000;

/// Whether the ladder acts on what it reads. `?ladder=off` on the page's
/// address turns it off, for comparing Sala with plain WebRTC on the same
/// link (`cargo xtask bench ladder --plain`): tiers stay at full video unless
/// the data saver asks otherwise, and the browser keeps its own audio
/// settings (no packet time, FEC or DTX wishes in the SDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adaptation {
    Auto,
    Off,
}

impl Adaptation {
    fn from_page() -> Self {
        match js::query_param("ladder").as_deref() {
            Some("off") => Self::Off,
            _ => Self::Auto,
        }
    }
}

pub struct Ladder {
    adaptation: Adaptation,
    /// What we send, per connection.
    up: SortedMap<PeerId, Controller>,
    down: Controller,
    saver: DataSaver,
    /// Previous reading per connection.
    prev: SortedMap<PeerId, Counters>,
    /// The latest samples fed, to say in the log why a probe failed.
    last_up: SortedMap<PeerId, Sample>,
    last_down: Option<Sample>,
    /// When the last reading started.
    last_tick: Option<Millis>,
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
        let adaptation = Adaptation::from_page();
        if adaptation == Adaptation::Off {
            js::info("ladder", "off", "?ladder=off");
        }
        let mut ladder = Self {
            adaptation,
            up: SortedMap::new(),
            down: Controller::new(Config::default(), QualityTier::VideoHigh),
            saver,
            prev: SortedMap::new(),
            last_up: SortedMap::new(),
            last_down: None,
            last_tick: None,
            minutes: VecDeque::new(),
            ticker: None,
        };
        ladder.set_saver(Millis(0), saver);
        ladder.down.poll_decision();
        ladder
    }

    /// Whether the ladder adapts to the link (see [`Adaptation`]).
    pub fn adapts(&self) -> bool {
        self.adaptation == Adaptation::Auto
    }

    fn start_tier(&self) -> QualityTier {
        if self.saver == DataSaver::FixedSite {
            QualityTier::AudioSlides
        } else {
            QualityTier::VideoHigh
        }
    }

    fn up_preference(&self) -> Preference {
        if self.saver == DataSaver::AudioOnly {
            Preference::AudioAndSlides
        } else {
            Preference::Auto
        }
    }

    /// The controller for what we send to `peer`, made on first use.
    fn up(&mut self, now: Millis, peer: PeerId) -> &mut Controller {
        let (start, preference) = (self.start_tier(), self.up_preference());
        self.up.get_or_insert_with(peer, || {
            let mut c = Controller::new(Config::default(), start);
            c.set_preference(now, preference);
            c.poll_decision();
            c
        })
    }

    /// What we send at towards `peer`.
    pub fn send_tier_to(&self, peer: PeerId) -> QualityTier {
        self.up
            .get(&peer)
            .map_or(self.initial_send_tier(), Controller::tier)
    }

    /// Our uplink as a whole: as good as the best connection (one thin path
    /// is the other side's problem, not ours).
    pub fn send_tier(&self) -> QualityTier {
        self.up
            .values()
            .map(Controller::tier)
            .max()
            .unwrap_or(self.initial_send_tier())
    }

    /// Before a connection has a controller of its own.
    fn initial_send_tier(&self) -> QualityTier {
        self.start_tier().min(self.up_preference().cap())
    }

    pub fn receive_tier(&self) -> QualityTier {
        self.down.tier()
    }

    /// The lower of our uplink's and our downlink's tiers, probes not counted
    /// (see [`Controller::settled_tier`]).
    pub fn settled_tier(&self) -> QualityTier {
        let up = self
            .up
            .values()
            .map(Controller::settled_tier)
            .max()
            .unwrap_or(self.initial_send_tier());
        up.min(self.down.settled_tier())
    }

    pub fn saver(&self) -> DataSaver {
        self.saver
    }

    fn set_saver(&mut self, now: Millis, saver: DataSaver) {
        let down = match saver {
            DataSaver::Auto | DataSaver::FixedSite => Preference::Auto,
            DataSaver::ReceiveAudioOnly | DataSaver::AudioOnly => Preference::AudioAndSlides,
        };
        if saver == DataSaver::FixedSite && self.saver != DataSaver::FixedSite {
            self.up.clear();
            self.down = Controller::new(Config::default(), QualityTier::AudioSlides);
        }
        self.saver = saver;
        let up = self.up_preference();
        for c in self.up.values_mut() {
            c.set_preference(now, up);
        }
        self.down.set_preference(now, down);
    }

    /// Forgets a connection that closed.
    pub fn forget(&mut self, peer: PeerId) {
        self.up.remove(&peer);
        self.prev.remove(&peer);
        self.last_up.remove(&peer);
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
        // On a starved machine a reading can take longer than the interval;
        // the ticks queued meanwhile are dropped, not run back to back in
        // front of everything else the engine has to do.
        if self
            .ladder
            .last_tick
            .is_some_and(|t| now.0.saturating_sub(t.0) < u64::from(TICK_MS) * 4 / 5)
        {
            return;
        }
        self.ladder.last_tick = Some(now);
        let mut downs: Vec<(Sample, QualityTier)> = Vec::new();
        let mut moved = 0u64;
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        let n = ids.len();
        for id in ids {
            let Some(peer) = self.peers.get(&id) else {
                continue;
            };
            let counters = match peer.counters().await {
                Ok(c) => c,
                Err(err) => {
                    js::warn("getStats", &err);
                    continue;
                }
            };
            let their_send = peer.remote_send;
            if let Some(prev) = self.ladder.prev.insert(id, counters) {
                moved += (counters.bytes() - prev.bytes()).max(0.0) as u64;
                if !self.ladder.adapts() {
                    continue;
                }
                let (up, down) = stats::samples(&prev, &counters);
                let controller = self.ladder.up(now, id);
                controller.set_needs(limits::needs(n));
                controller.handle_sample(now, up);
                self.ladder.last_up.insert(id, up);
                downs.push((down, their_send));
            }
        }
        if let Some(down) = downlink_sample(&downs) {
            self.ladder.down.handle_sample(now, down);
            self.ladder.last_down = Some(down);
        }
        let last_hour = self.ladder.count(now, moved);
        if now.0 / 1000 != now.0.saturating_sub(u64::from(TICK_MS)) / 1000 {
            self.emit(Action::Usage {
                bytes_last_hour: last_hour,
            });
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
        for (id, c) in &mut self.ladder.up {
            while let Some(d) = c.poll_decision() {
                let why = explain(d.reason, self.ladder.last_up.get(id));
                js::info("send tier", d.tier.as_str(), &why);
                changed = true;
            }
        }
        while let Some(d) = self.ladder.down.poll_decision() {
            let why = explain(d.reason, self.ladder.last_down.as_ref());
            js::info("receive tier", d.tier.as_str(), &why);
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

/// A decision's reason for the log, with the sample behind a fall (in
/// kbit/s and per mille: integers keep float formatting out of the client).
fn explain(reason: sala_ladder::Reason, sample: Option<&Sample>) -> String {
    let Some(s) = sample.filter(|_| reason != sala_ladder::Reason::Probe) else {
        return reason.as_str().to_owned();
    };
    let permille = |x: Option<f32>| x.map_or(-1, |x| (x * 1000.0) as i32);
    format!(
        "{} (capacity {} kbit/s, loss {}‰, stress {}‰)",
        reason.as_str(),
        s.capacity_bps.map_or(-1, |c| (c / 1000) as i64),
        permille(s.loss),
        permille(s.stress)
    )
}

/// Our downlink as the best connection sees it: trouble on every connection
/// is ours. (With a single connection the two cannot be told apart; the
/// receive side then steps down too and probes back up like any other.)
fn downlink_sample(downs: &[(Sample, QualityTier)]) -> Option<Sample> {
    let min =
        |f: fn(&Sample) -> Option<f32>| downs.iter().filter_map(|(s, _)| f(s)).reduce(f32::min);
    let first = downs.first()?;
    Some(Sample {
        loss: min(|s| s.loss),
        stress: min(|s| s.stress),
        ..first.0
    })
}
