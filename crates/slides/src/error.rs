//! Why an upload could not be turned into slides.

/// Why an upload could not be turned into slides. Every variant reads as a plain English
/// sentence through `Display`, fit to show to the person who uploaded the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SlidesError {
    /// Zero bytes were given.
    #[error("the file is empty")]
    Empty,
    /// The file, or the picture it describes, is over a [`Limits`](crate::Limits) bound.
    /// Checked before anything is decoded.
    #[error("{0}")]
    TooLarge(Oversize),
    /// The bytes are none of the accepted formats.
    #[error("the file is not a PDF, PNG, JPEG or WebP file")]
    UnknownFormat,
    /// A PDF was given where a single picture is expected ([`render_still`](crate::render_still)).
    #[error("a PDF was given where a single picture (PNG, JPEG or WebP) is expected")]
    NotAStill,
    /// The PDF has more pages than [`Limits::max_pages`](crate::Limits::max_pages).
    #[error("the PDF has {pages} pages; at most {limit} are accepted")]
    TooManyPages {
        /// Pages in the document.
        pages: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The PDF opened but has no page at all.
    #[error("the PDF has no pages")]
    NoPages,
    /// The picture declares a width or a height of zero.
    #[error("the picture has no pixels ({width}×{height})")]
    NoPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The PDF could not be read or drawn.
    #[error("the PDF could not be read: {0}")]
    Pdf(PdfError),
    /// The PNG, JPEG or WebP picture could not be decoded.
    #[error("the picture could not be decoded: {0}")]
    Image(#[from] image::ImageError),
    /// A rendition could not be encoded (a bug or an exhausted resource, not bad input).
    #[error("a slide image could not be encoded: {0}")]
    Encode(EncodeError),
}

/// Which bound a too-large upload broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Oversize {
    /// The upload itself is over [`Limits::max_input_bytes`](crate::Limits::max_input_bytes).
    #[error("the file is {size} bytes; at most {limit} bytes are accepted")]
    Bytes {
        /// Size of the upload.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A picture (a declared raster size, or a PDF page drawn at a target width) has more
    /// pixels than [`Limits::max_source_pixels`](crate::Limits::max_source_pixels), or is
    /// taller or wider than the renderer can draw.
    #[error("the picture is {width}×{height} pixels; at most {limit} pixels are accepted")]
    Pixels {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// The limit in force (pixel count).
        limit: u64,
    },
    /// A PDF's compressed streams inflate to more than
    /// [`Limits::max_decoded_bytes`](crate::Limits::max_decoded_bytes).
    #[error("the PDF's contents unpack to more than {limit} bytes")]
    Decoded {
        /// The limit in force (bytes).
        limit: u64,
    },
}

/// Why a PDF could not be read or drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The file starts like a PDF but its structure cannot be parsed (truncated or damaged).
    #[error("it is damaged or incomplete")]
    Invalid,
    /// The PDF needs a password to open.
    #[error("it is protected by a password; export it again without one")]
    PasswordProtected,
    /// The PDF is encrypted in a way the renderer does not support.
    #[error("its encryption is not supported; export it again without encryption")]
    Encryption,
    /// The renderer failed (panicked) while drawing this page: a renderer bug met by this file.
    #[error("page {page} could not be drawn")]
    Page {
        /// 1-based page number.
        page: usize,
    },
}

/// Why a rendition could not be encoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The PNG encoder failed.
    #[error("PNG: {0}")]
    Png(#[from] png::EncodingError),
    /// The WebP encoder failed.
    #[error("WebP: {0}")]
    WebP(#[from] image_webp::EncodingError),
}

impl From<Oversize> for SlidesError {
    fn from(o: Oversize) -> Self {
        Self::TooLarge(o)
    }
}

impl From<PdfError> for SlidesError {
    fn from(e: PdfError) -> Self {
        Self::Pdf(e)
    }
}

impl From<EncodeError> for SlidesError {
    fn from(e: EncodeError) -> Self {
        Self::Encode(e)
    }
}
