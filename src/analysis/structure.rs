//! The process structure tree: the diagram decomposed into nested regions
//! with one entry and one exit: sequences, parallel blocks, choices, loops,
//! and unstructured regions that are no nesting of those.
//!
//! Built by graph reduction. Every node starts as a region of its own; three
//! rules replace a pattern of regions by one, until one region is left:
//! - sequence: a region with one successor whose only predecessor it is;
//! - block: two or more branches (single regions, or direct edges) leading
//!   from one split to one region, nothing else entering the branches;
//! - loop: a region whose exit leads straight back to its entry, or through
//!   one region that does nothing else.
//!
//! When no rule applies, the smallest region that has one entry (a split)
//! and one exit (that split's immediate post-dominator) is collapsed into an
//! unstructured region, and reduction goes on around it. Each rule removes
//! at least one region, so this ends; on block-structured diagrams it is
//! linear in practice (a pass over the regions per level of nesting).

use petgraph::algo::dominators;
use petgraph::graph::NodeIndex;
use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::{EdgeRef, Reversed};
use petgraph::Direction;

use super::flow::Flow;
use super::roles::{Role, Split};
use crate::model::Diagram;

/// A region of the process structure tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Region {
    /// One diagram node.
    Node {
        /// The node.
        node: NodeIndex,
    },
    /// Regions run one after the other.
    Sequence {
        /// The regions in order; always two or more.
        parts: Vec<Region>,
    },
    /// Nothing: a branch that goes straight from its split to its join, or
    /// a process without nodes.
    Empty,
    /// All branches run; `split` is the forking node, `join` the node that
    /// waits for them (`None` where the branches end separately).
    Parallel {
        /// The node that forks.
        split: NodeIndex,
        /// The node that waits for every branch.
        join: Option<NodeIndex>,
        /// What runs between, in the order of the split's edges.
        branches: Vec<Region>,
    },
    /// One branch runs; `split` is the decision (`None`: alternative starts).
    Choice {
        /// The decision.
        split: Option<NodeIndex>,
        /// The node where the branches meet again.
        join: Option<NodeIndex>,
        /// What runs between, in the order of the split's edges.
        branches: Vec<Region>,
    },
    /// `body` runs, then its last node decides to leave or to go round again
    /// through `back` (which may be absent).
    Loop {
        /// What runs each time round, ending at the deciding node.
        body: Box<Region>,
        /// What runs on the way back to the body's start.
        back: Option<Box<Region>>,
    },
    /// A part with one entry and one exit whose inside is no nesting of the
    /// others; `parts` are its regions in file order.
    Unstructured {
        /// Where control enters (`None`: the process start).
        entry: Option<NodeIndex>,
        /// Where control leaves (`None`: the process end).
        exit: Option<NodeIndex>,
        /// The regions inside, in file order.
        parts: Vec<Region>,
    },
}

#[derive(Debug, Clone)]
struct Work {
    region: Region,
    entry: Option<NodeIndex>,
    exit: Option<NodeIndex>,
    is_virtual: bool,
}

fn sequence(first: Region, second: Region) -> Region {
    let mut parts = match first {
        Region::Sequence { parts } => parts,
        Region::Empty => return second,
        other => vec![other],
    };
    match second {
        Region::Sequence { parts: more } => parts.extend(more),
        Region::Empty => {}
        other => parts.push(other),
    }
    match parts.len() {
        1 => parts.pop().unwrap_or(Region::Empty),
        _ => Region::Sequence { parts },
    }
}

impl Region {
    /// The node control leaves the region from, if it is one node.
    pub fn exit_node(&self) -> Option<NodeIndex> {
        match self {
            Region::Node { node } => Some(*node),
            Region::Empty => None,
            Region::Sequence { parts } => parts.last().and_then(Region::exit_node),
            Region::Parallel { join, .. } | Region::Choice { join, .. } => *join,
            Region::Loop { body, .. } => body.exit_node(),
            Region::Unstructured { exit, .. } => *exit,
        }
    }

    /// The regions directly inside this one, in order.
    pub fn children(&self) -> Vec<&Region> {
        match self {
            Region::Node { .. } | Region::Empty => Vec::new(),
            Region::Sequence { parts } | Region::Unstructured { parts, .. } => parts.iter().collect(),
            Region::Parallel { branches, .. } | Region::Choice { branches, .. } => branches.iter().collect(),
            Region::Loop { body, back } => std::iter::once(&**body).chain(back.as_deref()).collect(),
        }
    }

    /// Calls `visit` on this region and every region inside it, outer
    /// before inner, in order (iteratively: nesting is as deep as the input).
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Region)) {
        let mut stack = vec![self];
        while let Some(region) = stack.pop() {
            visit(region);
            stack.extend(region.children().into_iter().rev());
        }
    }

    /// Whether no region inside is unstructured.
    pub fn is_structured(&self) -> bool {
        let mut structured = true;
        self.walk(&mut |region| structured &= !matches!(region, Region::Unstructured { .. }));
        structured
    }
}

type WorkGraph = StableDiGraph<Work, ()>;

/// The structure tree of the process, by graph reduction (sequence, block and loop rules; what does
/// not reduce becomes unstructured regions).
pub fn structure(diagram: &Diagram, flow: &Flow, roles: &[Role]) -> Region {
    let (mut graph, source, sink) = work_graph(diagram, flow);
    reduce(&mut graph, source, sink, roles);
    remaining_region(graph)
}

/// A region per process node, joined as the edges join them, between a
/// virtual source before every entry and a virtual sink after every exit.
fn work_graph(diagram: &Diagram, flow: &Flow) -> (WorkGraph, NodeIndex, NodeIndex) {
    let mut graph = WorkGraph::with_capacity(diagram.nodes().len() + 2, diagram.edges().len() * 2);
    for node in 0..diagram.nodes().len() {
        let index = NodeIndex::new(node);
        graph.add_node(Work {
            region: Region::Node { node: index },
            entry: Some(index),
            exit: Some(index),
            is_virtual: false,
        });
    }
    let virtual_work = || Work { region: Region::Empty, entry: None, exit: None, is_virtual: true };
    let source = graph.add_node(virtual_work());
    let sink = graph.add_node(virtual_work());
    for edge in diagram.edges() {
        graph.add_edge(edge.source, edge.target, ());
    }
    // Nodes left out of the process are no part of any region.
    for node in diagram.node_indices().filter(|node| !flow.active[node.index()]) {
        graph.remove_node(node);
    }
    // Entries are the nodes no forward edge enters, as in the forward graph.
    for node in diagram.node_indices().filter(|node| flow.active[node.index()]) {
        if flow.forward_in(node).next().is_none() {
            graph.add_edge(source, node, ());
        }
        if flow.outgoing[node.index()].is_empty() {
            graph.add_edge(node, sink, ());
        }
    }

    (graph, source, sink)
}

/// Applies the reduction rules until one region is left, collapsing what
/// they cannot reduce into unstructured regions.
fn reduce(graph: &mut WorkGraph, source: NodeIndex, sink: NodeIndex, roles: &[Role]) {
    let split_kind = |graph: &WorkGraph, node: NodeIndex| -> Split {
        match graph[node].exit {
            None => Split::Exclusive,
            Some(exit) => match roles[exit.index()].split {
                Split::Exclusive => Split::Exclusive,
                _ => Split::Parallel,
            },
        }
    };

    loop {
        // Passes over the regions in index order, as if every region were
        // tried each pass, but only those near a reduction are: a pass over
        // every region per level of nesting was quadratic. What changed
        // ahead of the pass's position is tried in this pass, what changed
        // behind it in the next.
        let mut pass: std::collections::BTreeSet<NodeIndex> = graph.node_indices().collect();
        let mut next_pass = std::collections::BTreeSet::new();
        loop {
            let Some(node) = pass.pop_first() else {
                if next_pass.is_empty() {
                    break;
                }
                pass = std::mem::take(&mut next_pass);
                continue;
            };
            if !graph.contains_node(node) {
                continue;
            }
            let reduced =
                reduce_loop(graph, node) || reduce_block(graph, node, &split_kind) || reduce_sequence(graph, node);
            if !reduced || !graph.contains_node(node) {
                continue;
            }
            let mut near = vec![node];
            for next in graph.neighbors_undirected(node) {
                near.push(next);
                near.extend(graph.neighbors_directed(next, Direction::Outgoing));
            }
            for item in near {
                if item > node {
                    pass.insert(item);
                } else {
                    next_pass.insert(item);
                }
            }
        }
        let live = graph.node_indices().filter(|&n| !graph[n].is_virtual).count();
        if live <= 1 && is_settled(graph, source, sink) {
            break;
        }
        if attach_loose_ends(graph, source, sink) {
            continue;
        }
        if !collapse_pocket(graph, sink) {
            collapse_everything(graph, source, sink);
            break;
        }
    }
}

/// The region the reduction left: one, or the parts left side by side.
fn remaining_region(mut graph: WorkGraph) -> Region {
    let mut remaining: Vec<NodeIndex> = graph.node_indices().filter(|&n| !graph[n].is_virtual).collect();
    match remaining.len() {
        0 => Region::Empty,
        1 => graph.remove_node(remaining[0]).map(|work| work.region).unwrap_or(Region::Empty),
        _ => {
            remaining.sort_by_key(|&n| graph[n].entry);
            Region::Unstructured {
                entry: None,
                exit: None,
                parts: remaining.into_iter().filter_map(|n| graph.remove_node(n)).map(|w| w.region).collect(),
            }
        }
    }
}

/// One region left, entered once from the source and leaving at most once.
fn is_settled(graph: &WorkGraph, source: NodeIndex, sink: NodeIndex) -> bool {
    graph.edges_directed(source, Direction::Outgoing).count() <= 1
        && graph.edges_directed(sink, Direction::Incoming).count() <= 1
}

/// Successors in file order of their first node (petgraph lists them newest first).
fn out_targets(graph: &WorkGraph, node: NodeIndex) -> Vec<NodeIndex> {
    let mut targets: Vec<NodeIndex> =
        graph.edges_directed(node, Direction::Outgoing).map(|edge| edge.target()).collect();
    targets.sort_by_key(|&target| (graph[target].entry.map_or(usize::MAX, NodeIndex::index), target));
    targets
}

fn in_degree(graph: &WorkGraph, node: NodeIndex) -> usize {
    graph.edges_directed(node, Direction::Incoming).count()
}

fn reduce_sequence(graph: &mut WorkGraph, first: NodeIndex) -> bool {
    if graph[first].is_virtual {
        return false;
    }
    let outs = out_targets(graph, first);
    let [second] = outs[..] else { return false };
    if second == first || graph[second].is_virtual || in_degree(graph, second) != 1 {
        return false;
    }
    // Its only in-edge comes from `first`; its out-edges move to `first`.
    let successors = out_targets(graph, second);
    let Some(second_work) = graph.remove_node(second) else { return false };
    for successor in successors {
        graph.add_edge(first, successor, ());
    }
    let first_work = &mut graph[first];
    first_work.region = sequence(std::mem::replace(&mut first_work.region, Region::Empty), second_work.region);
    first_work.exit = second_work.exit;
    true
}

fn reduce_loop(graph: &mut WorkGraph, node: NodeIndex) -> bool {
    if graph[node].is_virtual {
        return false;
    }
    let self_loops: Vec<_> =
        graph.edges_directed(node, Direction::Outgoing).filter(|e| e.target() == node).map(|e| e.id()).collect();
    if !self_loops.is_empty() {
        for edge in self_loops {
            graph.remove_edge(edge);
        }
        let body = std::mem::replace(&mut graph[node].region, Region::Empty);
        graph[node].region = Region::Loop { body: Box::new(body), back: None };
        return true;
    }
    for middle in out_targets(graph, node) {
        if middle == node || graph[middle].is_virtual || in_degree(graph, middle) != 1 {
            continue;
        }
        if out_targets(graph, middle) != [node] {
            continue;
        }
        let Some(back) = graph.remove_node(middle) else { continue };
        let body = std::mem::replace(&mut graph[node].region, Region::Empty);
        graph[node].region = Region::Loop { body: Box::new(body), back: Some(Box::new(back.region)) };
        return true;
    }
    false
}

fn reduce_block(graph: &mut WorkGraph, split: NodeIndex, split_kind: &impl Fn(&WorkGraph, NodeIndex) -> Split) -> bool {
    let targets = out_targets(graph, split);
    if targets.len() < 2 {
        return false;
    }
    // Each branch: (the region on it, if any; where it leads).
    let mut branches: Vec<(Option<NodeIndex>, NodeIndex)> = Vec::new();
    for target in targets {
        let through = !graph[target].is_virtual && target != split && in_degree(graph, target) == 1;
        let next = if through { out_targets(graph, target) } else { Vec::new() };
        match next[..] {
            [after] if after != target && after != split => branches.push((Some(target), after)),
            _ => branches.push((None, target)),
        }
    }
    // The first destination, in edge order, that two branches share.
    let mut group_target = None;
    for (i, (_, to)) in branches.iter().enumerate() {
        if *to != split && branches[i + 1..].iter().any(|(_, other)| other == to) {
            group_target = Some(*to);
            break;
        }
    }
    let Some(join) = group_target else { return false };
    let group: Vec<(Option<NodeIndex>, NodeIndex)> = branches.into_iter().filter(|(_, to)| *to == join).collect();

    // Remove the grouped branches and the direct edges they stand for; a
    // direct edge is an empty branch.
    let mut branches = Vec::new();
    for (middle, _) in &group {
        match middle {
            Some(middle) => {
                if let Some(work) = graph.remove_node(*middle) {
                    branches.push(work.region);
                }
            }
            None => {
                if let Some(edge) = graph.find_edge(split, join) {
                    graph.remove_edge(edge);
                }
                branches.push(Region::Empty);
            }
        }
    }
    let split_node = graph[split].exit;
    let join_node = graph[join].entry;
    // Only a node splits in parallel; the virtual source (no node) is the
    // choice between alternative starts.
    let region = match (split_kind(graph, split), split_node) {
        (Split::Exclusive, _) | (_, None) => Region::Choice { split: split_node, join: join_node, branches },
        (_, Some(split)) => Region::Parallel { split, join: join_node, branches },
    };
    let block = graph.add_node(Work { region, entry: None, exit: None, is_virtual: false });
    graph.add_edge(split, block, ());
    graph.add_edge(block, join, ());
    // A block region passes control straight on: let the sequence rule fold
    // it between its split and join by giving it their boundary nodes.
    graph[block].entry = split_node;
    graph[block].exit = join_node;
    true
}

/// Regions nothing enters or nothing leaves (unreachable parts, cycles with
/// no way out) hang off the source or sink, so they become alternatives
/// instead of blocking every rule. True if any edge was added.
fn attach_loose_ends(graph: &mut WorkGraph, source: NodeIndex, sink: NodeIndex) -> bool {
    let mut added = false;
    let nodes: Vec<NodeIndex> = graph.node_indices().filter(|&n| !graph[n].is_virtual).collect();
    for node in nodes {
        if graph.edges_directed(node, Direction::Outgoing).next().is_none() {
            graph.add_edge(node, sink, ());
            added = true;
        }
        if graph.edges_directed(node, Direction::Incoming).next().is_none() {
            graph.add_edge(source, node, ());
            added = true;
        }
    }
    added
}

/// Collapses parts with one entry (a split) and one exit (its immediate
/// post-dominator) into unstructured regions: every small one found in one
/// computation of post-dominators, or else the smallest one of any size.
fn collapse_pocket(graph: &mut WorkGraph, sink: NodeIndex) -> bool {
    const SMALL: usize = 64;
    let post = dominators::simple_fast(Reversed(&*graph), sink);
    let splits: Vec<NodeIndex> =
        graph.node_indices().filter(|&n| graph.edges_directed(n, Direction::Outgoing).count() >= 2).collect();
    for limit in [SMALL, usize::MAX] {
        let mut candidates: Vec<(usize, NodeIndex, NodeIndex)> = Vec::new();
        for &split in &splits {
            // The nearest post-dominator may lie inside a loop the part must
            // contain (a jump into a loop's middle); try a few further up.
            let mut exit = post.immediate_dominator(split);
            for _ in 0..8 {
                let Some(candidate) = exit else { break };
                // Fewer than two regions: collapsing would gain nothing.
                if let Some(members) = pocket_members(graph, split, candidate, limit).filter(|m| m.len() >= 2) {
                    candidates.push((members.len(), split, candidate));
                    break;
                }
                exit = post.immediate_dominator(candidate);
            }
        }
        candidates.sort();
        if limit == usize::MAX {
            candidates.truncate(1);
        }
        let mut collapsed = false;
        for (_, split, exit) in candidates {
            // Earlier collapses may have changed this part: check it again.
            if !graph.contains_node(split) || !graph.contains_node(exit) {
                continue;
            }
            let Some(members) = pocket_members(graph, split, exit, limit).filter(|members| members.len() >= 2) else {
                continue;
            };
            // The exit, and the split unless paths loop back to it, stay
            // outside as the region's boundary, so the sequence rule can line
            // them up around it.
            let entry = if members.contains(&split) { graph[split].entry } else { graph[split].exit };
            let exit_node = graph[exit].entry;
            merge_into_unstructured(graph, members, entry, exit_node);
            collapsed = true;
        }
        if collapsed {
            return true;
        }
    }
    false
}

/// The regions of the part from `split` to `exit`: those strictly between
/// them, plus `split` itself when paths inside loop back to it. `None` unless
/// nothing outside enters them or `exit` (so the part is single-entry
/// single-exit), or when there are more than `limit`.
fn pocket_members(graph: &WorkGraph, split: NodeIndex, exit: NodeIndex, limit: usize) -> Option<Vec<NodeIndex>> {
    let mut inside = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut loops_back = false;
    let mut queue = std::collections::VecDeque::from(out_targets(graph, split));
    while let Some(node) = queue.pop_front() {
        if node == split {
            loops_back = true;
            continue;
        }
        if node == exit || !seen.insert(node) {
            continue;
        }
        if graph[node].is_virtual || inside.len() >= limit {
            return None;
        }
        inside.push(node);
        queue.extend(out_targets(graph, node));
    }
    let allowed = |n: NodeIndex| n == split || seen.contains(&n);
    for &node in inside.iter().chain(std::iter::once(&exit)) {
        if graph[node].is_virtual {
            continue;
        }
        if graph.edges_directed(node, Direction::Incoming).any(|e| !allowed(e.source())) {
            return None;
        }
    }
    if loops_back {
        if graph[split].is_virtual {
            return None;
        }
        inside.push(split);
    }
    Some(inside)
}

fn merge_into_unstructured(
    graph: &mut WorkGraph,
    mut members: Vec<NodeIndex>,
    entry: Option<NodeIndex>,
    exit: Option<NodeIndex>,
) {
    members.sort_by_key(|&n| (graph[n].entry, n));
    let member_set: std::collections::HashSet<NodeIndex> = members.iter().copied().collect();
    let mut outside_in = Vec::new();
    let mut outside_out = Vec::new();
    for &member in &members {
        for edge in graph.edges_directed(member, Direction::Incoming) {
            if !member_set.contains(&edge.source()) {
                outside_in.push(edge.source());
            }
        }
        for edge in graph.edges_directed(member, Direction::Outgoing) {
            if !member_set.contains(&edge.target()) {
                outside_out.push(edge.target());
            }
        }
    }
    // One edge per neighbour: the region is entered and left as a whole.
    outside_in.sort();
    outside_in.dedup();
    outside_out.sort();
    outside_out.dedup();
    let parts: Vec<Region> = members.iter().filter_map(|&n| graph.remove_node(n)).map(|w| w.region).collect();
    let region = Region::Unstructured { entry, exit, parts };
    let merged = graph.add_node(Work { region, entry, exit, is_virtual: false });
    for source in outside_in {
        graph.add_edge(source, merged, ());
    }
    for target in outside_out {
        graph.add_edge(merged, target, ());
    }
}

fn collapse_everything(graph: &mut WorkGraph, source: NodeIndex, sink: NodeIndex) {
    let members: Vec<NodeIndex> = graph.node_indices().filter(|&n| n != source && n != sink).collect();
    if members.len() > 1 {
        merge_into_unstructured(graph, members, None, None);
    }
}
