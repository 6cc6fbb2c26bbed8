//! How many connections each client address holds, with a cap.
//!
//! A slot is taken when a connection is accepted and travels with the
//! connection's socket ([`Counted`]), so a WebSocket keeps its slot after
//! the HTTP upgrade, until the socket is dropped.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use std::os::fd::AsRawFd;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Open connections by client address, each address at most `cap`.
#[derive(Debug)]
pub struct PerIp {
    cap: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl PerIp {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for one more connection from `ip`, or `None` if it holds
    /// `cap` already. IPv4 clients of a dual-stack socket count as IPv4.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<IpSlot> {
        let ip = ip.to_canonical();
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(ip).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(IpSlot {
            table: self.clone(),
            ip,
        })
    }

    /// Connections open from `ip` now.
    pub fn open(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&ip.to_canonical()).copied().unwrap_or(0)
    }
}

/// One connection's place in [`PerIp`]; given back when dropped.
#[derive(Debug)]
pub struct IpSlot {
    table: Arc<PerIp>,
    ip: IpAddr,
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let mut open = self
            .table
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// An accepted socket holding its address's slot for as long as it lives.
///
/// When dropped it first discards, without waiting, what the client sent
/// that nobody read: closing a socket with unread data makes the kernel
/// reset the connection instead of closing it, and the client may then
/// lose the last thing the server sent (the `Error` and close frame of a
/// WebSocket cut off for flooding, say).
pub struct Counted {
    io: TcpStream,
    _slot: IpSlot,
}

/// Most unread bytes discarded at close; beyond it the reset is the
/// client's own doing.
const DISCARD_AT_CLOSE: usize = 256 * 1024;

impl Counted {
    pub fn new(io: TcpStream, slot: IpSlot) -> Self {
        Self { io, _slot: slot }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut buf = [0u8; 4096];
        let mut discarded = 0;
        while discarded < DISCARD_AT_CLOSE {
            // SAFETY: `buf` is valid for `buf.len()` bytes; the fd is open
            // (we own the socket) and MSG_DONTWAIT never blocks.
            let n = unsafe {
                libc::recv(
                    self.io.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            if n <= 0 {
                break;
            }
            discarded += n as usize;
        }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::PerIp;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn caps_each_address_on_its_own_and_frees_on_drop() {
        let table = PerIp::new(2);
        let a1 = table.admit(A).unwrap();
        let _a2 = table.admit(A).unwrap();
        assert!(table.admit(A).is_none(), "a third from A is over the cap");
        let _b1 = table.admit(B).expect("B has its own count");
        drop(a1);
        assert_eq!(table.open(A), 1);
        assert!(table.admit(A).is_some(), "a freed slot can be taken again");
    }

    #[test]
    fn forgets_an_address_with_nothing_open() {
        let table = PerIp::new(1);
        drop(table.admit(A).unwrap());
        assert_eq!(table.open(A), 0);
        assert!(table.open.lock().unwrap().is_empty());
    }

    #[test]
    fn an_ipv4_client_on_a_dual_stack_socket_counts_as_ipv4() {
        let table = PerIp::new(1);
        let _v4 = table.admit(A).unwrap();
        let mapped = IpAddr::V6(Ipv4Addr::new(127, 0, 0, 1).to_ipv6_mapped());
        assert!(table.admit(mapped).is_none());
        assert!(table.admit(IpAddr::V6(Ipv6Addr::LOCALHOST)).is_some());
    }
}
