//! The host's controls in the room machine (issue #4): remove someone, lock
//! the room, end the meeting for all. Checked here, by the sender's role,
//! whatever the client shows; the rules themselves are
//! `sala_protocol::policy`'s, which the UI follows too.

use std::time::Instant;

use sala_protocol::{policy, ErrorCode, Hold, HolderKey, LeaveReason, PeerId, Role, ServerMsg};
use sala_record::Event;

use super::{floor, writes, ConnId, Output, Room};

/// A browser as the server knows it: the SHA-256 (hex) of its holder key,
/// never the key itself, so that what is stored cannot be used to get in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Holder(String);

/// The SHA-256 of `secret`, in lowercase hex: what is kept of a secret.
pub(crate) fn hex_sha256(secret: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Holder {
    pub fn of(key: &HolderKey) -> Self {
        Self(hex_sha256(key.as_str()))
    }

    /// A digest as stored (by [`Holder::as_str`]).
    pub fn from_stored(digest: String) -> Self {
        Self(digest)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Room {
    /// `by` sends `target` out of the meeting: it is told why and closed,
    /// the others hear it left, and it is barred for the rest of the
    /// meeting: its invitation stops working (the shell does that with the
    /// record's `Removed`) and its browser is refused by any link (`Bar`).
    pub(super) fn remove_peer(&mut self, now: Instant, conn: ConnId, by: PeerId, target: PeerId) {
        if target == by {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        if let Err(error) = self.roster.judge(by, target, policy::may_remove) {
            return self.out.error(conn, error);
        }
        let Some(peer) = self.roster.peers.get(&target) else {
            return; // judged above: it is there
        };
        let attached = peer.link.conn();
        let holder = peer.holder.clone();
        let removed = Event::Removed {
            peer: target,
            name: peer.info.name.clone(),
            by,
            invite: peer.invite.clone(),
        };
        self.out.record(removed);
        if let Some(holder) = holder {
            self.barred.insert(holder.clone());
            self.out.push(Output::Bar(holder));
        }
        if let Some(target_conn) = attached {
            self.out.close(target_conn, Some(ErrorCode::Removed));
        }
        self.drop_peer(now, target, LeaveReason::Removed);
    }

    /// The host gives `target`, in the room, another role: recorded, then
    /// everyone hears of it. The gallery is held for good and a moderator
    /// never is, so a change to or from either sets the holds to match; a
    /// new moderator learns who waits in the lobby.
    pub(super) fn set_role(
        &mut self,
        now: Instant,
        conn: ConnId,
        by: PeerId,
        target: PeerId,
        role: Role,
    ) {
        if let Err(error) = self
            .roster
            .judge(by, target, |by, t| policy::may_set_role(by, t, role))
        {
            return self.out.error(conn, error);
        }
        let Some(peer) = self.roster.in_room_mut(target) else {
            return self.out.error(conn, ErrorCode::UnknownPeer);
        };
        let from = peer.info.role;
        if from == role {
            return;
        }
        peer.info.role = role;
        let name = peer.info.name.clone();
        let attached = peer.link.conn();
        let hold = if policy::watches_only(role) {
            Hold {
                mic: true,
                camera: true,
            }
        } else if role.moderates() || policy::watches_only(from) {
            Hold::default()
        } else {
            peer.info.hold
        };
        let held = peer.info.hold;
        self.out.record(Event::RoleChanged {
            peer: target,
            name,
            from,
            to: role,
            by,
        });
        self.roster
            .tell_room(&mut self.out, ServerMsg::PeerRole { peer: target, role });
        if hold != held {
            floor::set_hold(&mut self.roster, &mut self.out, target, hold);
        }
        if policy::watches_only(role) {
            // The gallery shares nothing: its screen and its slides stop.
            if let Some(peer) = self.roster.peers.get(&target) {
                let (media, name) = (peer.info.media.clone(), peer.info.name.clone());
                if media.screen.is_some() {
                    writes::set_media(&mut self.roster, &mut self.out, now, target, media);
                }
                self.presenting
                    .gone(&self.roster, &mut self.out, target, name);
            }
        }
        if let Some(target_conn) = attached.filter(|_| role.moderates() && !from.moderates()) {
            for knock in self.roster.knocks() {
                self.out.send(target_conn, ServerMsg::Knocking { knock });
            }
        }
    }

    /// `by` closes the room to newcomers, or opens it again.
    pub(super) fn set_locked(&mut self, conn: ConnId, by: PeerId, locked: bool) {
        if !self.roster.moderates(by) {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        if self.locked == locked {
            return;
        }
        self.locked = locked;
        self.out.record(Event::RoomLocked { locked, by });
        self.roster
            .tell_room(&mut self.out, ServerMsg::RoomLocked { locked });
    }

    /// The meeting was ended before this room started (the database says so).
    pub fn mark_ended(&mut self) {
        self.ended = true;
    }

    /// Someone was removed from this browser before this room started.
    pub fn bar(&mut self, holder: Holder) {
        self.barred.insert(holder);
    }

    /// Whether this browser's holder was removed from the meeting.
    pub(super) fn barred(&self, holder: Option<&Holder>) -> bool {
        holder.is_some_and(|h| self.barred.contains(h))
    }

    /// `by` ends the meeting: everyone is told and closed, and nobody can
    /// join again (the shell marks it ended with the record's `MeetingEnded`).
    pub(super) fn end(&mut self, now: Instant, conn: ConnId, by: PeerId) {
        if !self.roster.moderates(by) {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        self.out.record(Event::MeetingEnded { by });
        self.ended = true;
        for other in self
            .roster
            .attached_anywhere()
            .map(|(_, c)| c)
            .collect::<Vec<_>>()
        {
            self.out.close(other, Some(ErrorCode::MeetingEnded));
        }
        self.roster.peers.clear();
        self.roster.conns.clear();
        self.presenting.set(&self.roster, &mut self.out, None);
        self.mark_if_empty(now);
    }
}
