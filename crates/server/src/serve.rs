//! Serving connections: the accept loop between the listening socket and
//! [`crate::app`], with what keeps one client from exhausting the server —
//! a cap on connections per client (an IPv4 address or an IPv6 /64), a
//! time limit on request heads (and on idle keep-alive connections, and TLS
//! handshakes), a minimum rate for request bodies, a time limit on a write
//! the client reads nothing of — and `TCP_NODELAY` on every accepted
//! socket, since what the server sends is many small messages that must
//! not wait for Nagle's algorithm.
//!
//! HTTP/1.1 only (WebSockets upgrade from it); over TLS the server offers
//! only `http/1.1` by ALPN, so that the same limits hold.

mod body;
mod per_client;
mod write_stall;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower_service::Service;
use tracing::{debug, warn};

pub use body::{BodyError, MinRate, RateBody};
pub use per_client::{ClientKey, ClientSlot, Counted, PerClient};
pub use write_stall::WriteStall;

use crate::Config;

/// How long to wait after a failed `accept` (out of file descriptors,
/// say) before trying again, so that the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What one client may hold of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A request head (and a TLS handshake) must arrive within this; an
    /// idle keep-alive connection is closed after it.
    pub header_timeout: Duration,
    /// Floor under a request body's rate, after `header_timeout` of grace.
    pub body_min_rate: u32,
    /// Open connections (WebSockets included) from one client
    /// ([`ClientKey`]).
    pub per_client: usize,
    /// A write (of a response, of a WebSocket message) that the client
    /// reads nothing of for this long closes the connection.
    pub write_timeout: Duration,
}

impl Limits {
    pub fn from_config(config: &Config) -> Self {
        Self {
            header_timeout: config.header_timeout,
            body_min_rate: config.body_min_rate,
            per_client: config.max_connections_per_ip,
            write_timeout: config.write_timeout,
        }
    }

    fn body_rule(&self) -> MinRate {
        MinRate {
            grace: self.header_timeout,
            bytes_per_sec: self.body_min_rate,
        }
    }
}

/// How accepted sockets speak.
#[derive(Clone)]
pub enum Transport {
    Plain,
    #[cfg(feature = "tls")]
    Tls(tokio_rustls::TlsAcceptor),
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops
/// accepting, lets requests in progress finish for up to `grace`, and
/// returns. Upgraded WebSockets are not waited for (they close through
/// [`crate::AppState::shutdown`]).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    transport: Transport,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) {
    let per_client = PerClient::new(limits.per_client);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut conns = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        while conns.try_join_next().is_some() {}
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let client = ClientKey::of(peer.ip());
        let Some(slot) = per_client.admit(client) else {
            let cap = limits.per_client;
            debug!(%peer, %client, cap, "connection refused: too many from this client");
            continue;
        };
        if let Err(e) = tune(&tcp) {
            debug!(%peer, error = %e, "could not set socket options");
        }
        let conn = Conn {
            http: http.clone(),
            router: router.clone(),
            rule: limits.body_rule(),
            stop: stop_rx.clone(),
        };
        let transport = transport.clone();
        // Under TLS, so that what TLS writes (the handshake too) is watched.
        let io = WriteStall::new(Counted::new(tcp, slot), limits.write_timeout);
        conns.spawn(async move {
            match transport {
                Transport::Plain => conn.run(io, peer).await,
                #[cfg(feature = "tls")]
                Transport::Tls(tls) => {
                    let handshake = tls.accept(io);
                    match tokio::time::timeout(limits.header_timeout, handshake).await {
                        Ok(Ok(stream)) => conn.run(stream, peer).await,
                        Ok(Err(e)) => debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => debug!(%peer, "TLS handshake too slow"),
                    }
                }
            }
        });
    }
    drop(listener);
    stop_tx.send_replace(true);
    let drained =
        tokio::time::timeout(grace, async { while conns.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        debug!(
            left = conns.len(),
            "connections still open after the grace period"
        );
    }
}

/// Socket options of every accepted connection: no Nagle delay.
pub fn tune(tcp: &TcpStream) -> io::Result<()> {
    tcp.set_nodelay(true)
}

/// One accepted connection's HTTP/1.1 service.
struct Conn {
    http: hyper::server::conn::http1::Builder,
    router: Router,
    rule: MinRate,
    stop: watch::Receiver<bool>,
}

impl Conn {
    async fn run<S>(mut self, io: S, peer: SocketAddr)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (router, rule) = (self.router, self.rule);
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let req = req.map(|body| axum::body::Body::new(RateBody::new(body, rule)));
            router.clone().call(req)
        });
        let conn = self
            .http
            .serve_connection(TokioIo::new(io), service)
            .with_upgrades();
        tokio::pin!(conn);
        let stopping = async {
            let _ = self.stop.wait_for(|stop| *stop).await;
        };
        let ended = tokio::select! {
            ended = conn.as_mut() => ended,
            () = stopping => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = ended {
            debug!(%peer, error = %e, "connection ended with an error");
        }
    }
}

/// Raises the soft limit on open files to the hard limit: every connection
/// is a file descriptor, and the usual soft limit of 1024 would stop the
/// server at about a thousand connections. Returns the limit now in force.
pub fn raise_open_files_limit() -> io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Err(io::Error::last_os_error());
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) != 0 {
                return Err(io::Error::last_os_error());
            }
            lim = raised;
        }
    }
    Ok(lim.rlim_cur)
}
