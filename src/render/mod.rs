//! Drawing a layout: SVG, and PNG from the SVG.
pub mod png;
pub mod svg;
