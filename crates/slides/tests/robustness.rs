//! Bad input gets a clear error, never a panic.

#[path = "support/deck.rs"]
mod deck;

use sala_slides::{render, render_still, Limits, Oversize, PdfError, SlidesError};

/// A PNG declaring `width`×`height` with no pixel data (an empty IDAT chunk).
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter method, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    for chunk in [&b"IDAT"[..], b"IEND"] {
        png.extend(0u32.to_be_bytes());
        png.extend(chunk);
        png.extend(crc32(chunk).to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn empty_upload() {
    let err = render(b"", &Limits::default()).unwrap_err();
    assert!(matches!(err, SlidesError::Empty));
    assert_eq!(err.to_string(), "the file is empty");
}

#[test]
fn garbage_bytes() {
    for garbage in [
        &b"hello, this is not a slide"[..],
        &[0u8; 4096],
        b"GIF89a\x01\x00",
    ] {
        let err = render(garbage, &Limits::default()).unwrap_err();
        assert!(matches!(err, SlidesError::UnknownFormat), "{err:?}");
    }
    let err = render(
        b"\x89PNG\r\n\x1a\n garbage after a PNG signature",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, SlidesError::Image(_)), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("the picture could not be decoded"));
}

#[test]
fn upload_over_the_byte_limit_is_refused_unread() {
    let limits = Limits {
        max_input_bytes: 1000,
        ..Limits::default()
    };
    let err = render(&deck::text_deck(1), &limits).unwrap_err();
    assert!(
        matches!(
            err,
            SlidesError::TooLarge(Oversize::Bytes { limit: 1000, .. })
        ),
        "{err:?}"
    );
}

#[test]
fn enormous_declared_dimensions_are_refused_before_decoding() {
    // 100 000 × 100 000 RGB would be 30 GB: the header alone decides.
    let err = render_still(&png_header(100_000, 100_000), &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            SlidesError::TooLarge(Oversize::Pixels {
                width: 100_000,
                height: 100_000,
                limit: 40_000_000
            })
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the picture is 100000×100000 pixels; at most 40000000 pixels are accepted"
    );
    // Just over a lowered limit.
    let limits = Limits {
        max_source_pixels: 999,
        ..Limits::default()
    };
    let err = render_still(&png_header(1000, 1), &limits).unwrap_err();
    assert!(matches!(err, SlidesError::TooLarge(_)), "{err:?}");
}

/// A real 16×16 picture in `format`.
fn tiny(format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(16, 16)
        .write_to(&mut out, format)
        .expect("encodes");
    out.into_inner()
}

/// A JPEG whose frame header (SOF0) declares `width`×`height`.
fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = tiny(image::ImageFormat::Jpeg);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline frame header");
    // Marker, length (2), precision (1), then height and width.
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

#[test]
fn enormous_jpeg_and_webp_are_refused_before_decoding() {
    let err = render_still(&jpeg_declaring(60_000, 60_000), &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            SlidesError::TooLarge(Oversize::Pixels { width: 60_000, .. })
        ),
        "{err:?}"
    );

    // Lossless WebP: 14 bits each of width − 1 and height − 1 after the 0x2f signature.
    let mut webp = tiny(image::ImageFormat::WebP);
    assert_eq!(&webp[12..16], b"VP8L");
    let header = u32::from_le_bytes([webp[21], webp[22], webp[23], webp[24]]);
    let header = (header & !((1 << 28) - 1)) | 16_382 | (16_382 << 14);
    webp[21..25].copy_from_slice(&header.to_le_bytes());
    let err = render_still(&webp, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            SlidesError::TooLarge(Oversize::Pixels { width: 16_383, .. })
        ),
        "{err:?}"
    );
}

#[test]
fn zero_sized_jpeg() {
    let err = render_still(&jpeg_declaring(0, 0), &Limits::default()).unwrap_err();
    assert!(
        matches!(err, SlidesError::NoPixels { .. } | SlidesError::Image(_)),
        "{err:?}"
    );
}

#[test]
fn zero_sized_picture() {
    let err = render_still(&png_header(0, 0), &Limits::default()).unwrap_err();
    assert!(
        matches!(err, SlidesError::NoPixels { .. } | SlidesError::Image(_)),
        "{err:?}"
    );
}

#[test]
fn header_only_png_is_a_decoding_error() {
    let err = render_still(&png_header(64, 64), &Limits::default()).unwrap_err();
    assert!(matches!(err, SlidesError::Image(_)), "{err:?}");
}

#[test]
fn pdf_where_a_still_is_expected() {
    let err = render_still(&deck::text_deck(1), &Limits::default()).unwrap_err();
    assert!(matches!(err, SlidesError::NotAStill), "{err:?}");
}

#[test]
fn pdf_with_zero_pages() {
    let err = render(&deck::deck(deck::WIDE, &[]), &Limits::default()).unwrap_err();
    assert!(matches!(err, SlidesError::NoPages), "{err:?}");
    assert_eq!(err.to_string(), "the PDF has no pages");
}

#[test]
fn pdf_header_and_nothing_else() {
    let err = render(b"%PDF-1.7\n", &Limits::default()).unwrap_err();
    assert!(
        matches!(err, SlidesError::Pdf(PdfError::Invalid)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the PDF could not be read: it is damaged or incomplete"
    );
}

#[test]
fn truncated_pdf_never_panics() {
    let pdf = deck::text_deck(1);
    // Cut at many points: before the page tree, inside the content stream, before the
    // cross-reference table. Some cuts still hold a drawable page (readers rebuild the
    // cross-references); the rest must be errors, never panics.
    let mut errors = 0;
    for cut in [
        9,
        40,
        120,
        300,
        600,
        pdf.len() / 2,
        pdf.len() - 200,
        pdf.len() - 10,
    ] {
        match render(&pdf[..cut], &Limits::default()) {
            Ok(pages) => assert!(pages.iter().all(|p| !p.renditions.is_empty())),
            Err(err) => {
                assert!(
                    matches!(err, SlidesError::Pdf(_) | SlidesError::NoPages),
                    "cut at {cut}: {err:?}"
                );
                errors += 1;
            }
        }
    }
    assert!(errors > 0, "the shortest cuts cannot be drawn");
}

#[test]
fn same_upload_same_bytes() {
    let pdf = deck::text_deck(1);
    let a = render(&pdf, &Limits::default()).expect("renders");
    let b = render(&pdf, &Limits::default()).expect("renders");
    assert_eq!(a, b, "content addresses stay stable across uploads");
}
