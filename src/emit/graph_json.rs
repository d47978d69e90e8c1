//! The diagram as JSON in the shape of the vendor's export-graph tool, plus
//! what it leaves out: loops, every attribute of every node, and the lane of a
//! target declared further down the file.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::model::{Attribute, Diagram, LaneId};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GraphJson<'a> {
    lanes: Vec<LaneJson<'a>>,
    nodes: Vec<NodeJson<'a>>,
    edges: Vec<EdgeJson<'a>>,
    loops: Vec<LoopJson<'a>>,
    stats: Stats,
}

#[derive(Serialize)]
struct LaneJson<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    lane_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeJson<'a> {
    id: &'a str,
    lane_id: &'a str,
    label: &'a str,
    kind: &'static str,
    shape: &'static str,
    /// Every attribute but `label`, in written order.
    properties: Properties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EdgeJson<'a> {
    id: String,
    from: &'a str,
    to: &'a str,
    source_handle: &'static str,
    target_handle: &'static str,
    from_lane: &'a str,
    to_lane: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct LoopJson<'a> {
    condition: &'a str,
    nodes: Vec<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    lane_count: usize,
    node_count: usize,
    edge_count: usize,
    cross_lane_edges: usize,
    loop_count: usize,
}

/// Attributes as a JSON object that keeps the written order.
struct Properties<'a>(Vec<&'a Attribute>);

impl Properties<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for attribute in &self.0 {
            map.serialize_entry(&attribute.key, &attribute.value)?;
        }
        map.end()
    }
}

/// A guess at what a lane stands for, from words in its id and label.
pub fn lane_type(id: &str, label: &str) -> &'static str {
    const PEOPLE: &[&str] = &[
        "user", "customer", "client", "person", "human", "actor", "staff", "manager", "agent", "buyer", "seller",
        "employee", "team", "admin", "operator", "reviewer", "approver",
    ];
    const SYSTEMS: &[&str] = &[
        "api", "server", "service", "system", "backend", "frontend", "database", "db", "app", "queue", "gateway",
        "worker", "cache", "engine", "bot", "platform", "storage",
    ];
    let words: Vec<String> = format!("{id} {label}")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mentions = |list: &[&str]| words.iter().any(|w| list.iter().any(|k| w == k || w.strip_suffix('s') == Some(k)));
    if mentions(PEOPLE) {
        "actor"
    } else if mentions(SYSTEMS) {
        "system"
    } else {
        "unknown"
    }
}

fn build(diagram: &Diagram) -> GraphJson<'_> {
    let lane_id = |lane: LaneId| diagram.lane(lane).id.as_str();
    let nodes = diagram
        .node_indices()
        .map(|index| {
            let node = diagram.node(index);
            let kind = crate::analysis::roles::kind_of(node.shape, diagram.in_degree(index), diagram.out_degree(index))
                .export_name(node.shape);
            NodeJson {
                id: &node.id,
                lane_id: lane_id(node.lane),
                label: node.display_label(),
                kind,
                shape: node.shape.name(),
                properties: Properties(node.attributes.iter().filter(|a| a.key != "label").collect()),
            }
        })
        .collect();
    let edges = diagram
        .edges()
        .iter()
        .enumerate()
        .map(|(position, edge)| EdgeJson {
            id: format!("e{}", position + 1),
            from: &diagram.node(edge.source).id,
            to: &diagram.node(edge.target).id,
            source_handle: edge.source_handle.name(),
            target_handle: edge.target_handle.name(),
            from_lane: lane_id(diagram.node(edge.source).lane),
            to_lane: lane_id(diagram.node(edge.target).lane),
            label: edge.label.as_deref(),
            properties: Properties(edge.attributes.iter().collect()),
        })
        .collect();
    let loops = diagram
        .loops()
        .iter()
        .map(|stmt| LoopJson {
            condition: &stmt.condition,
            nodes: stmt.members.iter().map(|&member| diagram.node(member).id.as_str()).collect(),
        })
        .collect();
    GraphJson {
        lanes: diagram
            .lanes()
            .iter()
            .map(|lane| LaneJson { id: &lane.id, label: &lane.label, lane_type: lane_type(&lane.id, &lane.label) })
            .collect(),
        nodes,
        edges,
        loops,
        stats: Stats {
            lane_count: diagram.lanes().len(),
            node_count: diagram.nodes().len(),
            edge_count: diagram.edges().len(),
            cross_lane_edges: diagram.edges().iter().filter(|edge| diagram.is_cross_lane(edge)).count(),
            loop_count: diagram.loops().len(),
        },
    }
}

/// The graph JSON of `diagram`, pretty-printed with a final newline.
pub fn to_string(diagram: &Diagram) -> String {
    let mut text = serde_json::to_string_pretty(&build(diagram)).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}
