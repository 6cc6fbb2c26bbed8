//! A floor under how slowly a request body may arrive, so that a client
//! sending an upload a byte at a time cannot hold a connection (and its
//! buffer) for hours.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::BoxError;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// A body must have `grace` plus one second per `bytes_per_sec` bytes it
/// has delivered: the average rate after the head start may not fall below
/// `bytes_per_sec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinRate {
    pub grace: Duration,
    pub bytes_per_sec: u32,
}

impl MinRate {
    /// When a body that began at `start` and has delivered `received`
    /// bytes is too slow, unless more comes before.
    pub fn deadline(&self, start: Instant, received: u64) -> Instant {
        let rate = u64::from(self.bytes_per_sec.max(1));
        let earned = Duration::from_micros(received.saturating_mul(1_000_000) / rate);
        start + self.grace + earned
    }
}

/// Why a request body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the request body arrived more slowly than the server accepts")]
    TooSlow,
    #[error("reading the request body failed: {0}")]
    Read(#[source] BoxError),
}

/// `inner`, ended with [`BodyError::TooSlow`] once it falls behind
/// [`MinRate`]. The timer is only made if the body ever has to wait.
pub struct RateBody<B> {
    inner: B,
    rule: MinRate,
    start: Instant,
    received: u64,
    timer: Option<Pin<Box<Sleep>>>,
    too_slow: bool,
}

impl<B> RateBody<B> {
    pub fn new(inner: B, rule: MinRate) -> Self {
        Self {
            inner,
            rule,
            start: Instant::now(),
            received: 0,
            timer: None,
            too_slow: false,
        }
    }
}

impl<B> Body for RateBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = &mut *self;
        if this.too_slow {
            return Poll::Ready(Some(Err(BodyError::TooSlow)));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    if let Some(timer) = &mut this.timer {
                        timer
                            .as_mut()
                            .reset(this.rule.deadline(this.start, this.received));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(BodyError::Read(e.into())))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let deadline = this.rule.deadline(this.start, this.received);
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if timer.as_mut().poll(cx).is_ready() {
                    this.too_slow = true;
                    tracing::debug!(received = this.received, "request body too slow");
                    return Poll::Ready(Some(Err(BodyError::TooSlow)));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::MinRate;
    use std::time::Duration;
    use tokio::time::Instant;

    #[test]
    fn each_byte_buys_time_at_the_minimum_rate() {
        let rule = MinRate {
            grace: Duration::from_secs(10),
            bytes_per_sec: 1000,
        };
        let t0 = Instant::now();
        assert_eq!(rule.deadline(t0, 0), t0 + Duration::from_secs(10));
        assert_eq!(rule.deadline(t0, 500), t0 + Duration::from_millis(10_500));
        assert_eq!(rule.deadline(t0, 40_000), t0 + Duration::from_secs(50));
    }

    #[test]
    fn a_zero_rate_is_one_byte_a_second_not_a_division_by_zero() {
        let rule = MinRate {
            grace: Duration::ZERO,
            bytes_per_sec: 0,
        };
        let t0 = Instant::now();
        assert_eq!(rule.deadline(t0, 3), t0 + Duration::from_secs(3));
    }
}
