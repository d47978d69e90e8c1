//! Drawing a layout: SVG.
pub mod svg;
