//! The server's JSON API (`/api/...`), typed with the protocol crate.

use crate::error::ApiFailure;
use gloo_net::http::{Request, Response};
use sala_protocol::{
    ApiError, CreateMeeting, MeetingCreated, MeetingId, MeetingInfo, MeetingTitle,
};
use serde::de::DeserializeOwned;

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiFailure> {
    if resp.ok() {
        resp.json::<T>().await.map_err(|_| ApiFailure::Unreachable)
    } else {
        match resp.json::<ApiError>().await {
            Ok(body) => Err(ApiFailure::Refused(body.error)),
            Err(_) => Err(ApiFailure::Unreachable),
        }
    }
}

pub async fn create_meeting(title: MeetingTitle) -> Result<MeetingCreated, ApiFailure> {
    let resp = Request::post("/api/meetings")
        .json(&CreateMeeting { title })
        .map_err(|_| ApiFailure::Unreachable)?
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    decode(resp).await
}

pub async fn get_meeting(id: &MeetingId) -> Result<MeetingInfo, ApiFailure> {
    let resp = Request::get(&format!("/api/meetings/{id}"))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    decode(resp).await
}
