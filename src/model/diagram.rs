//! The resolved diagram: lanes, nodes, edges and loops by index, plus the
//! petgraph graph every later stage walks.

use std::collections::HashMap;
use std::fmt;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::syntax::strings::quote;
use crate::syntax::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    Circle,
    Rectangle,
    Diamond,
    Taskbox,
}

impl Shape {
    pub const ALL: [Shape; 4] = [Shape::Circle, Shape::Rectangle, Shape::Diamond, Shape::Taskbox];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Rectangle => "rectangle",
            Shape::Diamond => "diamond",
            Shape::Taskbox => "taskbox",
        }
    }

    pub fn from_name(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|shape| shape.name() == name)
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The side of a node's box where an edge attaches (its "handle").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

impl Side {
    pub const ALL: [Side; 4] = [Side::Left, Side::Right, Side::Top, Side::Bottom];

    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Top => "top",
            Side::Bottom => "bottom",
        }
    }

    pub fn from_name(name: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.name() == name)
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An index into [`Diagram::lanes`].
pub type LaneIx = usize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub id: String,
    /// The display label; the id when none was written.
    pub label: String,
    /// The lane's opening line.
    pub span: Span,
    /// The display label as written, if it was.
    pub label_span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: String,
    pub value: String,
    pub span: Span,
}

/// The attribute keys FlowZap defines; others are kept but warned about.
pub const KNOWN_ATTRIBUTES: [&str; 4] = ["label", "owner", "description", "system"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub shape: Shape,
    /// In written order, unknown keys included; a repeated key keeps its last value.
    pub attributes: Vec<Attribute>,
    pub lane: LaneIx,
    /// The id as written in the declaration.
    pub id_span: Span,
    /// The shape as written in the declaration.
    pub shape_span: Span,
    /// The whole declaration.
    pub span: Span,
}

impl Node {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|attribute| attribute.key == key).map(|attribute| attribute.value.as_str())
    }

    pub fn label(&self) -> Option<&str> {
        self.attribute("label")
    }

    /// The label, or the id for a node without one.
    pub fn display_label(&self) -> &str {
        self.label().unwrap_or(&self.id)
    }

    /// What the node is called: a taskbox's label is a title and checklist
    /// items separated by `|`, and this is its title (trimmed); any other
    /// node's title is its whole display label.
    pub fn title(&self) -> &str {
        match self.shape {
            Shape::Taskbox => self.display_label().split('|').next().unwrap_or_default().trim(),
            _ => self.display_label(),
        }
    }

    /// A taskbox's checklist items (trimmed, empty ones left out); nothing
    /// for the other shapes.
    pub fn checklist(&self) -> impl Iterator<Item = &str> {
        let items = match self.shape {
            Shape::Taskbox => self.display_label().split('|').skip(1),
            // An iterator of the same type that yields nothing.
            _ => "".split('|').skip(1),
        };
        items.map(str::trim).filter(|item| !item.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub source: NodeIndex,
    pub target: NodeIndex,
    pub source_handle: Side,
    pub target_handle: Side,
    /// False when the file left a handle out and it was inferred.
    pub handles_written: bool,
    pub label: Option<String>,
    /// The whole `label=…` attribute, if written.
    pub label_span: Option<Span>,
    /// Edge attributes other than `label`, kept as written.
    pub attributes: Vec<Attribute>,
    /// The lane block the edge was written in; `None` outside every lane.
    pub written_in: Option<LaneIx>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    pub condition: String,
    /// Members in the order listed (their execution order).
    pub members: Vec<NodeIndex>,
    pub written_in: Option<LaneIx>,
    pub span: Span,
}

/// A resolved diagram. `nodes[i]` is the node at graph index `i`, and
/// `edges[j]` the edge at graph edge index `j`: positions and graph indices
/// are one and the same, so either can be used to reach the other.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    pub lanes: Vec<Lane>,
    pub nodes: Vec<Node>,
    /// In file order, which is the message order of the sequence view.
    pub edges: Vec<Edge>,
    pub loops: Vec<Loop>,
    pub graph: DiGraph<usize, usize>,
    by_id: HashMap<String, NodeIndex>,
    /// The first lane declared with each id.
    lane_by_id: HashMap<String, LaneIx>,
}

impl Diagram {
    pub fn new() -> Self {
        Diagram::default()
    }

    pub fn add_lane(&mut self, lane: Lane) -> LaneIx {
        let index = self.lanes.len();
        self.lane_by_id.entry(lane.id.clone()).or_insert(index);
        self.lanes.push(lane);
        index
    }

    /// Adds a node; `None` (and nothing added) when its id is taken.
    pub fn add_node(&mut self, node: Node) -> Option<NodeIndex> {
        if self.by_id.contains_key(&node.id) {
            return None;
        }
        let index = self.graph.add_node(self.nodes.len());
        self.by_id.insert(node.id.clone(), index);
        self.nodes.push(node);
        Some(index)
    }

    pub fn add_edge(&mut self, edge: Edge) -> EdgeIndex {
        let index = self.graph.add_edge(edge.source, edge.target, self.edges.len());
        self.edges.push(edge);
        index
    }

    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.by_id.get(id).copied()
    }

    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.nodes[self.graph[index]]
    }

    pub fn node_by_id(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|index| self.node(index))
    }

    pub fn lane_index(&self, id: &str) -> Option<LaneIx> {
        self.lane_by_id.get(id).copied()
    }

    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.node_indices()
    }

    pub fn in_degree(&self, index: NodeIndex) -> usize {
        self.graph.edges_directed(index, Direction::Incoming).count()
    }

    pub fn out_degree(&self, index: NodeIndex) -> usize {
        self.graph.edges_directed(index, Direction::Outgoing).count()
    }

    pub fn is_cross_lane(&self, edge: &Edge) -> bool {
        self.node(edge.source).lane != self.node(edge.target).lane
    }

    /// `edge` as one canonical FlowZap statement: handles written, the lane
    /// prefix exactly when the target is in another lane.
    pub fn edge_statement(&self, edge: &Edge) -> String {
        let source = self.node(edge.source);
        let target = self.node(edge.target);
        let target_ref = if source.lane == target.lane {
            target.id.clone()
        } else {
            format!("{}.{}", self.lanes[target.lane].id, target.id)
        };
        let mut line =
            format!("{}.handle({}) -> {}.handle({})", source.id, edge.source_handle, target_ref, edge.target_handle);
        let mut attributes: Vec<String> = Vec::new();
        if let Some(label) = &edge.label {
            attributes.push(format!("label={}", quote(label)));
        }
        attributes.extend(edge.attributes.iter().map(|a| format!("{}={}", a.key, quote(&a.value))));
        if !attributes.is_empty() {
            line.push_str(&format!(" [{}]", attributes.join(", ")));
        }
        line
    }
}
