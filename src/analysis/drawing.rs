//! The edges as drawn, before any reading: what the layout draws and what
//! the lint rules about the picture look at. The analysis proper works on
//! the process as read ([`super::Reading`]), whose edges may differ.

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::adjacency::Adjacency;
use super::roles::Kind;
use crate::model::Diagram;

/// The drawn graph: edges per node in file order, the back edges a
/// depth-first search from the nodes without incoming edges finds, and the
/// kind each node's shape and drawn edges give it.
#[derive(Debug, Clone)]
pub struct Drawing {
    /// Out-edges of each node in file order.
    pub outgoing: Adjacency,
    /// In-edges of each node in file order.
    pub incoming: Adjacency,
    /// `is_back[e]`: drawn edge `e` closes a cycle.
    pub is_back: Vec<bool>,
    /// What each node is as drawn: a circle nothing enters is a start even
    /// when the reading makes a reply enter it.
    pub kinds: Vec<Kind>,
}

impl Drawing {
    /// The drawn graph of `drawn`.
    pub fn new(drawn: &Diagram) -> Drawing {
        let count = drawn.nodes().len();
        let edges = drawn.edges().iter().enumerate();
        let outgoing = Adjacency::new(count, edges.clone().map(|(e, edge)| (edge.source.index(), EdgeIndex::new(e))));
        let incoming = Adjacency::new(count, edges.map(|(e, edge)| (edge.target.index(), EdgeIndex::new(e))));
        let targets: Vec<usize> = drawn.edges().iter().map(|edge| edge.target.index()).collect();
        let sources: Vec<NodeIndex> = (0..count).filter(|&n| incoming[n].is_empty()).map(NodeIndex::new).collect();
        let is_back = super::flow::depth_first(&targets, &outgoing, &sources).is_back;
        let kinds = (0..count)
            .map(|n| super::roles::kind_of(drawn.nodes()[n].shape, incoming[n].len(), outgoing[n].len()))
            .collect();
        Drawing { outgoing, incoming, is_back, kinds }
    }

    /// The drawn edges into `node` that do not close a cycle.
    pub fn forward_in(&self, node: usize) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.incoming[node].iter().copied().filter(|edge| !self.is_back[edge.index()])
    }

    /// The drawn edges out of `node` that do not close a cycle.
    pub fn forward_out(&self, node: usize) -> impl Iterator<Item = EdgeIndex> + '_ {
        self.outgoing[node].iter().copied().filter(|edge| !self.is_back[edge.index()])
    }
}
