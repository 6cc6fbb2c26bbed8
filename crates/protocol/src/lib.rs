//! Wire types shared by the Sala client (wasm32) and server (native).
//!
//! Architecture invariant: this crate knows nothing of tokio, axum or web-sys.
//! It depends on serde and thiserror only, and compiles for every target.
//!
//! # Shape of a session
//! 1. HTTP `POST /api/meetings` ([`CreateMeeting`] → [`MeetingCreated`]) makes a meeting.
//! 2. The browser opens the WebSocket `GET /ws` and sends [`ClientMsg::Join`] first.
//! 3. The server answers [`ServerMsg::Welcome`] with the peers already present, then
//!    streams [`ServerMsg`] events; clients relay WebRTC [`Signal`]s through it.
//! 4. A client whose socket drops reconnects and sends `Join` again with the
//!    [`ResumeToken`] it was given; within [`RESUME_GRACE_SECS`] it keeps its
//!    [`PeerId`], so the other peers' `RTCPeerConnection`s with it stay up.
//!
//! # Perfect negotiation
//! Every pair of peers has one `RTCPeerConnection` per side and uses the W3C
//! "perfect negotiation" pattern. The roles are fixed by id, see [`PeerId::is_polite_towards`]:
//! **the peer with the larger `PeerId` is polite** (it rolls back its own offer on a
//! collision); the one with the smaller id is impolite (it ignores the incoming
//! offer). A newcomer always has the largest id, so it is polite towards everyone
//! present. The newcomer makes the first offer to each peer listed in `Welcome`;
//! peers already present wait for that offer instead of offering on `PeerJoined`.
//!
//! # Room for later
//! [`Transport`] names how media flows (only [`Transport::Mesh`] today; an SFU mode
//! adds a variant plus publish/subscribe messages) and [`QualityTier`] is carried per
//! peer so the thin-link ladder can announce tiers without a new message shape.

mod hearing;
mod ids;
mod oath;
mod slides;
mod tag_first;
mod text;

pub use hearing::{
    ChatMessage, Consultation, ConsultationId, Hold, Knock, LinkQuality, CHAT_HISTORY,
    CONSULTATION_SIZE,
};
pub use ids::{
    DeckId, HolderKey, HostKey, IdError, InviteId, InviteToken, MeetingId, PeerId, ResumeToken,
    StreamId,
};
pub use oath::{Language, OathForm};
pub use slides::{
    Deck, ImageFormat, ImageId, Presentation, Rendition, SlidePage, SlidePageError, MAX_DECK_BYTES,
    MAX_DECK_PAGES, MAX_RENDITIONS, MAX_STILL_BYTES,
};
pub use tag_first::{TagFirst, Tagged};
pub use text::{ChatText, DisplayName, MeetingTitle, TextError};

use serde::{Deserialize, Serialize};

/// Version of this wire protocol. A client sends it in [`ClientMsg::Join`]; the
/// server refuses any other with [`ErrorCode::UnsupportedProtocol`].
pub const PROTOCOL_VERSION: u32 = 2;

/// Largest WebSocket text frame either side accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// How long a peer whose socket dropped keeps its place (and its `PeerId`):
/// long enough for a link that was cut to a trickle to get a TCP connection
/// through again (a full minute of the others' media still flowing to it
/// beats a fresh join that renegotiates everything over the thin link).
pub const RESUME_GRACE_SECS: u64 = 60;

/// How often a client sends [`ClientMsg::Ping`]; a client that hears no
/// [`ServerMsg::Pong`] for [`HEARTBEAT_TIMEOUT_SECS`] reconnects.
pub const HEARTBEAT_INTERVAL_SECS: u64 = 5;
/// See [`HEARTBEAT_INTERVAL_SECS`]. The server also drops a socket silent this long.
/// Short on purpose: when a link is cut, the TCP connection under the socket
/// backs off its retransmissions for tens of seconds, while a fresh connection
/// gets through as soon as the ladder has emptied the link (measured on a
/// 64 kbit/s cut: ~10–15 s).
pub const HEARTBEAT_TIMEOUT_SECS: u64 = 15;

/// Most participants in one meeting while media flows as a full mesh.
pub const MESH_CAPACITY: usize = 12;

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
    /// ([`ServerMsg::ScreenStill`]) because the link between us takes no video.
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

/// How a participant's browser connects its media: the servers it may use
/// and whether it must relay everything through TURN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceConfig {
    pub servers: Vec<IceServer>,
    #[serde(default)]
    pub policy: IcePolicy,
}

/// The `iceTransportPolicy` of the participant's connections.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IcePolicy {
    /// Any path: direct, through a NAT, or relayed.
    #[default]
    All,
    /// Only through the TURN relay, so no other participant ever learns this
    /// browser's address (a witness in a hearing, by default).
    Relay,
}

/// A STUN or TURN server handed to the client's `RTCPeerConnection`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// Type of an SDP description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpType {
    Offer,
    Answer,
    Pranswer,
    Rollback,
}

/// A WebRTC negotiation message relayed between two peers, opaque to the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    Description {
        sdp_type: SdpType,
        sdp: String,
    },
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
}

/// Client → server messages over the WebSocket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// First message on every socket.
    Join {
        protocol: u32,
        meeting: MeetingId,
        name: DisplayName,
        media: MediaState,
        /// Host key from the host link; absent for guests.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host_key: Option<HostKey>,
        /// Present when reconnecting within the grace period.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<ResumeToken>,
        /// A signed invitation from an invite link (its URL fragment): it
        /// gives its role.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite: Option<InviteToken>,
        /// This browser's key (see [`HolderKey`]): binds a single-use
        /// `invite` to it, and someone removed is refused by it, whatever
        /// link it comes by.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        holder: Option<HolderKey>,
    },
    /// Relay `signal` to one other peer of the meeting.
    Signal { to: PeerId, signal: Signal },
    /// Announce a change of what this client sends.
    Media { media: MediaState },
    /// Liveness probe; answered with [`ServerMsg::Pong`]. `rtt_ms` is the
    /// round trip of the previous one, shown to the host while in the lobby.
    Ping {
        nonce: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rtt_ms: Option<u32>,
    },
    /// Present an uploaded deck from `page` (0-based); takes over from anyone
    /// presenting. Everyone gets [`ServerMsg::Presentation`].
    Present { deck: DeckId, page: u32 },
    /// The presenter shows another page of its deck.
    TurnPage { page: u32 },
    /// The presenter stops presenting.
    StopPresenting,
    /// A still of this client's screen share (uploaded first), for receivers
    /// whose link carries no video.
    ScreenStill { still: SlidePage },
    /// Leave the meeting for good (no resume).
    Leave,
    /// Host or co-host: send `peer` out of the meeting; its invitation stops
    /// working. Only the host may remove the host.
    Remove { peer: PeerId },
    /// Host or co-host: close the room to newcomers (`true`) or open it.
    /// Those inside stay, and may come back after a dropped connection.
    Lock { locked: bool },
    /// Host or co-host: end the meeting for everyone; nobody can join again.
    EndMeeting,
    /// Host or co-host: let `peer` in from the lobby (for a witness: call them).
    Admit { peer: PeerId },
    /// Host or co-host: let everyone waiting in (witnesses stay out: they
    /// are called one by one).
    AdmitAll,
    /// Host or co-host: turn `peer` away from the lobby.
    Deny { peer: PeerId },
    /// Host or co-host: send `peer` from the room back to the lobby (a
    /// witness whose testimony is over, or who must not hear the next one).
    Excuse { peer: PeerId },
    /// Host or co-host: newcomers who do not moderate wait in the lobby
    /// (`true`) or come straight in. A hearing's lobby cannot be turned off.
    SetLobby { on: bool },
    /// Host or co-host: switch off (or release) `peer`'s microphone and
    /// camera; `hold` is the whole new state. Moderators cannot be held.
    Hold { peer: PeerId, hold: Hold },
    /// Host or co-host: mute everyone but the host and co-hosts.
    MuteAll,
    /// Raise (`true`) or lower this participant's hand; raised hands are
    /// kept in the order they went up.
    RaiseHand { up: bool },
    /// Host or co-host: lower `peer`'s hand (it has been given the floor).
    LowerHand { peer: PeerId },
    /// Say `text` to everyone in the room (observers may not).
    Chat { text: ChatText },
    /// Host or co-host: ask a witness or an interpreter in the room to take
    /// the oath or make an affirmation.
    AskOath { peer: PeerId },
    /// The one asked takes the oath (or affirms) with the text in `lang`
    /// (the record keeps that text, from [`OathForm::text`]).
    TakeOath { form: OathForm, lang: Language },
    /// Host only: give `peer` another role (make a participant co-host, or
    /// take it back). Nobody is made host this way, and the host keeps it.
    SetRole { peer: PeerId, role: Role },
    /// Ask `with`, in the room, to a private consultation (counsel and
    /// client). The first who accepts goes out with the asker; others asked
    /// may join them. Neither may moderate or be in the public gallery.
    Consult { with: PeerId },
    /// The one asked accepts (`true`) or declines a consultation.
    AnswerConsult {
        consultation: ConsultationId,
        accept: bool,
    },
    /// Leave the private consultation and go back into the room.
    ReturnToRoom,
    /// Host or co-host: call everyone in `consultation` back into the room.
    EndConsultation { consultation: ConsultationId },
    /// `msg`, numbered: the server handles each `seq` once and answers
    /// [`ServerMsg::Ack`] once its effects are done (its record entries
    /// committed). A client keeps what is not acknowledged and sends it again
    /// after a resume, from the `acked` of its `Welcome` on; nothing it did
    /// while its socket was silently dead is lost, nothing is done twice.
    /// Numbers rise by one per message from 1; `msg` is never `Join`,
    /// `Ping` or another `Reliable`.
    Reliable { seq: u64, msg: Box<ClientMsg> },
}

/// Why a peer left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// It said [`ClientMsg::Leave`].
    Left,
    /// Its socket dropped and it did not come back within the grace period.
    Lost,
    /// The host or a co-host removed it.
    Removed,
    /// The host or a co-host sent it back to the lobby.
    Excused,
    /// It went out of the room into a private consultation.
    Consulting,
    /// It left the private consultation, back into the room.
    Returned,
}

/// Server → client messages over the WebSocket. The client decodes them with
/// [`TagFirst`]: a new variant needs its line in `tag_first.rs` too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Answer to a successful [`ClientMsg::Join`].
    Welcome {
        protocol: u32,
        you: PeerInfo,
        meeting: MeetingInfo,
        /// Everyone already present; the newcomer offers to each of them.
        peers: Vec<PeerInfo>,
        /// Secret to present in the next `Join` after a dropped socket.
        resume: ResumeToken,
        /// True when this socket took over an earlier one of the same peer.
        resumed: bool,
        transport: Transport,
        /// Servers and policy for this participant's connections; TURN
        /// credentials in it are short-lived and come again with each welcome
        /// and [`ServerMsg::IceRefresh`]. (Boxed: the welcome is by far the
        /// largest message, and every queued message is as large as it.)
        ice: Box<IceConfig>,
        /// The deck being presented, if any.
        #[serde(default)]
        presentation: Option<Presentation>,
        /// For the host and co-hosts: who waits in the lobby.
        #[serde(default)]
        lobby: Vec<Knock>,
        /// Newcomers wait in the lobby.
        #[serde(default)]
        lobby_on: bool,
        /// Raised hands, first raised first.
        #[serde(default)]
        hands: Vec<PeerId>,
        /// The room's chat so far (the latest [`CHAT_HISTORY`] messages).
        #[serde(default)]
        chat: Vec<ChatMessage>,
        /// `Some` when this welcome is into a private consultation: `peers`
        /// are the others in it, and nothing of the room comes until the
        /// welcome back into the room.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consultation: Option<ConsultationId>,
        /// Who is out of the room in a private consultation.
        #[serde(default)]
        consultations: Vec<Consultation>,
        /// The last [`ClientMsg::Reliable`] this participant's messages were
        /// handled up to (0 for none): resend what follows.
        #[serde(default)]
        acked: u64,
    },
    /// Answer to a `Join` that must wait in the lobby, and what a participant
    /// sent back to the lobby gets. Nothing of the room reaches a waiting
    /// client: no roster, no media, no slides. `Welcome` follows once the
    /// host lets it in; a close with [`ErrorCode::Denied`] if not.
    Waiting {
        protocol: u32,
        you: PeerInfo,
        meeting: MeetingInfo,
        resume: ResumeToken,
        resumed: bool,
        /// As in `Welcome`.
        #[serde(default)]
        acked: u64,
    },
    /// To the host and co-hosts: `knock` waits in the lobby (new, or its
    /// link quality changed).
    Knocking {
        knock: Knock,
    },
    /// To the host and co-hosts: `peer` no longer waits (let in, turned
    /// away, or gone).
    KnockEnded {
        peer: PeerId,
    },
    /// The lobby was turned on or off.
    LobbySet {
        on: bool,
    },
    /// What the host holds of `peer` changed (to everyone in the room,
    /// `peer` too).
    PeerHold {
        peer: PeerId,
        hold: Hold,
    },
    /// The raised hands changed: the whole queue, first raised first.
    Hands {
        queue: Vec<PeerId>,
    },
    /// Someone said something in the room's chat (it is in the record).
    Chat {
        message: ChatMessage,
    },
    /// The host asked `peer` to take the oath or affirm (to everyone in the
    /// room; `peer` shows the text).
    OathAsked {
        peer: PeerId,
    },
    /// `peer` took the oath or affirmed.
    OathTaken {
        peer: PeerId,
        form: OathForm,
    },
    /// The host gave `peer` another role (to everyone in the room).
    PeerRole {
        peer: PeerId,
        role: Role,
    },
    /// `from` asks us to a private consultation.
    ConsultInvite {
        consultation: ConsultationId,
        from: PeerId,
    },
    /// `peer` declined our consultation (or can no longer come).
    ConsultDeclined {
        consultation: ConsultationId,
        peer: PeerId,
    },
    /// To everyone in the room: who is out in private consultations now.
    Consultations {
        list: Vec<Consultation>,
    },
    /// The [`ClientMsg::Reliable`] numbered `seq` (and every one before it)
    /// is done.
    Ack {
        seq: u64,
    },
    PeerJoined {
        peer: PeerInfo,
    },
    PeerLeft {
        peer: PeerId,
        reason: LeaveReason,
    },
    PeerMedia {
        peer: PeerId,
        media: MediaState,
    },
    /// `peer`'s socket was replaced (it resumed its session). Signals it sent
    /// on the old socket may be lost: an offer still waiting for its answer
    /// should be sent to it again.
    PeerResumed {
        peer: PeerId,
    },
    /// Fresh TURN credentials (and this participant's policy), before the
    /// ones from the welcome expire: for connections made from now on and
    /// for ICE restarts.
    IceRefresh {
        ice: IceConfig,
    },
    Signal {
        from: PeerId,
        signal: Signal,
    },
    Pong {
        nonce: u32,
    },
    /// A deck started or stopped being presented, or its page turned.
    Presentation {
        presentation: Option<Presentation>,
    },
    /// The latest still of `peer`'s screen share (also sent to a newcomer
    /// after `Welcome`).
    ScreenStill {
        peer: PeerId,
        still: SlidePage,
    },
    /// The room was locked or opened (also sent to a newcomer after `Welcome`
    /// while it is locked).
    RoomLocked {
        locked: bool,
    },
    /// Something the client sent was refused. When [`ErrorCode::close_code`] is
    /// `Some`, the server closes the socket with that code right after.
    Error {
        error: ErrorCode,
    },
}

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

#[cfg(test)]
mod tests;
