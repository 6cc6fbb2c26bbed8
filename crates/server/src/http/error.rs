//! The one error type of the JSON API.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sala_protocol::{ApiError, ApiErrorCode};

use crate::db::DbError;
use crate::http::slides::SlidesRenderError;

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
    /// Too many uploads are being rendered already.
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

impl From<sala_slides::SlidesError> for AppError {
    fn from(e: sala_slides::SlidesError) -> Self {
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
            Self::Render(SlidesRenderError::Slides(e)) => {
                tracing::info!(error = %e, "upload refused");
                match e {
                    sala_slides::SlidesError::TooLarge(_)
                    | sala_slides::SlidesError::TooManyPages { .. } => {
                        (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::TooLarge)
                    }
                    sala_slides::SlidesError::Encode(_) => {
                        (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
                    }
                    _ => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        ApiErrorCode::UnreadableFile,
                    ),
                }
            }
            Self::Render(e) => {
                tracing::error!(error = %e, "render failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
            }
            Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, ApiErrorCode::Busy),
            Self::NotAllowed => (StatusCode::FORBIDDEN, ApiErrorCode::NotAllowed),
        };
        (status, Json(ApiError { error })).into_response()
    }
}
