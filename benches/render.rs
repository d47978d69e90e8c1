//! The workflow view stage by stage on generated diagrams of 100, 1,000 and
//! 10,000 nodes over 5 and 20 lanes: the layout from the analysis, the SVG
//! from the layout, and the whole of `render` from text; then the shapes
//! that used to cost quadratic room (a long chain beside as many nodes
//! without edges, in one lane), written out as the command writes it.

use divan::{black_box, Bencher};
use flowzap::{Document, Theme};

fn main() {
    divan::main();
}

const SIZES: &[(usize, usize)] = &[(100, 5), (100, 20), (1_000, 5), (1_000, 20), (10_000, 5), (10_000, 20)];

fn analysed((nodes, lanes): (usize, usize)) -> Document {
    let document = Document::new(flowzap::synth::swimlane_text(nodes, lanes, 42));
    let _ = document.analysis();
    document
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn layout(bencher: Bencher, size: (usize, usize)) {
    let document = analysed(size);
    let (Some(diagram), Some(analysis)) = (Some(document.diagram()), document.analysis()) else { return };
    bencher.bench(|| flowzap::layout::layout(black_box(diagram), analysis));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn svg(bencher: Bencher, size: (usize, usize)) {
    let document = analysed(size);
    let Some(layout) = document.layout() else { return };
    bencher.bench(|| flowzap::render::svg::render(black_box(document.diagram()), layout, Theme::Light));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn text_to_svg(bencher: Bencher, size: (usize, usize)) {
    let text = flowzap::synth::swimlane_text(size.0, size.1, 42);
    bencher.bench(|| Document::new(black_box(text.as_str())).svg(Theme::Light).map(str::len));
}

/// 15,000 chained nodes beside 15,000 without edges in one lane, from text
/// to SVG written out as `flowzap render` writes it (peak memory of the
/// command: `examples/stage_memory.rs`, and /usr/bin/time in the note).
#[divan::bench(sample_count = 5)]
fn chain_beside_loose_nodes(bencher: Bencher) {
    let text = flowzap::synth::chain_and_loose_text(15_000, 15_000);
    bencher.bench(|| Document::new(black_box(text.as_str())).write_svg(Theme::Light, &mut std::io::sink()).is_ok());
}

/// Diagrams of about 1,000 and 10,000 messages, the sequence view from the
/// analysis (frames, replies, layout and SVG) in both message orders.
const MESSAGES: &[(usize, usize)] = &[(870, 10), (8_700, 20)];

#[divan::bench(args = MESSAGES, sample_count = 10)]
fn sequence_view(bencher: Bencher, size: (usize, usize)) {
    let document = analysed(size);
    bencher.bench(|| document.sequence_svg(Theme::Light, flowzap::SequenceOrder::File).map(|svg| svg.len()));
}

#[divan::bench(args = MESSAGES, sample_count = 10)]
fn sequence_view_in_flow_order(bencher: Bencher, size: (usize, usize)) {
    let document = analysed(size);
    bencher.bench(|| document.sequence_svg(Theme::Light, flowzap::SequenceOrder::Flow).map(|svg| svg.len()));
}
