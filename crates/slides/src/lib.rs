//! Slides for thin links: an uploaded presentation in, small still images out.
//!
//! A participant on a 64 kbit/s link cannot follow a screen share, but can follow a slide
//! deck if each slide arrives as one small picture. This crate turns
//!
//! - a **PDF** into one [`Page`] per PDF page ([`render`]), each page drawn afresh at every
//!   target width in [`WIDTHS`] (a vector re-render per size, on white, any aspect ratio:
//!   the width is the target and the height follows), and
//! - a **PNG, JPEG or WebP** picture (a slide exported as an image, or a screen-share still a
//!   browser uploads as PNG) into one [`Page`] ([`render_still`], or [`render`] which sniffs),
//!   turned upright by its EXIF orientation, laid over white if transparent, and downscaled
//!   with Lanczos3 to the target widths not larger than the picture (never upscaled; a
//!   picture narrower than the smallest target keeps its own width).
//!
//! Each size is encoded twice, as a palette PNG (at most 256 colours, deflate level 9, at
//! the smallest bit depth the palette allows) and as a lossless WebP of the same palette
//! pixels, and the smaller one is kept. The palette is, in order of preference:
//!
//! 1. the picture's own colours when it has at most 64 (lossless: flat graphics);
//! 2. 32, else 64 colours (NeuQuant refined by k-means on the colour histogram, the most
//!    frequent colours kept exact) when the result stays at or above 50 dB PSNR. This is the
//!    usual case for text: antialiased text in a few inks has a few hundred colours, mostly
//!    edge shades, and shorter shade ramps look the same but compress about 20 % better;
//! 3. the picture's own colours when it has at most 256 (lossless);
//! 4. 256 colours chosen by NeuQuant (photographs, gradients).
//!
//! JPEG is never produced: on text it is several times larger than either.
//!
//! **Invariant: no IO, no clock, no async — bytes in, images out.** The crate reads only the
//! slice it is given, writes only the vectors it returns, spawns no thread and keeps no state
//! between calls. It is CPU-bound and synchronous; an async server calls it inside
//! `spawn_blocking`. Every input is bounded by [`Limits`] before decoding, and bad input is a
//! [`SlidesError`], never a panic (renderer or decoder panics on hostile files are caught and
//! reported as errors, which requires the default `panic = "unwind"`).
//!
//! **Size targets:** a typical text slide (a title, six bullet lines) at the middle width
//! (960 px) is at most 20 KB, so it arrives in under 3 s at 64 kbit/s (measured: about
//! 17 KB); the 480 px rendition is about 6 KB, the 1600 px one about 31 KB. Renditions are
//! addressed by [`content_id`] (SHA-256 of their bytes), so a server can cache them forever.
//!
//! **Bounded here, before drawing:** the file's bytes, its pages, each page's canvas, the
//! declared size of every image object ([`Limits::max_image_pixels`]) and the bytes its Flate
//! streams inflate to, all together ([`Limits::max_decoded_bytes`]).
//!
//! **Not bounded here:** the time a PDF takes to draw (there is no clock: a page of nested
//! form XObjects, each drawing the next a few times, takes for ever in a few kilobytes), and
//! the memory hayro spends on what the scan does not see (inline images, filters other than
//! Flate, its own caches). The renderer offers no hook for either. A caller that takes files
//! from strangers must run this in a process it can kill, with address-space and CPU limits:
//! `sala-server` does (its `render-worker`). Encrypted PDFs are refused
//! ([`PdfError::PasswordProtected`]).
//!
//! ```no_run
//! let deck: Vec<u8> = Vec::new(); // the uploaded bytes
//! let pages = sala_slides::render(&deck, &sala_slides::Limits::default())?;
//! for page in &pages {
//!     for r in &page.renditions {
//!         let name = format!("{}.{}", sala_slides::content_id(&r.bytes), r.format.extension());
//!         let _ = (name, r.width, r.height, r.format.mime());
//!     }
//! }
//! # Ok::<(), sala_slides::SlidesError>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod encode;
mod error;
mod pdf;
mod raster;
mod scan;

use sha2::{Digest, Sha256};

pub use error::{EncodeError, Oversize, PdfError, SlidesError};

/// The target widths in pixels, smallest first: a phone or a thin link, a laptop, a projector.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// Bounds checked before any decoding or drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted upload, in bytes.
    pub max_input_bytes: usize,
    /// Most pages accepted in a PDF.
    pub max_pages: usize,
    /// Most pixels accepted in a picture: a raster upload's declared size, and each PDF page
    /// as drawn at a target width (which bounds pages of extreme aspect ratio).
    pub max_source_pixels: u64,
    /// Most pixels an image inside a PDF may declare (its `/Width` × `/Height`): the
    /// renderer decodes images whole.
    pub max_image_pixels: u64,
    /// Most bytes a PDF's Flate streams may inflate to, all streams together: the renderer
    /// inflates streams whole, and a small file can hold a huge stream.
    pub max_decoded_bytes: u64,
}

impl Default for Limits {
    /// 40 MiB, 200 pages, 40 million pixels drawn or decoded, 256 MiB inflated.
    fn default() -> Self {
        Self {
            max_input_bytes: 40 << 20,
            max_pages: 200,
            max_source_pixels: 40_000_000,
            max_image_pixels: 40_000_000,
            max_decoded_bytes: 256 << 20,
        }
    }
}

/// The encoding of a [`Rendition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Lossless WebP (VP8L).
    WebP,
    /// Palette PNG.
    Png,
}

impl Format {
    /// The media type, for `Content-Type`.
    pub fn mime(&self) -> &'static str {
        match self {
            Self::WebP => "image/webp",
            Self::Png => "image/png",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(&self) -> &'static str {
        match self {
            Self::WebP => "webp",
            Self::Png => "png",
        }
    }
}

/// One encoded size of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// How `bytes` are encoded.
    pub format: Format,
    /// The encoded picture.
    pub bytes: Vec<u8>,
}

impl Rendition {
    /// [`content_id`] of the bytes.
    pub fn content_id(&self) -> String {
        content_id(&self.bytes)
    }
}

/// One slide, in one to three sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Smallest first; never empty.
    pub renditions: Vec<Rendition>,
}

/// The lowercase hex SHA-256 of `bytes` (64 characters): a content address under which the
/// bytes can be served with immutable caching.
#[must_use]
pub fn content_id(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// Turns an upload into slides: a PDF into one [`Page`] per page, a PNG, JPEG or WebP picture
/// into one. The format is recognised from the leading bytes, not from a name or a type.
///
/// # Errors
///
/// [`SlidesError::Empty`], [`SlidesError::TooLarge`] and [`SlidesError::UnknownFormat`] before
/// anything is parsed; for a PDF, [`SlidesError::Pdf`], [`SlidesError::NoPages`],
/// [`SlidesError::TooManyPages`] or [`SlidesError::TooLarge`] (a page too tall to draw, an
/// image too large, streams that inflate too far) before any page is drawn; for a picture, as [`render_still`]. [`SlidesError::Encode`] only if an
/// encoder fails, which no input should cause.
pub fn render(bytes: &[u8], limits: &Limits) -> Result<Vec<Page>, SlidesError> {
    match sniff(bytes, limits)? {
        Kind::Pdf => pdf::render(bytes, limits),
        Kind::Raster(format) => raster::render(bytes, format, limits).map(|page| vec![page]),
    }
}

/// Turns one picture (PNG, JPEG or WebP) into one [`Page`]. For screen-share stills, which
/// browsers upload as PNG.
///
/// # Errors
///
/// [`SlidesError::Empty`], [`SlidesError::TooLarge`] (bytes) and
/// [`SlidesError::UnknownFormat`] before anything is parsed; [`SlidesError::NotAStill`] for a
/// PDF; [`SlidesError::TooLarge`] (pixels) or [`SlidesError::NoPixels`] from the header alone,
/// before decoding; [`SlidesError::Image`] when the picture does not decode.
pub fn render_still(bytes: &[u8], limits: &Limits) -> Result<Page, SlidesError> {
    match sniff(bytes, limits)? {
        Kind::Pdf => Err(SlidesError::NotAStill),
        Kind::Raster(format) => raster::render(bytes, format, limits),
    }
}

enum Kind {
    Pdf,
    Raster(image::ImageFormat),
}

/// How far into the file the PDF header may be: readers accept a little leading junk (some
/// mail and web tools prepend some), commonly up to 1024 bytes.
const PDF_HEADER_WINDOW: usize = 1024;

fn sniff(bytes: &[u8], limits: &Limits) -> Result<Kind, SlidesError> {
    if bytes.is_empty() {
        return Err(SlidesError::Empty);
    }
    if bytes.len() > limits.max_input_bytes {
        return Err(Oversize::Bytes {
            size: bytes.len(),
            limit: limits.max_input_bytes,
        }
        .into());
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Raster(image::ImageFormat::Png));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Raster(image::ImageFormat::Jpeg));
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Kind::Raster(image::ImageFormat::WebP));
    }
    let head = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    Err(SlidesError::UnknownFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_id_is_lowercase_hex_sha256() {
        assert_eq!(
            content_id(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn formats_name_themselves() {
        assert_eq!(Format::WebP.mime(), "image/webp");
        assert_eq!(Format::Png.mime(), "image/png");
        assert_eq!(Format::WebP.extension(), "webp");
        assert_eq!(Format::Png.extension(), "png");
    }

    #[test]
    fn sniffs_magic_bytes() {
        let l = Limits::default();
        assert!(matches!(sniff(b"%PDF-1.7\n", &l), Ok(Kind::Pdf)));
        assert!(matches!(sniff(b"junk\n%PDF-1.4\n", &l), Ok(Kind::Pdf)));
        assert!(matches!(
            sniff(b"\x89PNG\r\n\x1a\n....", &l),
            Ok(Kind::Raster(image::ImageFormat::Png))
        ));
        assert!(matches!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0], &l),
            Ok(Kind::Raster(image::ImageFormat::Jpeg))
        ));
        assert!(matches!(
            sniff(b"RIFF\0\0\0\0WEBPVP8L", &l),
            Ok(Kind::Raster(image::ImageFormat::WebP))
        ));
        assert!(matches!(
            sniff(b"RIFF\0\0\0\0WAVE", &l),
            Err(SlidesError::UnknownFormat)
        ));
        assert!(matches!(
            sniff(b"GIF89a", &l),
            Err(SlidesError::UnknownFormat)
        ));
        assert!(matches!(sniff(b"", &l), Err(SlidesError::Empty)));
    }
}
