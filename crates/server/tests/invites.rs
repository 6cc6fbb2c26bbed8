//! Invitations end to end on a real socket: made by the host over the API,
//! presented in `Join`, each refusal with its own error and its own row in
//! the record.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use futures_util::{SinkExt, StreamExt};
use sala_protocol::{
    ClientMsg, CreateInvite, DisplayName, ErrorCode, HolderKey, HostKey, InviteCreated, InviteId,
    InviteInfo, InviteRefusal, InviteToken, Join, MediaState, MeetingId, PeerInfo, Role, ServerMsg,
    Welcome, PROTOCOL_VERSION,
};
use sala_record::Event;
use sala_server::app;
use sala_server::invite::{self, Claims, Secret};
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt;

const WAIT: Duration = Duration::from_secs(5);

mod support;

use support::{add_meeting, server, Server};

impl Server {
    async fn api(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        (
            status,
            to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec(),
        )
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        key: Option<&HostKey>,
        body: Option<String>,
    ) -> Request<Body> {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("/api/meetings/{}{path}", self.meeting));
        if let Some(key) = key {
            req = req.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        }
    }

    async fn invite(&self, role: Role, single_use: bool) -> InviteCreated {
        let body = serde_json::to_string(&CreateInvite {
            role,
            valid_for_secs: 3600,
            single_use,
        })
        .unwrap();
        let (status, body) = self
            .api(self.request("POST", "/invites", Some(&self.host_key), Some(body)))
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).unwrap()
    }

    /// An invitation made outside the API (to control its times).
    async fn stored_invite(&self, not_before_ms: i64, expires_ms: i64) -> InviteToken {
        let claims = Claims {
            meeting: self.meeting.clone(),
            invite: InviteId::from_random(rand_bytes()),
            role: Role::Witness,
            not_before_ms,
            expires_ms,
            single_use: false,
        };
        self.state
            .db()
            .create_invite(claims.clone(), 0)
            .await
            .unwrap();
        invite::sign(self.state.secret(), &claims)
    }

    /// Joins with `token` (and `holder`): the role given, or the error.
    async fn join(
        &self,
        token: &InviteToken,
        holder: Option<HolderKey>,
    ) -> Result<Role, ErrorCode> {
        self.enter(None, Some(token.clone()), holder)
            .await
            .map(|(_, you)| you.role)
    }

    /// Joins by the host key or an invitation: the open socket and who we
    /// are, or the error (after which the socket must close with its code).
    async fn enter(
        &self,
        host_key: Option<HostKey>,
        invite: Option<InviteToken>,
        holder: Option<HolderKey>,
    ) -> Result<(Ws, PeerInfo), ErrorCode> {
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", self.addr))
            .await
            .unwrap();
        let join = ClientMsg::Join(Join {
            protocol: PROTOCOL_VERSION,
            meeting: self.meeting.clone(),
            name: DisplayName::parse("Chan Sophea").unwrap(),
            media: MediaState::default(),
            host_key,
            resume: None,
            invite,
            holder,
        });
        ws.send(Message::text(serde_json::to_string(&join).unwrap()))
            .await
            .unwrap();
        loop {
            match next_msg(&mut ws).await {
                ServerMsg::Welcome(Welcome { you, .. }) => return Ok((ws, you)),
                ServerMsg::Error { error } => {
                    expect_close(&mut ws, error).await;
                    return Err(error);
                }
                _ => {}
            }
        }
    }

    async fn refusals(&self) -> Vec<InviteRefusal> {
        self.state
            .db()
            .record_rows(self.meeting.clone())
            .await
            .unwrap()
            .iter()
            .filter_map(|r| match serde_json::from_str(&r.entry.event).unwrap() {
                Event::JoinRefused { reason, .. } => Some(reason),
                _ => None,
            })
            .collect()
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next message, within [`WAIT`].
async fn next_msg(ws: &mut Ws) -> ServerMsg {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("an answer")
            .expect("open")
            .expect("no socket error");
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

/// The close frame that follows a fatal `error`.
async fn expect_close(ws: &mut Ws, error: ErrorCode) {
    match tokio::time::timeout(WAIT, ws.next()).await.unwrap() {
        Some(Ok(Message::Close(Some(f)))) => {
            assert_eq!(Some(u16::from(f.code)), error.close_code(), "{error:?}");
        }
        other => panic!("expected the close after {error:?}, got {other:?}"),
    }
}

fn rand_bytes() -> [u8; 16] {
    rand::random()
}

fn refused(reason: InviteRefusal) -> Result<Role, ErrorCode> {
    Err(ErrorCode::InviteRefused { reason })
}

fn now_ms() -> i64 {
    sala_server::db::now_ms()
}

#[tokio::test]
async fn every_refusal_has_its_own_error_and_record_row() {
    let s = server().await;
    let witness = s.invite(Role::Witness, false).await;
    assert_eq!(s.join(&witness.token, None).await, Ok(Role::Witness));

    // Signed by another server; its role edited; for another meeting.
    let mut other = Claims {
        meeting: s.meeting.clone(),
        invite: witness.invite.id.clone(),
        role: Role::Witness,
        not_before_ms: 0,
        expires_ms: i64::MAX,
        single_use: false,
    };
    let forged = invite::sign(&Secret::from_bytes([9; 32]), &other);
    other.role = Role::Host;
    let (signed, _) = witness.token.as_str().rsplit_once('.').unwrap();
    let (_, real_tag) = witness.token.as_str().rsplit_once('.').unwrap();
    let edited_payload = invite::sign(&Secret::from_bytes([9; 32]), &other);
    let edited = InviteToken::parse(&format!(
        "{}.{real_tag}",
        edited_payload.as_str().rsplit_once('.').unwrap().0
    ))
    .unwrap();
    assert_ne!(signed, edited.as_str().rsplit_once('.').unwrap().0);
    let other_meeting = {
        let (id, _) = add_meeting(s.state.db(), 2).await;
        let claims = Claims {
            meeting: id,
            ..other.clone()
        };
        invite::sign(s.state.secret(), &claims)
    };
    let now = now_ms();
    let expired = s.stored_invite(now - 7_200_000, now - 3_600_000).await;
    let early = s.stored_invite(now + 3_600_000, now + 7_200_000).await;
    let revoked = s.invite(Role::Observer, false).await;
    let (status, _) = s
        .api(s.request(
            "DELETE",
            &format!("/invites/{}", revoked.invite.id),
            Some(&s.host_key),
            None,
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let once = s.invite(Role::Interpreter, true).await;
    let mine = HolderKey::from_random(rand_bytes());
    assert_eq!(
        s.join(&once.token, Some(mine.clone())).await,
        Ok(Role::Interpreter)
    );

    let cases = [
        ("bad signature", forged, None, InviteRefusal::Tampered),
        ("edited role", edited, None, InviteRefusal::Tampered),
        (
            "other meeting",
            other_meeting,
            None,
            InviteRefusal::WrongMeeting,
        ),
        ("expired", expired, None, InviteRefusal::Expired),
        ("not yet valid", early, None, InviteRefusal::NotYetValid),
        (
            "revoked",
            revoked.token.clone(),
            None,
            InviteRefusal::Revoked,
        ),
        (
            "single use, reused",
            once.token.clone(),
            None,
            InviteRefusal::AlreadyUsed,
        ),
        (
            "single use, another browser",
            once.token.clone(),
            Some(HolderKey::from_random(rand_bytes())),
            InviteRefusal::AlreadyUsed,
        ),
    ];
    let mut want = Vec::new();
    for (what, token, holder, reason) in cases {
        assert_eq!(s.join(&token, holder).await, refused(reason), "{what}");
        want.push(reason);
    }
    assert_eq!(
        s.refusals().await,
        want,
        "one record row per refusal, in order"
    );
    // The browser that used the single-use invitation comes back in with it.
    assert_eq!(s.join(&once.token, Some(mine)).await, Ok(Role::Interpreter));

    // The host sees which were used and withdrawn; the chain is whole.
    let (status, body) = s
        .api(s.request("GET", "/invites", Some(&s.host_key), None))
        .await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<InviteInfo> = serde_json::from_slice(&body).unwrap();
    let state = |id: &InviteId| {
        listed
            .iter()
            .find(|i| &i.id == id)
            .map(|i| (i.role, i.used, i.revoked))
    };
    assert_eq!(
        state(&witness.invite.id),
        Some((Role::Witness, true, false))
    );
    assert_eq!(
        state(&revoked.invite.id),
        Some((Role::Observer, false, true))
    );
    assert_eq!(
        state(&once.invite.id),
        Some((Role::Interpreter, true, false))
    );
    let report = sala_server::record::Report::load(s.state.db(), s.meeting.clone(), None)
        .await
        .unwrap();
    assert!(report.verdict.is_ok(), "{}", report.text());
    assert!(report
        .text()
        .contains("was refused: it has been altered or is not from this server"));
}

#[tokio::test]
async fn an_unknown_meeting_gets_the_same_answer_with_or_without_an_invitation() {
    let s = server().await;
    let witness = s.invite(Role::Witness, false).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", s.addr))
        .await
        .unwrap();
    let join = ClientMsg::Join(Join {
        protocol: PROTOCOL_VERSION,
        meeting: MeetingId::from_random([77; 16]),
        name: DisplayName::parse("Someone").unwrap(),
        media: MediaState::default(),
        host_key: None,
        resume: None,
        invite: Some(witness.token),
        holder: None,
    });
    ws.send(Message::text(serde_json::to_string(&join).unwrap()))
        .await
        .unwrap();
    let Some(Ok(Message::Text(text))) = tokio::time::timeout(WAIT, ws.next()).await.unwrap() else {
        panic!("an error first");
    };
    assert_eq!(
        serde_json::from_str::<ServerMsg>(text.as_str()).unwrap(),
        ServerMsg::Error {
            error: ErrorCode::UnknownMeeting
        }
    );
}

#[tokio::test]
async fn only_the_host_manages_invitations() {
    let s = server().await;
    let body = || Some(r#"{"role":"witness","valid_for_secs":3600}"#.to_owned());
    let wrong = HostKey::from_random([55; 16]);
    for (key, want) in [
        (None, StatusCode::NOT_FOUND),
        (Some(&wrong), StatusCode::NOT_FOUND),
    ] {
        let (status, _) = s.api(s.request("POST", "/invites", key, body())).await;
        assert_eq!(status, want);
        let (status, _) = s.api(s.request("GET", "/invites", key, None)).await;
        assert_eq!(status, want);
    }
    for bad in [
        r#"{"role":"witness","valid_for_secs":5}"#,
        r#"{"role":"witness","valid_for_secs":99999999}"#,
        r#"{"role":"judge","valid_for_secs":3600}"#,
    ] {
        let (status, _) = s
            .api(s.request("POST", "/invites", Some(&s.host_key), Some(bad.into())))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let unknown = InviteId::from_random([66; 16]);
    let (status, _) = s
        .api(s.request(
            "DELETE",
            &format!("/invites/{unknown}"),
            Some(&s.host_key),
            None,
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_removed_witness_cannot_come_back_and_an_ended_meeting_lets_nobody_in() {
    let s = server().await;
    let (mut host, _) = s.enter(Some(s.host_key.clone()), None, None).await.unwrap();
    let witness = s.invite(Role::Witness, false).await;
    let observer = s.invite(Role::Observer, false).await;
    let (mut ws, me) = s
        .enter(None, Some(witness.token.clone()), None)
        .await
        .unwrap();
    assert_eq!(me.role, Role::Witness);
    let remove = ClientMsg::Remove { peer: me.id };
    host.send(Message::text(serde_json::to_string(&remove).unwrap()))
        .await
        .unwrap();
    loop {
        match next_msg(&mut ws).await {
            ServerMsg::Error { error } => {
                assert_eq!(error, ErrorCode::Removed);
                expect_close(&mut ws, error).await;
                break;
            }
            _ => continue,
        }
    }
    // Back with the link it still has: refused, with its own reason.
    assert_eq!(
        s.join(&witness.token, None).await,
        refused(InviteRefusal::Removed)
    );

    host.send(Message::text(
        serde_json::to_string(&ClientMsg::EndMeeting).unwrap(),
    ))
    .await
    .unwrap();
    loop {
        if let ServerMsg::Error { error } = next_msg(&mut host).await {
            assert_eq!(error, ErrorCode::MeetingEnded);
            expect_close(&mut host, error).await;
            break;
        }
    }
    // A link made before the end lets nobody in after it.
    assert_eq!(
        s.join(&observer.token, None).await,
        refused(InviteRefusal::MeetingEnded)
    );
    assert_eq!(
        s.enter(Some(s.host_key.clone()), None, None).await.err(),
        Some(ErrorCode::MeetingEnded),
        "not even the host"
    );
    assert_eq!(
        s.refusals().await,
        [InviteRefusal::Removed, InviteRefusal::MeetingEnded]
    );
    let kinds: Vec<String> = s
        .state
        .db()
        .record_rows(s.meeting.clone())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(&r.entry.event).unwrap();
            v["type"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(
        kinds.windows(2).any(|w| w == ["removed", "join_refused"]),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"meeting_ended".to_owned()), "{kinds:?}");
}

#[tokio::test]
async fn the_host_downloads_the_record_as_text_or_json_and_nobody_else_does() {
    let s = server().await;
    let made = s.invite(Role::Witness, true).await;
    let wrong = HostKey::from_random([55; 16]);
    for key in [None, Some(&wrong)] {
        let (status, _) = s.api(s.request("GET", "/record", key, None)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = s
        .api(s.request("GET", "/record", Some(&s.host_key), None))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("Chain whole: 1 entry"), "{text}");
    assert!(
        text.contains(&format!(
            "invitation {} made for the role of witness",
            made.invite.id
        )),
        "{text}"
    );
    let (status, body) = s
        .api(s.request("GET", "/record?format=json", Some(&s.host_key), None))
        .await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["chain"]["whole"], true);
    assert_eq!(json["entries"][0]["event"]["type"], "invite_created");
    let (status, _) = s
        .api(s.request("GET", "/record?format=pdf", Some(&s.host_key), None))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
