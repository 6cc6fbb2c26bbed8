//! A socket's two halves. Reading is tungstenite's (frames, masks,
//! fragments, UTF-8, size limits). Writing is done here: each frame is
//! formatted into a buffer of its own and written at once, and nothing is
//! kept between frames. tungstenite's writer keeps a buffer in every
//! socket as large as the largest frame it ever sent (the `Welcome`, an
//! SDP offer: 1.2 KB for each idle participant of `bench idle`, tens of KB
//! in a meeting of hundreds), and cannot be made to give it back.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::FutureExt;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use sala_protocol::ServerMsg;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf, ReadHalf, WriteHalf};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

type Io = TokioIo<Upgraded>;

/// The receive half: tungstenite over the read side of the connection.
pub type Reader = WebSocketStream<ReadOnly>;

/// The connection, upgraded, as its two halves.
pub fn split(io: Upgraded, config: WebSocketConfig) -> (Reader, Writer) {
    let (read, write) = tokio::io::split(TokioIo::new(io));
    // No handshake to wait for (it was `upgrade.rs`'s): ready at once. Not
    // awaited, so that no future of the socket's keeps room for it.
    let reader = WebSocketStream::from_raw_socket(ReadOnly(read), Role::Server, Some(config))
        .now_or_never()
        .expect("a WebSocket without a handshake is ready at once");
    (reader, Writer(write))
}

/// The read side, as tungstenite wants it: a stream it may write to. It
/// would answer a `Ping` or a `Close` itself; what it writes is dropped
/// here, and the receive side has the [`Writer`] answer instead, so that
/// frames from two writers never interleave on the wire.
pub struct ReadOnly(ReadHalf<Io>);

impl AsyncRead for ReadOnly {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ReadOnly {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The send half.
pub struct Writer(WriteHalf<Io>);

impl Writer {
    /// Writes one frame made by [`text`], [`pong`] or [`close`], and
    /// flushes it (TLS keeps what is not flushed).
    pub async fn send(&mut self, frame: Vec<u8>) -> io::Result<()> {
        self.0.write_all(&frame).await?;
        self.0.flush().await
    }
}

/// `msg` as the text frame that carries it.
pub fn text(msg: &ServerMsg) -> Vec<u8> {
    let json = serde_json::to_vec(msg).expect("server messages always serialize");
    encode(Frame::message(json, OpCode::Data(Data::Text), true))
}

/// The answer to a client's `Ping`.
pub fn pong(payload: Box<[u8]>) -> Vec<u8> {
    encode(Frame::pong(Vec::from(payload)))
}

/// A close frame; no code at all when `code` is `None`.
pub fn close(code: Option<(u16, &str)>) -> Vec<u8> {
    encode(Frame::close(code.map(|(code, reason)| CloseFrame {
        code: code.into(),
        reason: reason.into(),
    })))
}

fn encode(frame: Frame) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len());
    frame
        .format(&mut out)
        .expect("a frame always formats into a Vec");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_unmasked_and_sized_as_rfc_6455_says() {
        let msg = ServerMsg::Pong { nonce: 7 };
        let json = serde_json::to_vec(&msg).unwrap();
        let frame = text(&msg);
        // FIN + text; no mask bit; a 7-bit length.
        assert_eq!(frame[..2], [0x81, json.len() as u8]);
        assert_eq!(frame[2..], json[..]);

        let long = Frame::message(vec![b'x'; 300], OpCode::Data(Data::Text), true);
        let long = encode(long);
        assert_eq!(long[..4], [0x81, 126, 1, 44]);
        assert_eq!(long.len(), 4 + 300);

        assert_eq!(close(None), [0x88, 0]);
        assert_eq!(
            close(Some((4408, "rate"))),
            [0x88, 6, 0x11, 0x38, b'r', b'a', b't', b'e']
        );
        assert_eq!(pong(Box::new([1, 2])), [0x8a, 2, 1, 2]);
    }
}
