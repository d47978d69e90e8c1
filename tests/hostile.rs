//! Hostile inputs end in a report and an exit code of 0, 1 or 2, never in a
//! crash: very long lines, runs of control characters, huge labels.

mod common;

use common::flowzap;

/// A diagram whose second line is longer than miette can draw.
fn long_line_diagram(label_length: usize) -> String {
    format!(
        "lane1 {{ # Lane\nn1: rectangle label:\"{}\" bogus:\"1\"\nn2: circle label:\"End\"\n\
         n1.handle(right) -> n2.handle(left)\n}}\n",
        "x".repeat(label_length)
    )
}

#[test]
fn a_finding_past_column_65535_is_reported_by_position() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("long.fz"), long_line_diagram(70_000)).expect("write");
    for command in ["check", "lint"] {
        let output = flowzap(dir.path()).args([command, "long.fz"]).output().expect("runs");
        assert_eq!(output.status.code(), Some(0), "{command}");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(report.contains("flowzap::W016"), "{command}: {report}");
        assert!(report.contains("long.fz:2:70024"), "{command}: {report}");
        assert!(report.len() < 10_000, "{command}: the long line is not printed");
    }
    let json = format!("{{\"name\":\"{}\",\"tasks\":[{{\"id\":1}}]}}", "x".repeat(70_000));
    std::fs::write(dir.path().join("long.json"), json).expect("write");
    let output = flowzap(dir.path()).args(["validate-json", "long.json"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("long.json:1:700"), "{report}");
}

/// Lines that fit are still drawn with their snippet.
#[test]
fn a_finding_on_a_short_line_is_drawn() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("short.fz"), long_line_diagram(10)).expect("write");
    let output = flowzap(dir.path()).args(["check", "short.fz"]).output().expect("runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("[short.fz:2:34]"), "{report}");
}
