//! Whether the socket still carries anything, judged on a steady beat, and
//! how long to wait before the next socket.

use std::time::Duration;

use sala_protocol::{HEARTBEAT_INTERVAL_SECS, HEARTBEAT_TIMEOUT_SECS};

const INTERVAL: Duration = Duration::from_secs(HEARTBEAT_INTERVAL_SECS);
const TIMEOUT: Duration = Duration::from_secs(HEARTBEAT_TIMEOUT_SECS);

/// What a beat calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Nothing heard for too long: the socket is half-open, give it up.
    GiveUp,
    /// Send a ping (on a socket the server has taken up).
    Ping,
}

#[derive(Debug)]
pub(crate) struct Heartbeat {
    /// When the next beat is due.
    next: Duration,
    /// When the last beat came.
    last_beat: Option<Duration>,
    /// When the socket last brought anything (or was opened).
    last_heard: Duration,
}

impl Heartbeat {
    pub(crate) fn new(now: Duration) -> Self {
        Self {
            next: now + INTERVAL,
            last_beat: None,
            last_heard: now,
        }
    }

    pub(crate) fn due(&self) -> Duration {
        self.next
    }

    /// The socket brought something, or a new one was opened.
    pub(crate) fn heard(&mut self, now: Duration) {
        self.last_heard = now;
    }

    /// The beat at `now` (at or past [`Self::due`]). A beat far later than
    /// its interval means the page was frozen (a starved or throttled tab),
    /// not that the server went quiet: what the socket brought meanwhile
    /// is still queued behind the timer. The socket is judged from the
    /// next beat on.
    pub(crate) fn beat(&mut self, now: Duration) -> Beat {
        let frozen = self
            .last_beat
            .is_some_and(|t| now.saturating_sub(t) > 2 * INTERVAL);
        self.last_beat = Some(now);
        self.next = now + INTERVAL;
        if frozen {
            self.last_heard = self.last_heard.max(now.saturating_sub(INTERVAL));
        }
        if now.saturating_sub(self.last_heard) > TIMEOUT {
            Beat::GiveUp
        } else {
            Beat::Ping
        }
    }
}

/// Delay before reconnect attempt `attempt` (0-based): exponential from
/// 250 ms, capped at 8 s, plus up to half again of `jitter` in `[0, 1)` so
/// that a whole room cut off at once does not come back in one burst.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let base_ms = 250u64.saturating_mul(1u64 << attempt.min(5)).min(8_000);
    let spread = (base_ms as f64 * 0.5 * jitter.clamp(0.0, 1.0)) as u64;
    Duration::from_millis(base_ms + spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn silence_past_the_timeout_gives_the_socket_up() {
        let mut h = Heartbeat::new(Duration::ZERO);
        let beats: Vec<Beat> = (1..=4).map(|i| h.beat(i * 5 * S)).collect();
        assert_eq!(beats, [Beat::Ping, Beat::Ping, Beat::Ping, Beat::GiveUp]);
        h.heard(20 * S);
        assert_eq!(h.beat(25 * S), Beat::Ping);
    }

    #[test]
    fn a_late_beat_is_a_frozen_page_not_a_silent_server() {
        let mut h = Heartbeat::new(Duration::ZERO);
        assert_eq!(h.beat(5 * S), Beat::Ping);
        // Frozen for 40 s: the messages of that time are still queued.
        assert_eq!(h.beat(45 * S), Beat::Ping);
        // Still nothing on the next beat: now it counts.
        assert_eq!(h.beat(50 * S), Beat::Ping);
        assert_eq!(h.beat(55 * S), Beat::Ping);
        assert_eq!(h.beat(60 * S), Beat::GiveUp);
    }

    #[test]
    fn backoff_grows_then_caps() {
        let table = [
            (0, 250),
            (1, 500),
            (2, 1_000),
            (3, 2_000),
            (4, 4_000),
            (5, 8_000),
            (6, 8_000),
            (60, 8_000),
        ];
        for (attempt, ms) in table {
            assert_eq!(
                backoff(attempt, 0.0),
                Duration::from_millis(ms),
                "attempt {attempt}"
            );
        }
    }

    #[test]
    fn jitter_spreads_up_to_half_and_is_clamped() {
        assert_eq!(backoff(2, 0.5), Duration::from_millis(1_250));
        assert_eq!(backoff(2, 7.0), Duration::from_millis(1_500));
        assert_eq!(backoff(2, -1.0), Duration::from_millis(1_000));
    }
}
