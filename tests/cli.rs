//! The command line as a user meets it: exit codes, standard input, output
//! formats, colour, severity flags, and files written whole or not at all.

mod common;

use common::{fixtures_dir, flowzap};
use predicates::prelude::*;
use serde_json::Value;

const CLEAN: &str =
    "kitchen { # Kitchen\nn1: circle label:\"In\"\nn2: circle label:\"Out\"\nn1.handle(right) -> n2.handle(left)\n}\n";
const WARNS: &str =
    "kitchen { # Kitchen\nn1: circle label=\"In\"\nn2: circle label:\"Out\"\nn1.handle(right) -> n2.handle(left)\n}\n";
const BROKEN: &str = "kitchen { # Kitchen\nn1: circel label:\"In\"\n}\n";

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

#[test]
fn clean_file_exits_zero_with_summary() {
    flowzap(&fixtures_dir())
        .args(["check", "valid/minimal.fz"])
        .assert()
        .success()
        .stdout("valid/minimal.fz: 1 lane, 3 nodes, 2 edges, 0 errors, 0 warnings\n");
}

#[test]
fn errors_exit_one_and_warnings_do_not() {
    flowzap(&fixtures_dir()).args(["check", "invalid/unknown_shape_typo.fz"]).assert().code(1);
    flowzap(&fixtures_dir()).args(["check", "valid/tolerated_attribute_equals.fz"]).assert().code(0);
}

#[test]
fn deny_warnings_fails_on_a_warning() {
    flowzap(&fixtures_dir())
        .args(["check", "--deny", "warnings", "valid/tolerated_attribute_equals.fz"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("× node attributes are written with `:`"));
}

#[test]
fn deny_and_allow_single_codes() {
    let dir = fixtures_dir();
    flowzap(&dir).args(["check", "--deny", "W001", "valid/tolerated_attribute_equals.fz"]).assert().code(1);
    flowzap(&dir).args(["check", "--deny", "attribute-equals", "valid/tolerated_attribute_equals.fz"]).assert().code(1);
    flowzap(&dir)
        .args(["check", "--allow", "W001", "valid/tolerated_attribute_equals.fz"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 warnings"));
    flowzap(&dir)
        .args(["check", "--deny", "warnings", "--warn", "W001", "valid/tolerated_attribute_equals.fz"])
        .assert()
        .code(0);
}

#[test]
fn errors_cannot_be_allowed_and_unknown_codes_are_usage_errors() {
    let dir = fixtures_dir();
    flowzap(&dir)
        .args(["check", "--allow", "E001", "invalid/unknown_shape_typo.fz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("E001 is an error"));
    flowzap(&dir).args(["check", "--deny", "W999", "valid/minimal.fz"]).assert().code(2);
}

#[test]
fn missing_file_is_an_io_error_not_a_panic() {
    flowzap(&fixtures_dir())
        .args(["check", "no/such/file.fz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `no/such/file.fz`: no such file"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn other_files_are_still_checked_after_a_missing_one() {
    flowzap(&fixtures_dir())
        .args(["check", "missing.fz", "valid/minimal.fz", "invalid/stray_brace.fz"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("valid/minimal.fz: 1 lane"))
        .stdout(predicate::str::contains("invalid/stray_brace.fz: 1 lane, 2 nodes, 1 edge, 1 error"));
}

#[test]
fn usage_errors_exit_two() {
    flowzap(&fixtures_dir()).args(["check"]).assert().code(2);
    flowzap(&fixtures_dir()).args(["frobnicate"]).assert().code(2);
}

#[test]
fn reads_standard_input() {
    flowzap(&fixtures_dir())
        .args(["check", "-"])
        .write_stdin(BROKEN)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:2:5"))
        .stdout(predicate::str::contains("did you mean `circle`?"));
}

#[test]
fn json_findings_have_every_field() {
    let output =
        flowzap(&fixtures_dir()).args(["check", "--format", "json", "-"]).write_stdin(BROKEN).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let finding = &report["diagnostics"][0];
    assert_eq!(finding["code"], "E001");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "<stdin>");
    assert_eq!((finding["line"].as_u64(), finding["column"].as_u64()), (Some(2), Some(5)));
    assert_eq!((finding["end_line"].as_u64(), finding["end_column"].as_u64()), (Some(2), Some(11)));
    assert_eq!(finding["labels"][0]["primary"], true);
    assert!(finding["help"].as_str().is_some_and(|help| help.contains("rectangle") || help.contains("circle")));
    assert!(finding["message"].as_str().is_some_and(|m| m.contains("circel")));
    assert_eq!(report["files"][0]["errors"], 1);
    assert_eq!(report["files"][0]["lanes"], 1);
}

#[test]
fn secondary_labels_reach_json() {
    let output = flowzap(&fixtures_dir())
        .args(["check", "--format", "json", "invalid/duplicate_node.fz"])
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let labels = report["diagnostics"][0]["labels"].as_array().expect("labels").clone();
    assert_eq!(labels.len(), 2);
    assert_eq!(labels[1]["label"], "first declared here");
    assert_eq!((labels[1]["line"].as_u64(), labels[1]["column"].as_u64()), (Some(4), Some(1)));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = fixtures_dir();
    let plain = flowzap(&dir).args(["check", "invalid/unknown_shape_typo.fz"]).output().expect("runs");
    assert!(!plain.stdout.contains(&0x1b), "no escape codes when piped");
    let forced =
        flowzap(&dir).args(["--color", "always", "check", "invalid/unknown_shape_typo.fz"]).output().expect("runs");
    assert!(forced.stdout.contains(&0x1b), "escape codes with --color always");
    let never = flowzap(&dir)
        .env_remove("NO_COLOR")
        .args(["--color", "never", "check", "invalid/unknown_shape_typo.fz"])
        .output()
        .expect("runs");
    assert!(!never.stdout.contains(&0x1b));
}

#[test]
fn hostile_text_cannot_reach_the_terminal() {
    let text = "lane { # L\nn1: rectangle label:\"\u{1b}]0;pwned\u{7}\u{1b}[2J\"\n}\n";
    let output = flowzap(&fixtures_dir()).args(["check", "-"]).write_stdin(text).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(!output.stdout.contains(&0x1b) && !output.stdout.contains(&0x07));
}

#[test]
fn not_utf8_is_a_diagnostic() {
    flowzap(&fixtures_dir())
        .args(["check", "invalid/invalid_utf8.fz"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("E020"));
}

#[test]
fn graph_prints_json_and_keeps_what_the_vendor_drops() {
    let output = flowzap(&fixtures_dir()).args(["graph", "valid/forward_references.fz"]).output().expect("runs");
    assert!(output.status.success());
    let graph: Value = serde_json::from_slice(&output.stdout).expect("json");
    let to_editor = graph["edges"].as_array().expect("edges").iter().find(|e| e["to"] == "n3").expect("edge to n3");
    assert_eq!(to_editor["toLane"], "editor", "forward reference keeps its lane");
    assert_eq!(graph["stats"]["crossLaneEdges"], 1);

    let escapes = flowzap(&fixtures_dir()).args(["graph", "valid/string_escapes.fz"]).output().expect("runs");
    let graph: Value = serde_json::from_slice(&escapes.stdout).expect("json");
    assert_eq!(graph["nodes"][0]["label"], "Run \"make\"");
    assert_eq!(graph["edges"][0]["label"], "say \"go\"");

    let loops = flowzap(&fixtures_dir()).args(["graph", "valid/loop_across_lanes.fz"]).output().expect("runs");
    let graph: Value = serde_json::from_slice(&loops.stdout).expect("json");
    assert_eq!(graph["loops"][0]["nodes"], serde_json::json!(["n2", "n3", "n4"]));
    assert_eq!(graph["stats"]["loopCount"], 1);
}

#[test]
fn graph_writes_a_file_atomically_and_not_on_errors() {
    let dir = tmp();
    let out = dir.path().join("graph.json");
    std::fs::write(dir.path().join("ok.fz"), CLEAN).expect("write");
    std::fs::write(dir.path().join("bad.fz"), BROKEN).expect("write");

    flowzap(dir.path()).args(["graph", "ok.fz", "-o", "graph.json"]).assert().success().stdout("");
    let first = std::fs::read_to_string(&out).expect("written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "a new output file is readable by others, like any file the user creates");
    }
    assert!(serde_json::from_str::<Value>(&first).is_ok());

    flowzap(dir.path())
        .args(["graph", "bad.fz", "-o", "graph.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no graph written"));
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), first, "a failed run leaves the old output alone");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");

    flowzap(dir.path()).args(["graph", "bad.fz", "-o", "never.json"]).assert().code(1);
    assert!(!dir.path().join("never.json").exists());
}

#[test]
fn graph_warnings_go_to_stderr_and_json_stays_clean() {
    let output = flowzap(&fixtures_dir()).args(["graph", "-"]).write_stdin(WARNS).output().expect("runs");
    assert!(output.status.success());
    assert!(serde_json::from_slice::<Value>(&output.stdout).is_ok());
    assert!(String::from_utf8_lossy(&output.stderr).contains("W001"));
}

#[test]
fn output_is_deterministic() {
    let run = || flowzap(&fixtures_dir()).args(["graph", "valid/insurance_claim.fz"]).output().expect("runs").stdout;
    assert_eq!(run(), run());
}

/// Two labels far apart in a file are shown as two short snippets, not as
/// every line between them (a file with many such findings stayed readable
/// and fast to report only so).
#[test]
fn far_apart_labels_are_shown_as_separate_snippets() {
    let text = flowzap::synth::parallel_text(3_000, 5, 42);
    let output = common::flowzap(&common::fixtures_dir()).args(["lint", "-"]).write_stdin(text).output().expect("runs");
    let report = String::from_utf8_lossy(&output.stdout);
    let findings = report.lines().filter(|line| line.starts_with("flowzap::")).count();
    assert!(findings > 50, "{findings} findings");
    let lines = report.lines().count();
    assert!(lines < findings * 40, "{lines} lines for {findings} findings");
}
