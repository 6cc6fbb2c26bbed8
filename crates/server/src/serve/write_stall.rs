//! A bound on how long a write to a client may make no progress, so that a
//! client that asks for a large response (the client's wasm bundle, a
//! slide) and then reads nothing, or a byte now and then, cannot hold its
//! connection, and its place in [`super::PerClient`], for hours.
//!
//! The clock runs only while bytes wait to be written: an idle connection
//! (a WebSocket between messages) writes nothing and is never cut here. A
//! WebSocket whose peer stops reading is cut like a response. The rule is
//! nginx's `send_timeout`: a limit between two successive writes, not on a
//! whole response, which a thin link may take minutes to receive.
//!
//! A full socket takes more only once a good part of its send buffer has
//! gone out (a third, on Linux), so a client reading a byte now and then
//! is cut like one reading nothing. One that keeps reading a trickle (that
//! third of the buffer within every limit) is not: this is no minimum rate.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// `io`, whose writes fail with [`io::ErrorKind::TimedOut`] once one has
/// waited `limit` without a byte going out.
pub struct WriteStall<S> {
    io: S,
    limit: Duration,
    /// The deadline of the write now waiting; made at the first wait and
    /// kept, so that a connection that often waits does not allocate.
    timer: Option<Pin<Box<Sleep>>>,
    /// Whether `timer` is the deadline of a write now waiting (else it is
    /// left over from one that has since gone out).
    waiting: bool,
}

impl<S> WriteStall<S> {
    pub fn new(io: S, limit: Duration) -> Self {
        Self {
            io,
            limit,
            timer: None,
            waiting: false,
        }
    }

    /// Passes on what a write of the inner stream gave, unless it waits and
    /// has waited too long since the last byte went out.
    fn watch(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if polled.is_ready() {
            self.waiting = false;
            return polled;
        }
        let deadline = Instant::now() + self.limit;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if !self.waiting {
            timer.as_mut().reset(deadline);
            self.waiting = true;
        }
        // Polling the timer registers this task's waker with it, so that
        // the write is tried again, and fails, at the deadline even if the
        // socket never becomes writable.
        if timer.as_mut().poll(cx).is_ready() {
            tracing::debug!(limit = ?self.limit, "client stopped reading: connection cut");
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client read nothing of a pending write for too long",
            )));
        }
        Poll::Pending
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteStall<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteStall<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write(cx, buf);
        self.watch(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    // A TCP socket's flush and shutdown do not wait for the client (what
    // TLS flushes goes through `poll_write` of this stream, below it).
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::WriteStall;
    use std::io::ErrorKind;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::time::Instant;

    const LIMIT: Duration = Duration::from_secs(60);

    // The clock is paused: it jumps to the next timer whenever every task
    // waits, so these run at once and never race.

    #[tokio::test(start_paused = true)]
    async fn a_write_nobody_reads_fails_at_the_limit() {
        let (near, _far) = tokio::io::duplex(1024);
        let mut io = WriteStall::new(near, LIMIT);
        let start = Instant::now();
        let written = tokio::time::timeout(LIMIT * 2, io.write_all(&[0; 4096])).await;
        let err = written.expect("cut at the limit").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        assert_eq!(start.elapsed(), LIMIT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_that_keeps_taking_bytes_is_not_cut() {
        let (near, mut far) = tokio::io::duplex(1024);
        let mut io = WriteStall::new(near, LIMIT);
        let reader = tokio::spawn(async move {
            let mut buf = [0; 1024];
            let mut got = 0;
            while got < 10 * 1024 {
                // Pacing the reader, under the limit each time.
                tokio::time::sleep(LIMIT - Duration::from_secs(1)).await;
                got += far.read(&mut buf).await.unwrap();
            }
            got
        });
        io.write_all(&[0; 10 * 1024]).await.unwrap();
        assert_eq!(reader.await.unwrap(), 10 * 1024);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_after_a_long_idle_gets_the_whole_limit_again() {
        let (near, far) = tokio::io::duplex(1024);
        let mut io = WriteStall::new(near, LIMIT);
        // Writes 2 KiB through the 1 KiB pipe, read after half the limit:
        // the writer waits that long each time.
        let reader = |mut far: tokio::io::DuplexStream| {
            tokio::spawn(async move {
                // Pacing the reader.
                tokio::time::sleep(LIMIT / 2).await;
                far.read_exact(&mut [0; 2048]).await.unwrap();
                far
            })
        };
        let read = reader(far);
        io.write_all(&[1; 2048]).await.unwrap();
        let far = read.await.unwrap();
        // Idle far beyond the limit: nothing is waiting, nothing is cut,
        // and the first wait's deadline is not held against the next.
        tokio::time::sleep(LIMIT * 10).await;
        let read = reader(far);
        io.write_all(&[2; 2048]).await.unwrap();
        read.await.unwrap();
    }
}
