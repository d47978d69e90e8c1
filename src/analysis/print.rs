//! Text for people: the structure tree as an indented outline, and token
//! game runs as a line of steps.

use std::fmt::Write as _;

use petgraph::graph::NodeIndex;

use super::roles::Role;
use super::soundness::Step;
use super::structure::Region;
use crate::model::Diagram;

/// The structure tree, one region per line, children indented by two spaces.
pub fn structure_text(diagram: &Diagram, roles: &[Role], region: &Region) -> String {
    let mut out = String::new();
    write_region(diagram, roles, region, &mut out);
    out
}

/// Indentation stops growing past this depth (a deep nest would otherwise
/// print more spaces than text); deeper lines say their depth instead.
const MOST_INDENT: usize = 32;

fn indent(depth: usize) -> String {
    if depth <= MOST_INDENT {
        "  ".repeat(depth)
    } else {
        format!("{}[{depth}] ", "  ".repeat(MOST_INDENT))
    }
}

fn node_text(diagram: &Diagram, roles: &[Role], node: NodeIndex) -> String {
    let kind = roles[node.index()].kind.name();
    let data = diagram.node(node);
    // A taskbox by its title: its checklist items are not steps.
    format!("{} {kind} {:?}", data.id, data.title())
}

fn id(diagram: &Diagram, node: Option<NodeIndex>, absent: &str) -> String {
    node.map_or_else(|| absent.to_owned(), |node| diagram.node(node).id.to_string())
}

/// What is left to print, innermost last: a region, a line of text, or a
/// branch of a block (whose sequence is printed without its own heading).
enum Item<'a> {
    Region(&'a Region),
    Text(String),
    Branch(&'a Region),
}

fn write_region(diagram: &Diagram, roles: &[Role], region: &Region, out: &mut String) {
    // An explicit stack: the tree is as deep as the input nests.
    let mut stack = vec![(0usize, Item::Region(region))];
    while let Some((depth, item)) = stack.pop() {
        let region = match item {
            Item::Text(text) => {
                let _ = writeln!(out, "{}{text}", indent(depth));
                continue;
            }
            Item::Branch(Region::Empty) => {
                let _ = writeln!(out, "{}(straight to the join)", indent(depth));
                continue;
            }
            Item::Branch(Region::Sequence { parts }) => {
                stack.extend(parts.iter().rev().map(|part| (depth, Item::Region(part))));
                continue;
            }
            Item::Branch(other) | Item::Region(other) => other,
        };
        let pad = indent(depth);
        match region {
            Region::Node { node } => {
                let _ = writeln!(out, "{pad}{}", node_text(diagram, roles, *node));
            }
            Region::Empty => {
                let _ = writeln!(out, "{pad}(nothing)");
            }
            Region::Sequence { parts } => {
                let _ = writeln!(out, "{pad}sequence");
                stack.extend(parts.iter().rev().map(|part| (depth + 1, Item::Region(part))));
            }
            Region::Parallel { join, branches, .. } | Region::Choice { join, branches, .. } => {
                let (what, split) = match region {
                    Region::Parallel { split, .. } => ("parallel", id(diagram, Some(*split), "")),
                    Region::Choice { split, .. } => ("choice", id(diagram, *split, "alternative starts")),
                    _ => continue,
                };
                let _ = writeln!(
                    out,
                    "{pad}{what} from {split} to {} ({} branches)",
                    id(diagram, *join, "separate ends"),
                    branches.len()
                );
                for branch in branches.iter().rev() {
                    stack.push((depth + 2, Item::Branch(branch)));
                    stack.push((depth + 1, Item::Text("branch".to_owned())));
                }
            }
            Region::Loop { body, back } => {
                let _ = writeln!(out, "{pad}loop");
                if let Some(back) = back {
                    stack.push((depth + 2, Item::Region(back)));
                    stack.push((depth + 1, Item::Text("way back".to_owned())));
                }
                stack.push((depth + 2, Item::Region(body)));
                stack.push((depth + 1, Item::Text("body".to_owned())));
            }
            Region::Unstructured { entry, exit, parts } => {
                let _ = writeln!(
                    out,
                    "{pad}unstructured from {} to {}",
                    id(diagram, *entry, "the start"),
                    id(diagram, *exit, "the end")
                );
                stack.extend(parts.iter().rev().map(|part| (depth + 1, Item::Region(part))));
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
                let edge = &diagram.edges()[edge.index()];
                let target = &diagram.node(edge.target).id;
                match &edge.label {
                    Some(label) => format!("{} chooses {label:?} (to {target})", diagram.node(*node).id),
                    None => format!("{} goes to {target}", diagram.node(*node).id),
                }
            }
            Step::Fire { node, choice: None } => {
                let outs: Vec<&str> = diagram
                    .edges()
                    .iter()
                    .filter(|edge| edge.source == *node)
                    .map(|edge| diagram.node(edge.target).id.as_str())
                    .collect();
                let id = &diagram.node(*node).id;
                match outs.len() {
                    0 => format!("{id} ends"),
                    1 => id.to_string(),
                    _ => format!("{id} forks to {}", outs.join(", ")),
                }
            }
        });
    }
    parts.join("; ")
}

/// The structure tree as JSON, naming nodes by id. Built innermost first
/// without recursion, each subtree moved into its parent.
pub fn structure_json(diagram: &Diagram, region: &Region) -> serde_json::Value {
    use serde_json::{Map, Value};
    // Every region with the positions of its children, parents first.
    let mut regions: Vec<&Region> = vec![region];
    let mut children: Vec<Vec<usize>> = Vec::new();
    let mut at = 0;
    while at < regions.len() {
        let inner = regions[at].children();
        let first = regions.len();
        regions.extend(inner.iter().copied());
        children.push((first..regions.len()).collect());
        at += 1;
    }
    let id = |node: &Option<NodeIndex>| node.map_or(Value::Null, |n| Value::from(diagram.node(n).id.as_str()));
    let mut built: Vec<Option<Value>> = vec![None; regions.len()];
    for index in (0..regions.len()).rev() {
        let mut inner: Vec<Value> = children[index].iter().map(|&c| built[c].take().unwrap_or(Value::Null)).collect();
        let mut object = Map::new();
        let mut put = |key: &str, value: Value| {
            object.insert(key.to_owned(), value);
        };
        match regions[index] {
            Region::Node { node } => {
                put("type", "node".into());
                put("id", diagram.node(*node).id.as_str().into());
            }
            Region::Sequence { .. } => {
                put("type", "sequence".into());
                put("parts", inner.into());
            }
            Region::Empty => put("type", "empty".into()),
            Region::Parallel { split, join, .. } => {
                put("type", "parallel".into());
                put("split", id(&Some(*split)));
                put("join", id(join));
                put("branches", inner.into());
            }
            Region::Choice { split, join, .. } => {
                put("type", "choice".into());
                put("split", id(split));
                put("join", id(join));
                put("branches", inner.into());
            }
            Region::Loop { back, .. } => {
                put("type", "loop".into());
                let back_value = if back.is_some() { inner.pop().unwrap_or(Value::Null) } else { Value::Null };
                put("body", inner.pop().unwrap_or(Value::Null));
                put("back", back_value);
            }
            Region::Unstructured { entry, exit, .. } => {
                put("type", "unstructured".into());
                put("entry", id(entry));
                put("exit", id(exit));
                put("parts", inner.into());
            }
        }
        built[index] = Some(Value::Object(object));
    }
    built.into_iter().next().flatten().unwrap_or(Value::Null)
}

/// What the structure comes to, in one line for `lint`'s report: the nodes
/// that fork, decide, join and merge, and the loop entries.
pub fn structure_summary(diagram: &Diagram, roles: &[Role], joins: &[super::JoinInfo]) -> String {
    use super::{Join, Split};
    // Five ids say where to look; the count says how many there are.
    const IDS_SHOWN: usize = 5;
    let mut groups: [(&str, &str, Vec<&str>); 6] = [
        ("fork", "forks", Vec::new()),
        ("decision", "decisions", Vec::new()),
        ("join", "joins", Vec::new()),
        ("merge", "merges", Vec::new()),
        ("loop entry", "loop entries", Vec::new()),
        ("mixed join", "mixed joins", Vec::new()),
    ];
    for (index, node) in diagram.nodes().iter().enumerate() {
        match roles.get(index).map(|role| role.split) {
            Some(Split::Parallel) => groups[0].2.push(&node.id),
            Some(Split::Exclusive) => groups[1].2.push(&node.id),
            _ => {}
        }
        match joins.get(index).map(|info| &info.join) {
            Some(Join::Parallel | Join::Nested) => groups[2].2.push(&node.id),
            Some(Join::Exclusive) => groups[3].2.push(&node.id),
            Some(Join::LoopMerge) => groups[4].2.push(&node.id),
            Some(Join::Mixed) => groups[5].2.push(&node.id),
            _ => {}
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .filter(|(_, _, ids)| !ids.is_empty())
        .map(|(one, many, ids)| {
            let shown: Vec<&str> = ids.iter().take(IDS_SHOWN).copied().collect();
            let more = if ids.len() > IDS_SHOWN { ", …" } else { "" };
            let word = if ids.len() == 1 { one } else { many };
            format!("{} {word} ({}{more})", ids.len(), shown.join(", "))
        })
        .collect();
    match parts.is_empty() {
        true => "structure: no forks, decisions, joins or merges".to_owned(),
        false => format!("structure: {}", parts.join(", ")),
    }
}
