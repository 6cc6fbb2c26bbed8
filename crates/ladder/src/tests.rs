//! Scenarios on virtual time: a model link answers every 500 ms with what
//! `getStats()` would show for the tier the controller is at, and the
//! controller's decisions are checked against the ladder's promises.

use super::*;
use QualityTier::*;

const STEP: u64 = 500;
const GOOD: u32 = 2_000_000;
const THIN: u32 = 64_000;

/// What the link does at a time: its capacity and any loss of its own.
#[derive(Clone, Copy)]
struct Link {
    capacity: u32,
    loss: f32,
}

fn link(capacity: u32) -> Link {
    Link {
        capacity,
        loss: 0.0,
    }
}

/// The stats a sender at `tier` would see on `l`: sending more than fits
/// loses the excess; the bandwidth estimate cannot see far beyond what is sent
/// (as with GCC when application-limited), nor beyond the link.
fn observe(config: &Config, tier: QualityTier, l: Link) -> Sample {
    let sent = config.needs_bps[tier_index(tier)];
    let overload = if sent > l.capacity {
        (sent - l.capacity) as f32 / sent as f32
    } else {
        0.0
    };
    let loss = (overload + l.loss).min(1.0);
    Sample {
        capacity_bps: Some(l.capacity.min(sent * 3 / 2 + 10_000)),
        loss: Some(loss),
        rtt_ms: Some(if overload > 0.0 { 900 } else { 80 }),
        stress: None,
        limitation: if overload > 0.0 {
            Limitation::Bandwidth
        } else {
            Limitation::None
        },
    }
}

struct Run {
    decisions: Vec<Decision>,
    /// Tier in force at every step, for "what was it at time t".
    timeline: Vec<(u64, QualityTier)>,
}

impl Run {
    fn tier_at(&self, ms: u64) -> QualityTier {
        self.timeline
            .iter()
            .take_while(|(t, _)| *t <= ms)
            .last()
            .map(|(_, tier)| *tier)
            .unwrap()
    }

    /// First time at or after `from` the tier satisfied `pred`.
    fn first(&self, from: u64, pred: impl Fn(QualityTier) -> bool) -> Option<u64> {
        self.timeline
            .iter()
            .find(|(t, tier)| *t >= from && pred(*tier))
            .map(|(t, _)| *t)
    }

    fn changes_between(&self, from: u64, to: u64) -> usize {
        self.decisions
            .iter()
            .filter(|d| d.at.0 >= from && d.at.0 < to)
            .count()
    }
}

/// Runs the controller for `duration` ms on a link given by `at(ms)`, with
/// optional preference changes at given times.
fn run(
    start: QualityTier,
    duration: u64,
    at: impl Fn(u64) -> Link,
    prefs: &[(u64, Preference)],
) -> Run {
    let config = Config::default();
    let mut c = Controller::new(config, start);
    let mut decisions = Vec::new();
    let mut timeline = Vec::new();
    let mut t = 0;
    while t <= duration {
        for (_, p) in prefs.iter().filter(|(pt, _)| *pt == t) {
            c.set_preference(Millis(t), *p);
        }
        c.handle_sample(Millis(t), observe(&config, c.tier(), at(t)));
        while let Some(d) = c.poll_decision() {
            assert_eq!(d.at, Millis(t));
            decisions.push(d);
        }
        timeline.push((t, c.tier()));
        t += STEP;
    }
    Run {
        decisions,
        timeline,
    }
}

#[test]
fn a_steady_good_link_changes_nothing() {
    let r = run(VideoHigh, 300_000, |_| link(GOOD), &[]);
    assert!(r.decisions.is_empty(), "{:?}", r.decisions);
}

#[test]
fn step_drop_reaches_audio_and_slides_within_two_seconds() {
    let r = run(
        VideoHigh,
        60_000,
        |t| link(if t < 10_000 { GOOD } else { THIN }),
        &[],
    );
    let fell = r.first(10_000, |t| t <= AudioSlides).expect("fell");
    // A collapse: the second reading in a row that shows it.
    assert_eq!(fell - 10_000, 500, "fell after {} ms", fell - 10_000);
    assert_eq!(
        r.decisions[0].tier, AudioSlides,
        "straight down, not step by step"
    );
    assert_eq!(r.decisions[0].reason, Reason::Capacity);
    // 64 kbit/s carries audio and slides: never lower than that.
    assert!(r.timeline.iter().all(|(_, t)| *t >= AudioSlides));
    // Probes of video on the thin link back off: few, ever further apart.
    let probes: Vec<u64> = r
        .decisions
        .iter()
        .filter(|d| d.reason == Reason::Probe)
        .map(|d| d.at.0)
        .collect();
    assert!(probes.len() <= 4, "probes at {probes:?}");
    for w in probes.windows(3) {
        assert!(w[2] - w[1] >= w[1] - w[0], "backing off: {probes:?}");
    }
    let probing: u64 = r
        .timeline
        .iter()
        .filter(|(t, tier)| *t >= 12_000 && *tier > AudioSlides)
        .count() as u64
        * STEP;
    assert!(
        probing <= 2_000,
        "video probes on a thin link lasted {probing} ms in all"
    );
}

#[test]
fn a_very_thin_link_goes_to_the_audio_floor() {
    let r = run(
        VideoHigh,
        20_000,
        |t| link(if t < 5_000 { GOOD } else { 24_000 }),
        &[],
    );
    assert_eq!(r.tier_at(7_000), AudioMinimal);
}

#[test]
fn slow_decay_steps_down_as_each_tier_stops_fitting() {
    // 2 Mbit/s to 64 kbit/s over 60 s.
    let cap = |t: u64| GOOD - ((GOOD - THIN) as u64 * t.min(60_000) / 60_000) as u32;
    let r = run(VideoHigh, 90_000, |t| link(cap(t)), &[]);
    let config = Config::default();
    for tier in [VideoLow, AudioSlides] {
        let higher = step_up(tier);
        let crossed = (0..=60_000)
            .step_by(STEP as usize)
            .find(|t| cap(*t) < config.needs_bps[tier_index(higher)])
            .unwrap();
        let fell = r.first(crossed, |t| t <= tier).expect("fell");
        assert!(
            fell - crossed <= 2_000,
            "{higher:?} stopped fitting at {crossed} ms, left at {fell} ms"
        );
    }
    assert_eq!(r.tier_at(90_000), AudioSlides);
    // Two falls, each straight to the tier that fits; the probes in between
    // fail at once and come ever further apart.
    let falls: Vec<QualityTier> = r
        .decisions
        .iter()
        .filter(|d| d.reason == Reason::Capacity)
        .map(|d| d.tier)
        .collect();
    assert_eq!(falls, [VideoLow, AudioSlides], "{:?}", r.decisions);
    let probes: Vec<u64> = r
        .decisions
        .iter()
        .filter(|d| d.reason == Reason::Probe)
        .map(|d| d.at.0)
        .collect();
    assert!(probes.len() <= 4, "{:?}", r.decisions);
    assert!(
        probes.windows(3).all(|w| w[2] - w[1] >= w[1] - w[0]),
        "{probes:?}"
    );
}

#[test]
fn a_loss_burst_steps_down_and_the_link_recovers() {
    let at = |t: u64| Link {
        capacity: GOOD,
        loss: if (20_000..23_000).contains(&t) {
            0.4
        } else {
            0.0
        },
    };
    let r = run(VideoHigh, 60_000, at, &[]);
    assert!(r.tier_at(22_000) < VideoHigh, "40% loss for 3 s steps down");
    assert_eq!(r.decisions[0].reason, Reason::Loss);
    let back = r.first(23_000, |t| t == VideoHigh).expect("back to high");
    assert!(
        back - 23_000 <= 20_000,
        "full video back {} ms after the burst: {:?}",
        back - 23_000,
        r.decisions
    );
}

#[test]
fn one_step_down_waits_the_full_sustain_time() {
    // Enough for low video but not for high (10 % of what high video sends
    // is lost): not a collapse, so no haste.
    let r = run(
        VideoHigh,
        20_000,
        |t| link(if t < 10_000 { GOOD } else { 450_000 }),
        &[],
    );
    assert_eq!(r.decisions[0].tier, VideoLow);
    assert_eq!(r.decisions[0].at, Millis(11_000), "{:?}", r.decisions);
}

#[test]
fn a_blip_shorter_than_the_sustain_time_changes_nothing() {
    let at = |t: u64| Link {
        capacity: if t == 10_000 { THIN } else { GOOD },
        loss: if t == 20_000 { 0.5 } else { 0.0 },
    };
    let r = run(VideoHigh, 40_000, at, &[]);
    assert!(r.decisions.is_empty(), "{:?}", r.decisions);
}

#[test]
fn video_returns_within_eight_seconds_of_a_short_outage() {
    // A 6 s cut, as when a mobile witness walks past a dead spot.
    let r = run(
        VideoHigh,
        90_000,
        |t| {
            link(if (10_000..16_000).contains(&t) {
                THIN
            } else {
                GOOD
            })
        },
        &[],
    );
    let video = r.first(16_000, |t| t >= VideoLow).expect("video back");
    assert!(
        video - 16_000 <= 8_000,
        "video back after {} ms: {:?}",
        video - 16_000,
        r.decisions
    );
    let high = r.first(16_000, |t| t == VideoHigh).expect("high back");
    assert!(
        high - 16_000 <= 20_000,
        "full video back after {} ms",
        high - 16_000
    );
}

#[test]
fn after_a_long_outage_video_returns_within_one_probe_interval() {
    // Probes back off on a long thin spell, up to `probe_interval_max`.
    let r = run(
        VideoHigh,
        180_000,
        |t| {
            link(if (10_000..130_000).contains(&t) {
                THIN
            } else {
                GOOD
            })
        },
        &[],
    );
    let video = r.first(130_000, |t| t >= VideoLow).expect("video back");
    let bound = Config::default().probe_interval_max + 2_000;
    assert!(
        video - 130_000 <= bound,
        "video back after {} ms: {:?}",
        video - 130_000,
        r.decisions
    );
}

#[test]
fn a_square_wave_link_does_not_flap() {
    // 30 s good, 30 s thin, for ten minutes.
    let r = run(
        VideoHigh,
        600_000,
        |t| link(if (t / 30_000) % 2 == 0 { GOOD } else { THIN }),
        &[],
    );
    eprintln!(
        "square wave: {} changes: {:?}",
        r.decisions.len(),
        r.decisions
            .iter()
            .map(|d| (d.at.0, d.tier))
            .collect::<Vec<_>>()
    );
    // The first minutes learn the link (a few probes); then it settles on
    // audio + slides with one short probe every few minutes at most.
    assert!(
        r.decisions.len() <= 15,
        "{} changes in 10 minutes: {:?}",
        r.decisions.len(),
        r.decisions
    );
    assert!(
        r.changes_between(300_000, 600_000) <= 2,
        "settled in the second half: {:?}",
        r.decisions
    );
    assert!(
        r.changes_between(200_000, 600_000) <= 4,
        "settled after the first minutes: {:?}",
        r.decisions
    );
    // Every fall still happens fast: audio is never left on an overloaded tier.
    for bad_start in (30_000..600_000).step_by(60_000) {
        let t = bad_start + 2_000;
        assert!(
            r.tier_at(t) <= AudioSlides,
            "thin at {bad_start} ms but {:?} at {t}",
            r.tier_at(t)
        );
    }
}

#[test]
fn fast_oscillation_stays_down() {
    // 1 s good, 1 s thin: no tier above audio + slides can be held. Each
    // thin second is a collapse, so the first one already takes video off;
    // then video is only tried again by probes, ever further apart up to
    // `probe_interval_max` (the model cannot tell this link from a long
    // outage, after which video must come back soon).
    let r = run(
        VideoHigh,
        300_000,
        |t| link(if (t / 1_000) % 2 == 0 { GOOD } else { THIN }),
        &[],
    );
    assert_eq!(
        r.first(0, |t| t <= AudioSlides),
        Some(1_500),
        "{:?}",
        r.decisions
    );
    let steps = &r.timeline[4..];
    let down = steps.iter().filter(|(_, t)| *t <= AudioSlides).count();
    assert!(
        down * 100 >= steps.len() * 90,
        "down {down} of {} readings: {:?}",
        steps.len(),
        r.decisions
    );
    let probes: Vec<u64> = r
        .decisions
        .iter()
        .filter(|d| d.reason == Reason::Probe && d.at.0 >= 60_000)
        .map(|d| d.at.0)
        .collect();
    assert!(
        probes.windows(2).all(|w| w[1] - w[0] >= 16_000),
        "probes at {probes:?}"
    );
}

#[test]
fn the_users_data_saver_caps_the_ladder_and_lifting_it_probes_at_once() {
    let prefs = [
        (5_000, Preference::AudioAndSlides),
        (60_000, Preference::Auto),
    ];
    let r = run(VideoHigh, 90_000, |_| link(GOOD), &prefs);
    assert_eq!(
        r.decisions[0],
        Decision {
            at: Millis(5_000),
            tier: AudioSlides,
            reason: Reason::Preference
        }
    );
    assert!(r
        .timeline
        .iter()
        .filter(|(t, _)| (5_000..60_000).contains(t))
        .all(|(_, tier)| *tier == AudioSlides));
    assert_eq!(
        r.tier_at(60_000),
        VideoHigh,
        "video back the moment the saver is off"
    );
    assert_eq!(r.decisions.len(), 2);
}

#[test]
fn lifting_the_saver_on_a_thin_link_falls_back_quickly() {
    let prefs = [
        (1_000, Preference::AudioMinimal),
        (20_000, Preference::Auto),
    ];
    let r = run(
        VideoHigh,
        40_000,
        |t| link(if t < 10_000 { GOOD } else { THIN }),
        &prefs,
    );
    assert_eq!(r.tier_at(10_000), AudioMinimal);
    assert!(
        r.tier_at(22_000) <= AudioSlides,
        "the thin link could not carry video: {:?}",
        r.decisions
    );
}

#[test]
fn a_fixed_site_starts_low_and_climbs_only_when_the_link_allows() {
    let r = run(AudioSlides, 60_000, |_| link(THIN), &[]);
    let above = r
        .timeline
        .iter()
        .filter(|(_, tier)| *tier > AudioSlides)
        .count() as u64
        * STEP;
    assert!(
        above <= 2_000,
        "video probes on a thin fixed site lasted {above} ms in a minute: {:?}",
        r.decisions
    );
    let good = run(AudioSlides, 30_000, |_| link(GOOD), &[]);
    assert_eq!(good.tier_at(30_000), VideoHigh);
}

#[test]
fn receive_side_stress_steps_down_one_tier() {
    let config = Config::default();
    let mut c = Controller::new(config, VideoHigh);
    for t in (0..=1_000).step_by(STEP as usize) {
        c.handle_sample(
            Millis(t),
            Sample {
                stress: Some(0.3),
                ..Sample::default()
            },
        );
    }
    assert_eq!(
        c.poll_decision(),
        Some(Decision {
            at: Millis(1_000),
            tier: VideoLow,
            reason: Reason::Stress
        })
    );
}

#[test]
fn repeated_cuts_are_trusted_once_then_treated_as_an_unstable_link() {
    // 20 s cuts every 80 s. The first recoveries are prompt; once the link has
    // fallen twice soon after climbing, video waits longer each time (the same
    // rule that keeps a 30 s square wave from flapping), but never for good.
    let cut = |t: u64| t < 400_000 && (t % 80_000) >= 10_000 && (t % 80_000) < 30_000;
    let r = run(
        VideoHigh,
        800_000,
        |t| link(if cut(t) { THIN } else { GOOD }),
        &[],
    );
    let back: Vec<u64> = (0..5u64)
        .map(|cycle| {
            let restored = cycle * 80_000 + 30_000;
            r.first(restored, |t| t >= VideoLow)
                .map_or(u64::MAX, |v| v - restored)
        })
        .collect();
    assert!(
        back[0] <= 12_000 && back[1] <= 12_000,
        "prompt at first: {back:?}"
    );
    let last = back[4];
    assert!(
        last <= Config::default().max_hold_off + 20_000,
        "back once the cuts stop: {back:?}"
    );
}

#[test]
fn a_climb_holds_while_the_estimate_is_still_growing() {
    // After a thin spell GCC's estimate grows only as more is sent: a probe to
    // video low starts at 78 % of its need and gains 8 % a second. Without
    // hysteresis the probe would fail at the end of its window and the climb
    // would be retried after a longer hold-off, again and again.
    let config = Config::default();
    let need = config.needs_bps[tier_index(VideoLow)];
    let mut c = Controller::new(config, AudioSlides);
    let mut climbed = None;
    let mut tiers = Vec::new();
    for step in 0..120u64 {
        let now = step * STEP;
        let sample = match climbed {
            None => observe(&config, c.tier(), link(GOOD)),
            Some(at) => Sample {
                capacity_bps: Some(
                    (need as f64 * 0.78 * 1.08f64.powf((now - at) as f64 / 1000.0)) as u32,
                ),
                loss: Some(0.0),
                rtt_ms: Some(80),
                stress: None,
                limitation: Limitation::None,
            },
        };
        c.handle_sample(Millis(now), sample);
        while let Some(d) = c.poll_decision() {
            tiers.push((now, d.tier));
            if d.tier == VideoLow && climbed.is_none() {
                climbed = Some(now);
            }
        }
    }
    let at = climbed.expect("probed up");
    assert!(at <= 6_000, "first probe at {at} ms");
    assert!(
        tiers.iter().all(|(_, t)| *t >= VideoLow),
        "fell back while the estimate grew: {tiers:?}"
    );
    assert_eq!(c.tier(), VideoHigh, "{tiers:?}");
}

#[test]
fn after_a_long_spell_at_the_audio_floor_video_returns_within_eight_seconds() {
    // A 20 kbit/s spell (below audio + slides) for 60 s: the probes to audio +
    // slides fail all along, but cost nothing, so they do not back off, and
    // the restored link is found at once.
    let r = run(
        VideoHigh,
        120_000,
        |t| {
            link(if (10_000..70_000).contains(&t) {
                20_000
            } else {
                GOOD
            })
        },
        &[],
    );
    let spell: Vec<_> = r
        .timeline
        .iter()
        .filter(|(t, _)| (15_000..70_000).contains(t))
        .collect();
    let floor = spell.iter().filter(|(_, t)| *t == AudioMinimal).count();
    assert!(
        floor * 100 >= spell.len() * 80,
        "at the floor {floor} of {} readings: {:?}",
        spell.len(),
        r.decisions
    );
    let video = r.first(70_000, |t| t >= VideoLow).expect("video back");
    assert!(
        video - 70_000 <= 8_000,
        "video back after {} ms: {:?}",
        video - 70_000,
        r.decisions
    );
}

#[test]
fn a_fall_after_a_failed_probe_is_not_a_flap() {
    // Thin from 10 s: the first probe of video fails; then the link sinks
    // below audio + slides for a while (a fall from the tier the probe
    // started from, not from the one it tried), and at 40 s it is restored.
    // The failed probe already counted against the link; the fall must not
    // count again as a flap, or video would wait the flap hold-off (30 s).
    let at = |t: u64| {
        link(match t {
            0..10_000 => GOOD,
            10_000..16_000 => THIN,
            16_000..25_000 => 20_000,
            25_000..40_000 => THIN,
            _ => GOOD,
        })
    };
    let r = run(VideoHigh, 90_000, at, &[]);
    let failed: Vec<u64> = r
        .decisions
        .iter()
        .filter(|d| d.reason == Reason::ProbeFailed)
        .map(|d| d.at.0)
        .collect();
    assert!(
        failed.first().is_some_and(|t| *t < 16_000),
        "{:?}",
        r.decisions
    );
    assert_eq!(r.tier_at(24_000), AudioMinimal, "{:?}", r.decisions);
    let video = r.first(40_000, |t| t >= VideoLow).expect("video back");
    assert!(
        video - 40_000 <= 10_000,
        "video back after {} ms: {:?}",
        video - 40_000,
        r.decisions
    );
}

#[test]
fn a_probe_is_not_settled_until_it_held() {
    // Thin for 10 s, then good: the first probe of video after the restore
    // is in force at once but settled only once its window is over.
    let config = Config::default();
    let mut c = Controller::new(config, AudioSlides);
    let mut t = 0;
    let mut probe_at = None;
    while t <= 30_000 {
        let l = link(if t < 10_000 { THIN } else { GOOD });
        c.handle_sample(Millis(t), observe(&config, c.tier(), l));
        while let Some(d) = c.poll_decision() {
            if d.reason == Reason::Probe && d.tier == VideoLow && t >= 10_000 && probe_at.is_none()
            {
                probe_at = Some(t);
            }
        }
        if let Some(p) = probe_at {
            let window = config.probe_window[tier_index(VideoLow)];
            if t < p + window {
                assert_eq!(
                    (c.tier(), c.settled_tier()),
                    (VideoLow, AudioSlides),
                    "at {t}"
                );
            } else if t == p + window {
                assert_eq!(c.settled_tier(), VideoLow, "held at {t}");
                return;
            }
        }
        t += STEP;
    }
    panic!("no probe of video held: first at {probe_at:?}");
}

#[test]
fn flapping_between_the_audio_tiers_does_not_hold_video_back() {
    // Below audio + slides, then enough for it long enough for a probe to
    // hold, then below again (the Opus ceiling went up and down, nothing
    // else), then recovered: that swing is no reason to distrust video.
    let at = |t: u64| {
        link(match t {
            0..10_000 => GOOD,
            10_000..15_000 => 20_000,
            15_000..19_000 => 45_000,
            19_000..22_000 => 20_000,
            22_000..60_000 => 45_000,
            _ => GOOD,
        })
    };
    let r = run(VideoHigh, 120_000, at, &[]);
    let held = r.decisions.windows(2).any(|w| {
        w[0].tier == AudioSlides
            && w[0].reason == Reason::Probe
            && w[1].tier == AudioMinimal
            && w[1].reason == Reason::Capacity
    });
    assert!(
        held,
        "a probe to audio + slides held, then a fall: {:?}",
        r.decisions
    );
    // Failed probes of video during the thin spell space the next one out
    // to at most `probe_interval_max`; a flap would have meant 30 s and more.
    let video = r.first(60_000, |t| t >= VideoLow).expect("video back");
    let bound = Config::default().probe_interval_max + STEP;
    assert!(
        video - 60_000 <= bound,
        "video back after {} ms: {:?}",
        video - 60_000,
        r.decisions
    );
}
