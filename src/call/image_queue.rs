//! Which slide image to fetch next, and when: the pure half of the slide
//! fetcher (`slides.rs` does the fetching, the timers and the object URLs).
//! Most wanted first; one at a time; on a thin link no faster than
//! [`THIN_PACE_BPS`] on average, so that the audio beside it keeps flowing;
//! a failed fetch is tried again after [`RETRY_AFTER_MS`] (a thin link loses
//! TCP segments too), up to [`MAX_FAILURES`] times in a row.

use crate::sorted_map::SortedMap;
use std::collections::VecDeque;

/// On a thin link, images are fetched no faster than this.
pub const THIN_PACE_BPS: u32 = 16_000;
/// Gives up on an image after this many failed fetches in a row.
pub const MAX_FAILURES: u32 = 6;
/// Wait after a failed fetch before the next one.
pub const RETRY_AFTER_MS: u32 = 2_000;

/// An image by its server path, and its size in bytes.
pub type Wanted = (String, u32);

/// The fetcher's plan; `T` is what a fetched image is kept as.
pub struct ImageQueue<T> {
    queue: VecDeque<Wanted>,
    loaded: SortedMap<String, T>,
    failures: SortedMap<String, u32>,
    thin: bool,
    /// A fetch loop is running (it stops when the queue runs dry).
    running: bool,
}

impl<T> Default for ImageQueue<T> {
    fn default() -> Self {
        Self {
            queue: VecDeque::new(),
            loaded: SortedMap::new(),
            failures: SortedMap::new(),
            thin: false,
            running: false,
        }
    }
}

impl<T> ImageQueue<T> {
    /// What is wanted now, most wanted first, and whether the link is thin;
    /// what is here already, or failed too often, is left out. True when a
    /// fetch loop must be started.
    pub fn want(&mut self, wanted: impl IntoIterator<Item = Wanted>, thin: bool) -> bool {
        let (loaded, failures) = (&self.loaded, &self.failures);
        self.queue = wanted
            .into_iter()
            .filter(|(path, _)| !loaded.contains_key(path))
            .filter(|(path, _)| failures.get(path).is_none_or(|n| *n < MAX_FAILURES))
            .collect();
        self.thin = thin;
        let start = !self.running && !self.queue.is_empty();
        self.running |= start;
        start
    }

    /// The next image to fetch; `None` ends the loop.
    pub fn next(&mut self) -> Option<Wanted> {
        let next = self.queue.pop_front();
        self.running = next.is_some();
        next
    }

    /// The fetch of `wanted` came back with the image, or without; returns
    /// how long to wait before the next, in milliseconds.
    pub fn fetched(&mut self, wanted: Wanted, image: Option<T>) -> u32 {
        let (path, bytes) = wanted;
        match image {
            Some(image) => {
                self.failures.remove(&path);
                self.loaded.insert(path, image);
                // Pacing, not waiting for other code: on a thin link, images
                // take at most THIN_PACE_BPS on average, beside the audio.
                if self.thin {
                    bytes.saturating_mul(8_000) / THIN_PACE_BPS
                } else {
                    0
                }
            }
            None => {
                let failures = self.failures.get_or_insert_with(path.clone(), || 0);
                *failures += 1;
                if *failures < MAX_FAILURES {
                    self.queue.push_back((path, bytes));
                }
                RETRY_AFTER_MS
            }
        }
    }

    /// The images kept.
    pub fn loaded(&self) -> impl Iterator<Item = &T> {
        self.loaded.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(path: &str, bytes: u32) -> Wanted {
        (path.to_owned(), bytes)
    }

    /// Runs the loop as the shell does, each fetch answered by `ok(path, attempt)`;
    /// returns what was fetched, in order, with the pause after each.
    fn drain(q: &mut ImageQueue<()>, ok: impl Fn(&str, u32) -> bool) -> Vec<(String, u32)> {
        let mut tries = SortedMap::<String, u32>::new();
        let mut log = Vec::new();
        for _ in 0..100 {
            let Some(next) = q.next() else {
                return log;
            };
            let n = tries.get_or_insert_with(next.0.clone(), || 0);
            *n += 1;
            let path = next.0.clone();
            let pause = q.fetched(next, ok(&path, *n).then_some(()));
            log.push((path, pause));
        }
        panic!("the loop did not end: {log:?}");
    }

    #[test]
    fn most_wanted_first_paced_only_on_a_thin_link() {
        // (thin, pause after a 4 kB image)
        for (thin, pause) in [(false, 0), (true, 2_000)] {
            let mut q = ImageQueue::default();
            assert!(
                q.want([img("/a", 4_000), img("/b", 4_000)], thin),
                "a loop starts"
            );
            assert!(
                !q.want([img("/a", 4_000), img("/b", 4_000)], thin),
                "one loop at a time"
            );
            let log = drain(&mut q, |_, _| true);
            assert_eq!(
                log,
                [("/a".into(), pause), ("/b".into(), pause)],
                "thin {thin}"
            );
            assert!(q.want([img("/c", 1_000)], thin), "idle again: a new loop");
        }
    }

    #[test]
    fn what_is_here_is_not_fetched_again_and_new_wants_replace_old() {
        let mut q = ImageQueue::default();
        q.want([img("/a", 10), img("/b", 10)], false);
        let first = q.next().unwrap();
        q.fetched(first, Some(()));
        // The page turned: now /c, then /a (here already), then /b.
        q.want([img("/c", 10), img("/a", 10), img("/b", 10)], false);
        let log: Vec<String> = drain(&mut q, |_, _| true)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(log, ["/c", "/b"]);
        assert_eq!(q.loaded().count(), 3);
    }

    #[test]
    fn a_failed_fetch_is_tried_again_after_the_others_then_given_up() {
        // (fails this many times, fetched in all, kept)
        let cases = [(1, 2, true), (5, 6, true), (6, 6, false), (9, 6, false)];
        for (fails, fetches, kept) in cases {
            let mut q = ImageQueue::default();
            q.want([img("/a", 10), img("/b", 10)], false);
            let log = drain(&mut q, |path, attempt| path != "/a" || attempt > fails);
            let of_a: Vec<u32> = log
                .iter()
                .filter(|(p, _)| p == "/a")
                .map(|(_, pause)| *pause)
                .collect();
            assert_eq!(of_a.len(), fetches, "{fails} failures");
            assert!(of_a
                .iter()
                .take(fails.min(6) as usize)
                .all(|p| *p == RETRY_AFTER_MS));
            assert_eq!(log[1].0, "/b", "the others go before a retry");
            assert_eq!(
                q.loaded().count(),
                if kept { 2 } else { 1 },
                "{fails} failures"
            );
            // Here, or given up: wanting it again fetches nothing.
            assert!(!q.want([img("/a", 10)], false), "{fails} failures");
        }
    }
}
