//! Compiling to workflow JSON, ASL and BPMN on generated diagrams: the
//! sequential swimlane diagrams of the other benchmarks, and diagrams full
//! of fork/join blocks, crossing joins, retries in branches and replies
//! (`synth::parallel_text`). Lint is done outside the timed part.

use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[100, 1_000, 10_000, 100_000];

fn analysed(text: &str) -> (flowzap::model::Diagram, flowzap::analysis::Analysis) {
    let diagram = flowzap::load(text).diagram;
    let (analysis, _) = flowzap::analysis::lint(&diagram, &flowzap::analysis::Options::default());
    (diagram, analysis)
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn lower_sequential(bencher: Bencher, nodes: usize) {
    let (diagram, analysis) = analysed(&flowzap::synth::swimlane_text(nodes, 5, 42));
    bencher.bench(|| flowzap::emit::program::lower(black_box(&diagram), &analysis, "bench").map(|l| l.program));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn lower_parallel(bencher: Bencher, nodes: usize) {
    let (diagram, analysis) = analysed(&flowzap::synth::parallel_text(nodes, 5, 42));
    bencher.bench(|| flowzap::emit::program::lower(black_box(&diagram), &analysis, "bench").map(|l| l.program));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn lint_parallel(bencher: Bencher, nodes: usize) {
    let diagram = flowzap::load(&flowzap::synth::parallel_text(nodes, 5, 42)).diagram;
    let options = flowzap::analysis::Options::default();
    bencher.bench(|| flowzap::analysis::lint(black_box(&diagram), &options));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn asl_parallel(bencher: Bencher, nodes: usize) {
    let (diagram, analysis) = analysed(&flowzap::synth::parallel_text(nodes, 5, 42));
    let Ok(lowered) = flowzap::emit::program::lower(&diagram, &analysis, "bench") else { return };
    bencher.bench(|| {
        flowzap::emit::asl::to_string(black_box(&lowered.program), &diagram, flowzap::emit::asl::DEFAULT_RESOURCE)
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn bpmn_parallel(bencher: Bencher, nodes: usize) {
    let (diagram, analysis) = analysed(&flowzap::synth::parallel_text(nodes, 5, 42));
    bencher.bench(|| flowzap::emit::bpmn::compile(black_box(&diagram), &analysis, "bench"));
}
