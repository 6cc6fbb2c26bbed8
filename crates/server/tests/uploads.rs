//! Uploads (decks, screen stills) over HTTP: rendered and served, each made
//! as someone in the meeting's room who may present (issue #11), and bad
//! files refused with clear errors.

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Request, StatusCode};
use sala_protocol::{
    ApiError, ApiErrorCode, ClientMsg, MeetingId, MeetingKind, ResumeToken, Role, ServerMsg,
    Waiting,
};
use sala_server::app;
use tower::ServiceExt;

mod support;

use support::client::*;
use support::{add_meeting_of_kind, server, Server};

/// The HTTP surface of a test server, as one participant.
struct Env {
    app: axum::Router,
    token: Option<ResumeToken>,
}

impl Env {
    fn new(s: &Server, who: &Joined) -> Self {
        Self::as_token(s, Some(who.resume.clone()))
    }

    fn as_token(s: &Server, token: Option<ResumeToken>) -> Self {
        Self {
            app: app(s.state.clone()),
            token,
        }
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec();
        (status, headers, body)
    }

    fn upload(&self, uri: &str, body: impl Into<Body>) -> Request<Body> {
        let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/octet-stream");
        if let Some(token) = &self.token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        req.body(body.into()).unwrap()
    }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_deck_uploads_renders_and_serves_cacheable_pages() {
    let s = server().await;
    let presenter = join(&s, "Presenter", None, None).await;
    let env = Env::new(&s, &presenter);
    let meeting = &s.meeting;
    let pdf = include_bytes!("../../../tests/fixtures/deck.pdf");
    let uri = format!("/api/meetings/{meeting}/decks?name=Agenda.pdf");
    let (status, _, body) = env.call(env.upload(&uri, &pdf[..])).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let deck: sala_protocol::Deck = serde_json::from_slice(&body).unwrap();
    assert_eq!(deck.name, "Agenda.pdf");
    assert_eq!(deck.pages.len(), 3);

    let (status, headers, body) = env.call(get(&format!("/api/decks/{}", deck.id))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(
        serde_json::from_slice::<sala_protocol::Deck>(&body).unwrap(),
        deck
    );

    let page = &deck.pages[0];
    let smallest = &page.renditions()[0];
    let (status, headers, body) = env.call(get(&smallest.path())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], smallest.format.mime());
    assert!(headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(body.len() as u32, smallest.bytes);
    assert_eq!(
        sala_slides::content_id(&body),
        smallest.id.as_str(),
        "named by its content"
    );

    let cached = Request::get(smallest.path())
        .header(header::IF_NONE_MATCH, format!("\"{}\"", smallest.id))
        .body(Body::empty())
        .unwrap();
    assert_eq!(env.call(cached).await.0, StatusCode::NOT_MODIFIED);

    // Same id, other extension; unknown id; malformed name.
    let other_ext = match smallest.format {
        sala_protocol::ImageFormat::Png => "webp",
        sala_protocol::ImageFormat::Webp => "png",
    };
    for uri in [
        format!("/api/slides/{}.{other_ext}", smallest.id),
        format!("/api/slides/{}.png", "0".repeat(64)),
        "/api/slides/nothing".to_owned(),
        format!("/api/decks/{}", MeetingId::from_random([1; 16])),
    ] {
        assert_eq!(env.call(get(&uri)).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn bad_uploads_get_clear_errors() {
    let s = server().await;
    let presenter = join(&s, "Presenter", None, None).await;
    let env = Env::new(&s, &presenter);
    let meeting = &s.meeting;
    let decks = format!("/api/meetings/{meeting}/decks");
    let (status, _, body) = env
        .call(env.upload(&decks, &b"this is not a document"[..]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        serde_json::from_slice::<ApiError>(&body).unwrap().error,
        ApiErrorCode::UnreadableFile
    );
    let huge = vec![0u8; sala_protocol::MAX_DECK_BYTES + 1];
    let (status, _, body) = env.call(env.upload(&decks, huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        serde_json::from_slice::<ApiError>(&body).unwrap().error,
        ApiErrorCode::TooLarge
    );
    // A still must be a picture, and the meeting must exist.
    let pdf = include_bytes!("../../../tests/fixtures/deck.pdf");
    let stills = format!("/api/meetings/{meeting}/stills");
    assert_eq!(
        env.call(env.upload(&stills, &pdf[..])).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let png = include_bytes!("../../../tests/fixtures/slide.png");
    let (status, _, body) = env.call(env.upload(&stills, &png[..])).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let still: sala_protocol::SlidePage = serde_json::from_slice(&body).unwrap();
    assert!(!still.renditions().is_empty());
    let nowhere = format!("/api/meetings/{}/stills", MeetingId::from_random([2; 16]));
    assert_eq!(
        env.call(env.upload(&nowhere, &png[..])).await.0,
        StatusCode::NOT_FOUND
    );
}

/// What an upload as `env` gets: its status and error code, if any.
async fn refusal(env: &Env, uri: &str) -> (StatusCode, Option<ApiErrorCode>) {
    let png = include_bytes!("../../../tests/fixtures/slide.png");
    let (status, _, body) = env.call(env.upload(uri, &png[..])).await;
    let code = serde_json::from_slice::<ApiError>(&body)
        .ok()
        .map(|e| e.error);
    (status, code)
}

#[tokio::test]
async fn uploads_need_a_live_session_in_the_room_that_may_present() {
    let s = server().await;
    let forbidden = (StatusCode::FORBIDDEN, Some(ApiErrorCode::NotAllowed));
    let mut host = join(&s, "Judge", Some(s.host_key.clone()), None).await;
    let mut guest = join(&s, "Guest", None, None).await;
    for kind in ["decks", "stills"] {
        let uri = format!("/api/meetings/{}/{kind}", s.meeting);
        // No bearer, a token nobody holds, a token of another meeting's
        // session: refused before anything is rendered.
        assert_eq!(
            refusal(&Env::as_token(&s, None), &uri).await,
            forbidden,
            "{kind}"
        );
        let stranger = ResumeToken::from_random([42; 16]);
        assert_eq!(
            refusal(&Env::as_token(&s, Some(stranger)), &uri).await,
            forbidden,
            "{kind}"
        );
        // Someone in the room may.
        let (status, _) = refusal(&Env::new(&s, &guest), &uri).await;
        assert_eq!(status, StatusCode::CREATED, "{kind}");
    }
    // The same session in a meeting it is not in.
    let (other, _) = add_meeting_of_kind(s.state.db(), 2, MeetingKind::Meeting).await;
    let uri = format!("/api/meetings/{other}/stills");
    assert_eq!(refusal(&Env::new(&s, &guest), &uri).await, forbidden);

    // Sent to the public gallery, it may not any more.
    send(
        &mut host.ws,
        &ClientMsg::SetRole {
            peer: guest.you.id,
            role: Role::Observer,
        },
    )
    .await;
    loop {
        match recv(&mut guest.ws).await {
            ServerMsg::PeerRole { peer, role } if peer == guest.you.id => {
                assert_eq!(role, Role::Observer);
                break;
            }
            _ => continue,
        }
    }
    for kind in ["decks", "stills"] {
        let uri = format!("/api/meetings/{}/{kind}", s.meeting);
        assert_eq!(
            refusal(&Env::new(&s, &guest), &uri).await,
            forbidden,
            "{kind}"
        );
    }
    // Gone from the meeting, its token is worth nothing.
    let token = guest.resume.clone();
    send(&mut guest.ws, &ClientMsg::Leave).await;
    assert_eq!(close_code_after_messages(&mut guest.ws).await, 1000);
    let uri = format!("/api/meetings/{}/stills", s.meeting);
    assert_eq!(
        refusal(&Env::as_token(&s, Some(token)), &uri).await,
        forbidden
    );
    drop(host);
}

#[tokio::test]
async fn someone_waiting_in_the_lobby_may_not_upload() {
    let s = server().await;
    let (hearing, key) = add_meeting_of_kind(s.state.db(), 3, MeetingKind::Hearing).await;
    let mut judge = connect(s.addr).await;
    send(&mut judge, &join_msg(&hearing, "Judge", Some(key), None)).await;
    assert!(matches!(recv(&mut judge).await, ServerMsg::Welcome(_)));
    let mut knocker = connect(s.addr).await;
    send(&mut knocker, &join_msg(&hearing, "Knocker", None, None)).await;
    let ServerMsg::Waiting(Waiting { resume, .. }) = recv(&mut knocker).await else {
        panic!("the guest waits in the hearing's lobby");
    };
    for kind in ["decks", "stills"] {
        let uri = format!("/api/meetings/{hearing}/{kind}");
        assert_eq!(
            refusal(&Env::as_token(&s, Some(resume.clone())), &uri).await,
            (StatusCode::FORBIDDEN, Some(ApiErrorCode::NotAllowed)),
            "{kind}"
        );
    }
}
