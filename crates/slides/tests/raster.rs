//! PNG, JPEG and WebP pictures in: downscaled, never upscaled, decoded back.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use sala_slides::{render, render_still, Format, Limits, Page, Rendition};

/// A slide-like picture: white, a coloured block, dark bars standing in for lines of text.
fn slide(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x * 100 / width, y * 100 / height);
        if (66..94).contains(&fx) && (20..80).contains(&fy) {
            Rgb([20, 110, 60])
        } else if (6..50).contains(&fx) && fy > 20 && fy < 80 && fy % 10 < 4 {
            Rgb([30, 30, 40])
        } else {
            Rgb([255, 255, 255])
        }
    })
}

fn encoded(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}

fn decode(r: &Rendition) -> RgbImage {
    let format = match r.format {
        Format::Png => ImageFormat::Png,
        Format::WebP => ImageFormat::WebP,
    };
    let img = image::load_from_memory_with_format(&r.bytes, format)
        .expect("rendition decodes")
        .into_rgb8();
    assert_eq!(img.dimensions(), (r.width, r.height));
    img
}

fn sizes(page: &Page) -> Vec<(u32, u32)> {
    page.renditions
        .iter()
        .map(|r| (r.width, r.height))
        .collect()
}

#[test]
fn png_screen_still_is_downscaled_never_upscaled() {
    let png = encoded(DynamicImage::ImageRgb8(slide(1280, 720)), ImageFormat::Png);
    let page = render_still(&png, &Limits::default()).expect("renders");
    assert_eq!(sizes(&page), [(480, 270), (960, 540)]);
    for r in &page.renditions {
        let img = decode(r);
        // The block keeps its colour through resampling and the palette.
        let centre = img.get_pixel(r.width * 80 / 100, r.height / 2);
        assert_eq!(centre, &Rgb([20, 110, 60]), "{}px", r.width);
        assert_eq!(img.get_pixel(2, 2), &Rgb([255, 255, 255]));
    }
    // render() sniffs the same bytes to the same single page.
    assert_eq!(
        render(&png, &Limits::default()).expect("renders"),
        vec![page]
    );
}

#[test]
fn large_jpeg_gets_all_three_widths() {
    let jpeg = encoded(
        DynamicImage::ImageRgb8(slide(2000, 1000)),
        ImageFormat::Jpeg,
    );
    let page = render_still(&jpeg, &Limits::default()).expect("renders");
    assert_eq!(sizes(&page), [(480, 240), (960, 480), (1600, 800)]);
    for r in &page.renditions {
        decode(r);
    }
}

#[test]
fn small_webp_keeps_its_own_width() {
    let webp = encoded(DynamicImage::ImageRgb8(slide(300, 200)), ImageFormat::WebP);
    let page = render_still(&webp, &Limits::default()).expect("renders");
    assert_eq!(sizes(&page), [(300, 200)]);
    // Flat colours only: the picture comes back exactly.
    assert_eq!(decode(&page.renditions[0]), slide(300, 200));
}

#[test]
fn transparency_is_laid_over_white() {
    let img = RgbaImage::from_fn(500, 100, |x, _| {
        if x < 250 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([0, 0, 255, 255])
        }
    });
    let png = encoded(DynamicImage::ImageRgba8(img), ImageFormat::Png);
    let page = render_still(&png, &Limits::default()).expect("renders");
    let out = decode(&page.renditions[0]);
    assert_eq!(out.dimensions(), (480, 96));
    assert_eq!(out.get_pixel(10, 50), &Rgb([255, 255, 255]));
    assert_eq!(out.get_pixel(470, 50), &Rgb([0, 0, 255]));
}

#[test]
fn photographs_are_quantized_and_still_decode() {
    // Smooth gradients and noise: far more than 256 colours.
    let img = RgbImage::from_fn(600, 400, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 17;
        Rgb([
            (x * 255 / 600) as u8,
            (y * 255 / 400) as u8,
            (128 + n * 4) as u8,
        ])
    });
    let png = encoded(DynamicImage::ImageRgb8(img), ImageFormat::Png);
    let page = render_still(&png, &Limits::default()).expect("renders");
    assert_eq!(sizes(&page), [(480, 320)]);
    for r in &page.renditions {
        let out = decode(r);
        // Colours land near the original gradient.
        let p = out.get_pixel(r.width / 2, r.height / 2);
        assert!(p[0].abs_diff(127) < 24 && p[1].abs_diff(127) < 24, "{p:?}");
    }
}

#[test]
fn the_checked_in_still_fixture_renders() {
    let bytes = include_bytes!("../../../tests/fixtures/slide.png");
    let page = render_still(bytes, &Limits::default()).expect("renders");
    assert_eq!(sizes(&page), [(480, 270), (960, 540)]);
    for r in &page.renditions {
        decode(r);
    }
}

#[test]
fn exif_rotation_is_applied() {
    use image::ImageEncoder;
    // Stored 200 wide and 600 tall, dark at the top; EXIF orientation 6 turns it a quarter
    // clockwise for display: 600 wide and 200 tall, dark at the right.
    let stored = RgbImage::from_fn(200, 600, |_, y| {
        if y < 300 {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        }
    });
    // A big-endian TIFF header and one IFD entry: orientation (0x0112), SHORT, 1, value 6.
    let exif = [
        b'M', b'M', 0, 42, 0, 0, 0, 8, // header, IFD at 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // orientation = 6
        0, 0, 0, 0, // no next IFD
    ];
    let mut jpeg = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95);
    encoder.set_exif_metadata(exif.to_vec()).expect("exif");
    encoder
        .write_image(stored.as_raw(), 200, 600, image::ExtendedColorType::Rgb8)
        .expect("encodes");

    let page = render_still(&jpeg, &Limits::default()).expect("renders");
    assert_eq!(sizes(&page), [(480, 160)]);
    let out = decode(&page.renditions[0]);
    assert!(out.get_pixel(470, 80)[0] < 40, "right side dark");
    assert!(out.get_pixel(10, 80)[0] > 215, "left side light");
}
