//! Edge labels, placed once every line is drawn: a chip beside the start of
//! the edge's own line (where it leaves its handle, or, in a bundle, where
//! its branch leaves the trunk), at the first spot along it that covers no
//! line, no node, no node's label and no other chip. So no edge ever runs
//! across a label and no chip hides an arrowhead.

use std::collections::HashMap;

use super::{EdgeLabel, EdgePath, LabelPlace, NodeBox, Point, Rect};
use crate::model::Diagram;

/// Grid cells for finding what is near a chip, in px.
const CELL: f32 = 64.0;
/// Room kept between a chip and any line.
const CLEARANCE: f32 = 1.5;
/// Segments of an edge's own line tried, from its branch on.
const SEGMENTS_TRIED: usize = 4;

/// Things a chip must not cover, filed by grid cell.
struct Obstacles {
    /// Boxes: nodes, node labels outside their shape, chips placed so far.
    boxes: Vec<Rect>,
    segments: Vec<(Point, Point)>,
    cells: HashMap<(i32, i32), (Vec<usize>, Vec<usize>)>,
}

fn cells_of(rect: &Rect) -> impl Iterator<Item = (i32, i32)> {
    let (x0, x1) = ((rect.x / CELL).floor() as i32, (rect.right() / CELL).floor() as i32);
    let (y0, y1) = ((rect.y / CELL).floor() as i32, (rect.bottom() / CELL).floor() as i32);
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

fn segment_box(a: Point, b: Point) -> Rect {
    Rect { x: a.x.min(b.x), y: a.y.min(b.y), width: (a.x - b.x).abs(), height: (a.y - b.y).abs() }
}

impl Obstacles {
    fn add_box(&mut self, rect: Rect) {
        let index = self.boxes.len();
        self.boxes.push(rect);
        for cell in cells_of(&rect) {
            self.cells.entry(cell).or_default().0.push(index);
        }
    }

    fn add_segment(&mut self, a: Point, b: Point) {
        let index = self.segments.len();
        self.segments.push((a, b));
        for cell in cells_of(&segment_box(a, b)) {
            self.cells.entry(cell).or_default().1.push(index);
        }
    }

    /// How many things `chip` would cover.
    fn conflicts(&self, chip: &Rect) -> usize {
        let grown = Rect {
            x: chip.x - CLEARANCE,
            y: chip.y - CLEARANCE,
            width: chip.width + 2.0 * CLEARANCE,
            height: chip.height + 2.0 * CLEARANCE,
        };
        let mut boxes: Vec<usize> = Vec::new();
        let mut segments: Vec<usize> = Vec::new();
        for cell in cells_of(&grown) {
            if let Some((b, s)) = self.cells.get(&cell) {
                boxes.extend(b);
                segments.extend(s);
            }
        }
        boxes.sort_unstable();
        boxes.dedup();
        segments.sort_unstable();
        segments.dedup();
        let covered_boxes = boxes.iter().filter(|&&b| self.boxes[b].overlaps(chip)).count();
        let crossed = segments.iter().filter(|&&s| touches(&grown, self.segments[s].0, self.segments[s].1)).count();
        covered_boxes + crossed
    }
}

/// Whether the axis-parallel segment `a`-`b` meets `rect`.
fn touches(rect: &Rect, a: Point, b: Point) -> bool {
    let span = segment_box(a, b);
    span.x <= rect.right() && rect.x <= span.right() && span.y <= rect.bottom() && rect.y <= span.bottom()
}

/// Where two or more edges of one bundle run along one line: per line
/// (vertical or not, and its coordinate in tenths), the stretches covered
/// twice or more, in order.
struct Trunks {
    shared: HashMap<(bool, i64), Vec<(f32, f32)>>,
}

impl Trunks {
    /// The trunks of the bundles, each given as its members' indices.
    fn new(paths: &[EdgePath], bundles: &[Vec<usize>]) -> Trunks {
        let mut shared: HashMap<(bool, i64), Vec<(f32, f32)>> = HashMap::new();
        for members in bundles {
            let mut lines: HashMap<(bool, i64), Vec<(f32, f32)>> = HashMap::new();
            for &m in members {
                for pair in paths[m].points.windows(2) {
                    let (a, b) = (pair[0], pair[1]);
                    let (key, low, high) = if (a.x - b.x).abs() < 0.01 {
                        ((true, (a.x * 10.0).round() as i64), a.y.min(b.y), a.y.max(b.y))
                    } else {
                        ((false, (a.y * 10.0).round() as i64), a.x.min(b.x), a.x.max(b.x))
                    };
                    lines.entry(key).or_default().push((low, high));
                }
            }
            // A sweep over each line's pieces: where two or more overlap.
            for (key, mut pieces) in lines {
                pieces.sort_by(|p, q| p.0.total_cmp(&q.0));
                let mut reach = f32::MIN;
                for (low, high) in pieces {
                    if low < reach - 0.5 {
                        shared.entry(key).or_default().push((low, high.min(reach)));
                    }
                    reach = reach.max(high);
                }
            }
        }
        for stretches in shared.values_mut() {
            stretches.sort_by(|p, q| p.0.total_cmp(&q.0));
        }
        Trunks { shared }
    }

    /// Whether segment `a`-`b` runs along a trunk.
    fn carries(&self, a: Point, b: Point) -> bool {
        let (key, low, high) = if (a.x - b.x).abs() < 0.01 {
            ((true, (a.x * 10.0).round() as i64), a.y.min(b.y), a.y.max(b.y))
        } else {
            ((false, (a.y * 10.0).round() as i64), a.x.min(b.x), a.x.max(b.x))
        };
        self.shared.get(&key).is_some_and(|stretches| {
            let first = stretches.partition_point(|s| s.1 <= low + 0.5);
            stretches[first..].iter().take_while(|s| s.0 < high - 0.5).any(|s| s.0.max(low) + 0.5 < s.1.min(high))
        })
    }
}

/// Places the chip of every labelled edge of `paths`; `bundles` are the
/// trunks' members, whose shared lines a chip keeps off.
pub fn place(diagram: &Diagram, nodes: &[NodeBox], paths: &mut [EdgePath], bundles: &[Vec<usize>]) {
    let trunks = Trunks::new(paths, bundles);
    let mut obstacles = Obstacles { boxes: Vec::new(), segments: Vec::new(), cells: HashMap::new() };
    for node in nodes {
        obstacles.add_box(node.shape_rect);
        if node.label_place != LabelPlace::Inside && !node.lines.is_empty() {
            obstacles.add_box(node.label_rect);
        }
    }
    for path in paths.iter() {
        for pair in path.points.windows(2) {
            obstacles.add_segment(pair[0], pair[1]);
        }
    }
    for path in paths.iter_mut() {
        let Some(text) = diagram.edges().get(path.edge).and_then(|edge| edge.label.as_ref()) else { continue };
        let points = &path.points;
        // The branch: the first segment that is not on a trunk.
        let segments = points.len().saturating_sub(1);
        let branch = (0..segments).find(|&k| !trunks.carries(points[k], points[k + 1])).unwrap_or(0);
        let width = super::text::width(text, super::metrics::EDGE_TEXT) + 6.0;
        let height = super::metrics::EDGE_TEXT + 5.0;
        let mut best: Option<(usize, Rect)> = None;
        'search: for k in branch..(branch + SEGMENTS_TRIED).min(segments) {
            for chip in candidates(points[k], points[k + 1], width, height) {
                let conflicts = obstacles.conflicts(&chip);
                if best.is_none_or(|(fewest, _)| conflicts < fewest) {
                    best = Some((conflicts, chip));
                }
                if conflicts == 0 {
                    break 'search;
                }
            }
        }
        let fallback = || {
            let at = points.get(1).or(points.first()).copied().unwrap_or_default();
            Rect { x: at.x + 4.0, y: at.y - height - 1.0, width, height }
        };
        let rect = best.map_or_else(fallback, |(_, rect)| rect);
        obstacles.add_box(rect);
        path.label = Some(EdgeLabel { text: text.to_string(), rect });
    }
}

/// Spots for a chip beside segment `a`-`b`, nearest its start first, on
/// the side readers look first (above a horizontal line, right of a
/// vertical one), then the other side.
fn candidates(a: Point, b: Point, width: f32, height: f32) -> Vec<Rect> {
    const GAP: f32 = 3.0;
    const STEP: f32 = 10.0;
    let mut spots = Vec::new();
    let horizontal = (a.y - b.y).abs() < 0.01;
    let length = if horizontal { (b.x - a.x).abs() } else { (b.y - a.y).abs() };
    let room = if horizontal { length - width - 2.0 * GAP } else { length - height - 2.0 * GAP };
    let steps = if room <= 0.0 { 1 } else { 1 + (room / STEP) as usize };
    for step in 0..steps.min(24) {
        let offset = GAP + step as f32 * STEP;
        if horizontal {
            let x = if b.x >= a.x { a.x + offset } else { a.x - offset - width };
            spots.push(Rect { x, y: a.y - height - GAP, width, height });
            spots.push(Rect { x, y: a.y + GAP, width, height });
        } else {
            let y = if b.y >= a.y { a.y + offset } else { a.y - offset - height };
            spots.push(Rect { x: a.x + GAP, y, width, height });
            spots.push(Rect { x: a.x - GAP - width, y, width, height });
        }
    }
    spots
}
