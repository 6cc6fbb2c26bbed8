//! What the engine does where the session says the server put us:
//! welcomed into the room or a private consultation, or waiting in the
//! lobby. Either answer may come on a fresh session, on a resumed one, or
//! as a move between the two (`sala_session` decides which).

use super::Engine;
use crate::state::Action;
use sala_protocol::{policy, PeerId, Waiting, Welcome};

impl Engine {
    /// Into the room or a consultation. The state gets the welcome whole,
    /// less what the engine keeps: the ICE servers (with their TURN
    /// credentials) and the presentation, which comes with its own action.
    /// `rejoined`: a resumed session back where it was, whose connections
    /// may stand; otherwise we are the newcomer.
    pub(super) async fn welcome(&mut self, mut welcome: Welcome, rejoined: bool) {
        self.take_ice(*std::mem::take(&mut welcome.ice)).await;
        let presentation = welcome.presentation.take();
        if policy::watches_only(welcome.you.role) {
            self.watch_only().await;
        }
        self.hold_self(welcome.you.hold).await;
        let peers = &welcome.peers;
        if rejoined {
            self.peers.retain(|id, _| peers.iter().any(|p| p.id == *id));
            // Offers sent on the old socket may be lost; without an
            // answer a connection can never negotiate again. A connection
            // short of what else was lost (candidates) is replaced once
            // overdue (`attempt.rs`).
            let ids: Vec<PeerId> = self.peers.keys().copied().collect();
            for id in ids {
                self.resend_offer(id);
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
    pub(super) async fn wait(&mut self, waiting: Waiting, excused: bool) {
        if policy::watches_only(waiting.you.role) {
            self.watch_only().await;
        }
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
        self.emit(Action::Waiting {
            me: waiting.you,
            meeting: waiting.meeting,
            excused,
        });
    }
}
