//! What the record holds: one [`Event`] per entry, stored as JSON.

use sala_protocol::{DisplayName, PeerId, Role};
use serde::{Deserialize, Serialize};

/// Something that happened in a meeting, as the record keeps it.
///
/// The JSON shape (`#[serde(tag = "type")]`, snake_case) is part of the
/// record's format: a stored entry is verified against its exact text, and an
/// export is read by people and tools long after the hearing. Variants are
/// only ever added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A participant entered the meeting.
    Joined {
        peer: PeerId,
        name: DisplayName,
        role: Role,
    },
    /// A participant left on purpose (Leave, closed tab).
    Left { peer: PeerId, name: DisplayName },
    /// A participant's connection dropped; it may resume.
    Lost { peer: PeerId, name: DisplayName },
    /// A participant's dropped connection came back in time.
    Resumed { peer: PeerId, name: DisplayName },
}

impl Event {
    /// One line for a person reading the record.
    pub fn describe(&self) -> String {
        match self {
            Self::Joined { peer, name, role } => {
                format!(
                    "{name} (participant {}) joined as {}",
                    peer.0,
                    role_name(*role)
                )
            }
            Self::Left { peer, name } => format!("{name} (participant {}) left", peer.0),
            Self::Lost { peer, name } => {
                format!("{name} (participant {}) lost the connection", peer.0)
            }
            Self::Resumed { peer, name } => {
                format!("{name} (participant {}) reconnected", peer.0)
            }
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Host => "host",
        Role::Guest => "guest",
    }
}
