//! `flowzap check`: every problem of every file, then a summary per file.

use std::io::Write;

use super::io::{read_input, style, Input};
use super::report::{render_human, to_json, JsonDiagnostic, SourceText};
use super::{CheckArgs, Format, SeverityArgs, Status};
use crate::diagnostics::{Diagnostic, SeverityPolicy};

pub fn policy(args: &SeverityArgs) -> Result<SeverityPolicy, String> {
    let mut policy = SeverityPolicy::default();
    for code in &args.deny {
        policy.deny(code).map_err(|error| error.to_string())?;
    }
    for code in &args.allow {
        policy.allow(code).map_err(|error| error.to_string())?;
    }
    for code in &args.warn {
        policy.warn(code).map_err(|error| error.to_string())?;
    }
    Ok(policy)
}

#[derive(serde::Serialize)]
struct FileSummary {
    file: String,
    lanes: usize,
    nodes: usize,
    edges: usize,
    errors: usize,
    warnings: usize,
}

impl FileSummary {
    fn line(&self) -> String {
        let plural = |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
        format!(
            "{}: {}, {}, {}, {}, {}",
            self.file,
            plural(self.lanes, "lane"),
            plural(self.nodes, "node"),
            plural(self.edges, "edge"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

#[derive(serde::Serialize)]
struct JsonReport {
    files: Vec<FileSummary>,
    diagnostics: Vec<JsonDiagnostic>,
}

pub fn run(args: &CheckArgs, color: bool) -> Status {
    let policy = match policy(&args.severity) {
        Ok(policy) => policy,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let mut status = Status::Ok;
    let mut report = JsonReport { files: Vec::new(), diagnostics: Vec::new() };
    let mut stdout = std::io::stdout().lock();

    for path in &args.files {
        let (source, diagnostics, counts) = match read_input(path) {
            Err(message) => {
                eprintln!("error: {message}");
                status = status.max(Status::Trouble);
                continue;
            }
            Ok(Input::NotUtf8(source, diagnostic)) => (source, vec![diagnostic], (0, 0, 0)),
            Ok(Input::Text(source)) => {
                let loaded = crate::load(&source.text);
                let diagram = &loaded.diagram;
                let counts = (diagram.lanes.len(), diagram.nodes.len(), diagram.edges.len());
                (source, policy.apply(loaded.diagnostics), counts)
            }
        };
        let summary = summarise(&source, &diagnostics, counts);
        if summary.errors > 0 {
            status = status.max(Status::Findings);
        }
        match args.format {
            Format::Human => {
                let text = render_human(&source, &diagnostics, style(color));
                let _ = write!(stdout, "{text}");
                let _ = writeln!(stdout, "{}", summary.line());
            }
            Format::Json => {
                report.diagnostics.extend(diagnostics.iter().map(|diagnostic| to_json(&source, diagnostic)));
                report.files.push(summary);
            }
        }
    }
    if args.format == Format::Json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => {
                let _ = writeln!(stdout, "{json}");
            }
            Err(error) => {
                eprintln!("error: cannot encode the report: {error}");
                return Status::Trouble;
            }
        }
    }
    let _ = stdout.flush();
    status
}

fn summarise(
    source: &SourceText,
    diagnostics: &[Diagnostic],
    (lanes, nodes, edges): (usize, usize, usize),
) -> FileSummary {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    FileSummary { file: source.name.clone(), lanes, nodes, edges, errors, warnings: diagnostics.len() - errors }
}
