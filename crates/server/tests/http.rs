//! The HTTP surface through `app(state).oneshot(..)`, against a temporary data dir.

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use sala_protocol::{ApiError, ApiErrorCode, MeetingCreated, MeetingId, MeetingInfo};
use sala_server::{app, AppState, Config, Db};
use tower::ServiceExt;

struct Env {
    _dir: tempfile::TempDir,
    app: Router,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Sala</title><script type=module>import init from '/sala.js'; await init();</script>\
         <style>#loader { color: red; }</style>",
    )
    .unwrap();
    std::fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    std::fs::write(dist.join("sala-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    // What the build makes beside each file (stand-ins: the server sends
    // them as they are).
    for (name, body) in [
        ("sala-0123456789abcdef_bg.wasm.br", "wasm in brotli"),
        ("sala-0123456789abcdef_bg.wasm.gz", "wasm in gzip"),
        ("index.html.br", "index in brotli"),
        ("index.html.gz", "index in gzip"),
    ] {
        std::fs::write(dist.join(name), body).unwrap();
    }
    let mut config = Config::new(dir.path().join("data"), dist);
    config.render_worker = Some(env!("CARGO_BIN_EXE_sala-server").into());
    std::fs::create_dir_all(&config.data_dir).unwrap();
    let db = Db::open_in_dir(&config.data_dir).unwrap();
    Env {
        app: app(AppState::new(
            db,
            sala_server::invite::Secret::from_bytes([3; 32]),
            config.ice_settings().unwrap(),
            &config,
        )),
        _dir: dir,
    }
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec();
    (status, headers, body)
}

fn post_json(body: impl Into<Body>) -> Request<Body> {
    Request::post("/api/meetings")
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn create_then_get_meeting() {
    let env = env();
    let (status, _, body) = call(&env.app, post_json(r#"{"title":"  Weekly sync "}"#)).await;
    assert_eq!(status, StatusCode::CREATED);
    let created: MeetingCreated = serde_json::from_slice(&body).unwrap();
    assert_eq!(created.meeting.title.as_str(), "Weekly sync");
    assert_ne!(created.meeting.id.as_str(), created.host_key.as_str());

    let (status, _, body) = call(
        &env.app,
        get(&format!("/api/meetings/{}", created.meeting.id)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let info: MeetingInfo = serde_json::from_slice(&body).unwrap();
    assert_eq!(info, created.meeting);
    assert!(
        !String::from_utf8(body)
            .unwrap()
            .contains(created.host_key.as_str()),
        "GET must not leak the host key"
    );

    let (_, _, body) = call(&env.app, post_json(r#"{"title":"Other"}"#)).await;
    let other: MeetingCreated = serde_json::from_slice(&body).unwrap();
    assert_ne!(other.meeting.id, created.meeting.id);
}

#[tokio::test]
async fn bad_create_requests_are_400() {
    let env = env();
    let too_long = format!(r#"{{"title":"{}"}}"#, "x".repeat(17 * 1024));
    let cases: Vec<(&str, Request<Body>)> = vec![
        ("invalid json", post_json("{nope")),
        ("empty title", post_json(r#"{"title":"   "}"#)),
        ("missing title", post_json("{}")),
        (
            "title too long",
            post_json(format!(r#"{{"title":"{}"}}"#, "x".repeat(121))),
        ),
        ("control chars", post_json(r#"{"title":"a\u0007b"}"#)),
        ("body over 16 KiB", post_json(too_long)),
        (
            "no content type",
            Request::post("/api/meetings")
                .body(Body::from(r#"{"title":"x"}"#))
                .unwrap(),
        ),
    ];
    for (case, req) in cases {
        let (status, _, body) = call(&env.app, req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}");
        let err: ApiError = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(err.error, ApiErrorCode::BadRequest, "{case}");
    }
}

#[tokio::test]
async fn unknown_and_malformed_ids_get_the_same_404() {
    let env = env();
    let unknown = MeetingId::from_random([3; 16]);
    let mut bodies = Vec::new();
    for uri in [
        format!("/api/meetings/{unknown}"),
        "/api/meetings/not-an-id".into(),
        "/api/meetings/%FF".into(),
        "/api/nothing".into(),
    ] {
        let (status, _, body) = call(&env.app, get(&uri)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        let err: ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(err.error, ApiErrorCode::NotFound);
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "identical bodies");
}

#[tokio::test]
async fn spa_fallback_and_caching() {
    let env = env();
    for uri in ["/", "/m/abcdefghijklmnopqrstuvwxyz", "/index.html"] {
        let (status, headers, body) = call(&env.app, get(uri)).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            String::from_utf8(body)
                .unwrap()
                .contains("<title>Sala</title>"),
            "{uri}"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{uri}");
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{uri}: {csp}"
        );
        assert!(
            csp.contains("; style-src 'self' 'sha256-"),
            "the loader's style: {uri}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    }
    // The service worker is asked for again each time: a new build is seen.
    let (status, headers, _) = call(&env.app, get("/sw.js")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let (status, headers, body) = call(&env.app, get("/sala-0123456789abcdef_bg.wasm")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"\0asm");
    assert!(headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
}

/// Each file goes as the build compressed it, in the best encoding the
/// browser takes; the client's routes get `index.html` the same way.
#[tokio::test]
async fn assets_are_served_precompressed_as_the_browser_asks() {
    let env = env();
    let cases = [
        ("br, gzip", Some("br"), "in brotli"),
        ("gzip, deflate, br;q=0", Some("gzip"), "in gzip"),
        ("gzip", Some("gzip"), "in gzip"),
        ("identity", None, ""),
    ];
    for uri in [
        "/sala-0123456789abcdef_bg.wasm",
        "/m/abcdefghijklmnopqrstuvwxyz",
    ] {
        for (accept, encoding, body_has) in cases {
            let req = Request::get(uri)
                .header(header::ACCEPT_ENCODING, accept)
                .body(Body::empty())
                .unwrap();
            let (status, headers, body) = call(&env.app, req).await;
            let what = format!("{uri} with {accept}");
            assert_eq!(status, StatusCode::OK, "{what}");
            assert_eq!(
                headers
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                encoding,
                "{what}"
            );
            assert!(String::from_utf8_lossy(&body).contains(body_has), "{what}");
            let vary = headers.get(header::VARY).map(|v| v.to_str().unwrap());
            assert!(
                vary.is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                "{what}: vary {vary:?}"
            );
            let csp = headers.get(header::CONTENT_SECURITY_POLICY);
            assert!(csp.is_some(), "{what}");
        }
    }
}

#[tokio::test]
async fn healthz() {
    let env = env();
    let (status, _, body) = call(&env.app, get("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"ok");
}
