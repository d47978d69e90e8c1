//! A FlowZap diagram as Graphviz DOT, so `dot` can draw the same diagram
//! for comparison (examples/to_dot.rs, scripts/bench-vs-dot, and the test
//! that flowzap crosses no more than `dot -Gsplines=ortho` on the fan-out
//! fixture): one cluster per lane in file order, `rankdir=LR`, ports from
//! the handles, edge labels, and every node the size flowzap draws it (so
//! areas compare), circles' and diamonds' labels beside them as flowzap
//! puts them. `newrank` ranks across clusters, which keeps lanes in rank
//! order (but makes dot much slower).
#![allow(dead_code)]

use std::fmt::Write as _;

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn port(side: flowzap::model::Side) -> &'static str {
    match side {
        flowzap::model::Side::Left => "w",
        flowzap::model::Side::Right => "e",
        flowzap::model::Side::Top => "n",
        flowzap::model::Side::Bottom => "s",
    }
}

/// DOT for `document`; `None` when it has errors.
pub fn to_dot(document: &flowzap::Document, newrank: bool) -> Option<String> {
    let layout = document.layout()?;
    let diagram = document.diagram();
    let mut dot = String::from("digraph diagram {\n  rankdir=LR;\n");
    if newrank {
        dot.push_str("  newrank=true;\n");
    }
    dot.push_str("  node [fontname=\"DejaVu Sans\" fontsize=13 fixedsize=true];\n");
    dot.push_str("  edge [fontname=\"DejaVu Sans\" fontsize=11];\n");
    for lane in diagram.lane_ids() {
        let data = diagram.lane(lane);
        let _ = writeln!(
            dot,
            "  subgraph {} {{\n    label={};",
            quoted(&format!("cluster_{}", data.id)),
            quoted(&data.label)
        );
        for node_box in layout.nodes.iter().filter(|b| b.lane == lane) {
            let node = diagram.node(node_box.node);
            let (width, height) = (node_box.shape_rect.width / 72.0, node_box.shape_rect.height / 72.0);
            let label = node_box.lines.join("\n");
            let shape = match node.shape {
                flowzap::model::Shape::Circle => format!("shape=circle label=\"\" xlabel={}", quoted(&label)),
                flowzap::model::Shape::Diamond => format!("shape=diamond label=\"\" xlabel={}", quoted(&label)),
                _ => format!("shape=box style=rounded label={}", quoted(&label)),
            };
            let _ = writeln!(dot, "    {} [{shape} width={width:.3} height={height:.3}];", quoted(&node.id));
        }
        dot.push_str("  }\n");
    }
    for edge in diagram.edges() {
        let (from, to) = (&diagram.node(edge.source).id, &diagram.node(edge.target).id);
        let label = edge.label.as_ref().map(|l| format!(" [label={}]", quoted(l))).unwrap_or_default();
        let _ = writeln!(
            dot,
            "  {}:{} -> {}:{}{label};",
            quoted(from),
            port(edge.source_handle),
            quoted(to),
            port(edge.target_handle)
        );
    }
    dot.push_str("}\n");
    Some(dot)
}
