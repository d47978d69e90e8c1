//! Drawing a layout: SVG, and PNG from the SVG.
mod markup;
pub mod png;
pub mod svg;
