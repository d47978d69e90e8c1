//! Ordering within lanes: nodes of one lane in one column are stacked in
//! rows; their order comes from barycenter sweeps (each node moves towards
//! the average row of its neighbours in the previous column, then the next),
//! which removes most crossings while keeping every node in its lane.

use crate::analysis::Drawing;
use crate::model::{Diagram, Side};

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

/// Rounds of sweeps (each one forward and one back) at most; ordering stops
/// early when a round crosses no less than the best so far.
const ROUNDS: usize = 12;
/// Groups larger than this are ordered by medians only: swapping
/// neighbours costs the square of a group's size.
const MOST_TRANSPOSED: usize = 64;

/// How the nodes of one lane in one column are put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    /// Layer-by-layer sweeps that sort each group by the median row of its
    /// neighbours (leaning towards where their handles point), then swap
    /// neighbours while that removes crossings (transposition), forward
    /// and back, keeping the best order seen.
    MedianSweeps,
    /// Two rounds of barycenter sweeps: cheap, for large diagrams, and a
    /// second opinion on small ones.
    Barycenter,
}

/// Nodes stacked in each (column, lane) cell of the grid, ordered `how`.
/// Lanes stay in file order: a node moves only within its lane's rows of
/// its column.
pub fn order(diagram: &Diagram, drawing: &Drawing, layers: &[usize], how: Ordering) -> Grid {
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
    let place = |groups: &std::collections::BTreeMap<(usize, usize), Vec<usize>>, row: &mut Vec<usize>| {
        for ((_, lane), members) in groups {
            for (position, &node) in members.iter().enumerate() {
                row[node] = lane_first_row[*lane] + position;
            }
        }
    };
    place(&groups, &mut row);

    // The other ends of each node's edges, before it (incoming) or after
    // it, each with where the edge wants the node to be relative to that
    // end's row: an edge leaving the other end's top and entering this
    // node's side pulls the node up half a row, one entering this node's
    // top pushes it down half a row; handles say where things go.
    let neighbours = |node: usize, before: bool| -> Vec<(usize, f32)> {
        let edges = if before { &drawing.incoming[node] } else { &drawing.outgoing[node] };
        let lean = |side: Side| match side {
            Side::Top => -0.5,
            Side::Bottom => 0.5,
            Side::Left | Side::Right => 0.0,
        };
        edges
            .iter()
            .map(|e| {
                let edge = &diagram.edges()[e.index()];
                if before {
                    (edge.source.index(), lean(edge.source_handle) - lean(edge.target_handle))
                } else {
                    (edge.target.index(), lean(edge.target_handle) - lean(edge.source_handle))
                }
            })
            .filter(|&(other, _)| other != node)
            .collect()
    };
    match how {
        Ordering::MedianSweeps => median_sweeps(&mut groups, &mut row, &lane_first_row, &neighbours),
        Ordering::Barycenter => barycenter_sweeps(&mut groups, &mut row, &lane_first_row, &neighbours),
    }
    place(&groups, &mut row);
    let mut taken = vec![Vec::new(); rows];
    for node in 0..count {
        taken[row[node]].push(layers[node]);
    }
    for columns in &mut taken {
        columns.sort_unstable();
    }
    Grid { columns, lane_rows, lane_first_row, rows, column: layers.to_vec(), row, taken }
}

/// Sorts a group by the median row of each node's neighbours on one side;
/// a node without any keeps its row, ties keep their order.
fn sort_by_median(members: &mut [usize], row: &[usize], neighbours: &dyn Fn(usize) -> Vec<(usize, f32)>) {
    let mut keyed: Vec<(f32, usize, usize)> = members
        .iter()
        .enumerate()
        .map(|(position, &node)| {
            let mut rows: Vec<f32> =
                neighbours(node).into_iter().map(|(other, lean)| row[other] as f32 + lean).collect();
            rows.sort_by(f32::total_cmp);
            let key = match rows.len() {
                0 => row[node] as f32,
                n if n % 2 == 1 => rows[n / 2],
                n => (rows[n / 2 - 1] + rows[n / 2]) / 2.0,
            };
            (key, position, node)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (slot, (_, _, node)) in members.iter_mut().zip(keyed) {
        *slot = node;
    }
}

/// Crossings among the edges of `u` and `v` on both sides with `u` above
/// `v`: an edge of `u` to a row below the other end of an edge of `v`.
fn pair_crossings(u: usize, v: usize, row: &[usize], neighbours: &dyn Fn(usize, bool) -> Vec<(usize, f32)>) -> usize {
    let mut total = 0;
    for before in [true, false] {
        let (of_u, of_v) = (neighbours(u, before), neighbours(v, before));
        for &(x, lean_x) in &of_u {
            let at_x = row[x] as f32 + lean_x;
            total += of_v.iter().filter(|&&(y, lean_y)| at_x > row[y] as f32 + lean_y).count();
        }
    }
    total
}

/// Swaps neighbours in a group while that lowers their crossings.
fn transpose(members: &mut [usize], row: &[usize], neighbours: &dyn Fn(usize, bool) -> Vec<(usize, f32)>) {
    for _ in 0..members.len() {
        let mut swapped = false;
        for at in 0..members.len().saturating_sub(1) {
            let (u, v) = (members[at], members[at + 1]);
            if pair_crossings(v, u, row, neighbours) < pair_crossings(u, v, row, neighbours) {
                members.swap(at, at + 1);
                swapped = true;
            }
        }
        if !swapped {
            break;
        }
    }
}

/// The crossings the order of the groups small enough to transpose makes.
fn crossings(groups: &Groups, row: &[usize], neighbours: &dyn Fn(usize, bool) -> Vec<(usize, f32)>) -> usize {
    let mut total = 0;
    for members in groups.values().filter(|m| m.len() > 1 && m.len() <= MOST_TRANSPOSED) {
        for (i, &u) in members.iter().enumerate() {
            for &v in &members[i + 1..] {
                total += pair_crossings(u, v, row, neighbours);
            }
        }
    }
    total
}

type Groups = std::collections::BTreeMap<(usize, usize), Vec<usize>>;
type Neighbours<'a> = dyn Fn(usize, bool) -> Vec<(usize, f32)> + 'a;

/// See [`Ordering::MedianSweeps`].
fn median_sweeps(groups: &mut Groups, row: &mut [usize], lane_first_row: &[usize], neighbours: &Neighbours<'_>) {
    let keys: Vec<(usize, usize)> = groups.keys().copied().collect();
    let mut best = (crossings(groups, row, neighbours), groups.clone());
    for _ in 0..ROUNDS {
        for before in [true, false] {
            let sweep: Vec<(usize, usize)> = if before { keys.clone() } else { keys.iter().rev().copied().collect() };
            for key in sweep {
                let Some(members) = groups.get_mut(&key) else { continue };
                if members.len() < 2 {
                    continue;
                }
                sort_by_median(members, row, &|node| neighbours(node, before));
                if members.len() <= MOST_TRANSPOSED {
                    transpose(members, row, neighbours);
                }
                for (position, &node) in members.iter().enumerate() {
                    row[node] = lane_first_row[key.1] + position;
                }
            }
        }
        let now = crossings(groups, row, neighbours);
        if now < best.0 {
            best = (now, groups.clone());
        } else {
            break;
        }
    }
    *groups = best.1;
}

/// See [`Ordering::Barycenter`].
fn barycenter_sweeps(groups: &mut Groups, row: &mut [usize], lane_first_row: &[usize], neighbours: &Neighbours<'_>) {
    for sweep in 0..2 {
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
                        let ends = neighbours(node, forward);
                        let mean = (!ends.is_empty())
                            .then(|| ends.iter().map(|&(other, _)| row[other] as f32).sum::<f32>() / ends.len() as f32);
                        (mean.unwrap_or(row[node] as f32), position, node)
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
}
