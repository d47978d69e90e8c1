//! `flowzap compile`: a diagram in, a workflow definition out, or a refusal
//! that says why. Nothing is written when there is any error.

use super::io::{document, emit, read_text, style};
use super::{CompileArgs, Status};
use flowzap::report::render_human;
use flowzap::{CompileOptions, Compiled};

pub fn run(args: &CompileArgs, color: bool) -> Status {
    match args.files.as_slice() {
        [file] if args.out_dir.is_none() && !file.is_dir() => single(args, file, color),
        _ => super::batch::run(&args.files, args.out_dir.as_deref(), "compiled", "compiling", &|job| {
            compile_one(args, job, color)
        }),
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

/// One file of a batch, named after its file.
fn compile_one(args: &CompileArgs, job: &super::batch::Job, color: bool) -> (String, Status, usize) {
    let name = job.input.display().to_string();
    let source = match super::batch::read(job, color) {
        Ok(source) => source,
        Err(unread) => return unread,
    };
    let options = CompileOptions {
        name: default_name(&job.input),
        allow_unsound: args.allow_unsound,
        asl_resource: args.asl_resource.clone(),
        engine: args.engine,
    };
    match document(&source.text).compile(args.target, &options) {
        Ok(Compiled { text, diagnostics }) => {
            let said =
                if diagnostics.is_empty() { String::new() } else { render_human(&source, &diagnostics, style(color)) };
            let path = job.output.with_extension(extension(args.target));
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| super::io::write_atomically(&path, text.as_bytes()));
            match written {
                Ok(()) => (said, Status::Ok, 1),
                Err(error) => {
                    (format!("{said}error: cannot write `{}`: {error}\n", path.display()), Status::Trouble, 0)
                }
            }
        }
        Err(diagnostics) => {
            let report = render_human(&source, &diagnostics, style(color));
            (format!("{report}error: `{name}` was not compiled; nothing written\n"), Status::Findings, 0)
        }
    }
}

/// One file, to `-o` or standard output.
fn single(args: &CompileArgs, file: &std::path::Path, color: bool) -> Status {
    let source = match read_text(file, color) {
        Ok(source) => source,
        Err(status) => return status,
    };
    let options = CompileOptions {
        name: args.name.clone().unwrap_or_else(|| default_name(file)),
        allow_unsound: args.allow_unsound,
        asl_resource: args.asl_resource.clone(),
        engine: args.engine,
    };
    match document(&source.text).compile(args.target, &options) {
        Ok(Compiled { text, diagnostics }) => {
            if !diagnostics.is_empty() {
                eprint!("{}", render_human(&source, &diagnostics, style(color)));
            }
            write(args, file, &text)
        }
        Err(diagnostics) => {
            eprint!("{}", render_human(&source, &diagnostics, style(color)));
            eprintln!("error: `{}` was not compiled; nothing written", source.name);
            Status::Findings
        }
    }
}

fn write(args: &CompileArgs, file: &std::path::Path, text: &str) -> Status {
    match emit(args.output.as_deref(), text.as_bytes(), &[file]) {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
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
