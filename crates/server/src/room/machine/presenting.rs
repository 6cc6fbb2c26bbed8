//! Slides in the room machine: one deck presented at a time, its page, and
//! the latest still of each screen share (issue #3).
//!
//! [`Presenting`] owns the presentation; the stills are the peers' own
//! (in the [`Roster`]), kept and sent here.

use sala_protocol::{
    policy, DeckId, DisplayName, ErrorCode, PeerId, Presentation, ResumeToken, ServerMsg, SlidePage,
};

use std::time::Instant;

use sala_record::Event;

use super::outputs::Outputs;
use super::roster::{Peer, Place, Roster};
use super::{writes, ConnId, Room};

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
        self.roster
            .peers
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
        let Some(&presenter) = self.roster.conns.get(&conn) else {
            return;
        };
        if self.roster.consulting(presenter).is_some() {
            return self.out.error(conn, ErrorCode::InConsultation);
        }
        if !self
            .roster
            .peers
            .get(&presenter)
            .is_some_and(Peer::may_present)
        {
            return self.out.error(conn, ErrorCode::NotAllowed);
        }
        if !writes::spend(&mut self.roster, now, presenter) {
            return self.out.error(conn, ErrorCode::SlowDown);
        }
        if page >= pages {
            return self.out.error(conn, ErrorCode::NoSuchPage);
        }
        let next = Presentation {
            presenter,
            deck,
            pages,
            page,
        };
        self.presenting.set(&self.roster, &mut self.out, Some(next));
    }
}

/// The deck presented in the room, if any.
#[derive(Debug, Default)]
pub(super) struct Presenting {
    presentation: Option<Presentation>,
}

impl Presenting {
    /// What the room is shown now.
    pub(super) fn current(&self) -> Option<&Presentation> {
        self.presentation.as_ref()
    }

    /// `from`, the presenter, turns to `page`.
    pub(super) fn turn_page(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        conn: ConnId,
        from: PeerId,
        page: u32,
    ) {
        let Some(current) = self.presentation.as_ref().filter(|p| p.presenter == from) else {
            return out.error(conn, ErrorCode::NotPresenter);
        };
        if page >= current.pages {
            return out.error(conn, ErrorCode::NoSuchPage);
        }
        if page != current.page {
            let mut next = current.clone();
            next.page = page;
            self.set(roster, out, Some(next));
        }
    }

    /// `from`, the presenter, stops.
    pub(super) fn stop(&mut self, roster: &Roster, out: &mut Outputs, conn: ConnId, from: PeerId) {
        if self
            .presentation
            .as_ref()
            .is_some_and(|p| p.presenter == from)
        {
            self.set(roster, out, None);
        } else {
            out.error(conn, ErrorCode::NotPresenter);
        }
    }

    /// `id` (`name`) left the room or went out of it: the deck it presented
    /// goes away.
    pub(super) fn gone(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        id: PeerId,
        name: DisplayName,
    ) {
        if self
            .presentation
            .as_ref()
            .is_some_and(|p| p.presenter == id)
        {
            out.record(Event::PresentationStopped { peer: id, name });
            self.presentation = None;
            roster.tell_room(out, ServerMsg::Presentation { presentation: None });
        }
    }

    /// Recorded, then everyone (the presenter too) learns of every change.
    pub(super) fn set(
        &mut self,
        roster: &Roster,
        out: &mut Outputs,
        presentation: Option<Presentation>,
    ) {
        let name = |peer: PeerId| roster.peers.get(&peer).map(|p| p.info.name.clone());
        match (&self.presentation, &presentation) {
            (_, Some(next)) if self.presentation.as_ref() != Some(next) => {
                if let Some(name) = name(next.presenter) {
                    out.record(Event::SlideShown {
                        peer: next.presenter,
                        name,
                        deck: next.deck.clone(),
                        page: next.page,
                        pages: next.pages,
                    });
                }
            }
            (Some(before), None) => {
                if let Some(name) = name(before.presenter) {
                    out.record(Event::PresentationStopped {
                        peer: before.presenter,
                        name,
                    });
                }
            }
            _ => {}
        }
        self.presentation = presentation;
        roster.tell_room(
            out,
            ServerMsg::Presentation {
                presentation: self.presentation.clone(),
            },
        );
    }
}

/// `from` sends the latest still of the screen it shares: kept for those
/// who come later, and sent to the others where it is.
pub(super) fn screen_still(
    roster: &mut Roster,
    out: &mut Outputs,
    conn: ConnId,
    from: PeerId,
    still: SlidePage,
) {
    let Some(peer) = roster.peers.get_mut(&from) else {
        return;
    };
    if peer.info.media.screen.is_none() {
        return out.error(conn, ErrorCode::NotSharing);
    }
    peer.still = Some(still.clone());
    for other in roster.attached_except(from) {
        out.send(
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
pub(super) fn send_stills(roster: &Roster, out: &mut Outputs, conn: ConnId, to: PeerId) {
    let Some(place) = roster.peers.get(&to).map(|p| p.place) else {
        return;
    };
    let stills = roster
        .peers
        .values()
        .filter(|p| p.place == place && p.info.id != to)
        .filter_map(|p| p.still.clone().map(|s| (p.info.id, s)));
    for (peer, still) in stills {
        out.send(conn, ServerMsg::ScreenStill { peer, still });
    }
}
