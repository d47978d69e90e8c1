//! A diagram as canonical FlowZap Code: one block per lane in lane order,
//! holding its nodes, then the edges leaving them, then the loops starting in
//! it; handles always written, lane prefixes only on cross-lane targets.

use std::fmt::Write as _;

use crate::model::{Diagram, Edge, LaneId, Loop};
use crate::syntax::strings::quote;

/// The diagram as canonical FlowZap Code: lanes in file order, each with its nodes, then the edges
/// from them, then its loops.
pub fn to_string(diagram: &Diagram) -> String {
    let mut text = String::new();
    for lane_ix in diagram.lane_ids() {
        let lane = diagram.lane(lane_ix);
        if lane_ix.index() > 0 {
            text.push('\n');
        }
        let _ = writeln!(text, "{} {{ # {}", lane.id, lane.label);
        for node in diagram.nodes().iter().filter(|node| node.lane == lane_ix) {
            let _ = write!(text, "{}: {}", node.id, node.shape);
            for attribute in &node.attributes {
                let _ = write!(text, " {}:{}", attribute.key, quote(&attribute.value));
            }
            text.push('\n');
        }
        for edge in diagram.edges().iter().filter(|edge| diagram.node(edge.source).lane == lane_ix) {
            text.push_str(&edge_line(diagram, edge));
            text.push('\n');
        }
        for stmt in diagram.loops().iter().filter(|stmt| loop_lane(diagram, stmt) == Some(lane_ix)) {
            text.push_str(&loop_line(diagram, stmt));
            text.push('\n');
        }
        text.push_str("}\n");
    }
    text
}

/// `edge` as one canonical edge statement.
pub fn edge_line(diagram: &Diagram, edge: &Edge) -> String {
    diagram.edge_statement(edge)
}

/// A loop belongs in the lane of its first member.
fn loop_lane(diagram: &Diagram, stmt: &Loop) -> Option<LaneId> {
    stmt.members.first().map(|&first| diagram.node(first).lane)
}

/// `stmt` as one `loop [condition] …` statement.
pub fn loop_line(diagram: &Diagram, stmt: &Loop) -> String {
    let mut line = format!("loop [{}]", stmt.condition);
    for &member in &stmt.members {
        line.push(' ');
        line.push_str(&diagram.node(member).id);
    }
    line
}
