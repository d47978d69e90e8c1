//! Typing the nodes where paths meet: does a node wait for every incoming
//! path (a parallel join) or continue on each arrival (an exclusive merge)?
//!
//! The answer comes from where each pair of incoming paths parts: the lowest
//! node that dominates both sources. Paths that part at a fork were taken
//! together, so the node joins them; paths that part at a decision (or at the
//! choice between alternative starts) were alternatives, so it merges them. A
//! back edge brings the flow round again, which only a merge can accept.

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::flow::Flow;
use super::groups::Groups;
use super::roles::{split_at, Role, Split};
use crate::model::Diagram;

/// How a node with several incoming edges treats its arrivals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Join {
    /// Fewer than two incoming edges.
    None,
    /// Waits for a token on every incoming edge, then continues once.
    Parallel,
    /// Continues on each arrival.
    Exclusive,
    /// The entry of a loop: the way in and the way back merge.
    LoopMerge,
    /// Waits for one token per slot, where a slot is a group of incoming
    /// edges that are alternatives of each other: a fork whose branch holds a
    /// decision whose outcomes meet again at the same node. Nested blocks
    /// that happen to close at one node; BPMN draws it as a merge, then a join.
    Nested,
    /// Incoming paths whose relations are inconsistent, or parallel paths
    /// arriving where a loop comes round: no rule fits. Played as an
    /// exclusive merge.
    Mixed,
}

/// The join type of one node and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinInfo {
    /// How the node treats its arrivals.
    pub join: Join,
    /// For each pair of forward incoming edges that parted at a fork, and
    /// each that parted at a decision, one example: (edge, edge, split node;
    /// `None` for the choice between alternative starts).
    pub parallel_pair: Option<(EdgeIndex, EdgeIndex, Option<NodeIndex>)>,
    /// One pair of incoming edges that parted at a decision, if any (edge, edge, split).
    pub exclusive_pair: Option<(EdgeIndex, EdgeIndex, Option<NodeIndex>)>,
    /// Forward incoming edges grouped into alternatives: a parallel or nested
    /// join waits for a token in every slot.
    pub slots: Vec<Vec<EdgeIndex>>,
}

/// Caps the pairwise comparison on very wide joins; neighbours still cover
/// every edge.
const ALL_PAIRS_UP_TO: usize = 32;

/// The join type of every node, by the common dominator of each pair of its incoming edges.
pub fn type_joins(diagram: &Diagram, flow: &Flow, roles: &[Role]) -> Vec<JoinInfo> {
    (0..diagram.nodes().len())
        .map(|n| {
            let node = NodeIndex::new(n);
            let all_in = &flow.incoming[n];
            let forward: Vec<EdgeIndex> = flow.forward_in(node).collect();
            let has_back = forward.len() < all_in.len();
            let mut info = JoinInfo { join: Join::None, parallel_pair: None, exclusive_pair: None, slots: Vec::new() };
            if all_in.len() < 2 {
                info.slots = forward.iter().map(|&edge| vec![edge]).collect();
                return info;
            }
            // Alternatives share a slot.
            let mut slot_of = Groups::new(forward.len());
            let mut parallel_pairs = Vec::new();
            let mut pairs = Vec::new();
            if forward.len() <= ALL_PAIRS_UP_TO {
                for i in 0..forward.len() {
                    for j in i + 1..forward.len() {
                        pairs.push((i, j));
                    }
                }
            } else {
                pairs.extend((1..forward.len()).map(|j| (j - 1, j)));
            }
            for (i, j) in pairs {
                let (a, b) = (forward[i], forward[j]);
                let source_a = diagram.edges()[a.index()].source;
                let source_b = diagram.edges()[b.index()].source;
                let parted = flow.common_dominator(source_a, source_b);
                let split_node = (parted != flow.virtual_source).then_some(parted);
                match split_at(roles, flow, parted) {
                    Split::Parallel => {
                        info.parallel_pair.get_or_insert((a, b, split_node));
                        parallel_pairs.push((i, j));
                    }
                    Split::Exclusive | Split::None => {
                        info.exclusive_pair.get_or_insert((a, b, split_node));
                        slot_of.join(i, j);
                    }
                }
            }
            // Parallel paths inside one group of alternatives: inconsistent.
            let consistent = parallel_pairs.iter().all(|&(i, j)| slot_of.find(i) != slot_of.find(j));
            info.slots = slot_of.into_groups(&forward);
            let parallel = info.parallel_pair.is_some();
            let exclusive = info.exclusive_pair.is_some();
            info.join = match (parallel, exclusive, has_back) {
                (true, _, true) => Join::Mixed,
                (true, _, false) if !consistent => Join::Mixed,
                (true, true, false) => Join::Nested,
                (true, false, false) => Join::Parallel,
                (false, _, true) => Join::LoopMerge,
                (false, _, false) => Join::Exclusive,
            };
            info
        })
        .collect()
}
