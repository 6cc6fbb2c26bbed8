//! How many connections each client holds, with a cap.
//!
//! A client is an IPv4 address, or an IPv6 /64 ([`ClientKey`]): an IPv6
//! host usually owns a whole /64 and may use a fresh address for every
//! connection, so a cap per IPv6 address would not hold it to anything.
//!
//! A slot is taken when a connection is accepted and travels with the
//! connection's socket ([`Counted`]), so a WebSocket keeps its slot after
//! the HTTP upgrade, until the socket is dropped.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use std::os::fd::AsRawFd;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Whom a per-client limit counts a connection against: the one place
/// that says which addresses are one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4(Ipv4Addr),
    /// The /64 an IPv6 address is in (its host half zeroed).
    V6(Ipv6Addr),
}

impl ClientKey {
    /// `ip`'s client. An IPv4 client of a dual-stack socket (an
    /// IPv4-mapped IPv6 address) counts as its IPv4 address.
    pub fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self::V4(v4),
            IpAddr::V6(v6) => Self::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        }
    }
}

impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(v4) => write!(f, "{v4}"),
            Self::V6(net) => write!(f, "{net}/64"),
        }
    }
}

/// Open connections by client, each client at most `cap`.
#[derive(Debug)]
pub struct PerClient {
    cap: usize,
    open: Mutex<HashMap<ClientKey, usize>>,
}

impl PerClient {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            cap,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for one more connection from `client`, or `None` if it holds
    /// `cap` already.
    pub fn admit(self: &Arc<Self>, client: ClientKey) -> Option<ClientSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(client).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            table: self.clone(),
            client,
        })
    }

    /// Connections open from `client` now.
    pub fn open(&self, client: ClientKey) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&client).copied().unwrap_or(0)
    }
}

/// One connection's place in [`PerClient`]; given back when dropped.
#[derive(Debug)]
pub struct ClientSlot {
    table: Arc<PerClient>,
    client: ClientKey,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self
            .table
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// An accepted socket holding its client's slot for as long as it lives.
///
/// When dropped it first discards, without waiting, what the client sent
/// that nobody read: closing a socket with unread data makes the kernel
/// reset the connection instead of closing it, and the client may then
/// lose the last thing the server sent (the `Error` and close frame of a
/// WebSocket cut off for flooding, say).
pub struct Counted {
    io: TcpStream,
    _slot: ClientSlot,
}

/// Most unread bytes discarded at close; beyond it the reset is the
/// client's own doing.
const DISCARD_AT_CLOSE: usize = 256 * 1024;

impl Counted {
    pub fn new(io: TcpStream, slot: ClientSlot) -> Self {
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
    use super::{ClientKey, PerClient};
    use std::net::IpAddr;

    fn key(ip: &str) -> ClientKey {
        ClientKey::of(ip.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn addresses_are_one_client_by_ipv4_address_or_ipv6_slash_64() {
        // (what, first, second, one client)
        let table = [
            ("the same IPv4 address", "192.0.2.1", "192.0.2.1", true),
            ("two IPv4 addresses", "192.0.2.1", "192.0.2.2", false),
            ("IPv4-mapped is IPv4", "192.0.2.1", "::ffff:192.0.2.1", true),
            (
                "mapped, another address",
                "192.0.2.1",
                "::ffff:192.0.2.2",
                false,
            ),
            (
                "one /64",
                "2001:db8:1:2::1",
                "2001:db8:1:2:aaaa:bbbb:cccc:dddd",
                true,
            ),
            ("another /64", "2001:db8:1:2::1", "2001:db8:1:3::1", false),
            (
                "a /64 differing in bit 64",
                "2001:db8::1",
                "2001:db8:0:1::1",
                false,
            ),
            ("IPv6 loopback is not IPv4's", "127.0.0.1", "::1", false),
        ];
        for (what, a, b, same) in table {
            let clients = PerClient::new(1);
            let _first = clients.admit(key(a)).expect(what);
            assert_eq!(clients.admit(key(b)).is_none(), same, "{what}: {a} {b}");
        }
    }

    #[test]
    fn keys_name_the_address_or_the_network() {
        assert_eq!(key("::ffff:192.0.2.1").to_string(), "192.0.2.1");
        assert_eq!(key("2001:db8:1:2:3:4:5:6").to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn caps_each_client_on_its_own_and_frees_on_drop() {
        let (a, b) = (key("2001:db8::1"), key("2001:db8:0:1::1"));
        let clients = PerClient::new(2);
        let a1 = clients.admit(a).unwrap();
        let _a2 = clients.admit(key("2001:db8::2")).unwrap();
        assert!(
            clients.admit(a).is_none(),
            "a third from A's /64 is over the cap"
        );
        let _b1 = clients.admit(b).expect("B has its own count");
        drop(a1);
        assert_eq!(clients.open(a), 1);
        assert!(
            clients.admit(a).is_some(),
            "a freed slot can be taken again"
        );
    }

    #[test]
    fn forgets_a_client_with_nothing_open() {
        let clients = PerClient::new(1);
        drop(clients.admit(key("127.0.0.1")).unwrap());
        assert_eq!(clients.open(key("127.0.0.1")), 0);
        assert!(clients.open.lock().unwrap().is_empty());
    }
}
