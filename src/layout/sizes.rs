//! Node sizes from their wrapped labels. Rectangles grow to fit their text;
//! circles (36 px) and diamonds (56 px) keep their size and put the label
//! beside the shape, on a side no edge uses (below when free), so no edge
//! runs through a label.

use super::metrics::{LINE_HEIGHT, NODE_TEXT};
use super::text::{width, wrap};
use super::{LabelPlace, Rect};
use crate::model::{Diagram, Node, Shape, Side};

/// A node's size and the shape and label positions inside it (relative to
/// the top-left corner of the node's bounds).
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub width: f32,
    pub height: f32,
    pub shape_rect: Rect,
    pub label_rect: Rect,
    pub label_place: LabelPlace,
    pub lines: Vec<String>,
    pub items: Vec<String>,
}

const WRAP_CHARS: usize = 22;
const CIRCLE: f32 = 36.0;
const DIAMOND: f32 = 56.0;
const LABEL_GAP: f32 = 6.0;

fn text_block(lines: &[String]) -> (f32, f32) {
    let widest = lines.iter().map(|line| width(line, NODE_TEXT)).fold(0.0, f32::max);
    (widest, lines.len() as f32 * LINE_HEIGHT)
}

/// Every node's size and inner layout, in diagram order.
pub fn measure(diagram: &Diagram) -> Vec<Measured> {
    let used = sides_used(diagram);
    diagram
        .nodes()
        .iter()
        .enumerate()
        .map(|(n, node)| match node.shape {
            Shape::Rectangle => rectangle(node.display_label()),
            Shape::Taskbox => taskbox(node),
            Shape::Circle => round(node.display_label(), CIRCLE, used[n]),
            Shape::Diamond => round(node.display_label(), DIAMOND, used[n]),
        })
        .collect()
}

/// For each node, whether an edge attaches at its left, right, top and
/// bottom side.
fn sides_used(diagram: &Diagram) -> Vec<[bool; 4]> {
    let mut used = vec![[false; 4]; diagram.nodes().len()];
    let side_index = |side: Side| match side {
        Side::Left => 0,
        Side::Right => 1,
        Side::Top => 2,
        Side::Bottom => 3,
    };
    for edge in diagram.edges() {
        used[edge.source.index()][side_index(edge.source_handle)] = true;
        used[edge.target.index()][side_index(edge.target_handle)] = true;
    }
    used
}

/// A box that grows to fit its wrapped label.
fn rectangle(label: &str) -> Measured {
    let lines = wrap(label, WRAP_CHARS);
    let (text_width, text_height) = text_block(&lines);
    let width = (text_width + 24.0).max(120.0).ceil();
    let height = (text_height + 16.0).max(48.0).ceil();
    let label_rect =
        Rect { x: (width - text_width) / 2.0, y: (height - text_height) / 2.0, width: text_width, height: text_height };
    boxed(width, height, label_rect, lines, Vec::new())
}

/// A box with its title on top and a line per checklist item below.
fn taskbox(node: &Node) -> Measured {
    let items: Vec<String> = node.checklist().map(str::to_owned).collect();
    let lines = wrap(node.title(), WRAP_CHARS);
    let (title_width, title_height) = text_block(&lines);
    let items_width = items.iter().map(|i| width(i, NODE_TEXT) + 20.0).fold(0.0, f32::max);
    let width = (title_width.max(items_width) + 24.0).max(140.0).ceil();
    let height = (title_height + 12.0 + items.len() as f32 * LINE_HEIGHT + 10.0).max(48.0).ceil();
    let label_rect = Rect { x: (width - title_width) / 2.0, y: 6.0, width: title_width, height: title_height };
    boxed(width, height, label_rect, lines, items)
}

/// A shape that fills its bounds, with its text inside.
fn boxed(width: f32, height: f32, label_rect: Rect, lines: Vec<String>, items: Vec<String>) -> Measured {
    Measured {
        width,
        height,
        shape_rect: Rect { x: 0.0, y: 0.0, width, height },
        label_rect,
        label_place: LabelPlace::Inside,
        lines,
        items,
    }
}

/// A circle or diamond of `size`, its label on the first free side of
/// bottom, top, right, left (`[left, right, top, bottom]` in `used`), or
/// below and to the right when edges use every side.
fn round(label: &str, size: f32, used: [bool; 4]) -> Measured {
    let lines = wrap(label, 18);
    let (text_width, text_height) = text_block(&lines);
    let [left, right, top, bottom] = used;
    let place = if !bottom {
        LabelPlace::Below
    } else if !top {
        LabelPlace::Above
    } else if !right {
        LabelPlace::Right
    } else if !left {
        LabelPlace::Left
    } else {
        LabelPlace::BelowRight
    };
    let (width, height, shape_rect, label_rect) = match place {
        LabelPlace::Below | LabelPlace::Inside => {
            let width = size.max(text_width).ceil();
            let shape = Rect { x: (width - size) / 2.0, y: 0.0, width: size, height: size };
            let label =
                Rect { x: (width - text_width) / 2.0, y: size + LABEL_GAP, width: text_width, height: text_height };
            (width, (size + LABEL_GAP + text_height).ceil(), shape, label)
        }
        LabelPlace::Above => {
            let width = size.max(text_width).ceil();
            let label = Rect { x: (width - text_width) / 2.0, y: 0.0, width: text_width, height: text_height };
            let shape = Rect { x: (width - size) / 2.0, y: text_height + LABEL_GAP, width: size, height: size };
            (width, (size + LABEL_GAP + text_height).ceil(), shape, label)
        }
        LabelPlace::BelowRight => {
            // Every side has edges: below, but right of where the bottom
            // ports can be, so the bottom edges pass the label by.
            let offset = (size * 0.35 + 4.0).ceil();
            let width = size.max(2.0 * (offset + text_width)).ceil();
            let shape = Rect { x: (width - size) / 2.0, y: 0.0, width: size, height: size };
            let label = Rect { x: width / 2.0 + offset, y: size + LABEL_GAP, width: text_width, height: text_height };
            (width, (size + LABEL_GAP + text_height).ceil(), shape, label)
        }
        LabelPlace::Right | LabelPlace::Left => {
            let height = size.max(text_height).ceil();
            let width = (size + LABEL_GAP + text_width).ceil();
            let shape_x = if place == LabelPlace::Right { 0.0 } else { width - size };
            let label_x = if place == LabelPlace::Right { size + LABEL_GAP } else { 0.0 };
            let shape = Rect { x: shape_x, y: (height - size) / 2.0, width: size, height: size };
            let label = Rect { x: label_x, y: (height - text_height) / 2.0, width: text_width, height: text_height };
            (width, height, shape, label)
        }
    };
    Measured { width, height, shape_rect, label_rect, label_place: place, lines, items: Vec::new() }
}
