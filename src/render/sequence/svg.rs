//! The sequence view as SVG: the same conventions as the workflow view
//! (classes and `data-*` on every element, colours only in the style
//! sheet, a `<title>` on each group).

use super::layout::{SequenceLayout, FRAME_TEXT, HEAD_LINE, HEAD_TEXT, MESSAGE_LINE, MESSAGE_TEXT};
use super::Sequence;
use crate::layout::text::FONT_FAMILY;
use crate::layout::Rect;
use crate::model::Diagram;
use crate::render::markup::{Markup, Value::Composed, Value::Number, Value::Text};
use crate::render::svg::{themed, Palette, Theme};

fn style(theme: Theme) -> String {
    themed(theme, rules)
}

fn rules(p: &Palette) -> String {
    format!(
        r#"
.participant-head {{ fill: {header}; stroke: {stroke}; stroke-width: 1.2; }}
.participant-label {{ font-size: {head}px; font-weight: bold; text-anchor: middle; }}
.lifeline {{ stroke: {rule}; stroke-width: 1.2; stroke-dasharray: 5 4; }}
.activation {{ fill: {task}; stroke: {stroke}; stroke-width: 1; }}
.message-line {{ fill: none; stroke: {line}; stroke-width: 1.5; }}
.reply .message-line {{ stroke-dasharray: 6 4; }}
.arrowhead {{ fill: {line}; }}
.open-arrowhead {{ fill: none; stroke: {line}; stroke-width: 1.5; }}
.message-label {{ font-size: {message}px; fill: {ink}; }}
.message-label.centred {{ text-anchor: middle; }}
.frame-box {{ fill: none; stroke: {frame}; stroke-width: 1.2; }}
.frame-tab {{ fill: {bg}; stroke: {frame}; stroke-width: 1.2; }}
.frame-label {{ font-size: {frame_text}px; font-weight: bold; fill: {muted}; }}
.frame-guard {{ font-size: {frame_text}px; fill: {muted}; }}
.frame-divider {{ stroke: {frame}; stroke-width: 1.2; stroke-dasharray: 6 4; }}
"#,
        ink = p.ink,
        bg = p.bg,
        header = p.header,
        stroke = p.stroke,
        rule = p.muted,
        task = p.task,
        line = p.line,
        muted = p.muted,
        frame = p.frame,
        head = HEAD_TEXT,
        message = MESSAGE_TEXT,
        frame_text = FRAME_TEXT,
    )
}

fn rect(out: &mut Markup, class: &str, r: Rect) {
    out.empty(
        "rect",
        &[
            ("class", Text(class)),
            ("height", Number(r.height)),
            ("width", Number(r.width)),
            ("x", Number(r.x)),
            ("y", Number(r.y)),
        ],
    );
    out.newline();
}

fn lines_text(out: &mut Markup, class: &str, lines: &[String], x: f32, first_baseline: f32, line_height: f32) {
    out.open("text", &[("class", Text(class))]);
    out.newline();
    for (i, line) in lines.iter().enumerate() {
        out.newline();
        out.leaf("tspan", &[("x", Number(x)), ("y", Number(first_baseline + i as f32 * line_height))], line);
    }
    out.newline();
    out.close("text");
    out.newline();
}

/// The sequence view of `diagram` as SVG text.
pub fn render(diagram: &Diagram, sequence: &Sequence, layout: &SequenceLayout, theme: Theme) -> String {
    let mut out = Markup::with_capacity(4096 + 600 * sequence.messages.len());
    let theme_class = match theme {
        Theme::Light => "flowzap sequence theme-light",
        Theme::Dark => "flowzap sequence theme-dark",
        Theme::Auto => "flowzap sequence theme-auto",
    };
    let mut view_box = String::from("0 0 ");
    crate::render::markup::push_number(&mut view_box, layout.width);
    view_box.push(' ');
    crate::render::markup::push_number(&mut view_box, layout.height);
    out.open(
        "svg",
        &[
            ("aria-labelledby", Text("flowzap-title flowzap-desc")),
            ("class", Text(theme_class)),
            ("font-family", Text(FONT_FAMILY)),
            ("height", Number(layout.height)),
            ("role", Text("img")),
            ("viewBox", Composed(&view_box)),
            ("width", Number(layout.width)),
            ("xmlns", Text("http://www.w3.org/2000/svg")),
        ],
    );
    out.newline();
    let (title, description) = crate::render::svg::summary(diagram);
    out.leaf(
        "title",
        &[("id", Text("flowzap-title"))],
        &format!("Sequence view of the {}", title.trim_start_matches("FlowZap ")),
    );
    out.newline();
    out.leaf(
        "desc",
        &[("id", Text("flowzap-desc"))],
        &format!(
            "{} {} messages, {} frames.",
            description,
            sequence.messages.len(),
            layout.frames.iter().flatten().count()
        ),
    );
    out.newline();
    out.open("style", &[]);
    out.content(&style(theme));
    out.close("style");
    out.newline();
    out.text.push_str(concat!(
        "<defs>\n",
        "<marker id=\"arrowhead\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" orient=\"auto\" refX=\"10\" refY=\"5\" viewBox=\"0 0 10 10\">\n",
        "<path class=\"arrowhead\" d=\"M0 0 L10 5 L0 10 z\"/>\n",
        "</marker>\n",
        "<marker id=\"open-arrowhead\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" orient=\"auto\" refX=\"10\" refY=\"5\" viewBox=\"0 0 11 10\">\n",
        "<path class=\"open-arrowhead\" d=\"M0 0 L10 5 L0 10\"/>\n",
        "</marker>\n",
        "</defs>\n"
    ));
    rect(&mut out, "background", Rect { x: 0.0, y: 0.0, width: layout.width, height: layout.height });
    participants(&mut out, diagram, layout);
    out.text.push_str("<g class=\"activations\">\n");
    for bar in &layout.bars {
        let lane = diagram.lanes().get(bar.lane).map_or("", |lane| lane.id.as_str());
        out.empty(
            "rect",
            &[
                ("class", Text("activation")),
                ("data-lane", Text(lane)),
                ("height", Number(bar.rect.height)),
                ("width", Number(bar.rect.width)),
                ("x", Number(bar.rect.x)),
                ("y", Number(bar.rect.y)),
            ],
        );
        out.newline();
    }
    out.text.push_str("</g>\n");
    frames(&mut out, sequence, layout);
    messages(&mut out, diagram, sequence, layout);
    out.text.push_str("</svg>\n");
    out.text
}

fn participants(out: &mut Markup, diagram: &Diagram, layout: &SequenceLayout) {
    out.text.push_str("<g class=\"participants\">\n");
    for (lane, participant) in diagram.lanes().iter().zip(&layout.participants) {
        out.open("g", &[("class", Text("participant")), ("data-lane", Text(&lane.id))]);
        out.newline();
        out.leaf("title", &[], &lane.label);
        out.newline();
        let head = participant.head;
        out.empty(
            "line",
            &[
                ("class", Text("lifeline")),
                ("x1", Number(participant.x)),
                ("x2", Number(participant.x)),
                ("y1", Number(head.bottom())),
                ("y2", Number(participant.lifeline_end)),
            ],
        );
        out.newline();
        for place in std::iter::once(head).chain(participant.foot) {
            rect(out, "participant-head", place);
            let lines_height = participant.lines.len() as f32 * HEAD_LINE;
            let first = place.y + (place.height - lines_height) / 2.0 + HEAD_TEXT;
            lines_text(out, "participant-label", &participant.lines, participant.x, first, HEAD_LINE);
        }
        out.close("g");
        out.newline();
    }
    out.text.push_str("</g>\n");
}

fn frames(out: &mut Markup, sequence: &Sequence, layout: &SequenceLayout) {
    out.text.push_str("<g class=\"frames\">\n");
    let mut edges = String::new();
    for (frame, placed) in layout.frames.iter().enumerate() {
        let Some(placed) = placed else { continue };
        let kind = sequence.frames[frame].kind.name();
        edges.clear();
        for (i, edge) in placed.edges.iter().enumerate() {
            if i > 0 {
                edges.push(' ');
            }
            edges.push_str(itoa::Buffer::new().format(*edge));
        }
        let class = format!("frame {kind}");
        let parent = sequence.frames[frame].parent.map(|p| p as f32);
        let mut attributes = vec![
            ("class", Text(&class)),
            ("data-frame", Number(frame as f32)),
            ("data-kind", Text(kind)),
            ("data-messages", Composed(&edges)),
        ];
        if let Some(parent) = parent {
            attributes.push(("data-parent", Number(parent)));
        }
        out.open("g", &attributes);
        out.newline();
        out.leaf("title", &[], &placed.tab_text);
        out.newline();
        rect(out, "frame-box", placed.rect);
        let t = placed.tab;
        let mut d = String::new();
        for (command, x, y) in [
            ("M", t.x, t.y),
            (" H", t.right(), f32::NAN),
            (" V", f32::NAN, t.bottom() - 5.0),
            (" L", t.right() - 5.0, t.bottom()),
            (" H", t.x, f32::NAN),
        ] {
            d.push_str(command);
            if !x.is_nan() {
                crate::render::markup::push_number(&mut d, x);
            }
            if !x.is_nan() && !y.is_nan() {
                d.push(' ');
            }
            if !y.is_nan() {
                crate::render::markup::push_number(&mut d, y);
            }
        }
        d.push_str(" Z");
        out.empty("path", &[("class", Text("frame-tab")), ("d", Composed(&d))]);
        out.newline();
        out.leaf(
            "text",
            &[("class", Text("frame-label")), ("x", Number(t.x + 8.0)), ("y", Number(t.y + 13.0))],
            &placed.tab_text,
        );
        out.newline();
        for &y in &placed.dividers {
            out.empty(
                "line",
                &[
                    ("class", Text("frame-divider")),
                    ("x1", Number(placed.rect.x)),
                    ("x2", Number(placed.rect.right())),
                    ("y1", Number(y)),
                    ("y2", Number(y)),
                ],
            );
            out.newline();
        }
        for (guard, r) in &placed.guards {
            out.leaf("text", &[("class", Text("frame-guard")), ("x", Number(r.x)), ("y", Number(r.y + 11.0))], guard);
            out.newline();
        }
        out.close("g");
        out.newline();
    }
    out.text.push_str("</g>\n");
}

fn messages(out: &mut Markup, diagram: &Diagram, sequence: &Sequence, layout: &SequenceLayout) {
    out.text.push_str("<g class=\"messages\">\n");
    let mut d = String::new();
    for (message, placed) in sequence.messages.iter().zip(&layout.messages) {
        let class = match (message.reply, message.from == message.to) {
            (true, _) => "message reply",
            (false, true) => "message self",
            (false, false) => "message",
        };
        let (source, target) = (diagram.node(message.source), diagram.node(message.target));
        out.open(
            "g",
            &[
                ("class", Text(class)),
                ("data-edge", Number(message.edge as f32)),
                ("data-from", Text(&diagram.lane(message.from).id)),
                ("data-source", Text(&source.id)),
                ("data-target", Text(&target.id)),
                ("data-to", Text(&diagram.lane(message.to).id)),
            ],
        );
        out.newline();
        out.open("title", &[]);
        out.content(&source.id);
        out.content(" → ");
        out.content(&target.id);
        out.content(": ");
        out.content(&message.text);
        out.close("title");
        out.newline();
        d.clear();
        for (i, point) in placed.points.iter().enumerate() {
            d.push_str(if i == 0 { "M" } else { " L" });
            crate::render::markup::push_number(&mut d, point.x);
            d.push(' ');
            crate::render::markup::push_number(&mut d, point.y);
        }
        let marker = if message.reply { "url(#open-arrowhead)" } else { "url(#arrowhead)" };
        out.empty("path", &[("class", Text("message-line")), ("d", Composed(&d)), ("marker-end", Text(marker))]);
        out.newline();
        let class = if placed.centred { "message-label centred" } else { "message-label" };
        lines_text(out, class, &placed.lines, placed.label_at.x, placed.label_at.y, MESSAGE_LINE);
        out.close("g");
        out.newline();
    }
    out.text.push_str("</g>\n");
}
