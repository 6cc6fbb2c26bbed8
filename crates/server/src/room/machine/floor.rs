//! Who may be heard and seen, and who asks for the floor (issue #4): the
//! host's holds on a participant's microphone and camera, muting everyone,
//! and raised hands in the order they went up.

use sala_protocol::{
    policy, ChatMessage, ChatText, ErrorCode, Hold, Language, OathForm, PeerId, ServerMsg,
    CHAT_HISTORY,
};
use sala_record::Event;

use super::{ConnId, Place, Room};

impl Room {
    /// `by` sets what it holds of `target`: the room (target too) hears of
    /// it, and the target's announced media follows.
    pub(super) fn hold(&mut self, conn: ConnId, by: PeerId, target: PeerId, hold: Hold) {
        if let Err(error) = self.judge(by, target, policy::may_hold) {
            return self.error(conn, error);
        }
        let Some(peer) = self.peers.get(&target).filter(|p| p.place == Place::Room) else {
            return self.error(conn, ErrorCode::UnknownPeer);
        };
        if peer.info.hold == hold {
            return;
        }
        self.record(Event::Held {
            peer: target,
            name: peer.info.name.clone(),
            mic: hold.mic,
            camera: hold.camera,
            by,
        });
        self.set_hold(target, hold);
    }

    /// `by` mutes everyone but the host and co-hosts (their cameras stay
    /// as they are held).
    pub(super) fn mute_all(&mut self, conn: ConnId, by: PeerId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let targets: Vec<(PeerId, Hold)> = self
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
        self.record(Event::MutedAll { by });
        for (target, hold) in targets {
            self.set_hold(target, hold);
        }
    }

    pub(super) fn set_hold(&mut self, target: PeerId, hold: Hold) {
        let Some(peer) = self.peers.get_mut(&target) else {
            return;
        };
        peer.info.hold = hold;
        peer.info.media = peer.info.media.clone().held(hold);
        self.tell_room(ServerMsg::PeerHold { peer: target, hold });
    }

    /// `from` raises or lowers its own hand.
    pub(super) fn raise_hand(&mut self, from: PeerId, up: bool) {
        let raised = self.hands.contains(&from);
        let Some(name) = self.peers.get(&from).map(|p| p.info.name.clone()) else {
            return;
        };
        match (up, raised) {
            (true, false) => {
                self.record(Event::HandRaised { peer: from, name });
                self.hands.push(from);
            }
            (false, true) => {
                self.record(Event::HandLowered {
                    peer: from,
                    name,
                    by: None,
                });
                self.hands.retain(|p| *p != from);
            }
            _ => return,
        }
        self.send_hands();
    }

    /// `by` lowers `target`'s hand (giving it the floor).
    pub(super) fn lower_hand(&mut self, conn: ConnId, by: PeerId, target: PeerId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        if !self.hands.contains(&target) {
            return;
        }
        let Some(name) = self.peers.get(&target).map(|p| p.info.name.clone()) else {
            return;
        };
        self.record(Event::HandLowered {
            peer: target,
            name,
            by: Some(by),
        });
        self.hands.retain(|p| *p != target);
        self.send_hands();
    }

    /// `peer` left the room: its hand goes down without a record of its own
    /// (its leaving is recorded).
    pub(super) fn drop_hand(&mut self, peer: PeerId) {
        if self.hands.contains(&peer) {
            self.hands.retain(|p| *p != peer);
            self.send_hands();
        }
    }

    /// `from` says `text` to the room: recorded first, then everyone (the
    /// sender too) gets it. The public gallery may not chat.
    pub(super) fn chat(&mut self, conn: ConnId, from: PeerId, text: ChatText) {
        let Some(peer) = self.peers.get(&from) else {
            return;
        };
        if !policy::may_chat(peer.info.role) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let message = ChatMessage {
            from,
            name: peer.info.name.clone(),
            text,
        };
        self.record(Event::Chat {
            peer: from,
            name: message.name.clone(),
            text: message.text.clone(),
        });
        if self.chat.len() >= CHAT_HISTORY {
            self.chat.pop_front();
        }
        self.chat.push_back(message.clone());
        self.tell_room(ServerMsg::Chat { message });
    }

    /// `by` asks `target`, a witness or an interpreter in the room, to take
    /// the oath or affirm: the room sees it asked, the target shows the text.
    pub(super) fn ask_oath(&mut self, conn: ConnId, by: PeerId, target: PeerId) {
        if !self.moderates(by) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        let Some(peer) = self.in_room_mut(target) else {
            return self.error(conn, ErrorCode::UnknownPeer);
        };
        if !policy::may_be_sworn(peer.info.role) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        peer.oath_asked = true;
        let name = peer.info.name.clone();
        self.record(Event::OathAsked {
            peer: target,
            name,
            by,
        });
        self.tell_room(ServerMsg::OathAsked { peer: target });
    }

    /// `from` takes the oath it was asked for, in `form`, having been shown
    /// the text in `lang`: the record keeps that very text.
    pub(super) fn take_oath(&mut self, conn: ConnId, from: PeerId, form: OathForm, lang: Language) {
        let Some(peer) = self.peers.get_mut(&from).filter(|p| p.oath_asked) else {
            return self.error(conn, ErrorCode::NotAllowed);
        };
        peer.oath_asked = false;
        peer.info.oath = Some(form);
        let name = peer.info.name.clone();
        self.record(Event::OathTaken {
            peer: from,
            name,
            form,
            lang,
            text: form.text(lang).to_owned(),
        });
        self.tell_room(ServerMsg::OathTaken { peer: from, form });
    }

    fn send_hands(&mut self) {
        self.tell_room(ServerMsg::Hands {
            queue: self.hands.clone(),
        });
    }
}
