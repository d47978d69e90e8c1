//! `flowzap check`: every problem of every file, then a summary per file.

use std::io::Write;

use super::io::{read_input, style, Input};
use super::{CheckArgs, Format, SeverityArgs, Status};
use flowzap::diagnostics::{Diagnostic, Severity, SeverityPolicy};
use flowzap::report::{render_human, to_json, JsonDiagnostic, SourceText};

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

/// What a command adds to `check` for a file that loaded without errors:
/// more findings, and optionally the structure tree.
pub enum Extra {
    None,
    Lint { options: flowzap::analysis::Options, structure: bool },
}

#[derive(serde::Serialize)]
struct FileSummary {
    file: String,
    lanes: usize,
    nodes: usize,
    edges: usize,
    errors: usize,
    warnings: usize,
    #[serde(skip_serializing_if = "is_zero")]
    notes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    structure: Option<serde_json::Value>,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

impl FileSummary {
    fn line(&self) -> String {
        let plural = |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
        let notes = if self.notes > 0 { format!(", {}", plural(self.notes, "note")) } else { String::new() };
        format!(
            "{}: {}, {}, {}, {}, {}{notes}",
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

pub fn run(args: &CheckArgs, color: bool, extra: &Extra) -> Status {
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
    // A report nobody received is a failure (a full disk, a closed pipe).
    let mut written = true;

    for path in &args.files {
        let mut structure: Option<(String, serde_json::Value)> = None;
        let (source, diagnostics, counts) = match read_input(path) {
            Err(message) => {
                eprintln!("error: {message}");
                status = status.max(Status::Trouble);
                continue;
            }
            Ok(Input::NotUtf8(source, diagnostic)) => (source, vec![diagnostic], (0, 0, 0)),
            Ok(Input::Text(source)) => {
                let mut document = super::io::document(&source.text);
                if let Extra::Lint { options, .. } = extra {
                    document = document.with_lint_options(*options);
                }
                let diagram = document.diagram();
                let counts = (diagram.lanes().len(), diagram.nodes().len(), diagram.edges().len());
                let diagnostics = match extra {
                    Extra::None => document.diagnostics().to_vec(),
                    Extra::Lint { .. } => document.lint_diagnostics(),
                };
                if let (Extra::Lint { structure: true, .. }, Some(analysis)) = (extra, document.analysis()) {
                    // Only the form the report prints is built.
                    structure = Some(match args.format {
                        Format::Human => (
                            flowzap::analysis::structure_text(diagram, &analysis.roles, &analysis.structure),
                            serde_json::Value::Null,
                        ),
                        Format::Json => {
                            (String::new(), flowzap::analysis::structure_json(diagram, &analysis.structure))
                        }
                    });
                }
                (source, policy.apply(diagnostics), counts)
            }
        };
        let mut summary = summarise(&source, &diagnostics, counts);
        if summary.errors > 0 {
            status = status.max(Status::Findings);
        }
        match args.format {
            Format::Human => {
                let text = render_human(&source, &diagnostics, style(color));
                written &= write!(stdout, "{text}").is_ok();
                if let Some((tree, _)) = &structure {
                    written &= writeln!(stdout, "structure of {}:", source.name).is_ok();
                    written &= write!(stdout, "{tree}").is_ok();
                }
                written &= writeln!(stdout, "{}", summary.line()).is_ok();
            }
            Format::Json => {
                report.diagnostics.extend(diagnostics.iter().map(|diagnostic| to_json(&source, diagnostic)));
                summary.structure = structure.map(|(_, json)| json);
                report.files.push(summary);
            }
        }
    }
    if args.format == Format::Json {
        let json = flowzap::emit::json_text(&report);
        written &= writeln!(stdout, "{json}").is_ok();
    }
    if !written || stdout.flush().is_err() {
        eprintln!("error: cannot write to standard output");
        return Status::Trouble;
    }
    status
}

fn summarise(
    source: &SourceText,
    diagnostics: &[Diagnostic],
    (lanes, nodes, edges): (usize, usize, usize),
) -> FileSummary {
    let count = |severity| diagnostics.iter().filter(|d| d.severity == severity).count();
    FileSummary {
        file: source.name.clone(),
        lanes,
        nodes,
        edges,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        notes: count(Severity::Info),
        structure: None,
    }
}
