//! Drawing a layout: SVG, and PNG from the SVG.
pub mod embed;
pub(crate) mod markup;
pub mod pdf;
pub mod png;
pub mod sequence;
pub mod svg;
