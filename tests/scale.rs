//! Inputs whose size or nesting would break a recursive walk: a chain of
//! 200,000 nodes and forks nested 2,000 deep go through every command, which
//! must finish with a valid output (no stack overflow, no panic).

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn chain(nodes: usize) -> String {
    let mut text = String::from("line { # Line\nn1: circle label:\"Start\"\n");
    for i in 2..nodes {
        let _ = writeln!(text, "n{i}: rectangle label:\"Step {i}\"");
    }
    let _ = writeln!(text, "n{nodes}: circle label:\"End\"");
    for i in 1..nodes {
        let _ = writeln!(text, "n{i}.handle(right) -> n{}.handle(left)", i + 1);
    }
    text.push_str("}\n");
    text
}

/// Forks nested `depth` deep: each fork's first branch holds the next fork,
/// its second a single task; the joins close in reverse order.
fn nest(depth: usize) -> String {
    let mut nodes = vec!["n1: circle label:\"Start\"".to_owned()];
    let mut edges = Vec::new();
    let add = |nodes: &mut Vec<String>, shape: &str, label: String| {
        nodes.push(format!("n{}: {shape} label:\"{label}\"", nodes.len() + 1));
        nodes.len()
    };
    let mut previous = 1;
    let mut sides = Vec::new();
    for level in 0..depth {
        let fork = add(&mut nodes, "rectangle", format!("Fork {level}"));
        let side = add(&mut nodes, "rectangle", format!("Side {level}"));
        edges.push((previous, fork));
        edges.push((fork, side));
        sides.push(side);
        previous = fork;
    }
    let core = add(&mut nodes, "rectangle", "Core".to_owned());
    edges.push((previous, core));
    let mut last = core;
    for (level, side) in sides.into_iter().enumerate().rev() {
        let join = add(&mut nodes, "rectangle", format!("Join {level}"));
        edges.push((last, join));
        edges.push((side, join));
        last = join;
    }
    let end = add(&mut nodes, "circle", "End".to_owned());
    edges.push((last, end));
    let mut text = String::from("nest { # Nest\n");
    for node in nodes {
        text.push_str(&node);
        text.push('\n');
    }
    for (from, to) in edges {
        let _ = writeln!(text, "n{from}.handle(right) -> n{to}.handle(left)");
    }
    text.push_str("}\n");
    text
}

/// JSON as deep as the nesting: parsed without serde_json's default depth
/// limit (the test threads have a large stack for it).
fn parse_json(bytes: &[u8]) -> serde_json::Value {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    deserializer.disable_recursion_limit();
    serde::Deserialize::deserialize(&mut deserializer).expect("the JSON parses")
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_flowzap")).current_dir(dir).args(args).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn every_command(name: &str, text: String) {
    let dir = tempfile::tempdir().expect("temp");
    let input = format!("{name}.fz");
    std::fs::write(dir.path().join(&input), text).expect("write");
    let dir = dir.path();
    let input = input.as_str();
    std::thread::scope(|scope| {
        let big = || std::thread::Builder::new().stack_size(256 << 20);
        let first = big().spawn_scoped(scope, || {
            run(dir, &["check", input]);
            run(dir, &["lint", input]);
            let structure = run(dir, &["lint", "--structure", "--format", "json", input]);
            parse_json(&structure.stdout);
            run(dir, &["graph", input, "-o", "graph.json"]);
            let graph = std::fs::read(dir.join("graph.json")).expect("graph");
            parse_json(&graph);
            for (view, picture) in [("workflow", "picture.svg"), ("sequence", "sequence.svg")] {
                run(dir, &["render", input, "--view", view, "-o", picture]);
                let svg = std::fs::read_to_string(dir.join(picture)).expect("svg");
                roxmltree::Document::parse_with_options(
                    &svg,
                    roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: u32::MAX },
                )
                .expect("SVG is XML");
            }
        });
        let second = big().spawn_scoped(scope, || {
            run(dir, &["compile", input, "-o", "workflow.json"]);
            let checked = run(dir, &["validate-json", "workflow.json"]);
            assert!(String::from_utf8_lossy(&checked.stdout).contains("0 errors"), "{name}");
            run(dir, &["compile", "--target", "asl", input, "-o", "machine.json"]);
            let asl = std::fs::read(dir.join("machine.json")).expect("asl");
            parse_json(&asl);
            run(dir, &["compile", "--target", "bpmn", input, "-o", "process.bpmn"]);
            let bpmn = std::fs::read_to_string(dir.join("process.bpmn")).expect("bpmn");
            roxmltree::Document::parse_with_options(
                &bpmn,
                roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: u32::MAX },
            )
            .expect("BPMN is XML");
        });
        for worker in [first, second] {
            assert!(worker.expect("spawned").join().is_ok(), "{name}: a check failed");
        }
    });
}

#[test]
fn a_chain_of_200000_nodes_goes_through_every_command() {
    every_command("chain", chain(200_000));
}

#[test]
fn forks_nested_2000_deep_go_through_every_command() {
    every_command("nest", nest(2_000));
}
