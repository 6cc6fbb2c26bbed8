//! PDF pages drawn by hayro, once per target width (a vector re-render, not a downscale).

use std::panic::{catch_unwind, AssertUnwindSafe};

use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::{DecryptionError, LoadPdfError, Pdf};
use hayro::kurbo::Affine;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{RenderCache, RenderSettings};

use crate::encode::{encode, Rgb};
use crate::error::{Oversize, PdfError, SlidesError};
use crate::{Limits, Page, WIDTHS};

pub(crate) fn render(bytes: &[u8], limits: &Limits) -> Result<Vec<Page>, SlidesError> {
    // Parsing is guarded like drawing (see below): a parser panic means a damaged file.
    let data = bytes.to_vec();
    let pdf = catch_unwind(move || {
        let pdf = Pdf::new(data)?;
        // The page tree is read lazily: read it here, inside the guard.
        let _ = pdf.pages().len();
        Ok(pdf)
    })
    .unwrap_or(Err(LoadPdfError::Invalid))
    .map_err(|e| match e {
        LoadPdfError::Decryption(DecryptionError::PasswordProtected) => PdfError::PasswordProtected,
        LoadPdfError::Decryption(_) => PdfError::Encryption,
        _ => PdfError::Invalid,
    })?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(SlidesError::NoPages);
    }
    if pages.len() > limits.max_pages {
        return Err(SlidesError::TooManyPages {
            pages: pages.len(),
            limit: limits.max_pages,
        });
    }
    // Images and inflated streams, before anything is decoded for drawing (guarded too: the
    // scan makes hayro parse every object).
    catch_unwind(AssertUnwindSafe(|| crate::scan::check(&pdf, limits)))
        .unwrap_or(Err(PdfError::Invalid.into()))?;

    // Fonts: the base-14 fonts come embedded in hayro (feature `embed-fonts`); nothing is
    // looked up on the machine. Warnings are dropped (the default sink).
    let settings = InterpreterSettings::default();
    let render_settings = RenderSettings::default();
    let cache = RenderCache::new();

    // Sizes first, for every page, so an oversized page fails the upload before any drawing.
    let mut sizes = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let (w, h) = page.render_dimensions();
        let sizes_of_page: Vec<(u32, u32)> = WIDTHS
            .iter()
            .map(|&width| {
                let height = height_for(width, f64::from(w), f64::from(h));
                check_canvas(width, height, limits).map(|()| (width, height))
            })
            .collect::<Result<_, _>>()?;
        sizes.push(sizes_of_page);
    }

    let mut out = Vec::with_capacity(pages.len());
    for (number, (page, sizes)) in pages.iter().zip(sizes).enumerate() {
        let mut renditions = Vec::with_capacity(sizes.len());
        for (width, height) in sizes {
            // hayro is young and meets PDFs its authors have not: a panic while drawing one
            // page becomes an error for the upload, not a crash of the caller's thread.
            let rgb = catch_unwind(AssertUnwindSafe(|| {
                draw(page, &cache, &settings, &render_settings, width, height)
            }))
            .map_err(|_| PdfError::Page { page: number + 1 })?;
            renditions.push(encode(&rgb)?);
        }
        out.push(Page { renditions });
    }
    Ok(out)
}

/// The height of a page drawn `width` pixels wide: the aspect ratio is kept, at least 1.
fn height_for(width: u32, page_w: f64, page_h: f64) -> u32 {
    let h = (f64::from(width) * page_h / page_w).round();
    // `as` saturates; NaN (not expected: hayro gives pages a size of at least 1) becomes 0.
    (h as u32).max(1)
}

/// The canvas must fit the pixel limit, and the renderer's 16-bit sides.
fn check_canvas(width: u32, height: u32, limits: &Limits) -> Result<(), Oversize> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_source_pixels || height > u32::from(u16::MAX) {
        return Err(Oversize::Pixels {
            width: u64::from(width),
            height: u64::from(height),
            limit: limits.max_source_pixels,
        });
    }
    Ok(())
}

fn draw<'a>(
    page: &'a hayro::hayro_syntax::page::Page<'a>,
    cache: &RenderCache<'a>,
    settings: &InterpreterSettings,
    render_settings: &RenderSettings,
    width: u32,
    height: u32,
) -> Rgb {
    // Both fit in u16: widths are from WIDTHS, heights were checked by check_canvas.
    let (w16, h16) = (width as u16, height as u16);
    let (page_w, _) = page.render_dimensions();
    let scale = f64::from(width) / f64::from(page_w);
    let transform = Affine::scale(scale) * page.initial_transform(true).to_kurbo();

    let mut ctx = RenderContext::new(w16, h16);
    hayro::render_into(page, cache, settings, render_settings, &mut ctx, transform);
    ctx.flush();
    let mut pixmap = Pixmap::new(w16, h16);
    ctx.render_with(
        &mut pixmap,
        &mut Resources::default(),
        RasterizerSettings {
            target_init: TargetInit::Clear(WHITE),
            ..Default::default()
        },
    );

    // Premultiplied RGBA over an opaque white start: alpha stays 255, but flatten onto white
    // anyway so a renderer surprise cannot leak transparency into the palette.
    let rgba = pixmap.data_as_u8_slice();
    let mut data = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        let under = 255 - px[3];
        data.extend([
            px[0].saturating_add(under),
            px[1].saturating_add(under),
            px[2].saturating_add(under),
        ]);
    }
    Rgb {
        width,
        height,
        data,
    }
}
