//! Orthogonal edge routing through the gaps between grid cells.
//!
//! Vertical gaps lie between columns and horizontal gaps between rows; no
//! node is ever in a gap. An edge leaves its node perpendicular to the side
//! its handle names, into the gap on that side, travels through gaps only,
//! and enters the target from the side its handle names. Each edge has a
//! track of its own in every gap it travels along, so no two edges share a
//! line. Routing is planned on the grid first (which gaps, which tracks), so
//! gaps are sized for their tracks before coordinates exist.

use std::collections::HashMap;

use super::coordinates::Geometry;
use super::ordering::Grid;
use super::ports::Port;
use super::tracks::{End, Ends, Stretch, Turn};
use super::{EdgePath, Few, Point};
use crate::model::{Diagram, Edge, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// The gap left of this column (the last one: right of the last column).
    Vertical(usize),
    /// The gap above this row (the last one: below the last row).
    Horizontal(usize),
}

#[derive(Debug, Clone)]
pub struct EdgePlan {
    /// Gaps the edge travels along, in order, each with its track.
    pub channels: Few<(Channel, usize)>,
    /// Runs straight along its row through empty cells to the target's gap.
    pub straight_row: bool,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub edges: Vec<EdgePlan>,
    pub tracks: HashMap<Channel, usize>,
    /// Room a gap needs beside a node for edge labels leaving into it.
    pub label_room: HashMap<Channel, f32>,
    /// `shares_source[e]`: edge `e` leaves by its bundle's one port.
    pub shares_source: Vec<bool>,
    /// `shares_target[e]`: edge `e` enters by its bundle's one port.
    pub shares_target: Vec<bool>,
}

impl Default for Channel {
    fn default() -> Channel {
        Channel::Vertical(0)
    }
}

fn side_channel(side: Side, row: usize, column: usize) -> Channel {
    match side {
        Side::Left => Channel::Vertical(column),
        Side::Right => Channel::Vertical(column + 1),
        Side::Top => Channel::Horizontal(row),
        Side::Bottom => Channel::Horizontal(row + 1),
    }
}

/// Which gaps each edge travels along and on which track, and what room
/// each gap needs: the routing decided on the grid, before coordinates.
pub fn plan(diagram: &Diagram, grid: &Grid) -> Plan {
    let sequences: Vec<(Few<Channel>, bool)> = diagram.edges().iter().map(|edge| edge_channels(edge, grid)).collect();
    let slots = super::bundles::slots(diagram, &sequences);
    // One stretch per slot: the union of its members' stretches.
    let mut stretches: Vec<Option<Stretch>> = vec![None; slots.channel.len()];
    let mut ends: Vec<(usize, End)> = Vec::with_capacity(2 * diagram.edges().len());
    let mut members = vec![0usize; slots.channel.len()];
    for positions in &slots.of {
        for &slot in positions {
            members[slot] += 1;
        }
    }
    let mut label_room: HashMap<Channel, f32> = HashMap::new();
    for (index, edge) in diagram.edges().iter().enumerate() {
        let (channels, straight_row) = &sequences[index];
        for (position, (stretch, turns)) in
            edge_stretches(edge, grid, channels, *straight_row, index).into_iter().enumerate()
        {
            let slot = slots.of[index][position];
            ends.extend(turns.into_iter().map(|end| (slot, end)));
            stretches[slot] = Some(match stretches[slot] {
                None => stretch,
                Some(shared) => {
                    Stretch { low: shared.low.min(stretch.low), high: shared.high.max(stretch.high), ..shared }
                }
            });
        }
        if let Some(label) = &edge.label {
            // The chip goes beside the edge where it leaves its handle, or,
            // in a bundle, where its branch leaves the trunk.
            let need = super::text::width(label, super::metrics::EDGE_TEXT) + 16.0;
            let source = edge.source.index();
            let beside = side_channel(edge.source_handle, grid.row[source], grid.column[source]);
            let branch = slots.of[index].iter().position(|&slot| members[slot] < 2);
            for channel in std::iter::once(beside).chain(branch.map(|k| channels[k])) {
                let room = label_room.entry(channel).or_insert(0.0);
                *room = room.max(need);
            }
        }
    }
    let stretches: Vec<Stretch> = stretches.into_iter().map(|s| s.unwrap_or_else(Stretch::empty)).collect();
    let assignment = super::tracks::assign(&stretches, &Ends::new(stretches.len(), ends));
    let edges = sequences
        .into_iter()
        .enumerate()
        .map(|(index, (channels, straight_row))| EdgePlan {
            channels: channels
                .iter()
                .enumerate()
                .map(|(position, &channel)| (channel, assignment.track[slots.of[index][position]]))
                .collect(),
            straight_row,
        })
        .collect();
    Plan {
        edges,
        tracks: assignment.tracks,
        label_room,
        shares_source: slots.shares_source,
        shares_target: slots.shares_target,
    }
}

/// The gaps `edge` travels along, in order, and whether it runs straight
/// along its row through empty cells (then its one gap is the target's).
fn edge_channels(edge: &Edge, grid: &Grid) -> (Few<Channel>, bool) {
    let (s, t) = (edge.source.index(), edge.target.index());
    let (rs, cs, rt, ct) = (grid.row[s], grid.column[s], grid.row[t], grid.column[t]);
    let from = side_channel(edge.source_handle, rs, cs);
    let to = side_channel(edge.target_handle, rt, ct);
    match (from, to) {
        (Channel::Vertical(a), Channel::Vertical(b)) if a == b => ([from].into_iter().collect(), false),
        (Channel::Vertical(a), Channel::Vertical(b)) => {
            let (low, high) = (a.min(b), a.max(b));
            // Vertical gap v lies left of column v: the columns between
            // gaps low and high are low..high.
            let cells_free = rs == rt && !grid.occupied(rs, low..high, [cs, ct]);
            let passes_own =
                (edge.source_handle == Side::Right) != (a < b) || (edge.target_handle == Side::Left) != (a < b);
            if cells_free && !passes_own && s != t {
                ([to].into_iter().collect(), true)
            } else {
                let across = if rt > rs { Channel::Horizontal(rs + 1) } else { Channel::Horizontal(rs) };
                ([from, across, to].into_iter().collect(), false)
            }
        }
        (Channel::Horizontal(a), Channel::Horizontal(b)) if a == b => ([from].into_iter().collect(), false),
        (Channel::Horizontal(_), Channel::Horizontal(_)) => {
            let across = if ct >= cs { Channel::Vertical(cs + 1) } else { Channel::Vertical(cs) };
            ([from, across, to].into_iter().collect(), false)
        }
        _ => ([from, to].into_iter().collect(), false),
    }
}

/// The stretch of each gap an edge occupies, and which side of the gap its
/// stub is anchored to, in half-cells: cell centres are odd, gaps even. With
/// each stretch, its two ends: where along the gap the edge turns out of it,
/// and to which side.
fn edge_stretches(
    edge: &Edge,
    grid: &Grid,
    channels: &[Channel],
    straight_row: bool,
    index: usize,
) -> Few<(Stretch, [End; 2])> {
    let (s, t) = (edge.source.index(), edge.target.index());
    let (rs, cs, rt, ct) = (grid.row[s], grid.column[s], grid.row[t], grid.column[t]);
    let last = channels.len() - 1;
    // Along each gap: where the edge comes in (`a`) and goes out (`b`).
    let mut spans: Few<(usize, usize)> = Few::new();
    for (position, &channel) in channels.iter().enumerate() {
        let along = |point: Option<Channel>, row: usize, column: usize| -> usize {
            match (channel, point) {
                (Channel::Horizontal(_), Some(Channel::Vertical(v))) => 2 * v,
                (Channel::Vertical(_), Some(Channel::Horizontal(h))) => 2 * h,
                (Channel::Horizontal(_), _) => 2 * column + 1,
                (Channel::Vertical(_), _) => 2 * row + 1,
            }
        };
        let before = if position == 0 { None } else { Some(channels[position - 1]) };
        let after = channels.get(position + 1).copied();
        spans.push((along(before, rs, cs), along(after, rt, ct)));
    }
    let across = |channel: Channel| match channel {
        Channel::Vertical(v) => 2 * v,
        Channel::Horizontal(h) => 2 * h,
    };
    let node_across = |channel: Channel, row: usize, column: usize| match channel {
        Channel::Vertical(_) => 2 * column + 1,
        Channel::Horizontal(_) => 2 * row + 1,
    };
    let turn = |from: usize, channel: Channel| if from < across(channel) { Turn::Before } else { Turn::After };
    let mut out = Few::new();
    for (position, &channel) in channels.iter().enumerate() {
        let leaving = (position == 0 && !straight_row).then(|| anchor(channel, edge.source_handle));
        let entering = (position == last).then(|| anchor(channel, edge.target_handle));
        let role = match (leaving, entering) {
            (Some(a), Some(b)) if a == b => a,
            (Some(a), None) | (None, Some(a)) => a,
            _ => 1,
        };
        let (a, b) = spans[position];
        // Where the edge comes from and goes to, across this gap.
        let came = if position == 0 { node_across(channel, rs, cs) } else { spans[position - 1].0 };
        let goes = if position == last { node_across(channel, rt, ct) } else { spans[position + 1].1 };
        let ends = [End { at: a, turn: turn(came, channel) }, End { at: b, turn: turn(goes, channel) }];
        out.push((
            Stretch { channel, far_side: role == 2, low: a.min(b), high: a.max(b), edge: index, position },
            ends,
        ));
    }
    out
}

/// 0 when a stub into this gap starts at its left (or top) side, 2 at its
/// right (or bottom) side.
fn anchor(channel: Channel, side: Side) -> usize {
    match (channel, side) {
        // The node is left of the gap (its right side faces it).
        (Channel::Vertical(_), Side::Right) | (Channel::Horizontal(_), Side::Bottom) => 0,
        _ => 2,
    }
}

/// The coordinate of a track: tracks are centred in their gap.
pub fn track_position(geometry: &Geometry, plan: &Plan, channel: Channel, track: usize) -> f32 {
    let count = plan.tracks.get(&channel).copied().unwrap_or(1) as f32;
    let (start, size) = match channel {
        Channel::Vertical(v) => (geometry.vgap_x[v], geometry.vgap_w[v]),
        Channel::Horizontal(h) => (geometry.hgap_y[h], geometry.hgap_h[h]),
    };
    let used = count * super::metrics::TRACK;
    start + (size - used) / 2.0 + (track as f32 + 0.5) * super::metrics::TRACK
}

/// The orthogonal polyline of every edge, through its gaps on its tracks;
/// labels come after, once every line is known (`labels.rs`).
pub fn route(diagram: &Diagram, geometry: &Geometry, plan: &Plan, ports: &[(Port, Port)]) -> Vec<EdgePath> {
    diagram
        .edges()
        .iter()
        .enumerate()
        .map(|(index, edge)| {
            let (source, target) = &ports[index];
            let edge_plan = &plan.edges[index];
            let at = |channel: Channel, track: usize| track_position(geometry, plan, channel, track);
            let mut points = vec![source.attach, source.exit];
            let last = edge_plan.channels.len() - 1;
            if edge_plan.straight_row {
                let (channel, track) = edge_plan.channels[0];
                let x = at(channel, track);
                points.push(Point { x, y: source.exit.y });
                points.push(Point { x, y: target.exit.y });
            } else {
                // Enter the first gap, then follow each gap to where the next begins.
                let mut current = source.exit;
                for (position, &(channel, track)) in edge_plan.channels.iter().enumerate() {
                    let line = at(channel, track);
                    // Step into this gap, perpendicular to it.
                    current = match channel {
                        Channel::Vertical(_) => Point { x: line, y: current.y },
                        Channel::Horizontal(_) => Point { x: current.x, y: line },
                    };
                    points.push(current);
                    // Travel along it to where the next gap (or the target) is.
                    let goal = if position == last {
                        target.exit
                    } else {
                        let (next, next_track) = edge_plan.channels[position + 1];
                        let next_line = at(next, next_track);
                        match next {
                            Channel::Vertical(_) => Point { x: next_line, y: current.y },
                            Channel::Horizontal(_) => Point { x: current.x, y: next_line },
                        }
                    };
                    current = match channel {
                        Channel::Vertical(_) => Point { x: line, y: goal.y },
                        Channel::Horizontal(_) => Point { x: goal.x, y: line },
                    };
                    points.push(current);
                }
            }
            points.push(target.exit);
            points.push(target.attach);
            let points = super::simplify(points);
            EdgePath {
                edge: index,
                points,
                source_side: edge.source_handle,
                target_side: edge.target_handle,
                label: None,
            }
        })
        .collect()
}
