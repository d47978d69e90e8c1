//! `flowzap graph`: the diagram as JSON. Refuses a file with errors rather
//! than print a graph with pieces missing.

use super::io::{emit, read_diagram};
use super::{GraphArgs, Status};

pub fn run(args: &GraphArgs, color: bool) -> Status {
    let document = match read_diagram(&args.file, color, "no graph written") {
        Ok(read) => read,
        Err(status) => return status,
    };
    let written = document
        .graph_json()
        .map_err(|refusal| refusal.to_string())
        .and_then(|json| emit(args.output.as_deref(), json.as_bytes(), &[args.file.as_path()]));
    match written {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
