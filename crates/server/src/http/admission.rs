//! Admission of an upload, before its body is read: the declared length against the route's
//! limit (413 at once, whatever the length), then a place in the render queue (503 with
//! `Retry-After` at once when it is full). Only an admitted upload's body is read, so the
//! bodies in memory are those of the few uploads in the queue, not of everyone who tries.

use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppError;
use crate::AppState;

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
pub async fn admit(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > gate.limit) {
        return AppError::TooLarge.into_response();
    }
    let Some(place) = gate.state.renderer().admit() else {
        return AppError::Busy.into_response();
    };
    let response = next.run(request).await;
    drop(place);
    response
}
