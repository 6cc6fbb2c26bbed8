//! `POST|GET /api/meetings/{id}/invites`, `DELETE /api/meetings/{id}/invites/{invite}`:
//! the host's invitations. The host proves itself with its host key in
//! `Authorization: Bearer`; a wrong key and an unknown meeting get the same 404.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use sala_protocol::{
    CreateInvite, HostKey, InviteCreated, InviteId, InviteInfo, MeetingId, MAX_INVITE_SECS,
};
use sala_record::Event;

use super::AppError;
use crate::db::now_ms;
use crate::invite::{self, Claims};
use crate::AppState;

/// Shortest validity worth a link: a minute.
const MIN_INVITE_SECS: u64 = 60;

/// The meeting in the path, if the request carries its host key.
pub(super) async fn hosted(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<MeetingId, AppError> {
    let id = MeetingId::parse(id).map_err(|_| AppError::NotFound)?;
    let key = super::bearer(headers)
        .and_then(|k| HostKey::parse(k).ok())
        .ok_or(AppError::NotFound)?;
    match state.db().meeting(id.clone()).await? {
        Some(stored) if stored.host_key == key => Ok(id),
        _ => Err(AppError::NotFound),
    }
}

pub async fn create(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Json<CreateInvite>, JsonRejection>,
) -> Result<(StatusCode, Json<InviteCreated>), AppError> {
    let Path(id) = path?;
    let meeting = hosted(&state, &id, &headers).await?;
    let Json(CreateInvite {
        role,
        valid_for_secs,
        single_use,
    }) = body?;
    if !(MIN_INVITE_SECS..=MAX_INVITE_SECS).contains(&valid_for_secs) {
        return Err(AppError::BadRequest(format!(
            "valid_for_secs must be {MIN_INVITE_SECS} to {MAX_INVITE_SECS}"
        )));
    }
    let now = now_ms();
    let claims = Claims {
        meeting: meeting.clone(),
        invite: InviteId::from_random(rand::random()),
        role,
        not_before_ms: now,
        expires_ms: now + (valid_for_secs * 1000) as i64,
        single_use,
    };
    let db = state.db();
    db.create_invite(claims.clone(), now).await?;
    let made = Event::InviteCreated {
        invite: claims.invite.clone(),
        role,
        not_before_ms: claims.not_before_ms,
        expires_ms: claims.expires_ms,
        single_use,
    };
    db.append(meeting.clone(), made, now).await?;
    tracing::info!(meeting = %meeting, invite = %claims.invite, role = role.as_str(), "invitation made");
    let token = invite::sign(state.secret(), &claims);
    let invite = InviteInfo {
        id: claims.invite,
        role,
        not_before_ms: claims.not_before_ms,
        expires_ms: claims.expires_ms,
        single_use,
        used: false,
        revoked: false,
    };
    Ok((StatusCode::CREATED, Json(InviteCreated { invite, token })))
}

pub async fn list(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Json<Vec<InviteInfo>>, AppError> {
    let Path(id) = path?;
    let meeting = hosted(&state, &id, &headers).await?;
    Ok(Json(state.db().invites(meeting).await?))
}

pub async fn revoke(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let Path((id, invite)) = path?;
    let meeting = hosted(&state, &id, &headers).await?;
    let invite = InviteId::parse(&invite).map_err(|_| AppError::NotFound)?;
    let now = now_ms();
    if !state
        .db()
        .revoke_invite(meeting.clone(), invite.clone(), now)
        .await?
    {
        return Err(AppError::NotFound);
    }
    let revoked = Event::InviteRevoked {
        invite: invite.clone(),
    };
    state.db().append(meeting.clone(), revoked, now).await?;
    tracing::info!(meeting = %meeting, invite = %invite, "invitation withdrawn");
    Ok(StatusCode::NO_CONTENT)
}
