//! Layout and SVG for any text that loads without errors. Oracles: the SVG
//! is well-formed XML, and the same input draws the same bytes twice.
#![no_main]

use flowzap::render::svg::{render, Theme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = flowzap::load(text);
    if loaded.has_errors() {
        return;
    }
    let layout = flowzap::layout::layout(&loaded.diagram);
    let svg = render(&loaded.diagram, &layout, Theme::Light);
    if let Err(error) = roxmltree::Document::parse(&svg) {
        panic!("the SVG is not XML: {error}\n{svg}");
    }
    let again = render(&loaded.diagram, &flowzap::layout::layout(&loaded.diagram), Theme::Light);
    assert!(svg == again, "two drawings of one diagram differ");
    let graph = flowzap::emit::graph_json::to_string(&loaded.diagram);
    serde_json::from_str::<serde_json::Value>(&graph).expect("graph JSON parses");
});
