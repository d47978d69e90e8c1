//! Every compiled Amazon States Language definition, handed to third-party
//! tools: npm `asl-validator` must accept it, and npm
//! `aws-local-stepfunctions` (a local executor) must run it to a successful
//! end, once per decision outcome, its Task states mocked to report the
//! outcomes, with each Parallel's next state starting only after all its
//! branches (tests/asl/check.mjs). The tools are installed
//! by tests/run-all.sh into .tools/node; without them this test fails.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture_files, fixtures_dir, flowzap};
use serde_json::Value;

#[test]
#[ignore = "needs npm asl-validator and Node.js; tests/run-all.sh installs and runs them"]
fn compiled_asl_validates_and_runs_in_a_local_executor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join(".tools/node");
    for package in ["asl-validator", "aws-local-stepfunctions"] {
        assert!(
            tools.join("node_modules").join(package).join("package.json").exists(),
            "npm package `{package}` is missing from .tools/node: run `bash tests/run-all.sh`, which installs it"
        );
    }
    let out = tempfile::tempdir().expect("temp");
    let mut files = Vec::new();
    for kind in ["valid", "lint"] {
        for (name, path) in fixture_files(kind) {
            let output =
                flowzap(&fixtures_dir()).args(["compile", "--target", "asl"]).arg(&path).output().expect("runs");
            if output.status.success() {
                let file = out.path().join(format!("{name}.json"));
                std::fs::write(&file, &output.stdout).expect("written");
                files.push(file);
            }
        }
    }
    assert!(files.len() >= 40, "compiled {} definitions", files.len());

    let output = Command::new("node")
        .arg(root.join("tests/asl/check.mjs"))
        .arg(&tools)
        .args(&files)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    let mut runs = 0;
    let mut succeeded = 0;
    let mut by_file = std::collections::BTreeMap::new();
    for line in report.lines() {
        let file: Value = serde_json::from_str(line).expect("one JSON object per file");
        by_file.insert(file["file"].as_str().unwrap_or("").to_owned(), file.clone());
        assert_eq!(file["valid"], true, "{line}");
        assert_eq!(file["problems"].as_array().map(Vec::len), Some(0), "{line}");
        for run in file["runs"].as_array().expect("runs") {
            runs += 1;
            succeeded += usize::from(run["succeeded"] == true);
        }
    }
    assert!(output.status.success(), "{report}\n{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(report.lines().count(), files.len(), "every file was checked");

    // The run whose mocked tasks answer "Yes" to the first decision and
    // leave the second one its default ("No"): each takes its own outcome.
    let entered = |file: &str, first: Value| -> Vec<String> {
        let run = by_file[file]["runs"]
            .as_array()
            .expect("runs")
            .iter()
            .find(|run| run["first"] == first)
            .unwrap_or_else(|| panic!("{file}: no run {first}"))
            .clone();
        assert_eq!(run["succeeded"], true, "{file}: {run}");
        run["entered"].as_array().expect("entered").iter().filter_map(Value::as_str).map(str::to_owned).collect()
    };
    let states = entered("lint-two_decisions.json", serde_json::json!({ "outcome_n3": 0 }));
    for (state, expected) in
        [("Book a truck", true), ("Book a van", false), ("Drop at the post office", true), ("Hand to courier", false)]
    {
        assert_eq!(states.iter().any(|s| s == state), expected, "{state} in {states:?}");
    }
    // The retry loop: the first ring finds nobody home, the second somebody.
    let states = entered("lint-retry_loop.json", serde_json::json!({ "outcome_n3": 1 }));
    let count = |name: &str| states.iter().filter(|s| *s == name).count();
    assert_eq!((count("Ring the bell"), count("Wait ten minutes"), count("Delivered")), (2, 1, 1), "{states:?}");
    eprintln!("{} definitions, {runs} runs, {succeeded} ended successfully", files.len());
}
