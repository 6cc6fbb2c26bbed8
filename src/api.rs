//! The server's JSON API (`/api/...`), typed with the protocol crate, over the
//! browser's `fetch`.

use crate::error::ApiFailure;
use sala_protocol::{
    ApiError, CreateInvite, CreateMeeting, Deck, DeckId, HostKey, InviteCreated, InviteId,
    InviteInfo, MeetingCreated, MeetingId, MeetingInfo, MeetingKind, MeetingTitle, ResumeToken,
    SlidePage,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// What a request carries.
enum Body<'a> {
    None,
    Json(String),
    /// A file or a blob, sent as it is.
    File(&'a web_sys::Blob),
}

/// Who a request is made as: the host (its key), or a participant in the
/// room (its session's resume token).
#[derive(Clone, Copy)]
enum Bearer<'a> {
    Host(&'a HostKey),
    Session(&'a ResumeToken),
}

impl Bearer<'_> {
    fn header(self) -> String {
        match self {
            Self::Host(key) => format!("Bearer {key}"),
            Self::Session(token) => format!("Bearer {token}"),
        }
    }
}

/// `fetch(url)` with a body, if any, as `bearer` if given: whether the
/// status was 2xx, and the answer's text. `None` when there was no answer.
async fn fetch(
    method: &str,
    url: &str,
    body: Body<'_>,
    bearer: Option<Bearer<'_>>,
) -> Option<(bool, String)> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().ok()?;
    if let Some(bearer) = bearer {
        headers.set("Authorization", &bearer.header()).ok()?;
    }
    match body {
        Body::None => {}
        Body::Json(json) => {
            headers.set("Content-Type", "application/json").ok()?;
            init.set_body(&JsValue::from(json));
        }
        Body::File(blob) => init.set_body(blob),
    }
    init.set_headers(&headers);
    let answer = JsFuture::from(web_sys::window()?.fetch_with_str_and_init(url, &init))
        .await
        .ok()?;
    let resp: Response = answer.dyn_into().ok()?;
    let text = JsFuture::from(resp.text().ok()?).await.ok()?.as_string()?;
    Some((resp.ok(), text))
}

/// One API call: the typed answer, or the server's error body.
async fn call<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Body<'_>,
    bearer: Option<Bearer<'_>>,
) -> Result<T, ApiFailure> {
    let text = call_as(method, url, body, bearer).await?;
    serde_json::from_str(&text).map_err(|_| ApiFailure::Unreachable)
}

/// One API call, as `bearer` if given: the answer's text, or the server's
/// error body.
async fn call_as(
    method: &str,
    url: &str,
    body: Body<'_>,
    bearer: Option<Bearer<'_>>,
) -> Result<String, ApiFailure> {
    let (ok, text) = fetch(method, url, body, bearer)
        .await
        .ok_or(ApiFailure::Unreachable)?;
    if ok {
        Ok(text)
    } else {
        match serde_json::from_str::<ApiError>(&text) {
            Ok(body) => Err(ApiFailure::Refused(body.error)),
            Err(_) => Err(ApiFailure::Unreachable),
        }
    }
}

/// The host makes an invitation.
pub async fn create_invite(
    meeting: &MeetingId,
    host: &HostKey,
    invite: &CreateInvite,
) -> Result<InviteCreated, ApiFailure> {
    let body = serde_json::to_string(invite).map_err(|_| ApiFailure::Unreachable)?;
    let url = format!("/api/meetings/{meeting}/invites");
    call("POST", &url, Body::Json(body), Some(Bearer::Host(host))).await
}

/// The host's invitations.
pub async fn invites(meeting: &MeetingId, host: &HostKey) -> Result<Vec<InviteInfo>, ApiFailure> {
    let url = format!("/api/meetings/{meeting}/invites");
    call("GET", &url, Body::None, Some(Bearer::Host(host))).await
}

/// The meeting's record, for its host: readable text, or JSON.
pub async fn record(meeting: &MeetingId, host: &HostKey, json: bool) -> Result<String, ApiFailure> {
    let format = if json { "json" } else { "text" };
    let url = format!("/api/meetings/{meeting}/record?format={format}");
    call_as("GET", &url, Body::None, Some(Bearer::Host(host))).await
}

/// The host withdraws an invitation.
pub async fn revoke_invite(
    meeting: &MeetingId,
    host: &HostKey,
    invite: &InviteId,
) -> Result<(), ApiFailure> {
    let url = format!("/api/meetings/{meeting}/invites/{invite}");
    call_as("DELETE", &url, Body::None, Some(Bearer::Host(host)))
        .await
        .map(drop)
}

pub async fn create_meeting(
    title: MeetingTitle,
    kind: MeetingKind,
) -> Result<MeetingCreated, ApiFailure> {
    let body = serde_json::to_string(&CreateMeeting { title, kind })
        .map_err(|_| ApiFailure::Unreachable)?;
    call("POST", "/api/meetings", Body::Json(body), None).await
}

pub async fn get_meeting(id: &MeetingId) -> Result<MeetingInfo, ApiFailure> {
    call("GET", &format!("/api/meetings/{id}"), Body::None, None).await
}

/// Uploads a PDF or picture as the participant whose session is `session`;
/// the server answers with its rendered pages.
pub async fn upload_deck(
    meeting: &MeetingId,
    session: &ResumeToken,
    file: &web_sys::File,
) -> Result<Deck, ApiFailure> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    let url = format!("/api/meetings/{meeting}/decks?name={name}");
    let bearer = Some(Bearer::Session(session));
    call("POST", &url, Body::File(file), bearer).await
}

/// Uploads a still of our shared screen (PNG), as the participant whose
/// session is `session`.
pub async fn upload_still(
    meeting: &MeetingId,
    session: &ResumeToken,
    png: &web_sys::Blob,
) -> Result<SlidePage, ApiFailure> {
    let url = format!("/api/meetings/{meeting}/stills");
    let bearer = Some(Bearer::Session(session));
    call("POST", &url, Body::File(png), bearer).await
}

pub async fn get_deck(id: &DeckId) -> Result<Deck, ApiFailure> {
    call("GET", &format!("/api/decks/{id}"), Body::None, None).await
}

/// A page image, whole; `None` if it did not arrive (the caller retries).
pub async fn image(path: &str) -> Option<web_sys::Blob> {
    let answer = JsFuture::from(web_sys::window()?.fetch_with_str(path))
        .await
        .ok()?;
    let resp: Response = answer.dyn_into().ok()?;
    if !resp.ok() {
        return None;
    }
    JsFuture::from(resp.blob().ok()?)
        .await
        .ok()?
        .dyn_into()
        .ok()
}
