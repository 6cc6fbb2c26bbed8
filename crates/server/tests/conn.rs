//! The accept loop's limits against a real server on 127.0.0.1:0, served
//! by `sala_server::serve` as `main` serves it, with short limits: slow
//! request heads and bodies are cut, so is a response the client does not
//! read, one address cannot take more than its share of connections, and
//! accepted sockets do not wait for Nagle.

use std::future::pending;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

use sala_server::invite::Secret;
use sala_server::serve::{serve, Limits, Transport};
use sala_server::{app, AppState, Config, Db};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Bound on every wait for the server to act; generous for a loaded machine.
const WAIT: Duration = Duration::from_secs(10);

struct Served {
    dir: tempfile::TempDir,
    addr: SocketAddr,
}

async fn serve_with(limits: Limits) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path(), dir.path().join("dist"));
    let db = Db::open_in_dir(dir.path()).unwrap();
    let ice = config.ice_settings().unwrap();
    let state = AppState::new(db, Secret::from_bytes([3; 32]), ice, &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        app(state),
        limits,
        Transport::Plain,
        pending(),
        Duration::from_secs(1),
    ));
    Served { dir, addr }
}

fn limits() -> Limits {
    Limits {
        header_timeout: Duration::from_secs(1),
        body_min_rate: 1000,
        per_client: 100,
        write_timeout: Duration::from_secs(60),
    }
}

/// A connection to `server` from the loopback address `from`.
async fn connect_from(from: Ipv4Addr, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(server).await.unwrap()
}

/// `GET /healthz` on `stream`, keeping it alive; the body if it answered.
async fn health(stream: &mut TcpStream) -> Option<String> {
    let request = "GET /healthz HTTP/1.1\r\nHost: sala\r\n\r\n";
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    let mut buf = [0; 1024];
    let read = tokio::time::timeout(WAIT, async {
        while !answer.ends_with(b"\r\n\r\nok") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        Some(())
    })
    .await;
    read.ok().flatten()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    Some(answer)
}

/// Whether the server closed `stream` within `bound` (reading and
/// discarding whatever it sends first).
async fn closed_within(stream: &mut TcpStream, bound: Duration) -> bool {
    let mut buf = [0; 1024];
    tokio::time::timeout(bound, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await
    .is_ok()
}

/// Writes `bytes` one at a time, one every `every` (a slow-loris client),
/// until the server closes the connection; whether it did within `bound`.
async fn trickle_until_closed(
    stream: TcpStream,
    bytes: &[u8],
    every: Duration,
    bound: Duration,
) -> bool {
    let (mut rd, mut wr) = stream.into_split();
    let closed = async {
        let mut buf = [0; 1024];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    let writer = async {
        for b in bytes {
            if wr.write_all(&[*b]).await.is_err() {
                break;
            }
            // Pacing the client, not waiting for the server.
            tokio::time::sleep(every).await;
        }
        pending::<()>().await
    };
    tokio::time::timeout(bound, async {
        tokio::select! {
            () = closed => {},
            () = writer => {},
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_request_head_sent_a_byte_a_second_is_cut_while_others_are_served() {
    let s = serve_with(limits()).await;
    let slow = TcpStream::connect(s.addr).await.unwrap();
    let head = b"GET /healthz HTTP/1.1\r\nHost: sala\r\nUser-Agent: slow-loris\r\n\r\n";
    let cut = tokio::spawn(trickle_until_closed(
        slow,
        head,
        Duration::from_secs(1),
        WAIT,
    ));
    // A connection that says nothing at all is closed too.
    let mut silent = TcpStream::connect(s.addr).await.unwrap();
    let mut normal = TcpStream::connect(s.addr).await.unwrap();
    assert!(health(&mut normal).await.is_some(), "served meanwhile");
    assert!(closed_within(&mut silent, WAIT).await, "silent connection");
    assert!(
        cut.await.unwrap(),
        "a head trickling in at a byte a second is cut within {WAIT:?}"
    );
}

#[tokio::test]
async fn a_request_body_sent_a_byte_a_second_is_cut() {
    let s = serve_with(limits()).await;
    let mut slow = TcpStream::connect(s.addr).await.unwrap();
    // The body of an upload or of an API call: the rule is the same.
    let head = "POST /api/meetings HTTP/1.1\r\nHost: sala\r\nContent-Type: application/json\r\n\
                Content-Length: 10000\r\n\r\n";
    slow.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let body = vec![b' '; 10_000];
    assert!(
        trickle_until_closed(slow, &body, Duration::from_secs(1), WAIT).await,
        "a body trickling in at a byte a second is cut within {WAIT:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before its grace"
    );
    let mut normal = TcpStream::connect(s.addr).await.unwrap();
    assert!(health(&mut normal).await.is_some());
}

#[tokio::test]
async fn one_address_holds_at_most_its_cap_of_connections_websockets_included() {
    let s = serve_with(Limits {
        header_timeout: Duration::from_secs(60),
        per_client: 2,
        ..limits()
    })
    .await;
    let here = Ipv4Addr::new(127, 0, 0, 1);
    let (_ws, _) = tokio_tungstenite::client_async(
        format!("ws://{}/ws", s.addr),
        connect_from(here, s.addr).await,
    )
    .await
    .expect("a WebSocket takes the first place");
    let mut second = connect_from(here, s.addr).await;
    assert!(health(&mut second).await.is_some());
    let mut third = connect_from(here, s.addr).await;
    assert!(
        closed_within(&mut third, WAIT).await,
        "the third connection from 127.0.0.1 is closed"
    );
    let mut elsewhere = connect_from(Ipv4Addr::new(127, 0, 0, 2), s.addr).await;
    assert!(
        health(&mut elsewhere).await.is_some(),
        "another address is served"
    );
    drop(second);
    let deadline = Instant::now() + WAIT;
    loop {
        let mut again = connect_from(here, s.addr).await;
        if health(&mut again).await.is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a closed connection frees its place"
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_response_the_client_does_not_read_is_cut_and_frees_its_place() {
    let limit = Duration::from_secs(2);
    let s = serve_with(Limits {
        per_client: 1,
        write_timeout: limit,
        ..limits()
    })
    .await;
    // Far more than the socket buffers on both sides hold (the server's
    // send buffer grows to 4 MiB at most by default).
    let size = 16 << 20;
    let dist = s.dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("big.bin"), vec![7u8; size]).unwrap();
    let request = "GET /big.bin HTTP/1.1\r\nHost: sala\r\nConnection: close\r\n\r\n";

    let slow_addr = Ipv4Addr::new(127, 0, 0, 3);
    let socket = TcpSocket::new_v4().unwrap();
    // A small window, so that the server's writes soon wait.
    socket.set_recv_buffer_size(4096).unwrap();
    socket.bind(SocketAddr::from((slow_addr, 0))).unwrap();
    let mut slow = socket.connect(s.addr).await.unwrap();
    slow.write_all(request.as_bytes()).await.unwrap();
    let asked = Instant::now();

    // Meanwhile a client that reads gets the whole file.
    let mut normal = connect_from(Ipv4Addr::new(127, 0, 0, 4), s.addr).await;
    normal.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, normal.read_to_end(&mut answer))
        .await
        .expect("the reader is served in time")
        .unwrap();
    let head = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    assert_eq!(answer.len() - head, size, "the reader gets all of it");

    // The slow client's one place comes free once the server gives up.
    let bound = Duration::from_secs(20);
    let mut attempts = tokio::time::interval(Duration::from_millis(50));
    loop {
        // Pacing the attempts; each one checks.
        attempts.tick().await;
        let mut again = connect_from(slow_addr, s.addr).await;
        if health(&mut again).await.is_some() {
            break;
        }
        assert!(
            asked.elapsed() < bound,
            "a client reading nothing is cut within {bound:?}"
        );
    }
    assert!(asked.elapsed() >= limit, "not before the limit");
    // What the server had sent before it gave up, then the end.
    let mut got = 0;
    let mut buf = vec![0; 64 * 1024];
    let ended = tokio::time::timeout(WAIT, async {
        loop {
            match slow.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got += n,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the cut connection ends");
    assert!(got < size, "cut short: {got} of {size} bytes");
}

#[tokio::test]
async fn accepted_sockets_have_tcp_nodelay() {
    let s = serve_with(limits()).await;
    let mut client = TcpStream::connect(s.addr).await.unwrap();
    assert!(health(&mut client).await.is_some());
    let client_addr = client.local_addr().unwrap();
    // The server runs in this process: find its end of the connection.
    let accepted = server_end(s.addr, client_addr).expect("the server's socket");
    // SAFETY: the fd stays open while `client` is (the server keeps the
    // connection alive), and it is only borrowed for this call.
    let fd = unsafe { BorrowedFd::borrow_raw(accepted) };
    let nodelay = socket2::SockRef::from(&fd).tcp_nodelay().unwrap();
    assert!(nodelay, "TCP_NODELAY on the accepted socket");
    drop(client);
}

/// The fd in this process whose socket is `local` ↔ `peer`.
fn server_end(local: SocketAddr, peer: SocketAddr) -> Option<i32> {
    for entry in std::fs::read_dir("/proc/self/fd").ok()? {
        let Ok(fd) = entry.ok()?.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        // SAFETY: borrowed only for these calls; an fd closed meanwhile
        // makes them fail, which we skip.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let sock = socket2::SockRef::from(&borrowed);
        let addrs = (sock.local_addr(), sock.peer_addr());
        if let (Ok(l), Ok(p)) = addrs {
            if l.as_socket() == Some(local) && p.as_socket() == Some(peer) {
                return Some(borrowed.as_raw_fd());
            }
        }
    }
    None
}
