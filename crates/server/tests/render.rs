//! Uploads cannot exhaust the server (issue #11): a render runs in a worker process with a
//! time and a memory budget, is killed when abandoned, and uploads are refused at once, before
//! their body is read, when too large or when the render queue is full. Each upload is made
//! as a participant in the room (`tests/uploads.rs`: who may upload).

mod support;

use std::time::{Duration, Instant};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
use sala_protocol::{ApiError, ApiErrorCode, ResumeToken};
use sala_server::render::{RENDERS_AT_ONCE, RENDERS_WAITING};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use support::client::join;
use support::{server_with, Server};

/// A few kilobytes that draw for ever: form XObject `n` draws form `n - 1` four times, 24
/// levels deep (4^24 rectangles).
fn nested_forms() -> Vec<u8> {
    const LEVELS: i32 = 24;
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    let form = |level: i32| Ref::new(10 + level);
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, 960.0, 540.0))
        .parent(tree)
        .contents(content);
    p.resources().x_objects().pair(Name(b"X"), form(LEVELS));
    p.finish();
    let mut c = Content::new();
    c.x_object(Name(b"X"));
    pdf.stream(content, &c.finish());
    for level in 0..=LEVELS {
        let mut c = Content::new();
        if level == 0 {
            c.rect(10.0, 10.0, 100.0, 50.0).fill_nonzero();
        } else {
            for _ in 0..4 {
                c.x_object(Name(b"X"));
            }
        }
        let data = c.finish();
        let mut xobject = pdf.form_xobject(form(level), &data);
        xobject.bbox(Rect::new(0.0, 0.0, 960.0, 540.0));
        if level > 0 {
            xobject
                .resources()
                .x_objects()
                .pair(Name(b"X"), form(level - 1));
        }
        xobject.finish();
    }
    pdf.finish()
}

/// One very tall page (960 × 14 000 pt): within every pixel limit (37 million pixels at the
/// widest rendition), but its canvases need a few hundred MiB.
fn tall_page() -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    pdf.page(page)
        .media_box(Rect::new(0.0, 0.0, 960.0, 14_000.0))
        .parent(tree)
        .contents(content);
    let mut c = Content::new();
    c.set_fill_rgb(0.2, 0.3, 0.8)
        .rect(10.0, 10.0, 900.0, 13_000.0)
        .fill_nonzero();
    pdf.stream(content, &c.finish());
    pdf.finish()
}

/// An HTTP/1.1 request's head, `Connection: close`, made as `session` if given.
fn head(
    method: &str,
    path: &str,
    content_length: Option<u64>,
    session: Option<&ResumeToken>,
) -> Vec<u8> {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(len) = content_length {
        h.push_str(&format!("Content-Length: {len}\r\n"));
    }
    if let Some(token) = session {
        h.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// Sends an upload as `session` and leaves the connection open (the caller waits for the
/// answer, or drops the stream to abandon it).
async fn send_upload(server: &Server, session: &ResumeToken, path: &str, body: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let mut request = head("POST", path, Some(body.len() as u64), Some(session));
    request.extend(body);
    stream.write_all(&request).await.unwrap();
    stream
}

/// The whole answer on `stream`, within `bound`: status, head, body.
async fn answer(mut stream: TcpStream, bound: Duration) -> (u16, String, Vec<u8>) {
    let mut raw = Vec::new();
    tokio::time::timeout(bound, stream.read_to_end(&mut raw))
        .await
        .unwrap_or_else(|_| panic!("no answer within {bound:?}"))
        .unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head[9..12].parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

async fn get(server: &Server, path: &str, bound: Duration) -> u16 {
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(&head("GET", path, None, None))
        .await
        .unwrap();
    answer(stream, bound).await.0
}

/// The error code in an API error body (chunked or not: the JSON is found in it).
fn code(body: &[u8]) -> ApiErrorCode {
    let text = String::from_utf8_lossy(body);
    let json = &text[text.find('{').unwrap()..=text.rfind('}').unwrap()];
    serde_json::from_str::<ApiError>(json).unwrap().error
}

/// Waits until `done` holds, polling every 20 ms, at most `bound`.
async fn until(bound: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < bound, "not within {bound:?}: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn gone(pid: u32) -> bool {
    !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// A participant in the server's meeting, who may upload (its socket kept open).
async fn presenter(server: &Server) -> (support::client::Joined, ResumeToken) {
    let joined = join(server, "Presenter", None, None).await;
    let token = joined.resume.clone();
    (joined, token)
}

fn decks(server: &Server) -> String {
    format!("/api/meetings/{}/decks?name=x.pdf", server.meeting)
}

#[tokio::test]
async fn a_pdf_that_draws_for_ever_is_refused_in_time_while_others_are_served() {
    let server = server_with(|c| c.render_timeout = Duration::from_secs(2)).await;
    let (_joined, token) = presenter(&server).await;
    let started = Instant::now();
    let upload = send_upload(&server, &token, &decks(&server), &nested_forms()).await;
    let upload = tokio::spawn(answer(upload, Duration::from_secs(30)));
    until(Duration::from_secs(10), "a worker started", || {
        !server.state.renderer().workers().is_empty()
    })
    .await;
    let meeting = format!("/api/meetings/{}", server.meeting);
    for _ in 0..3 {
        assert_eq!(get(&server, "/healthz", Duration::from_secs(2)).await, 200);
        assert_eq!(get(&server, &meeting, Duration::from_secs(2)).await, 200);
    }
    let (status, _, body) = upload.await.unwrap();
    assert_eq!(status, 422);
    assert_eq!(code(&body), ApiErrorCode::TookTooLong);
    // Two seconds of budget; generous for a loaded machine, far from "for ever".
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(server.state.renderer().workers().is_empty());
}

#[tokio::test]
async fn a_render_over_its_memory_budget_is_killed_and_reported() {
    let server = server_with(|c| c.render_memory_mib = 160).await;
    let (_joined, token) = presenter(&server).await;
    let upload = send_upload(&server, &token, &decks(&server), &tall_page()).await;
    let (status, _, body) = answer(upload, Duration::from_secs(60)).await;
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    assert_eq!(code(&body), ApiErrorCode::TooComplex);
    assert!(server.state.renderer().workers().is_empty());
}

#[tokio::test]
async fn an_abandoned_upload_kills_its_worker_and_frees_the_slot() {
    let server = server_with(|c| c.render_timeout = Duration::from_secs(120)).await;
    let (_joined, token) = presenter(&server).await;
    let upload = send_upload(&server, &token, &decks(&server), &nested_forms()).await;
    until(Duration::from_secs(10), "a worker started", || {
        !server.state.renderer().workers().is_empty()
    })
    .await;
    let pid = server.state.renderer().workers()[0];
    drop(upload);
    until(
        Duration::from_secs(10),
        "the worker killed and reaped",
        || server.state.renderer().workers().is_empty() && gone(pid),
    )
    .await;
    assert_eq!(server.state.renderer().queued(), 0);
    // The slot is free: a still renders now.
    let png = include_bytes!("../../../tests/fixtures/slide.png");
    let stills = format!("/api/meetings/{}/stills", server.meeting);
    let still = send_upload(&server, &token, &stills, png).await;
    assert_eq!(answer(still, Duration::from_secs(30)).await.0, 201);
}

#[tokio::test]
async fn an_absurd_content_length_is_refused_at_once() {
    let server = support::server().await;
    for length in [1u64 << 62, sala_protocol::MAX_DECK_BYTES as u64 + 1] {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        // The head only: the body never comes.
        stream
            .write_all(&head("POST", &decks(&server), Some(length), None))
            .await
            .unwrap();
        let (status, _, body) = answer(stream, Duration::from_secs(1)).await;
        assert_eq!(status, 413, "Content-Length: {length}");
        assert_eq!(code(&body), ApiErrorCode::TooLarge);
    }
    let stills = format!("/api/meetings/{}/stills", server.meeting);
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let length = sala_protocol::MAX_STILL_BYTES as u64 + 1;
    stream
        .write_all(&head("POST", &stills, Some(length), None))
        .await
        .unwrap();
    assert_eq!(answer(stream, Duration::from_secs(1)).await.0, 413);
}

#[tokio::test]
async fn uploads_beyond_the_queue_are_refused_at_once() {
    let server = server_with(|c| c.render_timeout = Duration::from_secs(120)).await;
    let (_joined, token) = presenter(&server).await;
    let pdf = nested_forms();
    let mut queued = Vec::new();
    for _ in 0..RENDERS_AT_ONCE + RENDERS_WAITING {
        queued.push(send_upload(&server, &token, &decks(&server), &pdf).await);
    }
    until(Duration::from_secs(10), "the queue full", || {
        server.state.renderer().queued() == RENDERS_AT_ONCE + RENDERS_WAITING
    })
    .await;
    // One more: its head only, the body is never sent (nor needed).
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(&head(
            "POST",
            &decks(&server),
            Some(pdf.len() as u64),
            Some(&token),
        ))
        .await
        .unwrap();
    let (status, answered, body) = answer(stream, Duration::from_secs(1)).await;
    assert_eq!(status, 503);
    assert!(
        answered.to_ascii_lowercase().contains("retry-after: "),
        "{answered}"
    );
    assert_eq!(code(&body), ApiErrorCode::Busy);
    // Someone not in the room is refused for that, before the queue: it
    // could never have taken a place in it.
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(&head("POST", &decks(&server), Some(pdf.len() as u64), None))
        .await
        .unwrap();
    let (status, _, body) = answer(stream, Duration::from_secs(1)).await;
    assert_eq!((status, code(&body)), (403, ApiErrorCode::NotAllowed));
    // Leaving frees everything (no worker outlives the test).
    drop(queued);
    until(
        Duration::from_secs(10),
        "the queue empty, no worker",
        || server.state.renderer().queued() == 0 && server.state.renderer().workers().is_empty(),
    )
    .await;
}
