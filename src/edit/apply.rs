//! Patches: a list of operations on lanes, nodes, edges and loops, applied
//! in order to a [`Plain`] diagram. The whole patch applies or none of it:
//! an operation that names what is not there, or a result that does not
//! read without errors, refuses it.

use serde::{Deserialize, Serialize};

use super::{Plain, PlainEdge, PlainLane, PlainLoop, PlainNode};
use crate::diagnostics::Diagnostic;

/// Attributes as a JSON object, in order: `{"label": "Ship", "owner": "Ops"}`.
pub type Attributes = serde_json::Map<String, serde_json::Value>;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Operation {
    /// Renames nodes all at once (`{"n7": "n3", "n3": "n7"}` swaps), in
    /// every edge and loop that names them.
    RenameNodes {
        /// Old id to new id.
        ids: std::collections::BTreeMap<String, String>,
    },
    /// A new lane, at `index` among the lanes (default: last).
    AddLane {
        /// Its id.
        id: String,
        /// Its label (default: the id).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// Where it goes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
    },
    /// Removes a lane; it must hold no node.
    RemoveLane {
        /// Its id.
        id: String,
    },
    /// Changes a lane's label or place.
    UpdateLane {
        /// Its id.
        id: String,
        /// The new label.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// The new place among the lanes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
    },
    /// A new node, last in its lane.
    AddNode {
        /// Its id.
        id: String,
        /// Its lane's id.
        lane: String,
        /// Its shape.
        shape: String,
        /// Its attributes.
        #[serde(default)]
        attributes: Attributes,
    },
    /// Removes a node with every edge and loop membership it has.
    RemoveNode {
        /// Its id.
        id: String,
    },
    /// Changes a node: its shape, its lane, attributes set (a JSON null
    /// removes one) or all of them replaced.
    UpdateNode {
        /// Its id.
        id: String,
        /// The new shape.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shape: Option<String>,
        /// The lane it moves to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lane: Option<String>,
        /// Attributes to set (`null`: remove).
        #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
        set: Attributes,
        /// Every attribute, replacing the old ones.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attributes: Option<Attributes>,
    },
    /// A new edge.
    AddEdge {
        /// The source node.
        source: String,
        /// The target node.
        target: String,
        /// The side it leaves by (default `right`).
        #[serde(default = "right")]
        source_handle: String,
        /// The side it enters by (default `left`).
        #[serde(default = "left")]
        target_handle: String,
        /// Its label.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// Its other attributes.
        #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
        attributes: Attributes,
    },
    /// Removes the `index`-th edge (from 0, in file order) from `source` to `target`.
    RemoveEdge {
        /// The source node.
        source: String,
        /// The target node.
        target: String,
        /// Which of the edges between the two.
        #[serde(default)]
        index: usize,
    },
    /// Changes the `index`-th edge from `source` to `target`.
    UpdateEdge {
        /// The source node.
        source: String,
        /// The target node.
        target: String,
        /// Which of the edges between the two.
        #[serde(default)]
        index: usize,
        /// The new source side.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_handle: Option<String>,
        /// The new target side.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_handle: Option<String>,
        /// The new label (`""` removes it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// Its other attributes, all replaced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attributes: Option<Attributes>,
    },
    /// A new `loop` statement.
    AddLoop {
        /// Its condition.
        condition: String,
        /// Its members in order.
        members: Vec<String>,
    },
    /// Removes the `index`-th loop (from 0).
    RemoveLoop {
        /// Which loop.
        index: usize,
    },
    /// Changes the `index`-th loop.
    UpdateLoop {
        /// Which loop.
        index: usize,
        /// The new condition.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
        /// The new members.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        members: Option<Vec<String>>,
    },
}

fn right() -> String {
    "right".to_owned()
}

fn left() -> String {
    "left".to_owned()
}

/// Why a patch was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// Operation `index` (from 0) does not apply, and why.
    Operation(usize, String),
    /// The result does not read: its diagnostics, against its text.
    Result(String, Vec<Diagnostic>),
}

fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn attributes_of(map: &Attributes) -> Vec<(String, String)> {
    map.iter().map(|(key, value)| (key.clone(), text_of(value))).collect()
}

fn edge_position(plain: &Plain, source: &str, target: &str, index: usize) -> Result<usize, String> {
    plain
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.source == source && e.target == target)
        .nth(index)
        .map(|(position, _)| position)
        .ok_or_else(|| format!("there is no edge {index} from `{source}` to `{target}`"))
}

fn node_position(plain: &Plain, id: &str) -> Result<usize, String> {
    plain.nodes.iter().position(|n| n.id == id).ok_or_else(|| format!("there is no node `{id}`"))
}

fn lane_position(plain: &Plain, id: &str) -> Result<usize, String> {
    plain.lanes.iter().position(|l| l.id == id).ok_or_else(|| format!("there is no lane `{id}`"))
}

/// Applies one operation.
fn apply_one(plain: &mut Plain, operation: &Operation) -> Result<(), String> {
    match operation {
        Operation::RenameNodes { ids } => {
            for old in ids.keys() {
                node_position(plain, old)?;
            }
            plain.rename_nodes(|id| ids.get(id).cloned());
        }
        Operation::AddLane { id, label, index } => {
            if lane_position(plain, id).is_ok() {
                return Err(format!("lane `{id}` exists already"));
            }
            let lane = PlainLane {
                id: id.clone(),
                label: label.clone().unwrap_or_else(|| id.clone()),
                comments: Vec::new(),
                closing_comments: Vec::new(),
            };
            let at = index.unwrap_or(plain.lanes.len()).min(plain.lanes.len());
            plain.lanes.insert(at, lane);
        }
        Operation::RemoveLane { id } => {
            let at = lane_position(plain, id)?;
            if plain.nodes.iter().any(|n| &n.lane == id) {
                return Err(format!("lane `{id}` still holds nodes; remove or move them first"));
            }
            plain.lanes.remove(at);
        }
        Operation::UpdateLane { id, label, index } => {
            let at = lane_position(plain, id)?;
            if let Some(label) = label {
                plain.lanes[at].label = label.clone();
            }
            if let Some(index) = index {
                let lane = plain.lanes.remove(at);
                let to = (*index).min(plain.lanes.len());
                plain.lanes.insert(to, lane);
            }
        }
        Operation::AddNode { id, lane, shape, attributes } => {
            if node_position(plain, id).is_ok() {
                return Err(format!("node `{id}` exists already"));
            }
            lane_position(plain, lane)?;
            plain.nodes.push(PlainNode {
                id: id.clone(),
                lane: lane.clone(),
                shape: shape.clone(),
                attributes: attributes_of(attributes),
                comments: Vec::new(),
            });
        }
        Operation::RemoveNode { id } => {
            let at = node_position(plain, id)?;
            plain.nodes.remove(at);
            plain.edges.retain(|e| &e.source != id && &e.target != id);
            for stmt in &mut plain.loops {
                stmt.members.retain(|m| m != id);
            }
            plain.loops.retain(|l| !l.members.is_empty());
        }
        Operation::UpdateNode { id, shape, lane, set, attributes } => {
            let at = node_position(plain, id)?;
            if let Some(lane) = lane {
                lane_position(plain, lane)?;
                plain.nodes[at].lane = lane.clone();
            }
            let node = &mut plain.nodes[at];
            if let Some(shape) = shape {
                node.shape = shape.clone();
            }
            if let Some(all) = attributes {
                node.attributes = attributes_of(all);
            }
            for (key, value) in set {
                let existing = node.attributes.iter().position(|(k, _)| k == key);
                match (value, existing) {
                    (serde_json::Value::Null, Some(position)) => {
                        node.attributes.remove(position);
                    }
                    (serde_json::Value::Null, None) => return Err(format!("node `{id}` has no attribute `{key}`")),
                    (value, Some(position)) => node.attributes[position].1 = text_of(value),
                    (value, None) => node.attributes.push((key.clone(), text_of(value))),
                }
            }
        }
        Operation::AddEdge { source, target, source_handle, target_handle, label, attributes } => {
            node_position(plain, source)?;
            node_position(plain, target)?;
            plain.edges.push(PlainEdge {
                source: source.clone(),
                target: target.clone(),
                source_handle: source_handle.clone(),
                target_handle: target_handle.clone(),
                label: label.clone().filter(|l| !l.is_empty()),
                attributes: attributes_of(attributes),
                comments: Vec::new(),
            });
        }
        Operation::RemoveEdge { source, target, index } => {
            let at = edge_position(plain, source, target, *index)?;
            plain.edges.remove(at);
        }
        Operation::UpdateEdge { source, target, index, source_handle, target_handle, label, attributes } => {
            let at = edge_position(plain, source, target, *index)?;
            let edge = &mut plain.edges[at];
            if let Some(side) = source_handle {
                edge.source_handle = side.clone();
            }
            if let Some(side) = target_handle {
                edge.target_handle = side.clone();
            }
            if let Some(label) = label {
                edge.label = (!label.is_empty()).then(|| label.clone());
            }
            if let Some(all) = attributes {
                edge.attributes = attributes_of(all);
            }
        }
        Operation::AddLoop { condition, members } => {
            for member in members {
                node_position(plain, member)?;
            }
            plain.loops.push(PlainLoop {
                condition: condition.clone(),
                members: members.clone(),
                comments: Vec::new(),
            });
        }
        Operation::RemoveLoop { index } => {
            if *index >= plain.loops.len() {
                return Err(format!("there is no loop {index}"));
            }
            plain.loops.remove(*index);
        }
        Operation::UpdateLoop { index, condition, members } => {
            let stmt = plain.loops.get_mut(*index).ok_or_else(|| format!("there is no loop {index}"))?;
            if let Some(condition) = condition {
                stmt.condition = condition.clone();
            }
            if let Some(members) = members {
                stmt.members = members.clone();
            }
        }
    }
    Ok(())
}

/// Applies `operations` in order to `plain` and checks that the result
/// reads without errors; the result's canonical text.
pub fn apply(plain: &Plain, operations: &[Operation]) -> Result<String, Refused> {
    let mut patched = plain.clone();
    for (index, operation) in operations.iter().enumerate() {
        apply_one(&mut patched, operation).map_err(|why| Refused::Operation(index, why))?;
    }
    // Every node, edge and loop must be printed: one whose lane or source
    // is missing would silently vanish from the text.
    for node in &patched.nodes {
        if lane_position(&patched, &node.lane).is_err() {
            return Err(Refused::Operation(
                operations.len().saturating_sub(1),
                format!("node `{}` is in no lane", node.id),
            ));
        }
    }
    let text = patched.to_text();
    let loaded = crate::load(&text);
    if loaded.has_errors() {
        return Err(Refused::Result(text, loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect()));
    }
    Ok(text)
}
