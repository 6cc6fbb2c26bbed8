//! Sans-IO state machine of one meeting room.
//!
//! No tokio, no sockets, no clock, no randomness: time (`now`) and fresh
//! resume tokens are arguments, effects come out of [`Room::poll_output`]
//! and the next deadline out of [`Room::poll_timeout`].

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use sala_protocol::{
    ClientMsg, DeckId, DisplayName, ErrorCode, HostKey, IceServer, InviteId, LeaveReason,
    MediaState, MeetingInfo, PeerId, PeerInfo, Presentation, ResumeToken, Role, ServerMsg, Signal,
    SlidePage, Transport, MESH_CAPACITY, PROTOCOL_VERSION, RESUME_GRACE_SECS,
};

use sala_record::Event;

mod controls;
mod presenting;

/// How long a peer whose socket dropped keeps its place.
pub const RESUME_GRACE: Duration = Duration::from_secs(RESUME_GRACE_SECS);
/// How long a room stays without any peer before it reports [`Output::Empty`].
pub const EMPTY_LINGER: Duration = Duration::from_secs(60);
/// Most signals kept for one detached peer; the oldest are dropped beyond.
pub const SIGNAL_BUFFER: usize = 256;

/// One WebSocket connection, numbered by the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// What happens to a room.
#[derive(Debug)]
pub enum Input {
    /// A connection sent its `Join` (protocol version already checked).
    Join(Join),
    /// A message from a connection after its `Join`.
    Message { conn: ConnId, msg: ClientMsg },
    /// The connection's socket is gone (closed, failed or silent).
    Disconnected { conn: ConnId },
    /// A connection's `Present`, once the shell has found the deck in this
    /// meeting and counted its pages.
    Present {
        conn: ConnId,
        deck: DeckId,
        pages: u32,
        page: u32,
    },
}

/// A connection's `Join`, as the room gets it.
#[derive(Debug)]
pub struct Join {
    pub conn: ConnId,
    pub name: DisplayName,
    pub media: MediaState,
    pub host_key: Option<HostKey>,
    pub resume: Option<ResumeToken>,
    /// A checked invitation: the role it gives.
    pub invited: Option<Invited>,
    /// Fresh random token, handed out in the `Welcome` if the join succeeds.
    pub new_token: ResumeToken,
}

/// An invitation the shell has checked (signature, validity, database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invited {
    pub invite: InviteId,
    pub role: Role,
}

/// What the shell must do.
#[derive(Debug, PartialEq)]
pub enum Output {
    /// Send a message on a connection.
    Send { conn: ConnId, msg: ServerMsg },
    /// Close a connection: with `Some(error)`, send `Error{error}` then close with
    /// its close code; with `None`, close normally (1000).
    Close {
        conn: ConnId,
        error: Option<ErrorCode>,
    },
    /// Append an event to the meeting's record. The shell commits it before
    /// it carries out the outputs after it: they acknowledge it.
    Record(Event),
    /// The room has had no peer for [`EMPTY_LINGER`]; the shell may drop it.
    Empty,
}

#[derive(Debug)]
enum Link {
    Attached(ConnId),
    Detached {
        deadline: Instant,
        buffer: VecDeque<(PeerId, Signal)>,
    },
}

#[derive(Debug)]
struct Peer {
    info: PeerInfo,
    token: ResumeToken,
    /// The token this peer had before its last resume: the `Welcome` carrying
    /// the new one may have died with the socket on a lossy link.
    previous_token: Option<ResumeToken>,
    link: Link,
    /// Latest still of this peer's screen share, for thin receivers.
    still: Option<SlidePage>,
    /// The invitation that let this peer in.
    invite: Option<InviteId>,
}

/// State of one meeting room.
#[derive(Debug)]
pub struct Room {
    meeting: MeetingInfo,
    host_key: HostKey,
    ice_servers: Vec<IceServer>,
    next_peer: u64,
    peers: BTreeMap<PeerId, Peer>,
    conns: HashMap<ConnId, PeerId>,
    outputs: VecDeque<Output>,
    presentation: Option<Presentation>,
    /// Since when the room has had no peer (`None` while it has some).
    empty_since: Option<Instant>,
    empty_reported: bool,
    /// Closed to newcomers by the host or a co-host.
    locked: bool,
    /// Ended for everyone: nobody joins again.
    ended: bool,
}

impl Room {
    pub fn new(
        now: Instant,
        meeting: MeetingInfo,
        host_key: HostKey,
        ice_servers: Vec<IceServer>,
    ) -> Self {
        Self {
            meeting,
            host_key,
            ice_servers,
            next_peer: 1,
            peers: BTreeMap::new(),
            conns: HashMap::new(),
            outputs: VecDeque::new(),
            presentation: None,
            empty_since: Some(now),
            empty_reported: false,
            locked: false,
            ended: false,
        }
    }

    pub fn meeting(&self) -> &MeetingInfo {
        &self.meeting
    }

    /// Number of listed peers (attached or within their grace period).
    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    pub fn handle(&mut self, now: Instant, input: Input) {
        // A deadline that passed counts even if the shell's timer has not fired yet.
        self.handle_timeout(now);
        match input {
            Input::Join(join) => self.join(join),
            Input::Message { conn, msg } => self.message(now, conn, msg),
            Input::Disconnected { conn } => self.disconnected(now, conn),
            Input::Present {
                conn,
                deck,
                pages,
                page,
            } => self.present(conn, deck, pages, page),
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let grace = self.peers.values().filter_map(|p| match p.link {
            Link::Detached { deadline, .. } => Some(deadline),
            Link::Attached(_) => None,
        });
        let empty = match (self.empty_since, self.empty_reported) {
            (Some(since), false) => Some(since + EMPTY_LINGER),
            _ => None,
        };
        grace.chain(empty).min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        let expired: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| matches!(p.link, Link::Detached { deadline, .. } if deadline <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.remove(now, id, LeaveReason::Lost);
        }
        if let (Some(since), false) = (self.empty_since, self.empty_reported) {
            if since + EMPTY_LINGER <= now {
                self.empty_reported = true;
                self.outputs.push_back(Output::Empty);
            }
        }
    }

    fn join(&mut self, join: Join) {
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

    fn message(&mut self, now: Instant, conn: ConnId, msg: ClientMsg) {
        let Some(&from) = self.conns.get(&conn) else {
            // Not (or no longer) joined here: a late message from a replaced socket.
            return;
        };
        match msg {
            ClientMsg::Join { .. } => self.error(conn, ErrorCode::AlreadyJoined),
            ClientMsg::Signal { to, signal } => self.relay(conn, from, to, signal),
            ClientMsg::Media { media } => {
                if let Some(peer) = self.peers.get_mut(&from) {
                    if media.screen != peer.info.media.screen {
                        peer.still = None;
                    }
                    peer.info.media = media.clone();
                }
                for other in self.attached_except(from) {
                    self.send(
                        other,
                        ServerMsg::PeerMedia {
                            peer: from,
                            media: media.clone(),
                        },
                    );
                }
            }
            ClientMsg::Ping { nonce } => self.send(conn, ServerMsg::Pong { nonce }),
            ClientMsg::Leave => {
                self.close(conn, None);
                self.remove(now, from, LeaveReason::Left);
            }
            // The shell turns `Present` into `Input::Present` once it has found the deck.
            ClientMsg::Present { .. } => self.error(conn, ErrorCode::UnknownDeck),
            ClientMsg::TurnPage { page } => self.turn_page(conn, from, page),
            ClientMsg::StopPresenting => self.stop_presenting(conn, from),
            ClientMsg::ScreenStill { still } => self.screen_still(conn, from, still),
            ClientMsg::Remove { peer } => self.remove_peer(now, conn, from, peer),
            ClientMsg::Lock { locked } => self.set_locked(conn, from, locked),
            ClientMsg::EndMeeting => self.end(now, conn, from),
        }
    }

    fn relay(&mut self, conn: ConnId, from: PeerId, to: PeerId, signal: Signal) {
        match self.peers.get_mut(&to) {
            Some(peer) if to != from => match &mut peer.link {
                Link::Attached(target) => {
                    let target = *target;
                    self.send(target, ServerMsg::Signal { from, signal });
                }
                Link::Detached { buffer, .. } => {
                    if buffer.len() >= SIGNAL_BUFFER {
                        buffer.pop_front();
                    }
                    buffer.push_back((from, signal));
                }
            },
            _ => self.error(conn, ErrorCode::UnknownPeer),
        }
    }

    fn disconnected(&mut self, now: Instant, conn: ConnId) {
        let Some(id) = self.conns.remove(&conn) else {
            return;
        };
        if let Some(peer) = self.peers.get_mut(&id) {
            peer.link = Link::Detached {
                deadline: now + RESUME_GRACE,
                buffer: VecDeque::new(),
            };
        }
    }

    /// `id` left or was lost: recorded, then dropped.
    fn remove(&mut self, now: Instant, id: PeerId, reason: LeaveReason) {
        let Some(peer) = self.peers.get(&id) else {
            return;
        };
        let name = peer.info.name.clone();
        self.record(match reason {
            LeaveReason::Lost => Event::Lost { peer: id, name },
            LeaveReason::Left | LeaveReason::Removed => Event::Left { peer: id, name },
        });
        self.drop_peer(now, id, reason);
    }

    /// Forgets `id` and tells the others why it went.
    fn drop_peer(&mut self, now: Instant, id: PeerId, reason: LeaveReason) {
        let Some(peer) = self.peers.remove(&id) else {
            return;
        };
        if let Link::Attached(conn) = peer.link {
            self.conns.remove(&conn);
        }
        for other in self.attached_except(id) {
            self.send(other, ServerMsg::PeerLeft { peer: id, reason });
        }
        if self
            .presentation
            .as_ref()
            .is_some_and(|p| p.presenter == id)
        {
            self.set_presentation(None);
        }
        self.mark_if_empty(now);
    }

    fn mark_if_empty(&mut self, now: Instant) {
        if self.peers.is_empty() && self.empty_since.is_none() {
            self.empty_since = Some(now);
            self.empty_reported = false;
        }
    }

    /// Every peer with a live socket, and that socket.
    fn attached(&self) -> impl Iterator<Item = (PeerId, ConnId)> + '_ {
        self.peers.values().filter_map(|p| match p.link {
            Link::Attached(c) => Some((p.info.id, c)),
            Link::Detached { .. } => None,
        })
    }

    fn attached_except(&self, id: PeerId) -> Vec<ConnId> {
        self.attached()
            .filter(|(peer, _)| *peer != id)
            .map(|(_, conn)| conn)
            .collect()
    }

    fn record(&mut self, event: Event) {
        self.outputs.push_back(Output::Record(event));
    }

    fn send(&mut self, conn: ConnId, msg: ServerMsg) {
        self.outputs.push_back(Output::Send { conn, msg });
    }

    fn error(&mut self, conn: ConnId, error: ErrorCode) {
        self.send(conn, ServerMsg::Error { error });
    }

    fn close(&mut self, conn: ConnId, error: Option<ErrorCode>) {
        self.outputs.push_back(Output::Close { conn, error });
    }
}
