//! Who is in the meeting: every listed peer (in the room, waiting in the
//! lobby, or out in a private consultation), where it is, its socket, and
//! the questions the rest of the machine asks of them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;

use sala_protocol::{
    Consultation, ConsultationId, ErrorCode, InviteId, Knock, LinkQuality, PeerId, PeerInfo,
    ResumeToken, Role, ServerMsg, Signal, SlidePage,
};

use super::outputs::Outputs;
use super::writes::Writes;
use super::{ConnId, Holder, SIGNAL_BUFFER};

/// A peer's socket: live, or gone, with the time it may come back by and
/// the signals kept for it meanwhile.
#[derive(Debug)]
pub(super) enum Link {
    Attached(ConnId),
    Detached {
        deadline: Instant,
        buffer: VecDeque<(PeerId, Signal)>,
    },
}

impl Link {
    /// The live socket, if there is one.
    pub(super) fn conn(&self) -> Option<ConnId> {
        match self {
            Link::Attached(c) => Some(*c),
            Link::Detached { .. } => None,
        }
    }
}

/// Where a peer is: waiting outside, or in the room with media.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// Waits to be let in (or called, or after being excused): it hears and
    /// sees nothing of the room, and only the host and co-hosts know of it.
    Lobby {
        /// It was in the room before (a witness excused).
        excused: bool,
        link: LinkQuality,
    },
    Room,
    /// Out of the room in a private consultation: media and signals only
    /// with the others in it; nothing of the room, nothing of it to the room.
    Consultation(ConsultationId),
}

/// One listed participant: attached, or within its grace period.
#[derive(Debug)]
pub(super) struct Peer {
    pub(super) info: PeerInfo,
    pub(super) place: Place,
    pub(super) token: ResumeToken,
    /// The token this peer had before its last resume: the `Welcome` carrying
    /// the new one may have died with the socket on a lossy link.
    pub(super) previous_token: Option<ResumeToken>,
    pub(super) link: Link,
    /// Latest still of this peer's screen share, for thin receivers.
    pub(super) still: Option<SlidePage>,
    /// The invitation that let this peer in.
    pub(super) invite: Option<InviteId>,
    /// The browser it came from, if it said.
    pub(super) holder: Option<Holder>,
    /// The host asked it to take the oath, and it has not yet.
    pub(super) oath_asked: bool,
    /// The last numbered message of this peer handled, on any of its sockets.
    pub(super) acked: u64,
    /// What it may still write to the record, and what of its media the
    /// record last said.
    pub(super) writes: Writes,
}

/// The listed peers, and which peer each live socket is.
#[derive(Debug, Default)]
pub(super) struct Roster {
    pub(super) peers: BTreeMap<PeerId, Peer>,
    pub(super) conns: HashMap<ConnId, PeerId>,
}

impl Roster {
    /// Every peer in the room with a live socket, and that socket.
    pub(super) fn attached(&self) -> impl Iterator<Item = (PeerId, ConnId)> + '_ {
        self.peers
            .values()
            .filter(|p| p.place == Place::Room)
            .filter_map(|p| p.link.conn().map(|c| (p.info.id, c)))
    }

    /// Every peer with a live socket, in the room or waiting.
    pub(super) fn attached_anywhere(&self) -> impl Iterator<Item = (PeerId, ConnId)> + '_ {
        self.peers
            .values()
            .filter_map(|p| p.link.conn().map(|c| (p.info.id, c)))
    }

    /// `id`, if it is in the room (not waiting, not out consulting).
    pub(super) fn in_room_mut(&mut self, id: PeerId) -> Option<&mut Peer> {
        self.peers.get_mut(&id).filter(|p| p.place == Place::Room)
    }

    /// The peers in the room (not waiting), attached or not.
    pub(super) fn in_room(&self) -> impl Iterator<Item = &Peer> + '_ {
        self.peers.values().filter(|p| p.place == Place::Room)
    }

    /// The live sockets of the others where `id` is (the room, for a peer
    /// not listed yet): in the room, or in its private consultation.
    pub(super) fn attached_except(&self, id: PeerId) -> Vec<ConnId> {
        let place = self.peers.get(&id).map_or(Place::Room, |p| p.place);
        self.attached_in(place, id)
    }

    /// The live sockets of everyone in `place` but `except`; nobody for the
    /// lobby, where nobody hears of anybody.
    pub(super) fn attached_in(&self, place: Place, except: PeerId) -> Vec<ConnId> {
        if matches!(place, Place::Lobby { .. }) {
            return Vec::new();
        }
        self.peers
            .values()
            .filter(|p| p.place == place && p.info.id != except)
            .filter_map(|p| p.link.conn())
            .collect()
    }

    /// `from`'s signal to `to`, when both are in the same place: sent now, or
    /// kept (the last [`SIGNAL_BUFFER`]) until `to` comes back.
    pub(super) fn relay(
        &mut self,
        out: &mut Outputs,
        conn: ConnId,
        from: PeerId,
        to: PeerId,
        signal: Signal,
    ) {
        let place = self.peers.get(&from).map(|p| p.place);
        match self.peers.get_mut(&to) {
            Some(peer) if to != from && Some(peer.place) == place => match &mut peer.link {
                Link::Attached(target) => {
                    let target = *target;
                    out.send(target, ServerMsg::Signal { from, signal });
                }
                Link::Detached { buffer, .. } => {
                    if buffer.len() >= SIGNAL_BUFFER {
                        buffer.pop_front();
                    }
                    buffer.push_back((from, signal));
                }
            },
            _ => out.error(conn, ErrorCode::UnknownPeer),
        }
    }

    /// `msg` to everyone in the room (not the lobby).
    pub(super) fn tell_room(&self, out: &mut Outputs, msg: ServerMsg) {
        for (_, conn) in self.attached() {
            out.send(conn, msg.clone());
        }
    }

    /// `msg` to the host and co-hosts in the room.
    pub(super) fn tell_moderators(&self, out: &mut Outputs, msg: ServerMsg) {
        for (_, conn) in self.attached().filter(|(id, _)| self.moderates(*id)) {
            out.send(conn, msg.clone());
        }
    }

    /// Whether `peer` runs the meeting (host or co-host).
    pub(super) fn moderates(&self, peer: PeerId) -> bool {
        self.peers
            .get(&peer)
            .is_some_and(|p| p.info.role.moderates())
    }

    /// Whether `rule` (one of [`sala_protocol::policy`]'s, judged on roles)
    /// lets `by` act on `target`; if not, the error to answer. An unknown
    /// target is `UnknownPeer` only to one the rule would let act on
    /// someone: to anyone else the answer is `NotAllowed`, whoever they named.
    pub(super) fn judge(
        &self,
        by: PeerId,
        target: PeerId,
        rule: impl Fn(Role, Role) -> bool,
    ) -> Result<(), ErrorCode> {
        let role = |id| self.peers.get(&id).map(|p| p.info.role);
        let Some(by) = role(by) else {
            return Err(ErrorCode::NotAllowed);
        };
        match role(target) {
            Some(target) if rule(by, target) => Ok(()),
            Some(_) => Err(ErrorCode::NotAllowed),
            None if Role::ALL.into_iter().any(|t| rule(by, t)) => Err(ErrorCode::UnknownPeer),
            None => Err(ErrorCode::NotAllowed),
        }
    }

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

    /// The private consultation `peer` is in, if any.
    pub(super) fn consulting(&self, peer: PeerId) -> Option<ConsultationId> {
        match self.peers.get(&peer)?.place {
            Place::Consultation(id) => Some(id),
            _ => None,
        }
    }

    /// Who is in consultation `id`.
    pub(super) fn members(&self, id: ConsultationId) -> impl Iterator<Item = PeerId> + '_ {
        self.peers
            .values()
            .filter(move |p| p.place == Place::Consultation(id))
            .map(|p| p.info.id)
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
}
