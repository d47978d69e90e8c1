//! The diagram's graph as the analyses need it: edges in file order, back
//! edges found by depth-first search, and the forward (acyclic) graph with a
//! virtual source and sink, with its dominator and post-dominator trees.

use petgraph::algo::dominators::{self, Dominators};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, Reversed};
use petgraph::Direction;

use super::adjacency::Adjacency;
use crate::model::Diagram;

/// The control flow of a process: edges per node in file order, back edges, the forward graph and
/// its dominator trees.
pub struct Flow {
    /// Out-edges of each node in file order.
    pub outgoing: Adjacency,
    /// In-edges of each node in file order.
    pub incoming: Adjacency,
    /// `is_back[e]`: the edge closes a cycle (it points at a node still on the
    /// depth-first stack when the search walks from the starts in file order).
    pub is_back: Vec<bool>,
    /// Nodes without incoming edges, in file order: where tokens start.
    /// Only nodes of the process count (see [`Flow::of_process`]).
    pub sources: Vec<NodeIndex>,
    /// `active[n]`: node `n` is part of the process. Nodes left out (no
    /// start reaches them) have no edges and hang off nothing.
    pub active: Vec<bool>,
    /// The forward graph: diagram nodes keep their indices, then the virtual
    /// source and sink; back edges left out.
    pub forward: DiGraph<(), ()>,
    /// The added node every entry hangs off in the forward graph.
    pub virtual_source: NodeIndex,
    /// The added node every exit leads to in the forward graph.
    pub virtual_sink: NodeIndex,
    /// Dominators of the forward graph from the virtual source.
    pub dominators: Dominators<NodeIndex>,
    /// Post-dominators of the forward graph (dominators of its reverse from the virtual sink).
    pub post_dominators: Dominators<NodeIndex>,
    /// Depth of each forward-graph node in the dominator tree.
    depth: Vec<usize>,
}

impl Flow {
    /// The flow of the whole drawing: every node takes part.
    pub fn new(diagram: &Diagram) -> Flow {
        Flow::of_process(diagram, &vec![true; diagram.nodes().len()])
    }

    /// The flow of the nodes marked `active`; the others must have no edges.
    pub fn of_process(diagram: &Diagram, active: &[bool]) -> Flow {
        let count = diagram.nodes().len();
        let active: Vec<bool> = (0..count).map(|n| active.get(n).copied().unwrap_or(true)).collect();
        let edges = diagram.edges().iter().enumerate();
        let outgoing = Adjacency::new(count, edges.clone().map(|(e, edge)| (edge.source.index(), EdgeIndex::new(e))));
        let incoming = Adjacency::new(count, edges.map(|(e, edge)| (edge.target.index(), EdgeIndex::new(e))));
        let sources: Vec<NodeIndex> =
            (0..count).filter(|&n| active[n] && incoming[n].is_empty()).map(NodeIndex::new).collect();
        let targets: Vec<usize> = diagram.edges().iter().map(|edge| edge.target.index()).collect();
        let is_back = depth_first(&targets, &outgoing, &sources).is_back;

        let mut forward = DiGraph::<(), ()>::with_capacity(count + 2, diagram.edges().len() + count);
        for _ in 0..count + 2 {
            forward.add_node(());
        }
        let virtual_source = NodeIndex::new(count);
        let virtual_sink = NodeIndex::new(count + 1);
        for edge in diagram.graph().edge_references() {
            if !is_back[edge.id().index()] {
                forward.add_edge(edge.source(), edge.target(), ());
            }
        }
        // Every node no forward edge enters is an entry, so that nodes only
        // reachable around a cycle still hang off the source.
        for node in (0..count).filter(|&n| active[n]) {
            let index = NodeIndex::new(node);
            if forward.edges_directed(index, Direction::Incoming).next().is_none() {
                forward.add_edge(virtual_source, index, ());
            }
            if forward.edges_directed(index, Direction::Outgoing).next().is_none() {
                forward.add_edge(index, virtual_sink, ());
            }
        }
        if !active.contains(&true) {
            forward.add_edge(virtual_source, virtual_sink, ());
        }
        let dominators = dominators::simple_fast(&forward, virtual_source);
        let post_dominators = dominators::simple_fast(Reversed(&forward), virtual_sink);
        let depth = dominator_depths(&dominators, count + 2, virtual_source);
        Flow {
            outgoing,
            incoming,
            is_back,
            sources,
            active,
            forward,
            virtual_source,
            virtual_sink,
            dominators,
            post_dominators,
            depth,
        }
    }

    /// The forward (not back) edges into `node`, in file order.
    pub fn forward_in(&self, node: NodeIndex) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.incoming[node.index()].iter().copied().filter(|edge| !self.is_back[edge.index()])
    }

    /// The forward (not back) edges out of `node`, in file order.
    pub fn forward_out(&self, node: NodeIndex) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.outgoing[node.index()].iter().copied().filter(|edge| !self.is_back[edge.index()])
    }

    /// The lowest node that dominates both `a` and `b`: where paths to them
    /// part. Nodes are forward-graph nodes (the virtual source included).
    pub fn common_dominator(&self, mut a: NodeIndex, mut b: NodeIndex) -> NodeIndex {
        while a != b {
            if self.depth[a.index()] >= self.depth[b.index()] {
                match self.dominators.immediate_dominator(a) {
                    Some(up) => a = up,
                    None => return self.virtual_source,
                }
            } else {
                match self.dominators.immediate_dominator(b) {
                    Some(up) => b = up,
                    None => return self.virtual_source,
                }
            }
        }
        a
    }
}

/// What one depth-first search over a graph found.
pub struct DepthFirst {
    /// `is_back[e]`: edge `e` points at a node still on the stack.
    pub is_back: Vec<bool>,
    /// The order in which nodes were first reached (`usize::MAX`: never).
    pub preorder: Vec<usize>,
    /// The edge the search first reached each node by (`None`: a root).
    pub parent: Vec<Option<EdgeIndex>>,
}

/// Iterative depth-first search from `roots` in order, then from any node
/// not yet seen (cycles nothing enters), following each node's `outgoing`
/// edges in order; `targets[e]` is where edge `e` leads.
pub fn depth_first(targets: &[usize], outgoing: &Adjacency, roots: &[NodeIndex]) -> DepthFirst {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let count = outgoing.len();
    let mut is_back = vec![false; targets.len()];
    let mut preorder = vec![usize::MAX; count];
    let mut parent = vec![None; count];
    let mut reached = 0;
    let mut mark = vec![Mark::New; count];
    let all_roots = roots.iter().map(|n| n.index()).chain(0..count);
    for root in all_roots {
        if mark[root] != Mark::New {
            continue;
        }
        // (node, position of the next out-edge to follow)
        let mut stack = vec![(root, 0usize)];
        mark[root] = Mark::OnStack;
        preorder[root] = reached;
        reached += 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&edge) = outgoing[node].get(*next) {
                *next += 1;
                let target = targets[edge.index()];
                match mark[target] {
                    Mark::New => {
                        mark[target] = Mark::OnStack;
                        parent[target] = Some(edge);
                        preorder[target] = reached;
                        reached += 1;
                        stack.push((target, 0));
                    }
                    Mark::OnStack => is_back[edge.index()] = true,
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                stack.pop();
            }
        }
    }
    DepthFirst { is_back, preorder, parent }
}

fn dominator_depths(dominators: &Dominators<NodeIndex>, count: usize, root: NodeIndex) -> Vec<usize> {
    let mut depth = vec![usize::MAX; count];
    depth[root.index()] = 0;
    for start in 0..count {
        // Walk up to a node of known depth, then fill the path on the way back.
        let mut path = Vec::new();
        let mut node = NodeIndex::new(start);
        while depth[node.index()] == usize::MAX {
            path.push(node);
            match dominators.immediate_dominator(node) {
                Some(up) => node = up,
                None => break,
            }
        }
        let mut base = if depth[node.index()] == usize::MAX { 0 } else { depth[node.index()] };
        for &on_path in path.iter().rev() {
            base += 1;
            depth[on_path.index()] = base;
        }
    }
    depth
}
