//! Writes a FlowZap file as Graphviz DOT, for drawing the same diagram with
//! `dot` side by side with flowzap (scripts/bench-vs-dot); see
//! tests/common/dot.rs for what the DOT says. `--newrank` ranks across
//! clusters.
//!
//! ```sh
//! cargo run --release --example to_dot -- diagram.fz > diagram.dot
//! ```

#[path = "../tests/common/dot.rs"]
mod dot;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let newrank = args.iter().any(|a| a == "--newrank");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: to_dot [--newrank] DIAGRAM.fz");
        return std::process::ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    match dot::to_dot(&flowzap::Document::new(text), newrank) {
        Some(dot) => {
            print!("{dot}");
            std::process::ExitCode::SUCCESS
        }
        None => {
            eprintln!("{path} has errors");
            std::process::ExitCode::from(1)
        }
    }
}
