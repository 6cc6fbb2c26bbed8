//! A simulated world for the pair test: the real room machine, one real
//! client [`Session`] per participant, and sockets between them that the
//! test can cut silently, deafen one way or freeze, on virtual time.
//!
//! The shell here does what the server's actor and WebSocket layer do
//! (numbered messages as `Input::Numbered`, a socket silent for the
//! heartbeat timeout dropped) and what the browser's engine does with a
//! session's outputs (open, transmit, close), delivering every message at
//! once: only what the test does to a socket delays or loses anything.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sala_protocol::{
    ClientMsg, ErrorCode, HostKey, MediaState, MeetingId, MeetingInfo, MeetingKind, MeetingTitle,
    ResumeToken, ServerMsg, HEARTBEAT_TIMEOUT_SECS,
};
use sala_server::room::{ConnId, IceAt, Input, Join, Output as RoomOutput, Room};
use sala_server::turn::IceSettings;
use sala_session::{Output, Session, SocketId};

pub use crate::link::Fault;
use crate::link::{Ends, Socket};

/// One participant: its session and what its engine got from it.
pub struct Client {
    pub name: &'static str,
    pub session: Session,
    pub outputs: Vec<Output>,
    /// Frozen page: nothing is handled until this time.
    frozen_until: Option<Duration>,
    /// Server messages waiting for a frozen page, with the socket they came on.
    queued: VecDeque<(SocketId, ServerMsg)>,
    /// Its next socket opens with this fault.
    next_fault: Fault,
    /// Freezes for this long right after its next ping, its pong unheard.
    freeze_after_ping: Option<Duration>,
}

pub struct World {
    t0: Instant,
    pub now: Duration,
    pub room: Room,
    pub clients: Vec<Client>,
    sockets: BTreeMap<ConnId, Socket>,
    next_conn: u64,
    pub records: Vec<sala_record::Event>,
}

const SERVER_SILENCE: Duration = Duration::from_secs(HEARTBEAT_TIMEOUT_SECS);

impl World {
    pub fn new() -> Self {
        let t0 = Instant::now();
        let meeting = MeetingInfo {
            id: MeetingId::from_random([3; 16]),
            title: MeetingTitle::parse("Pair").unwrap(),
            kind: MeetingKind::Meeting,
        };
        let ice = IceAt {
            settings: Arc::new(IceSettings::default()),
            unix: 1_700_000_000,
        };
        Self {
            t0,
            now: Duration::ZERO,
            room: Room::new(t0, meeting, HostKey::from_random([4; 16]), ice),
            clients: Vec::new(),
            sockets: BTreeMap::new(),
            next_conn: 1,
            records: Vec::new(),
        }
    }

    /// A participant presses Join; its index.
    pub fn join(&mut self, name: &'static str) -> usize {
        self.join_with(name, Fault::None)
    }

    /// A participant presses Join on a link with `fault` from the start.
    pub fn join_with(&mut self, name: &'static str, fault: Fault) -> usize {
        let mut session = Session::new(self.clients.len() as u64 + 7);
        session.connect(self.now);
        self.clients.push(Client {
            name,
            session,
            outputs: Vec::new(),
            frozen_until: None,
            queued: VecDeque::new(),
            next_fault: fault,
            freeze_after_ping: None,
        });
        self.settle();
        self.clients.len() - 1
    }

    /// The client's current socket (the last one opened).
    fn socket_of(&self, client: usize) -> Option<ConnId> {
        self.sockets
            .iter()
            .filter(|(_, s)| s.client == client && s.ends == Ends::Open)
            .map(|(c, _)| *c)
            .next_back()
    }

    /// Breaks the client's current socket.
    pub fn fault(&mut self, client: usize, fault: Fault) {
        let conn = self.socket_of(client).expect("a socket");
        self.sockets.get_mut(&conn).unwrap().fault = fault;
    }

    /// The client's page is frozen (a starved or throttled tab): it handles
    /// nothing, timers included, for this long; what the server sends waits.
    pub fn freeze(&mut self, client: usize, for_: Duration) {
        self.clients[client].frozen_until = Some(self.now + for_);
    }

    /// Freezes the client's page as its next ping leaves: the pong waits
    /// behind the frozen timers, the server heard the ping.
    pub fn freeze_after_next_ping(&mut self, client: usize, for_: Duration) {
        self.clients[client].freeze_after_ping = Some(for_);
    }

    pub fn send(&mut self, client: usize, msg: ClientMsg) {
        self.clients[client].session.send(msg);
        self.settle();
    }

    /// Runs virtual time to `now + by`, every deadline on time.
    pub fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        for _ in 0..100_000 {
            self.settle();
            let next = [self.next_deadline(), Some(end)]
                .into_iter()
                .flatten()
                .min()
                .unwrap();
            if next > end || (next == self.now && next == end) {
                break;
            }
            self.now = next.max(self.now);
            self.tick();
            if self.now >= end {
                self.settle();
                break;
            }
        }
    }

    fn next_deadline(&self) -> Option<Duration> {
        let room = self.room.poll_timeout().map(|t| t - self.t0);
        let clients = self.clients.iter().filter_map(|c| match c.frozen_until {
            Some(until) => Some(until),
            None => c.session.poll_timeout(),
        });
        let silences = self
            .sockets
            .values()
            .filter(|s| matches!(s.ends, Ends::Open | Ends::Abandoned))
            .map(|s| s.last_heard + SERVER_SILENCE + Duration::from_millis(1));
        room.into_iter().chain(clients).chain(silences).min()
    }

    fn tick(&mut self) {
        let now = self.now;
        self.room.handle_timeout(self.t0 + now);
        // The server drops sockets silent too long.
        let silent: Vec<ConnId> = self
            .sockets
            .iter()
            .filter(|(_, s)| {
                matches!(s.ends, Ends::Open | Ends::Abandoned)
                    && now > s.last_heard + SERVER_SILENCE
            })
            .map(|(c, _)| *c)
            .collect();
        for conn in silent {
            self.server_closed(conn, None);
        }
        for c in 0..self.clients.len() {
            let client = &mut self.clients[c];
            if client.frozen_until.is_some_and(|t| t <= now) {
                // The timer first, then what the socket brought meanwhile:
                // the order that makes a frozen page look like a silent server.
                client.frozen_until = None;
                client.session.handle_timeout(now);
                while let Some((socket, msg)) = client.queued.pop_front() {
                    client.session.handle_message(now, socket, msg);
                }
                self.tell_closed(c);
            } else if client.frozen_until.is_none()
                && client.session.poll_timeout().is_some_and(|t| t <= now)
            {
                client.session.handle_timeout(now);
            }
        }
    }

    /// Carries every output, both ways, until nothing moves.
    fn settle(&mut self) {
        for _ in 0..10_000 {
            let mut moved = false;
            while let Some(out) = self.room.poll_output() {
                moved = true;
                self.room_output(out);
            }
            for c in 0..self.clients.len() {
                if self.clients[c].frozen_until.is_some() {
                    continue;
                }
                while let Some(out) = self.clients[c].session.poll_output() {
                    moved = true;
                    self.client_output(c, out);
                }
            }
            if !moved {
                return;
            }
        }
        panic!("the world never settles");
    }

    fn client_output(&mut self, c: usize, out: Output) {
        match &out {
            Output::Open { socket, resume } => self.open(c, *socket, resume.clone()),
            Output::Transmit { socket, msg } => {
                let ping = matches!(msg, ClientMsg::Ping { .. });
                if let Some(for_) = self.clients[c].freeze_after_ping.take_if(|_| ping) {
                    self.clients[c].frozen_until = Some(self.now + for_);
                }
                self.carry_up(c, *socket, msg.clone());
            }
            Output::Close { socket } => {
                let conn = self.conn_of(c, *socket);
                if let Some(s) = conn.and_then(|conn| self.sockets.get_mut(&conn)) {
                    if s.ends == Ends::Open {
                        if s.fault == Fault::Dead {
                            s.ends = Ends::Abandoned;
                        } else {
                            s.ends = Ends::ClosedByClient;
                            let conn = conn.unwrap();
                            self.room
                                .handle(self.t0 + self.now, Input::Disconnected { conn });
                        }
                    }
                }
            }
            _ => {}
        }
        self.clients[c].outputs.push(out);
    }

    fn conn_of(&self, c: usize, socket: SocketId) -> Option<ConnId> {
        self.sockets
            .iter()
            .find(|(_, s)| s.client == c && s.id == socket)
            .map(|(conn, _)| *conn)
    }

    fn open(&mut self, c: usize, id: SocketId, resume: Option<ResumeToken>) {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        let fault = std::mem::replace(&mut self.clients[c].next_fault, Fault::None);
        self.sockets.insert(
            conn,
            Socket {
                client: c,
                id,
                fault,
                ends: Ends::Open,
                last_heard: self.now,
            },
        );
        let join = Join {
            conn,
            name: sala_protocol::DisplayName::parse(self.clients[c].name).unwrap(),
            media: MediaState::default(),
            host_key: None,
            resume,
            invited: None,
            holder: None,
            new_token: ResumeToken::from_random([self.next_conn as u8; 16]),
        };
        self.room.handle(self.t0 + self.now, Input::Join(join));
    }

    fn carry_up(&mut self, c: usize, socket: SocketId, msg: ClientMsg) {
        let Some(conn) = self.conn_of(c, socket) else {
            return;
        };
        let s = self.sockets.get_mut(&conn).unwrap();
        if s.fault == Fault::Dead || s.ends != Ends::Open {
            return;
        }
        s.last_heard = self.now;
        let input = match msg {
            ClientMsg::Reliable { seq, msg } => Input::Numbered {
                conn,
                seq,
                input: Box::new(Input::Message { conn, msg: *msg }),
            },
            msg => Input::Message { conn, msg },
        };
        self.room.handle(self.t0 + self.now, input);
    }

    fn room_output(&mut self, out: RoomOutput) {
        match out {
            RoomOutput::Send { conn, msg } => self.carry_down(conn, msg),
            RoomOutput::Close { conn, error } => {
                if let Some(error) = error {
                    self.carry_down(conn, ServerMsg::Error { error });
                }
                self.server_closed(conn, error.and_then(ErrorCode::close_code));
            }
            RoomOutput::Record(event) => self.records.push(event),
            RoomOutput::Cause { .. } | RoomOutput::Bar(_) | RoomOutput::Empty => {}
        }
    }

    fn carry_down(&mut self, conn: ConnId, msg: ServerMsg) {
        let Some(s) = self.sockets.get(&conn).filter(|s| s.carries_down()) else {
            return;
        };
        let (c, socket) = (s.client, s.id);
        let client = &mut self.clients[c];
        if client.frozen_until.is_some() {
            client.queued.push_back((socket, msg));
        } else {
            client.session.handle_message(self.now, socket, msg);
        }
    }

    /// The server's end of `conn` closed (it dropped the socket, or closed
    /// it with a code); the client hears of it if its link still carries.
    fn server_closed(&mut self, conn: ConnId, code: Option<u16>) {
        let Some(s) = self.sockets.get_mut(&conn) else {
            return;
        };
        let heard = s.carries_down();
        match s.ends {
            Ends::Open => {}
            Ends::Abandoned => s.ends = Ends::ClosedByClient,
            _ => return,
        }
        if s.ends == Ends::Open {
            s.ends = Ends::ClosedByServer { code, told: !heard };
        }
        let c = s.client;
        self.room
            .handle(self.t0 + self.now, Input::Disconnected { conn });
        self.tell_closed(c);
    }

    /// Tells a client (unless frozen) of its sockets the server closed over
    /// a link that still carried.
    fn tell_closed(&mut self, c: usize) {
        if self.clients[c].frozen_until.is_some() {
            return;
        }
        let mut closed = Vec::new();
        for s in self.sockets.values_mut().filter(|s| s.client == c) {
            if let Ends::ClosedByServer { code, told: false } = s.ends {
                s.ends = Ends::ClosedByServer { code, told: true };
                closed.push((s.id, code));
            }
        }
        for (socket, code) in closed {
            self.clients[c]
                .session
                .handle_closed(self.now, socket, code);
        }
    }
}
