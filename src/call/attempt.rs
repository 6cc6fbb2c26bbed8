//! One attempt at a media connection to one participant: which generation
//! of `RTCPeerConnection` it is, since when it has been down, and when to
//! give up on it for the next. Pure: time comes in as an argument, so it is
//! tested natively.
//!
//! A connection can wait forever for what went down with a dead signaling
//! socket: an answer, or candidates (a browser short of them stays
//! "connecting" and never fails). Its negotiation state may also no longer
//! match the other side's (one side rolled back an offer the other had
//! answered), so that no ICE restart can mend it. A fresh connection can:
//! the side whose patience runs out first opens the next generation, the
//! other follows it, and signals of older ones are dropped (see
//! [`sala_protocol::Generation`]). Patience, not every resume, decides: on
//! a starved machine sockets resume again and again, and replacing a
//! connection on each would throw away the one about to come up.

use sala_protocol::Generation;

/// How long a connection may stay down before it is replaced, at first.
pub const PATIENCE_MS: f64 = 20_000.0;
/// Each replacement that did not come up doubles the patience, up to this.
const MAX_PATIENCE_MS: f64 = 80_000.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attempt {
    generation: Generation,
    /// When it last went down (or was opened); `None` while connected.
    down_since_ms: Option<f64>,
    /// Attempts given up on in a row before this one.
    given_up: u32,
}

/// Where a received signal belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// To a connection we replaced: dropped.
    Stale,
    This,
    /// The other side started a newer connection: ours gives way to it.
    Newer,
}

impl Attempt {
    /// The first connection to a participant, or one the other side started.
    pub fn new(now_ms: f64, generation: Generation) -> Self {
        Self {
            generation,
            down_since_ms: Some(now_ms),
            given_up: 0,
        }
    }

    pub fn generation(&self) -> Generation {
        self.generation
    }

    pub fn fit(&self, generation: Generation) -> Fit {
        match generation.cmp(&self.generation) {
            std::cmp::Ordering::Less => Fit::Stale,
            std::cmp::Ordering::Equal => Fit::This,
            std::cmp::Ordering::Greater => Fit::Newer,
        }
    }

    /// The connection reached "connected".
    pub fn up(&mut self) {
        self.down_since_ms = None;
        self.given_up = 0;
    }

    /// The connection left "connected" (or never got there); the clock runs
    /// from the first time.
    pub fn down(&mut self, now_ms: f64) {
        self.down_since_ms.get_or_insert(now_ms);
    }

    fn patience_ms(&self) -> f64 {
        (PATIENCE_MS * 2f64.powi(self.given_up.min(8) as i32)).min(MAX_PATIENCE_MS)
    }

    /// Down longer than its patience.
    pub fn overdue(&self, now_ms: f64) -> bool {
        self.down_since_ms
            .is_some_and(|since| now_ms - since >= self.patience_ms())
    }

    /// The attempt that replaces this one when we give up on it.
    pub fn next(&self, now_ms: f64) -> Self {
        Self {
            generation: self.generation.next(),
            down_since_ms: Some(now_ms),
            given_up: self.given_up + 1,
        }
    }

    /// The attempt that replaces this one when the other side started
    /// `generation`; our patience stays as worn as it was.
    pub fn adopt(&self, now_ms: f64, generation: Generation) -> Self {
        Self {
            generation,
            down_since_ms: Some(now_ms),
            given_up: self.given_up,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: f64 = 1000.0;

    #[test]
    fn signals_fit_by_generation() {
        let a = Attempt::new(0.0, Generation(2));
        for (g, fit) in [
            (1, Fit::Stale),
            (2, Fit::This),
            (3, Fit::Newer),
            (9, Fit::Newer),
        ] {
            assert_eq!(a.fit(Generation(g)), fit, "generation {g}");
        }
    }

    #[test]
    fn a_connection_that_never_comes_up_is_replaced_with_growing_patience() {
        let mut a = Attempt::new(0.0, Generation(0));
        let mut replaced_at = vec![];
        let mut t = 0.0;
        // Checked every 5 s, as the heartbeat does, for ten minutes.
        while t <= 600.0 * S {
            if a.overdue(t) {
                replaced_at.push(t / S);
                a = a.next(t);
            }
            t += 5.0 * S;
        }
        assert_eq!(
            replaced_at,
            [20.0, 60.0, 140.0, 220.0, 300.0, 380.0, 460.0, 540.0]
        );
        assert_eq!(a.generation(), Generation(8));
    }

    #[test]
    fn up_stops_the_clock_and_forgives_what_was_given_up() {
        let mut a = Attempt::new(0.0, Generation(0))
            .next(20.0 * S)
            .next(60.0 * S);
        a.up();
        assert!(!a.overdue(1000.0 * S), "never overdue while up");
        a.down(1000.0 * S);
        a.down(1010.0 * S); // still down: the clock runs from the first
        assert!(!a.overdue(1019.0 * S));
        assert!(a.overdue(1020.0 * S), "first patience again");
    }

    #[test]
    fn adopting_the_other_sides_generation_keeps_our_patience() {
        let a = Attempt::new(0.0, Generation(0)).next(20.0 * S);
        let b = a.adopt(30.0 * S, Generation(4));
        assert_eq!(b.generation(), Generation(4));
        assert!(!b.overdue(69.0 * S));
        assert!(b.overdue(70.0 * S), "40 s, as worn as before");
    }
}
