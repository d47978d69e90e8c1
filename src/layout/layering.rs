//! Layering: each node's column is the length of the longest forward path
//! reaching it (back edges of loops ignored), so every forward edge points
//! right. Linear time, by Kahn's topological order.

use std::collections::VecDeque;

use crate::analysis::Drawing;
use crate::model::Diagram;

pub fn layers(diagram: &Diagram, drawing: &Drawing) -> Vec<usize> {
    let count = diagram.nodes().len();
    let mut waiting: Vec<usize> = (0..count).map(|n| drawing.forward_in(n).count()).collect();
    let mut layer = vec![0usize; count];
    let mut queue: VecDeque<usize> = (0..count).filter(|&n| waiting[n] == 0).collect();
    while let Some(node) = queue.pop_front() {
        for edge in drawing.forward_out(node) {
            let target = diagram.edges()[edge.index()].target.index();
            layer[target] = layer[target].max(layer[node] + 1);
            waiting[target] -= 1;
            if waiting[target] == 0 {
                queue.push_back(target);
            }
        }
    }
    layer
}
