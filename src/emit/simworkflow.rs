//! A program as a SimWorkflow definition: `{name, startTask, tasks}` with
//! Simple, Decision, Parallel and Terminate tasks. Only documented fields.

use serde_json::{json, Map, Value};

use super::program::{Next, Program, Scope, StateKind};

/// The condition a choice tests: the outcome the previous task reported.
pub fn condition(label: &str) -> String {
    // A JSON string literal is a valid JavaScript string literal.
    format!("$.outcome === {}", Value::String(label.to_owned()))
}

fn scope_value(scope: &Scope) -> Value {
    let mut tasks = Map::new();
    for state in &scope.states {
        let mut task = Map::new();
        let kind = match &state.kind {
            StateKind::Task { .. } => "Simple",
            StateKind::Decision { .. } => "Decision",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Terminate => "Terminate",
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
            StateKind::Decision { choices, default } => {
                let choices: Vec<Value> = choices
                    .iter()
                    .map(|(label, target)| json!({ "condition": condition(label), "nextTask": target }))
                    .collect();
                task.insert("choices".into(), choices.into());
                task.insert("defaultTask".into(), default.clone().into());
            }
            StateKind::Parallel { branches, next } => {
                task.insert("branches".into(), branches.iter().map(scope_value).collect::<Vec<_>>().into());
                task.insert("nextTask".into(), next.clone().into());
            }
            StateKind::Terminate => {
                task.insert("terminationStatus".into(), "Completed".into());
            }
        }
        tasks.insert(state.name.clone(), Value::Object(task));
    }
    json!({ "startTask": scope.start, "tasks": tasks })
}

pub fn to_value(program: &Program) -> Value {
    let mut definition = Map::new();
    definition.insert("name".into(), program.name.clone().into());
    if let Value::Object(main) = scope_value(&program.main) {
        definition.extend(main);
    }
    Value::Object(definition)
}

pub fn to_string(program: &Program) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(program)).unwrap_or_default();
    text.push('\n');
    text
}
