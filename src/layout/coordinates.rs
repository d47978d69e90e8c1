//! Coordinates: column widths from their widest node, gap sizes from their
//! tracks and labels, rows tall enough for their nodes; nodes are centred in
//! their column and aligned on their row's centre line, so chains along a
//! row are straight; lanes are the bands of their rows.

use super::metrics::*;
use super::ordering::Grid;
use super::routing::{Channel, Plan};
use super::sizes::Measured;
use super::{LaneBand, NodeBox, Rect};
use crate::analysis::{Around, Drawing};
use crate::model::{Diagram, LaneId};

#[derive(Debug, Clone)]
pub struct Geometry {
    pub vgap_x: Vec<f32>,
    pub vgap_w: Vec<f32>,
    pub hgap_y: Vec<f32>,
    pub hgap_h: Vec<f32>,
    pub nodes: Vec<NodeBox>,
    pub lanes: Vec<LaneBand>,
    pub width: f32,
    pub height: f32,
}

/// Room for one gateway the BPMN compiler adds beside a node: its 30 px
/// square with 8 px on each side.
const ADDED_ROOM: f32 = 46.0;

/// For each vertical gap, how many gateways or events stand side by side
/// in it after a node left of it, and in front of a node right of it, by
/// the one rule the BPMN compiler follows ([`crate::analysis::around`]).
fn added_beside(grid: &Grid, around: &[Around]) -> (Vec<usize>, Vec<usize>) {
    let mut after = vec![0; grid.columns + 1];
    let mut before = vec![0; grid.columns + 1];
    for (n, added) in around.iter().enumerate().filter(|(_, added)| added.in_process) {
        let (right, left) = (grid.column[n] + 1, grid.column[n]);
        after[right] = after[right].max(added.behind());
        before[left] = before[left].max(added.in_front());
    }
    (after, before)
}

/// Where a node's shape centre sits below the top of its bounds.
fn anchor(measured: &Measured) -> f32 {
    measured.shape_rect.y + measured.shape_rect.height / 2.0
}

/// Places every node, gap and lane band of the grid: the coordinates phase.
pub fn place(
    diagram: &Diagram,
    grid: &Grid,
    measured: Vec<Measured>,
    plan: &Plan,
    drawing: &Drawing,
    around: &[Around],
) -> Geometry {
    let mut cells = cell_sizes(grid, &measured);
    let (vgap_w, hgap_h) = gap_sizes(grid, plan, around);
    fit_lane_headers(diagram, grid, &mut cells.row_h, &hgap_h);
    let (vgap_x, col_x, right) = positions(MARGIN + HEADER_WIDTH, &vgap_w, &cells.col_w);
    let width = right + vgap_w[grid.columns] + MARGIN;
    let (hgap_y, row_y, bottom) = positions(MARGIN, &hgap_h, &cells.row_h);
    let height = bottom + hgap_h[grid.rows] + MARGIN;

    let nodes: Vec<NodeBox> = measured
        .into_iter()
        .enumerate()
        .map(|(node, m)| {
            let (r, c) = (grid.row[node], grid.column[node]);
            let bx = col_x[c] + (cells.col_w[c] - m.width) / 2.0;
            let by = row_y[r] + cells.above[r] - anchor(&m);
            let offset = |rect: Rect| Rect { x: bx + rect.x, y: by + rect.y, width: rect.width, height: rect.height };
            let data = &diagram.nodes()[node];
            NodeBox {
                node: petgraph::graph::NodeIndex::new(node),
                shape: data.shape,
                bounds: Rect { x: bx, y: by, width: m.width, height: m.height },
                shape_rect: offset(m.shape_rect),
                label_place: m.label_place,
                lines: m.lines,
                items: m.items,
                label_rect: offset(m.label_rect),
                kind: drawing.kinds[node],
                lane: data.lane,
                column: c,
                row: r,
            }
        })
        .collect();
    let lanes = (0..diagram.lanes().len())
        .map(|lane| {
            let first = grid.lane_first_row[lane];
            let last = first + grid.lane_rows[lane];
            let top = hgap_y[first];
            let bottom = if last == grid.rows { height - MARGIN } else { hgap_y[last] };
            let rect = Rect { x: MARGIN, y: top, width: width - 2.0 * MARGIN, height: bottom - top };
            LaneBand {
                lane: LaneId::new(lane),
                rect,
                header: Rect { x: MARGIN, y: top, width: HEADER_WIDTH, height: bottom - top },
            }
        })
        .collect();
    Geometry { vgap_x, vgap_w, hgap_y, hgap_h, nodes, lanes, width, height }
}

/// Column widths and row heights from the nodes in them; rows are split at
/// their nodes' shape centres (`above` and `below` the line), so a chain
/// along a row is straight whatever its shapes.
struct CellSizes {
    col_w: Vec<f32>,
    above: Vec<f32>,
    row_h: Vec<f32>,
}

fn cell_sizes(grid: &Grid, measured: &[Measured]) -> CellSizes {
    let mut col_w = vec![0.0f32; grid.columns];
    let mut above = vec![0.0f32; grid.rows];
    let mut below = vec![0.0f32; grid.rows];
    for (node, m) in measured.iter().enumerate() {
        let (r, c) = (grid.row[node], grid.column[node]);
        col_w[c] = col_w[c].max(m.width);
        above[r] = above[r].max(anchor(m));
        below[r] = below[r].max(m.height - anchor(m));
    }
    let row_h = (0..grid.rows)
        .map(|r| if above[r] + below[r] > 0.0 { above[r] + below[r] } else { EMPTY_LANE_HEIGHT })
        .collect();
    CellSizes { col_w, above, row_h }
}

/// The width of every vertical gap and the height of every horizontal one.
fn gap_sizes(grid: &Grid, plan: &Plan, around: &[Around]) -> (Vec<f32>, Vec<f32>) {
    let lane_edge = |h: usize| h == grid.rows || grid.lane_first_row.contains(&h);
    let tracks = |channel: Channel| plan.tracks.get(&channel).copied().unwrap_or(0) as f32;
    // A vertical gap fits its tracks, and a label chip on either side of
    // them for edges that leave sideways into it.
    // The BPMN compiler adds gateways and events beside nodes, in the
    // gaps (see emit::bpmn::di); a gap that holds them gets room for them
    // besides its tracks, so they keep their full size and SVG and BPMN
    // share this one geometry.
    let (gateway_after, gateway_before) = added_beside(grid, around);
    let vgap_w = (0..=grid.columns)
        .map(|v| {
            let channel = Channel::Vertical(v);
            let labels = plan.label_room.get(&channel).copied().unwrap_or(0.0);
            let added = (gateway_after[v] + gateway_before[v]) as f32 * ADDED_ROOM;
            MIN_GAP_X.max((tracks(channel) + 1.0) * TRACK + 2.0 * labels + added)
        })
        .collect();
    // A horizontal gap fits its tracks, and a chip's height above and below
    // them for edges that leave up or down into it.
    let hgap_h = (0..=grid.rows)
        .map(|h| {
            let channel = Channel::Horizontal(h);
            let minimum = if lane_edge(h) { MIN_GAP_Y.max(LANE_PADDING) } else { MIN_GAP_Y };
            let labels = if plan.label_room.contains_key(&channel) { 2.0 * (EDGE_TEXT + 9.0) } else { 0.0 };
            minimum.max((tracks(channel) + 1.0) * TRACK + labels)
        })
        .collect();
    (vgap_w, hgap_h)
}

/// Makes each lane at least as tall as its header label, written
/// vertically, by growing its last row.
fn fit_lane_headers(diagram: &Diagram, grid: &Grid, row_h: &mut [f32], hgap_h: &[f32]) {
    for (lane, data) in diagram.lanes().iter().enumerate() {
        let first = grid.lane_first_row[lane];
        let last = first + grid.lane_rows[lane];
        let mut height: f32 = (first..last).map(|r| row_h[r] + hgap_h[r]).sum();
        if last == grid.rows {
            height += hgap_h[grid.rows];
        }
        let needed = super::text::width(&data.label, NODE_TEXT) + 24.0;
        if height < needed {
            row_h[last - 1] += needed - height;
        }
    }
}

/// Gaps and cells laid one after the other from `start` along one axis
/// (gap, cell, gap, …, cell, gap): where each gap and each cell starts, and
/// where the last gap starts.
fn positions(start: f32, gaps: &[f32], cells: &[f32]) -> (Vec<f32>, Vec<f32>, f32) {
    let mut gap_at = vec![0.0f32; cells.len() + 1];
    let mut cell_at = vec![0.0f32; cells.len()];
    let mut at = start;
    for (c, cell) in cells.iter().enumerate() {
        gap_at[c] = at;
        cell_at[c] = at + gaps[c];
        at = cell_at[c] + cell;
    }
    gap_at[cells.len()] = at;
    (gap_at, cell_at, at)
}
