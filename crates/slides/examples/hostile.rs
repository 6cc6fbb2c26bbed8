//! Writes the hostile uploads of issue #11 into a directory, for measuring what a render
//! costs (docs/BENCHMARKS.md, "Hostile uploads"):
//!
//! - `nested-forms.pdf`: form XObject `n` draws form `n - 1` four times, 24 levels deep; a few
//!   kilobytes that draw for ever;
//! - `inflate.pdf`: one page whose 1 GiB content stream is Flate-compressed into about 1 MiB;
//! - `tall-page.pdf`: one 960 × 14 000 pt page (37 million pixels at the widest rendition);
//! - `deck-200.pdf`: 200 typical text slides.
//!
//! `cargo run -p sala-slides --example hostile -- OUT_DIR`

#[path = "../tests/support/deck.rs"]
mod deck;

use std::io::Write;
use std::path::PathBuf;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: hostile OUT_DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("nested-forms.pdf"), nested_forms())?;
    std::fs::write(dir.join("inflate.pdf"), inflate())?;
    std::fs::write(dir.join("tall-page.pdf"), tall_page(14_000.0))?;
    std::fs::write(dir.join("deck-200.pdf"), deck::text_deck(200))?;
    Ok(())
}

fn nested_forms() -> Vec<u8> {
    const LEVELS: i32 = 24;
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    let form = |level: i32| Ref::new(10 + level);
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, 960.0, 540.0))
        .parent(tree)
        .contents(content);
    p.resources().x_objects().pair(Name(b"X"), form(LEVELS));
    p.finish();
    let mut c = Content::new();
    c.x_object(Name(b"X"));
    pdf.stream(content, &c.finish());
    for level in 0..=LEVELS {
        let mut c = Content::new();
        if level == 0 {
            c.rect(10.0, 10.0, 100.0, 50.0).fill_nonzero();
        } else {
            for _ in 0..4 {
                c.x_object(Name(b"X"));
            }
        }
        let data = c.finish();
        let mut xobject = pdf.form_xobject(form(level), &data);
        xobject.bbox(Rect::new(0.0, 0.0, 960.0, 540.0));
        if level > 0 {
            xobject
                .resources()
                .x_objects()
                .pair(Name(b"X"), form(level - 1));
        }
        xobject.finish();
    }
    pdf.finish()
}

/// One page whose content stream is 1 GiB of spaces and a rectangle, Flate-compressed (about
/// 1 MiB).
fn inflate() -> Vec<u8> {
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        zlib.write_all(&spaces).expect("in memory");
    }
    zlib.write_all(b"0 0 1 rg 10 10 500 300 re f")
        .expect("in memory");
    let data = zlib.finish().expect("in memory");
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    pdf.page(page)
        .media_box(Rect::new(0.0, 0.0, 960.0, 540.0))
        .parent(tree)
        .contents(content);
    pdf.stream(content, &data).filter(Filter::FlateDecode);
    pdf.finish()
}

/// One page 960 pt wide and `height` tall with a blue block.
fn tall_page(height: f32) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    pdf.page(page)
        .media_box(Rect::new(0.0, 0.0, 960.0, height))
        .parent(tree)
        .contents(content);
    let mut c = Content::new();
    c.set_fill_rgb(0.2, 0.3, 0.8)
        .rect(10.0, 10.0, 900.0, height - 100.0)
        .fill_nonzero();
    pdf.stream(content, &c.finish());
    pdf.finish()
}
