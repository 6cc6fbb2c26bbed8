//! Sans-IO state machine of one meeting room.
//!
//! No tokio, no sockets, no clock, no randomness: time (`now`) and fresh
//! resume tokens are arguments, effects come out of [`Room::poll_output`]
//! and the next deadline out of [`Room::poll_timeout`].

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use sala_protocol::{
    ClientMsg, ErrorCode, HostKey, LeaveReason, MeetingInfo, PeerId, ServerMsg, RESUME_GRACE_SECS,
};

use sala_record::Event;

use consulting::Consultations;
use floor::Floor;
use lobby::Lobby;
use outputs::Outputs;
use presenting::Presenting;
use roster::{Link, Place, Roster};

pub use controls::Holder;
pub use ice::IceAt;
pub use inputs::{Input, Invited, Join};
pub use outputs::Output;
pub use restart::{Restored, Session};
pub use writes::{MEDIA_BURST, MEDIA_PER_SEC, WRITES_BURST, WRITES_PER_SEC};

mod consulting;
mod controls;
mod floor;
mod ice;
mod inputs;
mod joining;
mod lobby;
mod outputs;
mod presenting;
mod restart;
mod roster;
mod writes;

/// How long a peer whose socket dropped keeps its place.
pub const RESUME_GRACE: Duration = Duration::from_secs(RESUME_GRACE_SECS);
/// How long a room stays without any peer before it reports [`Output::Empty`].
pub const EMPTY_LINGER: Duration = Duration::from_secs(60);
/// Most signals kept for one detached peer; the oldest are dropped beyond.
pub const SIGNAL_BUFFER: usize = 256;
/// Most people waiting in the lobby at once.
pub const LOBBY_CAPACITY: usize = 64;

/// One WebSocket connection, numbered by the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Whether a room has had anyone lately.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Empty {
    /// Someone is listed.
    No,
    /// Nobody has been listed since then; [`Output::Empty`] is due
    /// [`EMPTY_LINGER`] later.
    Since(Instant),
    /// Nobody is listed, and the shell has been told.
    Reported,
}

/// State of one meeting room.
#[derive(Debug)]
pub struct Room {
    meeting: MeetingInfo,
    host_key: HostKey,
    ice: ice::RoomIce,
    next_peer: u64,
    roster: Roster,
    out: Outputs,
    lobby: Lobby,
    floor: Floor,
    consultations: Consultations,
    presenting: Presenting,
    /// Whether the room has anyone, and since when it has not.
    empty: Empty,
    /// Closed to newcomers by the host or a co-host.
    locked: bool,
    /// Ended for everyone: nobody joins again.
    ended: bool,
    /// Browsers of people removed: they do not come back, by any link.
    barred: HashSet<Holder>,
    /// Those dropped when the room before this one stopped, by session:
    /// they may come back as themselves.
    dropped: HashMap<Session, restart::Dropped>,
}

impl Room {
    pub fn new(now: Instant, meeting: MeetingInfo, host_key: HostKey, ice: IceAt) -> Self {
        Self {
            lobby: Lobby::new(meeting.kind),
            meeting,
            host_key,
            ice: ice::RoomIce::new(now, ice),
            next_peer: 1,
            roster: Roster::default(),
            out: Outputs::default(),
            floor: Floor::default(),
            consultations: Consultations::default(),
            presenting: Presenting::default(),
            empty: Empty::Since(now),
            locked: false,
            ended: false,
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
        self.roster.peers.len()
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
                let Some(peer) = self
                    .roster
                    .conns
                    .get(&conn)
                    .and_then(|id| self.roster.peers.get_mut(id))
                else {
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
                    self.out.push(Output::Cause { peer, seq });
                    self.dispatch(now, *input);
                } else if seq == 0 || seq > next {
                    return self
                        .out
                        .error(conn, ErrorCode::OutOfSequence { expected: next });
                }
                self.out.send(conn, ServerMsg::Ack { seq });
            }
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let grace = self.roster.peers.values().filter_map(|p| match p.link {
            Link::Detached { deadline, .. } => Some(deadline),
            Link::Attached(_) => None,
        });
        let empty = match self.empty {
            Empty::Since(since) => Some(since + EMPTY_LINGER),
            Empty::No | Empty::Reported => None,
        };
        grace
            .chain(empty)
            .chain(writes::media_record_due(&self.roster))
            .chain(self.ice_refresh_due())
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.ice_tick(now);
        let expired: Vec<PeerId> = self
            .roster
            .peers
            .iter()
            .filter(|(_, p)| matches!(p.link, Link::Detached { deadline, .. } if deadline <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            self.remove(now, id, LeaveReason::Lost);
        }
        writes::record_due_media(&mut self.roster, &mut self.out, now);
        if let Empty::Since(since) = self.empty {
            if since + EMPTY_LINGER <= now {
                self.empty = Empty::Reported;
                self.out.push(Output::Empty);
            }
        }
    }

    fn message(&mut self, now: Instant, conn: ConnId, msg: ClientMsg) {
        let Some(&from) = self.roster.conns.get(&conn) else {
            // Not (or no longer) joined here: a late message from a replaced socket.
            return;
        };
        if self.roster.waiting(from) {
            return self.message_from_lobby(now, conn, from, msg);
        }
        if self.roster.consulting(from).is_some() && !consulting::allowed(&msg) {
            return self.out.error(conn, ErrorCode::InConsultation);
        }
        if writes::writes_record(&msg) && !writes::spend(&mut self.roster, now, from) {
            return self.out.error(conn, ErrorCode::SlowDown);
        }
        match msg {
            ClientMsg::Join(_) => self.out.error(conn, ErrorCode::AlreadyJoined),
            ClientMsg::Signal { to, signal } => {
                self.roster.relay(&mut self.out, conn, from, to, signal)
            }
            ClientMsg::Media { media } => {
                writes::set_media(&mut self.roster, &mut self.out, now, from, media)
            }
            ClientMsg::Ping { nonce, .. } => self.out.send(conn, ServerMsg::Pong { nonce }),
            ClientMsg::Leave => {
                self.out.close(conn, None);
                self.remove(now, from, LeaveReason::Left);
            }
            // The shell turns `Present` into `Input::Present` once it has found the deck.
            ClientMsg::Present { .. } => self.out.error(conn, ErrorCode::UnknownDeck),
            ClientMsg::TurnPage { page } => {
                self.presenting
                    .turn_page(&self.roster, &mut self.out, conn, from, page)
            }
            ClientMsg::StopPresenting => {
                self.presenting
                    .stop(&self.roster, &mut self.out, conn, from)
            }
            ClientMsg::ScreenStill { still } => {
                presenting::screen_still(&mut self.roster, &mut self.out, conn, from, still)
            }
            ClientMsg::Remove { peer } => self.remove_peer(now, conn, from, peer),
            ClientMsg::Lock { locked } => self.set_locked(conn, from, locked),
            ClientMsg::EndMeeting => self.end(now, conn, from),
            ClientMsg::Admit { peer } => self.admit(conn, from, peer),
            ClientMsg::AdmitAll => self.admit_all(conn, from),
            ClientMsg::Deny { peer } => self.deny(now, conn, from, peer),
            ClientMsg::Excuse { peer } => self.excuse(conn, from, peer),
            ClientMsg::SetLobby { on } => self.set_lobby(conn, from, on),
            ClientMsg::Hold { peer, hold } => {
                floor::hold(&mut self.roster, &mut self.out, conn, from, peer, hold)
            }
            ClientMsg::MuteAll => floor::mute_all(&mut self.roster, &mut self.out, conn, from),
            ClientMsg::RaiseHand { up } => {
                self.floor.raise_hand(&self.roster, &mut self.out, from, up)
            }
            ClientMsg::LowerHand { peer } => {
                self.floor
                    .lower_hand(&self.roster, &mut self.out, conn, from, peer)
            }
            ClientMsg::Chat { text } => {
                self.floor
                    .chat(&self.roster, &mut self.out, conn, from, text)
            }
            ClientMsg::AskOath { peer } => {
                floor::ask_oath(&mut self.roster, &mut self.out, conn, from, peer)
            }
            ClientMsg::TakeOath { form, lang } => {
                floor::take_oath(&mut self.roster, &mut self.out, conn, from, form, lang)
            }
            ClientMsg::SetRole { peer, role } => self.set_role(now, conn, from, peer, role),
            ClientMsg::Consult { with } => {
                self.consultations
                    .ask(&self.roster, &mut self.out, conn, from, with)
            }
            ClientMsg::AnswerConsult {
                consultation,
                accept,
            } => self.answer_consult(conn, from, consultation, accept),
            ClientMsg::ReturnToRoom => self.return_to_room(conn, from, None),
            ClientMsg::EndConsultation { consultation } => {
                self.end_consultation(conn, from, consultation)
            }
            // The shell opens one envelope; a second one inside is not a message.
            ClientMsg::Reliable { .. } => self.out.error(conn, ErrorCode::Malformed),
        }
    }

    fn disconnected(&mut self, now: Instant, conn: ConnId) {
        let Some(id) = self.roster.conns.remove(&conn) else {
            return;
        };
        if let Some(peer) = self.roster.peers.get_mut(&id) {
            peer.link = Link::Detached {
                deadline: now + RESUME_GRACE,
                buffer: VecDeque::new(),
            };
        }
    }

    /// `id` left or was lost: recorded, then dropped.
    fn remove(&mut self, now: Instant, id: PeerId, reason: LeaveReason) {
        let Some(peer) = self.roster.peers.get(&id) else {
            return;
        };
        let name = peer.info.name.clone();
        self.out.record(match reason {
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
        let Some(peer) = self.roster.peers.remove(&id) else {
            return;
        };
        if let Link::Attached(conn) = peer.link {
            self.roster.conns.remove(&conn);
        }
        self.consultations
            .drop_peer(&self.roster, &mut self.out, id);
        match peer.place {
            Place::Lobby { .. } => {
                self.roster
                    .tell_moderators(&mut self.out, ServerMsg::KnockEnded { peer: id });
                return self.mark_if_empty(now);
            }
            Place::Consultation(_) => {
                for other in self.roster.attached_in(peer.place, id) {
                    self.out
                        .send(other, ServerMsg::PeerLeft { peer: id, reason });
                }
                consulting::tell_consultations(&self.roster, &mut self.out);
                return self.mark_if_empty(now);
            }
            Place::Room => {}
        }
        self.floor.drop_hand(&self.roster, &mut self.out, id);
        for other in self.roster.attached_in(Place::Room, id) {
            self.out
                .send(other, ServerMsg::PeerLeft { peer: id, reason });
        }
        self.presenting
            .gone(&self.roster, &mut self.out, id, peer.info.name);
        self.mark_if_empty(now);
    }

    fn mark_if_empty(&mut self, now: Instant) {
        if self.roster.peers.is_empty() && self.empty == Empty::No {
            self.empty = Empty::Since(now);
        }
    }
}
