//! A semantic diff: what changed between two diagrams, as the operations
//! of [`super::apply`] that turn the first into the second. Nodes are
//! matched by id and, when ids were renumbered, by content (same lane,
//! shape and attributes); edges by their ends and then their place among
//! the edges between the same two nodes; loops by content, then condition.

use std::collections::{BTreeMap, HashMap};

use super::apply::{Attributes, Operation};
use super::{Plain, PlainEdge, PlainNode};

fn attributes_map(attributes: &[(String, String)]) -> Attributes {
    attributes.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect()
}

/// Old ids of nodes that were only renumbered, matched to their new ids:
/// nodes missing from the other side by id whose lane, shape and
/// attributes are equal, paired in order.
fn renames(old: &Plain, new: &Plain) -> BTreeMap<String, String> {
    let new_ids: std::collections::HashSet<&str> = new.nodes.iter().map(|n| n.id.as_str()).collect();
    let old_ids: std::collections::HashSet<&str> = old.nodes.iter().map(|n| n.id.as_str()).collect();
    let content = |n: &PlainNode| (n.lane.clone(), n.shape.clone(), n.attributes.clone());
    let mut waiting: HashMap<_, Vec<&str>> = HashMap::new();
    for node in new.nodes.iter().filter(|n| !old_ids.contains(n.id.as_str())) {
        waiting.entry(content(node)).or_default().push(&node.id);
    }
    let mut renamed = BTreeMap::new();
    for node in old.nodes.iter().filter(|n| !new_ids.contains(n.id.as_str())) {
        if let Some(candidates) = waiting.get_mut(&content(node)) {
            if !candidates.is_empty() {
                renamed.insert(node.id.clone(), candidates.remove(0).to_owned());
            }
        }
    }
    renamed
}

/// The operations that turn `old` into `new`.
pub fn diff(old: &Plain, new: &Plain) -> Vec<Operation> {
    let mut operations = Vec::new();
    let renamed = renames(old, new);
    let mut old = old.clone();
    if !renamed.is_empty() {
        operations.push(Operation::RenameNodes { ids: renamed.clone() });
        old.rename_nodes(|id| renamed.get(id).cloned());
    }
    lanes(&old, new, &mut operations);
    let removed_nodes = nodes(&old, new, &mut operations);
    edges(&old, new, &mut operations);
    loops(&old, new, &mut operations);
    operations.extend(removed_nodes);
    // Lanes go last: a lane is removed once its nodes are gone.
    for lane in old.lanes.iter().filter(|l| !new.lanes.iter().any(|n| n.id == l.id)) {
        operations.push(Operation::RemoveLane { id: lane.id.clone() });
    }
    operations
}

fn lanes(old: &Plain, new: &Plain, operations: &mut Vec<Operation>) {
    // The lanes both have, in the new order, after new lanes are added at
    // their place: each kept lane is moved to its new index when it is not
    // there yet.
    let mut order: Vec<String> = old.lanes.iter().map(|l| l.id.clone()).collect();
    for (index, lane) in new.lanes.iter().enumerate() {
        match old.lanes.iter().find(|l| l.id == lane.id) {
            None => {
                operations.push(Operation::AddLane {
                    id: lane.id.clone(),
                    label: Some(lane.label.clone()),
                    index: Some(index),
                });
                order.insert(index.min(order.len()), lane.id.clone());
            }
            Some(before) => {
                let at = order.iter().position(|id| id == &lane.id).unwrap_or(index);
                let label = (before.label != lane.label).then(|| lane.label.clone());
                let moved = (at != index).then_some(index);
                if label.is_some() || moved.is_some() {
                    operations.push(Operation::UpdateLane { id: lane.id.clone(), label, index: moved });
                }
                if moved.is_some() {
                    let id = order.remove(at);
                    order.insert(index.min(order.len()), id);
                }
            }
        }
    }
}

/// Adds and updates nodes; returns the removals, which go after the edges.
fn nodes(old: &Plain, new: &Plain, operations: &mut Vec<Operation>) -> Vec<Operation> {
    let before: HashMap<&str, &PlainNode> = old.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    for node in &new.nodes {
        match before.get(node.id.as_str()) {
            None => operations.push(Operation::AddNode {
                id: node.id.clone(),
                lane: node.lane.clone(),
                shape: node.shape.clone(),
                attributes: attributes_map(&node.attributes),
            }),
            Some(was) => {
                let shape = (was.shape != node.shape).then(|| node.shape.clone());
                let lane = (was.lane != node.lane).then(|| node.lane.clone());
                let attributes = (was.attributes != node.attributes).then(|| attributes_map(&node.attributes));
                if shape.is_some() || lane.is_some() || attributes.is_some() {
                    operations.push(Operation::UpdateNode {
                        id: node.id.clone(),
                        shape,
                        lane,
                        set: Attributes::new(),
                        attributes,
                    });
                }
            }
        }
    }
    let after: std::collections::HashSet<&str> = new.nodes.iter().map(|n| n.id.as_str()).collect();
    old.nodes
        .iter()
        .filter(|n| !after.contains(n.id.as_str()))
        .map(|n| Operation::RemoveNode { id: n.id.clone() })
        .collect()
}

fn edges(old: &Plain, new: &Plain, operations: &mut Vec<Operation>) {
    // Edges between the same two nodes are paired in order; what is left
    // over on the old side is removed (last first, so indices hold), on
    // the new side added.
    let pairs = |plain: &Plain| {
        let mut by_pair: BTreeMap<(String, String), Vec<PlainEdge>> = BTreeMap::new();
        for edge in &plain.edges {
            by_pair.entry((edge.source.clone(), edge.target.clone())).or_default().push(edge.clone());
        }
        by_pair
    };
    let (before, after) = (pairs(old), pairs(new));
    let mut removals = Vec::new();
    let mut additions = Vec::new();
    let empty = Vec::new();
    let keys: std::collections::BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (was, now) = (before.get(key).unwrap_or(&empty), after.get(key).unwrap_or(&empty));
        for (index, (a, b)) in was.iter().zip(now).enumerate() {
            let source_handle = (a.source_handle != b.source_handle).then(|| b.source_handle.clone());
            let target_handle = (a.target_handle != b.target_handle).then(|| b.target_handle.clone());
            let label = (a.label != b.label).then(|| b.label.clone().unwrap_or_default());
            let attributes = (a.attributes != b.attributes).then(|| attributes_map(&b.attributes));
            if source_handle.is_some() || target_handle.is_some() || label.is_some() || attributes.is_some() {
                operations.push(Operation::UpdateEdge {
                    source: key.0.clone(),
                    target: key.1.clone(),
                    index,
                    source_handle,
                    target_handle,
                    label,
                    attributes,
                });
            }
        }
        for index in (now.len()..was.len()).rev() {
            removals.push(Operation::RemoveEdge { source: key.0.clone(), target: key.1.clone(), index });
        }
        for edge in now.iter().skip(was.len()) {
            additions.push(Operation::AddEdge {
                source: edge.source.clone(),
                target: edge.target.clone(),
                source_handle: edge.source_handle.clone(),
                target_handle: edge.target_handle.clone(),
                label: edge.label.clone(),
                attributes: attributes_map(&edge.attributes),
            });
        }
    }
    operations.extend(removals);
    operations.extend(additions);
}

fn loops(old: &Plain, new: &Plain, operations: &mut Vec<Operation>) {
    // Loops in order: the first ones both have are updated in place, the
    // rest removed (from the last) or added.
    for (index, (a, b)) in old.loops.iter().zip(&new.loops).enumerate() {
        let condition = (a.condition != b.condition).then(|| b.condition.clone());
        let members = (a.members != b.members).then(|| b.members.clone());
        if condition.is_some() || members.is_some() {
            operations.push(Operation::UpdateLoop { index, condition, members });
        }
    }
    for index in (new.loops.len()..old.loops.len()).rev() {
        operations.push(Operation::RemoveLoop { index });
    }
    for stmt in new.loops.iter().skip(old.loops.len()) {
        operations.push(Operation::AddLoop { condition: stmt.condition.clone(), members: stmt.members.clone() });
    }
}

/// One line per operation, for people.
pub fn describe(operations: &[Operation]) -> Vec<String> {
    let quoted = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    };
    let attributes =
        |map: &Attributes| map.iter().map(|(k, v)| format!("{k}:{}", quoted(v))).collect::<Vec<_>>().join(" ");
    operations
        .iter()
        .map(|operation| match operation {
            Operation::RenameNodes { ids } => {
                format!("~ renumbered {}", ids.iter().map(|(a, b)| format!("{a} → {b}")).collect::<Vec<_>>().join(", "))
            }
            Operation::AddLane { id, label, .. } => format!("+ lane {id} ({})", label.as_deref().unwrap_or(id)),
            Operation::RemoveLane { id } => format!("- lane {id}"),
            Operation::UpdateLane { id, label, index } => {
                let mut parts = Vec::new();
                if let Some(label) = label {
                    parts.push(format!("label {label:?}"));
                }
                if let Some(index) = index {
                    parts.push(format!("moved to place {}", index + 1));
                }
                format!("~ lane {id}: {}", parts.join(", "))
            }
            Operation::AddNode { id, lane, shape, attributes: attrs } => {
                format!("+ node {id}: {shape} in {lane} {}", attributes(attrs)).trim_end().to_owned()
            }
            Operation::RemoveNode { id } => format!("- node {id}"),
            Operation::UpdateNode { id, shape, lane, set, attributes: attrs } => {
                let mut parts = Vec::new();
                if let Some(shape) = shape {
                    parts.push(format!("shape {shape}"));
                }
                if let Some(lane) = lane {
                    parts.push(format!("moved to lane {lane}"));
                }
                if let Some(all) = attrs {
                    parts.push(format!("attributes {}", attributes(all)));
                }
                if !set.is_empty() {
                    parts.push(format!("set {}", attributes(set)));
                }
                format!("~ node {id}: {}", parts.join(", "))
            }
            Operation::AddEdge { source, target, source_handle, target_handle, label, .. } => format!(
                "+ edge {source}.{source_handle} → {target}.{target_handle}{}",
                label.as_ref().map(|l| format!(" {l:?}")).unwrap_or_default()
            ),
            Operation::RemoveEdge { source, target, index } => {
                format!(
                    "- edge {source} → {target}{}",
                    if *index > 0 { format!(" (#{})", index + 1) } else { String::new() }
                )
            }
            Operation::UpdateEdge { source, target, source_handle, target_handle, label, .. } => {
                let mut parts = Vec::new();
                if let Some(side) = source_handle {
                    parts.push(format!("leaves by {side}"));
                }
                if let Some(side) = target_handle {
                    parts.push(format!("enters by {side}"));
                }
                if let Some(label) = label {
                    parts.push(if label.is_empty() { "no label".to_owned() } else { format!("label {label:?}") });
                }
                format!("~ edge {source} → {target}: {}", parts.join(", "))
            }
            Operation::AddLoop { condition, members } => format!("+ loop [{condition}] {}", members.join(" ")),
            Operation::RemoveLoop { index } => format!("- loop {}", index + 1),
            Operation::UpdateLoop { index, condition, members } => {
                let mut parts = Vec::new();
                if let Some(condition) = condition {
                    parts.push(format!("condition {condition:?}"));
                }
                if let Some(members) = members {
                    parts.push(format!("members {}", members.join(" ")));
                }
                format!("~ loop {}: {}", index + 1, parts.join(", "))
            }
        })
        .collect()
}

/// Whether two diagrams mean the same: lanes in order, nodes by id, edges
/// and loops as collections. What `apply(x, diff(x, y))` is held to.
pub fn same_model(a: &Plain, b: &Plain) -> bool {
    let key = |plain: &Plain| {
        let plain = plain.without_comments();
        let lanes: Vec<(String, String)> = plain.lanes.iter().map(|l| (l.id.clone(), l.label.clone())).collect();
        let mut nodes: Vec<_> =
            plain.nodes.iter().map(|n| (n.id.clone(), n.lane.clone(), n.shape.clone(), n.attributes.clone())).collect();
        nodes.sort();
        let mut edges: Vec<_> = plain
            .edges
            .iter()
            .map(|e| {
                (
                    e.source.clone(),
                    e.target.clone(),
                    e.source_handle.clone(),
                    e.target_handle.clone(),
                    e.label.clone(),
                    e.attributes.clone(),
                )
            })
            .collect();
        edges.sort();
        let mut loops: Vec<_> = plain.loops.iter().map(|l| (l.condition.clone(), l.members.clone())).collect();
        loops.sort();
        (lanes, nodes, edges, loops)
    };
    key(a) == key(b)
}
