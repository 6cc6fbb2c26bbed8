//! Where the server puts us: welcomed into the room or a private
//! consultation, or waiting in the lobby. Either answer may come on a fresh
//! session, on a resumed one, or as a move between the two.

use super::{Engine, Place};
use crate::state::Action;
use sala_protocol::{policy, ClientMsg, PeerId, Waiting, Welcome};

impl Engine {
    /// Into the room or a consultation. The state gets the welcome whole,
    /// less what the engine keeps: the ICE servers (with their TURN
    /// credentials) and the presentation, which comes with its own action.
    pub(super) async fn welcome(&mut self, mut welcome: Welcome) {
        self.attempt = 0;
        self.resume = Some(welcome.resume.clone());
        self.take_ice(*std::mem::take(&mut welcome.ice)).await;
        let presentation = welcome.presentation.take();
        let you = &welcome.you;
        self.take_up(you.id, welcome.acked);
        if policy::watches_only(you.role) {
            self.watch_only().await;
        }
        self.hold_self(welcome.you.hold).await;
        // Let in from the lobby, or moved between the room and a
        // private consultation, we are a newcomer there even on a
        // resumed socket.
        let place = welcome
            .consultation
            .map_or(Place::Room, Place::Consultation);
        let was_inside = self.place == place;
        self.place = place;
        let peers = &welcome.peers;
        if welcome.resumed && was_inside {
            self.peers.retain(|id, _| peers.iter().any(|p| p.id == *id));
            // What was relayed over the old socket may be lost: an offer
            // without its answer, candidates.
            let ids: Vec<PeerId> = self.peers.keys().copied().collect();
            for id in ids {
                self.recover_peer(id);
            }
        } else {
            // A fresh session: we are the newcomer and offer to everyone.
            self.peers.clear();
            for info in peers {
                self.open_peer(info, true);
            }
        }
        for info in peers {
            self.note_media(info);
        }
        self.emit(Action::Welcome(welcome));
        // A resumed session may come back to a smaller or larger mesh.
        self.apply_limits().await;
        self.start_ladder();
        self.presentation(presentation);
        self.emit(Action::DataSaver(self.ladder.saver()));
        self.emit(Action::Quality {
            send: self.ladder.send_tier(),
            receive: self.ladder.receive_tier(),
        });
    }

    /// The server has us in the lobby: at first, after being sent back out
    /// of the room, or on a socket that came back. Nothing of the room may
    /// stay: every media connection is closed (the others have closed
    /// theirs), and our screen share stops.
    pub(super) async fn wait(&mut self, waiting: Waiting) {
        self.attempt = 0;
        self.resume = Some(waiting.resume);
        // Nothing of the room may be sent from the lobby: of what waits,
        // only what we would show (our media) and leaving still go.
        self.numbering
            .retain(|m| matches!(m, ClientMsg::Media { .. } | ClientMsg::Leave));
        self.take_up(waiting.you.id, waiting.acked);
        if policy::watches_only(waiting.you.role) {
            self.watch_only().await;
        }
        let excused = match self.place {
            Place::Room | Place::Consultation(_) => true,
            Place::Lobby { excused } => excused && waiting.resumed,
            Place::Outside => false,
        };
        self.place = Place::Lobby { excused };
        let ids: Vec<PeerId> = self.peers.keys().copied().collect();
        for id in ids {
            self.ladder.forget(id);
        }
        self.peers.clear();
        self.stop_ladder();
        if self.local.screen().is_some() {
            self.set_screen(false).await;
        }
        self.presentation(None);
        // Measure the round trip now rather than at the next heartbeat.
        self.ping();
        self.emit(Action::Waiting {
            me: waiting.you,
            meeting: waiting.meeting,
            excused,
        });
    }
}
