//! What the room shows of slides: the presented deck and its page, and the
//! stills of screens shared while our link carries no video (issue #3).

use crate::error::ApiFailure;
use crate::sorted_map::SortedMap;
use sala_protocol::{Deck, PeerId, Presentation, QualityTier, Rendition, SlidePage};
use std::rc::Rc;

/// A thin link fetches the largest rendition of at most this many bytes: a
/// 64 kbit/s link carries it in about three seconds beside the audio.
pub const THIN_LINK_IMAGE_BYTES: u32 = 24_000;
/// Width a good link fetches (a stage is rarely wider on screen).
pub const GOOD_LINK_IMAGE_WIDTH: u32 = 960;

/// The rendition of `page` a participant receiving at `tier` shows (and
/// prefetches: both must pick the same file for the cache to serve it).
pub fn rendition(page: &SlidePage, tier: QualityTier) -> &Rendition {
    if tier < QualityTier::VideoLow {
        page.within_bytes(THIN_LINK_IMAGE_BYTES)
    } else {
        page.for_width(GOOD_LINK_IMAGE_WIDTH)
    }
}

/// The deck of the current presentation, as far as this browser has it.
#[derive(Clone, Debug, PartialEq)]
pub enum DeckStatus {
    /// Nothing presented.
    None,
    /// The manifest is on its way.
    Loading,
    Ready(Rc<Deck>),
    Failed(ApiFailure),
}

/// Our own deck upload.
#[derive(Clone, Debug, PartialEq)]
pub enum Upload {
    Idle,
    /// The server is receiving and rendering the file.
    Rendering,
    Failed(ApiFailure),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Slides {
    pub presentation: Option<Presentation>,
    pub deck: DeckStatus,
    /// Latest still of each remote screen share.
    pub stills: SortedMap<PeerId, SlidePage>,
    /// Page images this browser holds: server path → object URL. The engine
    /// fetches them (paced, retried); the UI shows only what is here.
    pub images: SortedMap<String, String>,
    pub upload: Upload,
}

impl Default for Slides {
    fn default() -> Self {
        Self {
            presentation: None,
            deck: DeckStatus::None,
            stills: SortedMap::new(),
            images: SortedMap::new(),
            upload: Upload::Idle,
        }
    }
}

impl Slides {
    /// What to show for `page` at `tier`: the rendition the link takes if it
    /// is here, else the largest one that is (a page turned on a good link
    /// shows at once in the size fetched earlier), else nothing yet.
    pub fn image<'a>(
        &'a self,
        page: &'a SlidePage,
        tier: QualityTier,
    ) -> Option<(&'a Rendition, &'a str)> {
        let wanted = rendition(page, tier);
        let have = |r: &'a Rendition| self.images.get(&r.path()).map(|url| (r, url.as_str()));
        have(wanted).or_else(|| page.renditions().iter().rev().find_map(have))
    }

    /// The page on screen, once the deck is here.
    pub fn page(&self) -> Option<&SlidePage> {
        let (Some(p), DeckStatus::Ready(deck)) = (&self.presentation, &self.deck) else {
            return None;
        };
        (deck.id == p.deck)
            .then(|| deck.pages.get(p.page as usize))
            .flatten()
    }
}
