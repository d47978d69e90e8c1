//! Measures `flowzap watch`: the time from a save to the new output on disk,
//! over 20 saves of a generated diagram. Run the release binary:
//! `cargo build --release && cargo run --release --example watch_latency -- 1000 svg`
//! (nodes and target; defaults 1000 and svg).

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const SAVES: usize = 20;

fn identity(path: &Path) -> Option<(u64, i64, i64)> {
    std::fs::metadata(path).ok().map(|m| (m.ino(), m.mtime(), m.mtime_nsec()))
}

/// What `flowzap watch` waits after a burst of saves before it rebuilds
/// (its debouncer's 50 ms and a quiet time of 30 ms).
const WATCH_DEBOUNCE_MS: u32 = 80;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let nodes: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let target = args.get(1).cloned().unwrap_or_else(|| "svg".to_owned());
    let extension = match target.as_str() {
        "workflow-json" => "workflow.json",
        "asl" => "asl.json",
        other => other,
    }
    .to_owned();
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/flowzap");
    if !binary.exists() {
        eprintln!("build the release binary first: cargo build --release");
        return ExitCode::from(2);
    }
    let Ok(dir) = tempfile::tempdir() else { return ExitCode::from(2) };
    let input = dir.path().join("big.fz");
    let output = dir.path().join(format!("big.{extension}"));
    let text = flowzap::synth::swimlane_text(nodes, 8, 7);
    if std::fs::write(&input, &text).is_err() {
        return ExitCode::from(2);
    }
    let Ok(mut watch) = Command::new(&binary)
        .args(["watch", "big.fz", "--target", &target])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return ExitCode::from(2);
    };
    let wait_for_change = |before: Option<(u64, i64, i64)>| -> Option<Instant> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if identity(&output).is_some() && identity(&output) != before {
                return Some(Instant::now());
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        None
    };
    wait_for_change(None);
    std::thread::sleep(Duration::from_millis(300));
    let mut latencies = Vec::new();
    for save in 0..SAVES {
        let before = identity(&output);
        // A changed label, written in place as most editors do.
        let edited = text.replacen("label:\"", &format!("label:\"v{save} "), 1);
        let saved = Instant::now();
        if std::fs::write(&input, edited).is_err() {
            break;
        }
        match wait_for_change(before) {
            Some(done) => latencies.push(done.duration_since(saved).as_secs_f64() * 1000.0),
            None => eprintln!("save {save}: no new output within 10 s"),
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let _ = watch.kill();
    let _ = watch.wait();
    latencies.sort_by(f64::total_cmp);
    if latencies.is_empty() {
        return ExitCode::FAILURE;
    }
    let median = latencies[latencies.len() / 2];
    println!(
        "{nodes} nodes, target {target}: save → output written over {} saves: median {median:.0} ms, min {:.0} ms, max {:.0} ms (debounce {WATCH_DEBOUNCE_MS} ms)",
        latencies.len(),
        latencies[0],
        latencies[latencies.len() - 1],
    );
    ExitCode::SUCCESS
}
