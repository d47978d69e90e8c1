//! Swimlane layout: pure geometry from a diagram, one phase per file.
//!
//! Nodes sit in a grid: a column per layer (left to right along the flow) and
//! rows per lane (a lane grows rows when several of its nodes share a
//! column). Edges run only through the gaps between cells, each in a track of
//! its own, so by construction no edge passes through a node and no two edges
//! share a line. Phases: cycle breaking (the analysis' back edges) →
//! layering → ordering within lanes → sizes and coordinates → ports →
//! routing → edge labels → loop frames.

pub mod coordinates;
pub mod layering;
pub mod ordering;
pub mod ports;
pub mod routing;
pub mod sizes;
pub mod text;

use petgraph::graph::NodeIndex;

use crate::analysis::{Analysis, Kind};
use crate::model::{Diagram, LaneId, Shape, Side};

/// A point or size in SVG user units (px).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }

    /// True when the interiors of the two rectangles meet.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right() && other.x < self.right() && self.y < other.bottom() && other.y < self.bottom()
    }
}

/// Where a node's label goes relative to its shape (circles and diamonds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelPlace {
    Inside,
    Below,
    Above,
    Right,
    Left,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub node: NodeIndex,
    pub shape: Shape,
    /// The whole cell the node occupies: shape and label.
    pub bounds: Rect,
    /// The drawn shape (circle and diamond are smaller than their bounds).
    pub shape_rect: Rect,
    pub label_place: LabelPlace,
    /// Label lines (taskbox: the title lines).
    pub lines: Vec<String>,
    /// Taskbox checklist items.
    pub items: Vec<String>,
    /// Where the label's text block starts (top-left).
    pub label_rect: Rect,
    /// The node's role in the process (start, end, task, decision, …).
    pub kind: Kind,
    pub lane: LaneId,
    pub column: usize,
    /// Row across the whole diagram (lanes stacked).
    pub row: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaneBand {
    pub lane: LaneId,
    pub rect: Rect,
    /// The header strip with the display label.
    pub header: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLabel {
    pub text: String,
    pub rect: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    pub edge: usize,
    /// Orthogonal polyline from the source shape to the target shape.
    pub points: Vec<Point>,
    pub source_side: Side,
    pub target_side: Side,
    pub label: Option<EdgeLabel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoopFrame {
    pub loop_index: usize,
    pub rect: Rect,
    pub tag: String,
    pub tag_rect: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub lanes: Vec<LaneBand>,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
    pub loops: Vec<LoopFrame>,
}

/// Sizes every layout decision depends on, in px.
pub mod metrics {
    pub const MARGIN: f32 = 20.0;
    pub const HEADER_WIDTH: f32 = 40.0;
    pub const NODE_TEXT: f32 = 13.0;
    pub const EDGE_TEXT: f32 = 11.0;
    pub const LINE_HEIGHT: f32 = 17.0;
    pub const TRACK: f32 = 8.0;
    pub const MIN_GAP_X: f32 = 48.0;
    pub const MIN_GAP_Y: f32 = 28.0;
    pub const LANE_PADDING: f32 = 24.0;
    pub const EMPTY_LANE_HEIGHT: f32 = 64.0;
    pub const STUB: f32 = 12.0;
}

/// Lays out `diagram` from its `analysis`: the drawn edges (and their back
/// edges) give the columns and rows, each node's kind its class, and what
/// an executable process adds around each node the room beside it.
pub fn layout(diagram: &Diagram, analysis: &Analysis) -> Layout {
    let drawing = &analysis.drawing;
    let layers = layering::layers(diagram, drawing);
    let grid = ordering::order(diagram, drawing, &layers);
    let boxes = sizes::measure(diagram);
    let plan = routing::plan(diagram, &grid);
    let geometry = coordinates::place(diagram, &grid, &boxes, &plan, drawing, &analysis.around);
    let ports = ports::assign(diagram, &geometry);
    let edges = routing::route(diagram, &geometry, &plan, &ports);
    let loops = loop_frames(diagram, &geometry.nodes);
    Layout {
        width: geometry.width,
        height: geometry.height,
        lanes: geometry.lanes,
        nodes: geometry.nodes,
        edges,
        loops,
    }
}

/// A dashed frame around each loop's members, with a tag naming it.
fn loop_frames(diagram: &Diagram, nodes: &[NodeBox]) -> Vec<LoopFrame> {
    const PAD: f32 = 10.0;
    diagram
        .loops()
        .iter()
        .enumerate()
        .filter_map(|(index, stmt)| {
            let mut members = stmt.members.iter().map(|m| nodes[m.index()].bounds);
            let first = members.next()?;
            let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.right(), first.bottom());
            for rect in members {
                x0 = x0.min(rect.x);
                y0 = y0.min(rect.y);
                x1 = x1.max(rect.right());
                y1 = y1.max(rect.bottom());
            }
            let tag = format!("loop [{}]", stmt.condition);
            let tag_width = text::width(&tag, metrics::EDGE_TEXT) + 12.0;
            let rect = Rect {
                x: x0 - PAD,
                y: y0 - PAD - 16.0,
                width: (x1 - x0 + 2.0 * PAD).max(tag_width),
                height: y1 - y0 + 2.0 * PAD + 16.0,
            };
            let tag_rect = Rect { x: rect.x, y: rect.y, width: tag_width, height: 16.0 };
            Some(LoopFrame { loop_index: index, rect, tag, tag_rect })
        })
        .collect()
}

/// A polyline without its repeated points and the points in the middle of
/// its straight runs: the form every drawn route (SVG and BPMN DI) takes.
pub fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for point in points {
        if out.last().is_some_and(|last| (last.x - point.x).abs() < 0.01 && (last.y - point.y).abs() < 0.01) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let collinear = ((a.x - b.x).abs() < 0.01 && (b.x - point.x).abs() < 0.01)
                || ((a.y - b.y).abs() < 0.01 && (b.y - point.y).abs() < 0.01);
            if collinear {
                out.pop();
            }
        }
        out.push(point);
    }
    out
}
