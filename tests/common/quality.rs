//! The picture, measured: one checker for flowzap's SVG and Graphviz's, so
//! both drawings of a diagram are judged by the same rules. It reads the
//! geometry back from the SVG (node shapes, edge polylines, label boxes),
//! then counts what readers complain about: edges crossing, edges through
//! nodes, edges over labels, nodes on nodes, two edges on one line, bends,
//! and the room the picture takes. Used by tests/render.rs and by
//! `examples/svg_quality.rs` (scripts/bench-vs-dot).
#![allow(dead_code)]

use std::collections::HashMap;

/// An axis-parallel box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    pub fn shrunk(&self, by: f64) -> Rect {
        Rect { x: self.x + by, y: self.y + by, w: (self.w - 2.0 * by).max(0.0), h: (self.h - 2.0 * by).max(0.0) }
    }

    /// Whether the segment from `a` to `b` passes through the interior.
    pub fn crossed_by(&self, a: Point, b: Point) -> bool {
        if self.w <= 0.0 || self.h <= 0.0 {
            return false;
        }
        // Liang-Barsky clipping: some part of the segment lies strictly inside.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let mut low: f64 = 0.0;
        let mut high: f64 = 1.0;
        for (p, q) in
            [(-dx, a.0 - self.x), (dx, self.x + self.w - a.0), (-dy, a.1 - self.y), (dy, self.y + self.h - a.1)]
        {
            if p.abs() < 1e-12 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    low = low.max(t);
                } else {
                    high = high.min(t);
                }
            }
        }
        high - low > 1e-9
    }
}

pub type Point = (f64, f64);

/// One drawn edge.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub from: String,
    pub to: String,
    /// The handles it leaves and enters by, where the drawing says.
    pub from_handle: Option<String>,
    pub to_handle: Option<String>,
    pub points: Vec<Point>,
}

/// A drawing read back from SVG.
#[derive(Debug, Clone, Default)]
pub struct Drawing {
    pub width: f64,
    pub height: f64,
    /// Node id and the drawn shape's bounding box.
    pub nodes: Vec<(String, Rect)>,
    /// What owns each label (`node n3`, `edge 4`, `lane ops`) and its box.
    pub labels: Vec<(String, Rect)>,
    pub lines: Vec<Line>,
    /// Lane id and band, with the node ids drawn in it.
    pub lanes: Vec<(String, Rect)>,
    pub node_lane: HashMap<String, String>,
}

/// What the checker found.
#[derive(Debug, Default, Clone)]
pub struct Metrics {
    pub nodes: usize,
    pub edges: usize,
    pub crossings: usize,
    pub edges_through_nodes: Vec<String>,
    pub edges_over_labels: Vec<String>,
    pub node_overlaps: Vec<String>,
    pub labels_on_labels: Vec<String>,
    pub outside_lane: Vec<String>,
    pub wrong_sides: Vec<String>,
    pub shared_lines: Vec<String>,
    /// Total turning of every edge, in right angles.
    pub bends: f64,
    pub area: f64,
    pub aspect: f64,
}

fn attr(node: &roxmltree::Node, name: &str) -> f64 {
    node.attribute(name).and_then(|v| v.trim_end_matches("pt").trim_end_matches("px").parse().ok()).unwrap_or(0.0)
}

fn class_is(node: &roxmltree::Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
        .filter_map(|v| v.parse().ok())
        .collect()
}

fn bounds(points: &[Point]) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if points.is_empty() {
        return Rect { x: 0.0, y: 0.0, w: 0.0, h: 0.0 };
    }
    Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}

fn pairs(values: &[f64]) -> Vec<Point> {
    values.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect()
}

/// The box a line of text takes, from its anchor point.
fn text_box(x: f64, baseline: f64, text: &str, size: f64, anchor: &str) -> Rect {
    let width = f64::from(flowzap::layout::text::width(text, size as f32));
    let left = match anchor {
        "middle" => x - width / 2.0,
        "end" => x - width,
        _ => x,
    };
    Rect { x: left, y: baseline - size * 0.8, w: width, h: size }
}

fn shape_box(shape: &roxmltree::Node) -> Option<Rect> {
    match shape.tag_name().name() {
        "rect" => {
            Some(Rect { x: attr(shape, "x"), y: attr(shape, "y"), w: attr(shape, "width"), h: attr(shape, "height") })
        }
        "circle" => {
            let r = attr(shape, "r");
            Some(Rect { x: attr(shape, "cx") - r, y: attr(shape, "cy") - r, w: 2.0 * r, h: 2.0 * r })
        }
        "ellipse" => {
            let (rx, ry) = (attr(shape, "rx"), attr(shape, "ry"));
            Some(Rect { x: attr(shape, "cx") - rx, y: attr(shape, "cy") - ry, w: 2.0 * rx, h: 2.0 * ry })
        }
        "polygon" => Some(bounds(&pairs(&numbers(shape.attribute("points")?)))),
        "path" => Some(bounds(&pairs(&numbers(shape.attribute("d")?)))),
        _ => None,
    }
}

/// Polyline of a flowzap edge path: `M`/`L` points and the control point of
/// each `Q` (the corner the curve rounds).
fn flowzap_path(d: &str) -> Vec<Point> {
    let mut values = numbers(d).into_iter();
    let mut points = Vec::new();
    for command in d.chars().filter(|c| c.is_ascii_alphabetic()) {
        match command {
            'M' | 'L' => {
                if let (Some(x), Some(y)) = (values.next(), values.next()) {
                    points.push((x, y));
                }
            }
            'Q' => {
                if let (Some(cx), Some(cy), Some(_), Some(_)) =
                    (values.next(), values.next(), values.next(), values.next())
                {
                    points.push((cx, cy));
                }
            }
            _ => {}
        }
    }
    points
}

/// Polyline of a Graphviz edge path (`M` then cubic `C` segments), each
/// curve flattened into eight pieces.
fn dot_path(d: &str) -> Vec<Point> {
    let mut points: Vec<Point> = Vec::new();
    let mut command = ' ';
    let mut pending: Vec<f64> = Vec::new();
    let flush = |command: char, pending: &mut Vec<f64>, points: &mut Vec<Point>| match command {
        'M' | 'L' => {
            points.extend(pairs(pending));
            pending.clear();
        }
        'C' => {
            while pending.len() >= 6 {
                let start = points.last().copied().unwrap_or((pending[0], pending[1]));
                let (c1, c2, end) = ((pending[0], pending[1]), (pending[2], pending[3]), (pending[4], pending[5]));
                for k in 1..=8 {
                    let t = f64::from(k) / 8.0;
                    let u = 1.0 - t;
                    let x = u * u * u * start.0 + 3.0 * u * u * t * c1.0 + 3.0 * u * t * t * c2.0 + t * t * t * end.0;
                    let y = u * u * u * start.1 + 3.0 * u * u * t * c1.1 + 3.0 * u * t * t * c2.1 + t * t * t * end.1;
                    points.push((x, y));
                }
                pending.drain(..6);
            }
        }
        _ => pending.clear(),
    };
    let mut number = String::new();
    for c in d.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' {
            if c == '-' && !number.is_empty() {
                pending.extend(number.parse::<f64>().ok());
                number.clear();
            }
            number.push(c);
            continue;
        }
        if !number.is_empty() {
            pending.extend(number.parse::<f64>().ok());
            number.clear();
        }
        if c.is_ascii_alphabetic() {
            flush(command, &mut pending, &mut points);
            command = c.to_ascii_uppercase();
        }
    }
    flush(command, &mut pending, &mut points);
    points.dedup();
    points
}

fn root_size(document: &roxmltree::Document) -> (f64, f64) {
    let root = document.root_element();
    match root.attribute("viewBox").map(numbers) {
        Some(view) if view.len() == 4 => (view[2], view[3]),
        _ => (attr(&root, "width"), attr(&root, "height")),
    }
}

/// Reads a picture flowzap drew.
pub fn read_flowzap(svg: &str) -> Drawing {
    let document = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let (width, height) = root_size(&document);
    let mut drawing = Drawing { width, height, ..Drawing::default() };
    for group in document.descendants().filter(|n| class_is(n, "lane")) {
        let id = group.attribute("data-lane").unwrap_or("?").to_owned();
        if let Some(band) = group.children().find(|c| class_is(c, "lane-band")) {
            drawing.lanes.push((id.clone(), shape_box(&band).expect("a band is a rect")));
        }
        if let Some(header) = group.children().find(|c| class_is(c, "lane-header")) {
            drawing.labels.push((format!("lane {id}"), shape_box(&header).expect("a header is a rect")));
        }
    }
    for group in document.descendants().filter(|n| class_is(n, "node")) {
        let id = group.attribute("data-id").unwrap_or("?").to_owned();
        if let Some(lane) = group.attribute("data-lane") {
            drawing.node_lane.insert(id.clone(), lane.to_owned());
        }
        if let Some(rect) = group.children().find(|c| class_is(c, "shape")).and_then(|shape| shape_box(&shape)) {
            drawing.nodes.push((id.clone(), rect));
        }
        for text in group.descendants().filter(|n| n.tag_name().name() == "text") {
            let size = if class_is(&text, "taskbox-item") { 12.0 } else { 13.0 };
            let anchor = if class_is(&text, "taskbox-item") { "start" } else { "middle" };
            let spans: Vec<roxmltree::Node> = text.children().filter(|n| n.tag_name().name() == "tspan").collect();
            if spans.is_empty() {
                let words = text.text().unwrap_or("");
                drawing
                    .labels
                    .push((format!("node {id}"), text_box(attr(&text, "x"), attr(&text, "y"), words, size, anchor)));
            }
            for span in spans {
                let words = span.text().unwrap_or("");
                drawing
                    .labels
                    .push((format!("node {id}"), text_box(attr(&span, "x"), attr(&span, "y"), words, size, anchor)));
            }
        }
    }
    // A loop's tag is a label no edge may cross.
    for group in document.descendants().filter(|n| class_is(n, "loop")) {
        let index = group.attribute("data-loop").unwrap_or("?");
        for tag in group.children().filter(|c| class_is(c, "loop-tag")) {
            let words = tag.text().unwrap_or("");
            drawing
                .labels
                .push((format!("loop {index}"), text_box(attr(&tag, "x"), attr(&tag, "y"), words, 11.0, "start")));
        }
    }
    for (index, group) in document.descendants().filter(|n| class_is(n, "edge")).enumerate() {
        let Some(path) = group.children().find(|c| class_is(c, "edge-line")) else { continue };
        drawing.lines.push(Line {
            from: group.attribute("data-from").unwrap_or("").to_owned(),
            to: group.attribute("data-to").unwrap_or("").to_owned(),
            from_handle: group.attribute("data-source-handle").map(str::to_owned),
            to_handle: group.attribute("data-target-handle").map(str::to_owned),
            points: flowzap_path(path.attribute("d").unwrap_or("")),
        });
        for chip in group.descendants().filter(|c| class_is(c, "edge-chip")) {
            drawing.labels.push((format!("edge {index}"), shape_box(&chip).expect("a chip is a rect")));
        }
    }
    drawing
}

/// Reads a picture Graphviz drew (`dot -Tsvg`): nodes, clusters and edges
/// are groups of class `node`, `cluster` and `edge` whose `<title>` names
/// them (`a->b` for an edge).
pub fn read_dot(svg: &str) -> Drawing {
    // Graphviz writes a DOCTYPE.
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let document = roxmltree::Document::parse_with_options(svg, options).expect("the SVG is well-formed XML");
    let (width, height) = root_size(&document);
    let mut drawing = Drawing { width, height, ..Drawing::default() };
    let title = |group: &roxmltree::Node| {
        group.children().find(|c| c.tag_name().name() == "title").and_then(|t| t.text()).unwrap_or("").to_owned()
    };
    let texts = |group: &roxmltree::Node, owner: String, drawing: &mut Drawing| {
        for text in group.children().filter(|c| c.tag_name().name() == "text") {
            let size = attr(&text, "font-size").max(1.0);
            let anchor = text.attribute("text-anchor").unwrap_or("start");
            let words = text.text().unwrap_or("");
            drawing.labels.push((owner.clone(), text_box(attr(&text, "x"), attr(&text, "y"), words, size, anchor)));
        }
    };
    for group in document.descendants().filter(|n| n.tag_name().name() == "g") {
        if class_is(&group, "cluster") {
            let id = title(&group).trim_start_matches("cluster_").to_owned();
            if let Some(rect) =
                group.children().find_map(|c| (c.tag_name().name() == "polygon").then(|| shape_box(&c)).flatten())
            {
                drawing.lanes.push((id.clone(), rect));
            }
            texts(&group, format!("lane {id}"), &mut drawing);
        } else if class_is(&group, "node") {
            let id = title(&group);
            let shape = group.children().find(|c| matches!(c.tag_name().name(), "ellipse" | "polygon" | "path"));
            if let Some(rect) = shape.and_then(|s| shape_box(&s)) {
                drawing.nodes.push((id.clone(), rect));
            }
            // A label inside its shape is the shape's business; outside
            // (an `xlabel`) it is a label like any other.
            let inside = drawing.nodes.last().map(|(_, r)| *r);
            for text in group.children().filter(|c| c.tag_name().name() == "text") {
                let size = attr(&text, "font-size").max(1.0);
                let anchor = text.attribute("text-anchor").unwrap_or("start");
                let bx = text_box(attr(&text, "x"), attr(&text, "y"), text.text().unwrap_or(""), size, anchor);
                let centre = (bx.x + bx.w / 2.0, bx.y + bx.h / 2.0);
                let within = inside
                    .is_some_and(|r| centre.0 > r.x && centre.0 < r.x + r.w && centre.1 > r.y && centre.1 < r.y + r.h);
                if !within {
                    drawing.labels.push((format!("node {id}"), bx));
                }
            }
        } else if class_is(&group, "edge") {
            let name = title(&group);
            let (from, to) = name.split_once("->").unwrap_or((&name, ""));
            let strip = |end: &str| end.split(':').next().unwrap_or("").trim().to_owned();
            let Some(path) = group.children().find(|c| c.tag_name().name() == "path") else { continue };
            let index = drawing.lines.len();
            drawing.lines.push(Line {
                from: strip(from),
                to: strip(to),
                from_handle: None,
                to_handle: None,
                points: dot_path(path.attribute("d").unwrap_or("")),
            });
            texts(&group, format!("edge {index}"), &mut drawing);
        }
    }
    drawing
}

/// Whether segments `a`-`b` and `c`-`d` cross at a point inside both (a
/// touch or a shared end is no crossing).
fn properly_cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let orient = |p: Point, q: Point, r: Point| (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    let eps = 1e-6;
    ((o1 > eps && o2 < -eps) || (o1 < -eps && o2 > eps)) && ((o3 > eps && o4 < -eps) || (o3 < -eps && o4 > eps))
}

/// Segments of every line, each with its line's index.
fn segments(drawing: &Drawing) -> Vec<(usize, Point, Point)> {
    drawing
        .lines
        .iter()
        .enumerate()
        .flat_map(|(i, line)| line.points.windows(2).map(move |pair| (i, pair[0], pair[1])))
        .filter(|(_, a, b)| a != b)
        .collect()
}

/// Boxes filed by the grid cells they touch, to find the few near a
/// segment without looking at all of them.
struct Index {
    cell: f64,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Index {
    fn new(boxes: &[Rect], cell: f64) -> Index {
        let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        for (i, b) in boxes.iter().enumerate() {
            for key in Index::keys(b, cell) {
                cells.entry(key).or_default().push(i);
            }
        }
        Index { cell, cells }
    }

    fn keys(b: &Rect, cell: f64) -> impl Iterator<Item = (i64, i64)> {
        let (gx0, gx1) = ((b.x / cell).floor() as i64, ((b.x + b.w) / cell).floor() as i64);
        let (gy0, gy1) = ((b.y / cell).floor() as i64, ((b.y + b.h) / cell).floor() as i64);
        (gx0..=gx1).flat_map(move |gx| (gy0..=gy1).map(move |gy| (gx, gy)))
    }

    /// The boxes that may meet `b`, each once, in order.
    fn near(&self, b: &Rect) -> Vec<usize> {
        let mut found: Vec<usize> =
            Index::keys(b, self.cell).filter_map(|key| self.cells.get(&key)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Pairs of items whose boxes share a grid cell, each pair once.
fn near_pairs(boxes: &[Rect], cell: f64) -> Vec<(usize, usize)> {
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, b) in boxes.iter().enumerate() {
        let (gx0, gx1) = ((b.x / cell).floor() as i64, ((b.x + b.w) / cell).floor() as i64);
        let (gy0, gy1) = ((b.y / cell).floor() as i64, ((b.y + b.h) / cell).floor() as i64);
        for gx in gx0..=gx1 {
            for gy in gy0..=gy1 {
                grid.entry((gx, gy)).or_default().push(i);
            }
        }
    }
    let mut found = std::collections::HashSet::new();
    for members in grid.values() {
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                found.insert((i.min(j), i.max(j)));
            }
        }
    }
    let mut found: Vec<(usize, usize)> = found.into_iter().collect();
    found.sort_unstable();
    found
}

/// Two lines drawn as one bundle: from one handle of one node (a fan-out
/// trunk), or into one handle of one node (a fan-in trunk).
fn same_bundle(a: &Line, b: &Line) -> bool {
    let out = a.from == b.from && a.from_handle.is_some() && a.from_handle == b.from_handle;
    let into = a.to == b.to && a.to_handle.is_some() && a.to_handle == b.to_handle;
    out || into
}

/// Everything the checker counts on `drawing`.
pub fn measure(drawing: &Drawing) -> Metrics {
    let mut metrics = Metrics { nodes: drawing.nodes.len(), edges: drawing.lines.len(), ..Metrics::default() };
    metrics.area = drawing.width * drawing.height;
    metrics.aspect = if drawing.height > 0.0 { drawing.width / drawing.height } else { 0.0 };

    let node_boxes: Vec<Rect> = drawing.nodes.iter().map(|(_, r)| *r).collect();
    for (i, j) in near_pairs(&node_boxes, 200.0) {
        if node_boxes[i].overlaps(&node_boxes[j]) {
            metrics.node_overlaps.push(format!("{} and {}", drawing.nodes[i].0, drawing.nodes[j].0));
        }
    }
    let lanes: HashMap<&str, Rect> = drawing.lanes.iter().map(|(id, r)| (id.as_str(), *r)).collect();
    for (id, rect) in &drawing.nodes {
        let Some(lane) = drawing.node_lane.get(id).and_then(|l| lanes.get(l.as_str())) else { continue };
        let inside = rect.x >= lane.x - 0.01
            && rect.y >= lane.y - 0.01
            && rect.x + rect.w <= lane.x + lane.w + 0.01
            && rect.y + rect.h <= lane.y + lane.h + 0.01;
        if !inside {
            metrics.outside_lane.push(id.clone());
        }
    }
    // Labels on labels and on nodes (a label inside its own node is its text).
    let label_boxes: Vec<Rect> = drawing.labels.iter().map(|(_, r)| *r).collect();
    for (i, j) in near_pairs(&label_boxes, 200.0) {
        let (a, b) = (&drawing.labels[i], &drawing.labels[j]);
        if a.0 != b.0 && a.1.shrunk(0.5).overlaps(&b.1.shrunk(0.5)) {
            metrics.labels_on_labels.push(format!("{} on {}", a.0, b.0));
        }
    }
    let node_index = Index::new(&node_boxes, 200.0);
    for (owner, label) in &drawing.labels {
        for n in node_index.near(label) {
            let (id, rect) = &drawing.nodes[n];
            if *owner != format!("node {id}") && label.shrunk(0.5).overlaps(rect) {
                metrics.labels_on_labels.push(format!("{owner} on node {id}"));
            }
        }
    }

    let segments = segments(drawing);
    let segment_boxes: Vec<Rect> = segments.iter().map(|(_, a, b)| bounds(&[*a, *b])).collect();
    // Edges through nodes: any segment through a shape's interior but the
    // first and last, which join the shape's border to its port.
    let label_index = Index::new(&label_boxes, 200.0);
    for ((line_index, a, b), span) in segments.iter().zip(&segment_boxes) {
        let line = &drawing.lines[*line_index];
        let first = line.points.first() == Some(a);
        let last = line.points.last() == Some(b);
        for n in node_index.near(span) {
            let (id, rect) = &drawing.nodes[n];
            let own_end = (first && *id == line.from) || (last && *id == line.to);
            if !own_end && rect.shrunk(1.0).crossed_by(*a, *b) {
                metrics.edges_through_nodes.push(format!("{}->{} through {id}", line.from, line.to));
            }
        }
        for l in label_index.near(span) {
            let (owner, label) = &drawing.labels[l];
            if label.shrunk(0.5).crossed_by(*a, *b) {
                metrics.edges_over_labels.push(format!("{}->{} over {owner}", line.from, line.to));
            }
        }
    }
    for (i, j) in near_pairs(&segment_boxes, 100.0) {
        let ((li, a, b), (lj, c, d)) = (segments[i], segments[j]);
        if li == lj {
            continue;
        }
        if properly_cross(a, b, c, d) {
            metrics.crossings += 1;
            continue;
        }
        // Collinear and overlapping by more than a point: one line drawn
        // over another, unless both belong to one bundle.
        let (la, lb) = (&drawing.lines[li], &drawing.lines[lj]);
        let horizontal = |p: Point, q: Point| (p.1 - q.1).abs() < 0.01;
        let vertical = |p: Point, q: Point| (p.0 - q.0).abs() < 0.01;
        let overlap =
            |a0: f64, a1: f64, b0: f64, b1: f64| a0.max(a1).min(b0.max(b1)) - a0.min(a1).max(b0.min(b1)) > 0.5;
        let shared = (horizontal(a, b) && horizontal(c, d) && (a.1 - c.1).abs() < 0.01 && overlap(a.0, b.0, c.0, d.0))
            || (vertical(a, b) && vertical(c, d) && (a.0 - c.0).abs() < 0.01 && overlap(a.1, b.1, c.1, d.1));
        if shared && !same_bundle(la, lb) {
            metrics.shared_lines.push(format!("{}->{} and {}->{}", la.from, la.to, lb.from, lb.to));
        }
    }
    // Bends: the total turning of each line, in right angles.
    for line in &drawing.lines {
        for triple in line.points.windows(3) {
            let (u, v) = (
                (triple[1].0 - triple[0].0, triple[1].1 - triple[0].1),
                (triple[2].0 - triple[1].0, triple[2].1 - triple[1].1),
            );
            let (lu, lv) = ((u.0 * u.0 + u.1 * u.1).sqrt(), (v.0 * v.0 + v.1 * v.1).sqrt());
            if lu > 1e-9 && lv > 1e-9 {
                let cos = ((u.0 * v.0 + u.1 * v.1) / (lu * lv)).clamp(-1.0, 1.0);
                metrics.bends += cos.acos() / std::f64::consts::FRAC_PI_2;
            }
        }
    }
    // Sides: the first segment leaves towards the handle's side, the last
    // enters from it (where the drawing names handles).
    let by_id: HashMap<&str, Rect> = drawing.nodes.iter().map(|(id, r)| (id.as_str(), *r)).collect();
    for line in &drawing.lines {
        let (Some(source), Some(target), true) =
            (by_id.get(line.from.as_str()), by_id.get(line.to.as_str()), line.points.len() >= 2)
        else {
            continue;
        };
        let (Some(from_handle), Some(to_handle)) = (&line.from_handle, &line.to_handle) else { continue };
        let p = &line.points;
        let (a, b, y, z) = (p[0], p[1], p[p.len() - 2], p[p.len() - 1]);
        let leaves = match from_handle.as_str() {
            "right" => b.0 > a.0 && a.0 >= source.x + source.w / 2.0 - 0.5,
            "left" => b.0 < a.0 && a.0 <= source.x + source.w / 2.0 + 0.5,
            "top" => b.1 < a.1 && a.1 <= source.y + source.h / 2.0 + 0.5,
            "bottom" => b.1 > a.1 && a.1 >= source.y + source.h / 2.0 - 0.5,
            _ => false,
        };
        let enters = match to_handle.as_str() {
            "right" => z.0 < y.0 && z.0 >= target.x + target.w / 2.0 - 0.5,
            "left" => z.0 > y.0 && z.0 <= target.x + target.w / 2.0 + 0.5,
            "top" => z.1 > y.1 && z.1 <= target.y + target.h / 2.0 + 0.5,
            "bottom" => z.1 < y.1 && z.1 >= target.y + target.h / 2.0 - 0.5,
            _ => false,
        };
        if !leaves || !enters {
            metrics.wrong_sides.push(format!("{}->{}", line.from, line.to));
        }
    }
    metrics
}
