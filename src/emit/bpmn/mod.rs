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

use petgraph::graph::{EdgeIndex, NodeIndex};

use crate::analysis::{Analysis, Back, Front, Join, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::Diagram;

pub use xml::to_string;

/// The BPMN element types flowzap writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    /// A start event.
    StartEvent,
    /// An end event.
    EndEvent,
    /// A none intermediate throw event: a circle in the middle of the flow.
    IntermediateThrowEvent,
    /// A user task: a rectangle or a taskbox.
    UserTask,
    /// An exclusive gateway: a decision, a choice or a merge.
    ExclusiveGateway,
    /// A parallel gateway: a fork or a join.
    ParallelGateway,
}

impl ElementKind {
    /// The XML element name.
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

    /// Whether it is a gateway.
    pub fn is_gateway(self) -> bool {
        matches!(self, ElementKind::ExclusiveGateway | ElementKind::ParallelGateway)
    }
}

/// Why an element exists: a diagram node, or a gateway or event the
/// compiler adds next to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The node itself.
    Node(NodeIndex),
    /// The parallel split after a fork.
    Fork(NodeIndex),
    /// The exclusive split after a task whose labelled outcomes are read as
    /// a choice.
    Choice(NodeIndex),
    /// The gateway in front of a node with several incoming flows.
    Join(NodeIndex),
    /// An exclusive merge of one slot of a nested join, in front of the
    /// parallel join.
    SlotMerge(NodeIndex, usize),
    /// A start event in front of a node the flow starts at that is not a
    /// circle, or in front of the choice between alternative starts (then
    /// the node is the first of them).
    ImplicitStart(NodeIndex),
    /// The exclusive gateway choosing between alternative starts, in front
    /// of the first of them.
    EntryChoice(NodeIndex),
    /// An end event after a node the flow stops at that is not a circle.
    ImplicitEnd(NodeIndex),
    /// The start (0) and end (1) of a process with nothing in it.
    Empty(u8),
}

impl Origin {
    /// The node the element belongs to, for its lane and its place.
    pub fn node(self) -> Option<NodeIndex> {
        match self {
            Origin::Node(n)
            | Origin::Fork(n)
            | Origin::Choice(n)
            | Origin::Join(n)
            | Origin::SlotMerge(n, _)
            | Origin::ImplicitStart(n)
            | Origin::EntryChoice(n)
            | Origin::ImplicitEnd(n) => Some(n),
            Origin::Empty(_) => None,
        }
    }
}

/// One flow element of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Its XML id.
    pub id: String,
    /// The XML id of its shape.
    pub di_id: String,
    /// What it is.
    pub kind: ElementKind,
    /// Its name, shown in modelers.
    pub name: Option<String>,
    /// Its documentation (checklist, owner, system, description).
    pub documentation: Option<String>,
    /// The lane it stands in, by position in the process' lanes.
    pub lane: usize,
    /// Why it exists.
    pub origin: Origin,
    /// The flows into it, by position in the process' flows.
    pub incoming: Vec<usize>,
    /// The flows out of it, by position in the process' flows.
    pub outgoing: Vec<usize>,
    /// The default flow of an exclusive split.
    pub default: Option<usize>,
}

/// One sequence flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// Its XML id.
    pub id: String,
    /// The XML id of its edge in the diagram.
    pub di_id: String,
    /// The element it leaves, by position.
    pub source: usize,
    /// The element it enters, by position.
    pub target: usize,
    /// Its name: the edge label.
    pub name: Option<String>,
    /// The test on a decision's outcome variable that lets a token take
    /// the flow; each engine writes it in its own expression language.
    pub condition: Option<Condition>,
    /// The process edge the flow stands for, if it is one.
    pub edge: Option<usize>,
    /// The drawn edges whose routes the flow follows, in order; empty for a
    /// flow the compiler adds.
    pub route: Vec<usize>,
}

/// `variable` equals `value`: the only test a compiled flow makes. The
/// variable is set by whoever decides (the task before the gateway, or the
/// caller at the start) to the label of the outcome chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The outcome variable.
    pub variable: String,
    /// The value that takes the flow.
    pub value: String,
}

/// The engine a BPMN file is written for. The process is the same for
/// every engine; what differs is the expression language of conditions and
/// the vendor extensions each engine reads (see docs/semantics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Engine {
    /// SpiffWorkflow: conditions in Python
    Spiff,
    /// Camunda 7: JUEL conditions, `camunda:` extensions, history time to live
    #[default]
    Camunda7,
    /// Camunda 8 (Zeebe): FEEL conditions, `zeebe:` user tasks
    Camunda8,
    /// bpmn-engine (npm): JavaScript conditions
    BpmnEngine,
}

impl Engine {
    /// Every engine.
    pub const ALL: [Engine; 4] = [Engine::Spiff, Engine::Camunda7, Engine::Camunda8, Engine::BpmnEngine];
}

/// One lane of the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// Its XML id.
    pub id: String,
    /// The XML id of its shape.
    pub di_id: String,
    /// Its name: the diagram lane's label.
    pub name: String,
    /// The diagram's lane id: the group its user tasks are offered to.
    pub key: String,
    /// Its elements, by position.
    pub members: Vec<usize>,
}

/// A compiled BPMN process: one pool, its lanes, elements and flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The process name.
    pub name: String,
    /// The XML id of the pool's shape.
    pub participant_di_id: String,
    /// The lanes, in diagram order.
    pub lanes: Vec<Lane>,
    /// The elements, in diagram order with what was added beside each node.
    pub elements: Vec<Element>,
    /// The sequence flows.
    pub flows: Vec<Flow>,
}

/// The process variable a decision's outgoing conditions test: the worker
/// (or the engine's caller) sets it to the label of the outcome it chose.
pub fn outcome_variable(diagram: &Diagram, decision: NodeIndex) -> String {
    crate::analysis::outcomes::outcome_key(diagram, decision)
}

/// Compiles the process of a diagram that lints without errors (or one
/// whose unsoundness the caller accepts).
///
/// BPMN needs no block structure, so every such diagram compiles: several
/// starts become one start event and a choice between them, a ring (no node
/// free of incoming edges) is entered at its first node, and a drawing
/// without edges is a choice between one-step processes.
pub fn compile(drawn: &Diagram, analysis: &Analysis, name: &str) -> Result<Process, Vec<Diagnostic>> {
    let diagram = analysis.process(drawn);
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
        let lane = origin.node().map_or(0, |node| self.diagram.node(node).lane.index());
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
        let route = edge.map_or_else(Vec::new, |edge| {
            self.analysis.reading.route(EdgeIndex::new(edge)).iter().map(|e| e.index()).collect()
        });
        self.flows.push(Flow { id, di_id: String::new(), source, target, name, condition: None, edge, route });
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
        self.node_ids = diagram.nodes().iter().map(|node| self.unique_id(node.id.to_string())).collect();
        let sources = &self.analysis.flow.sources;
        let several_starts = sources.len() > 1;
        let mut attach: Vec<Option<Attach>> = Vec::with_capacity(diagram.nodes().len());
        for n in 0..diagram.nodes().len() {
            let node = NodeIndex::new(n);
            let in_process = self.analysis.reading.in_process[n];
            attach.push(in_process.then(|| self.node_elements(node, several_starts)));
        }
        for (index, edge) in diagram.edges().iter().enumerate() {
            let (Some(from), Some(to)) = (&attach[edge.source.index()], &attach[edge.target.index()]) else {
                continue;
            };
            let source = from.exit;
            let target = to.entries.iter().find(|(e, _)| *e == index).map_or(source, |&(_, element)| element);
            self.flow(source, target, edge.label.as_ref().map(ToString::to_string), Some(index));
        }
        if several_starts {
            self.entry_choice(&attach);
        } else if sources.is_empty() && self.analysis.reading.ring_entry.is_none() {
            // Engines name internal steps `Start` and `End`: ids apart from those.
            let start = self.element(
                "Process_start".to_owned(),
                ElementKind::StartEvent,
                Some("Start".to_owned()),
                Origin::Empty(0),
            );
            let end = self.element(
                "Process_end".to_owned(),
                ElementKind::EndEvent,
                Some("Done".to_owned()),
                Origin::Empty(1),
            );
            self.flow(start, end, None, None);
        }
        self.conditions();
        let mut lanes: Vec<Lane> = diagram
            .lanes()
            .iter()
            .enumerate()
            .map(|(lane, data)| Lane {
                id: self.unique_id(format!("Lane_{}", data.id)),
                di_id: String::new(),
                name: data.label.to_string(),
                key: data.id.to_string(),
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
    /// join gateways, the node, then its fork, choice or implicit end. With
    /// `several_starts`, the choice between them stands in front instead.
    fn node_elements(&mut self, node: NodeIndex, several_starts: bool) -> Attach {
        let (front, mut entries) = self.front_elements(node);
        let own = self.own_element(node, several_starts);
        if let Some(front) = front {
            self.flow(front, own, None, None);
        }
        for &edge in &self.analysis.flow.incoming[node.index()] {
            if !entries.iter().any(|(e, _)| *e == edge.index()) {
                entries.push((edge.index(), own));
            }
        }
        let exit = self.back_elements(node, own);
        Attach { exit, entries }
    }

    /// What stands in front of a node (an implicit start, the merge at a
    /// ring's entry, a join and its slot merges), and which element each of
    /// the node's incoming edges enters.
    fn front_elements(&mut self, node: NodeIndex) -> (Option<usize>, Vec<(usize, usize)>) {
        let id = &self.diagram.node(node).id;
        let around = self.analysis.around[node.index()];
        let incoming = &self.analysis.flow.incoming[node.index()];
        let mut entries = Vec::new();
        let front = match around.front {
            Front::Nothing => None,
            Front::Start | Front::RingEntry => {
                let start = self.element(
                    format!("{id}_start"),
                    ElementKind::StartEvent,
                    Some("Start".to_owned()),
                    Origin::ImplicitStart(node),
                );
                if around.front == Front::RingEntry {
                    let merge =
                        self.element(format!("{id}_join"), ElementKind::ExclusiveGateway, None, Origin::Join(node));
                    self.flow(start, merge, None, None);
                    entries.extend(incoming.iter().map(|edge| (edge.index(), merge)));
                    Some(merge)
                } else {
                    Some(start)
                }
            }
            Front::Join { parallel, .. } => {
                let kind = if parallel { ElementKind::ParallelGateway } else { ElementKind::ExclusiveGateway };
                let join = self.element(format!("{id}_join"), kind, None, Origin::Join(node));
                // A nested join waits for one token per slot: the edges of a
                // slot with several enter its merge, the others the join.
                if self.analysis.joins[node.index()].join == Join::Nested {
                    for (position, slot) in self.analysis.joins[node.index()].slots.iter().enumerate() {
                        if slot.len() < 2 {
                            entries.extend(slot.iter().map(|edge| (edge.index(), join)));
                            continue;
                        }
                        let merge = self.element(
                            format!("{id}_merge_{}", position + 1),
                            ElementKind::ExclusiveGateway,
                            None,
                            Origin::SlotMerge(node, position),
                        );
                        entries.extend(slot.iter().map(|edge| (edge.index(), merge)));
                        self.flow(merge, join, None, None);
                    }
                } else {
                    entries.extend(incoming.iter().map(|edge| (edge.index(), join)));
                }
                Some(join)
            }
        };
        (front, entries)
    }

    /// The node's own element, of the kind its role calls for.
    fn own_element(&mut self, node: NodeIndex, several_starts: bool) -> usize {
        let outgoing = self.analysis.flow.outgoing[node.index()].len();
        let kind = match self.analysis.roles[node.index()].kind {
            // Only one start event: the others are entered from the choice.
            Kind::Start if several_starts => ElementKind::IntermediateThrowEvent,
            Kind::Start => ElementKind::StartEvent,
            Kind::End => ElementKind::EndEvent,
            Kind::Intermediate => ElementKind::IntermediateThrowEvent,
            // A decision with one outcome decides nothing: a step like a task.
            Kind::Decision if outgoing < 2 => ElementKind::UserTask,
            Kind::Task => ElementKind::UserTask,
            Kind::Decision => ElementKind::ExclusiveGateway,
        };
        let (name, documentation) = names(self.diagram, node);
        let own = self.element(self.diagram.node(node).id.to_string(), kind, Some(name), Origin::Node(node));
        self.elements[own].documentation = documentation;
        own
    }

    /// What stands behind the node's element (a choice, a fork, an implicit
    /// end), and the element its outgoing edges leave from.
    fn back_elements(&mut self, node: NodeIndex, own: usize) -> usize {
        let id = &self.diagram.node(node).id;
        match self.analysis.around[node.index()].back {
            Back::Nothing => own,
            Back::Choice => {
                let question = format!("Outcome of {}", crate::analysis::outcomes::title(self.diagram, node));
                let choice = self.element(
                    format!("{id}_choice"),
                    ElementKind::ExclusiveGateway,
                    Some(question),
                    Origin::Choice(node),
                );
                self.flow(own, choice, None, None);
                choice
            }
            Back::Fork => {
                let fork = self.element(format!("{id}_fork"), ElementKind::ParallelGateway, None, Origin::Fork(node));
                self.flow(own, fork, None, None);
                fork
            }
            Back::End => {
                let end = self.element(
                    format!("{id}_end"),
                    ElementKind::EndEvent,
                    Some("End".to_owned()),
                    Origin::ImplicitEnd(node),
                );
                self.flow(own, end, None, None);
                own
            }
        }
    }

    /// Alternative starts: one start event, then an exclusive gateway that
    /// enters the flow at the start the `start` variable names (the first
    /// start by default).
    fn entry_choice(&mut self, attach: &[Option<Attach>]) {
        let sources = self.analysis.flow.sources.clone();
        let Some(&first) = sources.first() else { return };
        let start = self.element(
            "Process_start".to_owned(),
            ElementKind::StartEvent,
            Some("Start".to_owned()),
            Origin::ImplicitStart(first),
        );
        let choice = self.element(
            "Choose_start".to_owned(),
            ElementKind::ExclusiveGateway,
            Some("Choose start".to_owned()),
            Origin::EntryChoice(first),
        );
        self.flow(start, choice, None, None);
        for (position, &source) in sources.iter().enumerate() {
            let Some(entry) = attach[source.index()].as_ref() else { continue };
            // The entry element: what the node's flow enters first.
            let target = self.elements.iter().position(|e| e.origin == Origin::Node(source)).unwrap_or(entry.exit);
            let id = &self.diagram.node(source).id;
            let flow = self.flow(choice, target, Some(id.to_string()), None);
            if position == 0 {
                self.elements[choice].default = Some(flow);
            } else {
                self.flows[flow].condition = Some(Condition {
                    variable: crate::analysis::outcomes::START_KEY.to_owned(),
                    value: id.to_string(),
                });
            }
        }
    }

    /// Conditions on the outgoing flows of each decision, by the one rule
    /// every target shares (`analysis::outcomes`).
    fn conditions(&mut self) {
        for e in 0..self.elements.len() {
            let element = &self.elements[e];
            let node = match element.origin {
                Origin::Node(node) | Origin::Choice(node) => node,
                _ => continue,
            };
            if element.kind != ElementKind::ExclusiveGateway || element.outgoing.len() < 2 {
                continue;
            }
            let outgoing = element.outgoing.clone();
            let edges: Vec<EdgeIndex> =
                outgoing.iter().filter_map(|&f| self.flows[f].edge).map(EdgeIndex::new).collect();
            if edges.len() != outgoing.len() {
                continue;
            }
            let outcomes = crate::analysis::outcomes::outcomes(self.diagram, &edges);
            let variable = outcome_variable(self.diagram, node);
            for (outcome, &f) in outcomes.iter().zip(&outgoing) {
                if outcome.is_default {
                    self.elements[e].default = Some(f);
                    continue;
                }
                if self.flows[f].name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    self.flows[f].name = Some(outcome.value.clone());
                }
                self.flows[f].condition = Some(Condition { variable: variable.clone(), value: outcome.value.clone() });
            }
        }
    }
}

/// The element name and documentation of a node: a taskbox is named by its
/// title; the rest is the description every target writes.
fn names(diagram: &Diagram, node: NodeIndex) -> (String, Option<String>) {
    let name = crate::analysis::outcomes::title(diagram, node).to_owned();
    (name, crate::emit::node_description(diagram.node(node)))
}
