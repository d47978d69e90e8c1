//! The resolved diagram: lanes, nodes, edges and loops by index, plus the
//! petgraph graph every later stage walks.

use std::collections::HashMap;
use std::fmt;

use compact_str::CompactString;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::syntax::strings::quote;
use crate::syntax::Span;

/// The four node shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// An event: start, end or intermediate, by its edges.
    Circle,
    /// A task.
    Rectangle,
    /// A decision.
    Diamond,
    /// A task with a checklist: `Title|item|item`.
    Taskbox,
}

impl Shape {
    /// Every shape.
    pub const ALL: [Shape; 4] = [Shape::Circle, Shape::Rectangle, Shape::Diamond, Shape::Taskbox];

    /// The shape as written in FlowZap Code.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Rectangle => "rectangle",
            Shape::Diamond => "diamond",
            Shape::Taskbox => "taskbox",
        }
    }

    /// The shape written `name`, if it is one.
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
    /// The left side.
    Left,
    /// The right side.
    Right,
    /// The top side.
    Top,
    /// The bottom side.
    Bottom,
}

impl Side {
    /// Every side.
    pub const ALL: [Side; 4] = [Side::Left, Side::Right, Side::Top, Side::Bottom];

    /// The side as written in `handle(…)`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Top => "top",
            Side::Bottom => "bottom",
        }
    }

    /// The side written `name`, if it is one (lower case only).
    pub fn from_name(name: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.name() == name)
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A node of the diagram: its position in [`Diagram::nodes`] and its index
/// in [`Diagram::graph`], which are the same (petgraph's typed index).
pub type NodeId = NodeIndex;

/// An edge of the diagram: its position in [`Diagram::edges`] and its index
/// in [`Diagram::graph`], which are the same (petgraph's typed index).
pub type EdgeId = EdgeIndex;

/// A lane of the diagram: its position in [`Diagram::lanes`], which is
/// file order, so ids compare as the lanes stand top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LaneId(u32);

impl LaneId {
    /// The lane at `index` in file order.
    pub fn new(index: usize) -> LaneId {
        LaneId(u32::try_from(index).unwrap_or(u32::MAX))
    }

    /// The lane's position in file order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A swimlane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// The id that lane prefixes name.
    pub id: CompactString,
    /// The display label; the id when none was written.
    pub label: CompactString,
    /// The lane's opening line.
    pub span: Span,
    /// The display label as written, if it was.
    pub label_span: Option<Span>,
}

/// One `key:"value"` of a node or an edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The key.
    pub key: CompactString,
    /// The value, unescaped.
    pub value: CompactString,
    /// Where it is written.
    pub span: Span,
}

/// The attribute keys FlowZap defines; others are kept but warned about.
pub const KNOWN_ATTRIBUTES: [&str; 4] = ["label", "owner", "description", "system"];

/// A node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its id (`n1`).
    pub id: CompactString,
    /// Its shape.
    pub shape: Shape,
    /// In written order, unknown keys included; a repeated key keeps its last value.
    pub attributes: Vec<Attribute>,
    /// The lane it is declared in.
    pub lane: LaneId,
    /// The id as written in the declaration.
    pub id_span: Span,
    /// The shape as written in the declaration.
    pub shape_span: Span,
    /// The whole declaration.
    pub span: Span,
}

impl Node {
    /// The value of attribute `key`, if written.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|attribute| attribute.key == key).map(|attribute| attribute.value.as_str())
    }

    /// The `label` attribute, if written.
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

/// An edge between two nodes' handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The node it leaves.
    pub source: NodeId,
    /// The node it enters.
    pub target: NodeId,
    /// The side of the source it leaves from.
    pub source_handle: Side,
    /// The side of the target it enters at.
    pub target_handle: Side,
    /// False when the file left a handle out and it was inferred.
    pub handles_written: bool,
    /// Its label, if written.
    pub label: Option<CompactString>,
    /// The whole `label=…` attribute, if written.
    pub label_span: Option<Span>,
    /// Edge attributes other than `label`, kept as written.
    pub attributes: Vec<Attribute>,
    /// The lane block the edge was written in; `None` outside every lane.
    pub written_in: Option<LaneId>,
    /// The whole statement.
    pub span: Span,
}

/// A `loop [condition] …` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    /// The condition in brackets.
    pub condition: CompactString,
    /// Members in the order listed (their execution order).
    pub members: Vec<NodeId>,
    /// The lane block it was written in; `None` outside every lane.
    pub written_in: Option<LaneId>,
    /// The whole statement.
    pub span: Span,
}

/// A resolved diagram. `nodes()[i]` is the node at graph index `i`, and
/// `edges()[j]` the edge at graph edge index `j`: positions and graph
/// indices are one and the same, so either can be used to reach the other.
/// The fields are private so that this stays true: a diagram only grows
/// through `add_lane`, `add_node`, `add_edge` and `add_loop`.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    lanes: Vec<Lane>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    loops: Vec<Loop>,
    graph: DiGraph<(), ()>,
    by_id: HashMap<CompactString, NodeIndex>,
    /// The first lane declared with each id.
    lane_by_id: HashMap<CompactString, LaneId>,
}

impl Diagram {
    /// An empty diagram.
    pub fn new() -> Self {
        Diagram::default()
    }

    /// The lanes in file order.
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// The nodes in file order; `nodes()[i]` is graph node `i`.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The edges in file order, which is the message order of the sequence
    /// view; `edges()[j]` is graph edge `j`.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The `loop` statements in file order.
    pub fn loops(&self) -> &[Loop] {
        &self.loops
    }

    /// The graph of nodes and edges, for petgraph's algorithms.
    pub fn graph(&self) -> &DiGraph<(), ()> {
        &self.graph
    }

    /// The lane `id`.
    pub fn lane(&self, id: LaneId) -> &Lane {
        &self.lanes[id.index()]
    }

    /// The ids of the lanes, top to bottom.
    pub fn lane_ids(&self) -> impl Iterator<Item = LaneId> + '_ {
        (0..self.lanes.len()).map(LaneId::new)
    }

    /// The edge at `index`.
    pub fn edge(&self, index: EdgeIndex) -> &Edge {
        &self.edges[index.index()]
    }

    /// Adds a lane; ids may repeat (an error found by `resolve`), and lookups by id find the first.
    pub fn add_lane(&mut self, lane: Lane) -> LaneId {
        let index = LaneId::new(self.lanes.len());
        self.lane_by_id.entry(lane.id.clone()).or_insert(index);
        self.lanes.push(lane);
        index
    }

    /// Adds a node; `None` (and nothing added) when its id is taken.
    pub fn add_node(&mut self, node: Node) -> Option<NodeIndex> {
        if self.by_id.contains_key(&node.id) {
            return None;
        }
        let index = self.graph.add_node(());
        self.by_id.insert(node.id.clone(), index);
        self.nodes.push(node);
        Some(index)
    }

    /// Adds an edge between two nodes already added.
    pub fn add_edge(&mut self, edge: Edge) -> EdgeIndex {
        let index = self.graph.add_edge(edge.source, edge.target, ());
        self.edges.push(edge);
        index
    }

    /// The node with id `id`.
    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.by_id.get(id).copied()
    }

    /// Adds a `loop` statement.
    pub fn add_loop(&mut self, statement: Loop) {
        self.loops.push(statement);
    }

    /// The node at `index`.
    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.nodes[index.index()]
    }

    /// The node with id `id`.
    pub fn node_by_id(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|index| self.node(index))
    }

    /// The first lane with id `id`.
    pub fn lane_index(&self, id: &str) -> Option<LaneId> {
        self.lane_by_id.get(id).copied()
    }

    /// Every node's index, in file order.
    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.node_indices()
    }

    /// How many edges enter the node.
    pub fn in_degree(&self, index: NodeIndex) -> usize {
        self.graph.edges_directed(index, Direction::Incoming).count()
    }

    /// How many edges leave the node.
    pub fn out_degree(&self, index: NodeIndex) -> usize {
        self.graph.edges_directed(index, Direction::Outgoing).count()
    }

    /// Whether the edge joins nodes of two lanes.
    pub fn is_cross_lane(&self, edge: &Edge) -> bool {
        self.node(edge.source).lane != self.node(edge.target).lane
    }

    /// `edge` as one canonical FlowZap statement: handles written, the lane
    /// prefix exactly when the target is in another lane.
    pub fn edge_statement(&self, edge: &Edge) -> String {
        let source = self.node(edge.source);
        let target = self.node(edge.target);
        let target_ref = if source.lane == target.lane {
            target.id.to_string()
        } else {
            format!("{}.{}", self.lane(target.lane).id, target.id)
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
