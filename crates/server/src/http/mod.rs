//! HTTP handlers.

pub mod admission;
pub mod door;
pub mod error;
pub mod invites;
pub mod meetings;
pub mod rate;
pub mod record;
pub mod slides;
pub mod static_files;
pub mod ws;

pub use error::AppError;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

/// The `Authorization: Bearer` credential of a request, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}
