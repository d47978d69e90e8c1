//! Measures a picture with the checker the render tests use: crossings,
//! edges through nodes, edges over labels, bends, area and aspect, as one
//! line of JSON. `--dot` reads a picture Graphviz drew (`dot -Tsvg`).
//!
//! ```sh
//! cargo run --release --example svg_quality -- picture.svg
//! cargo run --release --example svg_quality -- --dot graphviz.svg
//! ```

#[path = "../tests/common/quality.rs"]
mod quality;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dot = args.iter().any(|a| a == "--dot");
    let list = args.iter().any(|a| a == "--list");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: svg_quality [--dot] [--list] PICTURE.svg");
        return std::process::ExitCode::from(2);
    };
    let svg = match std::fs::read_to_string(path) {
        Ok(svg) => svg,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let drawing = if dot { quality::read_dot(&svg) } else { quality::read_flowzap(&svg) };
    let m = quality::measure(&drawing);
    println!(
        "{{\"nodes\": {}, \"edges\": {}, \"crossings\": {}, \"edges_through_nodes\": {}, \"edges_over_labels\": {}, \"node_overlaps\": {}, \"labels_on_labels\": {}, \"shared_lines\": {}, \"bends\": {:.0}, \"width\": {:.0}, \"height\": {:.0}, \"area_per_node\": {:.0}, \"aspect\": {:.2}}}",
        m.nodes,
        m.edges,
        m.crossings,
        m.edges_through_nodes.len(),
        m.edges_over_labels.len(),
        m.node_overlaps.len(),
        m.labels_on_labels.len(),
        m.shared_lines.len(),
        m.bends,
        drawing.width,
        drawing.height,
        if m.nodes > 0 { m.area / m.nodes as f64 } else { 0.0 },
        m.aspect
    );
    if list {
        for (what, found) in [
            ("edge through node", &m.edges_through_nodes),
            ("edge over label", &m.edges_over_labels),
            ("node overlap", &m.node_overlaps),
            ("label on label", &m.labels_on_labels),
            ("shared line", &m.shared_lines),
            ("wrong side", &m.wrong_sides),
            ("outside lane", &m.outside_lane),
        ] {
            for item in found {
                println!("{what}: {item}");
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
