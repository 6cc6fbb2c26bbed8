//! The JSON HTTP API beside the WebSocket: meetings and invitations.

use crate::{
    HostKey, InviteId, InviteToken, MeetingId, MeetingInfo, MeetingKind, MeetingTitle, Role,
};
use serde::{Deserialize, Serialize};

/// `POST /api/meetings` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateMeeting {
    pub title: MeetingTitle,
    #[serde(default)]
    pub kind: MeetingKind,
}

/// `POST /api/meetings` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingCreated {
    pub meeting: MeetingInfo,
    /// Grants the host role; goes in the host link's URL fragment only.
    pub host_key: HostKey,
}

/// `POST /api/meetings/{id}/invites` body; the host key goes in the
/// `Authorization: Bearer` header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateInvite {
    pub role: Role,
    /// How long it lets people in, from now (at most [`MAX_INVITE_SECS`]).
    pub valid_for_secs: u64,
    /// Lets one person in, once.
    #[serde(default)]
    pub single_use: bool,
}

/// Longest validity of an invitation: 31 days.
pub const MAX_INVITE_SECS: u64 = 31 * 24 * 3600;

/// An invitation as its host sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub id: InviteId,
    pub role: Role,
    /// Unix milliseconds.
    pub not_before_ms: i64,
    pub expires_ms: i64,
    pub single_use: bool,
    pub used: bool,
    pub revoked: bool,
}

/// What an invitation says: the part of an [`InviteToken`] the server signs.
/// Field names are short: the token is part of a link people copy by hand.
///
/// The server checks the signature before it believes any of it; a client
/// may read it unchecked only for what it shows before joining (the public
/// gallery's join screen asks for no camera or microphone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteClaims {
    #[serde(rename = "m")]
    pub meeting: MeetingId,
    #[serde(rename = "i")]
    pub invite: InviteId,
    #[serde(rename = "r")]
    pub role: Role,
    /// Unix milliseconds from which it lets its holder in.
    #[serde(rename = "nb")]
    pub not_before_ms: i64,
    /// Unix milliseconds from which it no longer does.
    #[serde(rename = "exp")]
    pub expires_ms: i64,
    /// Lets one person in, once.
    #[serde(rename = "one")]
    pub single_use: bool,
}

/// `POST /api/meetings/{id}/invites` answer. The token goes in the invite
/// link's URL fragment only (`/m/{id}#invite={token}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCreated {
    pub invite: InviteInfo,
    pub token: InviteToken,
}

/// Error body of every failed JSON API call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ApiErrorCode,
}

/// What went wrong with a JSON API call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    #[error("no such meeting")]
    NotFound,
    #[error("the request body is not valid")]
    BadRequest,
    #[error("internal error")]
    Internal,
    #[error("the file is too large")]
    TooLarge,
    #[error("the file is not a PDF or an image Sala can read")]
    UnreadableFile,
    #[error("the server is busy; try again in a moment")]
    Busy,
    /// An upload without a session in the meeting's room that may present.
    #[error("only someone in the room who may present can upload")]
    NotAllowed,
    /// The file asks for more work or memory than the renderer may spend on one upload.
    #[error("the file is too complex to show")]
    TooComplex,
    /// The file did not render within the renderer's time budget.
    #[error("the file took too long to prepare")]
    TookTooLong,
}
