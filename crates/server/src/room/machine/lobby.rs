//! The lobby in the room machine (issue #4): who waits outside, the host
//! letting them in or turning them away, witnesses called in and excused
//! back out. A waiting peer gets nothing of the room — no roster, no media,
//! no slides — and only the host and co-hosts know it is there.

use std::time::Instant;

use sala_protocol::{
    policy, ClientMsg, ErrorCode, Knock, LeaveReason, LinkQuality, MeetingKind, PeerId, ServerMsg,
    MESH_CAPACITY,
};
use sala_record::Event;

use super::{ConnId, Peer, Place, Room};

impl Room {
    /// Whether `peer` waits in the lobby.
    pub(super) fn waiting(&self, peer: PeerId) -> bool {
        self.peers
            .get(&peer)
            .is_some_and(|p| matches!(p.place, Place::Lobby { .. }))
    }

    /// The peers waiting in the lobby.
    pub(super) fn waiting_peers(&self) -> impl Iterator<Item = &Peer> + '_ {
        self.peers
            .values()
            .filter(|p| matches!(p.place, Place::Lobby { .. }))
    }

    /// Who waits, as the host and co-hosts see them, in order of arrival.
    pub(super) fn knocks(&self) -> Vec<Knock> {
        self.peers
            .values()
            .filter_map(|p| match p.place {
                Place::Lobby { excused, link } => Some(Knock {
                    peer: p.info.id,
                    name: p.info.name.clone(),
                    role: p.info.role,
                    link,
                    excused,
                }),
                Place::Room | Place::Consultation(_) => None,
            })
            .collect()
    }

    pub(super) fn tell_moderators(&mut self, msg: ServerMsg) {
        let moderators: Vec<ConnId> = self
            .attached()
            .filter(|(id, _)| self.moderates(*id))
            .map(|(_, conn)| conn)
            .collect();
        for conn in moderators {
            self.send(conn, msg.clone());
        }
    }

    pub(super) fn tell_moderators_of_knock(&mut self, peer: PeerId) {
        if let Some(knock) = self.knocks().into_iter().find(|k| k.peer == peer) {
            self.tell_moderators(ServerMsg::Knocking { knock });
        }
    }

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
                self.send(conn, ServerMsg::Pong { nonce });
                if let Some(rtt) = rtt_ms {
                    self.note_link(from, LinkQuality::from_rtt_ms(rtt));
                }
            }
            ClientMsg::Media { media } => {
                if let Some(peer) = self.peers.get_mut(&from) {
                    peer.info.media = peer.held(media);
                }
            }
            ClientMsg::Leave => {
                self.close(conn, None);
                self.remove(now, from, LeaveReason::Left);
            }
            ClientMsg::Join(_) => self.error(conn, ErrorCode::AlreadyJoined),
            _ => self.error(conn, ErrorCode::NotAllowed),
        }
    }

    fn note_link(&mut self, id: PeerId, quality: LinkQuality) {
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        if let Place::Lobby { link, .. } = &mut peer.place {
            if *link != quality {
                *link = quality;
                self.tell_moderators_of_knock(id);
            }
        }
    }

    /// `by` lets `target` in from the lobby (calls a witness).
    pub(super) fn admit(&mut self, conn: ConnId, by: PeerId, target: PeerId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        if !self.waiting(target) {
            return self.error(conn, ErrorCode::NotWaiting);
        }
        if self.in_room().count() >= MESH_CAPACITY {
            return self.error(conn, ErrorCode::RoomFull);
        }
        self.let_in(by, target);
    }

    /// `by` lets in everyone waiting but witnesses, who are called one by
    /// one, in order of arrival, as long as the room has space.
    pub(super) fn admit_all(&mut self, conn: ConnId, by: PeerId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        self.let_all_in(conn, by);
    }

    fn let_all_in(&mut self, conn: ConnId, by: PeerId) {
        let waiting: Vec<PeerId> = self
            .knocks()
            .into_iter()
            .filter(|k| policy::admitted_with_all(k.role))
            .map(|k| k.peer)
            .collect();
        for target in waiting {
            if self.in_room().count() >= MESH_CAPACITY {
                return self.error(conn, ErrorCode::RoomFull);
            }
            self.let_in(by, target);
        }
    }

    /// Moves a waiting peer into the room: recorded, then the room hears of
    /// it, then it gets its `Welcome` (now, or when it comes back if its
    /// socket is down) and offers to everyone, as any newcomer does.
    fn let_in(&mut self, by: PeerId, target: PeerId) {
        let Some(peer) = self.peers.get_mut(&target) else {
            return;
        };
        peer.place = Place::Room;
        // Announced as the room's rules allow, whatever was kept meanwhile.
        peer.info.media = peer.held(peer.info.media.clone());
        let info = peer.info.clone();
        let attached = peer.link.conn();
        self.record(Event::Admitted {
            peer: target,
            name: info.name.clone(),
            role: info.role,
            by,
        });
        self.tell_moderators(ServerMsg::KnockEnded { peer: target });
        for other in self.attached_except(target) {
            self.send(other, ServerMsg::PeerJoined { peer: info.clone() });
        }
        if let Some(conn) = attached {
            self.welcome(conn, target, false);
        }
    }

    /// `by` turns `target` away from the lobby.
    pub(super) fn deny(&mut self, now: Instant, conn: ConnId, by: PeerId, target: PeerId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        if !self.waiting(target) {
            return self.error(conn, ErrorCode::NotWaiting);
        }
        // Waiting means listed; were it not, there is no one to turn away.
        let Some(peer) = self.peers.get(&target) else {
            return;
        };
        let attached = peer.link.conn();
        self.record(Event::Denied {
            peer: target,
            name: peer.info.name.clone(),
            by,
        });
        if let Some(target_conn) = attached {
            self.close(target_conn, Some(ErrorCode::Denied));
        }
        self.drop_peer(now, target, LeaveReason::Removed);
    }

    /// `by` sends `target` from the room back to the lobby: the room sees it
    /// leave, it gets `Waiting` (and drops its media connections), and the
    /// host and co-hosts see it knock again, marked excused.
    pub(super) fn excuse(&mut self, conn: ConnId, by: PeerId, target: PeerId) {
        if let Err(error) = self.judge(by, target, policy::may_excuse) {
            return self.error(conn, error);
        }
        let Some(peer) = self.in_room_mut(target) else {
            return self.error(conn, ErrorCode::UnknownPeer);
        };
        peer.place = Place::Lobby {
            excused: true,
            link: LinkQuality::Unknown,
        };
        peer.still = None;
        let name = peer.info.name.clone();
        let attached = peer.link.conn();
        self.record(Event::Excused {
            peer: target,
            name: name.clone(),
            by,
        });
        self.drop_hand(target);
        self.tell_room(ServerMsg::PeerLeft {
            peer: target,
            reason: LeaveReason::Excused,
        });
        self.presenter_gone(target, name);
        if let Some(target_conn) = attached {
            self.welcome(target_conn, target, false);
        }
        self.tell_moderators_of_knock(target);
    }

    /// `by` turns the lobby on or off. Turning it off lets in everyone
    /// waiting but witnesses.
    pub(super) fn set_lobby(&mut self, conn: ConnId, by: PeerId, on: bool) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        if !on && self.meeting.kind == MeetingKind::Hearing {
            return self.error(conn, ErrorCode::HearingLobby);
        }
        if self.lobby_on == on {
            return;
        }
        self.lobby_on = on;
        self.record(Event::LobbySet { on, by });
        self.tell_room(ServerMsg::LobbySet { on });
        if !on {
            self.let_all_in(conn, by);
        }
    }
}
