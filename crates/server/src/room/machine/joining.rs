//! Joining the room machine: a fresh join (host key, invitation, lock,
//! capacity), a resume within the grace period, and the `Welcome` both get.

use std::collections::VecDeque;
use std::time::Instant;

use sala_protocol::{
    policy, ErrorCode, Hold, InviteRefusal, LinkQuality, MediaState, PeerId, PeerInfo, ResumeToken,
    Role, ServerMsg, Transport, Waiting, Welcome, MESH_CAPACITY, PROTOCOL_VERSION,
};
use sala_record::Event;

use super::roster::{Link, Peer, Place};
use super::writes::Writes;
use super::{lobby, presenting, ConnId, Empty, Join, Room, LOBBY_CAPACITY};

impl Room {
    pub(super) fn join(&mut self, now: Instant, join: Join) {
        let Join {
            conn,
            name,
            media,
            host_key,
            resume,
            invited,
            holder,
            new_token,
        } = join;
        if self.roster.conns.contains_key(&conn) {
            return self.out.error(conn, ErrorCode::AlreadyJoined);
        }
        if self.ended {
            return self.out.close(conn, Some(ErrorCode::MeetingEnded));
        }
        if host_key.as_ref().is_some_and(|k| *k != self.host_key) {
            return self.out.close(conn, Some(ErrorCode::BadHostKey));
        }
        if self.barred(holder.as_ref()) {
            // Removed from this browser: not by the guest link, not by any
            // invitation, not by resuming.
            self.out.record(Event::JoinRefused {
                name,
                invite: invited.map(|i| i.invite),
                reason: InviteRefusal::Removed,
            });
            return self.out.close(conn, Some(ErrorCode::Removed));
        }
        // Dropped when the room before this one stopped, and back with its
        // token: the same participant, as far on as the record says.
        let mut returning = None;
        if let Some(token) = resume {
            let found = self
                .roster
                .peers
                .iter()
                .find(|(_, p)| p.token == token || p.previous_token.as_ref() == Some(&token))
                .map(|(id, _)| *id);
            match found {
                Some(id) => return self.resume(id, conn, media, token, new_token),
                None => match self.returning(&token) {
                    Some(back) => returning = Some(back),
                    None => self.out.error(conn, ErrorCode::ResumeExpired),
                },
            }
        }
        let role = match (&host_key, &invited) {
            (Some(_), _) => Role::Host,
            (None, Some(invited)) => invited.role,
            (None, None) => Role::Participant,
        };
        if self.locked && !policy::may_enter_locked(role) {
            return self.out.close(conn, Some(ErrorCode::RoomLocked));
        }
        let waits = policy::waits_in_lobby(role, self.lobby.is_on());
        let full = if waits {
            // Those who came by the guest link wait in a lobby of their own
            // size: they cannot crowd out the invited.
            let invited = invited.is_some();
            self.roster
                .waiting_peers()
                .filter(|p| p.invite.is_some() == invited)
                .count()
                >= LOBBY_CAPACITY
        } else {
            self.roster.in_room().count() >= MESH_CAPACITY
        };
        if full {
            return self.out.close(conn, Some(ErrorCode::MeetingFull));
        }
        let (id, acked) = match returning {
            Some(back) => (back.peer, back.acked),
            None => {
                self.next_peer += 1;
                (PeerId(self.next_peer - 1), 0)
            }
        };
        let invite = invited.map(|i| i.invite);
        // The public gallery receives, never sends: held from the start, for good.
        let hold = Hold {
            mic: policy::watches_only(role),
            camera: policy::watches_only(role),
        };
        let info = PeerInfo {
            id,
            name,
            role,
            media,
            hold,
            oath: None,
        };
        let place = if waits {
            Place::Lobby {
                excused: false,
                link: LinkQuality::Unknown,
            }
        } else {
            Place::Room
        };
        let writes = Writes::new(now, &info.media);
        let mut peer = Peer {
            info,
            place,
            token: new_token,
            previous_token: None,
            link: Link::Attached(conn),
            still: None,
            invite,
            holder,
            oath_asked: false,
            acked,
            writes,
        };
        // What it says it sends passes the same checks as in the room.
        peer.info.media = peer.held(peer.info.media.clone());
        let info = peer.info.clone();
        let invite = peer.invite.clone();
        // Recorded first: the shell commits it before it sends what
        // follows, so the others' PeerJoined and the Welcome acknowledge a
        // durable join.
        if waits {
            self.out.record(Event::Knocked {
                peer: info.id,
                name: info.name.clone(),
                role: info.role,
                invite: invite.clone(),
            });
        } else {
            self.out.record(Event::Joined {
                peer: info.id,
                name: info.name.clone(),
                role: info.role,
                invite: invite.clone(),
            });
            for other in self.roster.attached_except(id) {
                self.out
                    .send(other, ServerMsg::PeerJoined { peer: info.clone() });
            }
        }
        self.roster.peers.insert(id, peer);
        self.roster.conns.insert(conn, id);
        self.empty = Empty::No;
        self.welcome(conn, id, false);
        if waits {
            lobby::tell_knock(&self.roster, &mut self.out, id);
        }
    }

    fn resume(
        &mut self,
        id: PeerId,
        conn: ConnId,
        media: MediaState,
        used_token: ResumeToken,
        new_token: ResumeToken,
    ) {
        // Found by its token in `peers` just before: always there. Were it
        // not, the resume is skipped rather than the meeting's actor lost.
        let Some(peer) = self.roster.peers.get_mut(&id) else {
            return;
        };
        let old = std::mem::replace(&mut peer.link, Link::Attached(conn));
        // The client surely holds the token it resumed with; keep that one
        // valid until it comes back with the new one.
        peer.previous_token = Some(used_token);
        peer.token = new_token;
        let media = peer.held(media);
        let media_changed = peer.info.media != media;
        peer.info.media = media.clone();
        let info = peer.info.clone();
        self.roster.conns.insert(conn, id);
        let buffered = match old {
            Link::Attached(old_conn) => {
                self.roster.conns.remove(&old_conn);
                self.out.close(old_conn, Some(ErrorCode::SessionReplaced));
                VecDeque::new()
            }
            Link::Detached { buffer, .. } => buffer,
        };
        self.out.record(Event::Resumed {
            peer: info.id,
            name: info.name.clone(),
        });
        self.welcome(conn, id, true);
        if self.roster.waiting(id) {
            return; // nobody in the room knows of it
        }
        for (from, signal) in buffered {
            self.out.send(conn, ServerMsg::Signal { from, signal });
        }
        for other in self.roster.attached_except(id) {
            self.out.send(other, ServerMsg::PeerResumed { peer: id });
        }
        if media_changed {
            for other in self.roster.attached_except(id) {
                self.out.send(
                    other,
                    ServerMsg::PeerMedia {
                        peer: id,
                        media: media.clone(),
                    },
                );
            }
        }
    }

    /// What a peer gets on joining, resuming, or being let in: `Waiting`
    /// in the lobby, `Welcome` (with the room) in the room, `Welcome` with
    /// only the others in it in a private consultation.
    pub(super) fn welcome(&mut self, conn: ConnId, id: PeerId, resumed: bool) {
        // Callers welcome a listed peer; an unlisted one gets nothing.
        let Some(peer) = self.roster.peers.get(&id) else {
            return;
        };
        if matches!(peer.place, Place::Lobby { .. }) {
            let msg = ServerMsg::Waiting(Waiting {
                protocol: PROTOCOL_VERSION,
                you: peer.info.clone(),
                meeting: self.meeting.clone(),
                resume: peer.token.clone(),
                resumed,
                acked: peer.acked,
            });
            return self.out.send(conn, msg);
        }
        // In a private consultation: only the others in it, none of the room.
        let consultation = match peer.place {
            Place::Consultation(c) => Some(c),
            _ => None,
        };
        let in_room = consultation.is_none();
        let msg = ServerMsg::Welcome(Welcome {
            protocol: PROTOCOL_VERSION,
            you: peer.seen(),
            meeting: self.meeting.clone(),
            peers: self
                .roster
                .peers
                .values()
                .filter(|p| p.place == peer.place && p.info.id != id)
                .map(Peer::seen)
                .collect(),
            resume: peer.token.clone(),
            resumed,
            transport: Transport::Mesh,
            ice: Box::new(self.ice_for(id, peer.info.role)),
            presentation: self.presenting.current().filter(|_| in_room).cloned(),
            lobby: if in_room && peer.info.role.moderates() {
                self.roster.knocks()
            } else {
                Vec::new()
            },
            lobby_on: self.lobby.is_on(),
            hands: if in_room {
                self.floor.hands().to_vec()
            } else {
                Vec::new()
            },
            chat: if in_room {
                self.floor.history().cloned().collect()
            } else {
                Vec::new()
            },
            consultation,
            consultations: if in_room {
                self.roster.consultations()
            } else {
                Vec::new()
            },
            acked: peer.acked,
        });
        self.out.send(conn, msg);
        presenting::send_stills(&self.roster, &mut self.out, conn, id);
        if self.locked && in_room {
            self.out.send(conn, ServerMsg::RoomLocked { locked: true });
        }
    }
}
