//! The one error type of the JSON API.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sala_protocol::{ApiError, ApiErrorCode};

use crate::db::DbError;
use crate::http::slides::SlidesRenderError;
use crate::render::{Refusal, RenderError};

/// What a `Busy` answer asks the client to wait before trying again, in seconds.
const RETRY_AFTER_SECONDS: HeaderValue = HeaderValue::from_static("5");

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Unknown or malformed meeting id, or an unknown API path.
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("request body too large")]
    TooLarge,
    /// An upload not made as someone in the room who may present.
    #[error("not allowed")]
    NotAllowed,
    /// The render queue is full.
    #[error("renderer busy")]
    Busy,
    #[error("could not render the upload: {0}")]
    Render(#[from] SlidesRenderError),
}

impl From<BytesRejection> for AppError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge
        } else {
            Self::BadRequest(rejection.body_text())
        }
    }
}

impl From<RenderError> for AppError {
    fn from(e: RenderError) -> Self {
        Self::Render(e.into())
    }
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
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::TooLarge),
            Self::Render(SlidesRenderError::Render(e)) => render_failure(e),
            Self::Render(e @ SlidesRenderError::Shape(_)) => {
                tracing::error!(error = %e, "render failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
            }
            Self::NotAllowed => (StatusCode::FORBIDDEN, ApiErrorCode::NotAllowed),
            Self::Busy => {
                let body = Json(ApiError {
                    error: ApiErrorCode::Busy,
                });
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(RETRY_AFTER, RETRY_AFTER_SECONDS)],
                    body,
                )
                    .into_response();
            }
        };
        (status, Json(ApiError { error })).into_response()
    }
}

/// A failed render as the presenter sees it: the file's fault is a 413 or 422 with a code
/// the client shows in words; the server's fault is a 500.
fn render_failure(e: &RenderError) -> (StatusCode, ApiErrorCode) {
    match e {
        RenderError::Refused(refusal, why) => {
            tracing::info!(?refusal, %why, "upload refused");
            match refusal {
                Refusal::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::TooLarge),
                Refusal::TooComplex => (StatusCode::UNPROCESSABLE_ENTITY, ApiErrorCode::TooComplex),
                Refusal::Unreadable => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ApiErrorCode::UnreadableFile,
                ),
                Refusal::EncodeFailed => {
                    tracing::error!(%why, "encoding a slide failed");
                    (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
                }
            }
        }
        RenderError::TookTooLong(_) => {
            tracing::info!(error = %e, "upload refused");
            (StatusCode::UNPROCESSABLE_ENTITY, ApiErrorCode::TookTooLong)
        }
        RenderError::OutOfMemory => {
            tracing::info!(error = %e, "upload refused");
            (StatusCode::UNPROCESSABLE_ENTITY, ApiErrorCode::TooComplex)
        }
        RenderError::Crashed(_) => {
            // A renderer bug met by this file: the file cannot be shown, the server is fine.
            tracing::warn!(error = %e, "render worker crashed");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ApiErrorCode::UnreadableFile,
            )
        }
        RenderError::Worker(_) => {
            tracing::error!(error = %e, "render worker");
            (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
        }
    }
}
