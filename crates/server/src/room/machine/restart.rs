//! A room started again from the database (issue #11): after a crash, a
//! restart, or a record that refused an entry. Participant numbers go on
//! after the highest the record gave; whoever the record still counts in
//! was in a room that stopped without a word, and the record says so
//! first; and each of them may come back with the session token it had,
//! as the same participant, told how far its numbered messages got — so a
//! message resent after the restart is recognised, not done twice.

use std::collections::HashMap;

use sala_protocol::{PeerId, ResumeToken};
use sala_record::{Attendance, Event};

use super::controls::hex_sha256;
use super::{Holder, Room};

/// What the database keeps of a meeting's room, for one started again.
#[derive(Debug, Default)]
pub struct Restored {
    /// Browsers of people removed.
    pub barred: Vec<Holder>,
    /// Who the record counts in, and the highest number it gave.
    pub attendance: Attendance,
    /// Session tokens handed out (their [`Session`] digests), by peer.
    pub sessions: Vec<(Session, PeerId)>,
    /// The last numbered message of each peer whose effects the record
    /// keeps (`Output::Cause`).
    pub done: HashMap<PeerId, u64>,
}

/// A session (resume) token as the database keeps it: its SHA-256, never
/// the token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Session(String);

impl Session {
    pub fn of(token: &ResumeToken) -> Self {
        Self(hex_sha256(token.as_str()))
    }

    /// A digest as stored (by [`Session::as_str`]).
    pub fn from_stored(digest: String) -> Self {
        Self(digest)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Someone dropped when the room stopped, who may come back as themselves.
#[derive(Debug)]
pub(super) struct Dropped {
    pub(super) peer: PeerId,
    /// Its last numbered message whose effects were recorded.
    pub(super) acked: u64,
}

impl Room {
    /// This room goes on from what the database kept of the one before.
    pub fn restore(&mut self, restored: Restored) {
        let Restored {
            barred,
            attendance,
            sessions,
            done,
        } = restored;
        self.barred.extend(barred);
        self.next_peer = self.next_peer.max(attendance.last_peer + 1);
        for (session, peer) in sessions {
            if attendance.present.contains_key(&peer) {
                let acked = done.get(&peer).copied().unwrap_or(0);
                self.dropped.insert(session, Dropped { peer, acked });
            }
        }
        let dropped = attendance.present();
        if !dropped.is_empty() && !self.ended {
            self.out.record(Event::RoomRestarted { dropped });
        }
    }

    /// Someone dropped when the room stopped, back with its session token:
    /// once only.
    pub(super) fn returning(&mut self, token: &ResumeToken) -> Option<Dropped> {
        self.dropped.remove(&Session::of(token))
    }
}
