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

/// Things a chip must not cover. Boxes are filed by grid cell; lines, which
/// can be thousands of cells long, by the one row (or column) of cells they
/// run along, in order of where they start. Both are sorted lists searched
/// by halves: built once, they cost no allocation per cell.
struct Obstacles {
    /// Boxes: nodes and node labels outside their shape.
    boxes: Vec<Rect>,
    /// (cell, box) for every cell each box touches, in order.
    cells: Vec<((i32, i32), u32)>,
    /// Chips placed so far, by cell (few, and added one at a time).
    chips: Vec<Rect>,
    chip_cells: HashMap<(i32, i32), Vec<u32>>,
    /// Horizontal lines by row of cells, vertical ones by column.
    rows: Runs,
    columns: Runs,
}

/// Lines along one axis, filed by the band of cells they lie in: (band,
/// start, end, position across, the furthest end reached so far in the
/// band), in order of band and start, so the lines meeting a span are found
/// by binary search.
#[derive(Default)]
struct Runs {
    runs: Vec<(i32, f32, f32, f32, f32)>,
}

impl Runs {
    fn add(&mut self, across: f32, start: f32, end: f32) {
        self.runs.push(((across / CELL).floor() as i32, start.min(end), start.max(end), across, 0.0));
    }

    fn seal(&mut self) {
        self.runs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.total_cmp(&b.2)));
        let mut reach = (i32::MIN, f32::MIN);
        for run in &mut self.runs {
            if run.0 != reach.0 {
                reach = (run.0, f32::MIN);
            }
            reach.1 = reach.1.max(run.2);
            run.4 = reach.1;
        }
    }

    /// How many lines meet the box `[low, high]` along × `[from, to]` across.
    fn meeting(&self, low: f32, high: f32, from: f32, to: f32) -> usize {
        let mut count = 0;
        for band in (from / CELL).floor() as i32..=(to / CELL).floor() as i32 {
            let first = self.runs.partition_point(|run| run.0 < band);
            let last = self.runs.partition_point(|run| run.0 < band || (run.0 == band && run.1 <= high));
            for run in self.runs[first..last].iter().rev() {
                if run.4 < low {
                    break;
                }
                if run.2 >= low && run.3 >= from && run.3 <= to {
                    count += 1;
                }
            }
        }
        count
    }
}

fn cells_of(rect: &Rect) -> impl Iterator<Item = (i32, i32)> {
    let (x0, x1) = ((rect.x / CELL).floor() as i32, (rect.right() / CELL).floor() as i32);
    let (y0, y1) = ((rect.y / CELL).floor() as i32, (rect.bottom() / CELL).floor() as i32);
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

impl Obstacles {
    fn new(boxes: Vec<Rect>, paths: &[EdgePath]) -> Obstacles {
        let mut cells: Vec<((i32, i32), u32)> =
            boxes.iter().enumerate().flat_map(|(i, rect)| cells_of(rect).map(move |cell| (cell, i as u32))).collect();
        cells.sort_unstable();
        let (mut rows, mut columns) = (Runs::default(), Runs::default());
        for pair in paths.iter().flat_map(|path| path.points.windows(2)) {
            let (a, b) = (pair[0], pair[1]);
            if (a.y - b.y).abs() < 0.01 {
                rows.add(a.y, a.x, b.x);
            } else {
                columns.add(a.x, a.y, b.y);
            }
        }
        rows.seal();
        columns.seal();
        Obstacles { boxes, cells, chips: Vec::new(), chip_cells: HashMap::new(), rows, columns }
    }

    fn add_chip(&mut self, rect: Rect) {
        let index = self.chips.len() as u32;
        self.chips.push(rect);
        for cell in cells_of(&rect) {
            self.chip_cells.entry(cell).or_default().push(index);
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
        // A box in two of the chip's cells counts twice: only whether a
        // spot is clear, and which is least covered, matter.
        let mut covered = 0;
        for cell in cells_of(chip) {
            let first = self.cells.partition_point(|entry| entry.0 < cell);
            covered += self.cells[first..]
                .iter()
                .take_while(|entry| entry.0 == cell)
                .filter(|entry| self.boxes[entry.1 as usize].overlaps(chip))
                .count();
            covered += self
                .chip_cells
                .get(&cell)
                .into_iter()
                .flatten()
                .filter(|&&c| self.chips[c as usize].overlaps(chip))
                .count();
        }
        let (x0, x1, y0, y1) = (grown.x, grown.right(), grown.y, grown.bottom());
        covered + self.rows.meeting(x0, x1, y0, y1) + self.columns.meeting(y0, y1, x0, x1)
    }
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
    let mut boxes = Vec::with_capacity(nodes.len());
    for node in nodes {
        boxes.push(node.shape_rect);
        if node.label_place != LabelPlace::Inside && !node.lines.is_empty() {
            boxes.push(node.label_rect);
        }
    }
    let mut obstacles = Obstacles::new(boxes, paths);
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
        obstacles.add_chip(rect);
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
