//! What the browsers need to connect their media: ICE servers and the
//! negotiation messages the server relays without reading them.

use serde::{Deserialize, Serialize};

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

/// Which `RTCPeerConnection` between two browsers a [`Signal`] belongs to.
/// The first is 0. A browser that gives up on a connection that would not
/// come up (its negotiation lost with a dead socket) opens the next; the
/// other side, on the first signal of a newer one, replaces its own, and
/// drops signals of older ones.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Generation(pub u32);

impl Generation {
    /// The one after this.
    pub fn next(self) -> Self {
        Self(self.0.wrapping_add(1))
    }
}

/// A WebRTC negotiation message relayed between two peers, opaque to the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    Description {
        generation: Generation,
        sdp_type: SdpType,
        sdp: String,
    },
    Candidate {
        generation: Generation,
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
}

/// The `kind` of a [`Signal`], as a value (see [`ServerMsgTag`](crate::ServerMsgTag)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalTag {
    Description,
    Candidate,
}

impl Signal {
    /// Its tag on the wire, as a value.
    pub fn tag(&self) -> SignalTag {
        match self {
            Self::Description { .. } => SignalTag::Description,
            Self::Candidate { .. } => SignalTag::Candidate,
        }
    }

    /// The connection it belongs to.
    pub fn generation(&self) -> Generation {
        match self {
            Self::Description { generation, .. } | Self::Candidate { generation, .. } => {
                *generation
            }
        }
    }
}
