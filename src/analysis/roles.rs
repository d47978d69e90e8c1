//! What each node does in the process, from its shape and its edges.

use petgraph::graph::NodeIndex;

use super::flow::Flow;
use crate::model::{Diagram, Shape};

/// The kind of step a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A circle nothing flows into.
    Start,
    /// A circle nothing flows out of.
    End,
    /// A circle in the middle of the flow.
    Intermediate,
    /// A rectangle or a taskbox.
    Task,
    /// A diamond: exactly one outgoing edge is taken.
    Decision,
}

impl Kind {
    /// The kind's name wherever flowzap writes one: the structure tree of
    /// `lint`, the SVG's `data-kind`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Start => "start",
            Kind::End => "end",
            Kind::Intermediate => "intermediate",
            Kind::Task => "task",
            Kind::Decision => "decision",
        }
    }

    /// The kind in the vocabulary of the vendor's graph export, which names
    /// by shape where we name by role: a rectangle and an intermediate event
    /// are a `step`, a taskbox a `task`.
    pub fn export_name(self, shape: Shape) -> &'static str {
        match (self, shape) {
            (Kind::Start, _) => "start",
            (Kind::End, _) => "end",
            (Kind::Decision, _) => "decision",
            (Kind::Task, Shape::Taskbox) => "task",
            (Kind::Task | Kind::Intermediate, _) => "step",
        }
    }
}

/// What happens to a token leaving the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// One outgoing edge (or none).
    None,
    /// A non-diamond with several outgoing edges: all of them are taken.
    Parallel,
    /// A diamond with several outgoing edges, or a task whose labelled
    /// outgoing edges are read as outcomes: one of them is taken.
    Exclusive,
}

/// What a node is and does in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// The kind of step.
    pub kind: Kind,
    /// What happens to a token leaving it.
    pub split: Split,
}

/// The role of every node, by node index, from shapes and the flow.
pub fn roles(diagram: &Diagram, flow: &Flow) -> Vec<Role> {
    roles_reading(diagram, flow, &[])
}

/// Roles with the tasks of `choices` read as choices between their
/// outgoing edges instead of forks (see `reading`).
pub fn roles_reading(diagram: &Diagram, flow: &Flow, choices: &[NodeIndex]) -> Vec<Role> {
    (0..diagram.nodes().len())
        .map(|n| {
            let node = &diagram.nodes()[n];
            let ins = flow.incoming[n].len();
            let outs = flow.outgoing[n].len();
            let kind = kind_of(node.shape, ins, outs);
            let split = match (outs > 1, kind) {
                (false, _) => Split::None,
                (true, Kind::Decision) => Split::Exclusive,
                (true, Kind::Task) if choices.contains(&NodeIndex::new(n)) => Split::Exclusive,
                (true, _) => Split::Parallel,
            };
            Role { kind, split }
        })
        .collect()
}

/// The kind of step a node of `shape` with `ins` incoming and `outs`
/// outgoing edges is.
pub fn kind_of(shape: Shape, ins: usize, outs: usize) -> Kind {
    match shape {
        Shape::Circle if ins == 0 => Kind::Start,
        Shape::Circle if outs == 0 => Kind::End,
        Shape::Circle => Kind::Intermediate,
        Shape::Diamond => Kind::Decision,
        Shape::Rectangle | Shape::Taskbox => Kind::Task,
    }
}

/// The split kind of a forward-graph node, the virtual source counting as a
/// choice between alternative starts.
pub fn split_at(roles: &[Role], flow: &Flow, node: NodeIndex) -> Split {
    if node == flow.virtual_source {
        Split::Exclusive
    } else {
        roles.get(node.index()).map_or(Split::None, |role| role.split)
    }
}
