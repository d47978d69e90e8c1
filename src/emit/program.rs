//! A diagram lowered to a workflow program: named states in nested scopes,
//! built from the structure tree. Both JSON targets (SimWorkflow and Amazon
//! States Language) are serialisations of this one program.
//!
//! Lowering walks the tree backwards: each region is compiled knowing where
//! control goes after it, and returns where control enters it. State names
//! come from labels, decided up front, so loops can point back to states not
//! built yet.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use crate::analysis::{Analysis, Kind, Region};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Diagram, Shape};

/// Longest state name either target accepts, in characters.
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub name: String,
    pub main: Scope,
}

/// A `{startTask, tasks}` scope: the whole definition or one branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub start: String,
    pub states: Vec<State>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub name: String,
    /// The diagram node the state stands for, if any.
    pub node: Option<NodeIndex>,
    pub description: Option<String>,
    pub kind: StateKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    To(String),
    /// The last state of its scope.
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateKind {
    /// Work done by a person or a worker: a rectangle or taskbox.
    Task { next: Next },
    /// One outcome is taken: `(edge label, target)` in edge order, then the
    /// default target.
    Decision { choices: Vec<(String, String)>, default: String },
    /// Every branch runs; `next` follows when all are done.
    Parallel { branches: Vec<Scope>, next: String },
    /// The workflow ends successfully.
    Terminate,
}

/// Where control goes after a region.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cont {
    To(String),
    /// The end of a branch.
    BranchEnd,
    /// The end of the whole workflow.
    Finish,
}

/// Why a diagram cannot be compiled; each becomes a diagnostic.
type Refusal = Box<Diagnostic>;

struct Lowering<'a> {
    diagram: &'a Diagram,
    analysis: &'a Analysis,
    names: HashMap<NodeIndex, String>,
    taken: std::collections::HashSet<String>,
    /// States of the scopes being built, innermost last; each with the sort
    /// key that keeps output in diagram order.
    scopes: Vec<Vec<((usize, u8), State)>>,
}

/// Lowers a diagram that lints without errors. Refuses, with diagnostics
/// naming the places, what a nesting of parallel and decision blocks cannot
/// express.
pub fn lower(diagram: &Diagram, analysis: &Analysis, name: &str) -> Result<Program, Vec<Diagnostic>> {
    let mut refusals = unstructured_refusals(diagram, analysis);
    if let Some(refusal) = several_starts(diagram, analysis) {
        refusals.push(refusal);
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let mut lowering = Lowering {
        diagram,
        analysis,
        names: state_names(diagram, analysis),
        taken: std::collections::HashSet::new(),
        scopes: vec![Vec::new()],
    };
    lowering.taken.extend(lowering.names.values().cloned());
    let entry = lowering.region(&analysis.structure, Cont::Finish).map_err(|refusal| vec![*refusal])?;
    let start = match entry {
        Cont::To(start) => start,
        // Nothing to do at all: a single Terminate keeps the definition valid.
        Cont::BranchEnd | Cont::Finish => lowering.terminate_state("Done", (usize::MAX, 0)),
    };
    let states = lowering.close_scope();
    Ok(Program { name: name.to_owned(), main: Scope { start, states } })
}

/// Names from labels: unique across the whole program, at most 80
/// characters, a repeated label disambiguated by the node id.
fn state_names(diagram: &Diagram, analysis: &Analysis) -> HashMap<NodeIndex, String> {
    let base = |node: NodeIndex| -> String {
        let data = diagram.node(node);
        let label = data.display_label();
        let title = if data.shape == Shape::Taskbox { label.split('|').next().unwrap_or(label) } else { label };
        let title = title.trim();
        if title.is_empty() {
            data.id.clone()
        } else {
            title.to_owned()
        }
    };
    let named: Vec<NodeIndex> = diagram
        .node_indices()
        .filter(|&n| matches!(analysis.roles[n.index()].kind, Kind::Task | Kind::Decision | Kind::End))
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for &node in &named {
        *counts.entry(base(node)).or_default() += 1;
    }
    let mut names = HashMap::new();
    for node in named {
        let label = base(node);
        let name = if counts[&label] > 1 {
            let suffix = format!(" ({})", diagram.node(node).id);
            format!("{}{suffix}", cut(&label, MAX_NAME_CHARS - suffix.chars().count()))
        } else {
            cut(&label, MAX_NAME_CHARS)
        };
        names.insert(node, name);
    }
    names
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect::<String>().trim_end().to_owned()
}

/// Parts that are no nesting of blocks: labelled with their fork, their
/// join and an edge that crosses between branches.
fn unstructured_refusals(diagram: &Diagram, analysis: &Analysis) -> Vec<Diagnostic> {
    let mut refusals = Vec::new();
    analysis.structure.walk(&mut |region| {
        let Region::Unstructured { entry, exit, parts } = region else { return };
        let mut inside = Vec::new();
        for part in parts {
            part.walk(&mut |inner| {
                if let Region::Node { node } = inner {
                    inside.push(*node);
                }
            });
        }
        inside.sort();
        let id = |node: Option<NodeIndex>, absent: &str| node.map_or(absent.to_owned(), |n| format!("`{}`", diagram.node(n).id));
        let primary = entry.or(inside.first().copied()).map_or(crate::syntax::Span::default(), |n| diagram.node(n).id_span);
        let mut diagnostic = Diagnostic::new(
            Code::E024,
            format!(
                "cannot compile: the part from {} to {} is not block-structured",
                id(*entry, "the start"),
                id(*exit, "the end")
            ),
            primary,
            "paths part here…",
        );
        if let Some(exit) = exit {
            diagnostic = diagnostic.with_label(diagram.node(*exit).id_span, "…and meet here, but not as nested blocks");
        }
        // An edge into a node inside the part that already has another way
        // in: where the branches cross.
        let crossing = diagram.edges.iter().find(|edge| {
            inside.binary_search(&edge.target).is_ok()
                && Some(edge.target) != *entry
                && analysis.flow.incoming[edge.target.index()].len() > 1
        });
        if let Some(edge) = crossing {
            diagnostic = diagnostic.with_label(edge.span, "this edge joins paths of different branches");
        }
        refusals.push(diagnostic.with_help(
            "a workflow definition nests Parallel and Decision blocks: make every fork's branches meet at one join (and every decision's at one merge), or run `flowzap lint --structure` to see the unstructured part",
        ));
    });
    refusals
}

fn several_starts(diagram: &Diagram, analysis: &Analysis) -> Option<Diagnostic> {
    (analysis.flow.sources.len() > 1).then(|| {
        several_starts_diagnostic(
            diagram,
            &analysis.flow.sources,
            "cannot compile",
            "a workflow definition has one startTask: keep one start event and connect the others after it",
        )
    })
}

/// E025 for a diagram that starts at every node of `sources` (two or more),
/// labelling each of them.
pub fn several_starts_diagnostic(diagram: &Diagram, sources: &[NodeIndex], what: &str, help: &str) -> Diagnostic {
    let ids: Vec<String> = sources.iter().map(|&n| format!("`{}`", diagram.node(n).id)).collect();
    let mut diagnostic = Diagnostic::new(
        Code::E025,
        format!("{what}: the diagram starts at {} places ({})", sources.len(), ids.join(", ")),
        diagram.node(sources[0]).id_span,
        "one start",
    );
    for &other in &sources[1..] {
        diagnostic = diagnostic.with_label(diagram.node(other).id_span, "another start");
    }
    diagnostic.with_help(help)
}

fn refuse(span: crate::syntax::Span, message: String, label: &str, help: &str) -> Refusal {
    Box::new(Diagnostic::new(Code::E025, message, span, label).with_help(help))
}

impl Lowering<'_> {
    fn id(&self, node: NodeIndex) -> &str {
        &self.diagram.node(node).id
    }

    fn push(&mut self, key: (usize, u8), state: State) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((key, state));
        }
    }

    fn close_scope(&mut self) -> Vec<State> {
        let mut states = self.scopes.pop().unwrap_or_default();
        states.sort_by_key(|(key, _)| *key);
        states.into_iter().map(|(_, state)| state).collect()
    }

    /// A name not used yet, from `wanted`.
    fn fresh(&mut self, wanted: &str) -> String {
        let base = cut(wanted, MAX_NAME_CHARS);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            let suffix = format!(" {n}");
            name = format!("{}{suffix}", cut(&base, MAX_NAME_CHARS - suffix.len()));
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn terminate_state(&mut self, wanted: &str, key: (usize, u8)) -> String {
        let name = self.fresh(wanted);
        self.push(key, State { name: name.clone(), node: None, description: None, kind: StateKind::Terminate });
        name
    }

    /// A name to transition to: `Finish` becomes a Terminate state.
    fn target(
        &mut self,
        cont: &Cont,
        key: (usize, u8),
        span: crate::syntax::Span,
        what: &str,
    ) -> Result<String, Refusal> {
        match cont {
            Cont::To(name) => Ok(name.clone()),
            Cont::Finish => Ok(self.terminate_state("Done", key)),
            Cont::BranchEnd => Err(refuse(
                span,
                format!("cannot compile: {what} is the last step of a parallel branch"),
                "ends a branch",
                "a Decision or Parallel task cannot end a branch: add a task after it, before the branch ends",
            )),
        }
    }

    /// Adds the state that stands for `node`, named by its label; control
    /// enters the node there.
    fn node_state(&mut self, node: NodeIndex, kind: StateKind) -> Cont {
        let name = self.names[&node].clone();
        let state = State {
            name: name.clone(),
            node: Some(node),
            description: super::node_description(self.diagram.node(node)),
            kind,
        };
        self.push((node.index(), 1), state);
        Cont::To(name)
    }

    fn region(&mut self, region: &Region, next: Cont) -> Result<Cont, Refusal> {
        match region {
            Region::Node { node } => self.node(*node, next),
            Region::Sequence { parts } => self.sequence(parts, next),
            Region::Parallel { split, branches, .. } => self.parallel(*split, branches, next),
            Region::Choice { split: Some(decision), branches, .. } => self.choice(*decision, branches, next),
            Region::Choice { split: None, .. } | Region::Unstructured { .. } => Err(refuse(
                crate::syntax::Span::default(),
                "cannot compile: the diagram is not block-structured".to_owned(),
                "",
                "run `flowzap lint --structure` to see why",
            )),
            Region::Loop { body, back } => self.looping(body, back.as_deref(), next),
        }
    }

    fn sequence(&mut self, parts: &[Region], mut next: Cont) -> Result<Cont, Refusal> {
        // A decision is written as its own node followed by the choice it
        // opens; the choice builds the Decision state, so the node is skipped.
        let mut built_by_choice: Option<NodeIndex> = None;
        for part in parts.iter().rev() {
            if let (Region::Node { node }, Some(decision)) = (part, built_by_choice) {
                if *node == decision {
                    built_by_choice = None;
                    continue;
                }
            }
            if let Some(decision) = built_by_choice.take() {
                return Err(refuse(
                    self.diagram.node(decision).id_span,
                    format!("cannot compile: decision `{}` both closes a loop and opens a choice", self.id(decision)),
                    "decides twice",
                    "give the loop's decision and the following choice a node each",
                ));
            }
            if let Region::Choice { split: Some(decision), .. } = part {
                built_by_choice = Some(*decision);
            }
            next = self.region(part, next)?;
        }
        if built_by_choice.is_some() {
            // The choice opened the sequence: its decision came from outside
            // (it cannot, in a tree from the reduction), so this is a bug guard.
            return Err(refuse(
                crate::syntax::Span::default(),
                "cannot compile: a choice without its decision".to_owned(),
                "",
                "",
            ));
        }
        Ok(next)
    }

    fn node(&mut self, node: NodeIndex, next: Cont) -> Result<Cont, Refusal> {
        let role = self.analysis.roles[node.index()];
        match role.kind {
            Kind::Start | Kind::Intermediate => Ok(next),
            Kind::End => match next {
                Cont::BranchEnd => Ok(Cont::BranchEnd),
                _ => Ok(self.node_state(node, StateKind::Terminate)),
            },
            Kind::Task => {
                let next = match next {
                    Cont::To(target) => Next::To(target),
                    Cont::BranchEnd | Cont::Finish => Next::End,
                };
                Ok(self.node_state(node, StateKind::Task { next }))
            }
            Kind::Decision => {
                // A decision outside a choice or loop has one outcome.
                let span = self.diagram.node(node).id_span;
                let default = self.target(&next, (node.index(), 2), span, &format!("decision `{}`", self.id(node)))?;
                Ok(self.node_state(node, StateKind::Decision { choices: Vec::new(), default }))
            }
        }
    }

    fn parallel(&mut self, split: Option<NodeIndex>, branches: &[Region], next: Cont) -> Result<Cont, Refusal> {
        let Some(split) = split else {
            return Err(refuse(
                crate::syntax::Span::default(),
                "cannot compile: a parallel block without a fork".to_owned(),
                "",
                "",
            ));
        };
        let span = self.diagram.node(split).id_span;
        let key = (split.index(), 3);
        let mut scopes = Vec::new();
        for branch in branches {
            self.scopes.push(Vec::new());
            let entry = self.region(branch, Cont::BranchEnd)?;
            let states = self.close_scope();
            if let Cont::To(start) = entry {
                scopes.push(Scope { start, states });
            }
        }
        if scopes.is_empty() {
            return Ok(next);
        }
        let after =
            self.target(&next, (split.index(), 4), span, &format!("the parallel block after `{}`", self.id(split)))?;
        let wanted = match self.names.get(&split) {
            Some(split_name) => format!("Parallel after {split_name}"),
            None => format!("Parallel from {}", self.diagram.node(split).display_label()),
        };
        let name = self.fresh(&wanted);
        self.push(
            key,
            State {
                name: name.clone(),
                node: None,
                description: None,
                kind: StateKind::Parallel { branches: scopes, next: after },
            },
        );
        Ok(Cont::To(name))
    }

    /// The first diagram node control reaches in a region.
    fn entry_node(region: &Region) -> Option<NodeIndex> {
        match region {
            Region::Node { node } => Some(*node),
            Region::Sequence { parts } => parts.first().and_then(Self::entry_node),
            Region::Parallel { split, .. } | Region::Choice { split, .. } => *split,
            Region::Loop { body, .. } => Self::entry_node(body),
            Region::Unstructured { entry, .. } => *entry,
        }
    }

    /// The Decision state of `decision`: one choice per labelled outcome, the
    /// unlabelled (or else the last) outcome as default.
    fn decision_state(
        &mut self,
        decision: NodeIndex,
        target_of: &dyn Fn(NodeIndex) -> Option<String>,
        fallback: &str,
    ) -> Result<(), Refusal> {
        let outs = self.analysis.flow.outgoing[decision.index()].clone();
        let unlabelled: Vec<_> = outs.iter().filter(|e| self.diagram.edges[e.index()].label.is_none()).collect();
        if unlabelled.len() > 1 {
            return Err(Box::new(
                Diagnostic::new(
                    Code::E025,
                    format!("cannot compile: decision `{}` has {} outcomes without labels", self.id(decision), unlabelled.len()),
                    self.diagram.node(decision).id_span,
                    "which outcome is which?",
                )
                .with_label(self.diagram.edges[unlabelled[1].index()].span, "a second unlabelled outcome")
                .with_help("label every outcome (`[label=\"Yes\"]`): a compiled decision tests the labels, and only one outcome can be the default"),
            ));
        }
        let mut choices = Vec::new();
        let mut default = None;
        let default_edge = unlabelled.first().copied().copied().or(outs.last().copied());
        for edge in &outs {
            let data = &self.diagram.edges[edge.index()];
            let target = target_of(data.target).unwrap_or_else(|| fallback.to_owned());
            if Some(*edge) == default_edge {
                default = Some(target);
            } else if let Some(label) = &data.label {
                choices.push((label.clone(), target));
            }
        }
        let default = default.unwrap_or_else(|| fallback.to_owned());
        self.node_state(decision, StateKind::Decision { choices, default });
        Ok(())
    }

    fn choice(&mut self, decision: NodeIndex, branches: &[Region], next: Cont) -> Result<Cont, Refusal> {
        let span = self.diagram.node(decision).id_span;
        let mut entries: Vec<(Option<NodeIndex>, Option<String>)> = Vec::new();
        for branch in branches {
            let entry = match self.region(branch, next.clone())? {
                Cont::To(name) => Some(name),
                _ => None,
            };
            entries.push((Self::entry_node(branch), entry));
        }
        // Only an outcome that goes straight on (an empty branch) needs a
        // name for what follows the choice.
        let outs = self.analysis.flow.outgoing[decision.index()].clone();
        let straight_on = outs.iter().any(|edge| {
            let target = self.diagram.edges[edge.index()].target;
            !entries.iter().any(|(node, name)| *node == Some(target) && name.is_some())
        });
        let after = if straight_on {
            self.target(&next, (decision.index(), 4), span, &format!("decision `{}`", self.id(decision)))?
        } else {
            String::new()
        };
        let lookup = |target: NodeIndex| {
            entries.iter().find(|(node, _)| *node == Some(target)).and_then(|(_, name)| name.clone())
        };
        self.decision_state(decision, &lookup, &after)?;
        Ok(Cont::To(self.names[&decision].clone()))
    }

    fn looping(&mut self, body: &Region, back: Option<&Region>, next: Cont) -> Result<Cont, Refusal> {
        let Some(decision) = body.exit_node().filter(|&d| self.analysis.roles[d.index()].kind == Kind::Decision) else {
            let at = body.exit_node().map(|n| self.diagram.node(n).id_span).unwrap_or_default();
            return Err(refuse(
                at,
                "cannot compile: a cycle that no decision leaves".to_owned(),
                "the cycle turns here",
                "end the repeated part with a decision (diamond) whose outcomes go back or on",
            ));
        };
        let decision_name = self.names[&decision].clone();
        let span = self.diagram.node(decision).id_span;
        let after =
            self.target(&next, (decision.index(), 4), span, &format!("loop decision `{}`", self.id(decision)))?;
        // The body without its final decision leads to the decision.
        let body_without_decision: Vec<Region> = match body {
            Region::Sequence { parts } => parts[..parts.len().saturating_sub(1)].to_vec(),
            _ => Vec::new(),
        };
        let body_entry = match self.sequence(&body_without_decision, Cont::To(decision_name.clone()))? {
            Cont::To(name) => name,
            _ => decision_name.clone(),
        };
        let back_entry = match back {
            Some(back) => match self.region(back, Cont::To(body_entry.clone()))? {
                Cont::To(name) => name,
                _ => body_entry.clone(),
            },
            None => body_entry.clone(),
        };
        let body_first = Self::entry_node(body);
        let back_first = back.and_then(Self::entry_node);
        let lookup = |target: NodeIndex| {
            if Some(target) == back_first {
                Some(back_entry.clone())
            } else if Some(target) == body_first {
                Some(body_entry.clone())
            } else {
                None
            }
        };
        self.decision_state(decision, &lookup, &after)?;
        Ok(Cont::To(body_entry))
    }
}
