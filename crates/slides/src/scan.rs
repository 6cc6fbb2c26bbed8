//! Bounds the renderer does not enforce itself, checked on the parsed PDF before any page is
//! drawn: the declared size of every image, and how many bytes the file's Flate streams
//! inflate to.
//!
//! hayro decodes every stream and image whole, with no limit of its own, so a 1 MiB stream
//! of zeros becomes a gigabyte in memory. This scan inflates each Flate stream into a small
//! buffer that is thrown away, counting the bytes, and stops as soon as the file's total is
//! over [`Limits::max_decoded_bytes`]; it reads each image's `/Width` and `/Height` against
//! [`Limits::max_image_pixels`]. It is a first line, not the guarantee: images inside content
//! streams (inline `BI … ID`), filters other than Flate, and the time a page takes to draw are
//! not seen here. A caller that needs a hard bound runs the render in a process with limits
//! (as `sala-server` does).

use std::io::Read;

use flate2::read::{DeflateDecoder, ZlibDecoder};
use hayro::hayro_syntax::object::dict::keys::{HEIGHT, IMAGE, SUBTYPE, WIDTH};
use hayro::hayro_syntax::object::{Name, Object, Stream};
use hayro::hayro_syntax::{Filter, Pdf};

use crate::error::{Oversize, SlidesError};
use crate::Limits;

pub(crate) fn check(pdf: &Pdf, limits: &Limits) -> Result<(), SlidesError> {
    let mut decoded: u64 = 0;
    for object in pdf.objects() {
        let Object::Stream(stream) = object else {
            continue;
        };
        check_image(&stream, limits)?;
        if stream.filters().first() == Some(&Filter::FlateDecode) {
            let room = limits.max_decoded_bytes.saturating_sub(decoded);
            decoded += inflated_len(&stream.raw_data(), room);
            if decoded > limits.max_decoded_bytes {
                return Err(Oversize::Decoded {
                    limit: limits.max_decoded_bytes,
                }
                .into());
            }
        }
    }
    Ok(())
}

/// An image XObject's declared size against the pixel limit.
fn check_image(stream: &Stream<'_>, limits: &Limits) -> Result<(), SlidesError> {
    let dict = stream.dict();
    if dict.get::<Name<'_>>(SUBTYPE).as_deref() != Some(IMAGE) {
        return Ok(());
    }
    let width = dict.get::<u32>(WIDTH).unwrap_or(0);
    let height = dict.get::<u32>(HEIGHT).unwrap_or(0);
    if u64::from(width) * u64::from(height) > limits.max_image_pixels {
        return Err(Oversize::Pixels {
            width: u64::from(width),
            height: u64::from(height),
            limit: limits.max_image_pixels,
        }
        .into());
    }
    Ok(())
}

/// How many bytes `data` inflates to, counted up to `room + 1`. Tried as zlib, then as raw
/// deflate, as hayro does; a damaged stream counts what inflated before the damage.
fn inflated_len(data: &[u8], room: u64) -> u64 {
    let zlib = counted(ZlibDecoder::new(data), room);
    if zlib > room {
        return zlib;
    }
    zlib.max(counted(DeflateDecoder::new(data), room))
}

fn counted(reader: impl Read, room: u64) -> u64 {
    let mut reader = reader.take(room.saturating_add(1));
    let mut total = 0;
    let mut buf = [0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => return total,
            Ok(n) => total += n as u64,
        }
    }
}
