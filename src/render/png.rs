//! The SVG rasterised with resvg, with the bundled font loaded: resvg draws
//! no text at all when the font an SVG names cannot be found.

use resvg::{tiny_skia, usvg};

use crate::layout::text::{FONT, FONT_FAMILY};

/// Pixels past which a PNG is refused rather than allocated (a 10,000-node
/// diagram is far wider than any screen: use SVG for those).
pub const MAX_PIXELS: u64 = 64_000_000;

pub fn from_svg(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    let mut options = usvg::Options { font_family: FONT_FAMILY.to_owned(), ..usvg::Options::default() };
    options.fontdb_mut().load_font_data(FONT.to_vec());
    let tree = usvg::Tree::from_str(svg, &options).map_err(|error| format!("cannot read the SVG: {error}"))?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or("the picture has no size")?;
    let pixels = u64::from(size.width()) * u64::from(size.height());
    if pixels > MAX_PIXELS {
        return Err(format!(
            "the picture would be {} × {} pixels, more than a PNG is made for here ({MAX_PIXELS} pixels); write SVG instead",
            size.width(),
            size.height()
        ));
    }
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("cannot allocate the picture")?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|error| format!("cannot encode the PNG: {error}"))
}
