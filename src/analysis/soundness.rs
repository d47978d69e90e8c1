//! Does every run of the process end properly? Two kinds of check:
//!
//! - On the graph (linear): nodes no start reaches, and cycles a token can
//!   enter but never leave (livelock).
//! - The token game: tokens move along edges under the inferred semantics
//!   (forks copy a token to every outgoing edge, decisions pick one, parallel
//!   joins wait for a token on every incoming edge, everything else passes
//!   each token on). Every reachable marking is explored breadth first from
//!   each start, up to a bound, so the first deadlock or double arrival found
//!   comes with the shortest run that leads there: the witness.
//!
//! Markings are sparse (only edges holding tokens), and a count is capped at
//! two, since two tokens on one edge are already a finding; together with the
//! bound this keeps the search finite.

use std::collections::{HashMap, VecDeque};

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::flow::Flow;
use super::joins::{Join, JoinInfo};
use super::roles::{Role, Split};
use crate::model::Diagram;

/// Markings explored before the token game gives up, per start.
pub const DEFAULT_MAX_STATES: usize = 100_000;

/// One move of the token game.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// A token is put on this start.
    Start(NodeIndex),
    /// `node` fires; `choice` is the edge a decision took.
    Fire {
        /// The node that fires.
        node: NodeIndex,
        /// The outgoing edge a decision took; `None` when all were taken.
        choice: Option<EdgeIndex>,
    },
}

/// What the soundness check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Tokens remain but nothing can move: each waiting join with the
    /// incoming edges it still waits on.
    Deadlock {
        /// Each join that waits, with the edges it still waits on.
        waiting: Vec<(NodeIndex, Vec<EdgeIndex>)>,
        /// The shortest run that gets stuck.
        witness: Vec<Step>,
    },
    /// Two tokens reach `node` at once, through `edges`.
    LackOfSynchronisation {
        /// The node meant to run once.
        node: NodeIndex,
        /// The edges the two tokens arrive on.
        edges: Vec<EdgeIndex>,
        /// The shortest run that gets there.
        witness: Vec<Step>,
    },
    /// A cycle of `nodes` that a run can enter and never leave.
    Livelock {
        /// The nodes of the cycle.
        nodes: Vec<NodeIndex>,
        /// The shortest run into it.
        witness: Vec<Step>,
    },
    /// A node no start reaches, left out of the process; `stray_entry`: it
    /// has no incoming edge of its own, though the diagram has a start event.
    Unreachable {
        /// The node.
        node: NodeIndex,
        /// Whether nothing leads into it at all.
        stray_entry: bool,
    },
    /// The token game stopped at the bound before exploring everything.
    BoundReached {
        /// The start the game was played from.
        start: NodeIndex,
        /// The markings it explored.
        states: usize,
    },
}

type Marking = Vec<(u32, u8)>;

/// The token game over one process.
pub struct Game<'a> {
    /// The process.
    pub diagram: &'a Diagram,
    /// Its control flow.
    pub flow: &'a Flow,
    /// The role of each node.
    pub roles: &'a [Role],
    /// The join type of each node.
    pub joins: &'a [JoinInfo],
    /// Markings explored per start before the game stops.
    pub max_states: usize,
}

impl Game<'_> {
    /// Runs the token game from every start; findings are deduplicated by node.
    pub fn play(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut reported_nodes = std::collections::HashSet::new();
        for &start in &self.flow.sources {
            for finding in self.play_from(start) {
                let key = match &finding {
                    Finding::Deadlock { waiting, .. } => waiting.first().map(|(node, _)| *node),
                    Finding::LackOfSynchronisation { node, .. } => Some(*node),
                    _ => None,
                };
                if key.is_none_or(|node| reported_nodes.insert(node)) {
                    findings.push(finding);
                }
            }
        }
        findings
    }

    fn target(&self, edge: u32) -> NodeIndex {
        self.diagram.edges()[edge as usize].target
    }

    /// Parallel and nested joins wait for a token in every slot.
    fn is_parallel_join(&self, node: NodeIndex) -> bool {
        matches!(self.joins[node.index()].join, Join::Parallel | Join::Nested)
    }

    /// Markings after `node` fires on top of `marking` (one per decision outcome).
    fn fire(&self, marking: &Marking, node: NodeIndex) -> Vec<(Marking, Option<EdgeIndex>)> {
        let outs = &self.flow.outgoing[node.index()];
        let add = |marking: &Marking, edges: &[EdgeIndex]| {
            let mut next = marking.clone();
            for edge in edges {
                let id = edge.index() as u32;
                match next.binary_search_by_key(&id, |&(e, _)| e) {
                    Ok(at) => next[at].1 = next[at].1.saturating_add(1).min(2),
                    Err(at) => next.insert(at, (id, 1)),
                }
            }
            next
        };
        if self.roles[node.index()].split == Split::Exclusive {
            outs.iter().map(|&edge| (add(marking, &[edge]), Some(edge))).collect()
        } else {
            vec![(add(marking, outs), None)]
        }
    }

    /// Every move possible in `marking`: (node that fires, marking after the
    /// inputs are taken).
    fn moves(&self, marking: &Marking) -> Vec<(NodeIndex, Marking)> {
        let mut moves = Vec::new();
        let mut joins_done: Vec<NodeIndex> = Vec::new();
        for (position, &(edge, _)) in marking.iter().enumerate() {
            let node = self.target(edge);
            if self.is_parallel_join(node) {
                if joins_done.contains(&node) {
                    continue;
                }
                joins_done.push(node);
                // One token from each slot: the first marked edge of it.
                let marked = |edge: &EdgeIndex| marking.iter().any(|&(e, _)| e as usize == edge.index());
                let inputs: Option<Vec<u32>> = self.joins[node.index()]
                    .slots
                    .iter()
                    .map(|slot| slot.iter().find(|edge| marked(edge)).map(|edge| edge.index() as u32))
                    .collect();
                if let Some(inputs) = inputs {
                    let mut rest = marking.clone();
                    for input in inputs {
                        take(&mut rest, input);
                    }
                    moves.push((node, rest));
                }
            } else {
                let mut rest = marking.clone();
                take_at(&mut rest, position);
                moves.push((node, rest));
            }
        }
        moves
    }

    /// Plays one single-entry single-exit part alone: `entry` fires once,
    /// tokens stay among `inside` (the part guarantees it), and `exit`
    /// absorbs what reaches it. Sound if every run ends with no token left.
    pub fn play_part(&self, entry: NodeIndex, exit: NodeIndex) -> Vec<Finding> {
        self.explore(entry, Some(exit))
    }

    fn play_from(&self, start: NodeIndex) -> Vec<Finding> {
        self.explore(start, None)
    }

    fn explore(&self, start: NodeIndex, absorbing: Option<NodeIndex>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut index: HashMap<Marking, usize> = HashMap::new();
        // For each marking: how it was reached (parent, step).
        let mut parents: Vec<Option<(usize, Step)>> = Vec::new();
        let mut markings: Vec<Marking> = Vec::new();
        let mut queue = VecDeque::new();
        let mut seen_sync: Vec<NodeIndex> = Vec::new();

        let root = Vec::new();
        index.insert(root.clone(), 0);
        markings.push(root.clone());
        parents.push(None);
        for (marking, choice) in self.fire(&root, start) {
            let step = match choice {
                Some(_) => Step::Fire { node: start, choice },
                None => Step::Start(start),
            };
            if !index.contains_key(&marking) {
                index.insert(marking.clone(), markings.len());
                queue.push_back(markings.len());
                markings.push(marking);
                parents.push(Some((0, step)));
            }
        }

        while let Some(current) = queue.pop_front() {
            if markings.len() >= self.max_states {
                findings.push(Finding::BoundReached { start, states: markings.len() });
                break;
            }
            let marking = markings[current].clone();
            if let Some(finding) = self.double_arrival(&marking, &mut seen_sync, || self.witness(&parents, current)) {
                findings.push(finding);
                // Past a double arrival every later node runs twice too:
                // the first one, with the shortest run to it, is the finding.
                return findings;
            }
            let moves = self.moves(&marking);
            if moves.is_empty() && !marking.is_empty() {
                let waiting = self.waiting_joins(&marking);
                findings.push(Finding::Deadlock { waiting, witness: self.witness(&parents, current) });
                return findings;
            }
            for (node, rest) in moves {
                let fired = if absorbing == Some(node) { vec![(rest, None)] } else { self.fire(&rest, node) };
                for (next, choice) in fired {
                    if index.contains_key(&next) {
                        continue;
                    }
                    index.insert(next.clone(), markings.len());
                    queue.push_back(markings.len());
                    markings.push(next);
                    parents.push(Some((current, Step::Fire { node, choice })));
                }
            }
        }
        findings
    }

    /// Two tokens on one edge, or on two edges into a node that is not a
    /// parallel join: the node will run twice where it should run once.
    fn double_arrival(
        &self,
        marking: &Marking,
        seen: &mut Vec<NodeIndex>,
        witness: impl Fn() -> Vec<Step>,
    ) -> Option<Finding> {
        let mut arrivals: HashMap<NodeIndex, Vec<EdgeIndex>> = HashMap::new();
        for &(edge, count) in marking {
            let node = self.target(edge);
            let list = arrivals.entry(node).or_default();
            for _ in 0..count {
                list.push(EdgeIndex::new(edge as usize));
            }
        }
        let mut nodes: Vec<(NodeIndex, Vec<EdgeIndex>)> =
            arrivals.into_iter().filter(|(node, edges)| edges.len() >= 2 && !self.is_parallel_join(*node)).collect();
        nodes.sort();
        let (node, edges) = nodes.into_iter().find(|(node, _)| !seen.contains(node))?;
        seen.push(node);
        Some(Finding::LackOfSynchronisation { node, edges, witness: witness() })
    }

    fn waiting_joins(&self, marking: &Marking) -> Vec<(NodeIndex, Vec<EdgeIndex>)> {
        let mut waiting: Vec<(NodeIndex, Vec<EdgeIndex>)> = Vec::new();
        for &(edge, _) in marking {
            let node = self.target(edge);
            if waiting.iter().any(|(n, _)| *n == node) {
                continue;
            }
            let marked = |edge: &EdgeIndex| marking.iter().any(|&(m, _)| m as usize == edge.index());
            let missing: Vec<EdgeIndex> = self.joins[node.index()]
                .slots
                .iter()
                .filter(|slot| !slot.iter().any(marked))
                .flat_map(|slot| slot.iter().copied())
                .collect();
            waiting.push((node, missing));
        }
        waiting
    }

    fn witness(&self, parents: &[Option<(usize, Step)>], mut at: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        while let Some(Some((parent, step))) = parents.get(at) {
            steps.push(step.clone());
            at = *parent;
        }
        steps.reverse();
        steps
    }
}

fn take(marking: &mut Marking, edge: u32) {
    if let Ok(at) = marking.binary_search_by_key(&edge, |&(e, _)| e) {
        take_at(marking, at);
    }
}

fn take_at(marking: &mut Marking, at: usize) {
    if marking[at].1 > 1 {
        marking[at].1 -= 1;
    } else {
        marking.remove(at);
    }
}

/// Graph-level findings: cycles a run can enter but never leave. Linear in
/// the size of the diagram.
// Several per-node tables are read side by side; an index reads clearest.
#[allow(clippy::needless_range_loop)]
pub fn graph_findings(diagram: &Diagram, flow: &Flow) -> Vec<Finding> {
    let count = diagram.nodes().len();
    let mut findings = Vec::new();
    let mut parent: Vec<Option<(NodeIndex, EdgeIndex)>> = vec![None; count];
    let mut reached = vec![false; count];
    let mut queue: VecDeque<NodeIndex> = flow.sources.iter().copied().collect();
    for &source in &flow.sources {
        reached[source.index()] = true;
    }
    while let Some(node) = queue.pop_front() {
        for &edge in &flow.outgoing[node.index()] {
            let target = diagram.edges()[edge.index()].target;
            if !reached[target.index()] {
                reached[target.index()] = true;
                parent[target.index()] = Some((node, edge));
                queue.push_back(target);
            }
        }
    }
    // Nodes no start reaches are left out of the process by the reading,
    // which reports them; here every active node is reached.

    // Which nodes can still reach a node nothing leaves (an end)?
    let mut can_finish = vec![false; count];
    let mut queue: VecDeque<NodeIndex> =
        (0..count).filter(|&n| flow.outgoing[n].is_empty()).map(NodeIndex::new).collect();
    for node in &queue {
        can_finish[node.index()] = true;
    }
    while let Some(node) = queue.pop_front() {
        for &edge in &flow.incoming[node.index()] {
            let source = diagram.edges()[edge.index()].source;
            if !can_finish[source.index()] {
                can_finish[source.index()] = true;
                queue.push_back(source);
            }
        }
    }
    // Report each trapped cycle once, at the first trapped node a run meets.
    let mut reported = vec![false; count];
    for node in 0..count {
        if !reached[node] || can_finish[node] || reported[node] {
            continue;
        }
        let trap = trapped_cycle(diagram, flow, NodeIndex::new(node), &can_finish);
        for member in &trap {
            reported[member.index()] = true;
        }
        // Everything downstream of this node is trapped too.
        let mut stack = vec![NodeIndex::new(node)];
        while let Some(at) = stack.pop() {
            for &edge in &flow.outgoing[at.index()] {
                let target = diagram.edges()[edge.index()].target;
                if !reported[target.index()] {
                    reported[target.index()] = true;
                    stack.push(target);
                }
            }
        }
        reported[node] = true;
        let mut witness = Vec::new();
        let mut at = trap.first().copied().unwrap_or(NodeIndex::new(node));
        while let Some((previous, edge)) = parent[at.index()] {
            let choice = (diagram.nodes()[previous.index()].shape == crate::model::Shape::Diamond).then_some(edge);
            witness.push(Step::Fire { node: previous, choice });
            at = previous;
        }
        if let Some(Step::Fire { node: first, .. }) = witness.last().cloned() {
            if flow.sources.contains(&first) {
                witness.pop();
                witness.push(Step::Start(first));
            }
        }
        witness.reverse();
        findings.push(Finding::Livelock { nodes: trap, witness });
    }
    findings
}

/// Follows edges from `from` inside the trapped part until a node repeats;
/// returns that cycle in order.
fn trapped_cycle(diagram: &Diagram, flow: &Flow, from: NodeIndex, can_finish: &[bool]) -> Vec<NodeIndex> {
    let mut path = vec![from];
    let mut at = from;
    loop {
        let next = flow.outgoing[at.index()]
            .iter()
            .map(|e| diagram.edges()[e.index()].target)
            .find(|t| !can_finish[t.index()]);
        let Some(next) = next else { return path };
        if let Some(position) = path.iter().position(|&n| n == next) {
            return path.split_off(position);
        }
        path.push(next);
        at = next;
    }
}
