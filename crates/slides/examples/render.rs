//! Renders a file the way the server will and prints what each page costs on the wire.
//!
//! `cargo run --release -p sala-slides --example render -- FILE [OUT_DIR]`
//!
//! With `OUT_DIR`, every rendition is written there as `p{page}-{width}.{ext}`.

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: render FILE [OUT_DIR]");
        std::process::exit(2);
    };
    let out = args.next().map(PathBuf::from);
    let bytes = std::fs::read(&path)?;

    let start = Instant::now();
    let pages = sala_slides::render(&bytes, &sala_slides::Limits::default())?;
    let elapsed = start.elapsed();

    if let Some(dir) = &out {
        std::fs::create_dir_all(dir)?;
    }
    for (n, page) in pages.iter().enumerate() {
        let sizes: Vec<String> = page
            .renditions
            .iter()
            .map(|r| {
                format!(
                    "{}×{} {} {} B",
                    r.width,
                    r.height,
                    r.format.extension(),
                    r.bytes.len()
                )
            })
            .collect();
        println!("page {:>3}: {}", n + 1, sizes.join(", "));
        if let Some(dir) = &out {
            for r in &page.renditions {
                let name = format!("p{}-{}.{}", n + 1, r.width, r.format.extension());
                std::fs::write(dir.join(name), &r.bytes)?;
            }
        }
    }
    println!(
        "{} pages in {:.2} s ({:.0} ms a page), input {} bytes",
        pages.len(),
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / pages.len() as f64,
        bytes.len()
    );
    Ok(())
}
