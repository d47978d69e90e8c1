//! Checking a SimWorkflow definition, hand-written or compiled: the JSON
//! Schema (closed world: documented fields only), then what a schema cannot
//! say. Targets exist in their own scope, which is what isolates branches;
//! names are unique across the whole definition; every scope can reach a
//! terminal task; and no task is unreachable. Every finding points into the
//! JSON text.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::json_positions::positions;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::Span;

/// Our JSON Schema of the SimWorkflow language (docs/semantics.md).
pub const SCHEMA: &str = include_str!("simworkflow.schema.json");

/// What checking one SimWorkflow definition found.
pub struct Report {
    /// Every finding, by position in the JSON text.
    pub diagnostics: Vec<Diagnostic>,
    /// Tasks in the whole definition, for the summary.
    pub tasks: usize,
}

/// Checks the SimWorkflow definition `text` against the schema and the rules a schema cannot say.
pub fn validate(text: &str) -> Report {
    // Definitions nest as deep as their blocks: no recursion limit (the
    // binary runs on a roomy stack; see main.rs).
    let parsed = {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deserializer.disable_recursion_limit();
        serde::Deserialize::deserialize(&mut deserializer).and_then(|value: Value| deserializer.end().map(|()| value))
    };
    let instance: Value = match parsed {
        Ok(value) => value,
        Err(error) => {
            let at = offset_of(text, error.line(), error.column());
            let diagnostic = Diagnostic::new(Code::E026, format!("not valid JSON: {error}"), Span::new(at, at), "here")
                .with_help("fix the JSON syntax first");
            return Report { diagnostics: vec![diagnostic], tasks: 0 };
        }
    };
    // Amazon States Language is the other JSON flowzap writes; a schema
    // report of it would be a page of noise about the wrong format.
    if instance.as_object().is_some_and(|o| o.contains_key("StartAt") && o.contains_key("States")) {
        let at = text.find("\"StartAt\"").unwrap_or(0);
        let diagnostic = Diagnostic::new(
            Code::E027,
            "this looks like Amazon States Language (`StartAt` and `States`), not a SimWorkflow definition",
            Span::new(at, at + "\"StartAt\"".len().min(text.len() - at)),
            "an ASL state machine",
        )
        .with_help(
            "validate-json checks SimWorkflow JSON (`flowzap compile --target workflow-json`); check ASL with an ASL \
             validator such as asl-validator, or AWS Step Functions' own",
        );
        return Report { diagnostics: vec![diagnostic], tasks: 0 };
    }
    let places = positions(text);
    let locate = |pointer: &str, key: bool| -> Span {
        // The nearest enclosing value that was found, for pointers into
        // values the walker did not index.
        match places.nearest(pointer) {
            Some((key_at, value_at)) => {
                let at = if key { key_at } else { value_at };
                Span::new(at, at + 1)
            }
            None => Span::new(0, 0),
        }
    };
    let mut diagnostics = Vec::new();
    schema_findings(&instance, &locate, &mut diagnostics);

    let mut scopes = Vec::new();
    collect_scopes(&instance, &mut scopes);
    let tasks = scopes.iter().map(|scope| scope.tasks.len()).sum();
    duplicate_names(&scopes, &locate, &mut diagnostics);
    for index in 0..scopes.len() {
        scope_findings(index, &scopes, &locate, &mut diagnostics);
    }
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.code));
    Report { diagnostics, tasks }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let rest = &text[line_start.min(text.len())..];
    line_start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(at, _)| at)
}

fn schema_findings(instance: &Value, locate: &dyn Fn(&str, bool) -> Span, out: &mut Vec<Diagnostic>) {
    let schema: Value = match serde_json::from_str(SCHEMA) {
        Ok(schema) => schema,
        Err(_) => return,
    };
    let Ok(validator) = jsonschema::validator_for(&schema) else { return };
    let mut seen = HashSet::new();
    for error in validator.iter_errors(instance) {
        let pointer = error.instance_path().to_string();
        let mut message = error.to_string();
        // The schema's "not an end task" rule reads badly as raw JSON.
        if message.contains(r#"{"required":["end"]"#) {
            message = "a Parallel or Decision task must not be an end task (`\"end\": true`)".to_owned();
        }
        if !seen.insert((pointer.clone(), message.clone())) {
            continue;
        }
        let shown = if pointer.is_empty() { "the definition".to_owned() } else { format!("`{pointer}`") };
        out.push(
            Diagnostic::new(Code::E027, format!("{shown}: {message}"), locate(&pointer, false), "breaks the schema")
                .with_help(
                    "SimWorkflow definitions use only the documented fields and task types; see docs/semantics.md",
                ),
        );
    }
}

/// One `{startTask, tasks}` object and where it sits: its parent scope and
/// the pointer from there (`/tasks/<name>/branches/<i>`), so pointers are
/// only spelt out for a finding, whatever the nesting depth.
struct ScopeRef<'a> {
    parent: Option<(usize, String)>,
    start: Option<&'a str>,
    tasks: Vec<(&'a str, &'a Value)>,
}

/// The JSON pointer of scope `index`.
fn pointer_of(scopes: &[ScopeRef<'_>], index: usize) -> String {
    let mut suffixes = Vec::new();
    let mut at = index;
    while let Some((parent, suffix)) = &scopes[at].parent {
        suffixes.push(suffix.as_str());
        at = *parent;
    }
    suffixes.iter().rev().copied().collect()
}

/// Every scope, parents first, without recursion (branches nest deep).
fn collect_scopes<'a>(root: &'a Value, out: &mut Vec<ScopeRef<'a>>) {
    let mut pending: Vec<(&'a Value, Option<(usize, String)>)> = vec![(root, None)];
    while let Some((scope, parent)) = pending.pop() {
        let Some(tasks) = scope.get("tasks").and_then(Value::as_object) else { continue };
        let start = scope.get("startTask").and_then(Value::as_str);
        let entries: Vec<(&str, &Value)> = tasks.iter().map(|(name, task)| (name.as_str(), task)).collect();
        let index = out.len();
        out.push(ScopeRef { parent, start, tasks: entries });
        let mut inner = Vec::new();
        for (name, task) in tasks {
            let task_pointer = format!("/tasks/{}", super::json_positions::escape(name));
            if let Some(branches) = task.get("branches").and_then(Value::as_array) {
                for (position, branch) in branches.iter().enumerate() {
                    inner.push((branch, Some((index, format!("{task_pointer}/branches/{position}")))));
                }
            }
            if let Some(processor) = task.get("itemProcessor") {
                inner.push((processor, Some((index, format!("{task_pointer}/itemProcessor")))));
            }
        }
        pending.extend(inner.into_iter().rev());
    }
}

fn duplicate_names(scopes: &[ScopeRef<'_>], locate: &dyn Fn(&str, bool) -> Span, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let pointer = |scope: usize, name: &str| {
        format!("{}/tasks/{}", pointer_of(scopes, scope), super::json_positions::escape(name))
    };
    for (index, scope) in scopes.iter().enumerate() {
        for (name, _) in &scope.tasks {
            match first.get(name) {
                Some(&earlier) => out.push(
                    Diagnostic::new(
                        Code::E029,
                        format!("task name `{name}` is used twice"),
                        locate(&pointer(index, name), true),
                        "second task with this name",
                    )
                    .with_label(locate(&pointer(earlier, name), true), "first one")
                    .with_help("task names are unique across the whole definition, branches included: rename one"),
                ),
                None => {
                    first.insert(name, index);
                }
            }
        }
    }
}

/// Every transition of a task: (pointer suffix, target name).
fn transitions(task: &Value) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    if let Some(next) = task.get("nextTask").and_then(Value::as_str) {
        found.push(("/nextTask".to_owned(), next));
    }
    if let Some(default) = task.get("defaultTask").and_then(Value::as_str) {
        found.push(("/defaultTask".to_owned(), default));
    }
    if let Some(choices) = task.get("choices").and_then(Value::as_array) {
        for (index, choice) in choices.iter().enumerate() {
            if let Some(next) = choice.get("nextTask").and_then(Value::as_str) {
                found.push((format!("/choices/{index}/nextTask"), next));
            }
        }
    }
    found
}

fn is_terminal(task: &Value) -> bool {
    task.get("end").and_then(Value::as_bool) == Some(true)
        || task.get("type").and_then(Value::as_str) == Some("Terminate")
}

fn scope_findings(index: usize, all: &[ScopeRef<'_>], locate: &dyn Fn(&str, bool) -> Span, out: &mut Vec<Diagnostic>) {
    let scope = &all[index];
    let here = || pointer_of(all, index);
    let names: HashSet<&str> = scope.tasks.iter().map(|(name, _)| *name).collect();
    let elsewhere = |target: &str| {
        all.iter()
            .enumerate()
            .any(|(other_index, other)| other_index != index && other.tasks.iter().any(|(n, _)| *n == target))
    };
    let unknown = |pointer: String, target: &str, what: &str| {
        let help = if elsewhere(target) {
            format!("`{target}` belongs to another scope: tasks in a branch transition only among themselves, and nothing outside may enter a branch")
        } else {
            format!("name a task of this scope's `tasks`, or add a task called `{target}`")
        };
        Diagnostic::new(
            Code::E028,
            format!("{what} `{target}` is not a task of this scope"),
            locate(&pointer, false),
            "unknown task",
        )
        .with_help(help)
    };
    match scope.start {
        Some(start) if !names.contains(start) => out.push(unknown(format!("{}/startTask", here()), start, "startTask")),
        _ => {}
    }
    for (name, task) in &scope.tasks {
        for (suffix, target) in transitions(task) {
            if !names.contains(target) {
                out.push(unknown(
                    format!("{}/tasks/{}{suffix}", here(), super::json_positions::escape(name)),
                    target,
                    "transition to",
                ));
            }
        }
    }
    // What the start reaches, inside this scope.
    let by_name: HashMap<&str, &Value> = scope.tasks.iter().copied().collect();
    let mut reached: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = scope.start.filter(|s| names.contains(s)).into_iter().collect();
    while let Some(name) = stack.pop() {
        if !reached.insert(name) {
            continue;
        }
        if let Some(task) = by_name.get(name) {
            stack.extend(transitions(task).into_iter().map(|(_, target)| target).filter(|t| names.contains(t)));
        }
    }
    if scope.start.is_some() && !reached.iter().any(|name| by_name.get(name).is_some_and(|task| is_terminal(task))) {
        let pointer = format!("{}/startTask", here());
        out.push(
            Diagnostic::new(
                Code::E030,
                "no terminal task can be reached from this scope's startTask",
                locate(&pointer, false),
                "never ends",
            )
            .with_help("give the last task of the scope `\"end\": true`, or lead it to a Terminate task"),
        );
    }
    for (name, _) in &scope.tasks {
        if !reached.contains(name) && scope.start.is_some_and(|start| names.contains(start)) {
            let pointer = format!("{}/tasks/{}", here(), super::json_positions::escape(name));
            out.push(
                Diagnostic::new(
                    Code::W031,
                    format!("no transition leads to task `{name}`"),
                    locate(&pointer, true),
                    "unreachable",
                )
                .with_help("lead a transition of this scope to it, or remove it"),
            );
        }
    }
}
