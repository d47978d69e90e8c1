//! Diagram interchange: where each BPMN element and flow is drawn. Nodes,
//! lanes and edge routes are the swimlane layout's own geometry (what the SVG
//! shows); the gateways and events the compiler adds sit beside the node
//! they belong to, in the free space of the gap, and the routes of the edges
//! they take over are re-attached to them.

use std::collections::HashMap;

use super::{ElementKind, Origin, Process};
use crate::layout::{LabelPlace, Layout, Point, Rect};
use crate::model::Side;

/// Gateways and events the compiler adds.
const ADDED: f32 = 30.0;
const SMALLEST: f32 = 14.0;
/// Between a node and what is added beside it.
const PAD: f32 = 8.0;
/// The band at a pool's left where modelers write its name.
pub const POOL_BAND: f32 = 30.0;

/// Where one BPMN element is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeDi {
    /// The element's shape.
    pub bounds: Rect,
    /// Its label, when it is drawn apart from the shape.
    pub label: Option<Rect>,
}

/// Where one sequence flow is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeDi {
    /// The route, from the source's border to the target's.
    pub waypoints: Vec<Point>,
    /// Its label.
    pub label: Option<Rect>,
}

/// The BPMN diagram interchange of a process: the layout's geometry, with what the compiler added
/// placed beside its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Di {
    /// The pool.
    pub participant: Rect,
    /// Each lane's band, in the order of the process' lanes.
    pub lanes: Vec<Rect>,
    /// Each element's shape, in the order of the process' elements.
    pub shapes: Vec<ShapeDi>,
    /// Each flow's route, in the order of the process' flows.
    pub edges: Vec<EdgeDi>,
}

/// Places `process` on `layout`: the diagram's nodes where the SVG draws them, added gateways and
/// events in the gaps beside their nodes.
pub fn place(process: &Process, layout: &Layout) -> Di {
    let index = Bands::new(layout);
    let shapes = shapes(process, layout, &index);
    let edges = process
        .flows
        .iter()
        .map(|flow| {
            let source = &process.elements[flow.source];
            let target = &process.elements[flow.target];
            let (from, to) = (shapes[flow.source].bounds, shapes[flow.target].bounds);
            let paths: Vec<_> =
                flow.route.iter().filter_map(|&edge| layout.edges.get(edge).filter(|path| path.edge == edge)).collect();
            match paths.first() {
                Some(first) if paths.len() == flow.route.len() => {
                    // A flow read through several drawn edges (a reply and
                    // what followed the request) leaves as the first one
                    // does and arrives as the last one does, one bend between.
                    let mut points = match paths.last() {
                        Some(last) if paths.len() > 1 => bridge(&first.points, &last.points, layout, &index),
                        _ => first.points.clone(),
                    };
                    if !matches!(source.origin, Origin::Node(_)) {
                        points = reattach_start(&points, from, Side::Right);
                    }
                    if !matches!(target.origin, Origin::Node(_)) {
                        points.reverse();
                        points = reattach_start(&points, to, Side::Left);
                        points.reverse();
                    }
                    EdgeDi {
                        waypoints: crate::layout::simplify(points),
                        label: first.label.as_ref().map(|label| label.rect),
                    }
                }
                _ => EdgeDi { waypoints: crate::layout::simplify(connect(from, to)), label: None },
            }
        })
        .collect();
    let lanes: Vec<Rect> = layout
        .lanes
        .iter()
        .map(|band| Rect {
            x: band.rect.x + POOL_BAND,
            y: band.rect.y,
            width: band.rect.width - POOL_BAND,
            height: band.rect.height,
        })
        .collect();
    let participant = match (layout.lanes.first(), layout.lanes.last()) {
        (Some(first), Some(last)) => Rect {
            x: first.rect.x,
            y: first.rect.y,
            width: first.rect.width,
            height: last.rect.bottom() - first.rect.y,
        },
        _ => Rect { x: 0.0, y: 0.0, width: layout.width.max(280.0), height: layout.height.max(120.0) },
    };
    Di { participant, lanes, shapes, edges }
}

fn shapes(process: &Process, layout: &Layout, index: &Bands) -> Vec<ShapeDi> {
    let mut shapes: Vec<ShapeDi> = Vec::with_capacity(process.elements.len());
    // Added elements on each node's left and right, to share a gap fairly
    // with a neighbour that also needs room there.
    let mut needs_left = vec![false; layout.nodes.len()];
    let mut needs_right = vec![false; layout.nodes.len()];
    for element in &process.elements {
        match element.origin {
            Origin::Join(n) | Origin::SlotMerge(n, _) | Origin::ImplicitStart(n) | Origin::EntryChoice(n) => {
                needs_left[n.index()] = true
            }
            Origin::Fork(n) | Origin::Choice(n) | Origin::ImplicitEnd(n) => needs_right[n.index()] = true,
            Origin::Node(_) | Origin::Empty(_) => {}
        }
    }
    let mut entry_choice = vec![false; layout.nodes.len()];
    for element in &process.elements {
        if let Origin::EntryChoice(n) = element.origin {
            entry_choice[n.index()] = true;
        }
    }
    let mut joins: Vec<Option<Rect>> = vec![None; layout.nodes.len()];
    let mut merges_placed = vec![0usize; layout.nodes.len()];
    let merges_total = {
        let mut totals = vec![0usize; layout.nodes.len()];
        for element in &process.elements {
            if let Origin::SlotMerge(n, _) = element.origin {
                totals[n.index()] += 1;
            }
        }
        totals
    };
    for element in &process.elements {
        let shape = match element.origin {
            Origin::Node(n) => {
                let node = &layout.nodes[n.index()];
                let label = (element.kind != ElementKind::UserTask && node.label_place != LabelPlace::Inside)
                    .then_some(node.label_rect)
                    .filter(|rect| rect.width > 0.0 && rect.height > 0.0);
                ShapeDi { bounds: node.shape_rect, label }
            }
            Origin::Fork(n) | Origin::Choice(n) | Origin::ImplicitEnd(n) => {
                let bounds = beside(layout, index, n.index(), Side::Right, 1, &needs_left, &needs_right);
                ShapeDi { bounds, label: None }
            }
            Origin::ImplicitStart(n) if entry_choice[n.index()] => {
                // Left of the choice between starts, which stands by the node.
                let choice = beside(layout, index, n.index(), Side::Left, 2, &needs_left, &needs_right);
                let size = choice.width;
                ShapeDi {
                    bounds: Rect { x: choice.x - PAD - size, y: choice.y, width: size, height: size },
                    label: None,
                }
            }
            Origin::EntryChoice(n) => ShapeDi {
                bounds: beside(layout, index, n.index(), Side::Left, 2, &needs_left, &needs_right),
                label: None,
            },
            Origin::Empty(k) => {
                let x = 80.0 + 120.0 * f32::from(k);
                ShapeDi { bounds: Rect { x, y: 42.0, width: 36.0, height: 36.0 }, label: None }
            }
            Origin::Join(n) | Origin::ImplicitStart(n) => {
                // A nested join's slot merges stand left of it: room for two.
                let chain = if merges_total[n.index()] > 0 { 2 } else { 1 };
                let bounds = beside(layout, index, n.index(), Side::Left, chain, &needs_left, &needs_right);
                if matches!(element.origin, Origin::Join(_)) {
                    joins[n.index()] = Some(bounds);
                }
                ShapeDi { bounds, label: None }
            }
            Origin::SlotMerge(n, _) => {
                let join = joins[n.index()]
                    .unwrap_or_else(|| beside(layout, index, n.index(), Side::Left, 2, &needs_left, &needs_right));
                let size = join.width;
                let k = merges_placed[n.index()] as f32;
                let total = merges_total[n.index()] as f32;
                merges_placed[n.index()] += 1;
                let cy = join.y + join.height / 2.0 + (k - (total - 1.0) / 2.0) * (size + PAD);
                ShapeDi {
                    bounds: Rect { x: join.x - PAD - size, y: cy - size / 2.0, width: size, height: size },
                    label: None,
                }
            }
        };
        shapes.push(shape);
    }
    shapes
}

/// The square beside node `n`'s shape on `side`, as large as the free room
/// up to the next node in that direction allows (half of it when that
/// node also needs room on its facing side), shared by a `chain` of squares.
fn beside(
    layout: &Layout,
    index: &Bands,
    n: usize,
    side: Side,
    chain: usize,
    needs_left: &[bool],
    needs_right: &[bool],
) -> Rect {
    let node = &layout.nodes[n];
    let shape = node.shape_rect;
    let cy = shape.y + shape.height / 2.0;
    let (top, bottom) = (cy - ADDED / 2.0, cy + ADDED / 2.0);
    let across = |rect: &Rect| rect.y < bottom && top < rect.bottom();
    let nodes = &layout.nodes;
    let room = match side {
        Side::Right => {
            let start = shape.right();
            let mut end = layout.width;
            for band in band_of(top)..=band_of(bottom) {
                let Some(list) = index.by_x.get(&band) else { continue };
                let from = list.partition_point(|&m| nodes[m].bounds.x < start);
                for &m in &list[from..] {
                    let other = nodes[m].bounds;
                    // Limits only grow with x from here on.
                    if (start + other.x) / 2.0 >= end {
                        break;
                    }
                    if m != n && across(&other) {
                        let limit = if needs_left[m] { (start + other.x) / 2.0 } else { other.x };
                        end = end.min(limit);
                    }
                }
            }
            end - start
        }
        _ => {
            let start = shape.x;
            let mut end = 0.0f32;
            for band in band_of(top)..=band_of(bottom) {
                let Some(list) = index.by_right.get(&band) else { continue };
                let upto = list.partition_point(|&m| nodes[m].bounds.right() <= start);
                for &m in list[..upto].iter().rev() {
                    let other = nodes[m].bounds;
                    if other.right() <= end {
                        break;
                    }
                    if m != n && across(&other) {
                        let limit = if needs_right[m] { (start + other.right()) / 2.0 } else { other.right() };
                        end = end.max(limit);
                    }
                }
            }
            start - end
        }
    };
    let chain = chain as f32;
    let size = ((room - (chain + 1.0) * PAD) / chain).clamp(SMALLEST, ADDED);
    let x = match side {
        Side::Right => shape.right() + PAD,
        _ => shape.x - PAD - size,
    };
    Rect { x, y: cy - size / 2.0, width: size, height: size }
}

/// The start of route `from` (its first stretch) joined to the end of route
/// `to` (its last stretch) by one bend, on whichever side crosses fewer nodes.
fn bridge(from: &[Point], to: &[Point], layout: &Layout, index: &Bands) -> Vec<Point> {
    let (Some(&a0), Some(&b0)) = (from.first(), to.last()) else { return from.to_vec() };
    let a1 = from.get(1).copied().unwrap_or(a0);
    let b1 = to.len().checked_sub(2).and_then(|i| to.get(i)).copied().unwrap_or(b0);
    let crossings =
        |points: &[Point]| points.windows(2).map(|pair| index.crossed(layout, pair[0], pair[1])).sum::<usize>();
    let across = vec![a0, a1, Point { x: a1.x, y: b1.y }, b1, b0];
    let along = vec![a0, a1, Point { x: b1.x, y: a1.y }, b1, b0];
    if crossings(&along) < crossings(&across) {
        along
    } else {
        across
    }
}

/// Nodes by horizontal and vertical bands, so a question about a node's
/// neighbourhood looks at its band, not at every node of the diagram.
struct Bands {
    /// Band → the nodes whose bounds reach into it, by left edge.
    by_x: HashMap<i64, Vec<usize>>,
    /// The same, by right edge.
    by_right: HashMap<i64, Vec<usize>>,
    /// Column band → the nodes whose bounds reach into it, by top edge.
    by_y: HashMap<i64, Vec<usize>>,
    widest: f32,
    tallest: f32,
}

const BAND: f32 = 32.0;

fn band_of(at: f32) -> i64 {
    (at / BAND).floor() as i64
}

impl Bands {
    fn new(layout: &Layout) -> Bands {
        let mut bands =
            Bands { by_x: HashMap::new(), by_right: HashMap::new(), by_y: HashMap::new(), widest: 0.0, tallest: 0.0 };
        for (m, node) in layout.nodes.iter().enumerate() {
            let r = node.bounds;
            bands.widest = bands.widest.max(r.width);
            bands.tallest = bands.tallest.max(r.height);
            for band in band_of(r.y)..=band_of(r.bottom()) {
                bands.by_x.entry(band).or_default().push(m);
            }
            for band in band_of(r.x)..=band_of(r.right()) {
                bands.by_y.entry(band).or_default().push(m);
            }
        }
        let nodes = &layout.nodes;
        for list in bands.by_x.values_mut() {
            list.sort_by(|&a, &b| nodes[a].bounds.x.total_cmp(&nodes[b].bounds.x).then(a.cmp(&b)));
        }
        bands.by_right = bands.by_x.clone();
        for list in bands.by_right.values_mut() {
            list.sort_by(|&a, &b| nodes[a].bounds.right().total_cmp(&nodes[b].bounds.right()).then(a.cmp(&b)));
        }
        for list in bands.by_y.values_mut() {
            list.sort_by(|&a, &b| nodes[a].bounds.y.total_cmp(&nodes[b].bounds.y).then(a.cmp(&b)));
        }
        bands
    }

    /// How many node shapes the straight stretch from `a` to `b` crosses.
    fn crossed(&self, layout: &Layout, a: Point, b: Point) -> usize {
        let (lo_x, hi_x) = (a.x.min(b.x), a.x.max(b.x));
        let (lo_y, hi_y) = (a.y.min(b.y), a.y.max(b.y));
        let hits = |m: &usize| {
            let r = layout.nodes[*m].shape_rect;
            lo_x < r.right() - 1.0 && hi_x > r.x + 1.0 && lo_y < r.bottom() - 1.0 && hi_y > r.y + 1.0
        };
        let nodes = &layout.nodes;
        // An orthogonal stretch lies in one band of one of the two indexes.
        if hi_x - lo_x <= hi_y - lo_y {
            let Some(list) = self.by_y.get(&band_of(lo_x)) else { return 0 };
            let from = list.partition_point(|&m| nodes[m].bounds.y < lo_y - self.tallest);
            list[from..].iter().take_while(|&&m| nodes[m].bounds.y < hi_y).filter(|m| hits(m)).count()
        } else {
            let Some(list) = self.by_x.get(&band_of(lo_y)) else { return 0 };
            let from = list.partition_point(|&m| nodes[m].bounds.x < lo_x - self.widest);
            list[from..].iter().take_while(|&&m| nodes[m].bounds.x < hi_x).filter(|m| hits(m)).count()
        }
    }
}

fn centre(rect: Rect) -> Point {
    Point { x: rect.x + rect.width / 2.0, y: rect.y + rect.height / 2.0 }
}

/// The vertex of a gateway (or the point of an event) facing `side`.
fn vertex(rect: Rect, side: Side) -> Point {
    let c = centre(rect);
    match side {
        Side::Left => Point { x: rect.x, y: c.y },
        Side::Right => Point { x: rect.right(), y: c.y },
        Side::Top => Point { x: c.x, y: rect.y },
        Side::Bottom => Point { x: c.x, y: rect.bottom() },
    }
}

/// A route that left a node, made to leave the element `from` added on the
/// node's `toward` side instead: the route is picked up at its first point
/// past the element, and the element's vertex facing that point joins it
/// with one or two bends. (A route into a join is handled reversed.)
fn reattach_start(points: &[Point], from: Rect, toward: Side) -> Vec<Point> {
    let Some(&last) = points.last() else { return Vec::new() };
    let beyond = |p: &Point| match toward {
        Side::Left => p.x < from.x - 0.5,
        _ => p.x > from.right() + 0.5,
    };
    let pick = points.iter().skip(1).position(beyond).map_or(points.len() - 1, |k| k + 1);
    let rest = &points[pick.min(points.len() - 1)..];
    let target = rest.first().copied().unwrap_or(last);
    let c = centre(from);
    let mut out = Vec::with_capacity(rest.len() + 3);
    if target.y > from.y && target.y < from.bottom() {
        let start = vertex(from, toward);
        out.push(start);
        if (target.y - start.y).abs() > 0.5 {
            let mid = (start.x + target.x) / 2.0;
            out.push(Point { x: mid, y: start.y });
            out.push(Point { x: mid, y: target.y });
        }
    } else {
        out.push(vertex(from, vertical_toward(c, target)));
        out.push(Point { x: c.x, y: target.y });
    }
    out.extend_from_slice(rest);
    out
}

fn vertical_toward(from: Point, to: Point) -> Side {
    if to.y < from.y {
        Side::Top
    } else {
        Side::Bottom
    }
}

/// A flow between two elements the compiler placed side by side.
fn connect(from: Rect, to: Rect) -> Vec<Point> {
    let (a, b) = (centre(from), centre(to));
    if to.x >= from.right() {
        let (start, end) = (vertex(from, Side::Right), vertex(to, Side::Left));
        if (start.y - end.y).abs() < 0.5 {
            return vec![start, end];
        }
        let mid = (start.x + end.x) / 2.0;
        return vec![start, Point { x: mid, y: start.y }, Point { x: mid, y: end.y }, end];
    }
    if to.right() <= from.x {
        return vec![vertex(from, Side::Left), vertex(to, Side::Right)];
    }
    let side = vertical_toward(a, b);
    let opposite = if side == Side::Top { Side::Bottom } else { Side::Top };
    vec![vertex(from, side), vertex(to, opposite)]
}
