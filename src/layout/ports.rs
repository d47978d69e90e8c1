//! Ports: each edge attaches at the side its handle names. Several edges on
//! one side are spread along it, ordered by where their other end lies so
//! they do not cross near the node; each side's ports stay within the drawn
//! shape, and a short connector joins the shape to its cell's border.

use super::coordinates::Geometry;
use super::routing::Plan;
use super::{Point, Rect};
use crate::model::{Diagram, Shape, Side};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Port {
    pub side: Side,
    /// On the drawn shape.
    pub attach: Point,
    /// On the border of the node's cell, level with `attach`.
    pub exit: Point,
}

/// (source port, target port) of every edge, in edge order. A bundle's
/// members share one port: the trunk leaves (or enters) the node once.
pub fn assign(diagram: &Diagram, geometry: &Geometry, plan: &Plan) -> Vec<(Port, Port)> {
    // Every edge end as (node, side, edge, is_source, other node), grouped
    // by node and side by sorting.
    let mut ends: Vec<(usize, Side, usize, bool, usize)> = Vec::with_capacity(2 * diagram.edges().len());
    for (index, edge) in diagram.edges().iter().enumerate() {
        ends.push((edge.source.index(), edge.source_handle, index, true, edge.target.index()));
        ends.push((edge.target.index(), edge.target_handle, index, false, edge.source.index()));
    }
    ends.sort_unstable();
    let placeholder = Port { side: Side::Right, attach: Point::default(), exit: Point::default() };
    let mut ports = vec![(placeholder, placeholder); diagram.edges().len()];
    let centre = |n: usize| {
        let rect = geometry.nodes[n].shape_rect;
        (rect.x + rect.width / 2.0, rect.y + rect.height / 2.0)
    };
    for list in ends.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let (node, side) = (list[0].0, list[0].1);
        // Along a vertical side the other ends' y counts, along a
        // horizontal one their x.
        let along = |other: usize| {
            let (x, y) = centre(other);
            if matches!(side, Side::Left | Side::Right) {
                y
            } else {
                x
            }
        };
        // One port per bundle (its members' mean other end), one per edge
        // outside bundles; ordered by where they lead, ties in edge order.
        struct Group {
            along: f32,
            first: usize,
            /// `Some(leaving)` for a bundle's port.
            bundle: Option<bool>,
            members: Vec<(usize, bool)>,
        }
        let mut groups: Vec<Group> = Vec::new();
        for &(_, _, edge, is_source, other) in list {
            let shared = if is_source { plan.shares_source[edge] } else { plan.shares_target[edge] };
            let bundle = shared.then_some(is_source);
            match groups.iter_mut().find(|g| bundle.is_some() && g.bundle == bundle) {
                Some(group) => {
                    group.along += along(other);
                    group.members.push((edge, is_source));
                }
                None => {
                    groups.push(Group { along: along(other), first: edge, bundle, members: vec![(edge, is_source)] })
                }
            }
        }
        for group in &mut groups {
            group.along /= group.members.len() as f32;
        }
        groups.sort_by(|a, b| a.along.total_cmp(&b.along).then(a.first.cmp(&b.first)));
        let node_box = &geometry.nodes[node];
        let count = groups.len();
        for (position, group) in groups.iter().enumerate() {
            let fraction = (position as f32 + 1.0) / (count as f32 + 1.0);
            let port = port_at(node_box.shape, node_box.shape_rect, node_box.bounds, side, fraction);
            for &(edge, is_source) in &group.members {
                if is_source {
                    ports[edge].0 = port;
                } else {
                    ports[edge].1 = port;
                }
            }
        }
    }
    ports
}

fn port_at(shape: Shape, shape_rect: Rect, bounds: Rect, side: Side, fraction: f32) -> Port {
    let (cx, cy) = (shape_rect.x + shape_rect.width / 2.0, shape_rect.y + shape_rect.height / 2.0);
    let (rx, ry) = (shape_rect.width / 2.0, shape_rect.height / 2.0);
    // Spread within the middle of a round or pointed side, where it meets the shape.
    let spread = match shape {
        Shape::Circle | Shape::Diamond => 0.6,
        Shape::Rectangle | Shape::Taskbox => 0.8,
    };
    let along = (fraction - 0.5) * spread;
    let (ax, ay) = match side {
        Side::Left | Side::Right => {
            let y = cy + along * shape_rect.height;
            let dy = (y - cy) / ry;
            let reach = match shape {
                Shape::Circle => rx * (1.0 - dy * dy).max(0.0).sqrt(),
                Shape::Diamond => rx * (1.0 - dy.abs()),
                _ => rx,
            };
            (if side == Side::Left { cx - reach } else { cx + reach }, y)
        }
        Side::Top | Side::Bottom => {
            let x = cx + along * shape_rect.width;
            let dx = (x - cx) / rx;
            let reach = match shape {
                Shape::Circle => ry * (1.0 - dx * dx).max(0.0).sqrt(),
                Shape::Diamond => ry * (1.0 - dx.abs()),
                _ => ry,
            };
            (x, if side == Side::Top { cy - reach } else { cy + reach })
        }
    };
    let exit = match side {
        Side::Left => Point { x: bounds.x, y: ay },
        Side::Right => Point { x: bounds.right(), y: ay },
        Side::Top => Point { x: ax, y: bounds.y },
        Side::Bottom => Point { x: ax, y: bounds.bottom() },
    };
    Port { side, attach: Point { x: ax, y: ay }, exit }
}
