//! The server's JSON API (`/api/...`), typed with the protocol crate, over the
//! browser's `fetch`.

use crate::error::ApiFailure;
use sala_protocol::{
    ApiError, CreateMeeting, Deck, DeckId, MeetingCreated, MeetingId, MeetingInfo, MeetingTitle,
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

/// `fetch(url)` with a body, if any: whether the status was 2xx, and the
/// answer's text. `None` when there was no answer.
async fn fetch(method: &str, url: &str, body: Body<'_>) -> Option<(bool, String)> {
    let init = RequestInit::new();
    init.set_method(method);
    match body {
        Body::None => {}
        Body::Json(json) => {
            let headers = Headers::new().ok()?;
            headers.set("Content-Type", "application/json").ok()?;
            init.set_headers(&headers);
            init.set_body(&JsValue::from(json));
        }
        Body::File(blob) => init.set_body(blob),
    }
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
) -> Result<T, ApiFailure> {
    let (ok, text) = fetch(method, url, body)
        .await
        .ok_or(ApiFailure::Unreachable)?;
    if ok {
        serde_json::from_str(&text).map_err(|_| ApiFailure::Unreachable)
    } else {
        match serde_json::from_str::<ApiError>(&text) {
            Ok(body) => Err(ApiFailure::Refused(body.error)),
            Err(_) => Err(ApiFailure::Unreachable),
        }
    }
}

pub async fn create_meeting(title: MeetingTitle) -> Result<MeetingCreated, ApiFailure> {
    let body =
        serde_json::to_string(&CreateMeeting { title }).map_err(|_| ApiFailure::Unreachable)?;
    call("POST", "/api/meetings", Body::Json(body)).await
}

pub async fn get_meeting(id: &MeetingId) -> Result<MeetingInfo, ApiFailure> {
    call("GET", &format!("/api/meetings/{id}"), Body::None).await
}

/// Uploads a PDF or picture; the server answers with its rendered pages.
pub async fn upload_deck(meeting: &MeetingId, file: &web_sys::File) -> Result<Deck, ApiFailure> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    let url = format!("/api/meetings/{meeting}/decks?name={name}");
    call("POST", &url, Body::File(file)).await
}

/// Uploads a still of a shared screen (PNG).
pub async fn upload_still(
    meeting: &MeetingId,
    png: &web_sys::Blob,
) -> Result<SlidePage, ApiFailure> {
    call(
        "POST",
        &format!("/api/meetings/{meeting}/stills"),
        Body::File(png),
    )
    .await
}

pub async fn get_deck(id: &DeckId) -> Result<Deck, ApiFailure> {
    call("GET", &format!("/api/decks/{id}"), Body::None).await
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
