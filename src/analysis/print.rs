//! Text for people: the structure tree as an indented outline, and token
//! game runs as a line of steps.

use std::fmt::Write as _;

use petgraph::graph::NodeIndex;

use super::roles::{Kind, Role};
use super::soundness::Step;
use super::structure::Region;
use crate::model::Diagram;

/// The structure tree, one region per line, children indented by two spaces.
pub fn structure_text(diagram: &Diagram, roles: &[Role], region: &Region) -> String {
    let mut out = String::new();
    write_region(diagram, roles, region, 0, &mut out);
    out
}

fn node_text(diagram: &Diagram, roles: &[Role], node: NodeIndex) -> String {
    let kind = match roles[node.index()].kind {
        Kind::Start => "start",
        Kind::End => "end",
        Kind::Intermediate => "event",
        Kind::Task => "task",
        Kind::Decision => "decision",
    };
    let data = diagram.node(node);
    format!("{} {kind} {:?}", data.id, data.display_label())
}

fn id(diagram: &Diagram, node: Option<NodeIndex>, absent: &str) -> String {
    node.map_or_else(|| absent.to_owned(), |node| diagram.node(node).id.clone())
}

fn write_region(diagram: &Diagram, roles: &[Role], region: &Region, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match region {
        Region::Node { node } => {
            let _ = writeln!(out, "{indent}{}", node_text(diagram, roles, *node));
        }
        Region::Sequence { parts } if parts.is_empty() => {
            let _ = writeln!(out, "{indent}(nothing)");
        }
        Region::Sequence { parts } => {
            let _ = writeln!(out, "{indent}sequence");
            for part in parts {
                write_region(diagram, roles, part, depth + 1, out);
            }
        }
        Region::Parallel { split, join, branches } | Region::Choice { split, join, branches } => {
            let (what, absent_split) = if matches!(region, Region::Parallel { .. }) {
                ("parallel", "?")
            } else {
                ("choice", "alternative starts")
            };
            let _ = writeln!(
                out,
                "{indent}{what} from {} to {} ({} branches)",
                id(diagram, *split, absent_split),
                id(diagram, *join, "separate ends"),
                branches.len()
            );
            for branch in branches {
                let _ = writeln!(out, "{indent}  branch");
                match branch {
                    Region::Sequence { parts } if parts.is_empty() => {
                        let _ = writeln!(out, "{indent}    (straight to the join)");
                    }
                    Region::Sequence { parts } => {
                        for part in parts {
                            write_region(diagram, roles, part, depth + 2, out);
                        }
                    }
                    other => write_region(diagram, roles, other, depth + 2, out),
                }
            }
        }
        Region::Loop { body, back } => {
            let _ = writeln!(out, "{indent}loop");
            let _ = writeln!(out, "{indent}  body");
            write_region(diagram, roles, body, depth + 2, out);
            if let Some(back) = back {
                let _ = writeln!(out, "{indent}  way back");
                write_region(diagram, roles, back, depth + 2, out);
            }
        }
        Region::Unstructured { entry, exit, parts } => {
            let _ = writeln!(
                out,
                "{indent}unstructured from {} to {}",
                id(diagram, *entry, "the start"),
                id(diagram, *exit, "the end")
            );
            for part in parts {
                write_region(diagram, roles, part, depth + 1, out);
            }
        }
    }
}

/// A run as one line: `n1 starts; n2 forks to n3, n4; n4 chooses "No" (to n6); n6`.
pub fn describe_steps(diagram: &Diagram, steps: &[Step]) -> String {
    const MOST: usize = 40;
    let shown = steps.len().min(MOST);
    let mut parts: Vec<String> = Vec::with_capacity(shown + 1);
    if steps.len() > MOST {
        parts.push(format!("… {} earlier steps", steps.len() - MOST));
    }
    for step in &steps[steps.len() - shown..] {
        parts.push(match step {
            Step::Start(node) => format!("{} starts", diagram.node(*node).id),
            Step::Fire { node, choice: Some(edge) } => {
                let edge = &diagram.edges[edge.index()];
                let target = &diagram.node(edge.target).id;
                match &edge.label {
                    Some(label) => format!("{} chooses {label:?} (to {target})", diagram.node(*node).id),
                    None => format!("{} goes to {target}", diagram.node(*node).id),
                }
            }
            Step::Fire { node, choice: None } => {
                let outs: Vec<&str> = diagram
                    .edges
                    .iter()
                    .filter(|edge| edge.source == *node)
                    .map(|edge| diagram.node(edge.target).id.as_str())
                    .collect();
                let id = &diagram.node(*node).id;
                match outs.len() {
                    0 => format!("{id} ends"),
                    1 => id.clone(),
                    _ => format!("{id} forks to {}", outs.join(", ")),
                }
            }
        });
    }
    parts.join("; ")
}

/// The structure tree as JSON, naming nodes by id.
pub fn structure_json(diagram: &Diagram, region: &Region) -> serde_json::Value {
    use serde_json::json;
    let id = |node: &Option<NodeIndex>| node.map(|n| diagram.node(n).id.clone());
    let list = |regions: &[Region]| regions.iter().map(|r| structure_json(diagram, r)).collect::<Vec<_>>();
    match region {
        Region::Node { node } => json!({ "type": "node", "id": diagram.node(*node).id }),
        Region::Sequence { parts } => json!({ "type": "sequence", "parts": list(parts) }),
        Region::Parallel { split, join, branches } => {
            json!({ "type": "parallel", "split": id(split), "join": id(join), "branches": list(branches) })
        }
        Region::Choice { split, join, branches } => {
            json!({ "type": "choice", "split": id(split), "join": id(join), "branches": list(branches) })
        }
        Region::Loop { body, back } => json!({
            "type": "loop",
            "body": structure_json(diagram, body),
            "back": back.as_ref().map(|back| structure_json(diagram, back)),
        }),
        Region::Unstructured { entry, exit, parts } => {
            json!({ "type": "unstructured", "entry": id(entry), "exit": id(exit), "parts": list(parts) })
        }
    }
}
