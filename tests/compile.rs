//! `flowzap compile` on every fixture: golden outputs of both targets where
//! it compiles, checked by a real JSON Schema validator and by
//! `validate-json`; the refusal snapshotted where it does not.

mod common;

use common::{fixtures_dir, flowzap};
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(flowzap::emit::validate_json::SCHEMA).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn compile_every_fixture() {
    let validator = schema_validator();
    let mut compiled = 0;
    for kind in ["valid", "lint"] {
        insta::glob!("../fixtures", &format!("{kind}/*.fz"), |path| {
            let dir = path.parent().expect("folder");
            let name = path.file_name().and_then(|n| n.to_str()).expect("name");
            let workflow = flowzap(dir).args(["compile", "--target", "workflow-json", name]).output().expect("runs");
            let asl = flowzap(dir).args(["compile", "--target", "asl", name]).output().expect("runs");
            assert_eq!(workflow.status.code(), asl.status.code(), "{name}: both targets agree on refusing");
            // One rule for every target: only nesting (E024) and an entry
            // into a ring (E025) are the JSON targets' own reasons to refuse.
            let bpmn = flowzap(dir).args(["compile", "--target", "bpmn", name]).output().expect("runs");
            let stderr = String::from_utf8_lossy(&workflow.stderr);
            let json_only = stderr.contains("E024") || stderr.contains("E025");
            if json_only {
                assert_eq!(bpmn.status.code(), Some(0), "{name}: BPMN compiles what only JSON refuses");
            } else {
                assert_eq!(workflow.status.code(), bpmn.status.code(), "{name}: BPMN agrees on refusing");
            }
            match workflow.status.code() {
                Some(0) => {
                    compiled += 1;
                    let definition: Value = serde_json::from_slice(&workflow.stdout).expect("workflow JSON");
                    let errors: Vec<String> =
                        validator.iter_errors(&definition).map(|e| format!("{}: {e}", e.instance_path())).collect();
                    assert!(errors.is_empty(), "{name}: schema errors {errors:#?}");
                    let checked = flowzap(dir)
                        .args(["validate-json", "-"])
                        .write_stdin(workflow.stdout.clone())
                        .output()
                        .expect("runs");
                    assert!(checked.status.success(), "{name}: {}", String::from_utf8_lossy(&checked.stdout));
                    assert!(String::from_utf8_lossy(&checked.stdout).contains("0 errors, 0 warnings"), "{name}");
                    insta::assert_snapshot!("workflow", String::from_utf8_lossy(&workflow.stdout));
                    insta::assert_snapshot!("asl", String::from_utf8_lossy(&asl.stdout));
                }
                Some(1) => {
                    assert!(workflow.stdout.is_empty(), "{name}: nothing written when refused");
                    insta::assert_snapshot!("refused", String::from_utf8_lossy(&workflow.stderr));
                }
                other => panic!("{name}: unexpected exit {other:?}"),
            }
        });
    }
    assert!(compiled >= 40, "most fixtures compile ({compiled})");
}

#[test]
fn crossing_joins_are_regrouped_and_the_note_names_the_synchronisation() {
    let dir = fixtures_dir();
    let output = flowzap(&dir).args(["compile", "lint/unstructured_sound.fz"]).output().expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stderr);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ").replace("│ ", "");
    assert!(text.contains("I003") && text.contains("Parallel[`n3` | `n4`], then Parallel[`n5` | `n6`]"), "{text}");
    let definition: Value = serde_json::from_slice(&output.stdout).expect("json");
    let first = &definition["tasks"]["Parallel after Kick off"];
    assert_eq!(first["type"], "Parallel");
    let second = &definition["tasks"][first["nextTask"].as_str().expect("next")];
    assert_eq!(second["type"], "Parallel", "{definition:#}");
    assert_eq!(second["nextTask"], "Write paper");

    // Where nesting makes a step wait longer than drawn, compile says which.
    let added = flowzap(&dir).args(["compile", "lint/added_synchronisation.fz"]).output().expect("runs");
    assert!(added.status.success());
    let text = String::from_utf8_lossy(&added.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("W034") && text.contains("`n5` waits for `n3`"), "{text}");

    // An implied wait is dropped, and said to be.
    let implied = flowzap(&dir).args(["compile", "lint/implied_join_input.fz"]).output().expect("runs");
    let text = String::from_utf8_lossy(&implied.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("I003") && text.contains("dropped: `n3` -> `n6`"), "{text}");
}

#[test]
fn a_part_too_large_to_regroup_is_refused_naming_fork_join_and_edge() {
    // Crossing joins over more steps than regrouping takes on.
    let width = 600;
    let mut text = String::from("big { # Big\nn1: circle label:\"Go\"\nn2: rectangle label:\"Split\"\n");
    for i in 0..2 * width {
        text.push_str(&format!("n{}: rectangle label:\"Step {i}\"\n", i + 3));
    }
    let last = 2 * width + 3;
    text.push_str(&format!("n{last}: rectangle label:\"Gather\"\nn{}: circle label:\"Done\"\n", last + 1));
    text.push_str("n1.handle(right) -> n2.handle(left)\n");
    for i in 0..width {
        let (a, b) = (i + 3, i + 3 + width);
        text.push_str(&format!("n2.handle(right) -> n{a}.handle(left)\n"));
        text.push_str(&format!("n{a}.handle(right) -> n{b}.handle(left)\n"));
        let next_b = (i + 1) % width + 3 + width;
        text.push_str(&format!("n{a}.handle(right) -> n{next_b}.handle(left)\n"));
        text.push_str(&format!("n{b}.handle(right) -> n{last}.handle(left)\n"));
    }
    text.push_str(&format!("n{last}.handle(right) -> n{}.handle(left)\n}}\n", last + 1));
    let output = flowzap(&fixtures_dir()).args(["compile", "-"]).write_stdin(text).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("E024") && report.contains("from `n2` to `n1203`"), "{report}");
    assert!(report.contains("its branches part here") && report.contains("should meet here"), "{report}");
    assert!(report.contains("this edge crosses between branches"), "{report}");
    assert!(report.contains("more than 1024 steps"), "{report}");
    assert!(!report.contains("<stdin>:1:1"), "never a span at 1:1: {report}");
}

#[test]
fn unsound_diagrams_are_still_refused_with_the_witness() {
    let deadlock = flowzap(&fixtures_dir())
        .args(["compile", "--target", "asl", "lint/deadlock_decision_skips_join.fz"])
        .output()
        .expect("runs");
    assert_eq!(deadlock.status.code(), Some(1));
    let text = String::from_utf8_lossy(&deadlock.stderr);
    assert!(text.contains("E021") && text.contains("witness: n1 starts; n2 forks to n3, n4;"), "{text}");
}

#[test]
fn refusal_writes_no_file_and_success_writes_atomically() {
    let dir = tempfile::tempdir().expect("temp");
    let fixtures = fixtures_dir();
    let good = fixtures.join("lint/nested_forks.fz");
    let bad = fixtures.join("lint/deadlock_decision_skips_join.fz");
    let out = dir.path().join("out.json");
    flowzap(dir.path()).args(["compile", good.to_str().expect("utf-8"), "-o", "out.json"]).assert().success();
    let first = std::fs::read_to_string(&out).expect("written");
    flowzap(dir.path()).args(["compile", bad.to_str().expect("utf-8"), "-o", "out.json"]).assert().code(1);
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), first);
    flowzap(dir.path()).args(["compile", bad.to_str().expect("utf-8"), "-o", "never.json"]).assert().code(1);
    assert!(!dir.path().join("never.json").exists());
}

#[test]
fn names_are_unique_short_and_named_after_labels() {
    let text = "desk { # Desk\nn1: circle label:\"In\"\nn2: rectangle label:\"Check status\"\nn3: rectangle label:\"Check status\"\nn4: rectangle label:\"".to_owned()
        + &"Very long label ".repeat(8)
        + "\"\nn5: circle label:\"Out\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\nn3.handle(right) -> n4.handle(left)\nn4.handle(right) -> n5.handle(left)\n}\n";
    let output = flowzap(&fixtures_dir())
        .args(["compile", "--name", "Desk flow", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let definition: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(definition["name"], "Desk flow");
    let tasks = definition["tasks"].as_object().expect("tasks");
    assert!(tasks.contains_key("Check status (n2)") && tasks.contains_key("Check status (n3)"), "{tasks:?}");
    assert!(tasks.keys().all(|name| name.chars().count() <= 80));
}

#[test]
fn validate_json_points_into_the_json() {
    let text = r#"{
  "name": "broken",
  "startTask": "Pack",
  "tasks": {
    "Pack": { "type": "Simple", "nextTask": "Ship" },
    "Ship": { "type": "Parallel", "end": true, "branches": [
      { "startTask": "Label", "tasks": { "Label": { "type": "Simple", "nextTask": "Pack" } } },
      { "startTask": "Pack", "tasks": { "Pack": { "type": "Simple", "end": true } } }
    ] },
    "Lost": { "type": "Simple", "end": true, "colour": "red" },
    "Choose": { "type": "Decision", "choices": [] }
  }
}
"#;
    let output = flowzap(&fixtures_dir())
        .args(["validate-json", "--format", "json", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    // The shape `check --format json` has.
    assert_eq!(report["files"][0]["file"], "<stdin>");
    assert!(report["files"][0]["errors"].as_u64().unwrap_or(0) >= 6, "{report}");
    let found: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    for expected in [
        ("E027", 6, 13),  // Parallel without nextTask, and marked as an end
        ("E028", 7, 83),  // a branch transitions out of its scope
        ("E029", 8, 41),  // `Pack` named twice
        ("E030", 7, 22),  // the first branch never ends
        ("W031", 10, 5),  // nothing leads to `Lost`
        ("E027", 10, 13), // an undocumented field
        ("E027", 11, 15), // a Decision without defaultTask
    ] {
        let expected = (expected.0.to_owned(), expected.1, expected.2);
        assert!(found.contains(&expected), "{expected:?} among {found:?}");
    }
    let syntax = flowzap(&fixtures_dir())
        .args(["validate-json", "--format", "json", "-"])
        .write_stdin("{\n  \"name\": ,\n}")
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&syntax.stdout).expect("json");
    let findings = &report["diagnostics"];
    assert_eq!(findings[0]["code"], "E026");
    assert_eq!((findings[0]["line"].as_u64(), findings[0]["column"].as_u64()), (Some(2), Some(11)));
}

/// The warnings of the reading (W021 returns to the start, W025 stray
/// entries, W032 replies) carry fix-its that draw outright what was read:
/// applied, the warnings are gone and the compiled workflow is the same.
#[test]
fn reading_fixits_draw_what_compile_reads() {
    use flowzap::diagnostics::Code;
    let compile = |text: &str| {
        let output =
            flowzap(&fixtures_dir()).args(["compile", "-"]).write_stdin(text.to_owned()).output().expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let reading = [Code::W021, Code::W025, Code::W032];
    for fixture in ["lint/reply_edges.fz", "lint/start_with_incoming.fz", "lint/stray_entry.fz"] {
        let original = std::fs::read_to_string(fixtures_dir().join(fixture)).expect("fixture");
        let mut text = original.clone();
        // A nested reply's fix comes once the outer one is applied.
        for _ in 0..4 {
            let loaded = flowzap::load(&text);
            let (_, findings) = flowzap::analysis::lint(&loaded.diagram, &flowzap::analysis::Options::default());
            let fixes: Vec<_> =
                findings.into_iter().filter(|d| reading.contains(&d.code) && !d.fix.is_empty()).collect();
            if fixes.is_empty() {
                break;
            }
            text = flowzap::diagnostics::apply_fixes(&text, &fixes);
        }
        let loaded = flowzap::load(&text);
        assert!(!loaded.has_errors(), "{fixture}: the fixed text loads:\n{text}");
        let (_, findings) = flowzap::analysis::lint(&loaded.diagram, &flowzap::analysis::Options::default());
        let left: Vec<_> = findings.iter().filter(|d| reading.contains(&d.code)).map(|d| d.code).collect();
        assert!(left.is_empty(), "{fixture}: {left:?} remain after the fixes:\n{text}");
        assert_eq!(compile(&text), compile(&original), "{fixture}: the fix changed what compiles:\n{text}");
    }

    // A task read as a choice becomes a diamond: the choice is drawn.
    let original = std::fs::read_to_string(fixtures_dir().join("lint/labelled_task_choice.fz")).expect("fixture");
    let loaded = flowzap::load(&original);
    let (_, findings) = flowzap::analysis::lint(&loaded.diagram, &flowzap::analysis::Options::default());
    let fixes: Vec<_> = findings.into_iter().filter(|d| d.code == Code::W033).collect();
    assert_eq!(fixes.len(), 1);
    let text = flowzap::diagnostics::apply_fixes(&original, &fixes);
    assert!(text.contains("n2: diamond label:\"Validate the fields\""), "{text}");
    let (_, findings) = flowzap::analysis::lint(&flowzap::load(&text).diagram, &flowzap::analysis::Options::default());
    assert!(findings.iter().all(|d| d.code != Code::W033 && !d.is_error()), "{findings:?}");
    compile(&text);
}

/// The layout leaves room for every gateway and event the BPMN compiler adds
/// beside a node (both follow `analysis::around`), so none is drawn smaller
/// than the 30 px an added element has.
#[test]
fn added_bpmn_elements_keep_their_full_size() {
    let mut squeezed = Vec::new();
    let mut added = 0;
    for (_, path) in ["valid", "lint"].into_iter().flat_map(common::fixture_files) {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let document = flowzap::Document::new(text);
        let (Some(analysis), Some(layout)) = (document.analysis(), document.layout()) else { continue };
        let Ok(process) = flowzap::emit::bpmn::compile(document.diagram(), analysis, "room") else { continue };
        let di = flowzap::emit::bpmn::di::place(&process, layout);
        for (element, shape) in process.elements.iter().zip(&di.shapes) {
            if matches!(element.origin, flowzap::emit::bpmn::Origin::Node(_) | flowzap::emit::bpmn::Origin::Empty(_)) {
                continue;
            }
            added += 1;
            if shape.bounds.width < 30.0 {
                squeezed.push(format!("{}: {} is {} px", path.display(), element.id, shape.bounds.width));
            }
        }
    }
    assert!(added > 100, "only {added} added elements: the fixtures changed?");
    assert!(squeezed.is_empty(), "{}", squeezed.join("\n"));
}
