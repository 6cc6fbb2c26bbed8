//! Slides: decks of still page images and screen-share stills (issue #3).
//!
//! A presenter uploads a PDF or an image over HTTP
//! (`POST /api/meetings/{id}/decks`, answered with a [`Deck`]); the server
//! renders every page at two or three widths ([`Rendition`]s) and serves each
//! image at `GET /api/slides/{ImageId}.{ext}`, named by the SHA-256 of its
//! bytes and cacheable for ever. Presenting and turning pages are small
//! WebSocket messages ([`crate::ClientMsg::Present`], [`crate::ClientMsg::TurnPage`]);
//! everyone fetches the deck's pages in the background, so a page turn costs a
//! few bytes on the wire. A screen share becomes stills the same way
//! (`POST /api/meetings/{id}/stills` → [`SlidePage`], then
//! [`crate::ClientMsg::ScreenStill`]) for receivers whose link carries no video.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::{IdError, PeerId};

/// Most pages in one deck.
pub const MAX_DECK_PAGES: usize = 200;
/// Most renditions (sizes) of one page.
pub const MAX_RENDITIONS: usize = 4;
/// Largest deck upload (PDF or image), in bytes.
pub const MAX_DECK_BYTES: usize = 40 * 1024 * 1024;
/// Largest screen-share still upload (PNG), in bytes.
pub const MAX_STILL_BYTES: usize = 8 * 1024 * 1024;

/// Content address of one page image: lowercase hex SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageId(String);

impl ImageId {
    pub const LEN: usize = 64;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ImageId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        if s.len() != Self::LEN {
            return Err(IdError::Length {
                expected: Self::LEN,
            });
        }
        if !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(IdError::Alphabet);
        }
        Ok(Self(s))
    }
}

impl From<ImageId> for String {
    fn from(id: ImageId) -> String {
        id.0
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Encoding of a page image. Text slides are palette PNG or lossless WebP,
/// whichever is smaller: JPEG of a text slide is several times larger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    Webp,
    Png,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Webp => "webp",
            Self::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Webp => "image/webp",
            Self::Png => "image/png",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        [Self::Webp, Self::Png]
            .into_iter()
            .find(|f| f.extension() == ext)
    }
}

/// One size of one page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    pub id: ImageId,
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// Size of the image file, so a client on a thin link can pace its fetches.
    pub bytes: u32,
}

impl Rendition {
    /// Path the server serves this image at.
    pub fn path(&self) -> String {
        format!("/api/slides/{}.{}", self.id, self.format.extension())
    }
}

/// A page (or a screen-share still) at every size rendered, smallest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Rendition>", into = "Vec<Rendition>")]
pub struct SlidePage(Vec<Rendition>);

impl SlidePage {
    pub fn renditions(&self) -> &[Rendition] {
        &self.0
    }

    /// The largest rendition whose file is at most `max_bytes`, or the
    /// smallest if none is: what a thin link should fetch.
    pub fn within_bytes(&self, max_bytes: u32) -> &Rendition {
        self.0
            .iter()
            .rev()
            .find(|r| r.bytes <= max_bytes)
            .unwrap_or(&self.0[0])
    }

    /// The smallest rendition at least `width` pixels wide, or the largest.
    pub fn for_width(&self, width: u32) -> &Rendition {
        self.0
            .iter()
            .find(|r| r.width >= width)
            .unwrap_or(&self.0[self.0.len() - 1])
    }
}

/// Why a list of renditions is not a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlidePageError {
    #[error("a page has 1 to {MAX_RENDITIONS} renditions")]
    Count,
    #[error("renditions must be listed smallest first")]
    Order,
}

impl TryFrom<Vec<Rendition>> for SlidePage {
    type Error = SlidePageError;
    fn try_from(renditions: Vec<Rendition>) -> Result<Self, SlidePageError> {
        if renditions.is_empty() || renditions.len() > MAX_RENDITIONS {
            return Err(SlidePageError::Count);
        }
        if renditions.windows(2).any(|w| w[0].width >= w[1].width) {
            return Err(SlidePageError::Order);
        }
        Ok(Self(renditions))
    }
}

impl From<SlidePage> for Vec<Rendition> {
    fn from(page: SlidePage) -> Self {
        page.0
    }
}

/// An uploaded deck: `GET /api/decks/{id}` (cacheable for ever) and the answer
/// to its upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deck {
    pub id: crate::DeckId,
    /// The uploaded file's name, as the presenter's browser gave it.
    pub name: String,
    pub pages: Vec<SlidePage>,
}

/// What the room is presenting: one deck, one page, one presenter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    pub presenter: PeerId,
    pub deck: crate::DeckId,
    /// Number of pages of the deck.
    pub pages: u32,
    /// Page on screen, 0-based.
    pub page: u32,
}
