//! Ordering within lanes: nodes of one lane in one column are stacked in
//! rows; their order comes from barycenter sweeps (each node moves towards
//! the average row of its neighbours in the previous column, then the next),
//! which removes most crossings while keeping every node in its lane.

use crate::analysis::Drawing;
use crate::model::Diagram;

#[derive(Debug, Clone)]
pub struct Grid {
    pub columns: usize,
    /// Rows of each lane (at least one, so empty lanes keep a band).
    pub lane_rows: Vec<usize>,
    /// First global row of each lane.
    pub lane_first_row: Vec<usize>,
    pub rows: usize,
    pub column: Vec<usize>,
    /// Global row of each node.
    pub row: Vec<usize>,
    /// The columns taken in each row, in order. A row holds few nodes of
    /// many columns, or many rows one node each, so a dense rows × columns
    /// table would grow with their product.
    pub taken: Vec<Vec<usize>>,
}

impl Grid {
    /// Whether a node sits in `row` in one of the `columns`, other than in
    /// the columns of `except`.
    pub fn occupied(&self, row: usize, columns: std::ops::Range<usize>, except: [usize; 2]) -> bool {
        let Some(taken) = self.taken.get(row) else { return false };
        let (low, high) = (columns.start, columns.end);
        let first = taken.partition_point(|&column| column < low);
        taken[first..].iter().take_while(|&&column| column < high).any(|column| !except.contains(column))
    }
}

const SWEEPS: usize = 2;

pub fn order(diagram: &Diagram, drawing: &Drawing, layers: &[usize]) -> Grid {
    let count = diagram.nodes().len();
    let lanes = diagram.lanes().len().max(1);
    let columns = layers.iter().copied().max().map_or(1, |m| m + 1);
    // Groups: the nodes of one lane in one column, in file order to start.
    let mut groups: std::collections::BTreeMap<(usize, usize), Vec<usize>> = std::collections::BTreeMap::new();
    for (node, &layer) in layers.iter().enumerate() {
        groups.entry((layer, diagram.nodes()[node].lane.index())).or_default().push(node);
    }
    let mut lane_rows = vec![1usize; lanes];
    for ((_, lane), members) in &groups {
        lane_rows[*lane] = lane_rows[*lane].max(members.len());
    }
    let mut lane_first_row = vec![0usize; lanes];
    for lane in 1..lanes {
        lane_first_row[lane] = lane_first_row[lane - 1] + lane_rows[lane - 1];
    }
    let rows = lane_first_row[lanes - 1] + lane_rows[lanes - 1];
    let mut row = vec![0usize; count];
    let assign = |groups: &std::collections::BTreeMap<(usize, usize), Vec<usize>>, row: &mut Vec<usize>| {
        for ((_, lane), members) in groups {
            for (position, &node) in members.iter().enumerate() {
                row[node] = lane_first_row[*lane] + position;
            }
        }
    };
    assign(&groups, &mut row);

    let neighbour_rows = |node: usize, row: &[usize], forward: bool| -> Option<f32> {
        let edges = if forward { &drawing.incoming[node] } else { &drawing.outgoing[node] };
        let rows: Vec<f32> = edges
            .iter()
            .map(|e| {
                let edge = &diagram.edges()[e.index()];
                let other = if forward { edge.source } else { edge.target };
                row[other.index()] as f32
            })
            .collect();
        (!rows.is_empty()).then(|| rows.iter().sum::<f32>() / rows.len() as f32)
    };
    for sweep in 0..SWEEPS {
        for forward in [true, false] {
            let keys: Vec<(usize, usize)> = if forward == (sweep % 2 == 0) {
                groups.keys().copied().collect()
            } else {
                groups.keys().rev().copied().collect()
            };
            for key in keys {
                let Some(members) = groups.get_mut(&key) else { continue };
                if members.len() < 2 {
                    continue;
                }
                let mut keyed: Vec<(f32, usize, usize)> = members
                    .iter()
                    .enumerate()
                    .map(|(position, &node)| {
                        (neighbour_rows(node, &row, forward).unwrap_or(row[node] as f32), position, node)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                *members = keyed.into_iter().map(|(_, _, node)| node).collect();
                for (position, &node) in members.iter().enumerate() {
                    row[node] = lane_first_row[key.1] + position;
                }
            }
        }
    }
    let mut taken = vec![Vec::new(); rows];
    for node in 0..count {
        taken[row[node]].push(layers[node]);
    }
    for columns in &mut taken {
        columns.sort_unstable();
    }
    Grid { columns, lane_rows, lane_first_row, rows, column: layers.to_vec(), row, taken }
}
