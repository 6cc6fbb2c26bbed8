//! `POST /api/meetings` and `GET /api/meetings/{id}`.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use sala_protocol::{CreateMeeting, HostKey, MeetingCreated, MeetingId, MeetingInfo};

use super::AppError;
use crate::db::now_ms;
use crate::AppState;

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<CreateMeeting>, JsonRejection>,
) -> Result<(StatusCode, Json<MeetingCreated>), AppError> {
    let Json(CreateMeeting { title, kind }) = body?;
    let meeting = MeetingInfo {
        id: MeetingId::from_random(rand::random()),
        title,
        kind,
    };
    let host_key = HostKey::from_random(rand::random());
    state
        .db()
        .create_meeting(meeting.clone(), host_key.clone(), now_ms())
        .await?;
    tracing::info!(meeting = %meeting.id, "meeting created");
    Ok((
        StatusCode::CREATED,
        Json(MeetingCreated { meeting, host_key }),
    ))
}

/// Malformed and unknown ids get the same 404, so ids cannot be probed for shape.
pub async fn get(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<MeetingInfo>, AppError> {
    let Path(id) = id?;
    let id = MeetingId::parse(&id).map_err(|_| AppError::NotFound)?;
    let stored = state.db().meeting(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(stored.info))
}
