//! The mesh ladder on virtual time: connections modelled as cumulative
//! `getStats()` counters, read every [`TICK_MS`] as the shell does.

use super::*;
use sala_protocol::PeerId;
use QualityTier::*;

const A: PeerId = PeerId(1);
const B: PeerId = PeerId(2);

/// One connection's link, both ways.
#[derive(Clone, Copy)]
struct Link {
    /// What our uplink's estimate says, bits/s.
    capacity: f64,
    /// Share of the audio we receive that is lost.
    loss_in: f64,
    /// Share of what we send that the far end reports lost.
    loss_out: f64,
}

const CLEAN: Link = Link {
    capacity: 2_000_000.0,
    loss_in: 0.0,
    loss_out: 0.0,
};

fn lossy_in(loss_in: f64) -> Link {
    Link { loss_in, ..CLEAN }
}

/// Counters after `ticks` readings on `link`: 50 audio packets and 60 kB
/// each way per tick.
fn counters(link: Link, ticks: u64) -> Counters {
    let n = ticks as f64;
    Counters {
        available_out_bps: Some(link.capacity),
        rtt_s: Some(0.08),
        remote_fraction_lost: Some(link.loss_out),
        loss_reports: n,
        bytes_sent: 30_000.0 * n,
        bytes_received: 30_000.0 * n,
        packets_received: 50.0 * (1.0 - link.loss_in) * n,
        packets_lost: 50.0 * link.loss_in * n,
        ..Counters::default()
    }
}

fn needs() -> [u32; 4] {
    Config::default().needs_bps
}

/// Reads `links` every tick for `seconds`, from tick `from` on; returns
/// the last tick read and every decision, in order.
fn run(
    ladder: &mut MeshLadder,
    links: &[(PeerId, Link)],
    from: u64,
    seconds: u64,
) -> (u64, Vec<Logged>) {
    let mut decisions = Vec::new();
    let ticks = seconds * 1000 / u64::from(TICK_MS);
    for tick in from..from + ticks {
        let now = Millis(tick * u64::from(TICK_MS));
        assert!(ladder.start_reading(now), "a reading is due at {now:?}");
        for &(peer, link) in links {
            ladder.read(now, peer, counters(link, tick), needs());
        }
        ladder.end_reading(now);
        decisions.extend(std::iter::from_fn(|| ladder.poll_decision()));
    }
    (from + ticks, decisions)
}

#[test]
fn the_downlink_is_the_best_connection() {
    // (loss on A's audio, on B's, receive tier after 20 s)
    let cases = [
        (0.0, 0.0, VideoHigh, "a clean downlink"),
        (0.3, 0.0, VideoHigh, "one sender's trouble is that sender's"),
        (0.0, 0.3, VideoHigh, "whichever connection it is"),
        (0.3, 0.3, AudioSlides, "trouble on every connection is ours"),
    ];
    for (a, b, tier, what) in cases {
        let mut ladder = MeshLadder::new(DataSaver::Auto, Adaptation::Auto);
        run(&mut ladder, &[(A, lossy_in(a)), (B, lossy_in(b))], 1, 20);
        assert_eq!(
            ladder.receive_tier() >= VideoLow,
            tier >= VideoLow,
            "{what}"
        );
        assert_eq!(
            ladder.send_tier(),
            VideoHigh,
            "{what}: the uplinks are clean"
        );
    }
}

#[test]
fn the_uplink_is_as_good_as_its_best_path_and_each_path_keeps_its_own() {
    let thin = Link {
        capacity: 40_000.0,
        loss_out: 0.2,
        ..CLEAN
    };
    let mut ladder = MeshLadder::new(DataSaver::Auto, Adaptation::Auto);
    let (_, decisions) = run(&mut ladder, &[(A, CLEAN), (B, thin)], 1, 20);
    assert_eq!(ladder.send_tier_to(A), VideoHigh);
    assert!(
        ladder.send_tier_to(B) < VideoLow,
        "B's path fell: {decisions:?}"
    );
    assert_eq!(ladder.send_tier(), VideoHigh);
    assert!(decisions
        .iter()
        .all(|d| d.direction == Direction::Send(B) && d.sample.is_some()));
    // Settled: the lower of the best uplink and the downlink.
    assert_eq!(ladder.settled_tier(), VideoHigh);

    ladder.forget(A);
    assert_eq!(ladder.send_tier(), ladder.send_tier_to(B), "only B is left");
    ladder.forget(B);
    assert_eq!(
        ladder.send_tier(),
        VideoHigh,
        "no path: where a new one starts"
    );
}

#[test]
fn readings_closer_than_four_fifths_of_a_tick_are_dropped() {
    // (the last reading began at, now, due)
    let cases = [
        (0, 399, false),
        (0, 400, true),
        (1000, 1100, false),
        (1000, 1600, true),
    ];
    for (last, now, due) in cases {
        let mut ladder = MeshLadder::new(DataSaver::Auto, Adaptation::Auto);
        assert!(ladder.start_reading(Millis(last)));
        assert_eq!(ladder.start_reading(Millis(now)), due, "{last} → {now}");
    }
}

#[test]
fn usage_is_the_last_hours_bytes_told_once_a_second() {
    let mut ladder = MeshLadder::new(DataSaver::Auto, Adaptation::Off);
    let mut told = Vec::new();
    // One connection moving 60 kB a tick for 61 minutes.
    let ticks = 61 * 60 * 1000 / u64::from(TICK_MS);
    for tick in 0..=ticks {
        let now = Millis(tick * u64::from(TICK_MS));
        assert!(ladder.start_reading(now));
        ladder.read(now, A, counters(CLEAN, tick), needs());
        told.extend(ladder.end_reading(now).map(|bytes| (now.0, bytes)));
    }
    assert_eq!(told.len() as u64, ticks / 2, "once a second, from 1 s on");
    let at = |ms: u64| told.iter().find(|(t, _)| *t == ms).map(|(_, b)| *b);
    assert_eq!(at(500), None, "not between whole seconds");
    // The reading at 0 has nothing to compare with; 500 and 1000 add 60 kB each.
    assert_eq!(at(1000), Some(120_000));
    // A minute is 120 readings of 60 kB. As minute 60 begins, minute 0 goes:
    // minutes 1–59 and the first reading of minute 60 are the last hour.
    let minute = 120 * 60_000;
    assert_eq!(at(60 * 60 * 1000), Some(59 * minute + 60_000));
    assert_eq!(at(61 * 60 * 1000), Some(59 * minute + 60_000), "and so on");
    assert_eq!(
        at(60 * 60 * 1000 - 1000),
        Some(58 * minute + (119 + 119) * 60_000),
        "before: minutes 0–59"
    );
    assert_eq!(ladder.send_tier(), VideoHigh, "off: no tier moves");
}

#[test]
fn adaptation_off_moves_no_tier_whatever_the_link() {
    let awful = Link {
        capacity: 20_000.0,
        loss_in: 0.5,
        loss_out: 0.5,
    };
    let mut ladder = MeshLadder::new(DataSaver::Auto, Adaptation::Off);
    let (_, decisions) = run(&mut ladder, &[(A, awful), (B, awful)], 1, 30);
    assert!(decisions.is_empty());
    assert_eq!(
        (ladder.send_tier(), ladder.receive_tier()),
        (VideoHigh, VideoHigh)
    );
    assert!(!ladder.adapts());
}

#[test]
fn the_data_saver_sets_where_each_side_starts_and_may_go() {
    // (saver, send tier of a new path, receive tier at start)
    let cases = [
        (DataSaver::Auto, VideoHigh, VideoHigh),
        (DataSaver::ReceiveAudioOnly, VideoHigh, AudioSlides),
        (DataSaver::AudioOnly, AudioSlides, AudioSlides),
        (DataSaver::FixedSite, AudioSlides, AudioSlides),
    ];
    for (saver, send, receive) in cases {
        // Remembered from an earlier visit, and chosen during the call.
        let remembered = MeshLadder::new(saver, Adaptation::Auto);
        let mut chosen = MeshLadder::new(DataSaver::Auto, Adaptation::Auto);
        chosen.set_saver(Millis(1000), saver);
        for (ladder, how) in [(remembered, "remembered"), (chosen, "chosen")] {
            let mut ladder = ladder;
            run(&mut ladder, &[(A, CLEAN)], 3, 1);
            assert_eq!(ladder.send_tier_to(A), send, "{saver:?} {how}: send");
            assert_eq!(ladder.receive_tier(), receive, "{saver:?} {how}: receive");
            assert_eq!(ladder.saver(), saver);
        }
    }
}

#[test]
fn a_fixed_site_climbs_when_the_link_allows() {
    let mut ladder = MeshLadder::new(DataSaver::FixedSite, Adaptation::Auto);
    run(&mut ladder, &[(A, CLEAN)], 1, 120);
    assert!(
        ladder.send_tier_to(A) > AudioSlides,
        "the send side probed up"
    );
    assert!(ladder.receive_tier() > AudioSlides, "the receive side too");
}

#[test]
fn a_decision_says_why_with_the_sample_behind_a_fall() {
    let sample = Sample {
        capacity_bps: Some(64_000),
        loss: Some(0.25),
        rtt_ms: Some(300),
        stress: None,
        limitation: Limitation::Bandwidth,
    };
    let logged = |reason, sample| Logged {
        direction: Direction::Receive,
        decision: Decision {
            at: Millis(0),
            tier: AudioSlides,
            reason,
        },
        sample,
    };
    let cases = [
        (
            logged(Reason::Capacity, Some(sample)),
            "capacity (capacity 64 kbit/s, loss 250‰, stress -1‰)",
        ),
        (logged(Reason::Capacity, None), "capacity"),
        (logged(Reason::Probe, Some(sample)), "probe"),
    ];
    for (logged, why) in cases {
        assert_eq!(logged.why(), why);
    }
}
