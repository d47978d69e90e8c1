//! Prints a generated diagram, for measuring flowzap on big inputs:
//! `cargo run --release --example generate -- 10000 20 > big.fz`
//! (nodes, lanes, seed; defaults 1000, 5, 42). A fourth argument `parallel`
//! generates fork/join blocks, crossing joins and replies instead.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |index: usize, default: u64| -> Option<u64> { args.get(index).map_or(Some(default), |text| text.parse().ok()) };
    let (Some(nodes), Some(lanes), Some(seed)) = (number(0, 1000), number(1, 5), number(2, 42)) else {
        eprintln!("usage: generate [NODES [LANES [SEED [parallel]]]]");
        return ExitCode::from(2);
    };
    let text = if args.get(3).is_some_and(|kind| kind == "parallel") {
        flowzap::synth::parallel_text(nodes as usize, lanes as usize, seed)
    } else {
        flowzap::synth::swimlane_text(nodes as usize, lanes as usize, seed)
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
