//! What the room machine asks of its shell, and the queue it is kept in
//! until the shell polls it ([`super::Room::poll_output`]). Every part of
//! the machine pushes its effects here, in the order they must happen.

use std::collections::VecDeque;

use sala_protocol::{ErrorCode, PeerId, ServerMsg};
use sala_record::Event;

use super::{ConnId, Holder};

/// Slots the output queue keeps between bursts ([`Outputs::pop`]).
const OUTPUTS_KEPT: usize = 4;

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
    /// knows how far each peer's messages got ([`super::Restored::done`]).
    Cause { peer: PeerId, seq: u64 },
    /// Keep this browser out of the meeting for good (it was removed): the
    /// shell stores it before it carries out the outputs after it, and hands
    /// it back to a room started again ([`super::Room::bar`]).
    Bar(Holder),
    /// The room has had no peer for [`super::EMPTY_LINGER`]; the shell may drop it.
    Empty,
}

/// The outputs not yet polled, first pushed first out.
#[derive(Debug, Default)]
pub(super) struct Outputs(VecDeque<Output>);

impl Outputs {
    pub(super) fn push(&mut self, output: Output) {
        self.0.push_back(output);
    }

    pub(super) fn send(&mut self, conn: ConnId, msg: ServerMsg) {
        self.push(Output::Send { conn, msg });
    }

    pub(super) fn error(&mut self, conn: ConnId, error: ErrorCode) {
        self.send(conn, ServerMsg::Error { error });
    }

    pub(super) fn close(&mut self, conn: ConnId, error: Option<ErrorCode>) {
        self.push(Output::Close { conn, error });
    }

    pub(super) fn record(&mut self, event: Event) {
        self.push(Output::Record(event));
    }

    /// The next output, if any.
    pub(super) fn pop(&mut self) -> Option<Output> {
        let out = self.0.pop_front();
        if out.is_none() && self.0.capacity() > OUTPUTS_KEPT {
            // A join in a full room queues a message for everyone in it;
            // the queue is empty again at once, and its slots, each as
            // large as a message, need not stay with an idle room.
            self.0.shrink_to(OUTPUTS_KEPT);
        }
        out
    }
}
