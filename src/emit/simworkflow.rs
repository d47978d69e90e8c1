//! A program as a SimWorkflow definition: `{name, startTask, tasks}` with
//! Simple, Decision, Parallel, JQ and Terminate tasks. Only documented fields.

use serde_json::{json, Map, Value};

use super::program::{Next, Program, Reads, Scope, StateKind};

/// The condition a choice tests: the outcome under `key` in the output of
/// the task before the decision, or right after a Parallel, in the output
/// of any of its branches (an object with one field per branch).
pub fn condition(key: &str, reads: Reads, value: &str) -> String {
    // Keys are identifiers (see `outcomes::outcome_key`).
    let value = super::string_literal(value);
    let direct = format!("$.{key} === {value}");
    // A branch that ends after a decision ends in the no-op JQ task, whose
    // output wraps its input as `result`.
    let branches = format!(
        "Object.values($).some((branch) => branch !== null && typeof branch === \"object\" && (branch.{key} === {value} || (branch.result !== null && typeof branch.result === \"object\" && branch.result.{key} === {value})))"
    );
    match (reads.direct, reads.branches > 0) {
        (true, true) => format!("{direct} || {branches}"),
        (false, true) => branches,
        _ => direct,
    }
}

fn scope_value(scope: &Scope, branches: Vec<Vec<Value>>) -> Value {
    let mut branches = branches.into_iter();
    let mut tasks = Map::new();
    for state in &scope.states {
        let mut task = Map::new();
        let kind = match &state.kind {
            StateKind::Task { .. } => "Simple",
            StateKind::Decision { .. } => "Decision",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Terminate => "Terminate",
            StateKind::BranchEnd => "JQ",
        };
        task.insert("type".into(), kind.into());
        if let Some(description) = &state.description {
            task.insert("description".into(), description.clone().into());
        }
        match &state.kind {
            StateKind::Task { next: Next::To(next) } => {
                task.insert("nextTask".into(), next.clone().into());
            }
            StateKind::Task { next: Next::End } => {
                task.insert("end".into(), true.into());
            }
            StateKind::Decision { key, reads, choices, default } => {
                let choices: Vec<Value> = choices
                    .iter()
                    .map(|(value, target)| json!({ "condition": condition(key, *reads, value), "nextTask": target }))
                    .collect();
                task.insert("choices".into(), choices.into());
                task.insert("defaultTask".into(), default.clone().into());
            }
            StateKind::Parallel { next, .. } => {
                task.insert("branches".into(), branches.next().unwrap_or_default().into());
                task.insert("nextTask".into(), next.clone().into());
            }
            StateKind::Terminate => {
                task.insert("terminationStatus".into(), "Completed".into());
            }
            StateKind::BranchEnd => {
                // The identity filter: passes its input on, needs no worker.
                task.insert("filter".into(), ".".into());
                task.insert("end".into(), true.into());
            }
        }
        tasks.insert(state.name.clone(), Value::Object(task));
    }
    let mut out = Map::new();
    out.insert("startTask".into(), scope.start.clone().into());
    out.insert("tasks".into(), Value::Object(tasks));
    Value::Object(out)
}

/// The program as SimWorkflow's parallel-workflow JSON.
pub fn to_value(program: &Program) -> Value {
    let mut definition = Map::new();
    definition.insert("name".into(), program.name.clone().into());
    if let Some(Value::Object(main)) = super::program::fold_scopes(&program.main, scope_value) {
        definition.extend(main);
    }
    Value::Object(definition)
}

/// [`to_value`] as pretty-printed JSON with a final newline.
pub fn to_string(program: &Program) -> String {
    let mut text = super::json_text(&to_value(program));
    text.push('\n');
    text
}
