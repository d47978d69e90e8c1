//! What a diagram means as a process: the role of each node, how each merge
//! behaves, the structure tree, whether every run ends properly, and the
//! lint rules built on those.
//!
//! Everything here works on a [`Diagram`] without errors; `flowzap lint`
//! only gets here when `check` found none.

pub mod flow;
pub mod joins;
mod lints;
mod print;
pub mod roles;
pub mod soundness;
pub mod structure;

pub use joins::{Join, JoinInfo};
pub use lints::lint;
pub use print::{describe_steps, structure_json, structure_text};
pub use roles::{Kind, Role, Split};
pub use soundness::{Finding, Step};
pub use structure::Region;

use crate::model::Diagram;
use flow::Flow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// More outgoing edges than this on one node is a finding (W028).
    pub max_fan_out: usize,
    /// Markings the token game explores per start before it stops.
    pub max_states: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_fan_out: 8, max_states: soundness::DEFAULT_MAX_STATES }
    }
}

pub struct Analysis {
    pub flow: Flow,
    pub roles: Vec<Role>,
    pub joins: Vec<JoinInfo>,
    pub structure: Region,
    /// True when the structure alone proves every run ends properly, so the
    /// token game was not needed.
    pub sound_by_structure: bool,
    pub findings: Vec<Finding>,
}

pub fn analyse(diagram: &Diagram, options: &Options) -> Analysis {
    let flow = Flow::new(diagram);
    let roles = roles::roles(diagram, &flow);
    let joins = joins::type_joins(diagram, &flow, &roles);
    let structure = structure::structure(diagram, &roles);
    let sound_by_structure = proves_soundness(&structure, &roles, &joins);
    let mut findings = soundness::graph_findings(diagram, &flow);
    if !sound_by_structure {
        let game =
            soundness::Game { diagram, flow: &flow, roles: &roles, joins: &joins, max_states: options.max_states };
        findings.extend(game.play());
    }
    Analysis { flow, roles, joins, structure, sound_by_structure, findings }
}

/// A block-structured diagram whose joins are typed as its blocks say is
/// sound by construction: each branch hands its join exactly one token, and
/// a loop is left or repeated by the one decision at its end.
fn proves_soundness(structure: &Region, roles: &[Role], joins: &[JoinInfo]) -> bool {
    if joins.iter().any(|info| info.join == Join::Mixed) {
        return false;
    }
    let mut sound = true;
    structure.walk(&mut |region| match region {
        Region::Unstructured { .. } => sound = false,
        Region::Parallel { join: Some(join), .. } => {
            sound &= matches!(joins[join.index()].join, Join::Parallel | Join::Nested)
        }
        Region::Choice { join: Some(join), .. } => {
            sound &= matches!(joins[join.index()].join, Join::Exclusive | Join::LoopMerge | Join::Nested)
        }
        Region::Loop { body, .. } => {
            sound &= body.exit_node().is_some_and(|exit| roles[exit.index()].split == Split::Exclusive)
        }
        _ => {}
    });
    sound
}
