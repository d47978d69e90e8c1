//! `flowzap compile`: a diagram in, a workflow definition out, or a refusal
//! that says why. Nothing is written when there is any error.

use super::io::{document, emit, read_text, style};
use super::{CompileArgs, Status};
use flowzap::report::render_human;
use flowzap::{CompileOptions, Compiled};

pub fn run(args: &CompileArgs, color: bool) -> Status {
    let source = match read_text(&args.file, color) {
        Ok(source) => source,
        Err(status) => return status,
    };
    let options = CompileOptions {
        name: args.name.clone().unwrap_or_else(|| default_name(&args.file)),
        allow_unsound: args.allow_unsound,
        asl_resource: args.asl_resource.clone(),
        engine: args.engine,
    };
    match document(&source.text).compile(args.target, &options) {
        Ok(Compiled { text, diagnostics }) => {
            if !diagnostics.is_empty() {
                eprint!("{}", render_human(&source, &diagnostics, style(color)));
            }
            write(args, &text)
        }
        Err(diagnostics) => {
            eprint!("{}", render_human(&source, &diagnostics, style(color)));
            eprintln!("error: `{}` was not compiled; nothing written", source.name);
            Status::Findings
        }
    }
}

fn write(args: &CompileArgs, text: &str) -> Status {
    match emit(args.output.as_deref(), text.as_bytes(), &[args.file.as_path()]) {
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
