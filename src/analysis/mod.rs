//! What a diagram means as a process: the role of each node, how each merge
//! behaves, the structure tree, whether every run ends properly, and the
//! lint rules built on those.
//!
//! Everything here works on a [`Diagram`] without errors; `flowzap lint`
//! only gets here when `check` found none.

pub mod adjacency;
pub mod around;
pub mod drawing;
pub mod flow;
pub(crate) mod groups;
pub mod joins;
mod lints;
pub mod outcomes;
mod print;
pub mod reading;
pub mod roles;
pub mod soundness;
pub mod structure;

pub use around::{Around, Back, Front};
pub use drawing::Drawing;
pub use joins::{Join, JoinInfo};
pub use lints::{lint, lint_rules};
pub use print::{describe_steps, structure_json, structure_summary, structure_text};
pub use reading::Reading;
pub use roles::{Kind, Role, Split};
pub use soundness::{Finding, Step};
pub use structure::Region;

use crate::model::Diagram;
use flow::Flow;
use petgraph::graph::NodeIndex;

/// Bounds of the analysis that a user can change.
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

/// Everything the analysis found about one diagram.
pub struct Analysis {
    /// How the drawing was read; [`Analysis::process`] is the diagram as read.
    pub reading: Reading,
    /// The control flow of the process as read.
    pub flow: Flow,
    /// The role of each node of the process, by node index.
    pub roles: Vec<Role>,
    /// The join type of each node, by node index.
    pub joins: Vec<JoinInfo>,
    /// The process structure tree.
    pub structure: Region,
    /// True when the structure alone proves every run ends properly, so the
    /// token game was not needed.
    pub sound_by_structure: bool,
    /// What the soundness check found: deadlocks, double arrivals, livelocks, unreachable nodes.
    pub findings: Vec<Finding>,
    /// The edges as drawn, for what is about the picture.
    pub drawing: Drawing,
    /// What an executable process adds around each node.
    pub around: Vec<Around>,
}

impl Analysis {
    /// The diagram as its author meant it (see [`reading`]): `drawn` itself
    /// when nothing was read differently. Every index in the analysis
    /// (edges in findings, flow, joins) is an index into this diagram.
    pub fn process<'a>(&'a self, drawn: &'a Diagram) -> &'a Diagram {
        self.reading.process(drawn)
    }
}

/// The analysis of one reading of the process.
struct Parts {
    flow: Flow,
    roles: Vec<Role>,
    joins: Vec<JoinInfo>,
    structure: Region,
    sound_by_structure: bool,
    findings: Vec<Finding>,
}

impl Parts {
    fn is_unsound(&self) -> bool {
        self.findings.iter().any(|finding| {
            matches!(
                finding,
                Finding::Deadlock { .. } | Finding::LackOfSynchronisation { .. } | Finding::Livelock { .. }
            )
        })
    }
}

/// More tasks with labelled outcomes than this are not tried as choices one
/// by one (each try is a whole analysis); all of them are tried at once.
const CHOICES_TRIED_ONE_BY_ONE: usize = 24;

/// Reads the drawing and analyses the process (roles, joins, structure, soundness) without telling
/// the findings as diagnostics; see [`lint`] for those.
pub fn analyse(diagram: &Diagram, options: &Options) -> Analysis {
    let mut reading = reading::read(diagram);
    let (parts, choices) = {
        let process = reading.process(diagram);
        let active = &reading.in_process;
        let literal = analyse_process(process, active, &[], options);
        if literal.is_unsound() {
            let candidates = reading::choice_candidates(process, &literal.flow.outgoing, &literal.roles, active);
            read_choices(process, active, candidates, options).unwrap_or((literal, Vec::new()))
        } else {
            (literal, Vec::new())
        }
    };
    reading.choices = choices;
    let mut findings = parts.findings;
    // Where nothing starts at all, W023 says so; a W025 per node would not.
    let starts = !parts.flow.sources.is_empty();
    findings.extend(
        reading
            .left_out
            .iter()
            .filter(|_| starts)
            .map(|left| Finding::Unreachable { node: left.node, stray_entry: left.stray_entry }),
    );
    let around = around::around(&reading, &parts.flow, &parts.roles, &parts.joins);
    Analysis {
        drawing: Drawing::new(diagram),
        around,
        reading,
        flow: parts.flow,
        roles: parts.roles,
        joins: parts.joins,
        structure: parts.structure,
        sound_by_structure: parts.sound_by_structure,
        findings,
    }
}

/// Reads tasks with labelled outcomes as choices when that makes the process
/// sound: all of them, then each one back as a fork where the process stays
/// sound without it, so only the choices soundness needs are read.
fn read_choices(
    process: &Diagram,
    active: &[bool],
    candidates: Vec<NodeIndex>,
    options: &Options,
) -> Option<(Parts, Vec<NodeIndex>)> {
    if candidates.is_empty() {
        return None;
    }
    let mut best = analyse_process(process, active, &candidates, options);
    if best.is_unsound() {
        return None;
    }
    let mut chosen = candidates.clone();
    if candidates.len() <= CHOICES_TRIED_ONE_BY_ONE {
        for candidate in candidates {
            let fewer: Vec<NodeIndex> = chosen.iter().copied().filter(|&c| c != candidate).collect();
            let attempt = analyse_process(process, active, &fewer, options);
            if !attempt.is_unsound() {
                chosen = fewer;
                best = attempt;
            }
        }
    }
    Some((best, chosen))
}

fn analyse_process(diagram: &Diagram, active: &[bool], choices: &[NodeIndex], options: &Options) -> Parts {
    let flow = Flow::of_process(diagram, active);
    let roles = roles::roles_reading(diagram, &flow, choices);
    let joins = joins::type_joins(diagram, &flow, &roles);
    let structure = structure::structure(diagram, &flow, &roles);
    let (blocks_sound, parts) = blocks_are_sound(&structure, &roles, &joins);
    let mut findings = soundness::graph_findings(diagram, &flow);
    let game = soundness::Game { diagram, flow: &flow, roles: &roles, joins: &joins, max_states: options.max_states };
    // Compositional: the blocks are sound by construction, so only the
    // unstructured parts need the token game, each on its own. Anything else
    // is played on the whole diagram.
    let local = blocks_sound && parts.iter().all(|(entry, exit)| entry.is_some() && exit.is_some());
    if local {
        for (entry, exit) in parts.iter().filter_map(|&(entry, exit)| entry.zip(exit)) {
            findings.extend(game.play_part(entry, exit));
        }
    } else {
        findings.extend(game.play());
    }
    let sound_by_structure = blocks_sound && parts.is_empty();
    Parts { flow, roles, joins, structure, sound_by_structure, findings }
}

/// Blocks whose joins are typed as the blocks say are sound by
/// construction: each branch hands its join exactly one token, and a loop is
/// left or repeated by the one decision at its end. Returns that verdict for
/// everything but the unstructured parts, and those parts as (entry, exit).
fn blocks_are_sound(structure: &Region, roles: &[Role], joins: &[JoinInfo]) -> (bool, Vec<Part>) {
    let mut parts = Vec::new();
    if joins.iter().any(|info| info.join == Join::Mixed) {
        return (false, parts);
    }
    let mut sound = true;
    structure.walk(&mut |region| match region {
        Region::Unstructured { entry, exit, .. } => parts.push((*entry, *exit)),
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
    (sound, parts)
}

/// An unstructured part: its entry (the split) and exit nodes.
type Part = (Option<NodeIndex>, Option<NodeIndex>);
