//! A token bucket on the caller's clock (sans-IO: time is an argument):
//! the per-connection rate limits, a meeting's door, and what one peer may
//! write to the record all spend from one.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Bucket {
    tokens: f64,
    at: Instant,
    burst: f64,
    per_sec: f64,
}

impl Bucket {
    /// `burst` tokens now, `per_sec` more each second, never beyond `burst`.
    pub fn full(now: Instant, burst: f64, per_sec: f64) -> Self {
        Self {
            tokens: burst,
            at: now,
            burst,
            per_sec,
        }
    }

    fn refill(&mut self, now: Instant) {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * self.per_sec;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.at = now;
    }

    /// Takes `cost` tokens at `now`; `false` (and nothing taken) when there
    /// are not so many.
    pub fn take(&mut self, now: Instant, cost: f64) -> bool {
        self.refill(now);
        if self.tokens >= cost {
            self.tokens -= cost;
            true
        } else {
            false
        }
    }

    /// Whether it would be full at `now` (nothing spent that has not come back).
    pub fn is_full(&self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * self.per_sec;
        self.tokens + refill >= self.burst
    }

    /// When one token will be there, counted from the last `take`.
    pub fn next_token(&self) -> Instant {
        let missing = (1.0 - self.tokens).max(0.0);
        self.at + Duration::from_secs_f64(missing / self.per_sec)
    }
}
