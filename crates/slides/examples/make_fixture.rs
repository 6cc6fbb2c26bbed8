//! Writes the browser-test fixtures at the repository root:
//! `tests/fixtures/deck.pdf` (three 16:9 text slides, each with its own title and a big block
//! of its own colour, so a screenshot shows which page is on screen) and
//! `tests/fixtures/slide.png` (a 1280×720 still in a few flat colours, for the image upload).
//!
//! `cargo run -p sala-slides --example make_fixture`

#[path = "../tests/support/deck.rs"]
mod deck;

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    std::fs::create_dir_all(&dir)?;

    let slides = [
        deck::Slide {
            title: "Slide 1 \u{2014} Agenda",
            bullets: &[
                "Opening of the hearing",
                "Appearances of the parties",
                "Order of witnesses",
                "Timetable for the day",
            ],
            block: Some([0.85, 0.15, 0.15]), // red
        },
        deck::Slide {
            title: "Slide 2 \u{2014} Evidence",
            bullets: &[
                "Exhibit A: the contract",
                "Exhibit B: delivery notes",
                "Exhibit C: correspondence",
                "Expert report on the damage",
            ],
            block: Some([0.15, 0.35, 0.85]), // blue
        },
        deck::Slide {
            title: "Slide 3 \u{2014} Ruling",
            bullets: &[
                "The claim is allowed in part",
                "Damages of 12 000 awarded",
                "Costs shared equally",
                "Appeal within 30 days",
            ],
            block: Some([0.1, 0.6, 0.25]), // green
        },
    ];
    let pdf = deck::deck(deck::WIDE, &slides);
    std::fs::write(dir.join("deck.pdf"), &pdf)?;
    println!("tests/fixtures/deck.pdf: {} bytes", pdf.len());

    let png = still()?;
    std::fs::write(dir.join("slide.png"), &png)?;
    println!("tests/fixtures/slide.png: {} bytes", png.len());
    Ok(())
}

/// 1280×720, four colours: white, a dark header band with a light title bar, grey bars for
/// lines of text, an orange block.
fn still() -> Result<Vec<u8>, png::EncodingError> {
    const W: usize = 1280;
    const H: usize = 720;
    const WHITE: u8 = 0;
    const INK: u8 = 1;
    const GREY: u8 = 2;
    const ORANGE: u8 = 3;
    let palette = [255, 255, 255, 25, 35, 60, 110, 110, 120, 240, 140, 20];

    let mut px = vec![WHITE; W * H];
    let mut fill = |x0: usize, y0: usize, x1: usize, y1: usize, c: u8| {
        for y in y0..y1 {
            px[y * W + x0..y * W + x1].fill(c);
        }
    };
    fill(0, 0, W, 140, INK); // header band
    fill(80, 50, 700, 95, WHITE); // title
    for (i, len) in [620, 540, 660, 480, 590].into_iter().enumerate() {
        let y = 200 + i * 70;
        fill(80, y, 100, y + 20, INK); // bullet
        fill(120, y, 120 + len, y + 24, GREY); // line of text
    }
    fill(880, 200, 1200, 560, ORANGE); // block
    fill(1160, 660, 1200, 680, GREY); // page number

    // 2 bits a pixel, packed.
    let mut data = Vec::with_capacity(W * H / 4);
    for row in px.chunks(W) {
        for group in row.chunks(4) {
            data.push(
                group
                    .iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &c)| b | c << (6 - 2 * i)),
            );
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, W as u32, H as u32);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Two);
    encoder.set_palette(&palette[..]);
    encoder.set_deflate_compression(png::DeflateCompression::Level(9));
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}
