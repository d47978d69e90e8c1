//! The workflow view as SVG, drawn from the layout only. Structure a user
//! can style and a test can read: `g.lane[data-lane]`, `g.node[data-id]
//! [data-shape]`, `g.edge[data-from][data-to]`, a `<title>` on each, colours
//! only in the `<style>` block (light and dark themes).

use svg::node::element::{Definitions, Description, Group, Marker, Path, Rectangle, Style, Text as TextElement, Title};
use svg::Document;

use super::markup::{self, Markup, Value::Composed, Value::Number, Value::Text};
use crate::layout::metrics::{EDGE_TEXT, LINE_HEIGHT};
use crate::layout::text::FONT_FAMILY;
use crate::layout::{Layout, NodeBox, Point};
use crate::model::{Diagram, Shape};

/// The colour scheme of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark on light.
    Light,
    /// Light on dark.
    Dark,
    /// Light, or dark where the viewer prefers it (`prefers-color-scheme`).
    Auto,
}

pub(crate) struct Palette {
    pub(crate) bg: &'static str,
    pub(crate) ink: &'static str,
    pub(crate) muted: &'static str,
    pub(crate) line: &'static str,
    pub(crate) lane_a: &'static str,
    pub(crate) lane_b: &'static str,
    pub(crate) rule: &'static str,
    pub(crate) header: &'static str,
    pub(crate) task: &'static str,
    pub(crate) stroke: &'static str,
    pub(crate) decision: &'static str,
    pub(crate) frame: &'static str,
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

/// The style sheet of `theme` from the rules one palette gives, shared by
/// both views: `auto` is the light rules, then the dark ones for viewers
/// that prefer dark.
pub(crate) fn themed(theme: Theme, view_rules: impl Fn(&Palette) -> String) -> String {
    // The rules both views share come first: the font and the page.
    let rules = |p: &Palette| {
        format!(
            "\ntext {{ font-family: \"DejaVu Sans\", Verdana, sans-serif; fill: {}; }}\n.background {{ fill: {}; }}{}",
            p.ink,
            p.bg,
            view_rules(p)
        )
    };
    match theme {
        Theme::Light => rules(&LIGHT),
        Theme::Dark => rules(&DARK),
        Theme::Auto => format!("{}@media (prefers-color-scheme: dark) {{{}}}\n", rules(&LIGHT), rules(&DARK)),
    }
}

/// The theme's colours as plain class rules (no CSS variables: resvg and
/// librsvg ignore them), so a user can override any of them with CSS.
fn style(theme: Theme) -> String {
    themed(theme, rules)
}

fn rules(p: &Palette) -> String {
    format!(
        r#"
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
    let mut text = String::new();
    markup::push_number(&mut text, value);
    text
}

/// An orthogonal polyline with small rounded bends, as path data in `d`.
fn rounded_path(points: &[Point], d: &mut String) {
    d.clear();
    let Some(first) = points.first() else { return };
    let point_to = |d: &mut String, command: &str, point: Point| {
        d.push_str(command);
        markup::push_number(d, point.x);
        d.push(' ');
        markup::push_number(d, point.y);
    };
    point_to(d, "M", *first);
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
            point_to(d, " L", before);
            point_to(d, " Q", point);
            point_to(d, " ", after);
        } else {
            point_to(d, " L", point);
        }
    }
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
    let head = document(diagram, layout, theme).to_string();
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
        nodes.and_then(|()| out.write_all(edges.as_bytes()))
    })?;
    write_clean(out, "</svg>\n")
}

/// Writes `text` with the characters XML cannot hold replaced.
fn write_clean(out: &mut dyn std::io::Write, text: &str) -> std::io::Result<()> {
    out.write_all(crate::emit::xml_chars(text).as_bytes())
}

/// The root element with the style sheet, the arrowhead and the
/// background: everything drawn before the lanes.
/// What a screen reader says for the whole picture: its title and a
/// description.
pub(crate) fn summary(diagram: &Diagram) -> (String, String) {
    let lanes: Vec<&str> = diagram.lanes().iter().map(|lane| lane.label.as_str()).collect();
    let title = match lanes.is_empty() {
        true => "FlowZap diagram".to_owned(),
        false => format!("FlowZap diagram: {}", lanes.join(", ")),
    };
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let description = format!(
        "{}, {} and {}.",
        count(diagram.lanes().len(), "lane"),
        count(diagram.nodes().len(), "node"),
        count(diagram.edges().len(), "edge")
    );
    (title, description)
}

fn document(diagram: &Diagram, layout: &Layout, theme: Theme) -> Document {
    let (title, description) = summary(diagram);
    let theme_class = match theme {
        Theme::Light => "flowzap theme-light",
        Theme::Dark => "flowzap theme-dark",
        Theme::Auto => "flowzap theme-auto",
    };
    Document::new()
        .set("viewBox", format!("0 0 {} {}", n(layout.width), n(layout.height)))
        .set("width", n(layout.width))
        .set("height", n(layout.height))
        .set("class", theme_class)
        .set("font-family", FONT_FAMILY)
        .set("role", "img")
        .set("aria-labelledby", "flowzap-title flowzap-desc")
        .add(Title::new(title).set("id", "flowzap-title"))
        .add(Description::new().add(svg::node::Text::new(description)).set("id", "flowzap-desc"))
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
                .add(lane_label(band, cx, cy)),
        );
    }
    lanes
}

/// A lane's header label, turned to read bottom to top: one line centred
/// in the header, or two side by side.
fn lane_label(band: &crate::layout::LaneBand, cx: f32, cy: f32) -> TextElement {
    let turned = |text: TextElement| {
        text.set("class", "lane-label").set("transform", format!("rotate(-90 {} {})", n(cx), n(cy)))
    };
    match band.label_lines.as_slice() {
        [line] => turned(TextElement::new(line.as_str())).set("x", n(cx)).set("y", n(cy + 4.5)),
        lines => {
            // In the turned frame, y runs across the header: the lines
            // are centred on it, a line height apart.
            let first = cy + 4.5 - (lines.len() as f32 - 1.0) * LINE_HEIGHT / 2.0;
            lines.iter().enumerate().fold(turned(TextElement::new("")), |text, (i, line)| {
                text.add(
                    svg::node::element::TSpan::new(line.as_str())
                        .set("x", n(cx))
                        .set("y", n(first + i as f32 * LINE_HEIGHT)),
                )
            })
        }
    }
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
                    TextElement::new(frame.tag.as_str())
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
    let mut body = Markup::with_capacity(2 * FLUSH_AT);
    body.text.push_str("<g class=\"nodes\">\n");
    let mut scratch = String::new();
    for node_box in &layout.nodes {
        node_svg(diagram, node_box, &mut body, &mut scratch);
        body.newline();
        if body.text.len() >= FLUSH_AT {
            out.write_all(body.text.as_bytes())?;
            body.text.clear();
        }
    }
    body.text.push_str("</g>\n");
    out.write_all(body.text.as_bytes())
}

fn node_svg(diagram: &Diagram, node_box: &NodeBox, body: &mut Markup, scratch: &mut String) {
    let node = diagram.node(node_box.node);
    let kind = node_box.kind.name();
    let s = node_box.shape_rect;
    let mut spoken = format!("{kind} {} {}: {}", node.shape.name(), node.id, node.title());
    // A taskbox's `|` separators are not for reading aloud.
    let checklist: Vec<&str> = node.checklist().collect();
    if !checklist.is_empty() {
        spoken.push_str("; checklist: ");
        spoken.push_str(&checklist.join(", "));
    }
    body.open(
        "g",
        &[
            ("aria-label", Text(&spoken)),
            ("class", Text("node")),
            ("data-id", Text(&node.id)),
            ("data-kind", Text(kind)),
            ("data-lane", Text(&diagram.lane(node.lane).id)),
            ("data-shape", Text(node.shape.name())),
            ("role", Text("img")),
        ],
    );
    body.newline();
    body.open("title", &[]);
    body.content(&node.id);
    body.content(": ");
    body.content(node.display_label());
    body.close("title");
    body.newline();
    let (centre_x, centre_y) = (s.x + s.width / 2.0, s.y + s.height / 2.0);
    scratch.clear();
    match node_box.shape {
        Shape::Circle => {
            scratch.push_str("shape event ");
            scratch.push_str(kind);
            body.empty(
                "circle",
                &[
                    ("class", Text(scratch)),
                    ("cx", Number(centre_x)),
                    ("cy", Number(centre_y)),
                    ("r", Number(s.width / 2.0)),
                ],
            );
        }
        Shape::Diamond => {
            for (i, (x, y)) in [(centre_x, s.y), (s.right(), centre_y), (centre_x, s.bottom()), (s.x, centre_y)]
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    scratch.push(' ');
                }
                markup::push_number(scratch, x);
                scratch.push(',');
                markup::push_number(scratch, y);
            }
            body.empty("polygon", &[("class", Text("shape decision")), ("points", Composed(scratch))]);
        }
        Shape::Rectangle | Shape::Taskbox => {
            scratch.push_str("shape ");
            scratch.push_str(node.shape.name());
            body.empty(
                "rect",
                &[
                    ("class", Text(scratch)),
                    ("height", Number(s.height)),
                    ("rx", Text("6")),
                    ("width", Number(s.width)),
                    ("x", Number(s.x)),
                    ("y", Number(s.y)),
                ],
            );
        }
    }
    body.newline();
    let label = node_box.label_rect;
    // The svg crate's text element starts with an empty text child, on a
    // line of its own like every child of a text element.
    body.open("text", &[("class", Text("node-label"))]);
    body.newline();
    for (i, line) in node_box.lines.iter().enumerate() {
        body.newline();
        let baseline = label.y + (i as f32 + 1.0) * LINE_HEIGHT - 4.0;
        body.leaf("tspan", &[("x", Number(label.x + label.width / 2.0)), ("y", Number(baseline))], line);
    }
    body.newline();
    body.close("text");
    body.newline();
    if node_box.shape == Shape::Taskbox {
        let rule_y = label.bottom() + 4.0;
        body.empty(
            "line",
            &[
                ("class", Text("taskbox-rule")),
                ("x1", Number(s.x)),
                ("x2", Number(s.right())),
                ("y1", Number(rule_y)),
                ("y2", Number(rule_y)),
            ],
        );
        body.newline();
        for (i, item) in node_box.items.iter().enumerate() {
            let top = rule_y + 4.0 + i as f32 * LINE_HEIGHT;
            body.empty(
                "rect",
                &[
                    ("class", Text("taskbox-check")),
                    ("height", Text("9")),
                    ("rx", Text("1.5")),
                    ("width", Text("9")),
                    ("x", Number(s.x + 10.0)),
                    ("y", Number(top + 4.0)),
                ],
            );
            body.newline();
            body.text_element(
                &[("class", Text("taskbox-item")), ("x", Number(s.x + 24.0)), ("y", Number(top + LINE_HEIGHT - 4.0))],
                item,
            );
            body.newline();
        }
    }
    body.close("g");
}

/// How much of the nodes' text is gathered before it is written.
const FLUSH_AT: usize = 64 * 1024;

fn edges_svg(diagram: &Diagram, layout: &Layout) -> String {
    let mut body = Markup::with_capacity(768 * layout.edges.len());
    body.text.push_str("<g class=\"edges\">\n");
    let mut d = String::new();
    for path in &layout.edges {
        let edge = &diagram.edges()[path.edge];
        let (from, to) = (&diagram.node(edge.source).id, &diagram.node(edge.target).id);
        let spoken = match &edge.label {
            Some(label) => format!("edge from {from} to {to}: {label}"),
            None => format!("edge from {from} to {to}"),
        };
        body.open(
            "g",
            &[
                ("aria-label", Text(&spoken)),
                ("class", Text("edge")),
                ("data-from", Text(from)),
                ("data-source-handle", Text(path.source_side.name())),
                ("data-target-handle", Text(path.target_side.name())),
                ("data-to", Text(to)),
                ("role", Text("img")),
            ],
        );
        body.newline();
        body.open("title", &[]);
        body.content(from);
        body.content(" → ");
        body.content(to);
        if let Some(label) = &edge.label {
            body.content(": ");
            body.content(label);
        }
        body.close("title");
        body.newline();
        rounded_path(&path.points, &mut d);
        body.empty(
            "path",
            &[("class", Text("edge-line")), ("d", Composed(&d)), ("marker-end", Text("url(#arrowhead)"))],
        );
        body.newline();
        if let Some(label) = &path.label {
            let r = label.rect;
            body.open("g", &[("class", Text("edge-label-chip"))]);
            body.newline();
            body.empty(
                "rect",
                &[
                    ("class", Text("edge-chip")),
                    ("height", Number(r.height)),
                    ("rx", Text("3")),
                    ("width", Number(r.width)),
                    ("x", Number(r.x)),
                    ("y", Number(r.y)),
                ],
            );
            body.newline();
            body.text_element(
                &[
                    ("class", Text("edge-label")),
                    ("x", Number(r.x + r.width / 2.0)),
                    ("y", Number(r.y + EDGE_TEXT + 0.5)),
                ],
                &label.text,
            );
            body.newline();
            body.close("g");
            body.newline();
        }
        body.close("g");
        body.newline();
    }
    body.text.push_str("</g>\n");
    body.text
}

fn push(out: &mut String, element: &impl std::fmt::Display) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "{element}");
}
