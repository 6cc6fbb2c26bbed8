//! Our numbered messages, as the server counts them: 1, 2, 3… per peer,
//! across its sockets, with no gap (the server refuses every number past
//! one). Each is kept until the server acknowledges it, and goes again on
//! the next socket if it was not done.

use std::collections::VecDeque;

use sala_protocol::ClientMsg;

/// Most messages kept unacknowledged (while the socket is down, mostly);
/// beyond this the oldest are dropped (a fresh session renegotiates
/// everything anyway). Dropping one leaves a gap that the next socket's
/// renumbering closes.
const MAX_UNACKED: usize = 512;

/// A numbered message not yet acknowledged, in its envelope as sent: its
/// number is the envelope's.
#[derive(Debug)]
struct Pending(ClientMsg);

impl Pending {
    fn seq(&self) -> u64 {
        match &self.0 {
            ClientMsg::Reliable { seq, .. } => *seq,
            _ => unreachable!("only envelopes are kept"),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Numbering {
    /// The number of our last numbered message.
    seq: u64,
    /// Numbered messages the server has not acknowledged yet, oldest first.
    unacked: VecDeque<Pending>,
}

impl Numbering {
    /// Numbers `msg` and keeps it until acknowledged; the envelope to send.
    pub(crate) fn number(&mut self, msg: ClientMsg) -> &ClientMsg {
        self.seq += 1;
        if self.unacked.len() >= MAX_UNACKED {
            self.unacked.pop_front();
        }
        self.unacked.push_back(Pending(ClientMsg::Reliable {
            seq: self.seq,
            msg: Box::new(msg),
        }));
        &self.unacked.back().expect("just pushed").0
    }

    /// The server did everything up to `seq`.
    pub(crate) fn acked(&mut self, seq: u64) {
        while self.unacked.front().is_some_and(|p| p.seq() <= seq) {
            self.unacked.pop_front();
        }
    }

    /// A socket just opened was taken up: the server has done `acked` of
    /// this peer's messages (`same_peer`: the peer we were; else a new
    /// one, counted from nothing). What it has not done is numbered on
    /// from there, so that nothing we dropped unsent leaves a gap; the
    /// envelopes to send, in order.
    pub(crate) fn resume(
        &mut self,
        same_peer: bool,
        acked: u64,
    ) -> impl Iterator<Item = &ClientMsg> {
        if same_peer {
            self.acked(acked);
        }
        self.renumber_from(acked + 1);
        self.unacked.iter().map(|p| &p.0)
    }

    /// The server refused a number and expects `expected`: we left a gap
    /// (or it lost count across a restart). What is unacknowledged is
    /// numbered on from `expected` and goes again, unless that was done
    /// already for an earlier refusal of the same batch.
    pub(crate) fn out_of_sequence(
        &mut self,
        expected: u64,
    ) -> Option<impl Iterator<Item = &ClientMsg>> {
        if self.unacked.front().is_some_and(|p| p.seq() == expected) || self.unacked.is_empty() {
            return None;
        }
        self.renumber_from(expected);
        Some(self.unacked.iter().map(|p| &p.0))
    }

    /// Keeps only the unacknowledged messages `keep` says; the numbers of
    /// the others stay spent (they may be in flight, and the server counts
    /// them when they come).
    pub(crate) fn retain(&mut self, keep: impl Fn(&ClientMsg) -> bool) {
        self.unacked.retain(|p| match &p.0 {
            ClientMsg::Reliable { msg, .. } => keep(msg),
            _ => unreachable!("only envelopes are kept"),
        });
    }

    fn renumber_from(&mut self, first: u64) {
        self.seq = first - 1;
        for Pending(msg) in &mut self.unacked {
            self.seq += 1;
            if let ClientMsg::Reliable { seq, .. } = msg {
                *seq = self.seq;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> ClientMsg {
        ClientMsg::Chat {
            text: sala_protocol::ChatText::parse(text).unwrap(),
        }
    }

    /// (seq, chat text) of each envelope.
    fn seen<'a>(msgs: impl Iterator<Item = &'a ClientMsg>) -> Vec<(u64, String)> {
        msgs.map(|m| match m {
            ClientMsg::Reliable { seq, msg } => match &**msg {
                ClientMsg::Chat { text } => (*seq, text.as_str().to_string()),
                other => (*seq, format!("{other:?}")),
            },
            other => panic!("not numbered: {other:?}"),
        })
        .collect()
    }

    fn sent(n: &mut Numbering, texts: &[&str]) -> Vec<u64> {
        texts
            .iter()
            .map(|t| match n.number(chat(t)) {
                ClientMsg::Reliable { seq, .. } => *seq,
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn numbers_go_up_by_one_and_acks_release_them() {
        let mut n = Numbering::default();
        assert_eq!(sent(&mut n, &["a", "b", "c"]), [1, 2, 3]);
        n.acked(2);
        assert_eq!(seen(n.resume(true, 2)), [(3, "c".into())]);
    }

    /// The lobby drops what it does not take, unsent; the next socket
    /// numbers what is left on from the server's count, with no gap.
    #[test]
    fn a_fresh_socket_closes_the_gap_left_by_dropped_messages() {
        /// What, same peer, the server's count, what goes again.
        type Case<'a> = (&'a str, bool, u64, &'a [(u64, &'a str)]);
        let cases: &[Case] = &[
            // Same peer, nothing done: the kept one becomes number 1.
            ("same peer, none done", true, 0, &[(1, "keep")]),
            // Same peer, the first done before the socket died.
            ("same peer, one done", true, 1, &[(2, "keep")]),
            // A new peer (our session expired): all kept, counted anew.
            ("new peer", false, 0, &[(1, "keep")]),
        ];
        for (what, same_peer, acked, want) in cases {
            let mut n = Numbering::default();
            sent(&mut n, &["room", "keep", "room"]);
            n.retain(|m| matches!(m, ClientMsg::Chat { text } if text.as_str() == "keep"));
            let want: Vec<(u64, String)> = want.iter().map(|(s, t)| (*s, t.to_string())).collect();
            assert_eq!(seen(n.resume(*same_peer, *acked)), want, "{what}");
            assert_eq!(
                sent(&mut n, &["next"]),
                [want.last().unwrap().0 + 1],
                "{what}"
            );
        }
    }

    #[test]
    fn beyond_the_bound_the_oldest_go_and_the_next_socket_closes_the_gap() {
        let mut n = Numbering::default();
        let texts: Vec<String> = (0..MAX_UNACKED + 3).map(|i| i.to_string()).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        sent(&mut n, &refs);
        let resent = seen(n.resume(true, 0));
        assert_eq!(resent.len(), MAX_UNACKED);
        assert_eq!(resent[0], (1, "3".into()));
        assert_eq!(resent.last().unwrap().0, MAX_UNACKED as u64);
    }

    /// Refused past a gap: renumbered once from what the server expects;
    /// the refusals of the rest of the same batch change nothing.
    #[test]
    fn a_refusal_renumbers_once() {
        let mut n = Numbering::default();
        sent(&mut n, &["a", "b", "c", "d"]);
        n.acked(1);
        n.retain(|m| !matches!(m, ClientMsg::Chat { text } if text.as_str() == "b"));
        // The server got 3 ("c") and expects 2.
        let again = seen(n.out_of_sequence(2).expect("renumbered"));
        assert_eq!(again, [(2, "c".into()), (3, "d".into())]);
        // Its refusal of 4 ("d", sent before) also says 2: already done.
        assert!(n.out_of_sequence(2).is_none());
        n.acked(3);
        assert!(n.out_of_sequence(2).is_none(), "nothing left to send");
        assert_eq!(sent(&mut n, &["e"]), [4]);
    }
}
