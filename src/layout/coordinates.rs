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
    let mut headers = fit_lane_headers(diagram, grid, plan, &mut cells.row_h, &hgap_h);
    let header = header_width(&headers);
    let (vgap_x, col_x, right) = positions(MARGIN + header, &vgap_w, &cells.col_w);
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
            let top = hgap_y[first] + above_border(grid, plan, &hgap_h, first);
            let bottom = hgap_y[last] + above_border(grid, plan, &hgap_h, last);
            let rect = Rect { x: MARGIN, y: top, width: width - 2.0 * MARGIN, height: bottom - top };
            LaneBand {
                lane: LaneId::new(lane),
                rect,
                header: Rect { x: MARGIN, y: top, width: header, height: bottom - top },
                label_lines: std::mem::take(&mut headers[lane]),
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
    // Between two lanes the band border runs through the middle of the
    // gap, so each lane keeps its padding on its side of it.
    let between_lanes = |h: usize| h > 0 && h < grid.rows && grid.lane_first_row.contains(&h);
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
            let minimum = match (between_lanes(h), lane_edge(h)) {
                (true, _) => 2.0 * LANE_PADDING,
                (false, true) => MIN_GAP_Y.max(LANE_PADDING),
                (false, false) => MIN_GAP_Y,
            };
            let labels = if plan.label_room.contains_key(&channel) { 2.0 * (EDGE_TEXT + 9.0) } else { 0.0 };
            minimum.max((tracks(channel) + 1.0) * TRACK + labels)
        })
        .collect();
    (vgap_w, hgap_h)
}

/// How much of horizontal gap `h` belongs to the lane above it: none of the
/// picture's first gap, all of its last, and between two lanes half, where
/// the border runs through the middle of the gap, but between two of its
/// tracks (routing centres them there, a track apart), never along an edge.
fn above_border(grid: &Grid, plan: &Plan, hgap_h: &[f32], h: usize) -> f32 {
    if h == 0 {
        return 0.0;
    }
    if h == grid.rows {
        return hgap_h[h];
    }
    let tracks = plan.tracks.get(&Channel::Horizontal(h)).copied().unwrap_or(0);
    let off_track = if tracks % 2 == 1 { TRACK / 2.0 } else { 0.0 };
    hgap_h[h] / 2.0 + off_track
}

/// The lines of each lane's header label, written vertically: one line
/// when the lane is tall enough for it, else wrapped across the header
/// (see [`header_lines`]); a lane still too short for its label's longest
/// line grows its last row.
fn fit_lane_headers(
    diagram: &Diagram,
    grid: &Grid,
    plan: &Plan,
    row_h: &mut [f32],
    hgap_h: &[f32],
) -> Vec<Vec<String>> {
    let mut headers = Vec::with_capacity(diagram.lanes().len());
    for (lane, data) in diagram.lanes().iter().enumerate() {
        let first = grid.lane_first_row[lane];
        let last = first + grid.lane_rows[lane];
        // The band as `place` draws it: half of each gap it shares with
        // another lane, all of the picture's first and last gaps.
        let inner: f32 = (first + 1..last).map(|h| hgap_h[h]).sum();
        let rows: f32 = (first..last).map(|r| row_h[r]).sum();
        let above_first = above_border(grid, plan, hgap_h, first);
        let height = (hgap_h[first] - above_first) + rows + inner + above_border(grid, plan, hgap_h, last);
        let lines = header_lines(&data.label, height - LANE_LABEL_ROOM);
        let widest = lines.iter().map(|line| super::text::width(line, NODE_TEXT)).fold(0.0, f32::max);
        let needed = widest + LANE_LABEL_ROOM;
        if height < needed {
            row_h[last - 1] += needed - height;
        }
        headers.push(lines);
    }
    headers
}

/// Room left at the ends of a lane's vertical label.
const LANE_LABEL_ROOM: f32 = 24.0;

/// Most lines a lane's header label is wrapped into; the header widens to
/// hold them, and a label that needs more makes its lane taller instead.
const MOST_HEADER_LINES: usize = 3;

/// `label` wrapped between words into lines no longer than `length`, or,
/// when that takes more than [`MOST_HEADER_LINES`], into that many lines of
/// the shortest length that allows it.
fn header_lines(label: &str, length: f32) -> Vec<String> {
    let wrap = |length: f32| {
        let mut lines: Vec<String> = Vec::new();
        for word in label.split_whitespace() {
            match lines.last_mut() {
                Some(line) if super::text::width(&format!("{line} {word}"), NODE_TEXT) <= length => {
                    line.push(' ');
                    line.push_str(word);
                }
                _ => lines.push(word.to_owned()),
            }
        }
        lines
    };
    let mut length = length.max(1.0);
    let mut lines = wrap(length);
    // Each round lengthens the lines by a tenth: the whole label on one
    // line ends it at the latest.
    while lines.len() > MOST_HEADER_LINES {
        length *= 1.1;
        lines = wrap(length);
    }
    if lines.is_empty() {
        lines.push(label.to_owned());
    }
    lines
}

/// The header strip's width: the usual one, or wide enough for the most
/// lines any lane's label was wrapped into.
fn header_width(headers: &[Vec<String>]) -> f32 {
    let most = headers.iter().map(Vec::len).max().unwrap_or(1) as f32;
    HEADER_WIDTH.max(most * LINE_HEIGHT + 6.0)
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
