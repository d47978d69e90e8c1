//! The picture, measured: every rendered SVG is parsed back and checked for
//! node overlaps, edges through nodes, nodes outside their lane, labels on
//! nodes, edges that leave or enter at a side their handle does not name,
//! and edge crossings (counted). On every fixture and on generated diagrams.

mod common;

use common::{fixtures_dir, flowzap};

#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
    fn shrunk(&self, by: f64) -> Rect {
        Rect { x: self.x + by, y: self.y + by, w: (self.w - 2.0 * by).max(0.0), h: (self.h - 2.0 * by).max(0.0) }
    }
    /// Does the axis-parallel segment pass through the interior?
    fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        x1 > self.x && x0 < self.x + self.w && y1 > self.y && y0 < self.y + self.h
    }
}

/// A straight piece of an edge: (edge number, one end, the other end).
type Segment = (usize, (f64, f64), (f64, f64));

#[derive(Debug, Default)]
struct Quality {
    nodes: usize,
    edges: usize,
    node_overlaps: Vec<String>,
    edges_through_nodes: Vec<String>,
    outside_lane: Vec<String>,
    labels_on_nodes: Vec<String>,
    wrong_sides: Vec<String>,
    shared_lines: usize,
    crossings: usize,
}

fn num(node: &roxmltree::Node, name: &str) -> f64 {
    node.attribute(name).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

fn class_is(node: &roxmltree::Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

fn shape_rect(group: &roxmltree::Node) -> Option<Rect> {
    let shape = group.children().find(|c| class_is(c, "shape"))?;
    match shape.tag_name().name() {
        "rect" => {
            Some(Rect { x: num(&shape, "x"), y: num(&shape, "y"), w: num(&shape, "width"), h: num(&shape, "height") })
        }
        "circle" => {
            let r = num(&shape, "r");
            Some(Rect { x: num(&shape, "cx") - r, y: num(&shape, "cy") - r, w: 2.0 * r, h: 2.0 * r })
        }
        "polygon" => {
            let values: Vec<f64> =
                shape.attribute("points")?.split([' ', ',']).filter_map(|v| v.parse().ok()).collect();
            let xs: Vec<f64> = values.iter().step_by(2).copied().collect();
            let ys: Vec<f64> = values.iter().skip(1).step_by(2).copied().collect();
            let (x0, x1) = (xs.iter().copied().fold(f64::MAX, f64::min), xs.iter().copied().fold(f64::MIN, f64::max));
            let (y0, y1) = (ys.iter().copied().fold(f64::MAX, f64::min), ys.iter().copied().fold(f64::MIN, f64::max));
            Some(Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 })
        }
        _ => None,
    }
}

/// The corners of an edge path (`M`, `L` end points and `Q` control points,
/// which are the corners the curve rounds).
fn path_points(d: &str) -> Vec<(f64, f64)> {
    let numbers: Vec<f64> =
        d.split(|c: char| c.is_ascii_alphabetic() || c == ' ').filter_map(|v| v.parse().ok()).collect();
    let mut points = Vec::new();
    let mut tokens = d.split_whitespace().peekable();
    let _ = tokens.peek();
    // Commands are "M x y", "L x y", "Q cx cy x y": take pairs, but for Q
    // keep the control point (the corner) and skip its end point.
    let mut values = numbers.into_iter();
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

fn label_box(x: f64, baseline: f64, text: &str, size: f64) -> Rect {
    let width = f64::from(flowzap::layout::text::width(text, size as f32));
    Rect { x: x - width / 2.0, y: baseline - size, w: width, h: size * 1.25 }
}

fn measure(svg: &str) -> Quality {
    let document = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let mut quality = Quality::default();
    let lanes: std::collections::HashMap<&str, Rect> = document
        .descendants()
        .filter(|n| class_is(n, "lane"))
        .filter_map(|g| {
            let band = g.children().find(|c| class_is(c, "lane-band"))?;
            Some((
                g.attribute("data-lane")?,
                Rect { x: num(&band, "x"), y: num(&band, "y"), w: num(&band, "width"), h: num(&band, "height") },
            ))
        })
        .collect();
    let mut nodes: Vec<(String, Rect)> = Vec::new();
    let mut texts: Vec<(String, Rect)> = Vec::new();
    for group in document.descendants().filter(|n| class_is(n, "node")) {
        let id = group.attribute("data-id").unwrap_or("?").to_owned();
        let Some(rect) = shape_rect(&group) else { continue };
        if let Some(lane) = group.attribute("data-lane").and_then(|l| lanes.get(l)) {
            let inside = rect.x >= lane.x
                && rect.y >= lane.y
                && rect.x + rect.w <= lane.x + lane.w
                && rect.y + rect.h <= lane.y + lane.h;
            if !inside {
                quality.outside_lane.push(id.clone());
            }
        }
        for tspan in group.descendants().filter(|n| n.tag_name().name() == "tspan") {
            let text = tspan.text().unwrap_or("");
            texts.push((id.clone(), label_box(num(&tspan, "x"), num(&tspan, "y"), text, 13.0)));
        }
        nodes.push((id, rect));
    }
    quality.nodes = nodes.len();
    for i in 0..nodes.len() {
        for j in i + 1..nodes.len() {
            if nodes[i].1.overlaps(&nodes[j].1) {
                quality.node_overlaps.push(format!("{} and {}", nodes[i].0, nodes[j].0));
            }
        }
    }
    let by_id: std::collections::HashMap<&str, Rect> = nodes.iter().map(|(id, r)| (id.as_str(), *r)).collect();
    let mut segments: Vec<Segment> = Vec::new();
    let mut chips: Vec<Rect> = Vec::new();
    for (index, group) in document.descendants().filter(|n| class_is(n, "edge")).enumerate() {
        quality.edges += 1;
        let (from, to) = (group.attribute("data-from").unwrap_or(""), group.attribute("data-to").unwrap_or(""));
        let Some(line) = group.children().find(|c| class_is(c, "edge-line")) else { continue };
        let points = path_points(line.attribute("d").unwrap_or(""));
        let last = points.len().saturating_sub(2);
        for (position, pair) in points.windows(2).enumerate() {
            segments.push((index, pair[0], pair[1]));
            for (id, rect) in &nodes {
                // The connector between a round or pointed shape and its
                // port lies inside the shape's bounding box by design.
                let own_end = (position == 0 && id == from) || (position == last && id == to);
                if !own_end && rect.shrunk(1.0).crossed_by(pair[0], pair[1]) {
                    quality.edges_through_nodes.push(format!("{from}->{to} through {id}"));
                }
            }
        }
        // The first segment leaves towards the handle's side; the last enters from it.
        if let (Some(source), Some(target), true) = (by_id.get(from), by_id.get(to), points.len() >= 2) {
            let (a, b) = (points[0], points[1]);
            let (y, z) = (points[points.len() - 2], points[points.len() - 1]);
            let leaves = match group.attribute("data-source-handle") {
                Some("right") => b.0 > a.0 && a.0 >= source.x + source.w / 2.0 - 0.5,
                Some("left") => b.0 < a.0 && a.0 <= source.x + source.w / 2.0 + 0.5,
                Some("top") => b.1 < a.1 && a.1 <= source.y + source.h / 2.0 + 0.5,
                Some("bottom") => b.1 > a.1 && a.1 >= source.y + source.h / 2.0 - 0.5,
                _ => false,
            };
            let enters = match group.attribute("data-target-handle") {
                Some("right") => z.0 < y.0 && z.0 >= target.x + target.w / 2.0 - 0.5,
                Some("left") => z.0 > y.0 && z.0 <= target.x + target.w / 2.0 + 0.5,
                Some("top") => z.1 > y.1 && z.1 <= target.y + target.h / 2.0 + 0.5,
                Some("bottom") => z.1 < y.1 && z.1 >= target.y + target.h / 2.0 - 0.5,
                _ => false,
            };
            if !leaves || !enters {
                quality.wrong_sides.push(format!("{from}->{to}"));
            }
        }
        for chip in group.descendants().filter(|c| class_is(c, "edge-chip")) {
            chips.push(Rect {
                x: num(&chip, "x"),
                y: num(&chip, "y"),
                w: num(&chip, "width"),
                h: num(&chip, "height"),
            });
        }
    }
    for (i, chip) in chips.iter().enumerate() {
        for (id, rect) in nodes.iter().chain(texts.iter()) {
            if chip.shrunk(0.5).overlaps(rect) {
                quality.labels_on_nodes.push(format!("label {i} on {id}"));
            }
        }
        for other in &chips[i + 1..] {
            if chip.shrunk(0.5).overlaps(other) {
                quality.labels_on_nodes.push(format!("label {i} on another label"));
            }
        }
    }
    // Two edges drawn on top of each other: collinear segments of
    // different edges that share more than a point.
    for (i, a) in segments.iter().enumerate() {
        for b in &segments[i + 1..] {
            if a.0 == b.0 {
                continue;
            }
            let same_x =
                (a.1 .0 - a.2 .0).abs() < 0.01 && (b.1 .0 - b.2 .0).abs() < 0.01 && (a.1 .0 - b.1 .0).abs() < 0.01;
            let same_y =
                (a.1 .1 - a.2 .1).abs() < 0.01 && (b.1 .1 - b.2 .1).abs() < 0.01 && (a.1 .1 - b.1 .1).abs() < 0.01;
            let overlap =
                |a0: f64, a1: f64, b0: f64, b1: f64| a0.max(a1).min(b0.max(b1)) - a0.min(a1).max(b0.min(b1)) > 0.5;
            if (same_x && overlap(a.1 .1, a.2 .1, b.1 .1, b.2 .1))
                || (same_y && overlap(a.1 .0, a.2 .0, b.1 .0, b.2 .0))
            {
                quality.shared_lines += 1;
            }
        }
    }
    // Crossings: a horizontal and a vertical segment of different edges
    // meeting strictly inside both.
    let horizontal: Vec<_> = segments.iter().filter(|s| (s.1 .1 - s.2 .1).abs() < 0.01).collect();
    let vertical: Vec<_> = segments.iter().filter(|s| (s.1 .0 - s.2 .0).abs() < 0.01).collect();
    for h in &horizontal {
        let (hx0, hx1, hy) = (h.1 .0.min(h.2 .0), h.1 .0.max(h.2 .0), h.1 .1);
        for v in &vertical {
            let (vy0, vy1, vx) = (v.1 .1.min(v.2 .1), v.1 .1.max(v.2 .1), v.1 .0);
            if h.0 != v.0 && vx > hx0 + 0.5 && vx < hx1 - 0.5 && hy > vy0 + 0.5 && hy < vy1 - 0.5 {
                quality.crossings += 1;
            }
        }
    }
    quality
}

fn assert_clean(name: &str, quality: &Quality) {
    assert!(quality.node_overlaps.is_empty(), "{name}: overlapping nodes {:?}", quality.node_overlaps);
    assert!(quality.edges_through_nodes.is_empty(), "{name}: edges through nodes {:?}", quality.edges_through_nodes);
    assert!(quality.outside_lane.is_empty(), "{name}: nodes outside their lane {:?}", quality.outside_lane);
    assert!(quality.labels_on_nodes.is_empty(), "{name}: labels on nodes {:?}", quality.labels_on_nodes);
    assert!(quality.wrong_sides.is_empty(), "{name}: edges not at their handles {:?}", quality.wrong_sides);
    assert_eq!(quality.shared_lines, 0, "{name}: edges drawn on top of each other");
}

#[test]
fn every_fixture_renders_cleanly() {
    for kind in ["valid", "lint"] {
        insta::glob!("../fixtures", &format!("{kind}/*.fz"), |path| {
            let dir = path.parent().expect("folder");
            let name = path.file_name().and_then(|n| n.to_str()).expect("name");
            let output = flowzap(dir).args(["render", name]).output().expect("runs");
            assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
            let svg = String::from_utf8_lossy(&output.stdout);
            let quality = measure(&svg);
            assert_clean(name, &quality);
        });
    }
}

#[test]
fn generated_diagrams_render_cleanly() {
    for (nodes, lanes) in [(100, 5), (1_000, 20)] {
        let text = flowzap::synth::swimlane_text(nodes, lanes, 7);
        let document = flowzap::Document::new(text);
        let svg = document.svg(flowzap::Theme::Light).expect("a generated diagram draws");
        let quality = measure(svg);
        assert_eq!(quality.nodes, nodes);
        assert_clean(&format!("generated {nodes}"), &quality);
        eprintln!("generated {nodes} nodes / {lanes} lanes: {} edges, {} crossings", quality.edges, quality.crossings);
    }
}

#[test]
fn rendering_is_deterministic() {
    let dir = fixtures_dir();
    let run = || flowzap(&dir).args(["render", "valid/insurance_claim.fz"]).output().expect("runs").stdout;
    let first = run();
    assert!(!first.is_empty());
    assert_eq!(first, run());
    // The structure users and tools select on.
    let svg = String::from_utf8_lossy(&first);
    for marker in [
        "<g class=\"lane\" data-lane=\"customer\">",
        "<g class=\"node\" data-id=\"n1\" data-kind=\"start\"",
        "<g class=\"edge\" data-from=\"n1\"",
    ] {
        assert!(svg.contains(marker), "missing {marker}");
    }
    assert!(svg.contains("viewBox=\"0 0 "));
}

#[test]
fn user_text_is_escaped_in_svg() {
    let text = "l { # <Lane> & \"co\"\nn1: rectangle label:\"a < b & c > d \\\"q\\\"\"\nn2: circle label:\"</text><script>x</script>\"\nn1.handle(right) -> n2.handle(left) [label=\"<b>\"]\n}\n";
    let output = flowzap(&fixtures_dir()).args(["render", "-"]).write_stdin(text).output().expect("runs");
    assert!(output.status.success());
    let svg = String::from_utf8_lossy(&output.stdout);
    assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("<Lane>"), "{svg}");
    let document = roxmltree::Document::parse(&svg).expect("well-formed");
    let titles: Vec<&str> =
        document.descendants().filter(|n| n.tag_name().name() == "title").filter_map(|n| n.text()).collect();
    assert!(titles.iter().any(|t| t.contains("a < b & c > d \"q\"")), "{titles:?}");
}

#[test]
fn png_output_has_the_right_size_and_draws_text() {
    let dir = tempfile::tempdir().expect("temp");
    let write = |label: &str, name: &str| {
        let text = format!("l {{ # Lane\nn1: rectangle label:\"{label}\"\n}}\n");
        flowzap(dir.path()).args(["render", "-", "-o", name, "--scale", "1"]).write_stdin(text).assert().success();
        std::fs::read(dir.path().join(name)).expect("written")
    };
    let first = write("Approve", "a.png");
    let second = write("Reject!", "b.png");
    assert_eq!(&first[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    // Width and height from the IHDR chunk match the SVG's size at scale 1.
    let width = u32::from_be_bytes([first[16], first[17], first[18], first[19]]);
    let height = u32::from_be_bytes([first[20], first[21], first[22], first[23]]);
    let svg = flowzap(dir.path())
        .args(["render", "-"])
        .write_stdin("l { # Lane\nn1: rectangle label:\"Approve\"\n}\n")
        .output()
        .expect("runs");
    let document = String::from_utf8_lossy(&svg.stdout).into_owned();
    let parsed = roxmltree::Document::parse(&document).expect("svg");
    let root = parsed.root_element();
    assert_eq!(width as f64, num(&root, "width").ceil());
    assert_eq!(height as f64, num(&root, "height").ceil());
    // Text is really drawn: only the label differs, so must the pictures.
    assert_ne!(first, second, "labels vanished from the PNG");
}
