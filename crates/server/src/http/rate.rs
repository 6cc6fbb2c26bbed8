//! Per-connection rate limits, sans-IO (the time comes in as an argument):
//! a token bucket of messages and one of bytes. A browser's bursts (a
//! newcomer's offers and ICE candidates to eleven others, about 150 messages
//! and 100 KB) fit in the buckets; a client that keeps sending faster than
//! [`RATE_PER_SEC`] messages or [`BYTES_PER_SEC`] bytes is cut off. Without
//! the byte budget, 60 frames a second of 64 KiB each (3.75 MiB/s, relayed
//! to every other participant) would pass.

use std::collections::HashMap;
use std::time::Instant;

use sala_protocol::MeetingId;

use crate::bucket::Bucket;

/// Messages a connection may send at once.
pub const BURST: f64 = 300.0;
/// Messages a second a connection may keep sending.
pub const RATE_PER_SEC: f64 = 60.0;
/// Bytes a connection may send at once.
pub const BYTES_BURST: f64 = 1024.0 * 1024.0;
/// Bytes a second a connection may keep sending.
pub const BYTES_PER_SEC: f64 = 128.0 * 1024.0;

/// What one connection may still send.
#[derive(Debug)]
pub struct Limit {
    messages: Bucket,
    bytes: Bucket,
}

impl Limit {
    pub fn new(now: Instant) -> Self {
        Self {
            messages: Bucket::full(now, BURST, RATE_PER_SEC),
            bytes: Bucket::full(now, BYTES_BURST, BYTES_PER_SEC),
        }
    }

    /// Takes one message of `len` bytes at `now`; `false` when either
    /// allowance is spent (then the connection is closed).
    pub fn take(&mut self, now: Instant, len: usize) -> bool {
        self.messages.take(now, 1.0) && self.bytes.take(now, len as f64)
    }
}

/// Refusals at a meeting's door recorded at once.
pub const REFUSALS_BURST: f64 = 30.0;
/// Refusals a minute a meeting's record keeps after the burst.
pub const REFUSALS_PER_MIN: f64 = 6.0;
/// Meetings whose refusals are counted at once; beyond, those with a full
/// allowance are forgotten (they would start full anyway).
const REFUSAL_MEETINGS: usize = 4096;

/// How many refusals at each meeting's door go into its record: someone
/// knocking with forged keys all day must not fill it. Beyond the
/// allowance a refusal is still refused, and logged, but not recorded.
#[derive(Debug, Default)]
pub struct Refusals {
    meetings: HashMap<MeetingId, Bucket>,
}

impl Refusals {
    /// Takes one refusal of `meeting` at `now`: whether to record it.
    pub fn record(&mut self, meeting: &MeetingId, now: Instant) -> bool {
        if self.meetings.len() >= REFUSAL_MEETINGS && !self.meetings.contains_key(meeting) {
            self.meetings.retain(|_, b| !b.is_full(now));
        }
        self.meetings
            .entry(meeting.clone())
            .or_insert_with(|| Bucket::full(now, REFUSALS_BURST, REFUSALS_PER_MIN / 60.0))
            .take(now, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// How many of `n` messages of `len` bytes sent evenly over `secs`
    /// seconds get through before the first refusal.
    fn passed(n: u32, len: usize, secs: f64) -> u32 {
        let t0 = Instant::now();
        let mut limit = Limit::new(t0);
        (0..n)
            .take_while(|i| {
                limit.take(
                    t0 + Duration::from_secs_f64(secs * f64::from(*i) / f64::from(n)),
                    len,
                )
            })
            .count() as u32
    }

    #[test]
    fn bursts_pass_and_a_flood_is_cut_off() {
        // (what, messages, bytes each, over seconds, how many pass)
        let table: [(&str, u32, usize, f64, u32); 7] = [
            ("a burst of 300 small ones at once", 300, 100, 0.0, 300),
            ("not one more", 301, 100, 0.0, 300),
            (
                "50 small ones a second for a minute",
                3_000,
                100,
                60.0,
                3_000,
            ),
            ("a newcomer's offers to eleven others", 150, 700, 0.0, 150),
            (
                "16 frames of 64 KiB at once: the byte burst",
                17,
                65_536,
                0.0,
                16,
            ),
            (
                "one 60 KB chat-sized frame a second for a minute",
                60,
                60_000,
                60.0,
                60,
            ),
            ("10 frames of 64 KiB a second", 200, 65_536, 20.0, 0),
        ];
        for (what, n, len, secs, want) in table {
            let got = passed(n, len, secs);
            if want == 0 {
                // Cut off once the burst is spent: 1 MiB plus what
                // refills meanwhile, 640 KiB/s against 128 KiB/s.
                assert!((19..=21).contains(&got), "{what}: {got}");
            } else {
                assert_eq!(got, want, "{what}");
            }
        }
    }

    #[test]
    fn a_message_flood_of_small_frames_is_cut_by_count() {
        // 1,000 a second for 10 s: the burst plus 60 a second, then cut.
        let flood = passed(10_000, 20, 10.0);
        assert!((310..=330).contains(&flood), "{flood}");
    }

    #[test]
    fn the_buckets_refill_but_not_beyond_their_burst() {
        let t0 = Instant::now();
        let mut limit = Limit::new(t0);
        assert_eq!((0..400).filter(|_| limit.take(t0, 10)).count(), 300);
        assert!(!limit.take(t0, 10));
        assert!(
            limit.take(t0 + Duration::from_millis(20), 10),
            "a token after 1/60 s"
        );
        let later = t0 + Duration::from_secs(3_600);
        assert_eq!((0..400).filter(|_| limit.take(later, 10)).count(), 300);
        let mut limit = Limit::new(t0);
        assert!(limit.take(t0, BYTES_BURST as usize), "the whole byte burst");
        assert!(!limit.take(t0, 1), "then nothing");
        assert!(
            limit.take(t0 + Duration::from_secs(1), BYTES_PER_SEC as usize),
            "a second's worth after a second"
        );
    }

    #[test]
    fn a_meetings_door_records_a_burst_then_a_few_a_minute() {
        let t0 = Instant::now();
        let mut refusals = Refusals::default();
        let (a, b) = (
            MeetingId::from_random([1; 16]),
            MeetingId::from_random([2; 16]),
        );
        let recorded = (0..100).filter(|_| refusals.record(&a, t0)).count();
        assert_eq!(recorded, REFUSALS_BURST as usize);
        // Another meeting's door is counted apart.
        assert!(refusals.record(&b, t0));
        // A minute later, a few more.
        let later = t0 + Duration::from_secs(60);
        let recorded = (0..100).filter(|_| refusals.record(&a, later)).count();
        assert_eq!(recorded, REFUSALS_PER_MIN as usize);
    }
}
