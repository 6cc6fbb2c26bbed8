//! One connection's `getStats()` counters, and what two readings say about
//! its uplink and downlink as [`Sample`]s: pure arithmetic, so that the shell
//! only copies numbers out of the browser's report.

use crate::{Limitation, Sample};

/// Cumulative counters and current readings of one connection.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counters {
    /// `availableOutgoingBitrate` of the selected candidate pair, bits/s.
    pub available_out_bps: Option<f64>,
    /// Round-trip time, seconds (candidate pair or RTCP).
    pub rtt_s: Option<f64>,
    /// `fractionLost` the far end reported for what we send (latest RTCP).
    pub remote_fraction_lost: Option<f64>,
    /// How many such reports have come (`roundTripTimeMeasurements`; 0 when
    /// the browser does not count them).
    pub loss_reports: f64,
    /// The camera encoder is held back by bandwidth.
    pub bandwidth_limited: bool,
    pub bytes_sent: f64,
    pub bytes_received: f64,
    /// Received audio packets, and audio packets lost. Audio only: it always
    /// flows, while a video stream's losses during a pause are counted only
    /// when it resumes (seconds late, e.g. after a cut link came back).
    pub packets_received: f64,
    pub packets_lost: f64,
    /// Received audio samples concealed, and all received audio samples.
    pub concealed: f64,
    pub samples: f64,
    /// The selected path leaves through our own TURN allocation.
    pub relayed: bool,
}

impl Counters {
    pub fn bytes(&self) -> f64 {
        self.bytes_sent + self.bytes_received
    }
}

/// What the uplink and the downlink looked like between two readings.
/// Counters that went backwards (a connection closed) read as unknown.
pub fn samples(prev: &Counters, cur: &Counters) -> (Sample, Sample) {
    // A report stands until the next one (a second or more apart for audio):
    // read again, it would be old loss counted anew, e.g. the loss of a cut
    // failing a probe seconds after the link came back.
    let fresh = cur.loss_reports == 0.0 || cur.loss_reports > prev.loss_reports;
    let up = Sample {
        capacity_bps: cur.available_out_bps.map(|b| b as u32),
        loss: cur.remote_fraction_lost.filter(|_| fresh).map(|f| f as f32),
        rtt_ms: cur.rtt_s.map(|s| (s * 1000.0) as u32),
        stress: None,
        limitation: if cur.bandwidth_limited {
            Limitation::Bandwidth
        } else {
            Limitation::None
        },
    };
    let delta = |a: f64, b: f64| (b >= a).then_some(b - a);
    let received = delta(prev.packets_received, cur.packets_received);
    let lost = delta(prev.packets_lost, cur.packets_lost);
    let loss = match (received, lost) {
        (Some(r), Some(l)) if r + l > 0.0 => Some((l / (r + l)) as f32),
        _ => None,
    };
    // Stress is audio concealment. Video freezes are not the downlink's
    // alone: a stream starting up (a probe, the end of a pause) freezes while
    // its sender's encoder ramps up, and a downlink that drowns video drowns
    // the audio in the same queue too.
    let stress = match (
        delta(prev.concealed, cur.concealed),
        delta(prev.samples, cur.samples),
    ) {
        (Some(c), Some(s)) if s > 0.0 => Some((c / s).min(1.0) as f32),
        _ => None,
    };
    let down = Sample {
        capacity_bps: None,
        loss,
        rtt_ms: up.rtt_ms,
        stress,
        limitation: Limitation::None,
    };
    (up, down)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_and_stress_come_from_deltas() {
        let a = Counters {
            available_out_bps: Some(500_000.0),
            rtt_s: Some(0.2),
            remote_fraction_lost: Some(0.1),
            ..Counters::default()
        };
        let prev = Counters {
            packets_received: 100.0,
            packets_lost: 0.0,
            concealed: 0.0,
            samples: 48_000.0,
            ..a
        };
        let cur = Counters {
            packets_received: 190.0,
            packets_lost: 10.0,
            concealed: 4_800.0,
            samples: 96_000.0,
            ..a
        };
        let (up, down) = samples(&prev, &cur);
        assert_eq!(up.capacity_bps, Some(500_000));
        assert_eq!(up.rtt_ms, Some(200));
        assert_eq!(up.loss, Some(0.1));
        assert_eq!(down.loss, Some(0.1));
        assert_eq!(down.stress, Some(0.1), "10% of the audio concealed");
    }

    #[test]
    fn a_loss_report_counts_once() {
        let report = |n: f64| Counters {
            remote_fraction_lost: Some(0.3),
            loss_reports: n,
            ..Counters::default()
        };
        assert_eq!(samples(&report(4.0), &report(5.0)).0.loss, Some(0.3));
        assert_eq!(
            samples(&report(5.0), &report(5.0)).0.loss,
            None,
            "the same report again"
        );
        // A browser that does not count reports: every reading is taken as it is.
        assert_eq!(samples(&report(0.0), &report(0.0)).0.loss, Some(0.3));
    }

    #[test]
    fn counters_that_went_backwards_read_as_unknown() {
        let prev = Counters {
            packets_received: 500.0,
            packets_lost: 5.0,
            ..Counters::default()
        };
        let cur = Counters {
            packets_received: 20.0,
            packets_lost: 0.0,
            ..Counters::default()
        };
        let (up, down) = samples(&prev, &cur);
        assert_eq!((down.loss, up.capacity_bps), (None, None));
    }
}
