//! The lobby in the room machine (issue #4): who waits outside, the host
//! letting them in or turning them away, witnesses called in and excused
//! back out. A waiting peer gets nothing of the room — no roster, no media,
//! no slides — and only the host and co-hosts know it is there.
//!
//! [`Lobby`] owns whether newcomers wait; who waits is the peers' own
//! place (in the [`Roster`]), moved here.

use std::time::Instant;

use sala_protocol::{
    policy, ClientMsg, ErrorCode, LeaveReason, LinkQuality, MeetingKind, PeerId, ServerMsg,
    MESH_CAPACITY,
};
use sala_record::Event;

use super::outputs::Outputs;
use super::roster::{Place, Roster};
use super::{ConnId, Room};

/// Whether newcomers who do not moderate wait in the lobby.
#[derive(Debug)]
pub(super) struct Lobby {
    on: bool,
}

impl Lobby {
    /// On from the start in a hearing (and for good), off in a meeting.
    pub(super) fn new(kind: MeetingKind) -> Self {
        Self {
            on: kind == MeetingKind::Hearing,
        }
    }

    pub(super) fn is_on(&self) -> bool {
        self.on
    }

    /// `by` turns the lobby `on` or off in a meeting of `kind`: recorded,
    /// then the room hears of it. A hearing's lobby stays on.
    fn set(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        kind: MeetingKind,
        conn: ConnId,
        by: PeerId,
        on: bool,
    ) {
        if !roster.moderates(by) {
            return out.error(conn, ErrorCode::NotAllowed);
        }
        if !on && kind == MeetingKind::Hearing {
            return out.error(conn, ErrorCode::HearingLobby);
        }
        if self.on == on {
            return;
        }
        self.on = on;
        out.record(Event::LobbySet { on, by });
        roster.tell_room(out, ServerMsg::LobbySet { on });
    }
}

/// The host and co-hosts see `peer` knock (again, or with a new link).
pub(super) fn tell_knock(roster: &Roster, out: &mut Outputs, peer: PeerId) {
    if let Some(knock) = roster.knocks().into_iter().find(|k| k.peer == peer) {
        roster.tell_moderators(out, ServerMsg::Knocking { knock });
    }
}

/// `id`, waiting, has a link of `quality` now: the host and co-hosts see
/// it when it changes.
fn note_link(roster: &mut Roster, out: &mut Outputs, id: PeerId, quality: LinkQuality) {
    let Some(peer) = roster.peers.get_mut(&id) else {
        return;
    };
    if let Place::Lobby { link, .. } = &mut peer.place {
        if *link != quality {
            *link = quality;
            tell_knock(roster, out, id);
        }
    }
}

impl Room {
    /// A waiting peer may only keep its connection alive, say what it
    /// would send (kept as the room's rules allow it: what the host holds
    /// stays off, the gallery shares nothing), and leave.
    pub(super) fn message_from_lobby(
        &mut self,
        now: Instant,
        conn: ConnId,
        from: PeerId,
        msg: ClientMsg,
    ) {
        match msg {
            ClientMsg::Ping { nonce, rtt_ms } => {
                self.out.send(conn, ServerMsg::Pong { nonce });
                if let Some(rtt) = rtt_ms {
                    note_link(
                        &mut self.roster,
                        &mut self.out,
                        from,
                        LinkQuality::from_rtt_ms(rtt),
                    );
                }
            }
            ClientMsg::Media { media } => {
                if let Some(peer) = self.roster.peers.get_mut(&from) {
                    peer.info.media = peer.held(media);
                }
            }
            ClientMsg::Leave => {
                self.out.close(conn, None);
                self.remove(now, from, LeaveReason::Left);
            }
            ClientMsg::Join(_) => self.out.error(conn, ErrorCode::AlreadyJoined),
            _ => self.out.error(conn, ErrorCode::NotAllowed),
        }
    }

    /// `by` lets `target` in from the lobby (calls a witness).
    pub(super) fn admit(&mut self, conn: ConnId, by: PeerId, target: PeerId) {
        if !self.roster.moderates(by) {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        if !self.roster.waiting(target) {
            return self.out.error(conn, ErrorCode::NotWaiting);
        }
        if self.roster.in_room().count() >= MESH_CAPACITY {
            return self.out.error(conn, ErrorCode::RoomFull);
        }
        self.let_in(by, target);
    }

    /// `by` lets in everyone waiting but witnesses, who are called one by
    /// one, in order of arrival, as long as the room has space.
    pub(super) fn admit_all(&mut self, conn: ConnId, by: PeerId) {
        if !self.roster.moderates(by) {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        self.let_all_in(conn, by);
    }

    fn let_all_in(&mut self, conn: ConnId, by: PeerId) {
        let waiting: Vec<PeerId> = self
            .roster
            .knocks()
            .into_iter()
            .filter(|k| policy::admitted_with_all(k.role))
            .map(|k| k.peer)
            .collect();
        for target in waiting {
            if self.roster.in_room().count() >= MESH_CAPACITY {
                return self.out.error(conn, ErrorCode::RoomFull);
            }
            self.let_in(by, target);
        }
    }

    /// Moves a waiting peer into the room: recorded, then the room hears of
    /// it, then it gets its `Welcome` (now, or when it comes back if its
    /// socket is down) and offers to everyone, as any newcomer does.
    fn let_in(&mut self, by: PeerId, target: PeerId) {
        let Some(peer) = self.roster.peers.get_mut(&target) else {
            return;
        };
        peer.place = Place::Room;
        // Announced as the room's rules allow, whatever was kept meanwhile.
        peer.info.media = peer.held(peer.info.media.clone());
        let info = peer.info.clone();
        let attached = peer.link.conn();
        self.out.record(Event::Admitted {
            peer: target,
            name: info.name.clone(),
            role: info.role,
            by,
        });
        self.roster
            .tell_moderators(&mut self.out, ServerMsg::KnockEnded { peer: target });
        for other in self.roster.attached_except(target) {
            self.out
                .send(other, ServerMsg::PeerJoined { peer: info.clone() });
        }
        if let Some(conn) = attached {
            self.welcome(conn, target, false);
        }
    }

    /// `by` turns `target` away from the lobby.
    pub(super) fn deny(&mut self, now: Instant, conn: ConnId, by: PeerId, target: PeerId) {
        if !self.roster.moderates(by) {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        if !self.roster.waiting(target) {
            return self.out.error(conn, ErrorCode::NotWaiting);
        }
        // Waiting means listed; were it not, there is no one to turn away.
        let Some(peer) = self.roster.peers.get(&target) else {
            return;
        };
        let attached = peer.link.conn();
        self.out.record(Event::Denied {
            peer: target,
            name: peer.info.name.clone(),
            by,
        });
        if let Some(target_conn) = attached {
            self.out.close(target_conn, Some(ErrorCode::Denied));
        }
        self.drop_peer(now, target, LeaveReason::Removed);
    }

    /// `by` sends `target` from the room back to the lobby: the room sees it
    /// leave, it gets `Waiting` (and drops its media connections), and the
    /// host and co-hosts see it knock again, marked excused.
    pub(super) fn excuse(&mut self, conn: ConnId, by: PeerId, target: PeerId) {
        if let Err(error) = self.roster.judge(by, target, policy::may_excuse) {
            return self.out.error(conn, error);
        }
        let Some(peer) = self.roster.in_room_mut(target) else {
            return self.out.error(conn, ErrorCode::UnknownPeer);
        };
        peer.place = Place::Lobby {
            excused: true,
            link: LinkQuality::Unknown,
        };
        peer.still = None;
        let name = peer.info.name.clone();
        let attached = peer.link.conn();
        self.out.record(Event::Excused {
            peer: target,
            name: name.clone(),
            by,
        });
        self.floor.drop_hand(&self.roster, &mut self.out, target);
        self.roster.tell_room(
            &mut self.out,
            ServerMsg::PeerLeft {
                peer: target,
                reason: LeaveReason::Excused,
            },
        );
        self.presenting
            .gone(&self.roster, &mut self.out, target, name);
        if let Some(target_conn) = attached {
            self.welcome(target_conn, target, false);
        }
        tell_knock(&self.roster, &mut self.out, target);
    }

    /// `by` turns the lobby on or off. Turning it off lets in everyone
    /// waiting but witnesses.
    pub(super) fn set_lobby(&mut self, conn: ConnId, by: PeerId, on: bool) {
        let was_on = self.lobby.is_on();
        let kind = self.meeting.kind;
        self.lobby
            .set(&self.roster, &mut self.out, kind, conn, by, on);
        if was_on && !self.lobby.is_on() {
            self.let_all_in(conn, by);
        }
    }
}
