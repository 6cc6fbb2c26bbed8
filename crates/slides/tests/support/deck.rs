//! Builds small PDF decks in memory for the tests and for `examples/make_fixture.rs`:
//! base-14 Helvetica text (not embedded, as office exports of simple decks often are),
//! optional coloured blocks, one content stream per page.

#![allow(dead_code)] // each test binary uses a different part

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// 16:9 in points (13.33 × 7.5 in), the page size of most presentation exports.
pub const WIDE: (f32, f32) = (960.0, 540.0);

/// One slide's content.
pub struct Slide<'a> {
    pub title: &'a str,
    pub bullets: &'a [&'a str],
    /// A big filled rectangle on the right, RGB in 0..=1.
    pub block: Option<[f32; 3]>,
}

/// The bullets of the typical text slide the size target is measured on.
pub const BULLETS: [&str; 6] = [
    "Opening statements from both parties",
    "Witness list confirmed by the registry",
    "Exhibits A to F admitted without objection",
    "Interpreter available for Khmer and French",
    "Recess at noon, hearing resumes at 14:00",
    "Written submissions due within ten days",
];

/// `pages` typical text slides: a title, six bullet lines and a page number, dark on white.
pub fn text_deck(pages: usize) -> Vec<u8> {
    let titles: Vec<String> = (1..=pages)
        .map(|n| format!("Hearing plan, part {n}"))
        .collect();
    let slides: Vec<Slide<'_>> = titles
        .iter()
        .map(|title| Slide {
            title,
            bullets: &BULLETS,
            block: None,
        })
        .collect();
    deck(WIDE, &slides)
}

/// A deck of `slides` on pages of `size` points.
pub fn deck((width, height): (f32, f32), slides: &[Slide<'_>]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let page_ids: Vec<Ref> = (0..slides.len())
        .map(|i| Ref::new(10 + 2 * i as i32))
        .collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(slides.len() as i32);
    for (font, name) in [(regular, &b"Helvetica"[..]), (bold, b"Helvetica-Bold")] {
        pdf.type1_font(font)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }

    for (i, (slide, &page_id)) in slides.iter().zip(&page_ids).enumerate() {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, width, height))
            .parent(tree)
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();

        let mut c = Content::new();
        let margin = width * 0.0625;
        if let Some([r, g, b]) = slide.block {
            c.set_fill_rgb(r, g, b)
                .rect(width * 0.66, height * 0.12, width * 0.28, height * 0.56)
                .fill_nonzero();
        }
        // Title.
        c.set_fill_rgb(0.1, 0.12, 0.18)
            .begin_text()
            .set_font(Name(b"F2"), height * 0.08)
            .next_line(margin, height * 0.82)
            .show(Str(&win_ansi(slide.title)))
            .end_text();
        // Bullets.
        let size = height * 0.045;
        c.set_fill_rgb(0.2, 0.2, 0.2)
            .begin_text()
            .set_font(Name(b"F1"), size);
        c.next_line(margin, height * 0.68);
        for (n, bullet) in slide.bullets.iter().enumerate() {
            if n > 0 {
                c.next_line(0.0, -size * 1.7);
            }
            c.show(Str(&win_ansi(&format!("\u{2022}  {bullet}"))));
        }
        c.end_text();
        // Page number.
        c.set_fill_rgb(0.45, 0.45, 0.45)
            .begin_text()
            .set_font(Name(b"F1"), height * 0.03)
            .next_line(width - margin, height * 0.05)
            .show(Str(format!("{}", i + 1).as_bytes()))
            .end_text();
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

/// Text in WinAnsiEncoding: ASCII as is, the few typographic marks the decks use mapped,
/// anything else a question mark.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|ch| match ch {
            ' '..='~' => ch as u8,
            '\u{2022}' => 0x95, // bullet
            '\u{2013}' => 0x96, // en dash
            '\u{2014}' => 0x97, // em dash
            _ => b'?',
        })
        .collect()
}
