//! The sequence view, measured: reads a picture back from its SVG (texts,
//! message arrows, frames with the messages they claim) and lists what a
//! reader would complain about: text on text, a message label crossed by
//! another message or a frame's line, a frame that does not enclose exactly
//! its messages, frames that cut through each other.
#![allow(dead_code)]

use super::quality::{Point, Rect};

#[derive(Debug, Clone)]
pub struct Message {
    pub edge: usize,
    pub points: Vec<Point>,
    pub label: Vec<Rect>,
}

#[derive(Debug, Clone)]
pub struct Frame {
    pub index: usize,
    /// The frame it is drawn inside.
    pub parent: Option<usize>,
    pub rect: Rect,
    pub messages: Vec<usize>,
    /// The tab and guard boxes.
    pub labels: Vec<Rect>,
    pub dividers: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// Every piece of text, with what it belongs to.
    pub texts: Vec<(String, Rect)>,
    pub messages: Vec<Message>,
    pub frames: Vec<Frame>,
}

fn number(node: &roxmltree::Node, name: &str) -> f64 {
    node.attribute(name).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

fn has_class(node: &roxmltree::Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

fn font_size(class: &str) -> f64 {
    match class {
        "participant-label" => 13.0 * 1.1,
        "message-label" => 12.0,
        _ => 11.0 * 1.1,
    }
}

/// The boxes of a `<text>` element's lines (its tspans, or itself).
fn text_boxes(text: &roxmltree::Node) -> Vec<(String, Rect)> {
    let class = text.attribute("class").unwrap_or_default();
    let size = font_size(class.split_whitespace().next().unwrap_or_default());
    let anchor_middle = class.contains("centred") || class.contains("participant-label");
    let place = |x: f64, y: f64, content: &str| {
        let width = f64::from(flowzap::layout::text::width(content, size as f32));
        let left = if anchor_middle { x - width / 2.0 } else { x };
        (content.to_owned(), Rect { x: left, y: y - size * 0.8, w: width, h: size })
    };
    let spans: Vec<_> = text.children().filter(|c| c.has_tag_name("tspan")).collect();
    if spans.is_empty() {
        let content: String = text.text().unwrap_or_default().trim().to_owned();
        return vec![place(number(text, "x"), number(text, "y"), &content)];
    }
    spans.iter().map(|span| place(number(span, "x"), number(span, "y"), span.text().unwrap_or_default())).collect()
}

fn path_points(d: &str) -> Vec<Point> {
    let values: Vec<f64> =
        d.split(|c: char| c.is_ascii_alphabetic() || c.is_whitespace()).filter_map(|v| v.parse().ok()).collect();
    values.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect()
}

fn bounds(points: &[Point]) -> Rect {
    let x0 = points.iter().map(|p| p.0).fold(f64::MAX, f64::min);
    let y0 = points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    let x1 = points.iter().map(|p| p.0).fold(f64::MIN, f64::max);
    let y1 = points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    Rect { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}

pub fn read(svg: &str) -> Picture {
    let document = roxmltree::Document::parse(svg).expect("the sequence view parses as XML");
    let mut picture = Picture::default();
    for node in document.descendants() {
        if node.has_tag_name("text") {
            picture.texts.extend(text_boxes(&node));
        }
        if node.has_tag_name("g") && has_class(&node, "message") {
            let edge = node.attribute("data-edge").and_then(|v| v.parse().ok()).expect("data-edge");
            let line = node.children().find(|c| has_class(c, "message-line")).expect("a message line");
            let label = node
                .children()
                .filter(|c| c.has_tag_name("text"))
                .flat_map(|text| text_boxes(&text).into_iter().map(|(_, rect)| rect))
                .collect();
            picture.messages.push(Message {
                edge,
                points: path_points(line.attribute("d").unwrap_or_default()),
                label,
            });
        }
        if node.has_tag_name("g") && has_class(&node, "frame") {
            let frame_box = node.children().find(|c| has_class(c, "frame-box")).expect("a frame box");
            let rect = Rect {
                x: number(&frame_box, "x"),
                y: number(&frame_box, "y"),
                w: number(&frame_box, "width"),
                h: number(&frame_box, "height"),
            };
            let tab = node.children().find(|c| has_class(c, "frame-tab")).expect("a frame tab");
            let mut labels = vec![bounds(&path_points(tab.attribute("d").unwrap_or_default()))];
            for guard in node.children().filter(|c| has_class(c, "frame-guard")) {
                labels.extend(text_boxes(&guard).into_iter().map(|(_, rect)| rect));
            }
            let dividers =
                node.children().filter(|c| has_class(c, "frame-divider")).map(|c| number(&c, "y1")).collect();
            let messages = node
                .attribute("data-messages")
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|v| v.parse().ok())
                .collect();
            let index = node.attribute("data-frame").and_then(|v| v.parse().ok()).unwrap_or(0);
            let parent = node.attribute("data-parent").and_then(|v| v.parse().ok());
            picture.frames.push(Frame { index, parent, rect, messages, labels, dividers });
        }
    }
    picture
}

fn segments(points: &[Point]) -> impl Iterator<Item = (Point, Point)> + '_ {
    points.windows(2).map(|pair| (pair[0], pair[1]))
}

fn within(outer: &Rect, inner: &Rect) -> bool {
    inner.x >= outer.x - 0.5
        && inner.y >= outer.y - 0.5
        && inner.x + inner.w <= outer.x + outer.w + 0.5
        && inner.y + inner.h <= outer.y + outer.h + 0.5
}

/// Everything wrong with the picture, one line each.
pub fn faults(picture: &Picture) -> Vec<String> {
    let mut found = Vec::new();
    // Text on text (frame tabs count as text).
    let mut boxes: Vec<(String, Rect)> = picture.texts.clone();
    for frame in &picture.frames {
        boxes.push((format!("tab of frame {}", frame.index), frame.labels[0]));
    }
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by(|&a, &b| boxes[a].1.y.total_cmp(&boxes[b].1.y));
    for (i, &a) in order.iter().enumerate() {
        for &b in &order[i + 1..] {
            if boxes[b].1.y >= boxes[a].1.y + boxes[a].1.h {
                break;
            }
            let both_in_tab = boxes[a].0.starts_with("tab of") || boxes[b].0.starts_with("tab of");
            let tab_text = both_in_tab && {
                let (tab, text) = if boxes[a].0.starts_with("tab of") {
                    (&boxes[a].1, &boxes[b].1)
                } else {
                    (&boxes[b].1, &boxes[a].1)
                };
                within(tab, text)
            };
            if !tab_text && boxes[a].1.shrunk(0.5).overlaps(&boxes[b].1.shrunk(0.5)) {
                found.push(format!("text {:?} overlaps text {:?}", boxes[a].0, boxes[b].0));
            }
        }
    }
    // A message label crossed by another message, or by a frame's line.
    for message in &picture.messages {
        for label in &message.label {
            for other in picture.messages.iter().filter(|other| other.edge != message.edge) {
                if segments(&other.points).any(|(a, b)| label.shrunk(0.5).crossed_by(a, b)) {
                    found.push(format!("the label of message {} is crossed by message {}", message.edge, other.edge));
                }
            }
            for frame in &picture.frames {
                let r = frame.rect;
                let mut lines = vec![
                    ((r.x, r.y), (r.x + r.w, r.y)),
                    ((r.x, r.y + r.h), (r.x + r.w, r.y + r.h)),
                    ((r.x, r.y), (r.x, r.y + r.h)),
                    ((r.x + r.w, r.y), (r.x + r.w, r.y + r.h)),
                ];
                lines.extend(frame.dividers.iter().map(|&y| ((r.x, y), (r.x + r.w, y))));
                if lines.iter().any(|&(a, b)| label.shrunk(0.5).crossed_by(a, b)) {
                    found.push(format!("the label of message {} is crossed by frame {}", message.edge, frame.index));
                }
            }
        }
    }
    // Each frame encloses exactly its messages and its inner frames'
    // (each lists its own; an inner frame comes after its outer one).
    let mut claimed_by: Vec<std::collections::BTreeSet<usize>> =
        picture.frames.iter().map(|frame| frame.messages.iter().copied().collect()).collect();
    for position in (0..picture.frames.len()).rev() {
        let Some(parent) = picture.frames[position].parent else { continue };
        let Some(outer) = picture.frames.iter().position(|f| f.index == parent) else {
            found.push(format!("frame {} names a parent that is not drawn", picture.frames[position].index));
            continue;
        };
        let inner = claimed_by[position].clone();
        claimed_by[outer].extend(inner);
    }
    for (frame, claimed_set) in picture.frames.iter().zip(&claimed_by) {
        for message in &picture.messages {
            let inside = within(&frame.rect, &bounds(&message.points));
            let claimed = claimed_set.contains(&message.edge);
            if inside != claimed {
                found.push(format!(
                    "frame {} {} message {}",
                    frame.index,
                    if claimed { "does not enclose its" } else { "encloses the foreign" },
                    message.edge
                ));
            }
            if claimed && message.label.iter().any(|label| !within(&frame.rect, label)) {
                found.push(format!("frame {} cuts through the label of message {}", frame.index, message.edge));
            }
        }
        for label in &frame.labels {
            if !within(&frame.rect, label) {
                found.push(format!("frame {} has a label outside it", frame.index));
            }
        }
    }
    // Frames nest or stand apart.
    for (i, a) in picture.frames.iter().enumerate() {
        for b in &picture.frames[i + 1..] {
            let apart = !a.rect.overlaps(&b.rect);
            if !apart && !within(&a.rect, &b.rect) && !within(&b.rect, &a.rect) {
                found.push(format!("frames {} and {} cut through each other", a.index, b.index));
            }
        }
    }
    found
}
