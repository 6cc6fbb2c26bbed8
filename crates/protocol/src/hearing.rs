//! What the host runs a hearing with, on the wire: the lobby (`Knock`,
//! `LinkQuality`), the floor (`Hold`), the room's chat (`ChatMessage`), and
//! private consultations (`Consultation`).

use serde::{Deserialize, Serialize};

use crate::{ChatText, DisplayName, MediaState, PeerId, PeerInfo, Role};

/// What the host or a co-host has switched off for a participant. Held
/// media is enforced by every receiver (it plays none of it, whatever the
/// sender's client does) and by the server (it announces the microphone off);
/// only a moderator releases it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hold {
    /// Muted by the host: not heard until released.
    pub mic: bool,
    /// Camera stopped by the host: not seen until released.
    pub camera: bool,
}

impl Hold {
    pub fn any(self) -> bool {
        self.mic || self.camera
    }
}

impl MediaState {
    /// This state with what the host holds switched off.
    pub fn held(mut self, hold: Hold) -> Self {
        self.mic &= !hold.mic;
        self.camera &= !hold.camera;
        self
    }
}

/// Most chat messages a newcomer is handed in its `Welcome`.
pub const CHAT_HISTORY: usize = 200;

/// One message of a room's chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub from: PeerId,
    pub name: DisplayName,
    pub text: ChatText,
}

/// How well a waiting participant's connection to the server carries, from
/// the round trip of its heartbeat (the lobby has no media to measure).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkQuality {
    /// Not measured yet.
    #[default]
    Unknown,
    /// Round trip under 200 ms.
    Good,
    /// Under 600 ms: audio works, video may not.
    Fair,
    /// Slower: expect audio only, with gaps.
    Poor,
}

impl LinkQuality {
    pub fn from_rtt_ms(rtt: u32) -> Self {
        match rtt {
            0..200 => Self::Good,
            200..600 => Self::Fair,
            _ => Self::Poor,
        }
    }
}

/// Someone in the lobby, as the host and co-hosts see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Knock {
    pub peer: PeerId,
    pub name: DisplayName,
    pub role: Role,
    pub link: LinkQuality,
    /// Was in the room and was excused back to the lobby (a witness between
    /// two calls).
    #[serde(default)]
    pub excused: bool,
}

/// One private consultation of a meeting (counsel and client out of the
/// room), numbered by the server from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConsultationId(pub u32);

/// Most people in one private consultation.
pub const CONSULTATION_SIZE: usize = 4;

/// A private consultation as the room sees it: who is out in it. What is
/// said there reaches nobody else, the record included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub members: Vec<PeerInfo>,
}
