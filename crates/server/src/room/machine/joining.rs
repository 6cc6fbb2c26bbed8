//! Joining the room machine: a fresh join (host key, invitation, lock,
//! capacity), a resume within the grace period, and the `Welcome` both get.

use std::collections::VecDeque;

use sala_protocol::{
    ErrorCode, MediaState, PeerId, PeerInfo, ResumeToken, Role, ServerMsg, Transport,
    MESH_CAPACITY, PROTOCOL_VERSION,
};
use sala_record::Event;

use super::{ConnId, Join, Link, Peer, Room};

impl Room {
    pub(super) fn join(&mut self, join: Join) {
        let Join {
            conn,
            name,
            media,
            host_key,
            resume,
            invited,
            new_token,
        } = join;
        if self.conns.contains_key(&conn) {
            return self.error(conn, ErrorCode::AlreadyJoined);
        }
        if self.ended {
            return self.close(conn, Some(ErrorCode::MeetingEnded));
        }
        if host_key.as_ref().is_some_and(|k| *k != self.host_key) {
            return self.close(conn, Some(ErrorCode::BadHostKey));
        }
        if let Some(token) = resume {
            let found = self
                .peers
                .iter()
                .find(|(_, p)| p.token == token || p.previous_token.as_ref() == Some(&token))
                .map(|(id, _)| *id);
            match found {
                Some(id) => return self.resume(id, conn, media, token, new_token),
                None => self.error(conn, ErrorCode::ResumeExpired),
            }
        }
        let moderator = host_key.is_some() || invited.as_ref().is_some_and(|i| i.role.moderates());
        if self.locked && !moderator {
            return self.close(conn, Some(ErrorCode::RoomLocked));
        }
        if self.peers.len() >= MESH_CAPACITY {
            return self.close(conn, Some(ErrorCode::MeetingFull));
        }
        let id = PeerId(self.next_peer);
        self.next_peer += 1;
        let role = match (&host_key, &invited) {
            (Some(_), _) => Role::Host,
            (None, Some(invited)) => invited.role,
            (None, None) => Role::Participant,
        };
        let invite = invited.map(|i| i.invite);
        let info = PeerInfo {
            id,
            name,
            role,
            media,
        };
        // Recorded first: the shell commits it before it sends what
        // follows, so the others' PeerJoined and the Welcome acknowledge a
        // durable join.
        self.record(Event::Joined {
            peer: info.id,
            name: info.name.clone(),
            role: info.role,
            invite: invite.clone(),
        });
        for other in self.attached_except(id) {
            self.send(other, ServerMsg::PeerJoined { peer: info.clone() });
        }
        self.peers.insert(
            id,
            Peer {
                info: info.clone(),
                token: new_token,
                previous_token: None,
                link: Link::Attached(conn),
                still: None,
                invite,
            },
        );
        self.conns.insert(conn, id);
        self.empty_since = None;
        self.empty_reported = false;
        self.welcome(conn, id, false);
    }

    fn resume(
        &mut self,
        id: PeerId,
        conn: ConnId,
        media: MediaState,
        used_token: ResumeToken,
        new_token: ResumeToken,
    ) {
        let peer = self.peers.get_mut(&id).expect("resumed peer is listed");
        let old = std::mem::replace(&mut peer.link, Link::Attached(conn));
        // The client surely holds the token it resumed with; keep that one
        // valid until it comes back with the new one.
        peer.previous_token = Some(used_token);
        peer.token = new_token;
        let media_changed = peer.info.media != media;
        peer.info.media = media.clone();
        let info = peer.info.clone();
        self.conns.insert(conn, id);
        let buffered = match old {
            Link::Attached(old_conn) => {
                self.conns.remove(&old_conn);
                self.close(old_conn, Some(ErrorCode::SessionReplaced));
                VecDeque::new()
            }
            Link::Detached { buffer, .. } => buffer,
        };
        self.record(Event::Resumed {
            peer: info.id,
            name: info.name.clone(),
        });
        self.welcome(conn, id, true);
        for (from, signal) in buffered {
            self.send(conn, ServerMsg::Signal { from, signal });
        }
        for other in self.attached_except(id) {
            self.send(other, ServerMsg::PeerResumed { peer: id });
        }
        if media_changed {
            for other in self.attached_except(id) {
                self.send(
                    other,
                    ServerMsg::PeerMedia {
                        peer: id,
                        media: media.clone(),
                    },
                );
            }
        }
    }

    fn welcome(&mut self, conn: ConnId, id: PeerId, resumed: bool) {
        let peer = &self.peers[&id];
        let msg = ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            you: peer.info.clone(),
            meeting: self.meeting.clone(),
            peers: self
                .peers
                .values()
                .filter(|p| p.info.id != id)
                .map(|p| p.info.clone())
                .collect(),
            resume: peer.token.clone(),
            resumed,
            transport: Transport::Mesh,
            ice_servers: self.ice_servers.clone(),
            presentation: self.presentation.clone(),
        };
        self.send(conn, msg);
        self.send_stills(conn, id);
        if self.locked {
            self.send(conn, ServerMsg::RoomLocked { locked: true });
        }
    }
}
