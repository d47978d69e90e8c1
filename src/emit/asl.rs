//! A program as Amazon States Language: `Task` states for the work (their
//! `Resource` from a template the user sets), `Choice` on each decision's
//! outcome key, `Parallel` with `Branches`, `Succeed` for end events and
//! `Pass` where a branch ends after a decision or a Parallel.

use serde_json::{json, Map, Value};

use super::program::{Next, Program, Reads, Scope, StateKind};
use crate::model::Diagram;

/// The `Resource` of every Task unless `--asl-resource` says otherwise: a
/// placeholder activity per node, a valid ARN to replace before deploying.
pub const DEFAULT_RESOURCE: &str = "arn:aws:states:::activity:{id}";

/// A Task's `Resource`: `template` with `{id}` (the node id) and `{lane}`
/// (its lane id) filled in.
pub fn resource(template: &str, diagram: &Diagram, node: Option<petgraph::graph::NodeIndex>) -> String {
    match node {
        Some(node) => {
            let data = diagram.node(node);
            template.replace("{id}", &data.id).replace("{lane}", &diagram.lane(data.lane).id)
        }
        None => template.replace("{id}", "task").replace("{lane}", "process"),
    }
}

/// One choice rule: the value under `key` equals `value`, in the data
/// itself or, right after a Parallel, in any branch's element of it.
/// Testing presence first keeps data without the key on the default path:
/// `StringEquals` alone fails on a missing value.
fn rule(key: &str, reads: Reads, value: &str) -> Value {
    let test = |path: String| {
        json!({ "And": [
            { "Variable": path, "IsPresent": true },
            { "Variable": path, "StringEquals": value }
        ] })
    };
    let mut tests = Vec::new();
    if reads.direct || reads.branches == 0 {
        tests.push(test(format!("$.{key}")));
    }
    for branch in 0..reads.branches {
        tests.push(test(format!("$[{branch}].{key}")));
    }
    if tests.len() == 1 {
        tests.remove(0)
    } else {
        json!({ "Or": tests })
    }
}

fn machine(scope: &Scope, branches: Vec<Vec<Value>>, diagram: &Diagram, template: &str) -> Value {
    let mut branches = branches.into_iter();
    let mut states = Map::new();
    for state in &scope.states {
        let mut out = Map::new();
        let kind = match &state.kind {
            StateKind::Task { .. } => "Task",
            StateKind::Decision { .. } => "Choice",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Terminate => "Succeed",
            StateKind::BranchEnd => "Pass",
        };
        out.insert("Type".into(), kind.into());
        if let Some(description) = &state.description {
            out.insert("Comment".into(), description.clone().into());
        }
        match &state.kind {
            StateKind::Task { next } => {
                out.insert("Resource".into(), resource(template, diagram, state.node).into());
                match next {
                    Next::To(next) => out.insert("Next".into(), next.clone().into()),
                    Next::End => out.insert("End".into(), true.into()),
                };
            }
            StateKind::Decision { key, reads, choices, default } => {
                let choices: Vec<Value> = choices
                    .iter()
                    .map(|(value, target)| {
                        let mut choice = rule(key, *reads, value);
                        if let Value::Object(fields) = &mut choice {
                            fields.insert("Next".into(), target.clone().into());
                        }
                        choice
                    })
                    .collect();
                out.insert("Choices".into(), choices.into());
                out.insert("Default".into(), default.clone().into());
            }
            StateKind::Parallel { next, .. } => {
                out.insert("Branches".into(), branches.next().unwrap_or_default().into());
                out.insert("Next".into(), next.clone().into());
            }
            StateKind::Terminate => {}
            StateKind::BranchEnd => {
                out.insert("End".into(), true.into());
            }
        }
        states.insert(state.name.clone(), Value::Object(out));
    }
    let mut machine = Map::new();
    machine.insert("StartAt".into(), scope.start.clone().into());
    machine.insert("States".into(), Value::Object(states));
    Value::Object(machine)
}

/// The program as an Amazon States Language definition; `template` is every Task state's `Resource`
/// (`{id}`, `{lane}` filled in).
pub fn to_value(program: &Program, diagram: &Diagram, template: &str) -> Value {
    let mut definition = Map::new();
    definition.insert("Comment".into(), format!("{} (compiled by flowzap from FlowZap Code)", program.name).into());
    let built =
        super::program::fold_scopes(&program.main, |scope, branches| machine(scope, branches, diagram, template));
    if let Some(Value::Object(main)) = built {
        definition.extend(main);
    }
    Value::Object(definition)
}

/// [`to_value`] as pretty-printed JSON with a final newline.
pub fn to_string(program: &Program, diagram: &Diagram, template: &str) -> String {
    let mut text = super::json_text(&to_value(program, diagram, template));
    text.push('\n');
    text
}
