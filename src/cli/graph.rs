//! `flowzap graph`: the diagram as JSON. Refuses a file with errors rather
//! than print a graph with pieces missing.

use super::io::{emit, read_diagram};
use super::{GraphArgs, Status};

pub fn run(args: &GraphArgs, color: bool) -> Status {
    let (_, loaded) = match read_diagram(&args.file, color, "no graph written") {
        Ok(read) => read,
        Err(status) => return status,
    };
    match emit(
        args.output.as_deref(),
        crate::emit::graph_json::to_string(&loaded.diagram).as_bytes(),
        &[args.file.as_path()],
    ) {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
