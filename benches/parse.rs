//! Front-end speed on generated diagrams: parsing alone, and parsing plus
//! resolving into the model (what `flowzap check` does).

use divan::counter::BytesCount;
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[100, 1_000, 10_000];

fn text(nodes: usize, lanes: usize) -> String {
    flowzap::synth::swimlane_text(nodes, lanes, 42)
}

#[divan::bench(args = SIZES)]
fn parse_5_lanes(bencher: Bencher, nodes: usize) {
    let text = text(nodes, 5);
    bencher.counter(BytesCount::of_str(&text)).bench(|| flowzap::syntax::parse(black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn load_5_lanes(bencher: Bencher, nodes: usize) {
    let text = text(nodes, 5);
    bencher.counter(BytesCount::of_str(&text)).bench(|| flowzap::load(black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn load_20_lanes(bencher: Bencher, nodes: usize) {
    let text = text(nodes, 20);
    bencher.counter(BytesCount::of_str(&text)).bench(|| flowzap::load(black_box(&text)));
}
