//! Layout and SVG for any text that loads without errors. Oracles: the SVG
//! is well-formed XML, and the same input draws the same bytes twice.
#![no_main]

use flowzap::{Document, Theme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let document = Document::new(text);
    let Ok(svg) = document.svg(Theme::Light) else { return };
    if let Err(error) = roxmltree::Document::parse(svg) {
        panic!("the SVG is not XML: {error}\n{svg}");
    }
    let again = Document::new(text);
    assert!(Ok(svg) == again.svg(Theme::Light), "two drawings of one diagram differ");
    let graph = document.graph_json().expect("a file that draws has graph JSON");
    serde_json::from_str::<serde_json::Value>(&graph).expect("graph JSON parses");
});
