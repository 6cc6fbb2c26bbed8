//! The hearing record: an append-only, hash-chained log of what happened in
//! one meeting (issue #4).
//!
//! Every entry carries the SHA-256 of its own contents and of the entry before
//! it ([`digest`]), so an entry edited, deleted, inserted or moved breaks the
//! chain from that point on, and [`verify`] names the first entry that does
//! not fit. Removing entries at the *end* leaves a shorter chain that is still
//! whole; it is caught by comparing the head ([`Verified::head`]) with one
//! kept elsewhere (the export handed to the court, the clerk's minutes):
//! [`verify`] takes it as `expected_head`.
//!
//! Sans-IO: this crate hashes and checks. It stores nothing, reads no clock
//! (times come in as arguments) and knows nothing of SQLite; the server keeps
//! the rows and appends them one at a time with [`Chain`].

mod attendance;
mod event;

pub use attendance::{Attendance, Attendee};
pub use event::{DoorRefusal, Event};

use sala_protocol::MeetingId;
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::str::FromStr;

#[cfg(test)]
mod tests;

/// Version of the hashing rule, hashed into every entry.
const DOMAIN: &[u8] = b"sala-record/1\0";

/// A SHA-256 value, shown and stored as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest([u8; 32]);

impl Digest {
    /// What the first entry of every chain points back to.
    pub const GENESIS: Digest = Digest([0; 32]);
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

/// A digest that is not 64 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a digest is 64 hex digits")]
pub struct BadDigest;

impl FromStr for Digest {
    type Err = BadDigest;

    fn from_str(s: &str) -> Result<Self, BadDigest> {
        let hex = s.as_bytes();
        if hex.len() != 64 {
            return Err(BadDigest);
        }
        let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8).ok_or(BadDigest);
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
            *byte = nibble(pair[0])? << 4 | nibble(pair[1])?;
        }
        Ok(Self(out))
    }
}

/// One entry as stored: its place, its time and the event's exact JSON text
/// (the hash covers the text, so it is kept as written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// 1 for the first entry of a meeting, then one more each time.
    pub seq: u64,
    /// Unix milliseconds, as the server's clock read it.
    pub at_ms: i64,
    pub event: String,
}

/// An entry with its links: the digest of the entry before and its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub entry: Entry,
    pub prev: Digest,
    pub hash: Digest,
}

/// The digest of `entry` in `meeting`'s chain after `prev`. Fixed-width
/// numbers, the meeting id ends at a NUL it cannot contain, and the event
/// comes last: no two different entries hash the same bytes.
pub fn digest(meeting: &MeetingId, prev: &Digest, entry: &Entry) -> Digest {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(meeting.as_str().as_bytes());
    h.update([0]);
    h.update(entry.seq.to_be_bytes());
    h.update(entry.at_ms.to_be_bytes());
    h.update(prev.0);
    h.update(entry.event.as_bytes());
    Digest(h.finalize().into())
}

/// The end of a meeting's chain, to append to.
#[derive(Clone, Debug)]
pub struct Chain {
    meeting: MeetingId,
    last_seq: u64,
    head: Digest,
}

impl Chain {
    /// A chain that goes on after `last` (`None`: nothing recorded yet).
    pub fn after(meeting: MeetingId, last: Option<&Row>) -> Self {
        Self {
            meeting,
            last_seq: last.map_or(0, |r| r.entry.seq),
            head: last.map_or(Digest::GENESIS, |r| r.hash),
        }
    }

    /// The next row: `event` at `at_ms`. The chain moves on only through
    /// [`Chain::committed`], once the row is durably stored.
    pub fn next(&self, at_ms: i64, event: &Event) -> Row {
        let entry = Entry {
            seq: self.last_seq + 1,
            at_ms,
            event: serde_json::to_string(event).expect("an event always serializes"),
        };
        let hash = digest(&self.meeting, &self.head, &entry);
        Row {
            entry,
            prev: self.head,
            hash,
        }
    }

    /// `row`, made by [`Chain::next`], is stored: it is the new end.
    pub fn committed(&mut self, row: &Row) {
        self.last_seq = row.entry.seq;
        self.head = row.hash;
    }

    pub fn head(&self) -> Digest {
        self.head
    }
}

/// A whole chain: how many entries and the digest of the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    pub head: Digest,
}

/// Where a chain stops being trustworthy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("entry {seq}: {problem}")]
pub struct Break {
    /// The first entry that does not fit (for a missing one, the number it
    /// should have had).
    pub seq: u64,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("its contents do not match its hash (edited)")]
    Edited,
    #[error("it is missing (deleted); the next entry is {found}")]
    Missing { found: u64 },
    #[error("it comes again or out of order after {after}")]
    OutOfOrder { after: u64 },
    #[error("it does not follow the entry before it (removed, inserted or moved)")]
    Unlinked,
    #[error("its event is not one the record knows ({0})")]
    Unreadable(String),
    #[error("the head expected is in none of its {entries} entries (ending at {head}): entries were removed at the end, or the chain was rebuilt")]
    HeadNotFound { entries: u64, head: Digest },
}

/// Checks `rows` (in order of `seq`, as stored) as `meeting`'s chain; with
/// `expected_head` (taken from an earlier export, say), also that the chain
/// still holds that entry: nothing was cut off its end since.
pub fn verify(
    meeting: &MeetingId,
    rows: impl IntoIterator<Item = Row>,
    expected_head: Option<Digest>,
) -> Result<Verified, Break> {
    let mut head = Digest::GENESIS;
    let mut entries = 0u64;
    let mut seen_expected = expected_head.is_none_or(|h| h == Digest::GENESIS);
    for row in rows {
        let expected = entries + 1;
        let seq = row.entry.seq;
        let broken = |problem| Err(Break { seq, problem });
        if seq < expected {
            return broken(Problem::OutOfOrder { after: entries });
        }
        if seq > expected {
            return Err(Break {
                seq: expected,
                problem: Problem::Missing { found: seq },
            });
        }
        if digest(meeting, &row.prev, &row.entry) != row.hash {
            return broken(Problem::Edited);
        }
        if row.prev != head {
            return broken(Problem::Unlinked);
        }
        if let Err(e) = serde_json::from_str::<Event>(&row.entry.event) {
            return broken(Problem::Unreadable(e.to_string()));
        }
        head = row.hash;
        entries = seq;
        seen_expected |= expected_head == Some(head);
    }
    if seen_expected {
        Ok(Verified { entries, head })
    } else {
        Err(Break {
            seq: entries + 1,
            problem: Problem::HeadNotFound { entries, head },
        })
    }
}
