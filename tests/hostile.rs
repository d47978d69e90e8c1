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
        let output =
            flowzap(dir.path()).args([command, "--max-label-length", "100000", "long.fz"]).output().expect("runs");
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

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

/// 30,000 NULs are one mistake: one finding, and a report of a few lines.
#[test]
fn a_run_of_control_characters_is_one_finding() {
    let dir = tempfile::tempdir().expect("temp");
    write(dir.path(), "nul.fz", &format!("lane1 {{ # A\nn1: rectangle label:\"a{}b\"\n}}\n", "\0".repeat(30_000)));
    let output = flowzap(dir.path()).args(["check", "--format", "json", "nul.fz"]).output().expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = common::findings(&report);
    let control: Vec<_> = findings.iter().filter(|(code, ..)| code == "E013").collect();
    assert_eq!(control.len(), 1, "{findings:?}");
    assert_eq!((control[0].1, control[0].2), (2, 23));
    let human = flowzap(dir.path()).args(["check", "nul.fz"]).output().expect("runs");
    assert!(human.stdout.len() < 5_000, "{} bytes of report", human.stdout.len());
}

/// A terminal gets at most 50 findings of one code, then a count.
#[test]
fn a_thousand_copies_of_one_mistake_are_summarised() {
    let dir = tempfile::tempdir().expect("temp");
    let nodes: String = (1..=1_000).map(|n| format!("n{n}: rectangle label:\"Step {n}\"\n")).collect();
    write(dir.path(), "orphans.fz", &format!("lane1 {{ # A\n{nodes}}}\n"));
    let output = flowzap(dir.path()).args(["check", "orphans.fz"]).output().expect("runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(report.matches("has no edges").count(), 50);
    assert!(report.contains("flowzap::W012: 950 more like this in orphans.fz not shown"), "{report}");
    let json = flowzap(dir.path()).args(["check", "--format", "json", "orphans.fz"]).output().expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(common::findings(&report).len(), 1_000);
}

/// The shape that once cost a rows × columns table and a report line per
/// orphan: `render` of a chain beside as many nodes without edges draws every
/// node, and the terminal gets 50 orphan warnings and a count. (Its time and
/// memory at 30,000 nodes are benchmarked in benches/render.rs.)
#[test]
fn a_chain_beside_loose_nodes_renders_with_a_bounded_report() {
    let dir = tempfile::tempdir().expect("temp");
    write(dir.path(), "shape.fz", &flowzap::synth::chain_and_loose_text(2_000, 2_000));
    let output = flowzap(dir.path()).args(["render", "shape.fz", "-o", "shape.svg"]).output().expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = String::from_utf8_lossy(&output.stderr);
    assert_eq!(report.matches("has no edges").count(), 50, "{report}");
    assert!(report.contains("flowzap::W012: 1950 more like this in shape.fz not shown"), "{report}");
    let svg = std::fs::read_to_string(dir.path().join("shape.svg")).expect("written");
    let tree = roxmltree::Document::parse(&svg).expect("the SVG parses");
    let nodes = tree.descendants().filter(|n| n.attribute("class") == Some("node")).count();
    assert_eq!(nodes, 4_000);
}

/// Inputs that took minutes (duplicate keys, did-you-mean over every node,
/// lane lookups) finish; the bound only catches a hang, it measures nothing.
#[test]
fn wide_inputs_finish() {
    let dir = tempfile::tempdir().expect("temp");
    let attributes: Vec<String> = (0..200_000).map(|k| format!("k{k}:\"v\"")).collect();
    write(dir.path(), "attributes.fz", &format!("lane1 {{ # A\nn1: rectangle {}\n}}\n", attributes.join(" ")));
    let lanes: String =
        (0..40_000).map(|l| format!("l{l} {{ # L{l}\nn{}: rectangle label:\"t\"\n}}\n", l + 1)).collect();
    write(dir.path(), "lanes.fz", &lanes);
    let mut dangling = String::from("lane1 { # A\n");
    for n in 1..=20_000 {
        dangling
            .push_str(&format!("n{n}: rectangle label:\"t\"\nn{n}.handle(right) -> x{n}.handle(left)\nn1: circle\n"));
    }
    dangling.push_str("}\n");
    write(dir.path(), "dangling.fz", &dangling);
    for file in ["attributes.fz", "lanes.fz", "dangling.fz"] {
        flowzap(dir.path())
            .args(["check", file])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(predicates::ord::ge(0));
    }
    flowzap(dir.path())
        .args(["render", "lanes.fz", "-o", "lanes.svg"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
}

/// U+FFFE and U+FFFF pass `check` but cannot stand in XML.
#[test]
fn noncharacters_never_reach_xml_raw() {
    let dir = tempfile::tempdir().expect("temp");
    write(
        dir.path(),
        "odd.fz",
        "lane1 { # A\u{ffff}\nn1: circle label:\"Go\u{fffe}\"\nn2: rectangle label:\"Do\u{ffff}\"\nn3: circle label:\"End\"\n\
         n1.handle(right) -> n2.handle(left) [label=\"x\u{fffe}\"]\nn2.handle(right) -> n3.handle(left)\n}\n",
    );
    flowzap(dir.path()).args(["render", "odd.fz", "-o", "odd.svg"]).assert().success();
    flowzap(dir.path()).args(["compile", "odd.fz", "--target", "bpmn", "-o", "odd.bpmn"]).assert().success();
    for output in ["odd.svg", "odd.bpmn"] {
        let text = std::fs::read_to_string(dir.path().join(output)).expect("read");
        assert!(!text.contains(['\u{fffe}', '\u{ffff}']), "{output}");
        roxmltree::Document::parse(&text).unwrap_or_else(|error| panic!("{output}: {error}"));
    }
}

/// A cycle of decisions that never leaves is refused, not compiled into a
/// definition `validate-json` would reject.
#[test]
fn a_decision_cycle_without_a_way_out_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    write(
        dir.path(),
        "spin.fz",
        "lane1 { # A\nn1: circle label:\"Start\"\nn2: diamond label:\"Again?\"\nn3: diamond label:\"Still?\"\n\
         n1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left) [label=\"Yes\"]\n\
         n2.handle(bottom) -> n3.handle(top) [label=\"No\"]\nn3.handle(bottom) -> n2.handle(bottom) [label=\"Yes\"]\n\
         n3.handle(top) -> n2.handle(top) [label=\"No\"]\n}\n",
    );
    for target in ["workflow-json", "asl", "bpmn"] {
        let output = flowzap(dir.path()).args(["compile", "spin.fz", "--target", target]).output().expect("runs");
        assert_eq!(output.status.code(), Some(1), "{target}");
        assert!(output.stdout.is_empty(), "{target}: nothing written");
        assert!(String::from_utf8_lossy(&output.stderr).contains("flowzap::E023"), "{target}");
    }
}

/// A file name cannot send escape sequences to the terminal.
#[cfg(unix)]
#[test]
fn escape_sequences_in_file_names_are_masked() {
    let dir = tempfile::tempdir().expect("temp");
    let name = "e\u{1b}[31mvil\u{202e}.fz";
    write(dir.path(), name, "lane1 { # A\nn1: rectangle label:\"Lone\"\n}\n");
    for command in [&["check", name][..], &["lint", name], &["render", name, "-o", "x\u{1b}]0;t\u{7}/y.svg"]] {
        let output = flowzap(dir.path()).args(command).output().expect("runs");
        let all = [output.stdout, output.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{command:?}: {text}");
        assert!(text.contains("e?[31mvil?.fz") || text.contains("x?]0;t?/y.svg"), "{command:?}: {text}");
    }
}

/// Each limit stops a run with its own code, and each can be raised.
#[test]
fn limits_have_codes_and_can_be_raised() {
    let dir = tempfile::tempdir().expect("temp");
    let minimal = std::fs::read_to_string(common::fixtures_dir().join("valid/minimal.fz")).expect("fixture");
    write(dir.path(), "minimal.fz", &minimal);
    let refused = |args: &[&str], code: &str, status: i32| {
        let output = flowzap(dir.path()).args(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(status), "{args:?}");
        let all = String::from_utf8_lossy(&[output.stdout, output.stderr].concat()).into_owned();
        assert!(all.contains(code), "{args:?}: {all}");
    };
    refused(&["check", "--max-input-size", "100", "minimal.fz"], "flowzap::E031", 2);
    refused(&["render", "--max-nodes", "2", "minimal.fz"], "flowzap::E032", 1);
    refused(&["render", "minimal.fz", "-o", "m.png", "--max-pixels", "1000"], "flowzap::E034", 2);
    assert!(!dir.path().join("m.png").exists());
    write(dir.path(), "long.fz", &format!("lane1 {{ # A\nn1: rectangle label:\"{}\"\n}}\n", "word ".repeat(2_500)));
    refused(&["check", "long.fz"], "flowzap::E033", 1);
    flowzap(dir.path()).args(["check", "--max-label-length", "20000", "long.fz"]).assert().success();
    flowzap(dir.path()).args(["check", "--max-input-size", "1K", "--max-nodes", "3", "minimal.fz"]).assert().success();
    flowzap(dir.path()).args(["check", "--max-input-size", "lots", "minimal.fz"]).assert().code(2);
    let mut stdin = std::process::Command::new(env!("CARGO_BIN_EXE_flowzap"));
    let output = stdin
        .args(["check", "--max-input-size", "1K", "-"])
        .stdin(std::fs::File::open("/dev/zero").expect("/dev/zero"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "an endless input stops at the limit");
}
