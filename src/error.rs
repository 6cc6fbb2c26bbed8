//! JS errors mapped to enums at the boundary; nothing past here sees a `JsValue` error.

use crate::i18n::Text;
use sala_protocol::{ApiErrorCode, ErrorCode, InviteRefusal};
use wasm_bindgen::{JsCast, JsValue};

/// Why the camera, microphone or screen could not be captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaError {
    /// The user or a policy refused access (`NotAllowedError`, `SecurityError`).
    PermissionDenied,
    /// No such device (`NotFoundError`, `OverconstrainedError`).
    NoDevice,
    /// The device exists but cannot be opened (`NotReadableError`, `AbortError`).
    DeviceBusy,
    /// `navigator.mediaDevices` is missing because the page is not a secure context.
    InsecureContext,
    /// The browser lacks WebRTC or capture altogether.
    Unsupported,
}

impl MediaError {
    /// Reads a DOMException's `name`.
    pub fn from_js(err: &JsValue) -> Self {
        let name = err
            .dyn_ref::<web_sys::DomException>()
            .map(|e| e.name())
            .or_else(|| {
                js_sys::Reflect::get(err, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
            })
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => Self::PermissionDenied,
            "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => Self::NoDevice,
            "NotReadableError" | "AbortError" | "TrackStartError" => Self::DeviceBusy,
            "TypeError" | "NotSupportedError" => Self::Unsupported,
            _ => Self::DeviceBusy,
        }
    }

    pub fn text(self) -> Text {
        match self {
            Self::PermissionDenied => Text::PermissionDenied,
            Self::NoDevice => Text::NoDevice,
            Self::DeviceBusy => Text::DeviceBusy,
            Self::InsecureContext => Text::InsecureContext,
            Self::Unsupported => Text::MediaUnsupported,
        }
    }
}

/// Why a call ended, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallEnd {
    /// The user pressed Leave.
    Left,
    MeetingNotFound,
    MeetingFull,
    /// The same session took over in another tab.
    Replaced,
    /// Client and server speak different protocol versions.
    VersionMismatch,
    BadHostKey,
    /// The invitation in the link did not let us in, and why.
    InviteRefused(InviteRefusal),
    /// The host or a co-host sent us out.
    Removed,
    /// The meeting was ended for everyone.
    MeetingEnded,
    /// The room is closed to newcomers.
    RoomLocked,
    /// The host turned us away from the lobby.
    Denied,
}

impl CallEnd {
    /// The end a fatal server error leads to; `None` if the call should retry.
    pub fn from_error(code: ErrorCode) -> Option<Self> {
        match code {
            ErrorCode::UnknownMeeting => Some(Self::MeetingNotFound),
            ErrorCode::MeetingFull => Some(Self::MeetingFull),
            ErrorCode::SessionReplaced => Some(Self::Replaced),
            ErrorCode::UnsupportedProtocol { .. } => Some(Self::VersionMismatch),
            ErrorCode::BadHostKey => Some(Self::BadHostKey),
            ErrorCode::InviteRefused { reason } => Some(Self::InviteRefused(reason)),
            ErrorCode::Removed => Some(Self::Removed),
            ErrorCode::MeetingEnded => Some(Self::MeetingEnded),
            ErrorCode::RoomLocked => Some(Self::RoomLocked),
            ErrorCode::Denied => Some(Self::Denied),
            ErrorCode::Malformed
            | ErrorCode::TooLarge { .. }
            | ErrorCode::NotJoined
            | ErrorCode::AlreadyJoined
            | ErrorCode::UnknownPeer
            | ErrorCode::ResumeExpired
            | ErrorCode::RateLimited
            | ErrorCode::ShuttingDown
            | ErrorCode::UnknownDeck
            | ErrorCode::NoSuchPage
            | ErrorCode::NotPresenter
            | ErrorCode::NotSharing
            | ErrorCode::NotAllowed
            | ErrorCode::RoomFull
            | ErrorCode::NotWaiting
            | ErrorCode::HearingLobby
            | ErrorCode::NoSuchConsultation
            | ErrorCode::InConsultation
            | ErrorCode::OutOfSequence { .. }
            | ErrorCode::SlowDown
            // The room stopped with nothing done; joining again may work.
            | ErrorCode::RecordUnavailable => None,
        }
    }

    pub fn text(self) -> Text {
        match self {
            Self::Left => Text::YouLeft,
            Self::MeetingNotFound => Text::MeetingNotFound,
            Self::MeetingFull => Text::MeetingFull,
            Self::Replaced => Text::SessionReplaced,
            Self::VersionMismatch => Text::ReloadForNewVersion,
            Self::BadHostKey => Text::HostKeyRejected,
            Self::InviteRefused(reason) => match reason {
                InviteRefusal::Expired => Text::InviteExpired,
                InviteRefusal::NotYetValid => Text::InviteNotYetValid,
                InviteRefusal::Revoked => Text::InviteRevoked,
                InviteRefusal::AlreadyUsed => Text::InviteAlreadyUsed,
                InviteRefusal::MeetingEnded => Text::MeetingEnded,
                InviteRefusal::WrongMeeting => Text::InviteWrongMeeting,
                InviteRefusal::Tampered => Text::InviteTampered,
                InviteRefusal::Removed => Text::RemovedByHost,
            },
            Self::Removed => Text::RemovedByHost,
            Self::MeetingEnded => Text::MeetingEnded,
            Self::RoomLocked => Text::RoomIsLocked,
            Self::Denied => Text::DeniedByHost,
        }
    }
}

/// Why Join left us on the join screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinFailure {
    /// The in-call code (`crate::joined`) did not arrive.
    NotLoaded,
}

impl JoinFailure {
    pub fn text(self) -> Text {
        match self {
            Self::NotLoaded => Text::RoomNotLoaded,
        }
    }
}

/// Why a JSON API call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server answered with its error body.
    Refused(ApiErrorCode),
    /// No answer, or an answer that was not Sala's.
    Unreachable,
}

impl ApiFailure {
    pub fn text(self) -> Text {
        match self {
            Self::Refused(ApiErrorCode::NotFound) => Text::MeetingNotFound,
            Self::Refused(ApiErrorCode::BadRequest) => Text::TitleRequired,
            Self::Refused(ApiErrorCode::Internal) | Self::Unreachable => Text::ServerUnreachable,
            Self::Refused(ApiErrorCode::TooLarge) => Text::FileTooLarge,
            Self::Refused(ApiErrorCode::UnreadableFile) => Text::FileUnreadable,
            Self::Refused(ApiErrorCode::Busy) => Text::ServerBusy,
            Self::Refused(ApiErrorCode::NotAllowed) => Text::MayNotPresent,
            Self::Refused(ApiErrorCode::TooComplex) => Text::FileTooComplex,
            Self::Refused(ApiErrorCode::TookTooLong) => Text::FileTookTooLong,
        }
    }
}
