//! PDF decks built in memory with pdf-writer, rendered, and decoded back.

#[path = "support/deck.rs"]
mod deck;

use std::collections::HashSet;
use std::time::Instant;

use sala_slides::{content_id, render, Format, Limits, Page, Rendition, SlidesError, WIDTHS};

/// The rendition decoded back to RGB, checked against its declared size and format.
fn decode(r: &Rendition) -> image::RgbImage {
    let expected = match r.format {
        Format::Png => image::ImageFormat::Png,
        Format::WebP => image::ImageFormat::WebP,
    };
    assert_eq!(
        image::guess_format(&r.bytes).expect("known format"),
        expected
    );
    let img = image::load_from_memory_with_format(&r.bytes, expected)
        .expect("rendition decodes")
        .into_rgb8();
    assert_eq!(img.dimensions(), (r.width, r.height), "declared size");
    img
}

fn luma(p: &image::Rgb<u8>) -> u32 {
    (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000
}

/// Pixels darker than mid-grey in the rectangle, as a fraction of the rectangle.
fn dark_share(img: &image::RgbImage, x: (u32, u32), y: (u32, u32)) -> f64 {
    let mut dark = 0u32;
    for yy in y.0..y.1 {
        for xx in x.0..x.1 {
            if luma(img.get_pixel(xx, yy)) < 128 {
                dark += 1;
            }
        }
    }
    f64::from(dark) / f64::from((x.1 - x.0) * (y.1 - y.0))
}

#[test]
fn text_deck_renders_every_page_at_every_width() {
    let pdf = deck::text_deck(2);
    let pages = render(&pdf, &Limits::default()).expect("renders");
    assert_eq!(pages.len(), 2);
    for page in &pages {
        let widths: Vec<u32> = page.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, WIDTHS, "smallest first, one per target width");
        for r in &page.renditions {
            // 16:9 pages: the height follows the width.
            assert_eq!(r.height, r.width * 9 / 16);
            decode(r);
        }
    }
}

#[test]
fn text_slide_meets_the_size_target() {
    let pdf = deck::text_deck(1);
    let pages = render(&pdf, &Limits::default()).expect("renders");
    let sizes: Vec<(u32, usize, &str)> = pages[0]
        .renditions
        .iter()
        .map(|r| (r.width, r.bytes.len(), r.format.extension()))
        .collect();
    println!("text slide renditions (width, bytes, format): {sizes:?}");
    let middle = &pages[0].renditions[1];
    assert_eq!(middle.width, 960);
    assert!(
        middle.bytes.len() <= 20_000,
        "960 px text slide is {} bytes, over the 20 KB target",
        middle.bytes.len()
    );
}

#[test]
fn rendered_page_shows_the_text() {
    let pdf = deck::text_deck(1);
    let pages = render(&pdf, &Limits::default()).expect("renders");
    let img = decode(&pages[0].renditions[1]); // 960×540: one pixel per point
                                               // Title: 43 px bold, baseline at y = 540 − 0.82·540 ≈ 97, from x = 60.
    let title = dark_share(&img, (60, 560), (60, 97));
    assert!(title > 0.15, "title area is {:.0}% dark", title * 100.0);
    // Bullet lines below it.
    let bullets = dark_share(&img, (60, 560), (150, 420));
    assert!(
        bullets > 0.03,
        "bullet area is {:.1}% dark",
        bullets * 100.0
    );
    // The left margin and the bottom-left corner stay white.
    assert_eq!(dark_share(&img, (0, 50), (0, 540)), 0.0);
    assert_eq!(dark_share(&img, (0, 400), (480, 540)), 0.0);
    // The background is white, not transparent black or grey.
    assert_eq!(img.get_pixel(5, 5), &image::Rgb([255, 255, 255]));
}

#[test]
fn content_ids_address_each_rendition() {
    let pdf = deck::text_deck(2);
    let pages = render(&pdf, &Limits::default()).expect("renders");
    let mut ids = HashSet::new();
    for page in &pages {
        for r in &page.renditions {
            let id = content_id(&r.bytes);
            assert_eq!(id.len(), 64);
            assert!(
                id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
                "{id}"
            );
            assert_eq!(r.content_id(), id);
            assert!(ids.insert(id), "every rendition of every page differs");
        }
    }
    assert_eq!(ids.len(), 6);
}

#[test]
fn coloured_blocks_survive_and_pages_differ() {
    let slides = [
        deck::Slide {
            title: "Slide 1 \u{2014} Agenda",
            bullets: &["One", "Two"],
            block: Some([0.85, 0.1, 0.1]),
        },
        deck::Slide {
            title: "Slide 2 \u{2014} Evidence",
            bullets: &["Three"],
            block: Some([0.1, 0.3, 0.85]),
        },
    ];
    let pages = render(&deck::deck(deck::WIDE, &slides), &Limits::default()).expect("renders");
    let centre = |page: &Page| {
        let img = decode(&page.renditions[0]); // 480×270
        *img.get_pixel(480 * 80 / 100, 270 / 2)
    };
    assert_eq!(centre(&pages[0]), image::Rgb([217, 26, 26]));
    assert_eq!(centre(&pages[1]), image::Rgb([26, 77, 217]));
}

#[test]
fn any_aspect_ratio_keeps_the_width() {
    // A4 portrait and a very wide banner.
    for (size, heights) in [
        ((595.0, 842.0), [679, 1359, 2264]),
        ((1000.0, 100.0), [48, 96, 160]),
    ] {
        let slide = deck::Slide {
            title: "Aspect",
            bullets: &[],
            block: None,
        };
        let pages = render(&deck::deck(size, &[slide]), &Limits::default()).expect("renders");
        let got: Vec<(u32, u32)> = pages[0]
            .renditions
            .iter()
            .map(|r| {
                decode(r);
                (r.width, r.height)
            })
            .collect();
        let want: Vec<(u32, u32)> = WIDTHS.iter().copied().zip(heights).collect();
        assert_eq!(got, want, "page of {size:?} pt");
    }
}

#[test]
fn page_limit_is_checked_before_drawing() {
    let pdf = deck::text_deck(5);
    let limits = Limits {
        max_pages: 4,
        ..Limits::default()
    };
    let err = render(&pdf, &limits).unwrap_err();
    assert!(
        matches!(err, SlidesError::TooManyPages { pages: 5, limit: 4 }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the PDF has 5 pages; at most 4 are accepted"
    );
}

#[test]
fn a_page_too_tall_to_draw_is_refused() {
    // 1 × 400 points: 1600 px wide would be 640 000 px tall.
    let slide = deck::Slide {
        title: "x",
        bullets: &[],
        block: None,
    };
    let err = render(&deck::deck((1.0, 400.0), &[slide]), &Limits::default()).unwrap_err();
    assert!(matches!(err, SlidesError::TooLarge(_)), "{err:?}");
}

/// Timing: `cargo test --release -p sala-slides --test pdf -- --ignored --nocapture`.
#[test]
#[ignore = "timing, run in release by hand"]
fn bench_twenty_page_deck() {
    let pdf = deck::text_deck(20);
    let start = Instant::now();
    let pages = render(&pdf, &Limits::default()).expect("renders");
    let elapsed = start.elapsed();
    let mut totals = [0usize; 3];
    for page in &pages {
        for (t, r) in totals.iter_mut().zip(&page.renditions) {
            *t += r.bytes.len();
        }
    }
    println!(
        "20 pages × {} widths in {:.2} s ({:.0} ms a page); PDF {} bytes; mean bytes a page at {:?}: {:?}",
        WIDTHS.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / 20.0,
        pdf.len(),
        WIDTHS,
        totals.map(|t| t / 20),
    );
}
