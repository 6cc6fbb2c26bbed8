//! Why the server refuses a message, a connection or an invitation.

use crate::{MAX_FRAME_BYTES, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};

/// Why the server refused a message or a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ErrorCode {
    #[error("this meeting does not exist or has ended")]
    UnknownMeeting,
    #[error("client speaks protocol {client}, server speaks {server}")]
    UnsupportedProtocol { client: u32, server: u32 },
    #[error("message could not be parsed")]
    Malformed,
    #[error("message larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the first message must be a join")]
    NotJoined,
    #[error("already joined on this connection")]
    AlreadyJoined,
    #[error("no such peer in this meeting")]
    UnknownPeer,
    #[error("the meeting is full")]
    MeetingFull,
    #[error("the resume token is unknown or expired")]
    ResumeExpired,
    #[error("the host key is not valid for this meeting")]
    BadHostKey,
    #[error("too many messages")]
    RateLimited,
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("this session continues on a newer connection")]
    SessionReplaced,
    #[error("no such deck in this meeting")]
    UnknownDeck,
    #[error("the deck has no such page")]
    NoSuchPage,
    #[error("only the presenter can do that")]
    NotPresenter,
    #[error("there is no screen share to attach a still to")]
    NotSharing,
    #[error("the invitation is refused: {reason}")]
    InviteRefused { reason: InviteRefusal },
    #[error("only the host or a co-host can do that")]
    NotAllowed,
    #[error("the host removed you from the meeting")]
    Removed,
    #[error("the meeting has ended")]
    MeetingEnded,
    #[error("the host has locked the meeting")]
    RoomLocked,
    #[error("the host did not let you in")]
    Denied,
    #[error("the room is full; someone must leave before another comes in")]
    RoomFull,
    #[error("nobody of that name waits in the lobby")]
    NotWaiting,
    #[error("a hearing's lobby cannot be turned off")]
    HearingLobby,
    #[error("no such private consultation is open to you")]
    NoSuchConsultation,
    #[error("not while in a private consultation")]
    InConsultation,
    /// A numbered message out of sequence: not handled, not acknowledged.
    /// Numbers go 1, 2, 3… per participant across resumes.
    #[error("message number out of sequence; expected {expected}")]
    OutOfSequence { expected: u64 },
    /// The meeting's record could not be written: the action was not
    /// done, nobody heard of it, and the room stopped so that nothing
    /// happens that the record does not keep. Joining again may work.
    #[error("the meeting's record could not be written")]
    RecordUnavailable,
    /// Too many actions that write to the record, too fast: this one was
    /// not done (nor recorded). The allowance refills within seconds.
    #[error("too many actions too fast; this one was not done")]
    SlowDown,
}

/// The `code` of an [`ErrorCode`], as a value (see [`ServerMsgTag`](crate::ServerMsgTag)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorTag {
    UnknownMeeting,
    UnsupportedProtocol,
    Malformed,
    TooLarge,
    NotJoined,
    AlreadyJoined,
    UnknownPeer,
    MeetingFull,
    ResumeExpired,
    BadHostKey,
    RateLimited,
    ShuttingDown,
    SessionReplaced,
    UnknownDeck,
    NoSuchPage,
    NotPresenter,
    NotSharing,
    InviteRefused,
    NotAllowed,
    Removed,
    MeetingEnded,
    RoomLocked,
    Denied,
    RoomFull,
    NotWaiting,
    HearingLobby,
    NoSuchConsultation,
    InConsultation,
    OutOfSequence,
    RecordUnavailable,
    SlowDown,
}

impl ErrorCode {
    /// Its tag on the wire, as a value.
    pub fn tag(&self) -> ErrorTag {
        match self {
            Self::UnknownMeeting => ErrorTag::UnknownMeeting,
            Self::UnsupportedProtocol { .. } => ErrorTag::UnsupportedProtocol,
            Self::Malformed => ErrorTag::Malformed,
            Self::TooLarge { .. } => ErrorTag::TooLarge,
            Self::NotJoined => ErrorTag::NotJoined,
            Self::AlreadyJoined => ErrorTag::AlreadyJoined,
            Self::UnknownPeer => ErrorTag::UnknownPeer,
            Self::MeetingFull => ErrorTag::MeetingFull,
            Self::ResumeExpired => ErrorTag::ResumeExpired,
            Self::BadHostKey => ErrorTag::BadHostKey,
            Self::RateLimited => ErrorTag::RateLimited,
            Self::ShuttingDown => ErrorTag::ShuttingDown,
            Self::SessionReplaced => ErrorTag::SessionReplaced,
            Self::UnknownDeck => ErrorTag::UnknownDeck,
            Self::NoSuchPage => ErrorTag::NoSuchPage,
            Self::NotPresenter => ErrorTag::NotPresenter,
            Self::NotSharing => ErrorTag::NotSharing,
            Self::InviteRefused { .. } => ErrorTag::InviteRefused,
            Self::NotAllowed => ErrorTag::NotAllowed,
            Self::Removed => ErrorTag::Removed,
            Self::MeetingEnded => ErrorTag::MeetingEnded,
            Self::RoomLocked => ErrorTag::RoomLocked,
            Self::Denied => ErrorTag::Denied,
            Self::RoomFull => ErrorTag::RoomFull,
            Self::NotWaiting => ErrorTag::NotWaiting,
            Self::HearingLobby => ErrorTag::HearingLobby,
            Self::NoSuchConsultation => ErrorTag::NoSuchConsultation,
            Self::InConsultation => ErrorTag::InConsultation,
            Self::OutOfSequence { .. } => ErrorTag::OutOfSequence,
            Self::RecordUnavailable => ErrorTag::RecordUnavailable,
            Self::SlowDown => ErrorTag::SlowDown,
        }
    }
}

/// Why an invitation does not let its holder in. Each has its own message on
/// the join page and its own row in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum InviteRefusal {
    #[error("it has expired")]
    Expired,
    #[error("it is not valid yet")]
    NotYetValid,
    #[error("the host has withdrawn it")]
    Revoked,
    #[error("it was for one use and has been used")]
    AlreadyUsed,
    #[error("the meeting has ended")]
    MeetingEnded,
    #[error("it is for another meeting")]
    WrongMeeting,
    #[error("it has been altered or is not from this server")]
    Tampered,
    #[error("its holder was removed from the meeting")]
    Removed,
}

impl InviteRefusal {
    pub const ALL: [InviteRefusal; 8] = [
        Self::Expired,
        Self::NotYetValid,
        Self::Revoked,
        Self::AlreadyUsed,
        Self::MeetingEnded,
        Self::WrongMeeting,
        Self::Tampered,
        Self::Removed,
    ];

    /// Its name on the wire and in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::Revoked => "revoked",
            Self::AlreadyUsed => "already_used",
            Self::MeetingEnded => "meeting_ended",
            Self::WrongMeeting => "wrong_meeting",
            Self::Tampered => "tampered",
            Self::Removed => "removed",
        }
    }

    /// The WebSocket close code of the refusal: 4460 and up, one each, so
    /// that a client that missed the `Error` still knows which.
    pub fn close_code(self) -> u16 {
        4460 + Self::ALL.iter().position(|r| *r == self).unwrap_or(0) as u16
    }
}

impl ErrorCode {
    /// WebSocket close code for errors that end the connection; `None` for
    /// errors after which the connection stays usable.
    pub fn close_code(self) -> Option<u16> {
        match self {
            Self::UnknownMeeting => Some(4404),
            Self::UnsupportedProtocol { .. } => Some(4426),
            Self::TooLarge { .. } => Some(1009),
            Self::MeetingFull => Some(4429),
            Self::BadHostKey => Some(4403),
            Self::RateLimited => Some(4408),
            Self::ShuttingDown => Some(1001),
            Self::SessionReplaced => Some(4409),
            Self::InviteRefused { reason } => Some(reason.close_code()),
            Self::Removed => Some(4410),
            Self::MeetingEnded => Some(4412),
            Self::RoomLocked => Some(4423),
            Self::Denied => Some(4411),
            Self::RecordUnavailable => Some(4503),
            Self::Malformed
            | Self::NotJoined
            | Self::AlreadyJoined
            | Self::UnknownPeer
            | Self::ResumeExpired
            | Self::UnknownDeck
            | Self::NoSuchPage
            | Self::NotPresenter
            | Self::NotSharing
            | Self::NotAllowed
            | Self::RoomFull
            | Self::NotWaiting
            | Self::HearingLobby
            | Self::NoSuchConsultation
            | Self::InConsultation
            | Self::OutOfSequence { .. }
            | Self::SlowDown => None,
        }
    }

    /// Maps a close code back to the error that caused it (client side).
    pub fn from_close_code(code: u16) -> Option<Self> {
        [
            Self::UnknownMeeting,
            Self::UnsupportedProtocol {
                client: PROTOCOL_VERSION,
                server: 0,
            },
            Self::TooLarge {
                limit: MAX_FRAME_BYTES,
            },
            Self::MeetingFull,
            Self::BadHostKey,
            Self::RateLimited,
            Self::ShuttingDown,
            Self::SessionReplaced,
            Self::Removed,
            Self::MeetingEnded,
            Self::RoomLocked,
            Self::Denied,
            Self::RecordUnavailable,
        ]
        .into_iter()
        .chain(InviteRefusal::ALL.map(|reason| Self::InviteRefused { reason }))
        .find(|e| e.close_code() == Some(code))
    }
}
