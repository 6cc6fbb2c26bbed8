//! One opaque RGB picture in, the smaller of a palette PNG and a lossless WebP out.

use std::collections::HashMap;

use crate::error::EncodeError;
use crate::{Format, Rendition};

/// An opaque picture, 3 bytes (R, G, B) per pixel, rows top to bottom.
pub(crate) struct Rgb {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) data: Vec<u8>,
}

/// The widest or tallest picture lossless WebP (VP8L) can describe.
const WEBP_MAX_SIDE: u32 = 16_384;

/// Encodes `img` both as a palette PNG and as a lossless WebP and keeps the smaller.
///
/// Both are encoded from the same palette pixels (see [`palettize`]), so "smaller" compares
/// like with like.
pub(crate) fn encode(img: &Rgb) -> Result<Rendition, EncodeError> {
    let indexed = palettize(&img.data);
    let png = encode_png(img.width, img.height, &indexed)?;
    let mut best = Rendition {
        width: img.width,
        height: img.height,
        format: Format::Png,
        bytes: png,
    };
    if img.width <= WEBP_MAX_SIDE && img.height <= WEBP_MAX_SIDE {
        let webp = encode_webp(img.width, img.height, &indexed)?;
        if webp.len() < best.bytes.len() {
            best.format = Format::WebP;
            best.bytes = webp;
        }
    }
    Ok(best)
}

/// A picture as palette indices, one byte per pixel.
pub(crate) struct Indexed {
    /// At most 256 colours.
    palette: Vec<[u8; 3]>,
    indices: Vec<u8>,
}

impl Indexed {
    fn is_gray(&self) -> bool {
        self.palette.iter().all(|&[r, g, b]| r == g && g == b)
    }
}

fn key(px: &[u8]) -> u32 {
    (u32::from(px[0]) << 16) | (u32::from(px[1]) << 8) | u32::from(px[2])
}

/// At most this many colours are always kept exactly: flat graphics and aliased text.
const EXACT_MAX: usize = 64;

/// Smaller palettes tried, in order, before 256 colours, for pictures with more than
/// [`EXACT_MAX`] colours. Antialiased text in a few inks has a few hundred colours, mostly
/// ramps between ink and background; a shorter ramp per ink looks the same and compresses
/// better: a 960 px text slide is 16.6 KB with 32 colours (53.8 dB), 18.3 KB with 64,
/// 21 KB with 256. (NeuQuant is tuned for 64 colours and more; the k-means refinement in
/// [`refine`] makes its 32-colour palettes good.)
const LADDER: [usize; 2] = [32, 64];

/// A smaller palette is taken when the picture keeps at least this peak signal-to-noise ratio
/// (dB): an error no one sees on a slide (the shades lost are those of antialiased edges).
const TARGET_PSNR: f64 = 50.0;

/// Beyond this many distinct colours a picture is photographic: no exact palette, no
/// refinement, NeuQuant at 256 colours.
const HISTOGRAM_MAX: usize = 1 << 16;

/// Lloyd iterations refining NeuQuant's palette on the colour histogram.
const REFINE_ROUNDS: usize = 4;

/// A colour with at least this share of the pixels (per mille) is kept exactly in the palette
/// (backgrounds, ink, coloured blocks).
const PINNED_PER_MILLE: u64 = 2;

/// The picture as palette indices: its own colours when it has few, else the smallest
/// palette from [`LADDER`] that keeps [`TARGET_PSNR`], else its own colours when they are
/// at most 256, else 256 chosen by NeuQuant.
fn palettize(rgb: &[u8]) -> Indexed {
    let pixels = (rgb.len() / 3) as u64;
    let Some(hist) = histogram(rgb) else {
        return neuquant_only(rgb);
    };
    if hist.len() <= EXACT_MAX {
        return exact(rgb, &hist);
    }
    let rgba = to_rgba(rgb);
    for k in LADDER {
        let palette = refine(neuquant(&rgba, k), &hist, pixels);
        if psnr(&palette, &hist, pixels) >= TARGET_PSNR {
            return map(rgb, palette, &hist);
        }
    }
    if hist.len() <= 256 {
        return exact(rgb, &hist);
    }
    map(rgb, refine(neuquant(&rgba, 256), &hist, pixels), &hist)
}

/// Distinct colours (packed RGB) with their pixel counts, most frequent first; `None` past
/// [`HISTOGRAM_MAX`] colours.
fn histogram(rgb: &[u8]) -> Option<Vec<(u32, u64)>> {
    let mut counts: HashMap<u32, u64> = HashMap::with_capacity(1024);
    let mut run: Option<(u32, u64)> = None;
    for px in rgb.chunks_exact(3) {
        let k = key(px);
        match &mut run {
            Some((colour, n)) if *colour == k => *n += 1,
            _ => {
                if let Some((colour, n)) = run {
                    *counts.entry(colour).or_insert(0) += n;
                    if counts.len() > HISTOGRAM_MAX {
                        return None;
                    }
                }
                run = Some((k, 1));
            }
        }
    }
    if let Some((colour, n)) = run {
        *counts.entry(colour).or_insert(0) += n;
    }
    if counts.len() > HISTOGRAM_MAX {
        return None;
    }
    let mut hist: Vec<(u32, u64)> = counts.into_iter().collect();
    // Count, then colour: deterministic, so the same upload always gives the same bytes.
    hist.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(hist)
}

fn unkey(k: u32) -> [u8; 3] {
    let [_, r, g, b] = k.to_be_bytes();
    [r, g, b]
}

fn to_rgba(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .flat_map(|px| [px[0], px[1], px[2], 255])
        .collect()
}

/// The picture's own colours (at most 256), most frequent first.
fn exact(rgb: &[u8], hist: &[(u32, u64)]) -> Indexed {
    let palette = hist.iter().map(|&(k, _)| unkey(k)).collect();
    let lookup: HashMap<u32, u8> = hist
        .iter()
        .enumerate()
        .map(|(i, &(k, _))| (k, i as u8))
        .collect();
    Indexed {
        palette,
        indices: indices(rgb, &lookup),
    }
}

/// Each pixel's index through `lookup`, which holds every colour of the picture.
fn indices(rgb: &[u8], lookup: &HashMap<u32, u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgb.len() / 3);
    let mut last: Option<(u32, u8)> = None;
    for px in rgb.chunks_exact(3) {
        let k = key(px);
        let index = match last {
            Some((lk, li)) if lk == k => li,
            _ => {
                let i = lookup.get(&k).copied().unwrap_or(0);
                last = Some((k, i));
                i
            }
        };
        out.push(index);
    }
    out
}

/// NeuQuant's sampling factor (1 learns from every pixel, 30 from every 30th): about 100 000
/// samples, plenty for slides, and a bound on the time spent on big pictures.
fn sample_factor(pixels: usize) -> i32 {
    (pixels / 100_000).clamp(1, 30) as i32
}

fn neuquant(rgba: &[u8], k: usize) -> Vec<[u8; 3]> {
    let nq = color_quant::NeuQuant::new(sample_factor(rgba.len() / 4), k, rgba);
    let mut palette: Vec<[u8; 3]> = nq
        .color_map_rgb()
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    palette.sort_unstable();
    palette.dedup();
    palette
}

fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(&x, y)| {
            let d = i32::from(x) - i32::from(y);
            d.unsigned_abs().pow(2)
        })
        .sum()
}

fn nearest(palette: &[[u8; 3]], colour: [u8; 3]) -> usize {
    let mut best = (u32::MAX, 0);
    for (i, &p) in palette.iter().enumerate() {
        let d = distance(p, colour);
        if d < best.0 {
            best = (d, i);
            if d == 0 {
                break;
            }
        }
    }
    best.1
}

/// Lloyd's k-means on the weighted histogram, from NeuQuant's palette; then the most frequent
/// colours are pinned exactly (a white background stays 255, 255, 255).
fn refine(mut palette: Vec<[u8; 3]>, hist: &[(u32, u64)], pixels: u64) -> Vec<[u8; 3]> {
    for _ in 0..REFINE_ROUNDS {
        let mut sums = vec![([0u64; 3], 0u64); palette.len()];
        for &(k, n) in hist {
            let c = unkey(k);
            let s = &mut sums[nearest(&palette, c)];
            for (acc, v) in s.0.iter_mut().zip(c) {
                *acc += u64::from(v) * n;
            }
            s.1 += n;
        }
        for (p, (sum, n)) in palette.iter_mut().zip(sums) {
            if n > 0 {
                // A mean of u8 values: at most 255.
                *p = sum.map(|v| ((v + n / 2) / n) as u8);
            }
        }
    }
    let mut pinned = vec![false; palette.len()];
    for &(k, n) in hist {
        if n * 1000 < pixels * PINNED_PER_MILLE {
            break; // most frequent first: the rest are rarer
        }
        let c = unkey(k);
        let i = nearest(&palette, c);
        if !pinned[i] {
            palette[i] = c;
            pinned[i] = true;
        }
    }
    palette
}

/// Peak signal-to-noise ratio of the picture drawn with `palette`, in dB.
fn psnr(palette: &[[u8; 3]], hist: &[(u32, u64)], pixels: u64) -> f64 {
    let squared: u64 = hist
        .iter()
        .map(|&(k, n)| {
            let c = unkey(k);
            u64::from(distance(palette[nearest(palette, c)], c)) * n
        })
        .sum();
    if squared == 0 {
        return f64::INFINITY;
    }
    let mse = squared as f64 / (pixels * 3) as f64;
    10.0 * (255.0 * 255.0 / mse).log10()
}

/// The picture through `palette` (at most 256 entries), each colour to its nearest entry.
fn map(rgb: &[u8], palette: Vec<[u8; 3]>, hist: &[(u32, u64)]) -> Indexed {
    let lookup: HashMap<u32, u8> = hist
        .iter()
        .map(|&(k, _)| (k, nearest(&palette, unkey(k)) as u8))
        .collect();
    Indexed {
        indices: indices(rgb, &lookup),
        palette,
    }
}

/// Photographic pictures: NeuQuant's 256 colours and its own fast nearest-colour search.
fn neuquant_only(rgb: &[u8]) -> Indexed {
    let rgba = to_rgba(rgb);
    let nq = color_quant::NeuQuant::new(sample_factor(rgb.len() / 3), 256, &rgba);
    let palette: Vec<[u8; 3]> = nq
        .color_map_rgb()
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    let mut memo: HashMap<u32, u8> = HashMap::with_capacity(1 << 16);
    let indices = rgba
        .chunks_exact(4)
        .map(|px| {
            *memo
                .entry(key(px))
                .or_insert_with(|| u8::try_from(nq.index_of(px)).unwrap_or(u8::MAX))
        })
        .collect();
    Indexed { palette, indices }
}

/// Palette PNG at the smallest bit depth the palette allows, deflate level 9, no row filter
/// (the usual best choice for palette pictures, where filters scramble the index runs).
fn encode_png(width: u32, height: u32, img: &Indexed) -> Result<Vec<u8>, png::EncodingError> {
    let depth = match img.palette.len() {
        0..=2 => png::BitDepth::One,
        3..=4 => png::BitDepth::Two,
        5..=16 => png::BitDepth::Four,
        _ => png::BitDepth::Eight,
    };
    let bits = depth as usize;
    let data = pack(&img.indices, width as usize, bits);
    let palette: Vec<u8> = img.palette.iter().flatten().copied().collect();

    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(depth);
    encoder.set_palette(palette);
    encoder.set_deflate_compression(png::DeflateCompression::Level(9));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// Packs one-byte indices into rows of `bits`-bit samples, most significant bits first,
/// each row padded to a whole byte (PNG's layout).
fn pack(indices: &[u8], width: usize, bits: usize) -> Vec<u8> {
    if bits == 8 {
        return indices.to_vec();
    }
    let per_byte = 8 / bits;
    let row_bytes = width.div_ceil(per_byte);
    let mut out = Vec::with_capacity(row_bytes * (indices.len() / width.max(1)));
    for row in indices.chunks(width.max(1)) {
        for group in row.chunks(per_byte) {
            let mut byte = 0u8;
            for (i, &index) in group.iter().enumerate() {
                byte |= index << (8 - bits * (i + 1));
            }
            out.push(byte);
        }
    }
    out
}

/// Lossless WebP of the indexed picture's pixels (grey pictures as one channel).
fn encode_webp(
    width: u32,
    height: u32,
    img: &Indexed,
) -> Result<Vec<u8>, image_webp::EncodingError> {
    let mut out = Vec::new();
    let encoder = image_webp::WebPEncoder::new(&mut out);
    if img.is_gray() {
        let luma: Vec<u8> = img
            .indices
            .iter()
            .map(|&i| img.palette[usize::from(i)][0])
            .collect();
        encoder.encode(&luma, width, height, image_webp::ColorType::L8)?;
    } else {
        let rgb: Vec<u8> = img
            .indices
            .iter()
            .flat_map(|&i| img.palette[usize::from(i)])
            .collect();
        encoder.encode(&rgb, width, height, image_webp::ColorType::Rgb8)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_sub_byte_rows_with_padding() {
        // 3 pixels per row at 2 bits: one byte per row, low bits padded with zeros.
        let packed = pack(&[1, 2, 3, 3, 0, 1], 3, 2);
        assert_eq!(packed, vec![0b0110_1100, 0b1100_0100]);
        let packed = pack(&[1, 0, 1, 1, 1, 1, 1, 1, 1], 9, 1);
        assert_eq!(packed, vec![0b1011_1111, 0b1000_0000]);
    }

    fn back(indexed: &Indexed) -> Vec<u8> {
        indexed
            .indices
            .iter()
            .flat_map(|&i| indexed.palette[usize::from(i)])
            .collect()
    }

    #[test]
    fn few_colours_are_kept_exactly() {
        let data = [[255, 255, 255], [0, 0, 0], [200, 10, 10]]
            .iter()
            .cycle()
            .take(64 * 16)
            .flatten()
            .copied()
            .collect::<Vec<u8>>();
        let indexed = palettize(&data);
        assert_eq!(indexed.palette.len(), 3);
        assert_eq!(back(&indexed), data);
    }

    /// A white picture with a grey ramp of every level: 256 colours, the shape of
    /// antialiased black text.
    fn ramp() -> Vec<u8> {
        let mut data = vec![255u8; 3 * 100_000];
        for (i, px) in data.chunks_exact_mut(3).enumerate().take(20_000) {
            px.fill((i % 256) as u8);
        }
        data
    }

    #[test]
    fn an_antialiasing_ramp_is_shortened_but_white_stays_white() {
        let data = ramp();
        let indexed = palettize(&data);
        assert!(indexed.palette.len() <= 64, "{}", indexed.palette.len());
        let got = back(&indexed);
        assert!(
            got[got.len() - 3..].iter().all(|&c| c == 255),
            "background exact"
        );
        let worst = got.iter().zip(&data).map(|(a, b)| a.abs_diff(*b)).max();
        assert!(worst <= Some(8), "no shade moves far: {worst:?}");
    }

    #[test]
    fn many_colours_are_quantized_to_256() {
        // 10 000 distinct colours: the histogram path, every ladder step refused.
        let data: Vec<u8> = (0..100u32 * 100)
            .flat_map(|i| {
                [
                    (i % 100 * 2) as u8,
                    (i / 100 * 2) as u8,
                    (i * 7 % 256) as u8,
                ]
            })
            .collect();
        assert_eq!(histogram(&data).map(|h| h.len()), Some(10_000));
        let indexed = palettize(&data);
        assert!(indexed.palette.len() > 64 && indexed.palette.len() <= 256);
        assert_eq!(indexed.indices.len(), 100 * 100);
        assert!(indexed
            .indices
            .iter()
            .all(|&i| usize::from(i) < indexed.palette.len()));
    }

    #[test]
    fn tiny_pictures_with_many_colours() {
        // 65 pixels, 65 colours: just past the exact palette, with almost nothing to learn from.
        let data: Vec<u8> = (0..65u8).flat_map(|i| [i * 3, 255 - i, i]).collect();
        let img = Rgb {
            width: 65,
            height: 1,
            data,
        };
        let r = encode(&img).expect("encodes");
        assert_eq!((r.width, r.height), (65, 1));
    }

    #[test]
    fn photographic_pictures_skip_the_histogram() {
        let data: Vec<u8> = (0..260u32 * 260)
            .flat_map(|i| {
                let [_, r, g, b] = (i.wrapping_mul(2_654_435_761)).to_be_bytes();
                [r, g, b]
            })
            .collect();
        assert!(histogram(&data).is_none());
        let indexed = palettize(&data);
        assert_eq!(indexed.palette.len(), 256);
    }
}
