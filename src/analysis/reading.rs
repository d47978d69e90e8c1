//! Reading the drawing as its author meant it. FlowZap diagrams follow
//! conventions that a literal reading gets wrong; each one read here is
//! reported by `lint` as a warning whose fix-it makes the drawing say it
//! outright (docs/semantics.md, "Reading the drawing"):
//!
//! - **Replies.** A cross-lane edge back into the node that made a request,
//!   closing a cycle no decision leaves, is the answer to that request: the
//!   requester waits for it, then goes on. It is read as the replier leading
//!   to what follows the requester.
//! - **Returns to the start.** An edge back into a start event (a circle
//!   only ways back enter) restarts what follows the start.
//! - **Entries.** When the diagram has start events, a node none of them
//!   reaches never runs (a task without incoming edges is not a second
//!   start): it is left out of the process.
//! - **Labelled outcomes on a task** are read as a choice when reading them
//!   as a fork is unsound and reading them as a choice is sound; that test
//!   needs the token game, so it is made in [`super::analyse`].
//!
//! The result is the *process*: the same nodes (same indices) with the edges
//! as read. Each process edge remembers the drawn edges it is drawn as, so
//! diagnostics point at the drawing and BPMN keeps its routes.

use std::collections::VecDeque;

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::adjacency::Adjacency;
use super::flow::depth_first;
use super::roles::{Kind, Role};
use crate::model::{Diagram, Edge, Shape};

/// A drawn edge read as the reply to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The drawn edge back into the requester.
    pub edge: EdgeIndex,
    /// The node that made the request and gets the reply.
    pub requester: NodeIndex,
    /// What followed the request and now follows the reply: the drawn
    /// edges each continuation is made of (one edge, unless it went on
    /// through a reply read before), and where it leads.
    pub continuations: Vec<(Vec<EdgeIndex>, NodeIndex)>,
}

/// A drawn edge back into a start event, read as restarting what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// The drawn edge back into the start.
    pub edge: EdgeIndex,
    /// The start event it points at.
    pub start: NodeIndex,
    /// The start's one outgoing edge, which the way back now takes.
    pub next: EdgeIndex,
}

/// A node left out of the process because no start reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// The node.
    pub node: NodeIndex,
    /// It has no incoming edge of its own: drawn as if it were a start.
    pub stray_entry: bool,
}

/// How the drawing is read as a process: the conventions found, and the process they give.
#[derive(Debug, Clone)]
pub struct Reading {
    /// `None` when the process is the drawing itself.
    process: Option<Diagram>,
    /// For each process edge, the drawn edges it is drawn as, in order.
    routes: Vec<Vec<EdgeIndex>>,
    /// `in_process[n]`: a start reaches node `n`.
    pub in_process: Vec<bool>,
    /// Edges read as replies.
    pub replies: Vec<Reply>,
    /// Edges read as restarts.
    pub restarts: Vec<Restart>,
    /// Nodes left out of the process.
    pub left_out: Vec<LeftOut>,
    /// Tasks whose labelled outgoing edges are read as a choice.
    pub choices: Vec<NodeIndex>,
    /// Where a process in which every node has an incoming edge (a ring)
    /// is entered: the first node, in file order, that leads somewhere.
    pub ring_entry: Option<NodeIndex>,
}

impl Reading {
    /// The diagram as read: `drawn` itself when nothing was read differently.
    pub fn process<'a>(&'a self, drawn: &'a Diagram) -> &'a Diagram {
        self.process.as_ref().unwrap_or(drawn)
    }

    /// The drawn edges process edge `edge` is drawn as, in order: the first
    /// gives its position and label, the last its target's handle.
    pub fn route(&self, edge: EdgeIndex) -> Vec<EdgeIndex> {
        match &self.process {
            Some(_) => self.routes.get(edge.index()).cloned().unwrap_or_default(),
            None => vec![edge],
        }
    }

    /// Whether `node` is a task whose labelled outgoing edges are read as a choice.
    pub fn is_choice(&self, node: NodeIndex) -> bool {
        self.choices.contains(&node)
    }
}

/// A process edge being built: where it goes, the drawn edges it is drawn
/// as, and the drawn edge whose label it carries.
#[derive(Debug, Clone)]
struct Line {
    source: usize,
    target: usize,
    route: Vec<EdgeIndex>,
    label_from: EdgeIndex,
    alive: bool,
}

/// The edges as read so far. Each drawn edge owns a slot holding the lines
/// that replace it, so the process keeps the file's edge order.
struct Lines {
    lines: Vec<Line>,
    slots: Vec<Vec<usize>>,
    out: Vec<Vec<usize>>,
    inc: Vec<Vec<usize>>,
}

impl Lines {
    fn new(drawn: &Diagram) -> Lines {
        let count = drawn.nodes().len();
        let mut lines = Lines {
            lines: Vec::with_capacity(drawn.edges().len()),
            slots: Vec::with_capacity(drawn.edges().len()),
            out: vec![Vec::new(); count],
            inc: vec![Vec::new(); count],
        };
        for (index, edge) in drawn.edges().iter().enumerate() {
            let id =
                lines.add(edge.source.index(), edge.target.index(), vec![EdgeIndex::new(index)], EdgeIndex::new(index));
            lines.slots.push(vec![id]);
        }
        lines
    }

    fn add(&mut self, source: usize, target: usize, route: Vec<EdgeIndex>, label_from: EdgeIndex) -> usize {
        let id = self.lines.len();
        self.lines.push(Line { source, target, route, label_from, alive: true });
        self.out[source].push(id);
        self.inc[target].push(id);
        id
    }

    fn outgoing(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.out[node].iter().copied().filter(|&id| self.lines[id].alive)
    }

    fn incoming(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.inc[node].iter().copied().filter(|&id| self.lines[id].alive)
    }

    /// Replaces line `old` by `new` lines in its place in the file order.
    fn replace(&mut self, old: usize, new: Vec<(usize, usize, Vec<EdgeIndex>, EdgeIndex)>) {
        self.lines[old].alive = false;
        let slot = self.lines[old].route[0].index();
        let ids: Vec<usize> = new
            .into_iter()
            .map(|(source, target, route, label_from)| self.add(source, target, route, label_from))
            .collect();
        let lines = &mut self.slots[slot];
        let at = lines.iter().position(|&id| id == old).unwrap_or(lines.len());
        lines.splice(at..(at + 1).min(lines.len()), ids);
    }

    fn remove(&mut self, id: usize) {
        self.lines[id].alive = false;
    }

    /// Alive lines in file order.
    fn in_order(&self) -> Vec<usize> {
        self.slots.iter().flatten().copied().filter(|&id| self.lines[id].alive).collect()
    }
}

/// Walks up the search tree for replies stop after this many steps in all,
/// so a huge diagram full of long cycles is never searched quadratically;
/// replies past the budget are not read.
const SEARCH_BUDGET: usize = 4_000_000;

fn is_exclusive_split(drawn: &Diagram, node: usize, lines: &Lines) -> bool {
    drawn.nodes()[node].shape == Shape::Diamond && lines.outgoing(node).count() >= 2
}

/// Reads `drawn` as its author meant it (all but the labelled-outcome rule).
pub fn read(drawn: &Diagram) -> Reading {
    let count = drawn.nodes().len();
    let mut lines = Lines::new(drawn);
    let found = find_replies(drawn, &lines);
    let replies = rewrite_replies(drawn, &mut lines, found);
    let restarts = read_restarts(drawn, &mut lines);
    let (entries, ring_entry) = entries(drawn, &lines);
    let in_process = reached_from(&lines, &entries, count);
    let left_out: Vec<LeftOut> = (0..count)
        .filter(|&n| !in_process[n] && (!lines.inc[n].is_empty() || !lines.out[n].is_empty()))
        .map(|n| LeftOut { node: NodeIndex::new(n), stray_entry: lines.incoming(n).next().is_none() })
        .collect();

    let changed = !replies.is_empty() || !restarts.is_empty() || !left_out.is_empty();
    let (process, routes) = if changed { build_process(drawn, &lines, &in_process) } else { (None, Vec::new()) };
    Reading { process, routes, in_process, replies, restarts, left_out, choices: Vec::new(), ring_entry }
}

/// The replies of a drawing, before any is rewritten.
struct FoundReplies {
    /// `is_reply[e]`: drawn edge `e` is a reply.
    is_reply: Vec<bool>,
    /// For each requester, the first edge of each of its requests.
    request_edges: Vec<Vec<EdgeIndex>>,
    /// The nodes that get replies, outermost (first reached) first.
    requesters: Vec<usize>,
}

/// Finds the replies on the drawing as it is. A reply closes a cycle the
/// depth-first search found: its target is an ancestor of its source, and
/// the path down the search tree between them is the request, unless a
/// decision that splits lies on it. The first edge of that path is the
/// request edge.
fn find_replies(drawn: &Diagram, lines: &Lines) -> FoundReplies {
    let count = drawn.nodes().len();
    let mut budget = SEARCH_BUDGET;
    let targets: Vec<usize> = drawn.edges().iter().map(|edge| edge.target.index()).collect();
    let drawn_out =
        Adjacency::new(count, (0..count).flat_map(|n| lines.out[n].iter().map(move |&id| (n, EdgeIndex::new(id)))));
    let sources: Vec<NodeIndex> = (0..count).filter(|&n| lines.inc[n].is_empty()).map(NodeIndex::new).collect();
    let search = depth_first(&targets, &drawn_out, &sources);
    let mut is_reply = vec![false; drawn.edges().len()];
    let mut request_edges: Vec<Vec<EdgeIndex>> = vec![Vec::new(); count];
    for (index, edge) in drawn.edges().iter().enumerate() {
        let (u, v) = (edge.source.index(), edge.target.index());
        let candidate = search.is_back[index]
            && u != v
            && drawn.nodes()[u].lane != drawn.nodes()[v].lane
            && drawn.nodes()[v].shape != Shape::Diamond
            && !is_exclusive_split(drawn, u, lines);
        if !candidate {
            continue;
        }
        let mut at = u;
        let mut first = None;
        while at != v && budget > 0 {
            budget -= 1;
            let Some(up) = search.parent[at] else { break };
            let above = drawn.edges()[up.index()].source.index();
            if above != v && is_exclusive_split(drawn, above, lines) {
                break;
            }
            first = Some(up);
            at = above;
        }
        if let (true, Some(first)) = (at == v, first) {
            is_reply[index] = true;
            if !request_edges[v].contains(&first) {
                request_edges[v].push(first);
            }
        }
    }
    let mut requesters: Vec<usize> = (0..drawn.edges().len()).filter(|&e| is_reply[e]).map(|e| targets[e]).collect();
    requesters.sort_by_key(|&v| (search.preorder[v], v));
    requesters.dedup();
    FoundReplies { is_reply, request_edges, requesters }
}

/// Rewrites each reply as going on where its requester went on, from the
/// outermost requester in, so that a nested reply's requester already has
/// its final continuations when its own reply is rewritten.
fn rewrite_replies(drawn: &Diagram, lines: &mut Lines, found: FoundReplies) -> Vec<Reply> {
    let FoundReplies { is_reply, request_edges, requesters } = found;
    // Lines that are replies not rewritten yet: neither requests nor
    // continuations of their source.
    let mut pending: Vec<bool> = is_reply;
    let mut replies = Vec::new();
    for v in requesters {
        let reply_lines: Vec<usize> =
            lines.incoming(v).filter(|&id| pending.get(id).copied().unwrap_or(false)).collect();
        // What is not a request (nor a reply still to be read) goes on
        // after the reply: the drawn continuations, and lines earlier
        // replies handed to this node.
        let mut continuations = Vec::new();
        for id in lines.outgoing(v).collect::<Vec<_>>() {
            let is_request = lines.lines[id].route.len() == 1 && request_edges[v].contains(&lines.lines[id].route[0]);
            if !pending.get(id).copied().unwrap_or(false) && !is_request {
                continuations.push(id);
            }
        }
        for &reply in &reply_lines {
            let (u, reply_route) = (lines.lines[reply].source, lines.lines[reply].route.clone());
            let reply_label = drawn.edges()[reply_route[0].index()].label.is_some();
            let new: Vec<_> = continuations
                .iter()
                .map(|&c| {
                    let cont = &lines.lines[c];
                    let mut route = reply_route.clone();
                    route.extend_from_slice(&cont.route);
                    let label_from = if reply_label { reply_route[0] } else { cont.label_from };
                    (u, cont.target, route, label_from)
                })
                .collect();
            lines.replace(reply, new);
            replies.push(Reply {
                edge: reply_route[0],
                requester: NodeIndex::new(v),
                continuations: continuations
                    .iter()
                    .map(|&c| (lines.lines[c].route.clone(), NodeIndex::new(lines.lines[c].target)))
                    .collect(),
            });
        }
        for &c in &continuations {
            lines.remove(c);
        }
        for &reply in &reply_lines {
            if let Some(flag) = pending.get_mut(reply) {
                *flag = false;
            }
        }
    }
    replies
}

/// Where the process is entered: the start events, or where there are none,
/// every node without incoming edges that leads somewhere; in a drawing
/// without a single edge, every node (each a process of one step); in a
/// ring, where nothing is free of incoming edges, the first node that leads
/// (also returned as the ring's entry).
fn entries(drawn: &Diagram, lines: &Lines) -> (Vec<usize>, Option<NodeIndex>) {
    let count = drawn.nodes().len();
    let leads = |n: usize| lines.outgoing(n).next().is_some();
    let entered = |n: usize| lines.incoming(n).next().is_some();
    let starts: Vec<usize> =
        (0..count).filter(|&n| drawn.nodes()[n].shape == Shape::Circle && !entered(n) && leads(n)).collect();
    if !starts.is_empty() {
        return (starts, None);
    }
    let free: Vec<usize> = (0..count).filter(|&n| !entered(n) && leads(n)).collect();
    if !free.is_empty() {
        (free, None)
    } else if drawn.edges().is_empty() {
        ((0..count).collect(), None)
    } else {
        let ring_entry = (0..count).find(|&n| leads(n));
        (ring_entry.into_iter().collect(), ring_entry.map(NodeIndex::new))
    }
}

/// `reached[n]`: node `n` is reached from one of `entries` along the lines.
fn reached_from(lines: &Lines, entries: &[usize], count: usize) -> Vec<bool> {
    let mut reached = vec![false; count];
    let mut queue: VecDeque<usize> = entries.iter().copied().collect();
    for &entry in entries {
        reached[entry] = true;
    }
    while let Some(node) = queue.pop_front() {
        for id in lines.outgoing(node).collect::<Vec<_>>() {
            let next = lines.lines[id].target;
            if !reached[next] {
                reached[next] = true;
                queue.push_back(next);
            }
        }
    }
    reached
}

/// Ways back into a start event: a circle that only edges closing cycles
/// enter and that has one way on. Each way back is read as going on there.
fn read_restarts(drawn: &Diagram, lines: &mut Lines) -> Vec<Restart> {
    let count = drawn.nodes().len();
    let order = lines.in_order();
    let mut position = vec![usize::MAX; lines.lines.len()];
    for (at, &id) in order.iter().enumerate() {
        position[id] = at;
    }
    let targets: Vec<usize> = order.iter().map(|&id| lines.lines[id].target).collect();
    let outgoing =
        Adjacency::new(count, order.iter().enumerate().map(|(at, &id)| (lines.lines[id].source, EdgeIndex::new(at))));
    let mut has_incoming = vec![false; count];
    for &id in &order {
        has_incoming[lines.lines[id].target] = true;
    }
    let sources: Vec<NodeIndex> = (0..count).filter(|&n| !has_incoming[n]).map(NodeIndex::new).collect();
    let search = depth_first(&targets, &outgoing, &sources);
    let mut restarts = Vec::new();
    for start in 0..count {
        if drawn.nodes()[start].shape != Shape::Circle {
            continue;
        }
        let ins: Vec<usize> = lines.incoming(start).collect();
        let outs: Vec<usize> = lines.outgoing(start).collect();
        let [next] = outs[..] else { continue };
        let all_back = !ins.is_empty() && ins.iter().all(|&id| search.is_back[position[id]]);
        if !all_back || lines.lines[next].target == start {
            continue;
        }
        let (next_target, next_route) = (lines.lines[next].target, lines.lines[next].route.clone());
        for back in ins {
            let line = lines.lines[back].clone();
            let mut route = line.route.clone();
            route.extend_from_slice(&next_route);
            lines.replace(back, vec![(line.source, next_target, route, line.label_from)]);
            restarts.push(Restart { edge: line.route[0], start: NodeIndex::new(start), next: next_route[0] });
        }
    }
    restarts
}

fn build_process(drawn: &Diagram, lines: &Lines, in_process: &[bool]) -> (Option<Diagram>, Vec<Vec<EdgeIndex>>) {
    let mut process = Diagram::new();
    for lane in drawn.lanes() {
        process.add_lane(lane.clone());
    }
    for node in drawn.nodes() {
        process.add_node(node.clone());
    }
    let mut routes = Vec::new();
    for id in lines.in_order() {
        let line = &lines.lines[id];
        if !in_process[line.source] || !in_process[line.target] {
            continue;
        }
        let first = &drawn.edges()[line.route[0].index()];
        let last = line.route.last().map_or(first, |edge| &drawn.edges()[edge.index()]);
        let labelled = &drawn.edges()[line.label_from.index()];
        process.add_edge(Edge {
            source: NodeIndex::new(line.source),
            target: NodeIndex::new(line.target),
            source_handle: first.source_handle,
            target_handle: last.target_handle,
            handles_written: first.handles_written,
            label: labelled.label.clone(),
            label_span: labelled.label_span,
            attributes: first.attributes.clone(),
            written_in: first.written_in,
            span: first.span,
        });
        routes.push(line.route.clone());
    }
    for statement in drawn.loops() {
        process.add_loop(statement.clone());
    }
    (Some(process), routes)
}

/// Tasks of the process whose outgoing edges all carry distinct labels:
/// the ones that may be read as a choice.
pub fn choice_candidates(
    process: &Diagram,
    outgoing: &Adjacency,
    roles: &[Role],
    in_process: &[bool],
) -> Vec<NodeIndex> {
    process
        .node_indices()
        .filter(|&node| {
            let n = node.index();
            if !in_process[n] || roles[n].kind != Kind::Task || outgoing[n].len() < 2 {
                return false;
            }
            let mut labels: Vec<&str> = Vec::new();
            for edge in &outgoing[n] {
                match process.edges()[edge.index()].label.as_deref().map(str::trim) {
                    Some(label) if !label.is_empty() && !labels.contains(&label) => labels.push(label),
                    _ => return false,
                }
            }
            true
        })
        .collect()
}
