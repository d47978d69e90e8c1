//! The fork/join analysis on generated diagrams: the whole of `lint` after
//! loading (roles, joins, structure tree, soundness, rules).

use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[100, 1_000, 10_000];

fn diagram(nodes: usize, lanes: usize) -> flowzap::model::Diagram {
    flowzap::load(&flowzap::synth::swimlane_text(nodes, lanes, 42)).diagram
}

#[divan::bench(args = SIZES)]
fn lint_5_lanes(bencher: Bencher, nodes: usize) {
    let diagram = diagram(nodes, 5);
    let options = flowzap::analysis::Options::default();
    bencher.bench(|| flowzap::analysis::lint(black_box(&diagram), &options));
}

#[divan::bench(args = SIZES)]
fn lint_20_lanes(bencher: Bencher, nodes: usize) {
    let diagram = diagram(nodes, 20);
    let options = flowzap::analysis::Options::default();
    bencher.bench(|| flowzap::analysis::lint(black_box(&diagram), &options));
}

#[divan::bench(args = SIZES)]
fn structure_only(bencher: Bencher, nodes: usize) {
    let diagram = diagram(nodes, 5);
    bencher.bench(|| {
        let flow = flowzap::analysis::flow::Flow::new(black_box(&diagram));
        let roles = flowzap::analysis::roles::roles(&diagram, &flow);
        flowzap::analysis::structure::structure(&diagram, &flow, &roles)
    });
}
