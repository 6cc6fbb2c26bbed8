//! The one error type of the JSON API.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sala_protocol::{ApiError, ApiErrorCode};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown or malformed meeting id, or an unknown API path.
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        Self::NotFound
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, error) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, ApiErrorCode::NotFound),
            Self::BadRequest(why) => {
                tracing::debug!(%why, "bad request");
                (StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest)
            }
            Self::Db(e) => {
                tracing::error!(error = %e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
            }
        };
        (status, Json(ApiError { error })).into_response()
    }
}
