//! The thin-link quality ladder as a sans-IO state machine.
//!
//! One [`Controller`] per direction (what a participant sends, what it
//! receives). The shell feeds it [`Sample`]s derived from `getStats()` with the
//! time they were taken, and user [`Preference`]s; it answers with [`Decision`]s
//! from [`Controller::poll_decision`]. It never reads a clock, never touches a
//! socket or the browser: time is an argument ([`Millis`]).
//!
//! Policy, in plain words:
//! - **Down fast.** When the link cannot carry the current tier (estimated
//!   capacity below what the tier needs, heavy loss, or freezes/concealment on
//!   the receive side) for [`Config::sustain`], go straight to the highest tier
//!   that fits, several steps at once if need be; sooner
//!   ([`Config::sustain_collapse`]) when that is two or more steps down.
//! - **Up cautiously.** After [`Config::hold_off`] of a quiet link (no loss, no
//!   congestion signal) probe one tier up. If the probe meets trouble within
//!   [`Config::probe_window`], fall back and double the hold-off.
//! - **Never flap.** A fall soon after a climb (within [`Config::flap_window`])
//!   is a flap (a climb whose probe failed is already undone and counted; a
//!   fall between the audio tiers moves only the Opus ceiling and is none). While flaps are remembered ([`Config::flap_memory`]) the
//!   hold-off is [`Config::flap_hold_off`] times 4 per further flap (times 2
//!   per failed probe), up to [`Config::max_hold_off`]: a link cut again and
//!   again within a minute of recovering is treated as unstable, and video
//!   waits longer each time.
//! - **Audio first.** The floor is [`QualityTier::AudioMinimal`]; nothing here
//!   ever turns audio off.

pub use counters::{samples, Counters};
pub use mesh::{Adaptation, DataSaver, Direction, Logged, MeshLadder, TICK_MS};
pub use sala_protocol::QualityTier;

mod counters;
mod mesh;
#[cfg(test)]
mod mesh_tests;
#[cfg(test)]
mod tests;

/// Milliseconds on the shell's monotonic clock (e.g. `performance.now()`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    fn since(self, earlier: Millis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// Why a stream's quality is held back, as `getStats()` reports it
/// (`qualityLimitationReason` of outbound video).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Limitation {
    #[default]
    None,
    Bandwidth,
    Cpu,
    Other,
}

/// One observation of the link, derived by the shell from `getStats()`
/// deltas since the previous sample. `None` means "not known", never "zero".
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    /// Estimated capacity in bits/s: `availableOutgoingBitrate` of the
    /// selected candidate pair when sending; the received bitrate plus the
    /// remote estimate when receiving.
    pub capacity_bps: Option<u32>,
    /// Fraction of packets lost over the interval, 0.0..=1.0 (sending side:
    /// from `remote-inbound-rtp`; receiving side: from `inbound-rtp`).
    pub loss: Option<f32>,
    /// Round-trip time in ms.
    pub rtt_ms: Option<u32>,
    /// Receive side: the share of received audio the decoder had to conceal
    /// over the interval, 0.0..=1.0 (the shell leaves video freezes out: a
    /// stream starting up freezes while its sender ramps up).
    pub stress: Option<f32>,
    pub limitation: Limitation,
}

/// What the user chose; a cap on the automatic ladder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Preference {
    /// The ladder decides.
    #[default]
    Auto,
    /// Data saver: no camera video at all, audio and slides only.
    AudioAndSlides,
    /// Least data: audio at the Opus floor, slides on request.
    AudioMinimal,
}

impl Preference {
    /// The highest tier this preference allows.
    pub fn cap(self) -> QualityTier {
        match self {
            Preference::Auto => QualityTier::VideoHigh,
            Preference::AudioAndSlides => QualityTier::AudioSlides,
            Preference::AudioMinimal => QualityTier::AudioMinimal,
        }
    }
}

/// Why the tier changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The estimated capacity does not carry the tier.
    Capacity,
    /// Sustained packet loss.
    Loss,
    /// Freezes or concealment on the receive side.
    Stress,
    /// A quiet link: trying one tier up.
    Probe,
    /// The probe met trouble: back to where it started.
    ProbeFailed,
    /// The user's preference caps or releases the ladder.
    Preference,
}

impl Reason {
    /// A short name for logs (the client avoids `Debug` formatting for size).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Capacity => "capacity",
            Reason::Loss => "loss",
            Reason::Stress => "stress",
            Reason::Probe => "probe",
            Reason::ProbeFailed => "probe failed",
            Reason::Preference => "preference",
        }
    }
}

/// A change of tier, to be acted on by the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub at: Millis,
    pub tier: QualityTier,
    pub reason: Reason,
}

/// Thresholds and timings; [`Config::default`] is what Sala ships.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// Bits/s a tier needs (audio included), indexed by [`tier_index`].
    pub needs_bps: [u32; 4],
    /// How long trouble must last before stepping down.
    pub sustain: u64,
    /// How long trouble must last when it points two or more tiers down: a
    /// collapse (a cut link, a handover) fills the bottleneck's queue, audio
    /// included, within a second, so two readings in a row suffice.
    pub sustain_collapse: u64,
    /// Quiet time before a probe up; doubled after each failed probe in a row,
    /// up to [`Config::probe_interval_max`] on a link that has not flapped, so
    /// video comes back soon after a long outage.
    pub hold_off: u64,
    pub probe_interval_max: u64,
    /// Quiet time before a probe once the link has flapped; multiplied by 4
    /// for each further flap remembered.
    pub flap_hold_off: u64,
    /// How long a flap is remembered.
    pub flap_memory: u64,
    pub max_hold_off: u64,
    /// After a fall, trouble is not counted for this long: the fall takes a
    /// round trip (and the far side's reaction) to show in the stats.
    pub settle: u64,
    /// A probe that meets trouble this soon fails, by the tier probed (indexed
    /// by [`tier_index`]): short for audio tiers, longer for video, whose
    /// trouble takes the encoder a while to cause.
    pub probe_window: [u64; 4],
    /// A fall this soon after a climb counts as flapping.
    pub flap_window: u64,
    /// A tier just climbed to holds while the estimate is at least this share
    /// of what it needs, until the estimate first reaches the full need.
    pub stay_ratio: f32,
    /// Loss above this is trouble.
    pub loss_trouble: f32,
    /// Loss above this is too much even for one step down: go to the floor of
    /// video (audio + slides).
    pub loss_severe: f32,
    /// Loss below this counts as quiet.
    pub loss_quiet: f32,
    /// Receive-side stress above this is trouble.
    pub stress_trouble: f32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            //           AudioMinimal AudioSlides VideoLow  VideoHigh
            needs_bps: [0, 30_000, 180_000, 500_000],
            sustain: 1_000,
            sustain_collapse: 500,
            settle: 2_500,
            hold_off: 4_000,
            probe_interval_max: 16_000,
            flap_hold_off: 30_000,
            flap_memory: 600_000,
            max_hold_off: 300_000,
            probe_window: [0, 2_000, 3_000, 6_000],
            flap_window: 60_000,
            stay_ratio: 0.75,
            loss_trouble: 0.08,
            loss_severe: 0.25,
            loss_quiet: 0.02,
            stress_trouble: 0.15,
        }
    }
}

const TIERS: [QualityTier; 4] = [
    QualityTier::AudioMinimal,
    QualityTier::AudioSlides,
    QualityTier::VideoLow,
    QualityTier::VideoHigh,
];

/// Position of `tier` on the ladder, 0 = floor.
pub fn tier_index(tier: QualityTier) -> usize {
    match tier {
        QualityTier::AudioMinimal => 0,
        QualityTier::AudioSlides => 1,
        QualityTier::VideoLow => 2,
        QualityTier::VideoHigh => 3,
    }
}

fn step_down(tier: QualityTier) -> QualityTier {
    TIERS[tier_index(tier).saturating_sub(1)]
}

fn step_up(tier: QualityTier) -> QualityTier {
    TIERS[(tier_index(tier) + 1).min(TIERS.len() - 1)]
}

/// The highest tier `capacity` carries (the floor if none).
fn fitting(config: &Config, capacity: u32) -> QualityTier {
    TIERS
        .iter()
        .rev()
        .copied()
        .find(|t| capacity >= config.needs_bps[tier_index(*t)])
        .unwrap_or(TIERS[0])
}

/// The highest tier `capacity` lets a participant *stay* at after a climb: a
/// tier just reached holds down to [`Config::stay_ratio`] of what it needs
/// until the estimate first reaches its full need, so an estimate that is
/// still growing (GCC ramps up only as more is sent) is not mistaken for a
/// link that cannot carry it.
fn holding(config: &Config, capacity: u32) -> QualityTier {
    let stay = |t: QualityTier| (config.needs_bps[tier_index(t)] as f32 * config.stay_ratio) as u32;
    TIERS
        .iter()
        .rev()
        .copied()
        .find(|t| capacity >= stay(*t))
        .unwrap_or(TIERS[0])
}

/// A probe under way: the tier it started from and when.
#[derive(Clone, Copy, Debug)]
struct Probe {
    from: QualityTier,
    since: Millis,
}

/// The ladder for one direction of one participant's link.
#[derive(Debug)]
pub struct Controller {
    config: Config,
    preference: Preference,
    /// Where the automatic ladder stands (before the preference cap).
    auto: QualityTier,
    /// What the shell was last told.
    announced: QualityTier,
    /// Trouble seen continuously since, with the tier it asks for.
    trouble: Option<(Millis, QualityTier, Reason)>,
    /// Quiet continuously since.
    quiet_since: Option<Millis>,
    /// Failed probes since the last one that held.
    failed_probes: u32,
    /// When the remembered flaps happened.
    flaps: Vec<Millis>,
    probe: Option<Probe>,
    last_climb: Option<Millis>,
    /// The estimate has reached the full need of the tier in force since the
    /// last climb; until then the tier holds down to [`Config::stay_ratio`].
    proven: bool,
    last_fall: Option<Millis>,
    decisions: std::collections::VecDeque<Decision>,
}

impl Controller {
    /// Starts at `start` (e.g. [`QualityTier::VideoHigh`], or a lower tier for a
    /// site known to be thin).
    pub fn new(config: Config, start: QualityTier) -> Self {
        Self {
            config,
            preference: Preference::Auto,
            auto: start,
            announced: start,
            trouble: None,
            quiet_since: None,
            failed_probes: 0,
            flaps: Vec::new(),
            probe: None,
            last_climb: None,
            proven: true,
            last_fall: None,
            decisions: Default::default(),
        }
    }

    /// Changes what each tier needs (e.g. when a mesh grows and every
    /// connection's share of the uplink shrinks).
    pub fn set_needs(&mut self, needs_bps: [u32; 4]) {
        self.config.needs_bps = needs_bps;
    }

    /// The tier in force now (automatic ladder, capped by the preference).
    pub fn tier(&self) -> QualityTier {
        self.announced
    }

    /// The tier in force or, while a probe is on, the one it started from:
    /// what a costly change (a renegotiation) should follow, so that it
    /// happens once a tier has held, not for every probe, and a probe is not
    /// judged on the glitch it causes.
    pub fn settled_tier(&self) -> QualityTier {
        self.probe
            .map_or(self.announced, |p| p.from.min(self.preference.cap()))
    }

    pub fn preference(&self) -> Preference {
        self.preference
    }

    /// The next decision to act on, oldest first.
    pub fn poll_decision(&mut self) -> Option<Decision> {
        self.decisions.pop_front()
    }

    /// The user's choice changed.
    pub fn set_preference(&mut self, now: Millis, preference: Preference) {
        let released = preference.cap() > self.preference.cap();
        self.preference = preference;
        if released && self.auto > self.announced {
            // Lifting a cap: take the higher tier at once, as a probe, so a
            // link that cannot carry it falls back within the probe window.
            self.probe = Some(Probe {
                from: self.announced,
                since: now,
            });
            self.last_climb = Some(now);
            self.proven = false;
        }
        self.announce(now, Reason::Preference);
    }

    /// One observation of the link, taken at `now`.
    pub fn handle_sample(&mut self, now: Millis, sample: Sample) {
        if sample
            .capacity_bps
            .is_some_and(|cap| cap >= self.config.needs_bps[tier_index(self.auto)])
        {
            self.proven = true;
        }
        if let Some(probe) = self.probe {
            return self.during_probe(now, &sample, probe);
        }
        match self.judge(&sample) {
            Some(_)
                if self
                    .last_fall
                    .is_some_and(|f| now.since(f) < self.config.settle) =>
            {
                self.quiet_since = None;
            }
            Some((wanted, reason)) => {
                self.quiet_since = None;
                let (since, lowest) = match self.trouble {
                    Some((since, lowest, _)) => (since, lowest.min(wanted)),
                    None => (now, wanted),
                };
                self.trouble = Some((since, lowest, reason));
                let collapse = tier_index(self.announced) >= tier_index(lowest) + 2;
                let sustain = if collapse {
                    self.config.sustain_collapse
                } else {
                    self.config.sustain
                };
                if now.since(since) >= sustain {
                    // One flap per climb: the further falls of the same
                    // trouble are not new evidence of an unstable link. And
                    // only a fall from video is one: between the audio tiers
                    // only the Opus ceiling moves, which is no reason to
                    // distrust video later.
                    let climbed = self.last_climb.take();
                    if self.auto >= QualityTier::VideoLow
                        && climbed.is_some_and(|c| now.since(c) <= self.config.flap_window)
                    {
                        self.flaps.push(now);
                    }
                    self.auto = lowest;
                    self.trouble = None;
                    self.last_fall = Some(now);
                    self.announce(now, reason);
                }
            }
            None if self.is_quiet(&sample) => {
                self.trouble = None;
                let since = *self.quiet_since.get_or_insert(now);
                let room = self.auto < self.preference.cap() && self.auto < QualityTier::VideoHigh;
                if room && now.since(since) >= self.hold_off(now) {
                    self.probe = Some(Probe {
                        from: self.auto,
                        since: now,
                    });
                    self.auto = step_up(self.auto);
                    self.last_climb = Some(now);
                    self.proven = false;
                    self.quiet_since = None;
                    self.announce(now, Reason::Probe);
                }
            }
            None => {
                self.trouble = None;
                self.quiet_since = None;
            }
        }
    }

    /// A probe fails on loss or stress trouble, on an estimate the old tier
    /// could not hold on, or, once its window is over, on an estimate the new
    /// tier cannot hold on (below [`Config::stay_ratio`] of its need: after a
    /// thin spell the estimate grows only as more is sent).
    fn during_probe(&mut self, now: Millis, s: &Sample, probe: Probe) {
        let c = &self.config;
        let over = now.since(probe.since) >= c.probe_window[tier_index(self.auto)];
        let lossy = s.loss.is_some_and(|l| l >= c.loss_trouble)
            || s.stress.is_some_and(|x| x >= c.stress_trouble);
        let short = s.capacity_bps.is_some_and(|cap| {
            holding(c, cap) < probe.from || (over && holding(c, cap) < self.auto)
        });
        if lossy || short {
            self.probe = None;
            self.quiet_since = None;
            self.failed_probes += 1;
            // The climb is undone and counted (the hold-off doubles); a fall
            // from the tier the probe started at is not a flap of it.
            self.last_climb = None;
            // Back to where the probe started, or lower if even that no longer fits.
            let fits = s
                .capacity_bps
                .map_or(probe.from, |cap| fitting(c, cap).min(probe.from));
            self.auto = fits;
            self.announce(now, Reason::ProbeFailed);
        } else if over {
            // The probe held: this tier is the new normal, and the link has been
            // quiet since the probe began, so the next step may follow at once.
            self.probe = None;
            self.quiet_since = Some(probe.since);
            self.failed_probes = 0;
        }
    }

    /// The highest tier the sample says the link carries, if that is below
    /// the one in force; `None` when the sample shows no trouble. Capacity is
    /// judged against what is being sent: a bandwidth estimate cannot see far
    /// beyond the traffic it measures, so it is no reason to stay low.
    fn judge(&self, s: &Sample) -> Option<(QualityTier, Reason)> {
        let c = &self.config;
        let mut verdict: Option<(QualityTier, Reason)> = None;
        let mut lower = |tier: QualityTier, reason: Reason| {
            if tier < self.announced && verdict.is_none_or(|(t, _)| tier < t) {
                verdict = Some((tier, reason));
            }
        };
        if let Some(capacity) = s.capacity_bps {
            let fits = if self.proven {
                fitting(c, capacity)
            } else {
                holding(c, capacity)
            };
            lower(fits, Reason::Capacity);
        }
        if let Some(loss) = s.loss {
            if loss >= c.loss_severe {
                lower(
                    QualityTier::AudioSlides.min(step_down(self.announced)),
                    Reason::Loss,
                );
            } else if loss >= c.loss_trouble {
                lower(step_down(self.announced), Reason::Loss);
            }
        }
        if s.stress.is_some_and(|x| x >= c.stress_trouble) {
            lower(step_down(self.announced), Reason::Stress);
        }
        verdict
    }

    fn is_quiet(&self, s: &Sample) -> bool {
        s.loss.is_none_or(|l| l < self.config.loss_quiet)
            && s.limitation != Limitation::Bandwidth
            && s.stress
                .is_none_or(|x| x < self.config.stress_trouble / 2.0)
    }

    /// Quiet time needed before the next probe. A probe to an audio tier
    /// (the floor to audio + slides: a higher Opus ceiling, nothing else) costs
    /// next to nothing when it fails, so it never waits longer than
    /// [`Config::hold_off`]: a restored link is found within that, and video
    /// probes follow from there.
    fn hold_off(&mut self, now: Millis) -> u64 {
        let c = &self.config;
        if step_up(self.auto) <= QualityTier::AudioSlides {
            return c.hold_off;
        }
        self.flaps.retain(|f| now.since(*f) <= c.flap_memory);
        let backoff = 1u64 << self.failed_probes.min(16);
        match self.flaps.len() as u32 {
            0 => c.hold_off.saturating_mul(backoff).min(c.probe_interval_max),
            n => c
                .flap_hold_off
                .saturating_mul(4u64.pow((n - 1).min(8)))
                .saturating_mul(backoff)
                .min(c.max_hold_off),
        }
    }

    fn announce(&mut self, now: Millis, reason: Reason) {
        let tier = self.auto.min(self.preference.cap());
        if tier != self.announced {
            self.announced = tier;
            self.decisions.push_back(Decision {
                at: now,
                tier,
                reason,
            });
        }
    }
}
