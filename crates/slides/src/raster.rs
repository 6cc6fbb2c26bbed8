//! PNG, JPEG and WebP pictures: size checked from the header, decoded, flattened onto white,
//! downscaled (never up) to the target widths.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};

use crate::encode::{encode, Rgb};
use crate::error::{Oversize, SlidesError};
use crate::{Limits, Page, WIDTHS};

/// Bytes the decoder may hold beyond the decoded picture itself (row buffers, tables).
const DECODER_SLACK: u64 = 64 << 20;

pub(crate) fn render(
    bytes: &[u8],
    format: ImageFormat,
    limits: &Limits,
) -> Result<Page, SlidesError> {
    // Bounds for the decoder itself, from the limits alone: up to 16-bit RGBA (8 bytes a
    // pixel) plus its working memory.
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_alloc = Some(
        limits
            .max_source_pixels
            .saturating_mul(8)
            .saturating_add(DECODER_SLACK),
    );
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decoder_limits);

    // Making the decoder reads the header only: refuse before any pixel is decoded.
    let mut decoder = guarded(|| reader.into_decoder())?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(SlidesError::NoPixels { width, height });
    }
    if u64::from(width) * u64::from(height) > limits.max_source_pixels {
        return Err(Oversize::Pixels {
            width: u64::from(width),
            height: u64::from(height),
            limit: limits.max_source_pixels,
        }
        .into());
    }
    // Phone pictures are often stored sideways with an EXIF rotation.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut decoded = guarded(|| DynamicImage::from_decoder(decoder))?;
    decoded.apply_orientation(orientation);
    let source = flatten(decoded);
    let width = source.width();

    let targets = widths_for(width);
    let mut renditions = Vec::with_capacity(targets.len());
    for target in targets {
        let rgb = scaled(&source, target);
        renditions.push(encode(&rgb)?);
    }
    Ok(Page { renditions })
}

/// The target widths not larger than the source, smallest first; the source width alone if
/// it is below the smallest target.
fn widths_for(source_width: u32) -> Vec<u32> {
    let fitting: Vec<u32> = WIDTHS
        .iter()
        .copied()
        .filter(|&w| w <= source_width)
        .collect();
    if fitting.is_empty() {
        vec![source_width]
    } else {
        fitting
    }
}

/// The decoded picture as opaque RGB: transparent parts are laid over white (a slide is
/// shown on its own, and flattening first keeps the resampling from dragging in the colour of
/// invisible pixels).
fn flatten(decoded: DynamicImage) -> RgbImage {
    if !decoded.color().has_alpha() {
        return decoded.into_rgb8();
    }
    let rgba = decoded.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut data = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        let a = u16::from(px[3]);
        // Exact rounding of c·a/255 + 255·(1 − a/255); the result is at most 255.
        let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        data.extend([over_white(px[0]), over_white(px[1]), over_white(px[2])]);
    }
    RgbImage::from_raw(width, height, data).unwrap_or_else(|| RgbImage::new(width, height))
}

/// `source` at `width`, aspect kept (height at least 1).
fn scaled(source: &RgbImage, width: u32) -> Rgb {
    if width == source.width() {
        return Rgb {
            width,
            height: source.height(),
            data: source.as_raw().clone(),
        };
    }
    let h = (f64::from(width) * f64::from(source.height()) / f64::from(source.width())).round();
    let height = (h as u32).max(1);
    // Lanczos3: the sharpest of image's filters, which keeps small text legible.
    let resized = image::imageops::resize(source, width, height, FilterType::Lanczos3);
    Rgb {
        width,
        height,
        data: resized.into_raw(),
    }
}

/// Decoders are fuzzed but not proven: a panic on hostile input becomes a decoding error.
fn guarded<T>(f: impl FnOnce() -> image::ImageResult<T>) -> image::ImageResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(image::ImageError::Decoding(
            image::error::DecodingError::new(
                image::error::ImageFormatHint::Unknown,
                "the decoder failed on this file",
            ),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_upscales() {
        assert_eq!(widths_for(100), vec![100]);
        assert_eq!(widths_for(480), vec![480]);
        assert_eq!(widths_for(1280), vec![480, 960]);
        assert_eq!(widths_for(1600), vec![480, 960, 1600]);
        assert_eq!(widths_for(4000), vec![480, 960, 1600]);
    }
}
