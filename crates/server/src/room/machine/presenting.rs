//! Slides in the room machine: one deck presented at a time, its page, and
//! the latest still of each screen share (issue #3).

use sala_protocol::{
    policy, DeckId, DisplayName, ErrorCode, PeerId, Presentation, ResumeToken, ServerMsg, SlidePage,
};

use std::time::Instant;

use sala_record::Event;

use super::{ConnId, Peer, Place, Room};

impl Peer {
    /// In the room (not waiting, not out consulting) and not the public
    /// gallery: it may present slides and show its screen's stills.
    fn may_present(&self) -> bool {
        self.place == Place::Room && policy::may_present(self.info.role)
    }
}

impl Room {
    /// The peer whose session `token` is, if it may present now: an
    /// upload (a deck, a still) is made as it (the token is its bearer).
    pub fn presenter_by_token(&self, token: &ResumeToken) -> Option<PeerId> {
        self.peers
            .values()
            .find(|p| p.token == *token || p.previous_token.as_ref() == Some(token))
            .filter(|p| p.may_present())
            .map(|p| p.info.id)
    }

    /// `conn` presents `deck` (found by the shell, `pages` long) from `page`,
    /// taking over from whoever presented before.
    pub(super) fn present(
        &mut self,
        now: Instant,
        conn: ConnId,
        deck: DeckId,
        pages: u32,
        page: u32,
    ) {
        let Some(&presenter) = self.conns.get(&conn) else {
            return;
        };
        if self.consulting(presenter).is_some() {
            return self.error(conn, ErrorCode::InConsultation);
        }
        if !self.peers.get(&presenter).is_some_and(Peer::may_present) {
            return self.error(conn, ErrorCode::NotAllowed);
        }
        if !self.spend(now, presenter) {
            return self.error(conn, ErrorCode::SlowDown);
        }
        if page >= pages {
            return self.error(conn, ErrorCode::NoSuchPage);
        }
        self.set_presentation(Some(Presentation {
            presenter,
            deck,
            pages,
            page,
        }));
    }

    pub(super) fn turn_page(&mut self, conn: ConnId, from: PeerId, page: u32) {
        let Some(current) = self.presentation.as_ref().filter(|p| p.presenter == from) else {
            return self.error(conn, ErrorCode::NotPresenter);
        };
        if page >= current.pages {
            return self.error(conn, ErrorCode::NoSuchPage);
        }
        if page != current.page {
            let mut next = current.clone();
            next.page = page;
            self.set_presentation(Some(next));
        }
    }

    pub(super) fn stop_presenting(&mut self, conn: ConnId, from: PeerId) {
        if self
            .presentation
            .as_ref()
            .is_some_and(|p| p.presenter == from)
        {
            self.set_presentation(None);
        } else {
            self.error(conn, ErrorCode::NotPresenter);
        }
    }

    /// `id` (`name`) left the room or went out of it: the deck it presented
    /// goes away.
    pub(super) fn presenter_gone(&mut self, id: PeerId, name: DisplayName) {
        if self
            .presentation
            .as_ref()
            .is_some_and(|p| p.presenter == id)
        {
            self.record(Event::PresentationStopped { peer: id, name });
            self.presentation = None;
            self.tell_room(ServerMsg::Presentation { presentation: None });
        }
    }

    /// Recorded, then everyone (the presenter too) learns of every change.
    pub(super) fn set_presentation(&mut self, presentation: Option<Presentation>) {
        let name = |room: &Self, peer: PeerId| room.peers.get(&peer).map(|p| p.info.name.clone());
        match (&self.presentation, &presentation) {
            (_, Some(next)) if self.presentation.as_ref() != Some(next) => {
                if let Some(name) = name(self, next.presenter) {
                    self.record(Event::SlideShown {
                        peer: next.presenter,
                        name,
                        deck: next.deck.clone(),
                        page: next.page,
                        pages: next.pages,
                    });
                }
            }
            (Some(before), None) => {
                if let Some(name) = name(self, before.presenter) {
                    self.record(Event::PresentationStopped {
                        peer: before.presenter,
                        name,
                    });
                }
            }
            _ => {}
        }
        self.presentation = presentation;
        self.tell_room(ServerMsg::Presentation {
            presentation: self.presentation.clone(),
        });
    }

    pub(super) fn screen_still(&mut self, conn: ConnId, from: PeerId, still: SlidePage) {
        let Some(peer) = self.peers.get_mut(&from) else {
            return;
        };
        if peer.info.media.screen.is_none() {
            return self.error(conn, ErrorCode::NotSharing);
        }
        peer.still = Some(still.clone());
        for other in self.attached_except(from) {
            self.send(
                other,
                ServerMsg::ScreenStill {
                    peer: from,
                    still: still.clone(),
                },
            );
        }
    }

    /// After a `Welcome`: the latest still of every screen shared by the
    /// others where `to` is (the room, or its consultation).
    pub(super) fn send_stills(&mut self, conn: ConnId, to: PeerId) {
        let Some(place) = self.peers.get(&to).map(|p| p.place) else {
            return;
        };
        let stills: Vec<(PeerId, SlidePage)> = self
            .peers
            .values()
            .filter(|p| p.place == place && p.info.id != to)
            .filter_map(|p| p.still.clone().map(|s| (p.info.id, s)))
            .collect();
        for (peer, still) in stills {
            self.send(conn, ServerMsg::ScreenStill { peer, still });
        }
    }
}
