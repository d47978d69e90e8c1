//! `flowzap lint` on every fixture of `fixtures/lint`: a snapshot of the
//! report and the structure tree, the findings each fixture's `// expect`
//! lines require at their exact positions, and the exit code they imply.

mod common;

use common::{expectations, findings, fixtures_dir, flowzap};
use serde_json::Value;

/// `// args: ...` options a fixture asks for.
fn fixture_args(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("// args: "))
        .flat_map(|args| args.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

#[test]
fn lint_fixtures() {
    insta::glob!("../fixtures", "lint/*.fz", |path| {
        let dir = path.parent().expect("folder");
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let text = std::fs::read_to_string(path).expect("readable");
        let args = fixture_args(&text);
        let expected = expectations(&text);

        let output = flowzap(dir).arg("lint").args(&args).args(["--format", "json", name]).output().expect("runs");
        let report: Value = serde_json::from_slice(&output.stdout).expect("json");
        let found = findings(&report);
        for expectation in &expected {
            assert!(found.contains(expectation), "{name}: expected {expectation:?} among {found:?}");
        }
        let wants_error = expected.iter().any(|(code, _, _)| code.starts_with('E'));
        assert_eq!(output.status.code(), Some(if wants_error { 1 } else { 0 }), "{name}: {found:?}");
        if expected.is_empty() {
            assert!(found.is_empty(), "{name} should lint clean: {found:?}");
        }

        let human = flowzap(dir).arg("lint").args(&args).args(["--structure", name]).output().expect("runs");
        insta::assert_snapshot!("lint", String::from_utf8_lossy(&human.stdout));
    });
}

#[test]
fn unstructured_but_sound_is_accepted_and_shown_as_unstructured() {
    let output =
        flowzap(&fixtures_dir()).args(["lint", "--structure", "lint/unstructured_sound.fz"]).output().expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("unstructured from n2 to n7"), "{text}");
    assert!(!text.contains("E02"), "{text}");
}

#[test]
fn deadlock_names_join_fork_decision_and_a_witness() {
    let output = flowzap(&fixtures_dir())
        .args(["lint", "--format", "json", "lint/deadlock_decision_skips_join.fz"])
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let deadlock = report["diagnostics"].as_array().expect("array").iter().find(|d| d["code"] == "E021").expect("E021");
    let labels: Vec<&str> =
        deadlock["labels"].as_array().expect("labels").iter().filter_map(|l| l["label"].as_str()).collect();
    assert!(labels.iter().any(|l| l.contains("waits for a token from `n5`")), "{labels:?}");
    assert!(labels.iter().any(|l| l.contains("part at this fork")), "{labels:?}");
    assert!(labels.iter().any(|l| l.contains("chooses \"No\"")), "{labels:?}");
    let help = deadlock["help"].as_str().expect("help");
    assert!(help.starts_with("witness: n1 starts; n2 forks to n3, n4;"), "{help}");
    assert!(help.contains("n4 chooses \"No\" (to n6)"), "{help}");
}

#[test]
fn structure_is_available_as_json() {
    let output = flowzap(&fixtures_dir())
        .args(["lint", "--structure", "--format", "json", "lint/nested_forks.fz"])
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    let tree = &report["files"][0]["structure"];
    assert_eq!(tree["type"], "sequence");
    let text = tree.to_string();
    assert_eq!(text.matches("\"type\":\"parallel\"").count(), 2, "{text}");
}

#[test]
fn check_does_not_lint_and_lint_includes_check() {
    let dir = fixtures_dir();
    flowzap(&dir).args(["check", "lint/deadlock_decision_skips_join.fz"]).assert().success();
    let output = flowzap(&dir).args(["lint", "invalid/unknown_shape_typo.fz"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("E001"));
}

#[test]
fn opt_in_rule_is_off_by_default_and_severity_flags_apply() {
    let dir = fixtures_dir();
    let plain = flowzap(&dir).args(["lint", "lint/ping_pong.fz"]).output().expect("runs");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("W030"));
    flowzap(&dir).args(["lint", "--deny", "ping-pong", "lint/ping_pong.fz"]).assert().code(1);
    flowzap(&dir).args(["lint", "--deny", "warnings", "lint/dead_end_task.fz"]).assert().code(1);
    flowzap(&dir).args(["lint", "--allow", "W026", "--allow", "W024", "lint/dead_end_task.fz"]).assert().success();
}

#[test]
fn every_valid_fixture_lints_without_panicking() {
    insta::glob!("../fixtures", "valid/*.fz", |path| {
        let dir = path.parent().expect("folder");
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let output = flowzap(dir).args(["lint", "--structure", name]).output().expect("runs");
        assert!(matches!(output.status.code(), Some(0 | 1)), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    });
}
