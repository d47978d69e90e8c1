//! The workflow view as SVG, drawn from the layout only. Structure a user
//! can style and a test can read: `g.lane[data-lane]`, `g.node[data-id]
//! [data-shape]`, `g.edge[data-from][data-to]`, a `<title>` on each, colours
//! only in the `<style>` block (light and dark themes).

use svg::node::element::{Circle, Definitions, Group, Line, Marker, Path, Polygon, Rectangle, Style, Text, Title};
use svg::Document;

use crate::layout::metrics::{EDGE_TEXT, LINE_HEIGHT};
use crate::layout::text::FONT_FAMILY;
use crate::layout::{Layout, Point};
use crate::model::{Diagram, Shape};

/// The colour scheme of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark on light.
    Light,
    /// Light on dark.
    Dark,
}

struct Palette {
    bg: &'static str,
    ink: &'static str,
    muted: &'static str,
    line: &'static str,
    lane_a: &'static str,
    lane_b: &'static str,
    rule: &'static str,
    header: &'static str,
    task: &'static str,
    stroke: &'static str,
    decision: &'static str,
    frame: &'static str,
}

const LIGHT: Palette = Palette {
    bg: "#ffffff",
    ink: "#1f2933",
    muted: "#3e4c59",
    line: "#3e4c59",
    lane_a: "#f7f9fb",
    lane_b: "#eef2f6",
    rule: "#cbd2d9",
    header: "#e4e7eb",
    task: "#ffffff",
    stroke: "#3e4c59",
    decision: "#fffbea",
    frame: "#7b8794",
};

const DARK: Palette = Palette {
    bg: "#111827",
    ink: "#f3f4f6",
    muted: "#cbd5e1",
    line: "#cbd5e1",
    lane_a: "#172033",
    lane_b: "#1d283a",
    rule: "#334155",
    header: "#233047",
    task: "#1f2937",
    stroke: "#cbd5e1",
    decision: "#2a2617",
    frame: "#94a3b8",
};

/// The theme's colours as plain class rules (no CSS variables: resvg and
/// librsvg ignore them), so a user can override any of them with CSS.
fn style(theme: Theme) -> String {
    let p = match theme {
        Theme::Light => LIGHT,
        Theme::Dark => DARK,
    };
    format!(
        r#"
text {{ font-family: "DejaVu Sans", Verdana, sans-serif; fill: {ink}; }}
.background {{ fill: {bg}; }}
.lane-band {{ fill: {lane_a}; stroke: {rule}; stroke-width: 1; }}
.lane-band.odd {{ fill: {lane_b}; }}
.lane-header {{ fill: {header}; stroke: {rule}; stroke-width: 1; }}
.lane-label {{ font-size: 13px; font-weight: bold; text-anchor: middle; }}
.shape {{ fill: {task}; stroke: {stroke}; stroke-width: 1.5; }}
.end {{ stroke-width: 3.5; }}
.decision {{ fill: {decision}; }}
.node-label {{ font-size: 13px; text-anchor: middle; }}
.taskbox-rule {{ stroke: {stroke}; stroke-width: 1; }}
.taskbox-item {{ font-size: 12px; text-anchor: start; }}
.taskbox-check {{ fill: none; stroke: {muted}; stroke-width: 1; }}
.edge-line {{ fill: none; stroke: {line}; stroke-width: 1.5; }}
.arrowhead {{ fill: {line}; }}
.edge-chip {{ fill: {bg}; stroke: none; }}
.edge-label {{ font-size: 11px; text-anchor: middle; fill: {muted}; }}
.loop-frame {{ fill: none; stroke: {frame}; stroke-width: 1.2; stroke-dasharray: 6 4; }}
.loop-tab {{ fill: {bg}; stroke: {frame}; stroke-width: 1.2; }}
.loop-tag {{ font-size: 11px; fill: {muted}; }}
"#,
        ink = p.ink,
        bg = p.bg,
        lane_a = p.lane_a,
        lane_b = p.lane_b,
        rule = p.rule,
        header = p.header,
        task = p.task,
        stroke = p.stroke,
        decision = p.decision,
        muted = p.muted,
        line = p.line,
        frame = p.frame
    )
}

fn n(value: f32) -> String {
    // One decimal keeps files small and byte-identical across runs; integer
    // formatting of tenths is many times faster than float formatting.
    let tenths = (f64::from(value) * 10.0).round() as i64;
    let (whole, fraction) = (tenths / 10, (tenths % 10).abs());
    match (fraction, tenths < 0 && whole == 0) {
        (0, _) => whole.to_string(),
        (_, true) => format!("-0.{fraction}"),
        _ => format!("{whole}.{fraction}"),
    }
}

/// An orthogonal polyline with small rounded bends.
fn rounded_path(points: &[Point]) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else { return d };
    d.push_str(&format!("M{} {}", n(first.x), n(first.y)));
    for i in 1..points.len() {
        let point = points[i];
        if i + 1 < points.len() {
            let (prev, next) = (points[i - 1], points[i + 1]);
            let len_in = ((point.x - prev.x).abs() + (point.y - prev.y).abs()).max(0.001);
            let len_out = ((next.x - point.x).abs() + (next.y - point.y).abs()).max(0.001);
            let r = 4.0f32.min(len_in / 2.0).min(len_out / 2.0);
            let before =
                Point { x: point.x - (point.x - prev.x) / len_in * r, y: point.y - (point.y - prev.y) / len_in * r };
            let after =
                Point { x: point.x + (next.x - point.x) / len_out * r, y: point.y + (next.y - point.y) / len_out * r };
            d.push_str(&format!(
                " L{} {} Q{} {} {} {}",
                n(before.x),
                n(before.y),
                n(point.x),
                n(point.y),
                n(after.x),
                n(after.y)
            ));
        } else {
            d.push_str(&format!(" L{} {}", n(point.x), n(point.y)));
        }
    }
    d
}

fn text_lines(lines: &[String], centre_x: f32, top: f32, class: &str) -> Text {
    let mut text = Text::new("").set("class", class);
    for (i, line) in lines.iter().enumerate() {
        let tspan = svg::node::element::TSpan::new(line.as_str())
            .set("x", n(centre_x))
            .set("y", n(top + (i as f32 + 1.0) * LINE_HEIGHT - 4.0));
        text = text.add(tspan);
    }
    text
}

/// The swimlane picture of `diagram` laid out as `layout`, as SVG text.
pub fn render(diagram: &Diagram, layout: &Layout, theme: Theme) -> String {
    // Reserved generously up front: pages never written are never resident,
    // while growing by doubling would copy the text and hold both.
    let mut out = Vec::with_capacity(8192 + 1024 * layout.nodes.len() + 768 * layout.edges.len());
    // Writing into a vector cannot fail, and every piece written is text.
    let _ = write(diagram, layout, theme, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the picture to `out` as it is drawn, a few nodes at a time, so
/// the whole text is never held in memory (a 30,000-node picture is 12 MB).
/// The bytes are those of [`render`].
pub fn write(diagram: &Diagram, layout: &Layout, theme: Theme, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // The svg crate's tree is built group by group and serialised at once,
    // so it never holds the whole picture either.
    let head = document(layout, theme).to_string();
    write_clean(out, head.strip_suffix("</svg>").unwrap_or(&head))?;
    let mut piece = String::new();
    push(&mut piece, &lanes_group(diagram, layout));
    push(&mut piece, &loops_group(layout));
    write_clean(out, &piece)?;
    // Nodes and edges are drawn on two threads (this machine class has two
    // cores): the nodes straight to `out`, the edges into a text written
    // after them, so the output stays byte-identical.
    std::thread::scope(|scope| {
        let edges = scope.spawn(|| edges_svg(diagram, layout));
        let nodes = nodes_svg(diagram, layout, out);
        let edges = edges.join().unwrap_or_else(|_| edges_svg(diagram, layout));
        nodes.and_then(|()| write_clean(out, &edges))
    })?;
    write_clean(out, "</svg>\n")
}

/// Writes `text` with the characters XML cannot hold replaced.
fn write_clean(out: &mut dyn std::io::Write, text: &str) -> std::io::Result<()> {
    out.write_all(crate::emit::xml_chars(text).as_bytes())
}

/// The root element with the style sheet, the arrowhead and the
/// background: everything drawn before the lanes.
fn document(layout: &Layout, theme: Theme) -> Document {
    let theme_class = match theme {
        Theme::Light => "flowzap theme-light",
        Theme::Dark => "flowzap theme-dark",
    };
    Document::new()
        .set("viewBox", format!("0 0 {} {}", n(layout.width), n(layout.height)))
        .set("width", n(layout.width))
        .set("height", n(layout.height))
        .set("class", theme_class)
        .set("font-family", FONT_FAMILY)
        .add(Style::new(style(theme)))
        .add(
            Definitions::new().add(
                Marker::new()
                    .set("id", "arrowhead")
                    .set("viewBox", "0 0 10 10")
                    .set("refX", 10)
                    .set("refY", 5)
                    .set("markerWidth", 8)
                    .set("markerHeight", 8)
                    .set("markerUnits", "userSpaceOnUse")
                    .set("orient", "auto")
                    .add(Path::new().set("class", "arrowhead").set("d", "M0 0 L10 5 L0 10 z")),
            ),
        )
        .add(
            Rectangle::new()
                .set("class", "background")
                .set("x", 0)
                .set("y", 0)
                .set("width", n(layout.width))
                .set("height", n(layout.height)),
        )
}

/// Each lane's band, header and rotated label.
fn lanes_group(diagram: &Diagram, layout: &Layout) -> Group {
    let mut lanes = Group::new().set("class", "lanes");
    for band in &layout.lanes {
        let lane = &diagram.lane(band.lane);
        // Alternate tints so bands read at a glance.
        let band_class = if band.lane.index() % 2 == 0 { "lane-band even" } else { "lane-band odd" };
        let (cx, cy) = (band.header.x + band.header.width / 2.0, band.header.y + band.header.height / 2.0);
        lanes = lanes.add(
            Group::new()
                .set("class", "lane")
                .set("data-lane", lane.id.as_str())
                .add(Title::new(lane.label.as_str()))
                .add(
                    Rectangle::new()
                        .set("class", band_class)
                        .set("x", n(band.rect.x))
                        .set("y", n(band.rect.y))
                        .set("width", n(band.rect.width))
                        .set("height", n(band.rect.height)),
                )
                .add(
                    Rectangle::new()
                        .set("class", "lane-header")
                        .set("x", n(band.header.x))
                        .set("y", n(band.header.y))
                        .set("width", n(band.header.width))
                        .set("height", n(band.header.height)),
                )
                .add(
                    Text::new(lane.label.as_str())
                        .set("class", "lane-label")
                        .set("x", n(cx))
                        .set("y", n(cy + 4.5))
                        .set("transform", format!("rotate(-90 {} {})", n(cx), n(cy))),
                ),
        );
    }
    lanes
}

/// The dashed frame and tab of each `loop` statement.
fn loops_group(layout: &Layout) -> Group {
    let mut loops = Group::new().set("class", "loops");
    for frame in &layout.loops {
        let r = frame.rect;
        let t = frame.tag_rect;
        loops = loops.add(
            Group::new()
                .set("class", "loop")
                .set("data-loop", frame.loop_index)
                .add(Title::new(frame.tag.as_str()))
                .add(
                    Rectangle::new()
                        .set("class", "loop-frame")
                        .set("x", n(r.x))
                        .set("y", n(r.y))
                        .set("width", n(r.width))
                        .set("height", n(r.height))
                        .set("rx", 8),
                )
                .add(Path::new().set("class", "loop-tab").set(
                    "d",
                    format!(
                        "M{} {} H{} V{} L{} {} H{} Z",
                        n(t.x),
                        n(t.y),
                        n(t.right()),
                        n(t.bottom() - 4.0),
                        n(t.right() - 4.0),
                        n(t.bottom()),
                        n(t.x)
                    ),
                ))
                .add(
                    Text::new(frame.tag.as_str())
                        .set("class", "loop-tag")
                        .set("x", n(t.x + 6.0))
                        .set("y", n(t.y + 12.0)),
                ),
        );
    }
    loops
}

/// Writes the group of every node to `out`.
fn nodes_svg(diagram: &Diagram, layout: &Layout, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut body = String::with_capacity(2 * FLUSH_AT);
    body.push_str("<g class=\"nodes\">\n");
    for node_box in &layout.nodes {
        let node = diagram.node(node_box.node);
        let kind = node_box.kind.name();
        let s = node_box.shape_rect;
        let mut group = Group::new()
            .set("class", "node")
            .set("data-id", node.id.as_str())
            .set("data-shape", node.shape.name())
            .set("data-lane", diagram.lane(node.lane).id.as_str())
            .set("data-kind", kind)
            .add(Title::new(format!("{}: {}", node.id, node.display_label())));
        group = match node_box.shape {
            Shape::Circle => group.add(
                Circle::new()
                    .set("class", format!("shape event {kind}"))
                    .set("cx", n(s.x + s.width / 2.0))
                    .set("cy", n(s.y + s.height / 2.0))
                    .set("r", n(s.width / 2.0)),
            ),
            Shape::Diamond => group.add(Polygon::new().set("class", "shape decision").set(
                "points",
                format!(
                    "{},{} {},{} {},{} {},{}",
                    n(s.x + s.width / 2.0),
                    n(s.y),
                    n(s.right()),
                    n(s.y + s.height / 2.0),
                    n(s.x + s.width / 2.0),
                    n(s.bottom()),
                    n(s.x),
                    n(s.y + s.height / 2.0)
                ),
            )),
            Shape::Rectangle | Shape::Taskbox => group.add(
                Rectangle::new()
                    .set("class", format!("shape {}", node.shape.name()))
                    .set("x", n(s.x))
                    .set("y", n(s.y))
                    .set("width", n(s.width))
                    .set("height", n(s.height))
                    .set("rx", 6),
            ),
        };
        let label = node_box.label_rect;
        group = group.add(text_lines(&node_box.lines, label.x + label.width / 2.0, label.y, "node-label"));
        if node_box.shape == Shape::Taskbox {
            let rule_y = label.bottom() + 4.0;
            group = group.add(
                Line::new()
                    .set("class", "taskbox-rule")
                    .set("x1", n(s.x))
                    .set("x2", n(s.right()))
                    .set("y1", n(rule_y))
                    .set("y2", n(rule_y)),
            );
            for (i, item) in node_box.items.iter().enumerate() {
                let top = rule_y + 4.0 + i as f32 * LINE_HEIGHT;
                group = group
                    .add(
                        Rectangle::new()
                            .set("class", "taskbox-check")
                            .set("x", n(s.x + 10.0))
                            .set("y", n(top + 4.0))
                            .set("width", 9)
                            .set("height", 9)
                            .set("rx", 1.5),
                    )
                    .add(
                        Text::new(item.as_str())
                            .set("class", "taskbox-item")
                            .set("x", n(s.x + 24.0))
                            .set("y", n(top + LINE_HEIGHT - 4.0)),
                    );
            }
        }
        push(&mut body, &group);
        if body.len() >= FLUSH_AT {
            write_clean(out, &body)?;
            body.clear();
        }
    }
    body.push_str("</g>\n");
    write_clean(out, &body)
}

/// How much of the nodes' text is gathered before it is written.
const FLUSH_AT: usize = 64 * 1024;

fn edges_svg(diagram: &Diagram, layout: &Layout) -> String {
    let mut body = String::with_capacity(768 * layout.edges.len());
    body.push_str("<g class=\"edges\">\n");
    for path in &layout.edges {
        let edge = &diagram.edges()[path.edge];
        let (from, to) = (&diagram.node(edge.source).id, &diagram.node(edge.target).id);
        let title = match &edge.label {
            Some(label) => format!("{from} → {to}: {label}"),
            None => format!("{from} → {to}"),
        };
        let mut group = Group::new()
            .set("class", "edge")
            .set("data-from", from.as_str())
            .set("data-to", to.as_str())
            .set("data-source-handle", path.source_side.name())
            .set("data-target-handle", path.target_side.name())
            .add(Title::new(title))
            .add(
                Path::new()
                    .set("class", "edge-line")
                    .set("d", rounded_path(&path.points))
                    .set("marker-end", "url(#arrowhead)"),
            );
        if let Some(label) = &path.label {
            let r = label.rect;
            group = group.add(
                Group::new()
                    .set("class", "edge-label-chip")
                    .add(
                        Rectangle::new()
                            .set("class", "edge-chip")
                            .set("x", n(r.x))
                            .set("y", n(r.y))
                            .set("width", n(r.width))
                            .set("height", n(r.height))
                            .set("rx", 3),
                    )
                    .add(
                        Text::new(label.text.as_str())
                            .set("class", "edge-label")
                            .set("x", n(r.x + r.width / 2.0))
                            .set("y", n(r.y + EDGE_TEXT + 0.5)),
                    ),
            );
        }
        push(&mut body, &group);
    }
    body.push_str("</g>\n");
    body
}

fn push(out: &mut String, element: &impl std::fmt::Display) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "{element}");
}

#[cfg(test)]
mod tests {
    use super::n;

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.34), "12.3");
        assert_eq!(n(12.36), "12.4");
        assert_eq!(n(-0.3), "-0.3");
        assert_eq!(n(-2.5), "-2.5");
        assert_eq!(n(0.04), "0");
    }
}
