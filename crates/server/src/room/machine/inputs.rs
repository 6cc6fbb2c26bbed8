//! What happens to a room, as its shell hands it in ([`super::Room::handle`]).

use sala_protocol::{
    ClientMsg, DeckId, DisplayName, HostKey, InviteId, MediaState, ResumeToken, Role,
};

use super::{ConnId, Holder};

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
