//! A diagram compiled to a BPMN 2.0 process: the semantic model (events,
//! user tasks, gateways, sequence flows, lanes) is built here from the
//! analysis, its diagram interchange in `di`, and both are written as XML in
//! `xml`.
//!
//! Gateways are explicit everywhere: a fork gets a parallel split after it,
//! a join the gateway its type calls for in front of it, so no node ever has
//! two plain outgoing flows (engines read that as an implicit split, which
//! many reject) or two plain incoming ones.

pub mod di;
mod xml;

use std::collections::HashSet;

use petgraph::graph::NodeIndex;

use crate::analysis::{Analysis, Join, Kind, Split};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Diagram, Shape};

pub use xml::to_string;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    StartEvent,
    EndEvent,
    IntermediateThrowEvent,
    UserTask,
    ExclusiveGateway,
    ParallelGateway,
}

impl ElementKind {
    pub fn tag(self) -> &'static str {
        match self {
            ElementKind::StartEvent => "startEvent",
            ElementKind::EndEvent => "endEvent",
            ElementKind::IntermediateThrowEvent => "intermediateThrowEvent",
            ElementKind::UserTask => "userTask",
            ElementKind::ExclusiveGateway => "exclusiveGateway",
            ElementKind::ParallelGateway => "parallelGateway",
        }
    }

    pub fn is_gateway(self) -> bool {
        matches!(self, ElementKind::ExclusiveGateway | ElementKind::ParallelGateway)
    }
}

/// Why an element exists: a diagram node, or a gateway or event the
/// compiler adds next to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Node(NodeIndex),
    /// The parallel split after a fork.
    Fork(NodeIndex),
    /// The gateway in front of a node with several incoming flows.
    Join(NodeIndex),
    /// An exclusive merge of one slot of a nested join, in front of the
    /// parallel join.
    SlotMerge(NodeIndex, usize),
    /// A start event in front of a node the flow starts at that is not a circle.
    ImplicitStart(NodeIndex),
    /// An end event after a node the flow stops at that is not a circle.
    ImplicitEnd(NodeIndex),
}

impl Origin {
    pub fn node(self) -> NodeIndex {
        match self {
            Origin::Node(n)
            | Origin::Fork(n)
            | Origin::Join(n)
            | Origin::SlotMerge(n, _)
            | Origin::ImplicitStart(n)
            | Origin::ImplicitEnd(n) => n,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub id: String,
    pub di_id: String,
    pub kind: ElementKind,
    pub name: Option<String>,
    pub documentation: Option<String>,
    pub lane: usize,
    pub origin: Origin,
    pub incoming: Vec<usize>,
    pub outgoing: Vec<usize>,
    /// The default flow of an exclusive split.
    pub default: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub id: String,
    pub di_id: String,
    pub source: usize,
    pub target: usize,
    pub name: Option<String>,
    /// A Python expression over the decision's outcome variable.
    pub condition: Option<String>,
    /// The diagram edge the flow draws, if it is one.
    pub edge: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub id: String,
    pub di_id: String,
    pub name: String,
    pub members: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub name: String,
    pub participant_di_id: String,
    pub lanes: Vec<Lane>,
    pub elements: Vec<Element>,
    pub flows: Vec<Flow>,
}

/// The process variable a decision's outgoing conditions test: the worker
/// (or the engine's caller) sets it to the label of the outcome it chose.
pub fn outcome_variable(decision_id: &str) -> String {
    format!("outcome_{decision_id}")
}

/// Compiles a diagram that lints without errors (or one whose unsoundness
/// the caller accepts). Refuses what a single BPMN process with one blank
/// start cannot express.
pub fn compile(diagram: &Diagram, analysis: &Analysis, name: &str) -> Result<Process, Vec<Diagnostic>> {
    if let Some(refusal) = start_refusal(diagram, analysis) {
        return Err(vec![refusal]);
    }
    let mut builder = Builder {
        diagram,
        analysis,
        ids: FIXED_IDS.iter().map(|id| (*id).to_owned()).collect(),
        node_ids: Vec::new(),
        elements: Vec::new(),
        flows: Vec::new(),
    };
    Ok(builder.build(name))
}

fn start_refusal(diagram: &Diagram, analysis: &Analysis) -> Option<Diagnostic> {
    let sources = &analysis.flow.sources;
    match sources.len() {
        1 => None,
        0 => {
            let (message, span, label) = match diagram.nodes.first() {
                Some(first) => (
                    "cannot compile to BPMN: every node has an incoming edge, so the process has no start",
                    first.id_span,
                    "flow comes back into every node, this one included",
                ),
                None => {
                    ("cannot compile to BPMN: the diagram has no nodes", crate::syntax::Span::default(), "nothing here")
                }
            };
            Some(
                Diagnostic::new(Code::E025, message, span, label)
                    .with_help("add `nX: circle label:\"Start\"` with an edge to the first step"),
            )
        }
        _ => Some(crate::emit::program::several_starts_diagnostic(
            diagram,
            sources,
            "cannot compile to BPMN",
            "a process has one blank start event (an engine cannot tell which of several to trigger): keep one start and connect the others after it",
        )),
    }
}

/// Ids of the document's fixed parts; see `xml`.
pub const FIXED_IDS: [&str; 7] =
    ["Definitions_1", "Collaboration_1", "Participant_1", "Process_1", "LaneSet_1", "BPMNDiagram_1", "BPMNPlane_1"];

struct Builder<'a> {
    diagram: &'a Diagram,
    analysis: &'a Analysis,
    ids: HashSet<String>,
    node_ids: Vec<String>,
    elements: Vec<Element>,
    flows: Vec<Flow>,
}

/// Where the flows of one node attach: the element its incoming edges
/// enter (per edge, for joins), and the element its outgoing edges leave.
struct Attach {
    exit: usize,
    /// For each incoming edge (by edge index), the element it enters.
    entries: Vec<(usize, usize)>,
}

impl Builder<'_> {
    fn unique_id(&mut self, wanted: String) -> String {
        let mut id = wanted.clone();
        let mut suffix = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{wanted}_{suffix}");
            suffix += 1;
        }
        id
    }

    fn element(&mut self, id: String, kind: ElementKind, name: Option<String>, origin: Origin) -> usize {
        let id = match origin {
            Origin::Node(node) => self.node_ids[node.index()].clone(),
            _ => self.unique_id(id),
        };
        let lane = self.diagram.node(origin.node()).lane;
        self.elements.push(Element {
            id,
            di_id: String::new(),
            kind,
            name,
            documentation: None,
            lane,
            origin,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            default: None,
        });
        self.elements.len() - 1
    }

    fn flow(&mut self, source: usize, target: usize, name: Option<String>, edge: Option<usize>) -> usize {
        let id = self.unique_id(format!("Flow_{}_{}", self.elements[source].id, self.elements[target].id));
        self.flows.push(Flow { id, di_id: String::new(), source, target, name, condition: None, edge });
        let index = self.flows.len() - 1;
        self.elements[source].outgoing.push(index);
        self.elements[target].incoming.push(index);
        index
    }

    fn build(&mut self, name: &str) -> Process {
        let diagram = self.diagram;
        // Node ids are identifiers (a letter or `_` first), so they are
        // valid NCNames as they are; reserve them before any generated id,
        // so added gateways never take a node's id.
        self.node_ids = diagram.nodes.iter().map(|node| self.unique_id(node.id.clone())).collect();
        let mut attach: Vec<Attach> = Vec::with_capacity(diagram.nodes.len());
        for n in 0..diagram.nodes.len() {
            let node = NodeIndex::new(n);
            attach.push(self.node_elements(node));
        }
        for (index, edge) in diagram.edges.iter().enumerate() {
            let source = attach[edge.source.index()].exit;
            let target = attach[edge.target.index()]
                .entries
                .iter()
                .find(|(e, _)| *e == index)
                .map_or(source, |&(_, element)| element);
            self.flow(source, target, edge.label.clone(), Some(index));
        }
        self.conditions();
        let mut lanes: Vec<Lane> = diagram
            .lanes
            .iter()
            .enumerate()
            .map(|(lane, data)| Lane {
                id: self.unique_id(format!("Lane_{}", data.id)),
                di_id: String::new(),
                name: data.label.clone(),
                members: (0..self.elements.len()).filter(|&e| self.elements[e].lane == lane).collect(),
            })
            .collect();
        // Shape and edge ids come last, so they bend around every
        // semantic id rather than the other way round.
        let participant_di_id = self.unique_id("Participant_1_di".to_owned());
        for lane in &mut lanes {
            lane.di_id = self.unique_id(format!("{}_di", lane.id));
        }
        for e in 0..self.elements.len() {
            self.elements[e].di_id = self.unique_id(format!("{}_di", self.elements[e].id));
        }
        for f in 0..self.flows.len() {
            self.flows[f].di_id = self.unique_id(format!("{}_di", self.flows[f].id));
        }
        Process {
            name: name.to_owned(),
            participant_di_id,
            lanes,
            elements: std::mem::take(&mut self.elements),
            flows: std::mem::take(&mut self.flows),
        }
    }

    /// The elements of one node, in the order they run: implicit start or
    /// join gateways, the node, then its fork or implicit end.
    fn node_elements(&mut self, node: NodeIndex) -> Attach {
        let diagram = self.diagram;
        let data = diagram.node(node);
        let role = self.analysis.roles[node.index()];
        let flow = &self.analysis.flow;
        let incoming = &flow.incoming[node.index()];
        let outgoing = &flow.outgoing[node.index()];

        let mut entries = Vec::new();
        let mut front = None;
        if incoming.is_empty() && role.kind != Kind::Start {
            let start = self.element(
                format!("{}_start", data.id),
                ElementKind::StartEvent,
                Some("Start".to_owned()),
                Origin::ImplicitStart(node),
            );
            front = Some(start);
        } else if incoming.len() > 1 {
            let info = &self.analysis.joins[node.index()];
            let (kind, slots) = match info.join {
                Join::Parallel => (ElementKind::ParallelGateway, None),
                Join::Nested => (ElementKind::ParallelGateway, Some(info.slots.clone())),
                // A mixed join runs once per arriving token, as the
                // soundness check plays it; lint reports it.
                Join::Exclusive | Join::LoopMerge | Join::Mixed | Join::None => (ElementKind::ExclusiveGateway, None),
            };
            let join = self.element(format!("{}_join", data.id), kind, None, Origin::Join(node));
            match slots {
                Some(slots) => {
                    for (position, slot) in slots.iter().enumerate() {
                        if slot.len() < 2 {
                            entries.extend(slot.iter().map(|edge| (edge.index(), join)));
                            continue;
                        }
                        let merge = self.element(
                            format!("{}_merge_{}", data.id, position + 1),
                            ElementKind::ExclusiveGateway,
                            None,
                            Origin::SlotMerge(node, position),
                        );
                        entries.extend(slot.iter().map(|edge| (edge.index(), merge)));
                        self.flow(merge, join, None, None);
                    }
                }
                None => entries.extend(incoming.iter().map(|edge| (edge.index(), join))),
            }
            front = Some(join);
        }

        let kind = match role.kind {
            Kind::Start => ElementKind::StartEvent,
            Kind::End => ElementKind::EndEvent,
            Kind::Intermediate => ElementKind::IntermediateThrowEvent,
            Kind::Task => ElementKind::UserTask,
            Kind::Decision => ElementKind::ExclusiveGateway,
        };
        let (name, documentation) = names(data);
        let own = self.element(data.id.clone(), kind, Some(name), Origin::Node(node));
        self.elements[own].documentation = documentation;
        if let Some(front) = front {
            self.flow(front, own, None, None);
        }
        for &edge in incoming {
            if !entries.iter().any(|(e, _)| *e == edge.index()) {
                entries.push((edge.index(), own));
            }
        }

        let exit = if outgoing.len() > 1 && role.split == Split::Parallel {
            let fork =
                self.element(format!("{}_fork", data.id), ElementKind::ParallelGateway, None, Origin::Fork(node));
            self.flow(own, fork, None, None);
            fork
        } else if outgoing.is_empty() && kind != ElementKind::EndEvent {
            let end = self.element(
                format!("{}_end", data.id),
                ElementKind::EndEvent,
                Some("End".to_owned()),
                Origin::ImplicitEnd(node),
            );
            self.flow(own, end, None, None);
            own
        } else {
            own
        };
        Attach { exit, entries }
    }

    /// Conditions on the outgoing flows of each decision: one per labelled
    /// outcome; the unlabelled (or else the last) outcome is the default.
    fn conditions(&mut self) {
        for e in 0..self.elements.len() {
            let element = &self.elements[e];
            let Origin::Node(node) = element.origin else { continue };
            if element.kind != ElementKind::ExclusiveGateway || element.outgoing.len() < 2 {
                continue;
            }
            let outgoing = element.outgoing.clone();
            let default = outgoing
                .iter()
                .rev()
                .find(|&&f| self.flows[f].name.as_deref().is_none_or(|n| n.trim().is_empty()))
                .or(outgoing.last())
                .copied();
            let variable = outcome_variable(&self.diagram.node(node).id);
            for &f in &outgoing {
                if Some(f) == default {
                    continue;
                }
                let value = match self.flows[f].name.as_deref().filter(|n| !n.trim().is_empty()) {
                    Some(label) => label.to_owned(),
                    // An unlabelled outcome that is not the default is named
                    // by where it goes, so it can still be chosen.
                    None => {
                        let target = self.flows[f].target;
                        let label =
                            self.elements[target].name.clone().unwrap_or_else(|| self.elements[target].id.clone());
                        self.flows[f].name = Some(label.clone());
                        label
                    }
                };
                self.flows[f].condition = Some(format!("{variable} == {}", python_string(&value)));
            }
            self.elements[e].default = default;
        }
    }
}

/// The element name and documentation of a node: a taskbox is named by its
/// title; the rest is the description every target writes.
fn names(node: &crate::model::Node) -> (String, Option<String>) {
    let label = node.display_label();
    let name = if node.shape == Shape::Taskbox { label.split('|').next().unwrap_or_default().trim() } else { label };
    (name.to_owned(), crate::emit::node_description(node))
}

/// A Python string literal. JSON's string syntax is a subset of Python's.
fn python_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}
