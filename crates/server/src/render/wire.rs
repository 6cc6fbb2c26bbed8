//! What a render worker writes on stdout: the rendered pages, or why the file was refused.
//!
//! ```text
//! reply      = "SLR1" (pages | refused)
//! pages      = 0x00 count:u32 page*
//! page       = renditions:u8 rendition*
//! rendition  = format:u8 (0 WebP, 1 PNG) width:u32 height:u32 length:u32 bytes
//! refused    = 0x01 refusal:u8 length:u32 utf-8 (why, for the server's log)
//! ```
//!
//! Integers are little-endian. Pure: bytes in, bytes out; the parent never trusts the
//! worker's bytes further than [`decode`] checks them.

use sala_slides::{Format, Oversize, Page, Rendition, SlidesError};

const MAGIC: &[u8; 4] = b"SLR1";
const PAGES: u8 = 0;
const REFUSED: u8 = 1;

/// Why the renderer refused a file, as far as the HTTP answer needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Over a size bound: bytes, pages, or pixels of the picture or a page.
    TooLarge,
    /// Over a bound on the work the file asks for (its streams inflate too far).
    TooComplex,
    /// Not a file the renderer can read (wrong type, damaged, empty, a PDF as a still).
    Unreadable,
    /// An encoder failed: a bug, not the file's fault.
    EncodeFailed,
}

impl Refusal {
    fn code(self) -> u8 {
        match self {
            Self::TooLarge => 1,
            Self::TooComplex => 2,
            Self::Unreadable => 3,
            Self::EncodeFailed => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        [
            Self::TooLarge,
            Self::TooComplex,
            Self::Unreadable,
            Self::EncodeFailed,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

impl From<&SlidesError> for Refusal {
    fn from(e: &SlidesError) -> Self {
        match e {
            SlidesError::TooLarge(Oversize::Decoded { .. }) => Self::TooComplex,
            SlidesError::TooLarge(_) | SlidesError::TooManyPages { .. } => Self::TooLarge,
            SlidesError::Encode(_) => Self::EncodeFailed,
            _ => Self::Unreadable,
        }
    }
}

/// A worker's answer: the pages, or the refusal and its reason in words (for the log).
pub type Reply = Result<Vec<Page>, (Refusal, String)>;

/// The worker's stdout for `reply`.
pub fn encode(reply: &Reply) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    match reply {
        Ok(pages) => {
            out.push(PAGES);
            out.extend(len32(pages.len()));
            for page in pages {
                out.push(u8::try_from(page.renditions.len()).unwrap_or(u8::MAX));
                for r in page.renditions.iter().take(usize::from(u8::MAX)) {
                    out.push(match r.format {
                        Format::WebP => 0,
                        Format::Png => 1,
                    });
                    out.extend(r.width.to_le_bytes());
                    out.extend(r.height.to_le_bytes());
                    out.extend(len32(r.bytes.len()));
                    out.extend(&r.bytes);
                }
            }
        }
        Err((refusal, why)) => {
            out.push(REFUSED);
            out.push(refusal.code());
            out.extend(len32(why.len()));
            out.extend(why.as_bytes());
        }
    }
    out
}

fn len32(n: usize) -> [u8; 4] {
    u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes()
}

/// The worker's stdout did not follow the format (it died mid-reply, or is not a worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the render worker's reply is malformed or cut short")]
pub struct BadReply;

/// Reads a worker's stdout.
pub fn decode(bytes: &[u8]) -> Result<Reply, BadReply> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return Err(BadReply);
    }
    let reply = match r.u8()? {
        PAGES => {
            let count = r.u32()?;
            let mut pages = Vec::new();
            for _ in 0..count {
                let n = r.u8()?;
                let mut renditions = Vec::with_capacity(usize::from(n));
                for _ in 0..n {
                    let format = match r.u8()? {
                        0 => Format::WebP,
                        1 => Format::Png,
                        _ => return Err(BadReply),
                    };
                    let width = r.u32()?;
                    let height = r.u32()?;
                    let len = r.u32()? as usize;
                    let bytes = r.take(len)?.to_vec();
                    renditions.push(Rendition {
                        width,
                        height,
                        format,
                        bytes,
                    });
                }
                pages.push(Page { renditions });
            }
            Ok(pages)
        }
        REFUSED => {
            let refusal = Refusal::from_code(r.u8()?).ok_or(BadReply)?;
            let len = r.u32()? as usize;
            let why = String::from_utf8_lossy(r.take(len)?).into_owned();
            Err((refusal, why))
        }
        _ => return Err(BadReply),
    };
    if r.0.is_empty() {
        Ok(reply)
    } else {
        Err(BadReply)
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BadReply> {
        if self.0.len() < n {
            return Err(BadReply);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, BadReply> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, BadReply> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(sizes: &[(u32, Format, &[u8])]) -> Page {
        Page {
            renditions: sizes
                .iter()
                .map(|&(width, format, bytes)| Rendition {
                    width,
                    height: width / 2,
                    format,
                    bytes: bytes.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn pages_and_refusals_round_trip() {
        let pages: Reply = Ok(vec![
            page(&[(480, Format::Png, b"png"), (960, Format::WebP, b"webp!")]),
            page(&[(100, Format::WebP, b"")]),
        ]);
        assert_eq!(decode(&encode(&pages)), Ok(pages));
        for refusal in [
            Refusal::TooLarge,
            Refusal::TooComplex,
            Refusal::Unreadable,
            Refusal::EncodeFailed,
        ] {
            let reply: Reply = Err((refusal, "why".to_owned()));
            assert_eq!(decode(&encode(&reply)), Ok(reply));
        }
    }

    #[test]
    fn cut_or_foreign_replies_are_bad() {
        let whole = encode(&Ok(vec![page(&[(480, Format::Png, b"png")])]));
        for end in 0..whole.len() {
            assert_eq!(decode(&whole[..end]), Err(BadReply), "cut at {end}");
        }
        let mut longer = whole.clone();
        longer.push(0);
        assert_eq!(decode(&longer), Err(BadReply));
        assert_eq!(decode(b"running 0 tests\n"), Err(BadReply));
    }
}
