//! Refusals at a meeting's door before any invitation is read (issue #11):
//! a host key that is not the meeting's and a `Join` that does not parse
//! are kept in the meeting's record (within the door's allowance,
//! [`crate::AppState::record_refusal`]); the socket shell closes them.

use sala_protocol::{DisplayName, ErrorCode, HostKey, MeetingId};
use sala_record::{DoorRefusal, Event};
use tracing::error;

use crate::db::DbError;
use crate::AppState;

/// `text` as JSON, if it is an object saying it is a `Join`.
pub(crate) fn as_join(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .filter(|v| v.get("type").and_then(|t| t.as_str()) == Some("join"))
}

/// `None` if `key` is `meeting`'s host key; else the refusal to close with —
/// `BadHostKey`, recorded, or `UnknownMeeting` (the same answer as without a
/// key).
pub(crate) async fn check_host_key(
    state: &AppState,
    meeting: &MeetingId,
    name: &DisplayName,
    key: &HostKey,
) -> Result<Option<ErrorCode>, DbError> {
    let Some(stored) = state.db().meeting(meeting.clone()).await? else {
        return Ok(Some(ErrorCode::UnknownMeeting));
    };
    if stored.host_key == *key {
        return Ok(None);
    }
    let refused = Event::DoorRefused {
        name: Some(name.clone()),
        reason: DoorRefusal::WrongHostKey,
    };
    state.record_refusal(meeting, refused).await?;
    Ok(Some(ErrorCode::BadHostKey))
}

/// A `Join` that does not parse (a malformed key, token or name): its
/// meeting's record keeps it, if the meeting can be read and exists.
pub(crate) async fn record_malformed_join(state: &AppState, join: &serde_json::Value) {
    let field = |k: &str| join.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let Some(meeting) = field("meeting").and_then(|m| MeetingId::parse(&m).ok()) else {
        return;
    };
    match state.db().meeting(meeting.clone()).await {
        Ok(Some(_)) => {
            let refused = Event::DoorRefused {
                name: field("name").and_then(|n| DisplayName::parse(&n).ok()),
                reason: DoorRefusal::Malformed,
            };
            if let Err(e) = state.record_refusal(&meeting, refused).await {
                error!(meeting = %meeting, error = %e, "could not record a refusal");
            }
        }
        Ok(None) => {}
        Err(e) => error!(meeting = %meeting, error = %e, "could not look up meeting"),
    }
}
