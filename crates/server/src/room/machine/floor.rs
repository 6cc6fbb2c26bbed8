//! Who may be heard and seen, and who asks for the floor (issue #4): the
//! host's holds on a participant's microphone and camera, muting everyone,
//! raised hands in the order they went up, the room's chat, and the oath.
//!
//! [`Floor`] owns the hands and the chat; holds and the oath are the
//! peers' own (in the [`Roster`]), changed here.

use std::collections::VecDeque;

use sala_protocol::{
    policy, ChatMessage, ChatText, ErrorCode, Hold, Language, OathForm, PeerId, ServerMsg,
    CHAT_HISTORY,
};
use sala_record::Event;

use super::outputs::Outputs;
use super::roster::{Place, Roster};
use super::ConnId;

/// The room's raised hands and the latest of its chat.
#[derive(Debug, Default)]
pub(super) struct Floor {
    /// Raised hands, first raised first.
    hands: Vec<PeerId>,
    /// The latest chat messages, for newcomers.
    chat: VecDeque<ChatMessage>,
}

impl Floor {
    /// Raised hands, first raised first.
    pub(super) fn hands(&self) -> &[PeerId] {
        &self.hands
    }

    /// The last [`CHAT_HISTORY`] chat messages, oldest first.
    pub(super) fn history(&self) -> impl Iterator<Item = &ChatMessage> + '_ {
        self.chat.iter()
    }

    /// `from` raises or lowers its own hand.
    pub(super) fn raise_hand(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        from: PeerId,
        up: bool,
    ) {
        let raised = self.hands.contains(&from);
        let Some(name) = roster.peers.get(&from).map(|p| p.info.name.clone()) else {
            return;
        };
        match (up, raised) {
            (true, false) => {
                out.record(Event::HandRaised { peer: from, name });
                self.hands.push(from);
            }
            (false, true) => {
                out.record(Event::HandLowered {
                    peer: from,
                    name,
                    by: None,
                });
                self.hands.retain(|p| *p != from);
            }
            _ => return,
        }
        self.send_hands(roster, out);
    }

    /// `by` lowers `target`'s hand (giving it the floor).
    pub(super) fn lower_hand(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        conn: ConnId,
        by: PeerId,
        target: PeerId,
    ) {
        if !roster.moderates(by) {
            return out.error(conn, ErrorCode::NotAllowed);
        }
        if !self.hands.contains(&target) {
            return;
        }
        let Some(name) = roster.peers.get(&target).map(|p| p.info.name.clone()) else {
            return;
        };
        out.record(Event::HandLowered {
            peer: target,
            name,
            by: Some(by),
        });
        self.hands.retain(|p| *p != target);
        self.send_hands(roster, out);
    }

    /// `peer` left the room: its hand goes down without a record of its own
    /// (its leaving is recorded).
    pub(super) fn drop_hand(&mut self, roster: &Roster, out: &mut Outputs, peer: PeerId) {
        if self.hands.contains(&peer) {
            self.hands.retain(|p| *p != peer);
            self.send_hands(roster, out);
        }
    }

    /// `from` says `text` to the room: recorded first, then everyone (the
    /// sender too) gets it. The public gallery may not chat.
    pub(super) fn chat(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        conn: ConnId,
        from: PeerId,
        text: ChatText,
    ) {
        let Some(peer) = roster.peers.get(&from) else {
            return;
        };
        if !policy::may_chat(peer.info.role) {
            return out.error(conn, ErrorCode::NotAllowed);
        }
        let message = ChatMessage {
            from,
            name: peer.info.name.clone(),
            text,
        };
        out.record(Event::Chat {
            peer: from,
            name: message.name.clone(),
            text: message.text.clone(),
        });
        if self.chat.len() >= CHAT_HISTORY {
            self.chat.pop_front();
        }
        self.chat.push_back(message.clone());
        roster.tell_room(out, ServerMsg::Chat { message });
    }

    fn send_hands(&self, roster: &Roster, out: &mut Outputs) {
        let queue = self.hands.clone();
        roster.tell_room(out, ServerMsg::Hands { queue });
    }
}

/// `by` sets what it holds of `target`: the room (target too) hears of
/// it, and the target's announced media follows.
pub(super) fn hold(
    roster: &mut Roster,
    out: &mut Outputs,
    conn: ConnId,
    by: PeerId,
    target: PeerId,
    hold: Hold,
) {
    if let Err(error) = roster.judge(by, target, policy::may_hold) {
        return out.error(conn, error);
    }
    let Some(peer) = roster.peers.get(&target).filter(|p| p.place == Place::Room) else {
        return out.error(conn, ErrorCode::UnknownPeer);
    };
    if peer.info.hold == hold {
        return;
    }
    out.record(Event::Held {
        peer: target,
        name: peer.info.name.clone(),
        mic: hold.mic,
        camera: hold.camera,
        by,
    });
    set_hold(roster, out, target, hold);
}

/// `by` mutes everyone but the host and co-hosts (their cameras stay
/// as they are held).
pub(super) fn mute_all(roster: &mut Roster, out: &mut Outputs, conn: ConnId, by: PeerId) {
    if !roster.moderates(by) {
        return out.error(conn, ErrorCode::NotAllowed);
    }
    let targets: Vec<(PeerId, Hold)> = roster
        .in_room()
        .filter(|p| !p.info.role.moderates() && !p.info.hold.mic)
        .map(|p| {
            (
                p.info.id,
                Hold {
                    mic: true,
                    ..p.info.hold
                },
            )
        })
        .collect();
    out.record(Event::MutedAll { by });
    for (target, hold) in targets {
        set_hold(roster, out, target, hold);
    }
}

/// `target` is held as `hold` from now on: its announced media follows,
/// and the room hears of it.
pub(super) fn set_hold(roster: &mut Roster, out: &mut Outputs, target: PeerId, hold: Hold) {
    let Some(peer) = roster.peers.get_mut(&target) else {
        return;
    };
    peer.info.hold = hold;
    peer.info.media = peer.info.media.clone().held(hold);
    roster.tell_room(out, ServerMsg::PeerHold { peer: target, hold });
}

/// `by` asks `target`, a witness or an interpreter in the room, to take
/// the oath or affirm: the room sees it asked, the target shows the text.
pub(super) fn ask_oath(
    roster: &mut Roster,
    out: &mut Outputs,
    conn: ConnId,
    by: PeerId,
    target: PeerId,
) {
    if !roster.moderates(by) {
        return out.error(conn, ErrorCode::NotAllowed);
    }
    let Some(peer) = roster.in_room_mut(target) else {
        return out.error(conn, ErrorCode::UnknownPeer);
    };
    if !policy::may_be_sworn(peer.info.role) {
        return out.error(conn, ErrorCode::NotAllowed);
    }
    peer.oath_asked = true;
    let name = peer.info.name.clone();
    out.record(Event::OathAsked {
        peer: target,
        name,
        by,
    });
    roster.tell_room(out, ServerMsg::OathAsked { peer: target });
}

/// `from` takes the oath it was asked for, in `form`, having been shown
/// the text in `lang`: the record keeps that very text.
pub(super) fn take_oath(
    roster: &mut Roster,
    out: &mut Outputs,
    conn: ConnId,
    from: PeerId,
    form: OathForm,
    lang: Language,
) {
    let Some(peer) = roster.peers.get_mut(&from).filter(|p| p.oath_asked) else {
        return out.error(conn, ErrorCode::NotAllowed);
    };
    peer.oath_asked = false;
    peer.info.oath = Some(form);
    let name = peer.info.name.clone();
    out.record(Event::OathTaken {
        peer: from,
        name,
        form,
        lang,
        text: form.text(lang).to_owned(),
    });
    roster.tell_room(out, ServerMsg::OathTaken { peer: from, form });
}
