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

pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Tasks in the whole definition, for the summary.
    pub tasks: usize,
}

pub fn validate(text: &str) -> Report {
    let instance: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let at = offset_of(text, error.line(), error.column());
            let diagnostic = Diagnostic::new(Code::E026, format!("not valid JSON: {error}"), Span::new(at, at), "here")
                .with_help("fix the JSON syntax first");
            return Report { diagnostics: vec![diagnostic], tasks: 0 };
        }
    };
    let places = positions(text);
    let locate = |pointer: &str, key: bool| -> Span {
        // The nearest enclosing value that was found, for pointers into
        // values the walker did not index.
        let mut pointer = pointer.to_owned();
        loop {
            if let Some(&(key_at, value_at)) = places.get(&pointer) {
                let at = if key { key_at } else { value_at };
                return Span::new(at, at + 1);
            }
            match pointer.rfind('/') {
                Some(cut) => pointer.truncate(cut),
                None => return Span::new(0, 0),
            }
        }
    };
    let mut diagnostics = Vec::new();
    schema_findings(&instance, &locate, &mut diagnostics);

    let mut scopes = Vec::new();
    collect_scopes(&instance, String::new(), &mut scopes);
    let tasks = scopes.iter().map(|scope| scope.tasks.len()).sum();
    duplicate_names(&scopes, &locate, &mut diagnostics);
    for scope in &scopes {
        scope_findings(scope, &scopes, &locate, &mut diagnostics);
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

/// One `{startTask, tasks}` object and where it sits.
struct ScopeRef<'a> {
    pointer: String,
    start: Option<&'a str>,
    tasks: Vec<(&'a str, &'a Value)>,
}

fn collect_scopes<'a>(scope: &'a Value, pointer: String, out: &mut Vec<ScopeRef<'a>>) {
    let Some(tasks) = scope.get("tasks").and_then(Value::as_object) else { return };
    let start = scope.get("startTask").and_then(Value::as_str);
    let entries: Vec<(&str, &Value)> = tasks.iter().map(|(name, task)| (name.as_str(), task)).collect();
    out.push(ScopeRef { pointer: pointer.clone(), start, tasks: entries });
    for (name, task) in tasks {
        let task_pointer = format!("{pointer}/tasks/{}", name.replace('~', "~0").replace('/', "~1"));
        if let Some(branches) = task.get("branches").and_then(Value::as_array) {
            for (index, branch) in branches.iter().enumerate() {
                collect_scopes(branch, format!("{task_pointer}/branches/{index}"), out);
            }
        }
        if let Some(processor) = task.get("itemProcessor") {
            collect_scopes(processor, format!("{task_pointer}/itemProcessor"), out);
        }
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn duplicate_names(scopes: &[ScopeRef<'_>], locate: &dyn Fn(&str, bool) -> Span, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, String> = HashMap::new();
    for scope in scopes {
        for (name, _) in &scope.tasks {
            let pointer = format!("{}/tasks/{}", scope.pointer, escape(name));
            match first.get(name) {
                Some(earlier) => out.push(
                    Diagnostic::new(
                        Code::E029,
                        format!("task name `{name}` is used twice"),
                        locate(&pointer, true),
                        "second task with this name",
                    )
                    .with_label(locate(earlier, true), "first one")
                    .with_help("task names are unique across the whole definition, branches included: rename one"),
                ),
                None => {
                    first.insert(name, pointer);
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

fn scope_findings(
    scope: &ScopeRef<'_>,
    all: &[ScopeRef<'_>],
    locate: &dyn Fn(&str, bool) -> Span,
    out: &mut Vec<Diagnostic>,
) {
    let names: HashSet<&str> = scope.tasks.iter().map(|(name, _)| *name).collect();
    let elsewhere = |target: &str| {
        all.iter().any(|other| other.pointer != scope.pointer && other.tasks.iter().any(|(n, _)| *n == target))
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
        Some(start) if !names.contains(start) => {
            out.push(unknown(format!("{}/startTask", scope.pointer), start, "startTask"))
        }
        _ => {}
    }
    for (name, task) in &scope.tasks {
        for (suffix, target) in transitions(task) {
            if !names.contains(target) {
                out.push(unknown(format!("{}/tasks/{}{suffix}", scope.pointer, escape(name)), target, "transition to"));
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
        let pointer = format!("{}/startTask", scope.pointer);
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
            let pointer = format!("{}/tasks/{}", scope.pointer, escape(name));
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
