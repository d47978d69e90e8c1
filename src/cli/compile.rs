//! `flowzap compile`: a diagram in, a workflow definition out, or a refusal
//! that says why. Nothing is written when there is any error.

use std::path::{Path, PathBuf};

use super::io::{document, emit, read_text, style, Input};
use super::{CompileArgs, Format, Status};
use flowzap::report::{render_human, SourceText};
use flowzap::{CompileOptions, Compiled};

pub fn run(args: &CompileArgs, color: bool) -> Status {
    let batch = !matches!(args.files.as_slice(), [file] if args.out_dir.is_none() && !file.is_dir());
    match (batch, args.format) {
        (false, Format::Human) => single(args, &args.files[0], color),
        (true, Format::Human) => {
            super::batch::run(&args.files, args.out_dir.as_deref(), "compiled", "compiling", &|job| {
                let (outcome, source) = compile_job(args, job);
                let said = outcome.human(source.as_ref(), color);
                (said, outcome.status, usize::from(outcome.output.is_some()))
            })
        }
        (false, Format::Json) => json_report(args, &args.files[..1], None),
        (true, Format::Json) => json_report(args, &args.files, args.out_dir.as_deref()),
    }
}

/// The extension of a target's files.
fn extension(target: flowzap::Target) -> &'static str {
    match target {
        flowzap::Target::WorkflowJson => "workflow.json",
        flowzap::Target::Asl => "asl.json",
        flowzap::Target::Bpmn => "bpmn",
    }
}

/// What compiling one file came to.
struct Outcome {
    file: String,
    diagnostics: Vec<flowzap::diagnostics::Diagnostic>,
    status: Status,
    /// Where the definition went (a file, or `-` for standard output);
    /// `None` when it was not written.
    output: Option<String>,
    /// A sentence when reading or writing failed.
    trouble: Option<String>,
}

impl Outcome {
    /// Nothing found, nothing written yet.
    fn new(file: String) -> Self {
        Outcome { file, diagnostics: Vec::new(), status: Status::Ok, output: None, trouble: None }
    }

    fn trouble(file: String, message: String) -> Self {
        Outcome { status: Status::Trouble, trouble: Some(message), ..Outcome::new(file) }
    }

    /// The report as `check` prints it, then what became of the file.
    fn human(&self, source: Option<&SourceText>, color: bool) -> String {
        let mut said = match source {
            Some(source) if !self.diagnostics.is_empty() => render_human(source, &self.diagnostics, style(color)),
            _ => String::new(),
        };
        if let Some(message) = &self.trouble {
            said.push_str(&format!("error: {message}\n"));
        } else if self.status == Status::Findings {
            said.push_str(&format!("error: `{}` was not compiled; nothing written\n", self.file));
        }
        said
    }
}

fn options(args: &CompileArgs, file: &std::path::Path, batch: bool) -> CompileOptions {
    CompileOptions {
        name: args.name.clone().filter(|_| !batch).unwrap_or_else(|| default_name(file)),
        allow_unsound: args.allow_unsound,
        asl_resource: args.asl_resource.clone(),
        engine: args.engine,
    }
}

/// Compiles `source` and writes it to `output` (standard output when
/// `None` or `-`), never over `input`.
fn compile_source(
    args: &CompileArgs,
    input: &Path,
    source: &SourceText,
    output: Option<&Path>,
    batch: bool,
) -> Outcome {
    let mut outcome = Outcome::new(source.name.clone());
    match document(&source.text).compile(args.target, &options(args, input, batch)) {
        Ok(Compiled { text, diagnostics }) => {
            outcome.diagnostics = diagnostics;
            let written = match output {
                Some(path) if batch => super::batch::write_output(path, text.as_bytes()),
                _ => emit(output, text.as_bytes(), &[input]),
            };
            match written {
                Ok(()) => {
                    outcome.output = Some(match output.filter(|path| path.as_os_str() != "-") {
                        Some(path) => path.display().to_string(),
                        None => "-".to_owned(),
                    });
                }
                Err(message) => {
                    outcome.status = Status::Trouble;
                    outcome.trouble = Some(message);
                }
            }
        }
        Err(diagnostics) => {
            outcome.diagnostics = diagnostics;
            outcome.status = Status::Findings;
        }
    }
    outcome
}

/// Reads `input` and compiles it to `output`; the source comes back for
/// the report.
fn compile_read(args: &CompileArgs, input: &Path, output: Option<&Path>, batch: bool) -> (Outcome, Option<SourceText>) {
    let name = super::io::display_name(input);
    match super::io::read_input(input) {
        Err(message) => (Outcome::trouble(name, message), None),
        Ok(Input::NotUtf8(source, diagnostic)) => {
            let outcome = Outcome { diagnostics: vec![diagnostic], status: Status::Findings, ..Outcome::new(name) };
            (outcome, Some(source))
        }
        Ok(Input::Text(source)) => (compile_source(args, input, &source, output, batch), Some(source)),
    }
}

/// One file of a batch, named after its file.
fn compile_job(args: &CompileArgs, job: &super::batch::Job) -> (Outcome, Option<SourceText>) {
    compile_read(args, &job.input, Some(&job.output.with_extension(extension(args.target))), true)
}

/// One file, to `-o` or standard output.
fn single(args: &CompileArgs, file: &Path, color: bool) -> Status {
    let source = match read_text(file, color) {
        Ok(source) => source,
        Err(status) => return status,
    };
    let outcome = compile_source(args, file, &source, args.output.as_deref(), false);
    eprint!("{}", outcome.human(Some(&source), color));
    outcome.status
}

#[derive(serde::Serialize)]
struct FileSummary {
    file: String,
    errors: usize,
    warnings: usize,
    /// Where the definition was written (`-`: standard output); null when
    /// it was not.
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trouble: Option<String>,
}

#[derive(serde::Serialize)]
struct JsonReport {
    files: Vec<FileSummary>,
    diagnostics: Vec<flowzap::report::JsonDiagnostic>,
}

/// `--format json`: every file's findings and fate as one JSON report on
/// standard error (standard output may be the definition itself), in the
/// shape `check --format json` has.
fn json_report(args: &CompileArgs, files: &[PathBuf], out_dir: Option<&Path>) -> Status {
    let jobs = match out_dir {
        None => vec![super::batch::Job { input: files[0].clone(), output: PathBuf::new() }],
        Some(out_dir) => match super::batch::plan(files, out_dir) {
            Ok(jobs) => jobs,
            Err(message) => {
                eprintln!("error: {message}");
                return Status::Trouble;
            }
        },
    };
    let outcomes = super::batch::in_order(&jobs, &|job| match out_dir {
        Some(_) => compile_job(args, job),
        None => compile_read(args, &job.input, args.output.as_deref(), false),
    });
    let mut report = JsonReport { files: Vec::new(), diagnostics: Vec::new() };
    let mut status = Status::Ok;
    for (outcome, source) in outcomes {
        status = status.max(outcome.status);
        let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
        if let Some(source) = &source {
            report.diagnostics.extend(outcome.diagnostics.iter().map(|d| flowzap::report::to_json(source, d)));
        }
        report.files.push(FileSummary {
            file: outcome.file,
            errors,
            warnings: outcome.diagnostics.len() - errors,
            output: outcome.output,
            trouble: outcome.trouble,
        });
    }
    eprintln!("{}", flowzap::emit::json_text(&report));
    status
}

/// The definition's name when `--name` does not give one: the file's name
/// without its extension.
pub fn default_name(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        return "workflow".to_owned();
    }
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "workflow".to_owned())
}
