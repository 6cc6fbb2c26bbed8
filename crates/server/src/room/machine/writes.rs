//! What one peer may write to the record (issue #11): a modified client
//! within its socket's rate limit could otherwise append ~50 rows a second.
//! Actions that write (chat, hands, slides, consultations, the host's
//! controls) spend from a per-peer allowance and are refused with
//! `SlowDown` beyond it — refused, never done unrecorded. What a peer's
//! media does (screen shared, quality tier) follows its link, so it is
//! never refused: its entries spend from an allowance of their own, and
//! beyond it they are coalesced — the state is recorded as soon as the
//! allowance has refilled, so the last state is always in the record.

use std::time::Instant;

use sala_protocol::{ClientMsg, MediaState, PeerId, QualityTier, ServerMsg};
use sala_record::Event;

use super::outputs::Outputs;
use super::roster::Roster;
use crate::bucket::Bucket;

/// Actions that write to the record a peer may take at once.
pub const WRITES_BURST: f64 = 30.0;
/// Actions a second a peer may keep taking.
pub const WRITES_PER_SEC: f64 = 1.0;
/// Media entries (screen shared, tier changed) of a peer recorded as they
/// happen at once; beyond, coalesced.
pub const MEDIA_BURST: f64 = 10.0;
/// Media entries a second of a peer recorded as they happen.
pub const MEDIA_PER_SEC: f64 = 0.2;

/// Whether handling `msg` may write to the record. Exhaustive: a new
/// message must be classified here before it compiles.
pub(super) fn writes_record(msg: &ClientMsg) -> bool {
    match msg {
        ClientMsg::Chat { .. }
        | ClientMsg::RaiseHand { .. }
        | ClientMsg::LowerHand { .. }
        | ClientMsg::Present { .. }
        | ClientMsg::TurnPage { .. }
        | ClientMsg::StopPresenting
        | ClientMsg::Consult { .. }
        | ClientMsg::AnswerConsult { .. }
        | ClientMsg::ReturnToRoom
        | ClientMsg::EndConsultation { .. }
        | ClientMsg::AskOath { .. }
        | ClientMsg::TakeOath { .. }
        | ClientMsg::Hold { .. }
        | ClientMsg::MuteAll
        | ClientMsg::Remove { .. }
        | ClientMsg::Lock { .. }
        | ClientMsg::EndMeeting
        | ClientMsg::Admit { .. }
        | ClientMsg::AdmitAll
        | ClientMsg::Deny { .. }
        | ClientMsg::Excuse { .. }
        | ClientMsg::SetLobby { .. }
        | ClientMsg::SetRole { .. } => true,
        // Media is coalesced, not refused; leaving is always recorded.
        ClientMsg::Join(_)
        | ClientMsg::Signal { .. }
        | ClientMsg::Media { .. }
        | ClientMsg::Ping { .. }
        | ClientMsg::Leave
        | ClientMsg::ScreenStill { .. }
        | ClientMsg::Reliable { .. } => false,
    }
}

/// One peer's allowances, and what of its media the record last said.
#[derive(Debug)]
pub(super) struct Writes {
    actions: Bucket,
    media: Bucket,
    /// Screen shared, tier sent, tier received, as last recorded.
    recorded: (bool, QualityTier, QualityTier),
    /// The media changed since its last entry, and the allowance was
    /// spent: recorded when it has refilled.
    media_due: Option<Instant>,
}

impl Writes {
    pub(super) fn new(now: Instant, media: &MediaState) -> Self {
        Self {
            actions: Bucket::full(now, WRITES_BURST, WRITES_PER_SEC),
            media: Bucket::full(now, MEDIA_BURST, MEDIA_PER_SEC),
            recorded: media_record(media),
            media_due: None,
        }
    }
}

fn media_record(media: &MediaState) -> (bool, QualityTier, QualityTier) {
    (media.screen.is_some(), media.tier, media.receive)
}

/// Spends one write of `peer`'s allowance; `false` when it is spent.
pub(super) fn spend(roster: &mut Roster, now: Instant, peer: PeerId) -> bool {
    roster
        .peers
        .get_mut(&peer)
        .is_some_and(|p| p.writes.actions.take(now, 1.0))
}

/// `from` says what it sends: what the host holds stays off and the
/// gallery shares no screen, whatever the client says; the others hear
/// of it at once, the record too unless `from` changes it too often.
pub(super) fn set_media(
    roster: &mut Roster,
    out: &mut Outputs,
    now: Instant,
    from: PeerId,
    media: MediaState,
) {
    let Some(peer) = roster.peers.get_mut(&from) else {
        return;
    };
    let media = peer.held(media);
    let before = std::mem::replace(&mut peer.info.media, media.clone());
    if media.screen != before.screen {
        peer.still = None;
    }
    record_media(roster, out, now, from);
    for other in roster.attached_except(from) {
        out.send(
            other,
            ServerMsg::PeerMedia {
                peer: from,
                media: media.clone(),
            },
        );
    }
}

/// Records what changed of `id`'s media since its last entry: now, or
/// once its allowance has refilled.
fn record_media(roster: &mut Roster, out: &mut Outputs, now: Instant, id: PeerId) {
    let Some(peer) = roster.peers.get_mut(&id) else {
        return;
    };
    let (screen, sends, receives) = media_record(&peer.info.media);
    let (was_screen, was_sends, was_receives) = peer.writes.recorded;
    if (screen, sends, receives) == peer.writes.recorded {
        peer.writes.media_due = None;
        return;
    }
    if !peer.writes.media.take(now, 1.0) {
        peer.writes.media_due = Some(peer.writes.media.next_token());
        return;
    }
    peer.writes.recorded = (screen, sends, receives);
    peer.writes.media_due = None;
    let name = peer.info.name.clone();
    if screen != was_screen {
        out.record(Event::ScreenShared {
            peer: id,
            name: name.clone(),
            on: screen,
        });
    }
    if (sends, receives) != (was_sends, was_receives) {
        out.record(Event::TierChanged {
            peer: id,
            name,
            sends,
            receives,
        });
    }
}

/// When the next coalesced media entry is due.
pub(super) fn media_record_due(roster: &Roster) -> Option<Instant> {
    roster
        .peers
        .values()
        .filter_map(|p| p.writes.media_due)
        .min()
}

/// Records the media entries whose window has ended.
pub(super) fn record_due_media(roster: &mut Roster, out: &mut Outputs, now: Instant) {
    let due: Vec<PeerId> = roster
        .peers
        .values()
        .filter(|p| p.writes.media_due.is_some_and(|due| due <= now))
        .map(|p| p.info.id)
        .collect();
    for id in due {
        record_media(roster, out, now, id);
    }
}
