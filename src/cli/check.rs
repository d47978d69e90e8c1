//! `flowzap check`: every problem of every file, then a summary per file.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::io::{plural, read_input, style, Input};
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

/// One file's share of the report, made on any thread and printed in
/// input order.
struct FileReport {
    /// What is said on standard error (a file that cannot be read).
    trouble: Option<String>,
    /// What is printed on standard output in the human format.
    text: String,
    summary: Option<FileSummary>,
    diagnostics: Vec<JsonDiagnostic>,
    status: Status,
}

/// The files the arguments name: a folder means every `.fz` and `.flowzap`
/// file under it.
fn expand(files: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut expanded = Vec::new();
    for file in files {
        if file.as_os_str() != "-" && file.is_dir() {
            let found = super::batch::diagrams_in(file)?;
            if found.is_empty() {
                return Err(format!("no .fz or .flowzap file in the folder `{}`", file.display()));
            }
            expanded.extend(found);
        } else {
            expanded.push(file.clone());
        }
    }
    Ok(expanded)
}

pub fn run(args: &CheckArgs, color: bool, extra: &Extra) -> Status {
    let (policy, files) = match policy(&args.severity).and_then(|policy| Ok((policy, expand(&args.files)?))) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let reports = super::batch::in_order(&files, &|path| check_one(path, args, &policy, color, extra));
    let mut status = Status::Ok;
    let mut report = JsonReport { files: Vec::new(), diagnostics: Vec::new() };
    let mut stdout = std::io::stdout().lock();
    // A report nobody received is a failure (a full disk, a closed pipe).
    let mut written = true;
    let (mut errors, mut warnings, mut failing) = (0, 0, 0);
    for file in reports {
        status = status.max(file.status);
        if let Some(message) = &file.trouble {
            eprintln!("error: {message}");
            failing += 1;
            continue;
        }
        written &= write!(stdout, "{}", file.text).is_ok();
        if let Some(summary) = file.summary {
            errors += summary.errors;
            warnings += summary.warnings;
            failing += usize::from(summary.errors > 0);
            report.files.push(summary);
        }
        report.diagnostics.extend(file.diagnostics);
    }
    match args.format {
        Format::Human if files.len() > 1 => {
            let failed = if failing > 0 { format!(" ({} failed)", plural(failing, "file")) } else { String::new() };
            written &= writeln!(
                stdout,
                "{} {}: {}, {}{failed}",
                if matches!(extra, Extra::None) { "checked" } else { "linted" },
                plural(files.len(), "file"),
                plural(errors, "error"),
                plural(warnings, "warning")
            )
            .is_ok();
        }
        Format::Human => {}
        Format::Json => {
            let json = flowzap::emit::json_text(&report);
            written &= writeln!(stdout, "{json}").is_ok();
        }
    }
    if !written || stdout.flush().is_err() {
        eprintln!("error: cannot write to standard output");
        return Status::Trouble;
    }
    status
}

fn check_one(path: &Path, args: &CheckArgs, policy: &SeverityPolicy, color: bool, extra: &Extra) -> FileReport {
    let mut structure: Option<(String, serde_json::Value)> = None;
    // `lint`'s one line about the forks, decisions, joins and merges.
    let mut overview: Option<String> = None;
    let (source, diagnostics, counts) = match read_input(path) {
        Err(message) => {
            return FileReport {
                trouble: Some(message),
                text: String::new(),
                summary: None,
                diagnostics: Vec::new(),
                status: Status::Trouble,
            }
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
            if let (Extra::Lint { .. }, Format::Human, Some(analysis)) = (extra, args.format, document.analysis()) {
                overview = Some(flowzap::analysis::structure_summary(diagram, &analysis.roles, &analysis.joins));
            }
            if let (Extra::Lint { structure: true, .. }, Some(analysis)) = (extra, document.analysis()) {
                // Only the form the report prints is built.
                structure = Some(match args.format {
                    Format::Human => (
                        flowzap::analysis::structure_text(diagram, &analysis.roles, &analysis.structure),
                        serde_json::Value::Null,
                    ),
                    Format::Json => (String::new(), flowzap::analysis::structure_json(diagram, &analysis.structure)),
                });
            }
            (source, policy.apply(diagnostics), counts)
        }
    };
    let mut summary = summarise(&source, &diagnostics, counts);
    let status = if summary.errors > 0 { Status::Findings } else { Status::Ok };
    match args.format {
        Format::Human => {
            let mut text = render_human(&source, &diagnostics, style(color));
            if let Some((tree, _)) = &structure {
                text.push_str(&format!("structure of {}:\n{tree}", source.name));
            }
            if let Some(overview) = &overview {
                text.push_str(&format!("{}: {overview}\n", source.name));
            }
            text.push_str(&summary.line());
            text.push('\n');
            FileReport { trouble: None, text, summary: Some(summary), diagnostics: Vec::new(), status }
        }
        Format::Json => {
            let diagnostics = diagnostics.iter().map(|diagnostic| to_json(&source, diagnostic)).collect();
            summary.structure = structure.map(|(_, json)| json);
            FileReport { trouble: None, text: String::new(), summary: Some(summary), diagnostics, status }
        }
    }
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
