//! The server's JSON API (`/api/...`), typed with the protocol crate, over the
//! browser's `fetch`.

use crate::error::ApiFailure;
use sala_protocol::{
    ApiError, CreateMeeting, MeetingCreated, MeetingId, MeetingInfo, MeetingTitle,
};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// `fetch(url)` with a JSON body, if any: whether the status was 2xx, and the
/// answer's text. `None` when there was no answer.
async fn fetch(method: &str, url: &str, json: Option<String>) -> Option<(bool, String)> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        let headers = Headers::new().ok()?;
        headers.set("Content-Type", "application/json").ok()?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from(json));
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
    json: Option<String>,
) -> Result<T, ApiFailure> {
    let (ok, text) = fetch(method, url, json)
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
    call("POST", "/api/meetings", Some(body)).await
}

pub async fn get_meeting(id: &MeetingId) -> Result<MeetingInfo, ApiFailure> {
    call("GET", &format!("/api/meetings/{id}"), None).await
}
