//! The authoring commands: `fmt`, `fix`, `diff`, `apply`. Snapshots of
//! `fmt` and `fix` on every fixture; the command line (`--check`,
//! `--write`, `--diff`, standard input, refusals that leave files alone);
//! and properties on generated diagrams written in every tolerated form.

mod common;

use common::{fixture_files, flowzap};
use flowzap::edit::{diff, fix, format, Plain};
use proptest::prelude::*;

#[test]
fn fmt_and_fix_snapshots() {
    insta::glob!("../fixtures", "valid/*.fz", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let formatted = format(&text).expect("a valid fixture formats");
        insta::assert_snapshot!("fmt", formatted);
        let fixed = fix::fix(&text).expect("a valid fixture is fixed");
        let said: Vec<String> = fixed.corrections.iter().map(|c| format!("{}: {}", c.line, c.text)).collect();
        insta::assert_snapshot!("fix", format!("{}\n---\n{}", said.join("\n"), fixed.text));
    });
}

#[test]
fn every_fixture_formats_idempotently_and_keeps_its_model() {
    for kind in ["valid", "lint"] {
        for (name, path) in fixture_files(kind) {
            let text = std::fs::read_to_string(&path).expect("fixture");
            let once = format(&text).expect("formats");
            assert_eq!(format(&once).expect("formats again"), once, "{name}");
            let (before, after) = (Plain::from_text(&text).expect("reads"), Plain::from_text(&once).expect("reads"));
            assert!(diff::same_model(&before, &after), "{name}: fmt changed the model\n{once}");
        }
    }
}

#[test]
fn a_file_with_errors_is_neither_formatted_nor_fixed() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("broken.fz");
    let text = "l { # L\nn1: hexagon label:\"x\"\n}\n";
    std::fs::write(&path, text).expect("write");
    for args in [vec!["fmt", "broken.fz"], vec!["fix", "--write", "broken.fz"]] {
        let output = flowzap(dir.path()).args(&args).output().expect("runs");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("E001"), "{args:?}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text, "{args:?} left the file alone");
    }
}

#[test]
fn fmt_check_write_and_standard_input() {
    let dir = tempfile::tempdir().expect("temp");
    let messy = "l { # L\n   n1: circle label=\"Go\"\n// why\n n2: rectangle label:\"Do\"\n n1 -> n2\n}\n";
    let clean = "l { # L\nn1: circle label:\"Go\"\n// why\nn2: rectangle label:\"Do\"\nn1.handle(right) -> n2.handle(left)\n}\n";
    std::fs::write(dir.path().join("a.fz"), messy).expect("write");
    std::fs::write(dir.path().join("b.fz"), clean).expect("write");
    let check = flowzap(dir.path()).args(["fmt", "--check", "a.fz", "b.fz"]).output().expect("runs");
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&check.stdout), "would reformat a.fz\n");
    assert_eq!(std::fs::read_to_string(dir.path().join("a.fz")).expect("read"), messy, "--check writes nothing");
    let stdin = flowzap(dir.path()).args(["fmt", "-"]).write_stdin(messy).output().expect("runs");
    assert!(stdin.status.success());
    assert_eq!(String::from_utf8_lossy(&stdin.stdout), clean);
    flowzap(dir.path()).args(["fmt", "a.fz", "b.fz"]).assert().success();
    assert_eq!(std::fs::read_to_string(dir.path().join("a.fz")).expect("read"), clean);
    flowzap(dir.path()).args(["fmt", "--check", "a.fz", "b.fz"]).assert().success();
}

#[test]
fn fix_prints_writes_and_diffs_and_says_each_repair() {
    let dir = tempfile::tempdir().expect("temp");
    let legacy = "l {\n# Shop\nA: rect label=\"Take order\"\nB: rect label:\"Pack\"\nC: circle label:\"Done\"\nA -> B -> C [label:\"ok\"]\n}\n";
    std::fs::write(dir.path().join("old.fz"), legacy).expect("write");
    let printed = flowzap(dir.path()).args(["fix", "old.fz"]).output().expect("runs");
    assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
    let fixed = String::from_utf8_lossy(&printed.stdout).into_owned();
    assert_eq!(
        fixed,
        "l { # Shop\nn1: rectangle label:\"Take order\"\nn2: rectangle label:\"Pack\"\nn3: circle label:\"Done\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left) [label=\"ok\"]\n}\n"
    );
    let said = String::from_utf8_lossy(&printed.stderr);
    for expected in [
        "old.fz:3: shape `rect` is written `rectangle`",
        "old.fz:6: chained edge split",
        "W003",
        "W001",
        "W009",
        "renumbered A → n1",
    ] {
        assert!(said.contains(expected), "missing {expected:?} in\n{said}");
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("old.fz")).expect("read"), legacy, "printing writes nothing");
    let diffed = flowzap(dir.path()).args(["fix", "--diff", "old.fz"]).output().expect("runs");
    let unified = String::from_utf8_lossy(&diffed.stdout);
    assert!(unified.contains("--- old.fz") && unified.contains("+n1: rectangle label:\"Take order\""), "{unified}");
    flowzap(dir.path()).args(["fix", "--write", "old.fz"]).assert().success();
    assert_eq!(std::fs::read_to_string(dir.path().join("old.fz")).expect("read"), fixed);
    // A fixed file has nothing left to fix, and check finds nothing to fix.
    let again = flowzap(dir.path()).args(["fix", "old.fz"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&again.stderr).is_empty(), "{}", String::from_utf8_lossy(&again.stderr));
    let stdin = flowzap(dir.path()).args(["fix", "-"]).write_stdin(legacy).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&stdin.stdout), fixed);
}

#[test]
fn diff_then_apply_gives_the_new_diagram() {
    let dir = tempfile::tempdir().expect("temp");
    let old = "a { # Sales\nn1: circle label:\"Lead\"\nn2: rectangle label:\"Call\"\nn1.handle(right) -> n2.handle(left)\n}\n";
    let new = "a { # Sales team\nn1: circle label:\"Lead\"\nn2: rectangle label:\"Call back\" owner:\"Ana\"\nn3: circle label:\"Won\"\nn1.handle(right) -> n2.handle(left) [label=\"hot\"]\nn2.handle(right) -> b.n4.handle(top)\n}\nb { # Billing\nn4: rectangle label:\"Invoice\"\nn4.handle(right) -> a.n3.handle(bottom)\n}\n";
    std::fs::write(dir.path().join("old.fz"), old).expect("write");
    std::fs::write(dir.path().join("new.fz"), new).expect("write");
    let human = flowzap(dir.path()).args(["diff", "old.fz", "new.fz"]).output().expect("runs");
    let lines = String::from_utf8_lossy(&human.stdout);
    for expected in [
        "~ lane a: label \"Sales team\"",
        "+ lane b (Billing)",
        "+ node n3: circle in a label:\"Won\"",
        "~ node n2: attributes",
        "~ edge n1 → n2: label \"hot\"",
        "+ edge n2.right → n4.top",
    ] {
        assert!(lines.contains(expected), "missing {expected:?} in\n{lines}");
    }
    let json = flowzap(dir.path()).args(["diff", "--format", "json", "old.fz", "new.fz"]).output().expect("runs");
    std::fs::write(dir.path().join("patch.json"), &json.stdout).expect("write");
    let applied = flowzap(dir.path()).args(["apply", "old.fz", "patch.json"]).output().expect("runs");
    assert!(applied.status.success(), "{}", String::from_utf8_lossy(&applied.stderr));
    let result = Plain::from_text(&String::from_utf8_lossy(&applied.stdout)).expect("reads");
    assert!(diff::same_model(&result, &Plain::from_text(new).expect("reads")));
    flowzap(dir.path()).args(["apply", "--write", "old.fz", "patch.json"]).assert().success();
    let same = flowzap(dir.path()).args(["diff", "old.fz", "new.fz"]).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&same.stdout), "no change\n");
}

#[test]
fn a_patch_that_does_not_apply_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let text = "a { # A\nn1: circle label:\"Start\"\n}\n";
    std::fs::write(dir.path().join("d.fz"), text).expect("write");
    let cases = [
        (
            r#"[{"op": "add_node", "id": "n2", "lane": "a", "shape": "rectangle"}, {"op": "remove_node", "id": "n9"}]"#,
            "operation 2 does not apply: there is no node `n9`",
        ),
        (r#"[{"op": "add_node", "id": "n2", "lane": "a", "shape": "hexagon"}]"#, "E001"),
        (r#"[{"op": "launch_rocket"}]"#, "operation 1 is not one flowzap knows"),
        (r#"{"operations": [{"op": "add_edge", "source": "n1", "target": "n5"}]}"#, "there is no node `n5`"),
    ];
    for (patch, expected) in cases {
        std::fs::write(dir.path().join("p.json"), patch).expect("write");
        let output = flowzap(dir.path()).args(["apply", "--write", "d.fz", "p.json"]).output().expect("runs");
        assert_eq!(output.status.code(), Some(1), "{patch}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(expected), "{patch}: {said}");
        assert_eq!(std::fs::read_to_string(dir.path().join("d.fz")).expect("read"), text);
    }
}

/// Generated diagrams, then written in tolerated forms line by line.
mod generated {
    /// A small random diagram as canonical text, from `seed`.
    pub fn diagram(seed: u64, nodes: usize, lanes: usize) -> String {
        let mut text = flowzap::synth::swimlane_text(nodes, lanes, seed);
        if text.is_empty() {
            text.push_str("l { # L\n}\n");
        }
        text
    }

    /// `text` with each line (chosen by `choices`) written in a tolerated
    /// form: the lane label on the next line or left out, `=` on node
    /// attributes, `:` on edge labels, handles left out or in capitals, a
    /// redundant source prefix, a cross-lane target without its prefix,
    /// comments, indentation, an edge moved outside its lane; and, for
    /// some files, ids that are not `n1…nN`.
    pub fn tolerated(text: &str, choices: &[u8]) -> String {
        let mut out = String::new();
        let mut moved = Vec::new();
        let mut lane = String::new();
        for (index, line) in text.lines().enumerate() {
            let choice = choices.get(index % choices.len().max(1)).copied().unwrap_or(0) % 12;
            let is_edge = line.contains("->");
            let opens_lane = !line.ends_with('}') && line.contains(" { # ");
            if opens_lane {
                lane = line.split(' ').next().unwrap_or_default().to_owned();
            }
            let is_node = !is_edge && !opens_lane && line.contains(": ");
            let line = match choice {
                1 if is_node => line.replacen("label:\"", "label=\"", 1),
                2 if is_edge => line.replace("[label=\"", "[label:\""),
                3 if is_edge && !line.contains('[') => {
                    let strip = |end: &str| end.split(".handle(").next().unwrap_or(end).trim().to_owned();
                    let (a, b) = line.split_once("->").unwrap_or((line, ""));
                    format!("{} -> {}", strip(a), strip(b))
                }
                4 if is_edge => line.replace("handle(right)", "handle(RIGHT)"),
                5 => format!("  {line}"),
                6 if is_node || is_edge => format!("// note {index}\n{line}"),
                7 if is_edge && !line.contains('[') => {
                    moved.push(line.to_owned());
                    continue;
                }
                8 if opens_lane => line.replacen(" { # ", " {\n# ", 1),
                9 if opens_lane => format!("{lane} {{"),
                10 if is_edge => format!("{lane}.{line}"),
                11 if is_edge => {
                    // `-> other.n5` becomes `-> n5`.
                    let (a, b) = line.split_once("->").unwrap_or((line, ""));
                    let b = b.trim();
                    let unprefixed = match b.split_once('.') {
                        Some((prefix, rest))
                            if !prefix.starts_with('n') || !prefix[1..].chars().all(|c| c.is_ascii_digit()) =>
                        {
                            rest.to_owned()
                        }
                        _ => b.to_owned(),
                    };
                    format!("{a}-> {unprefixed}")
                }
                _ => line.to_owned(),
            };
            out.push_str(&line);
            out.push('\n');
        }
        for line in moved {
            out.push_str(&line);
            out.push('\n');
        }
        if choices.first().is_some_and(|c| c % 3 == 0) {
            // Ids of another kind: `n12` becomes `step12` everywhere.
            out = out.split('\n').map(rename_ids).collect::<Vec<_>>().join("\n");
        }
        out
    }

    fn rename_ids(line: &str) -> String {
        let mut out = String::new();
        let mut previous: Option<char> = None;
        let mut in_quotes = false;
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c == '"' {
                in_quotes = !in_quotes;
            }
            let starts_id = !in_quotes
                && c == 'n'
                && !previous.is_some_and(|p| p.is_ascii_alphanumeric() || p == '_')
                && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
            if starts_id {
                out.push_str("step");
            } else {
                out.push(c);
            }
            previous = Some(c);
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fmt_is_idempotent_and_keeps_the_model(seed in 0u64..10_000, nodes in 2usize..40, lanes in 1usize..5, choices in prop::collection::vec(any::<u8>(), 1..20)) {
        let text = generated::tolerated(&generated::diagram(seed, nodes, lanes), &choices);
        let Ok(before) = Plain::from_text(&text) else { return Ok(()) };
        let once = format(&text).expect("formats");
        prop_assert_eq!(format(&once).expect("formats"), once.clone());
        let after = Plain::from_text(&once).expect("reads");
        prop_assert!(diff::same_model(&before, &after), "fmt changed the model of\n{}\ninto\n{}", text, once);
    }

    #[test]
    fn fix_keeps_the_model_and_leaves_nothing_to_fix(seed in 0u64..10_000, nodes in 2usize..40, lanes in 1usize..5, choices in prop::collection::vec(any::<u8>(), 1..20)) {
        let text = generated::tolerated(&generated::diagram(seed, nodes, lanes), &choices);
        let Ok(before) = Plain::from_text(&text) else { return Ok(()) };
        let fixed = fix::fix(&text).map_err(|(_, errors, _)| TestCaseError::fail(format!("{errors:?}")))?;
        let after = Plain::from_text(&fixed.text).expect("reads");
        // The same model, but for ids renumbered `n1…nN` (which the diff
        // finds by content).
        let changes = diff::diff(&before, &after);
        prop_assert!(
            changes.iter().all(|op| matches!(op, flowzap::edit::apply::Operation::RenameNodes { .. })),
            "fix changed the model of\n{}\ninto\n{}\n{:?}", text, fixed.text, changes
        );
        let loaded = flowzap::load(&fixed.text);
        let fixable: Vec<_> = loaded.diagnostics.iter().filter(|d| !d.fix.is_empty() || d.is_error()).map(|d| d.code).collect();
        prop_assert!(fixable.is_empty(), "{:?} left in\n{}", fixable, fixed.text);
    }

    #[test]
    fn apply_of_the_diff_gives_the_other_diagram(a in 0u64..10_000, b in 0u64..10_000, nodes in 2usize..30, lanes in 1usize..5, other_lanes in 1usize..5) {
        let (old, new) = (generated::diagram(a, nodes, lanes), generated::diagram(b, nodes + (b as usize % 7), other_lanes));
        let (old, new) = (Plain::from_text(&old).expect("reads"), Plain::from_text(&new).expect("reads"));
        let operations = diff::diff(&old, &new);
        let text = flowzap::edit::apply::apply(&old, &operations).map_err(|refused| TestCaseError::fail(format!("{refused:?}")))?;
        let result = Plain::from_text(&text).expect("reads");
        prop_assert!(diff::same_model(&result, &new), "apply(diff) gave\n{}\nwanted\n{}", text, new.to_text());
        // Through JSON, as the command line passes it.
        let json = serde_json::to_string(&operations).expect("serialises");
        let back: Vec<flowzap::edit::apply::Operation> = serde_json::from_str(&json).expect("reads back");
        prop_assert_eq!(back, operations);
    }
}

#[test]
fn the_generator_writes_every_tolerated_form() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..60u64 {
        let choices: Vec<u8> = (0..12).map(|i| ((seed as u8).wrapping_mul(7).wrapping_add(i * 13)) % 255).collect();
        let text = generated::tolerated(&generated::diagram(seed, 12, 3), &choices);
        for diagnostic in flowzap::load(&text).diagnostics {
            seen.insert(diagnostic.code.as_str());
        }
    }
    for code in ["W001", "W002", "W003", "W004", "W005", "W006", "W007", "W008", "W009", "W010"] {
        assert!(seen.contains(code), "{code} never generated: {seen:?}");
    }
}
