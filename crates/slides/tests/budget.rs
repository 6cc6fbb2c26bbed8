//! Bounds the renderer does not enforce itself, checked before drawing (issue #11): a PDF
//! whose streams inflate too far, an image declaring too many pixels.

use sala_slides::{render, Limits, Oversize, SlidesError};

/// One page showing an image XObject of `width`×`height` whose data is `data`, compressed
/// with Flate.
fn pdf_with_image(width: i32, height: i32, data: &[u8]) -> Vec<u8> {
    use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
    use std::io::Write;
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    zlib.write_all(data).unwrap();
    let compressed = zlib.finish().unwrap();
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content, image) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, 960.0, 540.0))
        .parent(tree)
        .contents(content);
    p.resources().x_objects().pair(Name(b"Im"), image);
    p.finish();
    let mut c = Content::new();
    c.transform([960.0, 0.0, 0.0, 540.0, 0.0, 0.0])
        .x_object(Name(b"Im"));
    pdf.stream(content, &c.finish());
    let mut xobject = pdf.image_xobject(image, &compressed);
    xobject.filter(Filter::FlateDecode);
    xobject.width(width).height(height).bits_per_component(8);
    xobject.color_space().device_gray();
    xobject.finish();
    pdf.finish()
}

#[test]
fn a_stream_that_inflates_too_far_is_refused_before_drawing() {
    // 4 MiB of zeros compress to a few kilobytes; the limit here is 1 MiB.
    let pdf = pdf_with_image(2048, 2048, &vec![0; 4 << 20]);
    assert!(pdf.len() < 64 << 10, "{} bytes", pdf.len());
    let limits = Limits {
        max_decoded_bytes: 1 << 20,
        ..Limits::default()
    };
    let err = render(&pdf, &limits).unwrap_err();
    assert!(
        matches!(
            err,
            SlidesError::TooLarge(Oversize::Decoded { limit: 1_048_576 })
        ),
        "{err:?}"
    );
    // Within the default limit, the same file renders.
    assert_eq!(render(&pdf, &Limits::default()).unwrap().len(), 1);
}

#[test]
fn an_image_declaring_too_many_pixels_is_refused_before_decoding() {
    let pdf = pdf_with_image(100_000, 100_000, &[0; 16]);
    let err = render(&pdf, &Limits::default()).unwrap_err();
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
}
