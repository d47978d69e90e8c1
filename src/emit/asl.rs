//! A program as Amazon States Language: `Pass` for tasks, `Choice` on
//! `$.outcome`, `Parallel` with `Branches` (results discarded, so the input
//! and its outcome flow on), `Succeed` for end events.

use serde_json::{json, Map, Value};

use super::program::{Next, Program, Scope, StateKind};

fn machine(scope: &Scope) -> Value {
    let mut states = Map::new();
    for state in &scope.states {
        let mut out = Map::new();
        let kind = match &state.kind {
            StateKind::Task { .. } => "Pass",
            StateKind::Decision { .. } => "Choice",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Terminate => "Succeed",
        };
        out.insert("Type".into(), kind.into());
        if let Some(description) = &state.description {
            out.insert("Comment".into(), description.clone().into());
        }
        match &state.kind {
            StateKind::Task { next: Next::To(next) } => {
                out.insert("Next".into(), next.clone().into());
            }
            StateKind::Task { next: Next::End } => {
                out.insert("End".into(), true.into());
            }
            StateKind::Decision { choices, default } => {
                // Testing presence first keeps an input without an outcome on
                // the default path: StringEquals alone fails on a missing value.
                let choices: Vec<Value> = choices
                    .iter()
                    .map(|(label, target)| {
                        json!({
                            "And": [
                                { "Variable": "$.outcome", "IsPresent": true },
                                { "Variable": "$.outcome", "StringEquals": label }
                            ],
                            "Next": target
                        })
                    })
                    .collect();
                // ASL requires at least one choice; a one-outcome decision
                // goes to its only target whatever the input says.
                let choices = if choices.is_empty() {
                    vec![json!({ "Variable": "$.outcome", "IsPresent": true, "Next": default })]
                } else {
                    choices
                };
                out.insert("Choices".into(), choices.into());
                out.insert("Default".into(), default.clone().into());
            }
            StateKind::Parallel { branches, next } => {
                out.insert("Branches".into(), branches.iter().map(machine).collect::<Vec<_>>().into());
                out.insert("ResultPath".into(), Value::Null);
                out.insert("Next".into(), next.clone().into());
            }
            StateKind::Terminate => {}
        }
        states.insert(state.name.clone(), Value::Object(out));
    }
    json!({ "StartAt": scope.start, "States": states })
}

pub fn to_value(program: &Program) -> Value {
    let mut definition = Map::new();
    definition.insert("Comment".into(), format!("{} (compiled by flowzap from FlowZap Code)", program.name).into());
    if let Value::Object(main) = machine(&program.main) {
        definition.extend(main);
    }
    Value::Object(definition)
}

pub fn to_string(program: &Program) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(program)).unwrap_or_default();
    text.push('\n');
    text
}
