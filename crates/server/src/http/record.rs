//! `GET /api/meetings/{id}/record[?format=json]`: the meeting's record for
//! its host (host key as `Authorization: Bearer`; a wrong key answers like an
//! unknown meeting), as a readable text or as JSON, verified on the way out.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::invites::hosted;
use super::AppError;
use crate::record::{Report, ReportError};
use crate::AppState;

/// What form the record comes in.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// One line per entry, for a person (and a court's file).
    #[default]
    Text,
    /// Every entry with its digests, for tools.
    Json,
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordQuery {
    #[serde(default)]
    format: Format,
}

impl From<ReportError> for AppError {
    fn from(err: ReportError) -> Self {
        match err {
            ReportError::UnknownMeeting(_) => AppError::NotFound,
            ReportError::Db(e) => AppError::Db(e),
        }
    }
}

pub async fn export(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<RecordQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Path(id) = path?;
    let Query(query) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let meeting = hosted(&state, &id, &headers).await?;
    let report = Report::load(state.db(), meeting.clone(), None).await?;
    let (body, kind, ext) = match query.format {
        Format::Text => (report.text(), "text/plain; charset=utf-8", "txt"),
        Format::Json => (report.json().to_string(), "application/json", "json"),
    };
    let disposition = format!("attachment; filename=\"record-{meeting}.{ext}\"");
    Ok((
        [
            (CONTENT_TYPE, kind.to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
