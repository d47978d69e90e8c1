//! The SVG rasterised with resvg, with the bundled font loaded: resvg draws
//! no text at all when the font an SVG names cannot be found.

use resvg::{tiny_skia, usvg};

use crate::layout::text::{FONT, FONT_FAMILY};

/// The size the root `<svg>` element declares, read without building the
/// tree: refusing an oversized picture must not cost what drawing it would.
fn declared_size(svg: &str) -> Option<(f64, f64)> {
    let mut reader = quick_xml::Reader::from_str(svg);
    loop {
        match reader.read_event().ok()? {
            quick_xml::events::Event::Start(element) | quick_xml::events::Event::Empty(element)
                if element.local_name().as_ref() == "svg" =>
            {
                let number = |key: &str| {
                    let attribute = element.try_get_attribute(key).ok()??;
                    attribute.value.trim_end_matches("px").parse::<f64>().ok()
                };
                return Some((number("width")?, number("height")?));
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
    }
}

/// The error for a picture of `width` × `height` pixels over the limit.
fn too_large(width: f64, height: f64, max_pixels: u64) -> String {
    format!(
        "flowzap::E034: the picture would be {width:.0} × {height:.0} pixels, more than the {max_pixels} a PNG is made \
         with; write SVG instead, lower `--scale`, or raise the limit with `--max-pixels N`"
    )
}

/// Refuses a picture of `width` × `height` units at `scale` pixels per unit
/// with more than `max_pixels` pixels: callers with a layout ask before they
/// write the SVG at all.
pub fn check_size(width: f64, height: f64, scale: f32, max_pixels: u64) -> Result<(), String> {
    let (width, height) = (width * f64::from(scale), height * f64::from(scale));
    match width * height > max_pixels as f64 {
        true => Err(too_large(width, height, max_pixels)),
        false => Ok(()),
    }
}

/// `svg` read by usvg with the bundled font, for PNG and PDF alike.
pub(crate) fn read_svg(svg: &str) -> Result<usvg::Tree, String> {
    let mut options = usvg::Options { font_family: FONT_FAMILY.to_owned(), ..usvg::Options::default() };
    options.fontdb_mut().load_font_data(FONT.to_vec());
    usvg::Tree::from_str(svg, &options).map_err(|error| format!("cannot read the SVG: {error}"))
}

/// Rasterises `svg` at `scale` pixels per unit, refusing pictures of more
/// than `max_pixels` pixels before anything is built.
pub fn from_svg(svg: &str, scale: f32, max_pixels: u64) -> Result<Vec<u8>, String> {
    if let Some((width, height)) = declared_size(svg) {
        check_size(width, height, scale, max_pixels)?;
    }
    let tree = read_svg(svg)?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or("the picture has no size")?;
    let pixels = u64::from(size.width()) * u64::from(size.height());
    if pixels > max_pixels {
        return Err(too_large(f64::from(size.width()), f64::from(size.height()), max_pixels));
    }
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("cannot allocate the picture")?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|error| format!("cannot encode the PNG: {error}"))
}
