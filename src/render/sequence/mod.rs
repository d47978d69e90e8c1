//! The sequence view: lanes as participants, edges as messages, and the
//! analysis' structure as `par`, `alt` and `loop` frames around them.
//!
//! The frames come from the process structure tree: a parallel region is a
//! `par` frame with one compartment per branch, a decision's choice an
//! `alt` frame with one compartment per outcome, a loop region a `loop`
//! frame (named by the `loop` statement that frames the same nodes, when
//! there is one). Every message belongs to the innermost compartment that
//! holds its ends. Messages keep file order, except that a frame's messages
//! are drawn together, where its first message is: a frame always encloses
//! exactly its own messages.

pub mod layout;
pub mod svg;

use petgraph::graph::{EdgeIndex, NodeIndex};

use crate::analysis::outcomes::outcomes;
use crate::analysis::{Analysis, Region};
use crate::model::{Diagram, LaneId};

/// One message: a drawn edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The edge, by its position in the diagram's edges (file order).
    pub edge: usize,
    /// The participant (lane) it leaves.
    pub from: LaneId,
    /// The participant (lane) it reaches.
    pub to: LaneId,
    /// The node it leaves.
    pub source: NodeIndex,
    /// The node it reaches.
    pub target: NodeIndex,
    /// Its text: the edge label, or the target's name.
    pub text: String,
    /// Drawn as a reply (dashed, open arrow).
    pub reply: bool,
}

/// What a frame says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// Branches that all run.
    Par,
    /// One branch per outcome of a decision.
    Alt,
    /// A part that runs again.
    Loop,
}

impl FrameKind {
    /// The operator written in the frame's tab.
    pub fn name(self) -> &'static str {
        match self {
            FrameKind::Par => "par",
            FrameKind::Alt => "alt",
            FrameKind::Loop => "loop",
        }
    }
}

/// A combined fragment.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Its operator.
    pub kind: FrameKind,
    /// A loop's condition, written after the operator.
    pub condition: Option<String>,
    /// Each compartment's guard (an `alt` outcome), top to bottom.
    pub guards: Vec<Option<String>>,
    /// The frame it is drawn inside.
    pub parent: Option<usize>,
}

/// One step of the view from top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A frame begins, with its first drawn compartment (by index among
    /// the frame's compartments, as [`Frame::guards`] counts them).
    Open(usize, usize),
    /// The frame's next compartment begins (its index among them).
    Divide(usize, usize),
    /// A message, by its position in [`Sequence::messages`].
    Message(usize),
    /// The frame ends.
    Close(usize),
}

/// A bar on a lifeline, from a request to its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activation {
    /// The participant that is busy.
    pub lane: LaneId,
    /// The request, by position in [`Sequence::messages`].
    pub request: usize,
    /// The reply.
    pub reply: usize,
    /// How many activations of the same lane it is drawn inside.
    pub depth: usize,
}

/// The sequence view of a diagram, before layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequence {
    /// Messages in drawing order.
    pub messages: Vec<Message>,
    /// Frames, each after the frame it is inside.
    pub frames: Vec<Frame>,
    /// The view from top to bottom.
    pub steps: Vec<Step>,
    /// Activation bars.
    pub activations: Vec<Activation>,
}

/// A compartment of a frame: where messages and inner frames go.
struct Compartment {
    frame: usize,
    index: usize,
    parent: Option<usize>,
    depth: usize,
}

/// The frames and compartments the structure tree gives, and the innermost
/// compartment each node is in (`None`: outside every frame).
struct Nesting {
    frames: Vec<Frame>,
    compartments: Vec<Compartment>,
    node_compartment: Vec<Option<usize>>,
}

impl Nesting {
    fn open(&mut self, kind: FrameKind, parent: Option<usize>, guards: Vec<Option<String>>) -> Vec<usize> {
        let frame = self.frames.len();
        let parent_frame = parent.map(|c| self.compartments[c].frame);
        let depth = parent.map_or(0, |c| self.compartments[c].depth + 1);
        let count = guards.len().max(1);
        self.frames.push(Frame { kind, condition: None, guards, parent: parent_frame });
        (0..count)
            .map(|index| {
                self.compartments.push(Compartment { frame, index, parent, depth });
                self.compartments.len() - 1
            })
            .collect()
    }

    fn depth(&self, compartment: Option<usize>) -> usize {
        compartment.map_or(0, |c| self.compartments[c].depth + 1)
    }

    /// The innermost compartment holding both `a` and `b`.
    fn common(&self, mut a: Option<usize>, mut b: Option<usize>) -> Option<usize> {
        while self.depth(a) > self.depth(b) {
            a = a.and_then(|c| self.compartments[c].parent);
        }
        while self.depth(b) > self.depth(a) {
            b = b.and_then(|c| self.compartments[c].parent);
        }
        while a != b {
            a = a.and_then(|c| self.compartments[c].parent);
            b = b.and_then(|c| self.compartments[c].parent);
        }
        a
    }

    /// Where an edge between nodes in compartments `a` and `b` is drawn:
    /// from where the two meet, as deep towards the inner end as frames
    /// take their boundary edges in (a loop's do not).
    fn home(&self, a: Option<usize>, b: Option<usize>) -> Option<usize> {
        let meet = self.common(a, b);
        let inner = if meet == a {
            b
        } else if meet == b {
            a
        } else {
            return meet;
        };
        let mut path = Vec::new();
        let mut at = inner;
        while at != meet {
            let Some(c) = at else { break };
            path.push(c);
            at = self.compartments[c].parent;
        }
        let mut home = meet;
        for &c in path.iter().rev() {
            if self.frames[self.compartments[c].frame].kind == FrameKind::Loop {
                break;
            }
            home = Some(c);
        }
        home
    }
}

/// The first node a region runs.
fn first_node(region: &Region) -> Option<NodeIndex> {
    let mut region = region;
    loop {
        region = match region {
            Region::Node { node } => return Some(*node),
            Region::Sequence { parts } => parts.first()?,
            Region::Empty => return None,
            Region::Parallel { split, .. } => return Some(*split),
            Region::Choice { split: Some(split), .. } => return Some(*split),
            Region::Choice { split: None, branches, .. } => branches.first()?,
            Region::Loop { body, .. } => body,
            Region::Unstructured { entry: Some(entry), .. } => return Some(*entry),
            Region::Unstructured { entry: None, parts, .. } => parts.first()?,
        };
    }
}

/// Each branch's guard: the outcome of the decision's edge into it.
fn guards(
    process: &Diagram,
    split: Option<NodeIndex>,
    join: Option<NodeIndex>,
    branches: &[Region],
) -> Vec<Option<String>> {
    let Some(split) = split else {
        return branches.iter().map(|branch| first_node(branch).map(|n| process.node(n).title().to_owned())).collect();
    };
    let edges: Vec<EdgeIndex> = process.graph().edges(split).map(|edge| petgraph::visit::EdgeRef::id(&edge)).collect();
    let mut edges = edges;
    edges.sort();
    let named = outcomes(process, &edges);
    branches
        .iter()
        .map(|branch| {
            let into = first_node(branch).or(join)?;
            let outcome = named.iter().find(|o| process.edges()[o.edge.index()].target == into)?;
            Some(if outcome.value.is_empty() { "else".to_owned() } else { outcome.value.clone() })
        })
        .collect()
}

fn nesting(drawn: &Diagram, analysis: &Analysis) -> Nesting {
    let process = analysis.process(drawn);
    let mut nesting =
        Nesting { frames: Vec::new(), compartments: Vec::new(), node_compartment: vec![None; drawn.nodes().len()] };
    // The innermost loop frame of each node, and each loop's deciding node.
    let mut node_loop: Vec<Option<usize>> = vec![None; drawn.nodes().len()];
    let mut deciding: Vec<(usize, Option<NodeIndex>)> = Vec::new();
    let mut work: Vec<(&Region, Option<usize>, Option<usize>)> = vec![(&analysis.structure, None, None)];
    while let Some((region, compartment, in_loop)) = work.pop() {
        match region {
            Region::Node { node } => {
                if let Some(slot) = nesting.node_compartment.get_mut(node.index()) {
                    *slot = compartment;
                }
                if let Some(slot) = node_loop.get_mut(node.index()) {
                    *slot = in_loop;
                }
            }
            Region::Sequence { parts } | Region::Unstructured { parts, .. } => {
                work.extend(parts.iter().rev().map(|part| (part, compartment, in_loop)));
            }
            Region::Empty => {}
            Region::Parallel { branches, .. } => {
                let inner = nesting.open(FrameKind::Par, compartment, vec![None; branches.len()]);
                work.extend(branches.iter().zip(inner).rev().map(|(branch, c)| (branch, Some(c), in_loop)));
            }
            Region::Choice { split, join, branches } => {
                let inner = nesting.open(FrameKind::Alt, compartment, guards(process, *split, *join, branches));
                work.extend(branches.iter().zip(inner).rev().map(|(branch, c)| (branch, Some(c), in_loop)));
            }
            Region::Loop { body, back } => {
                let inner = nesting.open(FrameKind::Loop, compartment, Vec::new());
                let frame = nesting.frames.len() - 1;
                deciding.push((frame, last_node(body)));
                if let Some(back) = back {
                    work.push((back, Some(inner[0]), Some(frame)));
                }
                work.push((body, Some(inner[0]), Some(frame)));
            }
        }
    }
    name_loops(drawn, &mut nesting, &node_loop, &deciding);
    nesting
}

/// The last node a region runs.
fn last_node(region: &Region) -> Option<NodeIndex> {
    let mut region = region;
    loop {
        region = match region {
            Region::Node { node } => return Some(*node),
            Region::Sequence { parts } => parts.last()?,
            Region::Empty => return None,
            Region::Parallel { join: Some(join), .. } | Region::Choice { join: Some(join), .. } => return Some(*join),
            Region::Parallel { join: None, branches, .. } | Region::Choice { join: None, branches, .. } => {
                branches.last()?
            }
            Region::Loop { body, .. } => body,
            Region::Unstructured { exit: Some(exit), .. } => return Some(*exit),
            Region::Unstructured { exit: None, parts, .. } => parts.last()?,
        };
    }
}

/// Gives each loop frame its condition: the `loop` statement framing most
/// of its nodes, or else the question its deciding node asks. A `loop`
/// statement that frames no loop of the structure gets a frame of its own
/// when its members share a compartment.
fn name_loops(
    drawn: &Diagram,
    nesting: &mut Nesting,
    node_loop: &[Option<usize>],
    deciding: &[(usize, Option<NodeIndex>)],
) {
    let mut named = vec![false; nesting.frames.len()];
    for stmt in drawn.loops() {
        let mut tally: Vec<(usize, usize)> = Vec::new();
        for member in &stmt.members {
            if let Some(Some(frame)) = node_loop.get(member.index()) {
                match tally.iter_mut().find(|(f, _)| f == frame) {
                    Some((_, count)) => *count += 1,
                    None => tally.push((*frame, 1)),
                }
            }
        }
        let best = tally
            .iter()
            .filter(|(frame, _)| !named[*frame])
            .max_by_key(|&&(frame, count)| (count, std::cmp::Reverse(frame)));
        if let Some(&(frame, _)) = best {
            named[frame] = true;
            nesting.frames[frame].condition = Some(stmt.condition.to_string());
            continue;
        }
        let Some(first) = stmt.members.first() else { continue };
        let shared = nesting.node_compartment.get(first.index()).copied().flatten();
        if !stmt.members.iter().all(|m| nesting.node_compartment.get(m.index()).copied().flatten() == shared) {
            continue;
        }
        let inner = nesting.open(FrameKind::Loop, shared, Vec::new());
        named.push(true);
        if let Some(frame) = nesting.frames.last_mut() {
            frame.condition = Some(stmt.condition.to_string());
        }
        for member in &stmt.members {
            if let Some(slot) = nesting.node_compartment.get_mut(member.index()) {
                *slot = Some(inner[0]);
            }
        }
    }
    for &(frame, node) in deciding {
        if !named[frame] {
            nesting.frames[frame].condition = node.map(|n| drawn.node(n).title().to_owned());
        }
    }
}

/// The order messages are drawn in, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// As the edges are written in the file (the vendor's reading).
    #[default]
    File,
    /// As the flow runs: by where each edge's source comes in the process
    /// structure, then in file order.
    Flow,
}

/// Where each node comes when the structure tree is read top to bottom
/// (nodes outside the process last).
fn flow_ranks(analysis: &Analysis, nodes: usize) -> Vec<usize> {
    let mut rank = vec![usize::MAX; nodes];
    let mut next = 0;
    let mut work: Vec<&Region> = vec![&analysis.structure];
    while let Some(region) = work.pop() {
        match region {
            Region::Node { node } => {
                if let Some(slot) = rank.get_mut(node.index()) {
                    if *slot == usize::MAX {
                        *slot = next;
                        next += 1;
                    }
                }
            }
            Region::Sequence { parts } | Region::Unstructured { parts, .. } => work.extend(parts.iter().rev()),
            Region::Parallel { branches, .. } | Region::Choice { branches, .. } => work.extend(branches.iter().rev()),
            Region::Loop { body, back } => {
                work.extend(back.iter().map(|back| &**back));
                work.push(body);
            }
            Region::Empty => {}
        }
    }
    rank
}

/// The sequence view of `diagram`, analysed as `analysis`, its messages in
/// `message_order`.
pub fn build(diagram: &Diagram, analysis: &Analysis, message_order: Order) -> Sequence {
    let nesting = nesting(diagram, analysis);
    let edge_count = diagram.edges().len();
    let keys: Vec<usize> = match message_order {
        Order::File => (0..edge_count).collect(),
        Order::Flow => {
            let rank = flow_ranks(analysis, diagram.nodes().len());
            let mut by_flow: Vec<usize> = (0..edge_count).collect();
            by_flow.sort_by_key(|&edge| (rank[diagram.edges()[edge].source.index()], edge));
            let mut keys = vec![0; edge_count];
            for (position, edge) in by_flow.into_iter().enumerate() {
                keys[edge] = position;
            }
            keys
        }
    };
    let mut read_as_reply = vec![false; diagram.edges().len()];
    for reply in &analysis.reading.replies {
        if let Some(slot) = read_as_reply.get_mut(reply.edge.index()) {
            *slot = true;
        }
    }
    // An edge goes where it runs: into a branch of a `par` or `alt` (from
    // its split, or on to its join) it is that branch's message; into or
    // out of a loop it runs once, outside the loop's frame.
    let home: Vec<Option<usize>> = diagram
        .edges()
        .iter()
        .map(|edge| {
            nesting.home(nesting.node_compartment[edge.source.index()], nesting.node_compartment[edge.target.index()])
        })
        .collect();
    let steps = order(&nesting, &home, &keys);
    let mut messages = Vec::with_capacity(diagram.edges().len());
    let mut drawn_steps = Vec::with_capacity(steps.len());
    for step in steps {
        match step {
            Step::Message(edge_index) => {
                let edge = &diagram.edges()[edge_index];
                let (source, target) = (diagram.node(edge.source), diagram.node(edge.target));
                let text = match edge.label.as_deref().map(str::trim) {
                    Some(label) if !label.is_empty() => label.to_owned(),
                    _ => target.title().to_owned(),
                };
                drawn_steps.push(Step::Message(messages.len()));
                messages.push(Message {
                    edge: edge_index,
                    from: source.lane,
                    to: target.lane,
                    source: edge.source,
                    target: edge.target,
                    text,
                    reply: read_as_reply[edge_index],
                });
            }
            other => drawn_steps.push(other),
        }
    }
    let activations = pair_replies(&mut messages);
    Sequence { messages, frames: nesting.frames, steps: drawn_steps, activations }
}

/// The steps top to bottom: each compartment's messages and inner frames
/// in the order of their first message (`keys`: each edge's place in the
/// message order); frames without messages are left out. Messages are
/// given by edge index.
fn order(nesting: &Nesting, home: &[Option<usize>], keys: &[usize]) -> Vec<Step> {
    let count = nesting.compartments.len();
    // The first message (file order) anywhere inside each compartment.
    let mut first = vec![usize::MAX; count];
    for (edge, compartment) in home.iter().enumerate() {
        if let Some(c) = compartment {
            first[*c] = first[*c].min(keys[edge]);
        }
    }
    // Compartments are made after the one they are in, so one pass from
    // the last carries each minimum outwards.
    for c in (0..count).rev() {
        if let Some(parent) = nesting.compartments[c].parent {
            first[parent] = first[parent].min(first[c]);
        }
    }
    let mut parts_of: Vec<Vec<usize>> = vec![Vec::new(); nesting.frames.len()];
    for (c, compartment) in nesting.compartments.iter().enumerate() {
        parts_of[compartment.frame].push(c);
    }
    let frame_start: Vec<usize> =
        parts_of.iter().map(|parts| parts.iter().map(|&c| first[c]).min().unwrap_or(usize::MAX)).collect();
    // What each compartment (and the outside, `count`) holds, as
    // (first message, what): messages and frames interleaved.
    #[derive(Clone, Copy)]
    enum Item {
        Message(usize),
        Frame(usize),
    }
    let mut holds: Vec<Vec<(usize, Item)>> = vec![Vec::new(); count + 1];
    for (edge, compartment) in home.iter().enumerate() {
        holds[compartment.unwrap_or(count)].push((keys[edge], Item::Message(edge)));
    }
    for (frame, parts) in parts_of.iter_mut().enumerate() {
        if frame_start[frame] == usize::MAX {
            continue;
        }
        let outer = parts.first().and_then(|&c| nesting.compartments[c].parent);
        holds[outer.unwrap_or(count)].push((frame_start[frame], Item::Frame(frame)));
        parts.retain(|&c| first[c] != usize::MAX);
    }
    for list in &mut holds {
        // A frame sorts before the message that starts it: that message is inside.
        list.sort_by_key(|&(at, item)| (at, matches!(item, Item::Message(_))));
    }
    // Walk without recursion: a stack of (list, position) cursors; a frame
    // pushes its compartments one after the other.
    enum Cursor {
        List(usize, usize),
        NextCompartment(usize, usize),
    }
    let mut steps = Vec::new();
    let mut stack = vec![Cursor::List(count, 0)];
    while let Some(cursor) = stack.pop() {
        match cursor {
            Cursor::List(list, at) => {
                let Some(&(_, item)) = holds[list].get(at) else { continue };
                stack.push(Cursor::List(list, at + 1));
                match item {
                    Item::Message(edge) => steps.push(Step::Message(edge)),
                    Item::Frame(frame) => {
                        let first_part = parts_of[frame].first().map_or(0, |&c| nesting.compartments[c].index);
                        steps.push(Step::Open(frame, first_part));
                        stack.push(Cursor::NextCompartment(frame, 0));
                    }
                }
            }
            Cursor::NextCompartment(frame, at) => match parts_of[frame].get(at) {
                Some(&compartment) => {
                    if at > 0 {
                        steps.push(Step::Divide(frame, nesting.compartments[compartment].index));
                    }
                    stack.push(Cursor::NextCompartment(frame, at + 1));
                    stack.push(Cursor::List(compartment, 0));
                }
                None => steps.push(Step::Close(frame)),
            },
        }
    }
    steps
}

/// Reads replies the way a sequence diagram is read: a message from B to A
/// while A's request to B is open answers it (and every request made since
/// that is still open). Marks those messages as replies and returns the
/// activation of each answered request.
fn pair_replies(messages: &mut [Message]) -> Vec<Activation> {
    let mut open: Vec<usize> = Vec::new();
    let mut activations = Vec::new();
    for position in 0..messages.len() {
        let (from, to) = (messages[position].from, messages[position].to);
        if from == to {
            continue;
        }
        let answered = open.iter().rposition(|&request| messages[request].from == to && messages[request].to == from);
        match answered {
            Some(at) => {
                let request = open[at];
                let lane = messages[request].to;
                let depth = open[..at].iter().filter(|&&r| messages[r].to == lane).count();
                activations.push(Activation { lane, request, reply: position, depth });
                open.truncate(at);
                messages[position].reply = true;
            }
            None if messages[position].reply => {}
            None => open.push(position),
        }
    }
    activations
}
