//! The workflow view, phase by phase, on generated diagrams of 100, 1,000
//! and 10,000 nodes over 5 and 20 lanes; then the whole layout and the SVG.

use divan::{black_box, Bencher};
use flowzap::analysis::flow::Flow;
use flowzap::layout::{coordinates, layering, ordering, ports, routing, sizes};
use flowzap::model::Diagram;

fn main() {
    divan::main();
}

const SIZES: &[(usize, usize)] = &[(100, 5), (100, 20), (1_000, 5), (1_000, 20), (10_000, 5), (10_000, 20)];

fn diagram((nodes, lanes): (usize, usize)) -> Diagram {
    flowzap::load(&flowzap::synth::swimlane_text(nodes, lanes, 42)).diagram
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn phase_1_cycles_and_layering(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    bencher.bench(|| {
        let flow = Flow::new(black_box(&diagram));
        layering::layers(&diagram, &flow)
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn phase_2_ordering(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    let flow = Flow::new(&diagram);
    let layers = layering::layers(&diagram, &flow);
    bencher.bench(|| ordering::order(black_box(&diagram), &flow, &layers));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn phase_3_sizes(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    bencher.bench(|| sizes::measure(black_box(&diagram)));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn phase_4_route_plan_and_coordinates(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    let flow = Flow::new(&diagram);
    let layers = layering::layers(&diagram, &flow);
    let grid = ordering::order(&diagram, &flow, &layers);
    let measured = sizes::measure(&diagram);
    let roles = flowzap::analysis::roles::roles(&diagram, &flow);
    bencher.bench(|| {
        let plan = routing::plan(black_box(&diagram), &grid);
        coordinates::place(&diagram, &grid, &measured, &plan, &roles)
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn phase_5_ports_routes_labels(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    let flow = Flow::new(&diagram);
    let layers = layering::layers(&diagram, &flow);
    let grid = ordering::order(&diagram, &flow, &layers);
    let measured = sizes::measure(&diagram);
    let roles = flowzap::analysis::roles::roles(&diagram, &flow);
    let plan = routing::plan(&diagram, &grid);
    let geometry = coordinates::place(&diagram, &grid, &measured, &plan, &roles);
    bencher.bench(|| {
        let ports = ports::assign(black_box(&diagram), &geometry);
        routing::route(&diagram, &geometry, &plan, &ports)
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn whole_layout(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    bencher.bench(|| flowzap::layout::layout(black_box(&diagram)));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn svg(bencher: Bencher, size: (usize, usize)) {
    let diagram = diagram(size);
    let layout = flowzap::layout::layout(&diagram);
    bencher.bench(|| flowzap::render::svg::render(black_box(&diagram), &layout, flowzap::render::svg::Theme::Light));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn parse_layout_and_svg(bencher: Bencher, size: (usize, usize)) {
    let text = flowzap::synth::swimlane_text(size.0, size.1, 42);
    bencher.bench(|| {
        let diagram = flowzap::load(black_box(&text)).diagram;
        let layout = flowzap::layout::layout(&diagram);
        flowzap::render::svg::render(&diagram, &layout, flowzap::render::svg::Theme::Light)
    });
}
