//! Every fixture through the real binary: a snapshot of its diagnostics, the
//! findings its `// expect` lines require, and the exit code its kind implies.

mod common;

use std::path::Path;

use common::{expectations, findings, fixtures_dir, flowzap};
use serde_json::Value;

fn check_json(dir: &Path, name: &str) -> (i32, Value) {
    let output = flowzap(dir).args(["check", "--format", "json", name]).output().expect("flowzap runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("check --format json prints JSON");
    (output.status.code().unwrap_or(-1), report)
}

fn assert_expectations(path: &Path, report: &Value) {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let text = String::from_utf8_lossy(&bytes);
    let found = findings(report);
    for expected in expectations(&text) {
        assert!(found.contains(&expected), "{}: expected {:?} among {:?}", path.display(), expected, found);
    }
}

#[test]
fn valid_fixtures() {
    insta::glob!("../fixtures", "valid/*.fz", |path| {
        let dir = path.parent().expect("fixture has a folder");
        let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
        let (code, report) = check_json(dir, name);
        assert_eq!(code, 0, "{name} should have no errors: {report:#}");
        assert_eq!(report["files"][0]["errors"], 0, "{name}");
        assert_expectations(path, &report);

        let human = flowzap(dir).args(["check", name]).output().expect("flowzap runs");
        insta::assert_snapshot!("check", String::from_utf8_lossy(&human.stdout));

        let graph = flowzap(dir).args(["graph", name]).output().expect("flowzap runs");
        assert!(graph.status.success(), "graph {name}: {}", String::from_utf8_lossy(&graph.stderr));
        insta::assert_snapshot!("graph", String::from_utf8_lossy(&graph.stdout));
    });
}

#[test]
fn invalid_fixtures() {
    insta::glob!("../fixtures", "invalid/*.fz", |path| {
        let dir = path.parent().expect("fixture has a folder");
        let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
        let (code, report) = check_json(dir, name);
        assert_eq!(code, 1, "{name} must fail");
        let errors =
            report["diagnostics"].as_array().expect("array").iter().filter(|d| d["severity"] == "error").count();
        assert!(errors >= 1, "{name} has no error");
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("readable")).into_owned();
        assert!(expectations(&text).iter().any(|(code, _, _)| code.starts_with('E')), "{name} names no expected error");
        assert_expectations(path, &report);

        let human = flowzap(dir).args(["check", name]).output().expect("flowzap runs");
        insta::assert_snapshot!("check", String::from_utf8_lossy(&human.stdout));
    });
}

#[test]
fn enough_fixtures_of_each_kind() {
    let count = |kind: &str| {
        std::fs::read_dir(fixtures_dir().join(kind))
            .expect("folder")
            .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "fz")))
            .count()
    };
    assert!(count("valid") >= 25);
    assert!(count("invalid") >= 25);
}

/// Applying every fix-it, as often as new ones appear, removes the findings
/// that had one and changes nothing the diagram means.
#[test]
fn fixes_remove_their_warnings_and_keep_the_meaning() {
    insta::glob!("../fixtures", "valid/*.fz", |path| {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("readable")).into_owned();
        let before = flowzap::load(&text);
        let graph_before = flowzap::emit::graph_json::to_string(&before.diagram);
        let mut fixed = text.clone();
        for _ in 0..5 {
            let loaded = flowzap::load(&fixed);
            if loaded.diagnostics.iter().all(|d| d.fix.is_empty()) {
                break;
            }
            fixed = flowzap::diagnostics::apply_fixes(&fixed, &loaded.diagnostics);
        }
        let after = flowzap::load(&fixed);
        let left: Vec<_> = after.diagnostics.iter().filter(|d| !d.fix.is_empty()).map(|d| d.code).collect();
        assert!(left.is_empty(), "{}: fixes left {left:?} in\n{fixed}", path.display());
        assert!(!after.has_errors(), "{}: fixing introduced errors in\n{fixed}", path.display());
        assert_eq!(
            flowzap::emit::graph_json::to_string(&after.diagram),
            graph_before,
            "{}: meaning changed:\n{fixed}",
            path.display()
        );
        if before.diagnostics.iter().any(|d| !d.fix.is_empty()) {
            assert_ne!(fixed, text, "{}: fixes applied", path.display());
        }
    });
}
