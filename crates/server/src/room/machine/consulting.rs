//! Private consultations in the room machine (issue #4): counsel asks a
//! client out of the room, the client accepts, and both are in a place of
//! their own — media and signals only between them, nothing of the room,
//! nothing of them to the room but the fact that they are out. They come
//! back by themselves, or the host calls them back. The record keeps who
//! went out and came back, never what was said.

use sala_protocol::{
    policy, ClientMsg, Consultation, ConsultationId, ErrorCode, Hold, MediaState, PeerId, PeerInfo,
    ServerMsg, CONSULTATION_SIZE, MESH_CAPACITY,
};
use sala_record::Event;

use super::{ConnId, LeaveReason, Peer, Place, Room};

/// `from` asked `to` into `id`, and `to` has not answered yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Invite {
    id: ConsultationId,
    from: PeerId,
    to: PeerId,
}

/// What a peer in a private consultation may still send: its media, to the
/// others in it; the way back; leaving.
pub(super) fn allowed(msg: &ClientMsg) -> bool {
    matches!(
        msg,
        ClientMsg::Join(_)
            | ClientMsg::Signal { .. }
            | ClientMsg::Media { .. }
            | ClientMsg::Ping { .. }
            | ClientMsg::ScreenStill { .. }
            | ClientMsg::Leave
            | ClientMsg::ReturnToRoom
    )
}

impl Peer {
    /// This peer as the others where it is see it: in a private
    /// consultation, what the host holds is for the room, not for a
    /// private conversation.
    pub(super) fn seen(&self) -> PeerInfo {
        match self.place {
            Place::Consultation(_) => PeerInfo {
                hold: Hold::default(),
                ..self.info.clone()
            },
            _ => self.info.clone(),
        }
    }

    /// `media` as the others get it: what the host holds is off, in the
    /// room and in the lobby (a hold is not shed by being excused); the
    /// public gallery shares no screen, anywhere.
    pub(super) fn held(&self, media: MediaState) -> MediaState {
        let mut media = match self.place {
            Place::Room | Place::Lobby { .. } => media.held(self.info.hold),
            Place::Consultation(_) => media,
        };
        if policy::watches_only(self.info.role) {
            media.screen = None;
        }
        media
    }
}

impl Room {
    /// The private consultation `peer` is in, if any.
    pub(super) fn consulting(&self, peer: PeerId) -> Option<ConsultationId> {
        match self.peers.get(&peer)?.place {
            Place::Consultation(id) => Some(id),
            _ => None,
        }
    }

    /// Who is out in which consultation, as the room sees it.
    pub(super) fn consultations(&self) -> Vec<Consultation> {
        let mut list: Vec<Consultation> = Vec::new();
        for peer in self.peers.values() {
            let Place::Consultation(id) = peer.place else {
                continue;
            };
            match list.iter_mut().find(|c| c.id == id) {
                Some(c) => c.members.push(peer.info.clone()),
                None => list.push(Consultation {
                    id,
                    members: vec![peer.info.clone()],
                }),
            }
        }
        list.sort_by_key(|c| c.id);
        list
    }

    pub(super) fn tell_consultations(&mut self) {
        self.tell_room(ServerMsg::Consultations {
            list: self.consultations(),
        });
    }

    fn members(&self, id: ConsultationId) -> impl Iterator<Item = PeerId> + '_ {
        self.peers
            .values()
            .filter(move |p| p.place == Place::Consultation(id))
            .map(|p| p.info.id)
    }

    /// `from` asks `with` to a private consultation: the one it is forming
    /// if it has asked others already, a new one otherwise.
    pub(super) fn consult(&mut self, conn: ConnId, from: PeerId, with: PeerId) {
        let Some(asker) = self.peers.get(&from) else {
            return;
        };
        if !policy::may_consult(asker.info.role) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let Some(asked) = self
            .peers
            .get(&with)
            .filter(|p| with != from && p.place == Place::Room)
        else {
            return self.error(conn, ErrorCode::UnknownPeer);
        };
        if !policy::may_consult(asked.info.role) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let invites = &self.consult_invites;
        if invites.iter().any(|i| i.from == from && i.to == with) {
            return; // asked already
        }
        let id = match invites.iter().find(|i| i.from == from) {
            Some(forming) => forming.id,
            None => {
                self.last_consultation += 1;
                ConsultationId(self.last_consultation)
            }
        };
        if 1 + invites.iter().filter(|i| i.id == id).count() >= CONSULTATION_SIZE {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let (name, with_name) = (asker.info.name.clone(), asked.info.name.clone());
        let asked_conn = asked.link.conn();
        self.record(Event::ConsultationAsked {
            consultation: id,
            peer: from,
            name,
            with,
            with_name,
        });
        self.consult_invites.push(Invite { id, from, to: with });
        if let Some(asked_conn) = asked_conn {
            self.send(
                asked_conn,
                ServerMsg::ConsultInvite {
                    consultation: id,
                    from,
                },
            );
        }
    }

    /// `from` answers the invitation to `id`. Accepting takes it out of the
    /// room with the one who asked (if not out already).
    pub(super) fn answer_consult(
        &mut self,
        conn: ConnId,
        from: PeerId,
        id: ConsultationId,
        accept: bool,
    ) {
        let Some(at) = self
            .consult_invites
            .iter()
            .position(|i| i.id == id && i.to == from)
        else {
            return self.error(conn, ErrorCode::NoSuchConsultation);
        };
        let invite = self.consult_invites.remove(at);
        if !accept {
            // The sender of a message is listed; were it not, nothing is done.
            let Some(name) = self.peers.get(&from).map(|p| p.info.name.clone()) else {
                return;
            };
            self.record(Event::ConsultationDeclined {
                consultation: id,
                peer: from,
                name,
            });
            return self.tell_declined(invite);
        }
        let asker_place = self.peers.get(&invite.from).map(|p| p.place);
        match asker_place {
            Some(Place::Room) => {
                self.enter(invite.from, id);
                self.enter(from, id);
            }
            Some(Place::Consultation(c)) if c == id => {
                if self.members(id).count() >= CONSULTATION_SIZE {
                    return self.error(conn, ErrorCode::RoomFull);
                }
                self.enter(from, id);
            }
            _ => return self.error(conn, ErrorCode::NoSuchConsultation),
        }
        self.tell_consultations();
    }

    fn tell_declined(&mut self, invite: Invite) {
        if let Some(asker) = self.peers.get(&invite.from).and_then(|p| p.link.conn()) {
            self.send(
                asker,
                ServerMsg::ConsultDeclined {
                    consultation: invite.id,
                    peer: invite.to,
                },
            );
        }
    }

    /// Moves `peer` from the room into consultation `id`: recorded, the room
    /// sees it go, the others in it see it come, and it gets a `Welcome`
    /// with only them (it offers to each, as a newcomer does).
    fn enter(&mut self, peer: PeerId, id: ConsultationId) {
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        p.place = Place::Consultation(id);
        p.still = None;
        let name = p.info.name.clone();
        let info = p.seen();
        let attached = p.link.conn();
        self.record(Event::ConsultationEntered {
            consultation: id,
            peer,
            name: name.clone(),
        });
        // Asked into another consultation meanwhile: it cannot come now.
        let stale: Vec<Invite> = self
            .consult_invites
            .iter()
            .filter(|i| i.to == peer && i.id != id)
            .copied()
            .collect();
        self.consult_invites
            .retain(|i| !(i.to == peer && i.id != id));
        for invite in stale {
            self.tell_declined(invite);
        }
        self.drop_hand(peer);
        for other in self.attached_in(Place::Room, peer) {
            self.send(
                other,
                ServerMsg::PeerLeft {
                    peer,
                    reason: LeaveReason::Consulting,
                },
            );
        }
        self.presenter_gone(peer, name);
        for other in self.attached_in(Place::Consultation(id), peer) {
            self.send(other, ServerMsg::PeerJoined { peer: info.clone() });
        }
        if let Some(conn) = attached {
            self.welcome(conn, peer, false);
        }
    }

    /// `peer` goes back into the room from its consultation (called back by
    /// `by`, a moderator, or by itself): recorded, the others in the
    /// consultation see it go, the room sees it come, and it gets the
    /// room's `Welcome`.
    pub(super) fn return_to_room(&mut self, conn: ConnId, peer: PeerId, by: Option<PeerId>) {
        let Some(id) = self.consulting(peer) else {
            return self.error(conn, ErrorCode::NoSuchConsultation);
        };
        if self.in_room().count() >= MESH_CAPACITY {
            return self.error(conn, ErrorCode::RoomFull);
        }
        // Consulting means listed; were it not, nothing is done.
        let Some(p) = self.peers.get_mut(&peer) else {
            return;
        };
        p.place = Place::Room;
        p.still = None;
        p.info.media = p.info.media.clone().held(p.info.hold);
        let (name, info, attached) = (p.info.name.clone(), p.info.clone(), p.link.conn());
        self.record(Event::ConsultationLeft {
            consultation: id,
            peer,
            name,
            by,
        });
        for other in self.attached_in(Place::Consultation(id), peer) {
            self.send(
                other,
                ServerMsg::PeerLeft {
                    peer,
                    reason: LeaveReason::Returned,
                },
            );
        }
        for other in self.attached_in(Place::Room, peer) {
            self.send(other, ServerMsg::PeerJoined { peer: info.clone() });
        }
        if let Some(conn) = attached {
            self.welcome(conn, peer, false);
        }
        if self.members(id).next().is_none() {
            self.close_consultation(id);
        }
        self.tell_consultations();
    }

    /// `by` calls everyone in consultation `id` back into the room.
    pub(super) fn end_consultation(&mut self, conn: ConnId, by: PeerId, id: ConsultationId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let members: Vec<PeerId> = self.members(id).collect();
        if members.is_empty() {
            return self.error(conn, ErrorCode::NoSuchConsultation);
        }
        for member in members {
            self.return_to_room(conn, member, Some(by));
        }
    }

    /// Nobody is left in `id`: the invitations to it lapse.
    fn close_consultation(&mut self, id: ConsultationId) {
        self.consult_invites.retain(|i| i.id != id);
    }

    /// `peer` is gone for good: what it asked and was asked lapses.
    pub(super) fn drop_consult_invites(&mut self, peer: PeerId) {
        let (gone, kept) = self
            .consult_invites
            .iter()
            .partition(|i| i.from == peer || i.to == peer);
        self.consult_invites = kept;
        for invite in gone {
            if invite.from != peer {
                self.tell_declined(invite);
            }
        }
    }
}
