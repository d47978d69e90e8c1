//! Measures `flowzap lsp`: the time from an edit (`didChange`, one
//! character inserted into a label) to the diagnostics for it, over 20
//! edits of a generated diagram. Run the release binary:
//! `cargo build --release && cargo run --release --example lsp_latency -- 10000 20`
//! (nodes and lanes; defaults 10,000 and 20).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const EDITS: usize = 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let nodes: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let lanes: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let text = flowzap::synth::swimlane_text(nodes, lanes, 42);
    let binary = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/flowzap");
    let Ok(mut child) = Command::new(&binary).arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn() else {
        eprintln!("cannot start {}: build it with `cargo build --release`", binary.display());
        return ExitCode::FAILURE;
    };
    let (Some(mut input), Some(output)) = (child.stdin.take(), child.stdout.take()) else { return ExitCode::FAILURE };
    let mut reader = BufReader::new(output);
    let mut send = |value: serde_json::Value| {
        let body = value.to_string();
        let _ = write!(input, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = input.flush();
    };
    let mut receive = || -> Option<serde_json::Value> {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            match line.trim_end().strip_prefix("Content-Length: ") {
                Some(value) => length = value.parse().ok()?,
                None if line.trim_end().is_empty() => break,
                None => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        serde_json::from_slice(&body).ok()
    };
    let uri = "file:///tmp/big.fz";
    send(serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}));
    let _ = receive();
    send(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let opened = Instant::now();
    send(
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text}}}),
    );
    while receive().is_some_and(|m| m["method"] != "textDocument/publishDiagnostics") {}
    println!("open ({} bytes): {:.1} ms", text.len(), opened.elapsed().as_secs_f64() * 1000.0);
    // The second line is a node declaration: type into its label.
    let mut times = Vec::new();
    for edit in 0..EDITS {
        let started = Instant::now();
        send(serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": edit + 2},
            "contentChanges": [{"range": {"start": {"line": 1, "character": 19}, "end": {"line": 1, "character": 19}}, "text": "x"}]
        }}));
        while receive().is_some_and(|m| m["method"] != "textDocument/publishDiagnostics") {}
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    // A burst: 20 keystrokes sent without waiting, as fast typing sends
    // them; the server diagnoses once it has read them all.
    let started = Instant::now();
    for edit in 0..EDITS {
        send(serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": EDITS + edit + 2},
            "contentChanges": [{"range": {"start": {"line": 1, "character": 19}, "end": {"line": 1, "character": 19}}, "text": "y"}]
        }}));
    }
    // Then ask for something after the burst: its answer comes once the
    // burst is read and diagnosed, so every publication is in by then.
    send(
        serde_json::json!({"jsonrpc": "2.0", "id": 99, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}),
    );
    let mut published = 0;
    let mut answered = false;
    while !(answered && published > 0) {
        let Some(message) = receive() else { break };
        if message["method"] == "textDocument/publishDiagnostics" {
            published += 1;
        }
        answered |= message["id"] == 99;
    }
    println!(
        "a burst of {EDITS} keystrokes → its diagnostics: {:.1} ms, diagnosed {published} time(s)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    // A hover after the diagnostics: the analysis they made is reused.
    let started = Instant::now();
    send(
        serde_json::json!({"jsonrpc": "2.0", "id": 98, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 1}}}),
    );
    while receive().is_some_and(|m| m["id"] != 98) {}
    println!("hover after the diagnostics: {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    send(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    let _ = receive();
    send(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    times.sort_by(f64::total_cmp);
    println!(
        "edit → diagnostics over {EDITS} edits of {nodes} nodes / {lanes} lanes: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        times[EDITS / 2],
        times[0],
        times[EDITS - 1]
    );
    ExitCode::SUCCESS
}
