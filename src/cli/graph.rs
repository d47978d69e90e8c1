//! `flowzap graph`: the diagram as JSON. Refuses a file with errors rather
//! than print a graph with pieces missing.

use super::io::{emit, read_input, style, Input};
use super::report::render_human;
use super::{GraphArgs, Status};

pub fn run(args: &GraphArgs, color: bool) -> Status {
    let source = match read_input(&args.file) {
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
        Ok(Input::NotUtf8(source, diagnostic)) => {
            eprint!("{}", render_human(&source, &[diagnostic], style(color)));
            return Status::Findings;
        }
        Ok(Input::Text(source)) => source,
    };
    let loaded = crate::load(&source.text);
    if !loaded.diagnostics.is_empty() {
        eprint!("{}", render_human(&source, &loaded.diagnostics, style(color)));
    }
    if loaded.has_errors() {
        eprintln!("error: `{}` has errors; no graph written", source.name);
        return Status::Findings;
    }
    match emit(args.output.as_deref(), &crate::emit::graph_json::to_string(&loaded.diagram)) {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
