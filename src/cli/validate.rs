//! `flowzap validate-json`: findings in SimWorkflow definitions, pointing
//! into the JSON.

use std::io::Write;

use super::io::{plural, read_input, style, Input};
use super::{Format, Status, ValidateArgs};
use flowzap::report::{render_human, to_json, JsonDiagnostic};

/// One file's counts in the JSON report, as `check` gives them.
#[derive(serde::Serialize)]
struct FileSummary {
    file: String,
    tasks: usize,
    errors: usize,
    warnings: usize,
}

/// The JSON report: the shape every command's `--format json` findings have.
#[derive(serde::Serialize)]
struct JsonReport {
    files: Vec<FileSummary>,
    diagnostics: Vec<JsonDiagnostic>,
}

pub fn run(args: &ValidateArgs, color: bool) -> Status {
    let mut status = Status::Ok;
    let mut all = JsonReport { files: Vec::new(), diagnostics: Vec::new() };
    let mut stdout = std::io::stdout().lock();
    // A report nobody received is a failure (a full disk, a closed pipe).
    let mut written = true;
    for path in &args.files {
        let (source, report) = match read_input(path) {
            Err(message) => {
                eprintln!("error: {message}");
                status = status.max(Status::Trouble);
                continue;
            }
            Ok(Input::NotUtf8(source, diagnostic)) => {
                (source, flowzap::emit::validate_json::Report { diagnostics: vec![diagnostic], tasks: 0 })
            }
            Ok(Input::Text(source)) => {
                let report = flowzap::emit::validate_json::validate(&source.text);
                (source, report)
            }
        };
        let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            status = status.max(Status::Findings);
        }
        let warnings = report.diagnostics.len() - errors;
        match args.format {
            Format::Human => {
                written &= write!(stdout, "{}", render_human(&source, &report.diagnostics, style(color))).is_ok();
                written &= writeln!(
                    stdout,
                    "{}: {}, {}, {}",
                    source.name,
                    plural(report.tasks, "task"),
                    plural(errors, "error"),
                    plural(warnings, "warning")
                )
                .is_ok();
            }
            Format::Json => {
                all.diagnostics.extend(report.diagnostics.iter().map(|d| to_json(&source, d)));
                all.files.push(FileSummary { file: source.name.clone(), tasks: report.tasks, errors, warnings });
            }
        }
    }
    if args.format == Format::Json {
        written &= writeln!(stdout, "{}", flowzap::emit::json_text(&all)).is_ok();
    }
    if !written || stdout.flush().is_err() {
        eprintln!("error: cannot write to standard output");
        return Status::Trouble;
    }
    status
}
