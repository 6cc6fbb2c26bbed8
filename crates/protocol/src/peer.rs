//! Who takes part and what they send: roles, media state, quality tiers,
//! and the public facts of a meeting.

use crate::{DisplayName, Hold, MeetingId, MeetingTitle, OathForm, PeerId, StreamId};
use serde::{Deserialize, Serialize};

/// Role of a participant: what they may do, checked by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Chairs the meeting or presides over the hearing (the judge); opened
    /// the host link or a host invite.
    Host,
    /// Helps the host with the same controls (the clerk).
    CoHost,
    /// Takes part: counsel, an official. A meeting's guest link gives this
    /// role (stored records from before roles call it "guest").
    #[serde(alias = "guest")]
    Participant,
    /// Gives testimony; in a hearing, waits outside until called.
    Witness,
    /// Interprets for the others.
    Interpreter,
    /// The public gallery: receives, never sends media.
    Observer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Host,
        Role::CoHost,
        Role::Participant,
        Role::Witness,
        Role::Interpreter,
        Role::Observer,
    ];

    /// The role's name on the wire and in the record.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::CoHost => "co_host",
            Self::Participant => "participant",
            Self::Witness => "witness",
            Self::Interpreter => "interpreter",
            Self::Observer => "observer",
        }
    }

    /// Host and co-host: the ones who run the meeting.
    pub fn moderates(self) -> bool {
        matches!(self, Self::Host | Self::CoHost)
    }
}

/// How media flows between participants of a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// One `RTCPeerConnection` per pair of participants.
    Mesh,
}

/// Quality tier of what a participant sends or receives (the thin-link ladder).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum QualityTier {
    /// Audio only at the Opus floor; slides on request.
    AudioMinimal,
    /// Audio plus still slides, no camera video.
    AudioSlides,
    /// Video at reduced resolution, frame rate and bitrate.
    VideoLow,
    /// Full video.
    #[default]
    VideoHigh,
}

impl QualityTier {
    /// The wire name (`video_high`, …), for logs and test hooks without `Debug`.
    pub fn as_str(self) -> &'static str {
        match self {
            QualityTier::AudioMinimal => "audio_minimal",
            QualityTier::AudioSlides => "audio_slides",
            QualityTier::VideoLow => "video_low",
            QualityTier::VideoHigh => "video_high",
        }
    }
}

/// What a participant is sending right now, as it announces it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaState {
    /// Microphone is live (not muted).
    pub mic: bool,
    /// Camera is live.
    pub camera: bool,
    /// Id of the `MediaStream` carrying a screen share, if one is being shared.
    /// Receivers tell the screen track from the camera track by its stream id.
    pub screen: Option<StreamId>,
    /// Tier the participant currently sends at.
    #[serde(default)]
    pub tier: QualityTier,
    /// Highest tier the participant's downlink takes: the others send it no
    /// more than this (below [`QualityTier::VideoLow`]: no camera video at all).
    #[serde(default)]
    pub receive: QualityTier,
    /// While sharing a screen: the participants it reaches as stills
    /// ([`ServerMsg::ScreenStill`](crate::ServerMsg::ScreenStill)) because
    /// the link between us takes no video.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stills_for: Vec<PeerId>,
}

/// A participant as others see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    pub id: PeerId,
    pub name: DisplayName,
    pub role: Role,
    pub media: MediaState,
    #[serde(default)]
    pub hold: Hold,
    /// The oath or affirmation this participant has taken in this meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oath: Option<OathForm>,
}

/// What kind of meeting: a hearing keeps everyone but the host and co-hosts
/// in the lobby until admitted, and its witnesses out until called.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// Guests come straight in unless the host turns the lobby on.
    #[default]
    Meeting,
    /// A court hearing: the lobby is always on.
    Hearing,
}

impl MeetingKind {
    /// Its name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Meeting => "meeting",
            Self::Hearing => "hearing",
        }
    }
}

/// Public facts about a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingInfo {
    pub id: MeetingId,
    pub title: MeetingTitle,
    #[serde(default)]
    pub kind: MeetingKind,
}
