//! Edges per node stored flat: one list of every node's edges, in node
//! order, and where each node's part of it starts. A vector per node costs
//! an allocation per node; on a 30,000-node diagram the four edge lists of
//! the drawing and the flow were a fifth of the analysis' memory.

use std::ops::Index;

use petgraph::graph::EdgeIndex;

/// The edges at each node, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adjacency {
    /// `starts[n]..starts[n + 1]` is node `n`'s part of `edges`.
    starts: Vec<u32>,
    edges: Vec<EdgeIndex>,
}

impl Adjacency {
    /// The edges of `count` nodes from `(node, edge)` pairs: each node's
    /// edges keep the order the pairs come in.
    pub fn new(count: usize, pairs: impl Iterator<Item = (usize, EdgeIndex)> + Clone) -> Adjacency {
        let mut starts = vec![0u32; count + 1];
        for (node, _) in pairs.clone() {
            starts[node + 1] += 1;
        }
        for n in 0..count {
            starts[n + 1] += starts[n];
        }
        let mut next: Vec<u32> = starts[..count].to_vec();
        let mut edges = vec![EdgeIndex::new(0); starts[count] as usize];
        for (node, edge) in pairs {
            edges[next[node] as usize] = edge;
            next[node] += 1;
        }
        Adjacency { starts, edges }
    }

    /// How many nodes it covers.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether it covers no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Index<usize> for Adjacency {
    type Output = [EdgeIndex];

    fn index(&self, node: usize) -> &[EdgeIndex] {
        &self.edges[self.starts[node] as usize..self.starts[node + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_node_keeps_its_edges_in_order() {
        let e = EdgeIndex::new;
        let adjacency = Adjacency::new(3, [(2, e(0)), (0, e(1)), (2, e(2))].into_iter());
        assert_eq!(adjacency.len(), 3);
        assert_eq!(&adjacency[0], &[e(1)]);
        assert!(adjacency[1].is_empty());
        assert_eq!(&adjacency[2], &[e(0), e(2)]);
    }
}
