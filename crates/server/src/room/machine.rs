//! Sans-IO state machine of one meeting room.
//!
//! No tokio, no sockets, no clock, no randomness: time (`now`) and fresh
//! resume tokens are arguments, effects come out of [`Room::poll_output`]
//! and the next deadline out of [`Room::poll_timeout`].

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use sala_protocol::{
    ChatMessage, ClientMsg, ConsultationId, DeckId, DisplayName, ErrorCode, HostKey, InviteId,
    LeaveReason, LinkQuality, MediaState, MeetingInfo, MeetingKind, PeerId, PeerInfo, Presentation,
    ResumeToken, Role, ServerMsg, Signal, SlidePage, RESUME_GRACE_SECS,
};

use sala_record::Event;

pub use controls::Holder;
pub use ice::IceAt;
pub use restart::{Restored, Session};
pub use writes::{MEDIA_BURST, MEDIA_PER_SEC, WRITES_BURST, WRITES_PER_SEC};

mod consulting;
mod controls;
mod floor;
mod ice;
mod joining;
mod lobby;
mod presenting;
mod restart;
mod writes;

/// How long a peer whose socket dropped keeps its place.
pub const RESUME_GRACE: Duration = Duration::from_secs(RESUME_GRACE_SECS);
/// How long a room stays without any peer before it reports [`Output::Empty`].
pub const EMPTY_LINGER: Duration = Duration::from_secs(60);
/// Slots the output queue keeps between bursts ([`Room::poll_output`]).
const OUTPUTS_KEPT: usize = 4;
/// Most signals kept for one detached peer; the oldest are dropped beyond.
pub const SIGNAL_BUFFER: usize = 256;
/// Most people waiting in the lobby at once.
pub const LOBBY_CAPACITY: usize = 64;

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
    /// A message (or present) the client numbered `seq`
    /// ([`ClientMsg::Reliable`]): handled once however often it comes, and
    /// answered with `Ack` after its effects, records included.
    Numbered {
        conn: ConnId,
        seq: u64,
        input: Box<Input>,
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
    /// The browser it comes from, if it says (its holder key's digest):
    /// someone removed is barred by it for the rest of the meeting.
    pub holder: Option<Holder>,
    /// Fresh random token, handed out in the `Welcome` if the join succeeds.
    pub new_token: ResumeToken,
}

/// An invitation the shell has checked (signature, validity, database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invited {
    pub invite: InviteId,
    pub role: Role,
}

/// What the shell must do. Nearly every output is a message: boxing it
/// would cost an allocation each.
#[derive(Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
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
    /// The records until the next `Ack` come of numbered message `seq` of
    /// `peer`: the shell keeps that with them, so that a room started again
    /// knows how far each peer's messages got ([`Restored::done`]).
    Cause { peer: PeerId, seq: u64 },
    /// Keep this browser out of the meeting for good (it was removed): the
    /// shell stores it before it carries out the outputs after it, and hands
    /// it back to a room started again ([`Room::bar`]).
    Bar(Holder),
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

/// Where a peer is: waiting outside, or in the room with media.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
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

impl Link {
    /// The live socket, if there is one.
    fn conn(&self) -> Option<ConnId> {
        match self {
            Link::Attached(c) => Some(*c),
            Link::Detached { .. } => None,
        }
    }
}

#[derive(Debug)]
struct Peer {
    info: PeerInfo,
    place: Place,
    token: ResumeToken,
    /// The token this peer had before its last resume: the `Welcome` carrying
    /// the new one may have died with the socket on a lossy link.
    previous_token: Option<ResumeToken>,
    link: Link,
    /// Latest still of this peer's screen share, for thin receivers.
    still: Option<SlidePage>,
    /// The invitation that let this peer in.
    invite: Option<InviteId>,
    /// The browser it came from, if it said.
    holder: Option<Holder>,
    /// The host asked it to take the oath, and it has not yet.
    oath_asked: bool,
    /// The last numbered message of this peer handled, on any of its sockets.
    acked: u64,
    /// What it may still write to the record, and what of its media the
    /// record last said.
    writes: writes::Writes,
}

/// State of one meeting room.
#[derive(Debug)]
pub struct Room {
    meeting: MeetingInfo,
    host_key: HostKey,
    ice: ice::RoomIce,
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
    /// Newcomers who do not moderate wait in the lobby (always, in a hearing).
    lobby_on: bool,
    /// Raised hands, first raised first.
    hands: Vec<PeerId>,
    /// The latest chat messages, for newcomers.
    chat: VecDeque<ChatMessage>,
    /// The number of the last private consultation asked for.
    last_consultation: u32,
    /// Private consultations asked for and not yet answered.
    consult_invites: Vec<consulting::Invite>,
    /// Browsers of people removed: they do not come back, by any link.
    barred: HashSet<Holder>,
    /// Those dropped when the room before this one stopped, by session:
    /// they may come back as themselves.
    dropped: HashMap<Session, restart::Dropped>,
}

impl Room {
    pub fn new(now: Instant, meeting: MeetingInfo, host_key: HostKey, ice: IceAt) -> Self {
        Self {
            lobby_on: meeting.kind == MeetingKind::Hearing,
            meeting,
            host_key,
            ice: ice::RoomIce::new(now, ice),
            next_peer: 1,
            peers: BTreeMap::new(),
            conns: HashMap::new(),
            outputs: VecDeque::new(),
            presentation: None,
            empty_since: Some(now),
            empty_reported: false,
            locked: false,
            ended: false,
            hands: Vec::new(),
            chat: VecDeque::new(),
            last_consultation: 0,
            consult_invites: Vec::new(),
            barred: HashSet::new(),
            dropped: HashMap::new(),
        }
    }

    pub fn meeting(&self) -> &MeetingInfo {
        &self.meeting
    }

    /// Number of listed peers (attached or within their grace period), in
    /// the room or waiting.
    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    pub fn handle(&mut self, now: Instant, input: Input) {
        // A deadline that passed counts even if the shell's timer has not fired yet.
        self.handle_timeout(now);
        self.dispatch(now, input);
    }

    fn dispatch(&mut self, now: Instant, input: Input) {
        match input {
            Input::Join(join) => self.join(now, join),
            Input::Message { conn, msg } => self.message(now, conn, msg),
            Input::Disconnected { conn } => self.disconnected(now, conn),
            Input::Present {
                conn,
                deck,
                pages,
                page,
            } => self.present(now, conn, deck, pages, page),
            Input::Numbered { conn, seq, input } => {
                let Some(peer) = self.conns.get(&conn).and_then(|id| self.peers.get_mut(id)) else {
                    return;
                };
                // Numbers go 1, 2, 3… per peer, across its sockets. An `Ack`
                // says "done": the next number is done and acknowledged; one
                // done before is acknowledged again (its first `Ack` may have
                // died with a socket), not done twice; anything else is
                // refused and not acknowledged.
                let next = peer.acked + 1;
                if seq == next {
                    peer.acked = seq;
                    let peer = peer.info.id;
                    self.outputs.push_back(Output::Cause { peer, seq });
                    self.dispatch(now, *input);
                } else if seq == 0 || seq > next {
                    return self.error(conn, ErrorCode::OutOfSequence { expected: next });
                }
                self.send(conn, ServerMsg::Ack { seq });
            }
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        let out = self.outputs.pop_front();
        if out.is_none() && self.outputs.capacity() > OUTPUTS_KEPT {
            // A join in a full room queues a message for everyone in it;
            // the queue is empty again at once, and its slots, each as
            // large as a message, need not stay with an idle room.
            self.outputs.shrink_to(OUTPUTS_KEPT);
        }
        out
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
        grace
            .chain(empty)
            .chain(self.media_record_due())
            .chain(self.ice_refresh_due())
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.ice_tick(now);
        let expired: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| matches!(p.link, Link::Detached { deadline, .. } if deadline <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.remove(now, id, LeaveReason::Lost);
        }
        self.record_due_media(now);
        if let (Some(since), false) = (self.empty_since, self.empty_reported) {
            if since + EMPTY_LINGER <= now {
                self.empty_reported = true;
                self.outputs.push_back(Output::Empty);
            }
        }
    }

    fn message(&mut self, now: Instant, conn: ConnId, msg: ClientMsg) {
        let Some(&from) = self.conns.get(&conn) else {
            // Not (or no longer) joined here: a late message from a replaced socket.
            return;
        };
        if self.waiting(from) {
            return self.message_from_lobby(now, conn, from, msg);
        }
        if self.consulting(from).is_some() && !consulting::allowed(&msg) {
            return self.error(conn, ErrorCode::InConsultation);
        }
        if writes::writes_record(&msg) && !self.spend(now, from) {
            return self.error(conn, ErrorCode::SlowDown);
        }
        match msg {
            ClientMsg::Join(_) => self.error(conn, ErrorCode::AlreadyJoined),
            ClientMsg::Signal { to, signal } => self.relay(conn, from, to, signal),
            ClientMsg::Media { media } => self.set_media(now, from, media),
            ClientMsg::Ping { nonce, .. } => self.send(conn, ServerMsg::Pong { nonce }),
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
            ClientMsg::Admit { peer } => self.admit(conn, from, peer),
            ClientMsg::AdmitAll => self.admit_all(conn, from),
            ClientMsg::Deny { peer } => self.deny(now, conn, from, peer),
            ClientMsg::Excuse { peer } => self.excuse(conn, from, peer),
            ClientMsg::SetLobby { on } => self.set_lobby(conn, from, on),
            ClientMsg::Hold { peer, hold } => self.hold(conn, from, peer, hold),
            ClientMsg::MuteAll => self.mute_all(conn, from),
            ClientMsg::RaiseHand { up } => self.raise_hand(from, up),
            ClientMsg::LowerHand { peer } => self.lower_hand(conn, from, peer),
            ClientMsg::Chat { text } => self.chat(conn, from, text),
            ClientMsg::AskOath { peer } => self.ask_oath(conn, from, peer),
            ClientMsg::TakeOath { form, lang } => self.take_oath(conn, from, form, lang),
            ClientMsg::SetRole { peer, role } => self.set_role(now, conn, from, peer, role),
            ClientMsg::Consult { with } => self.consult(conn, from, with),
            ClientMsg::AnswerConsult {
                consultation,
                accept,
            } => self.answer_consult(conn, from, consultation, accept),
            ClientMsg::ReturnToRoom => self.return_to_room(conn, from, None),
            ClientMsg::EndConsultation { consultation } => {
                self.end_consultation(conn, from, consultation)
            }
            // The shell opens one envelope; a second one inside is not a message.
            ClientMsg::Reliable { .. } => self.error(conn, ErrorCode::Malformed),
        }
    }

    fn relay(&mut self, conn: ConnId, from: PeerId, to: PeerId, signal: Signal) {
        let place = self.peers.get(&from).map(|p| p.place);
        match self.peers.get_mut(&to) {
            Some(peer) if to != from && Some(peer.place) == place => match &mut peer.link {
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
            LeaveReason::Left
            | LeaveReason::Removed
            | LeaveReason::Excused
            | LeaveReason::Consulting
            | LeaveReason::Returned => Event::Left { peer: id, name },
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
        self.drop_consult_invites(id);
        match peer.place {
            Place::Lobby { .. } => {
                self.tell_moderators(ServerMsg::KnockEnded { peer: id });
                return self.mark_if_empty(now);
            }
            Place::Consultation(_) => {
                for other in self.attached_in(peer.place, id) {
                    self.send(other, ServerMsg::PeerLeft { peer: id, reason });
                }
                self.tell_consultations();
                return self.mark_if_empty(now);
            }
            Place::Room => {}
        }
        self.drop_hand(id);
        for other in self.attached_in(Place::Room, id) {
            self.send(other, ServerMsg::PeerLeft { peer: id, reason });
        }
        self.presenter_gone(id, peer.info.name);
        self.mark_if_empty(now);
    }

    fn mark_if_empty(&mut self, now: Instant) {
        if self.peers.is_empty() && self.empty_since.is_none() {
            self.empty_since = Some(now);
            self.empty_reported = false;
        }
    }

    /// Every peer in the room with a live socket, and that socket.
    fn attached(&self) -> impl Iterator<Item = (PeerId, ConnId)> + '_ {
        self.attached_anywhere()
            .filter(|(id, _)| self.peers[id].place == Place::Room)
    }

    /// Every peer with a live socket, in the room or waiting.
    fn attached_anywhere(&self) -> impl Iterator<Item = (PeerId, ConnId)> + '_ {
        self.peers
            .values()
            .filter_map(|p| p.link.conn().map(|c| (p.info.id, c)))
    }

    /// `id`, if it is in the room (not waiting, not out consulting).
    fn in_room_mut(&mut self, id: PeerId) -> Option<&mut Peer> {
        self.peers.get_mut(&id).filter(|p| p.place == Place::Room)
    }

    /// The peers in the room (not waiting), attached or not.
    fn in_room(&self) -> impl Iterator<Item = &Peer> + '_ {
        self.peers.values().filter(|p| p.place == Place::Room)
    }

    /// The live sockets of the others where `id` is (the room, for a peer
    /// not listed yet): in the room, or in its private consultation.
    fn attached_except(&self, id: PeerId) -> Vec<ConnId> {
        let place = self.peers.get(&id).map_or(Place::Room, |p| p.place);
        self.attached_in(place, id)
    }

    /// The live sockets of everyone in `place` but `except`; nobody for the
    /// lobby, where nobody hears of anybody.
    fn attached_in(&self, place: Place, except: PeerId) -> Vec<ConnId> {
        if matches!(place, Place::Lobby { .. }) {
            return Vec::new();
        }
        self.peers
            .values()
            .filter(|p| p.place == place && p.info.id != except)
            .filter_map(|p| p.link.conn())
            .collect()
    }

    /// `msg` to everyone in the room (not the lobby).
    fn tell_room(&mut self, msg: ServerMsg) {
        for conn in self.attached().map(|(_, c)| c).collect::<Vec<_>>() {
            self.send(conn, msg.clone());
        }
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
