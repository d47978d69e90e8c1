//! Swimlane layout: pure geometry from a diagram, one phase per file.
//!
//! Nodes sit in a grid: a column per layer (left to right along the flow) and
//! rows per lane (a lane grows rows when several of its nodes share a
//! column). Edges run only through the gaps between cells, each in a track of
//! its own, so by construction no edge passes through a node and no two edges
//! share a line. Phases: cycle breaking (the analysis' back edges) →
//! layering → ordering within lanes → sizes and coordinates → ports →
//! routing → edge labels → loop frames.

mod bundles;
mod coordinates;
mod labels;
mod layering;
mod ordering;
mod ports;
mod routing;
mod sizes;
pub mod text;
mod tracks;

use petgraph::graph::NodeIndex;

use crate::analysis::{Analysis, Kind};
use crate::model::{Diagram, LaneId, Shape, Side};

/// Up to three items held inline: an edge travels along at most three gaps,
/// and a vector per edge for so few was most of the routing's allocations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Few<T: Copy> {
    len: u8,
    items: [T; 3],
}

impl<T: Copy + Default> Few<T> {
    /// Nothing yet.
    pub(crate) fn new() -> Few<T> {
        Few { len: 0, items: [T::default(); 3] }
    }

    /// Adds `item`; past three items are dropped (no route has more).
    pub(crate) fn push(&mut self, item: T) {
        if let Some(slot) = self.items.get_mut(usize::from(self.len)) {
            *slot = item;
            self.len += 1;
        }
    }
}

impl<T: Copy> std::ops::Deref for Few<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.items[..usize::from(self.len)]
    }
}

impl<T: Copy> std::ops::DerefMut for Few<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items[..usize::from(self.len)]
    }
}

impl<T: Copy> IntoIterator for Few<T> {
    type Item = T;
    type IntoIter = std::iter::Take<std::array::IntoIter<T, 3>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter().take(usize::from(self.len))
    }
}

impl<'a, T: Copy> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Copy + Default> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Few<T> {
        let mut few = Few::new();
        for item in items {
            few.push(item);
        }
        few
    }
}

/// A point or size in SVG user units (px).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Distance from the left edge.
    pub x: f32,
    /// Distance from the top edge.
    pub y: f32,
}

/// An axis-aligned rectangle in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl Rect {
    /// The right edge.
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    /// The bottom edge.
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
    /// In the shape.
    Inside,
    /// Under the shape.
    Below,
    /// Over the shape.
    Above,
    /// Right of the shape.
    Right,
    /// Left of the shape.
    Left,
    /// Under the shape and right of its middle, clear of the bottom edges.
    BelowRight,
}

/// Where one node is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    /// The node.
    pub node: NodeIndex,
    /// Its shape.
    pub shape: Shape,
    /// The whole cell the node occupies: shape and label.
    pub bounds: Rect,
    /// The drawn shape (circle and diamond are smaller than their bounds).
    pub shape_rect: Rect,
    /// Where its label goes relative to the shape.
    pub label_place: LabelPlace,
    /// Label lines (taskbox: the title lines).
    pub lines: Vec<String>,
    /// Taskbox checklist items.
    pub items: Vec<String>,
    /// Where the label's text block starts (top-left).
    pub label_rect: Rect,
    /// The node's role in the process (start, end, task, decision, …).
    pub kind: Kind,
    /// Its lane.
    pub lane: LaneId,
    /// Its column (layer), left to right.
    pub column: usize,
    /// Row across the whole diagram (lanes stacked).
    pub row: usize,
}

/// One lane's horizontal band.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneBand {
    /// The lane.
    pub lane: LaneId,
    /// The whole band, header included.
    pub rect: Rect,
    /// The header strip with the display label.
    pub header: Rect,
    /// The display label's lines, read bottom to top, the first line
    /// nearest the band's left edge.
    pub label_lines: Vec<String>,
}

/// An edge label's chip.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLabel {
    /// The label.
    pub text: String,
    /// Where the chip is drawn.
    pub rect: Rect,
}

/// Where one edge is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    /// The edge, by its position in the diagram's edges.
    pub edge: usize,
    /// Orthogonal polyline from the source shape to the target shape.
    pub points: Vec<Point>,
    /// The side of the source it leaves.
    pub source_side: Side,
    /// The side of the target it enters.
    pub target_side: Side,
    /// Its label chip.
    pub label: Option<EdgeLabel>,
}

/// The frame drawn around a `loop` statement's members.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopFrame {
    /// The loop, by its position in the diagram's loops.
    pub loop_index: usize,
    /// The frame.
    pub rect: Rect,
    /// The tag text: `loop [condition]`.
    pub tag: String,
    /// Where the tag is drawn.
    pub tag_rect: Rect,
}

/// The whole swimlane picture as geometry: what SVG and BPMN DI are both written from.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Width of the picture.
    pub width: f32,
    /// Height of the picture.
    pub height: f32,
    /// The lane bands, top to bottom.
    pub lanes: Vec<LaneBand>,
    /// Every node, in diagram order.
    pub nodes: Vec<NodeBox>,
    /// Every edge, in diagram order.
    pub edges: Vec<EdgePath>,
    /// Every loop frame.
    pub loops: Vec<LoopFrame>,
}

/// Sizes every layout decision depends on, in px.
pub(crate) mod metrics {
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
}

/// Lays out `diagram` from its `analysis`: the drawn edges (and their back
/// edges) give the columns and rows, each node's kind its class, and what
/// an executable process adds around each node the room beside it.
pub fn layout(diagram: &Diagram, analysis: &Analysis) -> Layout {
    let drawing = &analysis.drawing;
    let layers = layering::layers(diagram, drawing);
    let boxes = sizes::measure(diagram);
    // The crossings a picture ends with depend on handles, bundles and
    // tracks as much as on the order of nodes, which no model of layers
    // sees; so on diagrams small enough, both orderings are drawn and the
    // one that crosses less is kept (ties: the sweeps).
    let orderings: &[ordering::Ordering] = if diagram.nodes().len() <= BOTH_ORDERINGS_UP_TO {
        &[ordering::Ordering::MedianSweeps, ordering::Ordering::Barycenter]
    } else {
        &[ordering::Ordering::Barycenter]
    };
    let mut best: Option<(usize, coordinates::Geometry, Vec<EdgePath>, routing::Plan)> = None;
    for &how in orderings {
        let grid = ordering::order(diagram, drawing, &layers, how);
        let plan = routing::plan(diagram, &grid);
        let geometry = coordinates::place(diagram, &grid, boxes.clone(), &plan, drawing, &analysis.around);
        let ports = ports::assign(diagram, &geometry, &plan);
        let edges = routing::route(diagram, &geometry, &plan, &ports);
        let crossings = if orderings.len() > 1 { crossings(&edges) } else { 0 };
        if best.as_ref().is_none_or(|(fewest, ..)| crossings < *fewest) {
            best = Some((crossings, geometry, edges, plan));
        }
    }
    let Some((_, geometry, mut edges, plan)) = best else {
        return Layout {
            width: 0.0,
            height: 0.0,
            lanes: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            loops: Vec::new(),
        };
    };
    labels::place(diagram, &geometry.nodes, &mut edges, &bundles(diagram, &plan));
    let loops = loop_frames(diagram, &geometry.nodes, &edges);
    Layout {
        width: geometry.width,
        height: geometry.height,
        lanes: geometry.lanes,
        nodes: geometry.nodes,
        edges,
        loops,
    }
}

/// Diagrams up to this many nodes (most that people draw) are laid out with
/// both orderings; past it the second layout costs more than it finds.
const BOTH_ORDERINGS_UP_TO: usize = 500;

/// How many times a horizontal and a vertical segment of two different
/// edges cross inside both.
fn crossings(edges: &[EdgePath]) -> usize {
    let mut horizontal: Vec<(f32, f32, f32, usize)> = Vec::new();
    let mut vertical: Vec<(f32, f32, f32, usize)> = Vec::new();
    for (index, path) in edges.iter().enumerate() {
        for pair in path.points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if (a.y - b.y).abs() < 0.01 {
                horizontal.push((a.y, a.x.min(b.x), a.x.max(b.x), index));
            } else if (a.x - b.x).abs() < 0.01 {
                vertical.push((a.x, a.y.min(b.y), a.y.max(b.y), index));
            }
        }
    }
    horizontal.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut total = 0;
    for &(x, y0, y1, index) in &vertical {
        let first = horizontal.partition_point(|h| h.0 <= y0 + 0.5);
        for &(_, x0, x1, other) in horizontal[first..].iter().take_while(|h| h.0 < y1 - 0.5) {
            if other != index && x > x0 + 0.5 && x < x1 - 0.5 {
                total += 1;
            }
        }
    }
    total
}

/// The members of every bundle: the edges leaving by one shared port, and
/// those entering by one.
fn bundles(diagram: &Diagram, plan: &routing::Plan) -> Vec<Vec<usize>> {
    let mut ports: Vec<(usize, Side, bool, usize)> = Vec::new();
    for (e, edge) in diagram.edges().iter().enumerate() {
        if plan.shares_source[e] {
            ports.push((edge.source.index(), edge.source_handle, true, e));
        }
        if plan.shares_target[e] {
            ports.push((edge.target.index(), edge.target_handle, false, e));
        }
    }
    ports.sort_unstable();
    ports.chunk_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)).map(|group| group.iter().map(|p| p.3).collect()).collect()
}

/// A dashed frame around each loop's members and the edges between them
/// (a retry edge routed round the outside of the last member would
/// otherwise leave the frame and come back in), with a tag naming it.
fn loop_frames(diagram: &Diagram, nodes: &[NodeBox], edges: &[EdgePath]) -> Vec<LoopFrame> {
    const PAD: f32 = 10.0;
    let point = |p: &Point| Rect { x: p.x, y: p.y, width: 0.0, height: 0.0 };
    let overlaps = |a: &Rect, b: &Rect| a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
    // What a tab must stay clear of besides edges: nodes, their labels,
    // edge label chips, and the tabs placed before it.
    let mut taken: Vec<Rect> = nodes.iter().flat_map(|node| [node.shape_rect, node.label_rect]).collect();
    taken.extend(edges.iter().filter_map(|path| path.label.as_ref().map(|label| label.rect)));
    diagram
        .loops()
        .iter()
        .enumerate()
        .filter_map(|(index, stmt)| {
            let is_member = |node: NodeIndex| stmt.members.contains(&node);
            let inner_edges = edges.iter().filter(|path| {
                let edge = &diagram.edges()[path.edge];
                is_member(edge.source) && is_member(edge.target)
            });
            let routes =
                inner_edges.flat_map(|path| path.points.iter().map(point).chain(path.label.iter().map(|l| l.rect)));
            let mut members = stmt.members.iter().map(|m| nodes[m.index()].bounds).chain(routes);
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
            // The tab goes in the first corner no edge runs through (an
            // edge into the first member often comes down through the
            // top-left one), or else along the top or bottom edge.
            let mut rect = rect;
            let slack = (rect.width - tag_width).max(0.0);
            let along: Vec<f32> = [0.0, 1.0].into_iter().chain((1..16).map(|step| step as f32 / 16.0)).collect();
            let free = |y: f32| {
                along.iter().map(|share| Rect { x: rect.x + share * slack, y, width: tag_width, height: 16.0 }).find(
                    |tab| {
                        !edges.iter().any(|path| runs_through(&path.points, tab))
                            && !taken.iter().any(|other| overlaps(other, tab))
                    },
                )
            };
            // Failing that, a strip of its own below the frame's routes.
            let tag_rect = match free(rect.y).or_else(|| free(rect.bottom() - 16.0)) {
                Some(tab) => tab,
                None => {
                    rect.height += 18.0;
                    free(rect.bottom() - 16.0).unwrap_or(Rect { x: rect.x, y: rect.y, width: tag_width, height: 16.0 })
                }
            };
            taken.push(tag_rect);
            Some(LoopFrame { loop_index: index, rect, tag, tag_rect })
        })
        .collect()
}

/// Whether the orthogonal polyline `points` runs through the inside of `area`.
fn runs_through(points: &[Point], area: &Rect) -> bool {
    points.windows(2).any(|pair| {
        let (a, b) = (pair[0], pair[1]);
        let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
        let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
        x0 < area.right() && x1 > area.x && y0 < area.bottom() && y1 > area.y
    })
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
