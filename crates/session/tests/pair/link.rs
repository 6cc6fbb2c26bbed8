//! A simulated socket: its two ends, and what the test did to it.

use std::time::Duration;

use sala_session::SocketId;

/// What can happen to a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Carries both ways.
    None,
    /// Nothing arrives either way, and neither end is told.
    Dead,
    /// The server's messages are lost; the client's still arrive.
    Deaf,
}

/// Where a socket's ends stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ends {
    Open,
    /// The server closed it (with this close code); `told`: the client heard.
    ClosedByServer {
        code: Option<u16>,
        told: bool,
    },
    /// The client gave it up and the server knows.
    ClosedByClient,
    /// The client gave it up over a dead link: the server finds out by its silence.
    Abandoned,
}

pub struct Socket {
    pub client: usize,
    pub id: SocketId,
    pub fault: Fault,
    pub ends: Ends,
    /// When the server last heard from it (it drops a socket silent longer
    /// than the heartbeat timeout, as its WebSocket layer does).
    pub last_heard: Duration,
}

impl Socket {
    /// The client hears what the server sends on it.
    pub fn carries_down(&self) -> bool {
        self.ends == Ends::Open && self.fault == Fault::None
    }
}
