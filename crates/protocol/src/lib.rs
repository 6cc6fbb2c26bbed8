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

mod api;
mod client_msg;
mod error;
mod hearing;
mod ids;
mod oath;
mod peer;
pub mod policy;
mod server_msg;
mod slides;
mod tag_first;
mod text;
mod webrtc;

pub use api::{
    ApiError, ApiErrorCode, CreateInvite, CreateMeeting, InviteClaims, InviteCreated, InviteInfo,
    MeetingCreated, MAX_INVITE_SECS,
};
pub use client_msg::{ClientMsg, Join};
pub use error::{ErrorCode, ErrorTag, InviteRefusal};
pub use hearing::{
    ChatMessage, Consultation, ConsultationId, Hold, Knock, LinkQuality, CHAT_HISTORY,
    CONSULTATION_SIZE,
};
pub use ids::{
    DeckId, HolderKey, HostKey, IdError, InviteId, InviteToken, MeetingId, PeerId, ResumeToken,
    StreamId,
};
pub use oath::{Language, OathForm};
pub use peer::{MediaState, MeetingInfo, MeetingKind, PeerInfo, QualityTier, Role, Transport};
pub use server_msg::{LeaveReason, ServerMsg, ServerMsgTag, Waiting, Welcome};
pub use slides::{
    Deck, ImageFormat, ImageId, Presentation, Rendition, SlidePage, SlidePageError, MAX_DECK_BYTES,
    MAX_DECK_PAGES, MAX_RENDITIONS, MAX_STILL_BYTES,
};
pub use tag_first::{TagFirst, Tagged};
pub use text::{ChatText, DisplayName, MeetingTitle, TextError};
pub use webrtc::{Generation, IceConfig, IcePolicy, IceServer, SdpType, Signal, SignalTag};

/// Version of this wire protocol. A client sends it in [`ClientMsg::Join`]; the
/// server refuses any other with [`ErrorCode::UnsupportedProtocol`].
pub const PROTOCOL_VERSION: u32 = 3;

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

#[cfg(test)]
mod tests;
