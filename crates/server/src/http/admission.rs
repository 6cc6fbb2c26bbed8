//! Admission of an upload, before its body is read: the declared length against the route's
//! limit (413 at once, whatever the length), then who makes it — a session in the meeting's
//! room that may present ([`uploader`], else 403) — then a place in the render queue (503
//! with `Retry-After` at once when it is full). Only an admitted upload's body is read, so the
//! bodies in memory are those of the few uploads in the queue, not of everyone who tries, and
//! nobody outside the room can take a place in it.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sala_protocol::{MeetingId, PeerId, ResumeToken};

use super::AppError;
use crate::AppState;

/// Who an admitted upload is made by, for its handler (a request extension).
#[derive(Clone, Debug)]
pub struct Uploader {
    pub meeting: MeetingId,
    pub peer: PeerId,
}

/// The state of one upload route's gate.
#[derive(Clone)]
pub struct Gate {
    state: AppState,
    /// The route's body limit, in bytes.
    limit: u64,
}

impl Gate {
    pub fn new(state: &AppState, limit: usize) -> Self {
        Self {
            state: state.clone(),
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
        }
    }
}

/// The middleware: refuse early, or hold a queue place until the response is made. A body
/// without a length (chunked) is admitted and cut at the limit while it is read.
pub async fn admit(
    State(gate): State<Gate>,
    meeting: Result<Path<String>, PathRejection>,
    mut request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > gate.limit) {
        return AppError::TooLarge.into_response();
    }
    let uploader = match uploader(&gate.state, meeting, request.headers()).await {
        Ok(uploader) => uploader,
        Err(refused) => return refused.into_response(),
    };
    request.extensions_mut().insert(uploader);
    let Some(place) = gate.state.renderer().admit() else {
        return AppError::Busy.into_response();
    };
    let response = next.run(request).await;
    drop(place);
    response
}

/// Who makes an upload: its bearer is a session token (the `resume` of its `Welcome`) of
/// someone in the meeting's live room who may present — not waiting in the lobby, not the
/// public gallery. An unknown meeting is a 404 as everywhere.
async fn uploader(
    state: &AppState,
    meeting: Result<Path<String>, PathRejection>,
    headers: &HeaderMap,
) -> Result<Uploader, AppError> {
    let Path(meeting) = meeting?;
    let meeting = MeetingId::parse(&meeting).map_err(|_| AppError::NotFound)?;
    state
        .db()
        .meeting(meeting.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let token = super::bearer(headers)
        .and_then(|t| ResumeToken::parse(t).ok())
        .ok_or(AppError::NotAllowed)?;
    let peer = state
        .rooms()
        .presenter(&meeting, token)
        .await
        .ok_or(AppError::NotAllowed)?;
    Ok(Uploader { meeting, peer })
}
