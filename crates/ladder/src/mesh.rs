//! The ladder of one participant in a mesh: a [`Controller`] per connection
//! for what we send on it (in a mesh every path has its own bandwidth
//! estimate and loss), and one for our downlink, fed with the best
//! connection's view (trouble on every connection is ours; trouble on one is
//! the sender's, whose own controller deals with it). The user's
//! [`DataSaver`] sets their preferences; the bytes moved are summed per
//! minute for the usage shown. The shell reads each connection's statistics
//! every [`TICK_MS`] and feeds them here: [`MeshLadder::start_reading`],
//! [`MeshLadder::read`] per connection, [`MeshLadder::end_reading`]; then it
//! acts on [`MeshLadder::poll_decision`].

use crate::{
    Config, Controller, Counters, Decision, Millis, Preference, QualityTier, Reason, Sample,
};
use sala_protocol::PeerId;
use std::collections::VecDeque;

/// How often the shell reads the statistics.
pub const TICK_MS: u32 = 500;
const MINUTE_MS: u64 = 60_000;

/// The user's data-use choice, remembered per device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DataSaver {
    /// The ladder follows the link.
    #[default]
    Auto,
    /// Receive audio and slides only; send what the uplink allows.
    ReceiveAudioOnly,
    /// Audio and slides both ways.
    AudioOnly,
    /// A site known to be thin: start at audio and slides, climb if the link allows.
    FixedSite,
}

impl DataSaver {
    pub const ALL: [DataSaver; 4] = [
        DataSaver::Auto,
        DataSaver::ReceiveAudioOnly,
        DataSaver::AudioOnly,
        DataSaver::FixedSite,
    ];

    /// Stable name, for storage and form values.
    pub fn code(self) -> &'static str {
        match self {
            DataSaver::Auto => "auto",
            DataSaver::ReceiveAudioOnly => "receive-audio-only",
            DataSaver::AudioOnly => "audio-only",
            DataSaver::FixedSite => "fixed-site",
        }
    }

    pub fn from_code(code: &str) -> Option<DataSaver> {
        DataSaver::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Where a connection's sending controller starts.
    fn start_tier(self) -> QualityTier {
        match self {
            DataSaver::FixedSite => QualityTier::AudioSlides,
            DataSaver::Auto | DataSaver::ReceiveAudioOnly | DataSaver::AudioOnly => {
                QualityTier::VideoHigh
            }
        }
    }

    fn up(self) -> Preference {
        match self {
            DataSaver::AudioOnly => Preference::AudioAndSlides,
            DataSaver::Auto | DataSaver::ReceiveAudioOnly | DataSaver::FixedSite => {
                Preference::Auto
            }
        }
    }

    fn down(self) -> Preference {
        match self {
            DataSaver::Auto | DataSaver::FixedSite => Preference::Auto,
            DataSaver::ReceiveAudioOnly | DataSaver::AudioOnly => Preference::AudioAndSlides,
        }
    }
}

/// Whether the ladder acts on what it reads. Off (`?ladder=off` on the
/// page's address) compares Sala with plain WebRTC on the same link: tiers
/// stay at full video unless the data saver asks otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adaptation {
    Auto,
    Off,
}

/// Which of our controllers decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// What we send to this peer.
    Send(PeerId),
    /// What we receive.
    Receive,
}

/// A decision, with the sample that led to it (for the log).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Logged {
    pub direction: Direction,
    pub decision: Decision,
    pub sample: Option<Sample>,
}

impl Logged {
    /// The reason in words, with the sample behind a fall (in kbit/s and per
    /// mille: integers keep float formatting out of the client).
    pub fn why(&self) -> String {
        let Some(s) = self
            .sample
            .filter(|_| self.decision.reason != Reason::Probe)
        else {
            return self.decision.reason.as_str().to_owned();
        };
        let permille = |x: Option<f32>| x.map_or(-1, |x| (x * 1000.0) as i32);
        format!(
            "{} (capacity {} kbit/s, loss {}‰, stress {}‰)",
            self.decision.reason.as_str(),
            s.capacity_bps.map_or(-1, |c| i64::from(c / 1000)),
            permille(s.loss),
            permille(s.stress)
        )
    }
}

/// One connection as the ladder knows it.
struct Path {
    peer: PeerId,
    /// The previous reading.
    prev: Counters,
    /// What we send on it, once two readings have been compared.
    up: Option<Controller>,
    /// The latest sample fed to `up`.
    last: Option<Sample>,
}

pub struct MeshLadder {
    adaptation: Adaptation,
    saver: DataSaver,
    /// By peer, in the order first read.
    paths: Vec<Path>,
    down: Controller,
    last_down: Option<Sample>,
    /// When the last reading started.
    last_tick: Option<Millis>,
    /// The reading under way: each connection's downlink sample, and the
    /// bytes moved since the previous reading.
    downs: Vec<Sample>,
    moved: u64,
    /// Bytes per minute over the last hour, oldest first.
    minutes: VecDeque<(u64, u64)>,
}

impl MeshLadder {
    pub fn new(saver: DataSaver, adaptation: Adaptation) -> Self {
        let mut ladder = Self {
            adaptation,
            saver,
            paths: Vec::new(),
            down: Controller::new(Config::default(), saver.start_tier()),
            last_down: None,
            last_tick: None,
            downs: Vec::new(),
            moved: 0,
            minutes: VecDeque::new(),
        };
        ladder.set_saver(Millis(0), saver);
        // The start is no decision.
        ladder.down.poll_decision();
        ladder
    }

    pub fn adapts(&self) -> bool {
        self.adaptation == Adaptation::Auto
    }

    pub fn saver(&self) -> DataSaver {
        self.saver
    }

    /// What we send at towards `peer`.
    pub fn send_tier_to(&self, peer: PeerId) -> QualityTier {
        self.path(peer)
            .and_then(|p| p.up.as_ref())
            .map_or(self.initial_send_tier(), Controller::tier)
    }

    /// Our uplink as a whole: as good as the best connection (one thin path
    /// is the other side's problem, not ours).
    pub fn send_tier(&self) -> QualityTier {
        self.ups()
            .map(Controller::tier)
            .max()
            .unwrap_or(self.initial_send_tier())
    }

    pub fn receive_tier(&self) -> QualityTier {
        self.down.tier()
    }

    /// The lower of our uplink's and our downlink's tiers, probes not counted
    /// (see [`Controller::settled_tier`]).
    pub fn settled_tier(&self) -> QualityTier {
        let up = self
            .ups()
            .map(Controller::settled_tier)
            .max()
            .unwrap_or(self.initial_send_tier());
        up.min(self.down.settled_tier())
    }

    pub fn set_saver(&mut self, now: Millis, saver: DataSaver) {
        if saver == DataSaver::FixedSite && self.saver != DataSaver::FixedSite {
            for path in &mut self.paths {
                path.up = None;
            }
            self.down = Controller::new(Config::default(), QualityTier::AudioSlides);
        }
        self.saver = saver;
        for c in self.paths.iter_mut().filter_map(|p| p.up.as_mut()) {
            c.set_preference(now, saver.up());
        }
        self.down.set_preference(now, saver.down());
    }

    /// Forgets a connection that closed.
    pub fn forget(&mut self, peer: PeerId) {
        self.paths.retain(|p| p.peer != peer);
    }

    /// Begins a reading at `now`; false when the last one began less than
    /// 4/5 of a tick ago (on a starved machine a reading can take longer
    /// than the interval: the ticks queued meanwhile are dropped, not run
    /// back to back in front of everything else).
    pub fn start_reading(&mut self, now: Millis) -> bool {
        if self
            .last_tick
            .is_some_and(|t| now.0.saturating_sub(t.0) < u64::from(TICK_MS) * 4 / 5)
        {
            return false;
        }
        self.last_tick = Some(now);
        self.downs.clear();
        self.moved = 0;
        true
    }

    /// One connection's counters in this reading; `needs` is what each tier
    /// takes on a mesh of this size.
    pub fn read(&mut self, now: Millis, peer: PeerId, counters: Counters, needs: [u32; 4]) {
        let (start, up_preference) = (self.saver.start_tier(), self.saver.up());
        let adapts = self.adapts();
        let Some(path) = self.paths.iter_mut().find(|p| p.peer == peer) else {
            // A first reading: nothing to compare it with yet.
            self.paths.push(Path {
                peer,
                prev: counters,
                up: None,
                last: None,
            });
            return;
        };
        let prev = std::mem::replace(&mut path.prev, counters);
        self.moved += (counters.bytes() - prev.bytes()).max(0.0) as u64;
        if !adapts {
            return;
        }
        let (up, down) = crate::samples(&prev, &counters);
        let controller = path.up.get_or_insert_with(|| {
            let mut c = Controller::new(Config::default(), start);
            c.set_preference(now, up_preference);
            c.poll_decision();
            c
        });
        controller.set_needs(needs);
        controller.handle_sample(now, up);
        path.last = Some(up);
        self.downs.push(down);
    }

    /// Ends the reading: the downlink's controller takes the best
    /// connection's view. Returns the bytes moved in the last hour when a
    /// new second began, for the usage shown.
    pub fn end_reading(&mut self, now: Millis) -> Option<u64> {
        if let Some(down) = downlink_sample(&self.downs) {
            self.down.handle_sample(now, down);
            self.last_down = Some(down);
        }
        let moved = std::mem::take(&mut self.moved);
        let last_hour = self.count(now, moved);
        (now.0 / 1000 != now.0.saturating_sub(u64::from(TICK_MS)) / 1000).then_some(last_hour)
    }

    /// The next decision of any of our controllers.
    pub fn poll_decision(&mut self) -> Option<Logged> {
        for path in &mut self.paths {
            if let Some(decision) = path.up.as_mut().and_then(Controller::poll_decision) {
                return Some(Logged {
                    direction: Direction::Send(path.peer),
                    decision,
                    sample: path.last,
                });
            }
        }
        let decision = self.down.poll_decision()?;
        Some(Logged {
            direction: Direction::Receive,
            decision,
            sample: self.last_down,
        })
    }

    fn path(&self, peer: PeerId) -> Option<&Path> {
        self.paths.iter().find(|p| p.peer == peer)
    }

    fn ups(&self) -> impl Iterator<Item = &Controller> {
        self.paths.iter().filter_map(|p| p.up.as_ref())
    }

    /// Before a connection has a controller of its own.
    fn initial_send_tier(&self) -> QualityTier {
        self.saver.start_tier().min(self.saver.up().cap())
    }

    /// Adds `bytes` to this minute's bucket; the sum of the last hour.
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

/// Our downlink as the best connection sees it: trouble on every connection
/// is ours. (With a single connection the two cannot be told apart; the
/// receive side then steps down too and probes back up like any other.)
fn downlink_sample(downs: &[Sample]) -> Option<Sample> {
    let min = |f: fn(&Sample) -> Option<f32>| downs.iter().filter_map(f).reduce(f32::min);
    let first = downs.first()?;
    Some(Sample {
        loss: min(|s| s.loss),
        stress: min(|s| s.stress),
        ..*first
    })
}
