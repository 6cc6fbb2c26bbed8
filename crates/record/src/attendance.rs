//! Who the record says is in a meeting, read back entry by entry: what a
//! room started again needs to know of the one before it.

use std::collections::BTreeMap;

use sala_protocol::{DisplayName, PeerId};
use serde::{Deserialize, Serialize};

use crate::Event;

/// Someone in the meeting, as the record names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub peer: PeerId,
    pub name: DisplayName,
}

/// The meeting's attendance after the entries [`Attendance::note`]d so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attendance {
    /// The highest participant number given so far (0: none): numbers are
    /// never given twice in a meeting, across restarts too.
    pub last_peer: u64,
    /// Who came (in the room, the lobby or a consultation) and has not
    /// gone, by the record.
    pub present: BTreeMap<PeerId, DisplayName>,
}

impl Attendance {
    pub fn note(&mut self, event: &Event) {
        match event {
            Event::Joined { peer, name, .. } | Event::Knocked { peer, name, .. } => {
                self.last_peer = self.last_peer.max(peer.0);
                self.present.insert(*peer, name.clone());
            }
            Event::Left { peer, .. }
            | Event::Lost { peer, .. }
            | Event::Removed { peer, .. }
            | Event::Denied { peer, .. } => {
                self.present.remove(peer);
            }
            Event::MeetingEnded { .. } => self.present.clear(),
            Event::RoomRestarted { dropped } => {
                for gone in dropped {
                    self.present.remove(&gone.peer);
                }
            }
            _ => {}
        }
    }

    /// Those the record still counts in, in number order: when a room
    /// starts, they were in one that stopped without a word.
    pub fn present(&self) -> Vec<Attendee> {
        self.present
            .iter()
            .map(|(peer, name)| Attendee {
                peer: *peer,
                name: name.clone(),
            })
            .collect()
    }
}
