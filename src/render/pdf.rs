//! The SVG as a one-page PDF through svg2pdf, with the bundled font
//! embedded (subset) so the labels stay text: selectable, searchable and
//! read aloud, at any zoom.

/// `svg` as PDF bytes. svg2pdf writes no dates or random ids, so the same
/// SVG gives the same bytes.
pub fn from_svg(svg: &str) -> Result<Vec<u8>, String> {
    // svg2pdf's usvg is resvg's (Cargo.toml keeps their versions together).
    let tree = super::png::read_svg(svg)?;
    let conversion = svg2pdf::ConversionOptions { embed_text: true, ..svg2pdf::ConversionOptions::default() };
    svg2pdf::to_pdf(&tree, conversion, svg2pdf::PageOptions::default())
        .map_err(|error| format!("cannot write the PDF: {error}"))
}
