//! What an editor waits for after each keystroke, on generated diagrams of
//! 1,000 and 10,000 nodes: the diagnostics `flowzap lsp` publishes after a
//! one-character edit (read, analyse, lint), and the answers to hover and
//! completion. The whole server, pipes included, is measured by
//! `examples/lsp_latency.rs`.

use divan::{black_box, Bencher};
use flowzap::Document;

fn main() {
    divan::main();
}

const SIZES: &[(usize, usize)] = &[(1_000, 20), (10_000, 20)];

/// The text with one more character in the first label, as after a keystroke.
fn edited((nodes, lanes): (usize, usize)) -> String {
    let mut text = flowzap::synth::swimlane_text(nodes, lanes, 42);
    let at = text.find("label:\"").map_or(0, |at| at + 7);
    text.insert(at, 'x');
    text
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn diagnostics_after_an_edit(bencher: Bencher, size: (usize, usize)) {
    let text = edited(size);
    bencher.bench(|| Document::new(black_box(text.clone())).lint_diagnostics().len());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn hover(bencher: Bencher, size: (usize, usize)) {
    let text = edited(size);
    let offset = text.find("n2").unwrap_or(0);
    bencher.bench(|| {
        let document = Document::new(black_box(text.clone()));
        flowzap::ide::hover(&document, offset).map(|(_, said)| said.len())
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn references(bencher: Bencher, size: (usize, usize)) {
    let text = edited(size);
    let offset = text.find("n2").unwrap_or(0);
    bencher.bench(|| flowzap::ide::references(black_box(&text), offset, true).len());
}
