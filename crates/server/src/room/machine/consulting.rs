//! Private consultations in the room machine (issue #4): counsel asks a
//! client out of the room, the client accepts, and both are in a place of
//! their own — media and signals only between them, nothing of the room,
//! nothing of them to the room but the fact that they are out. They come
//! back by themselves, or the host calls them back. The record keeps who
//! went out and came back, never what was said.
//!
//! [`Consultations`] owns the invitations not yet answered; who is out
//! where is the peers' own place (in the [`Roster`]), moved here.

use sala_protocol::{
    policy, ClientMsg, ConsultationId, ErrorCode, Hold, MediaState, PeerId, PeerInfo, ServerMsg,
    CONSULTATION_SIZE, MESH_CAPACITY,
};
use sala_record::Event;

use super::outputs::Outputs;
use super::roster::{Peer, Place, Roster};
use super::{ConnId, LeaveReason, Room};

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

/// The private consultations asked for and not yet answered.
#[derive(Debug, Default)]
pub(super) struct Consultations {
    /// The number of the last private consultation asked for.
    last: u32,
    /// Invitations not yet answered, oldest first.
    invites: Vec<Invite>,
}

impl Consultations {
    /// `from` asks `with` to a private consultation: the one it is forming
    /// if it has asked others already, a new one otherwise.
    pub(super) fn ask(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        conn: ConnId,
        from: PeerId,
        with: PeerId,
    ) {
        let Some(asker) = roster.peers.get(&from) else {
            return;
        };
        if !policy::may_consult(asker.info.role) {
            return out.error(conn, ErrorCode::NotAllowed);
        }
        let Some(asked) = roster
            .peers
            .get(&with)
            .filter(|p| with != from && p.place == Place::Room)
        else {
            return out.error(conn, ErrorCode::UnknownPeer);
        };
        if !policy::may_consult(asked.info.role) {
            return out.error(conn, ErrorCode::NotAllowed);
        }
        let invites = &self.invites;
        if invites.iter().any(|i| i.from == from && i.to == with) {
            return; // asked already
        }
        let id = match invites.iter().find(|i| i.from == from) {
            Some(forming) => forming.id,
            None => {
                self.last += 1;
                ConsultationId(self.last)
            }
        };
        if 1 + self.invites.iter().filter(|i| i.id == id).count() >= CONSULTATION_SIZE {
            return out.error(conn, ErrorCode::NotAllowed);
        }
        let (name, with_name) = (asker.info.name.clone(), asked.info.name.clone());
        let asked_conn = asked.link.conn();
        out.record(Event::ConsultationAsked {
            consultation: id,
            peer: from,
            name,
            with,
            with_name,
        });
        self.invites.push(Invite { id, from, to: with });
        if let Some(asked_conn) = asked_conn {
            out.send(
                asked_conn,
                ServerMsg::ConsultInvite {
                    consultation: id,
                    from,
                },
            );
        }
    }

    /// `from` answers the invitation to `id`, which lapses either way: a
    /// decline is recorded and told to the one who asked; an acceptance is
    /// handed back, to be carried out.
    pub(super) fn answer(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        conn: ConnId,
        from: PeerId,
        id: ConsultationId,
        accept: bool,
    ) -> Option<Invite> {
        let Some(at) = self.invites.iter().position(|i| i.id == id && i.to == from) else {
            out.error(conn, ErrorCode::NoSuchConsultation);
            return None;
        };
        let invite = self.invites.remove(at);
        if accept {
            return Some(invite);
        }
        // The sender of a message is listed; were it not, nothing is done.
        let name = roster.peers.get(&from).map(|p| p.info.name.clone())?;
        out.record(Event::ConsultationDeclined {
            consultation: id,
            peer: from,
            name,
        });
        tell_declined(roster, out, invite);
        None
    }

    /// `peer` went into `id`: what it was asked into elsewhere meanwhile
    /// lapses, and the ones who asked hear it declined.
    fn entered(&mut self, roster: &Roster, out: &mut Outputs, peer: PeerId, id: ConsultationId) {
        let (stale, kept) = self
            .invites
            .iter()
            .partition(|i| i.to == peer && i.id != id);
        self.invites = kept;
        for invite in stale {
            tell_declined(roster, out, invite);
        }
    }

    /// Nobody is left in `id`: the invitations to it lapse.
    fn close(&mut self, id: ConsultationId) {
        self.invites.retain(|i| i.id != id);
    }

    /// `peer` is gone for good: what it asked and was asked lapses.
    pub(super) fn drop_peer(&mut self, roster: &Roster, out: &mut Outputs, peer: PeerId) {
        let (gone, kept) = self
            .invites
            .iter()
            .partition(|i| i.from == peer || i.to == peer);
        self.invites = kept;
        for invite in gone {
            if invite.from != peer {
                tell_declined(roster, out, invite);
            }
        }
    }
}

/// The one who asked hears that `invite` was declined (or lapsed).
fn tell_declined(roster: &Roster, out: &mut Outputs, invite: Invite) {
    if let Some(asker) = roster.peers.get(&invite.from).and_then(|p| p.link.conn()) {
        out.send(
            asker,
            ServerMsg::ConsultDeclined {
                consultation: invite.id,
                peer: invite.to,
            },
        );
    }
}

/// The room hears who is out in which consultation.
pub(super) fn tell_consultations(roster: &Roster, out: &mut Outputs) {
    let list = roster.consultations();
    roster.tell_room(out, ServerMsg::Consultations { list });
}

impl Room {
    /// `from` answers the invitation to `id`. Accepting takes it out of the
    /// room with the one who asked (if not out already).
    pub(super) fn answer_consult(
        &mut self,
        conn: ConnId,
        from: PeerId,
        id: ConsultationId,
        accept: bool,
    ) {
        let Some(invite) =
            self.consultations
                .answer(&self.roster, &mut self.out, conn, from, id, accept)
        else {
            return;
        };
        let asker_place = self.roster.peers.get(&invite.from).map(|p| p.place);
        match asker_place {
            Some(Place::Room) => {
                self.enter(invite.from, id);
                self.enter(from, id);
            }
            Some(Place::Consultation(c)) if c == id => {
                if self.roster.members(id).count() >= CONSULTATION_SIZE {
                    return self.out.error(conn, ErrorCode::RoomFull);
                }
                self.enter(from, id);
            }
            _ => return self.out.error(conn, ErrorCode::NoSuchConsultation),
        }
        tell_consultations(&self.roster, &mut self.out);
    }

    /// Moves `peer` from the room into consultation `id`: recorded, the room
    /// sees it go, the others in it see it come, and it gets a `Welcome`
    /// with only them (it offers to each, as a newcomer does).
    fn enter(&mut self, peer: PeerId, id: ConsultationId) {
        let Some(p) = self.roster.peers.get_mut(&peer) else {
            return;
        };
        p.place = Place::Consultation(id);
        p.still = None;
        let name = p.info.name.clone();
        let info = p.seen();
        let attached = p.link.conn();
        self.out.record(Event::ConsultationEntered {
            consultation: id,
            peer,
            name: name.clone(),
        });
        // Asked into another consultation meanwhile: it cannot come now.
        self.consultations
            .entered(&self.roster, &mut self.out, peer, id);
        self.floor.drop_hand(&self.roster, &mut self.out, peer);
        for other in self.roster.attached_in(Place::Room, peer) {
            self.out.send(
                other,
                ServerMsg::PeerLeft {
                    peer,
                    reason: LeaveReason::Consulting,
                },
            );
        }
        self.presenting
            .gone(&self.roster, &mut self.out, peer, name);
        for other in self.roster.attached_in(Place::Consultation(id), peer) {
            self.out
                .send(other, ServerMsg::PeerJoined { peer: info.clone() });
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
        let Some(id) = self.roster.consulting(peer) else {
            return self.out.error(conn, ErrorCode::NoSuchConsultation);
        };
        if self.roster.in_room().count() >= MESH_CAPACITY {
            return self.out.error(conn, ErrorCode::RoomFull);
        }
        // Consulting means listed; were it not, nothing is done.
        let Some(p) = self.roster.peers.get_mut(&peer) else {
            return;
        };
        p.place = Place::Room;
        p.still = None;
        p.info.media = p.info.media.clone().held(p.info.hold);
        let (name, info, attached) = (p.info.name.clone(), p.info.clone(), p.link.conn());
        self.out.record(Event::ConsultationLeft {
            consultation: id,
            peer,
            name,
            by,
        });
        for other in self.roster.attached_in(Place::Consultation(id), peer) {
            self.out.send(
                other,
                ServerMsg::PeerLeft {
                    peer,
                    reason: LeaveReason::Returned,
                },
            );
        }
        for other in self.roster.attached_in(Place::Room, peer) {
            self.out
                .send(other, ServerMsg::PeerJoined { peer: info.clone() });
        }
        if let Some(conn) = attached {
            self.welcome(conn, peer, false);
        }
        if self.roster.members(id).next().is_none() {
            self.consultations.close(id);
        }
        tell_consultations(&self.roster, &mut self.out);
    }

    /// `by` calls everyone in consultation `id` back into the room.
    pub(super) fn end_consultation(&mut self, conn: ConnId, by: PeerId, id: ConsultationId) {
        if !self.roster.moderates(by) {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        let members: Vec<PeerId> = self.roster.members(id).collect();
        if members.is_empty() {
            return self.out.error(conn, ErrorCode::NoSuchConsultation);
        }
        for member in members {
            self.return_to_room(conn, member, Some(by));
        }
    }
}
