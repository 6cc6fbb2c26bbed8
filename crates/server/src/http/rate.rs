//! Per-connection message rate limit: a token bucket, sans-IO (the time
//! comes in as an argument). A browser's bursts (a newcomer's offers and ICE
//! candidates to eleven others, about 150 messages) fit in the bucket; a
//! client that keeps sending faster than [`RATE_PER_SEC`] is cut off.

use std::time::Instant;

/// Messages a connection may send at once.
pub const BURST: f64 = 300.0;
/// Messages a second a connection may keep sending.
pub const RATE_PER_SEC: f64 = 60.0;

#[derive(Debug)]
pub struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    pub fn new(now: Instant) -> Self {
        Self {
            tokens: BURST,
            at: now,
        }
    }

    /// Takes one message's token at `now`; `false` when there is none.
    pub fn take(&mut self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * RATE_PER_SEC;
        self.tokens = (self.tokens + refill).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// How many of `n` messages sent evenly over `secs` seconds get through.
    fn passed(n: u32, secs: f64) -> u32 {
        let t0 = Instant::now();
        let mut b = Bucket::new(t0);
        (0..n)
            .filter(|i| b.take(t0 + Duration::from_secs_f64(secs * f64::from(*i) / f64::from(n))))
            .count() as u32
    }

    #[test]
    fn bursts_pass_and_a_flood_is_cut_off() {
        assert_eq!(passed(300, 0.0), 300, "a burst of 300 at once");
        assert_eq!(passed(301, 0.0), 300, "not one more");
        assert_eq!(passed(3_000, 60.0), 3_000, "50 a second for a minute");
        // 1,000 a second for 10 s: the burst plus 60 a second.
        let flood = passed(10_000, 10.0);
        assert!((890..=910).contains(&flood), "{flood}");
    }

    #[test]
    fn the_bucket_refills_but_not_beyond_the_burst() {
        let t0 = Instant::now();
        let mut b = Bucket::new(t0);
        assert_eq!((0..400).filter(|_| b.take(t0)).count(), 300);
        assert!(!b.take(t0));
        assert!(
            b.take(t0 + Duration::from_millis(20)),
            "a token after 1/60 s"
        );
        let later = t0 + Duration::from_secs(3_600);
        assert_eq!((0..400).filter(|_| b.take(later)).count(), 300);
    }
}
