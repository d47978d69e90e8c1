//! The command line in everyday use: streams, closed pipes, output paths,
//! JSON reports, suggestions, help text and summaries say exactly what is
//! so, as a new user meets them.

mod common;

use common::{fixtures_dir, flowzap};
use serde_json::Value;

const BROKEN: &str = "desk { # Desk\nn1: hexagon label:\"In\"\n}\n";

/// Runs `command` in `dir` through util-linux's `script`, which gives it a
/// terminal on standard output and standard error (redirections in
/// `command` take either away); what the terminal showed.
fn on_a_terminal(dir: &std::path::Path, command: &str) -> String {
    let output = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("util-linux's `script` runs (Debian's bsdutils)");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `--color auto` colours a report for the stream it is written to: a
/// terminal's, never a file's.
#[test]
fn colour_follows_the_stream_each_report_goes_to() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("broken.fz"), BROKEN).expect("write");
    let flowzap = env!("CARGO_BIN_EXE_flowzap");
    // render reports on standard error: a file there, a terminal on stdout.
    on_a_terminal(dir.path(), &format!("'{flowzap}' render broken.fz 2> render.err"));
    let report = std::fs::read_to_string(dir.path().join("render.err")).expect("report");
    assert!(report.contains("E001") && !report.contains('\u{1b}'), "coloured into a file: {report:?}");
    // …and on a terminal it is coloured.
    let shown = on_a_terminal(dir.path(), &format!("'{flowzap}' render broken.fz > /dev/null"));
    assert!(shown.contains("E001") && shown.contains('\u{1b}'), "not coloured on a terminal: {shown:?}");
    // check reports on standard output: a file there, a terminal on stderr.
    on_a_terminal(dir.path(), &format!("'{flowzap}' check broken.fz > check.out"));
    let report = std::fs::read_to_string(dir.path().join("check.out")).expect("report");
    assert!(report.contains("E001") && !report.contains('\u{1b}'), "coloured into a file: {report:?}");
}

/// `flowzap render big.fz | head` ends as `cat` would: by SIGPIPE, with
/// nothing said.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().expect("temp");
    let big = flowzap::synth::swimlane_text(2000, 8, 1);
    std::fs::write(dir.path().join("big.fz"), big).expect("write");
    for args in [&["render", "big.fz"][..], &["graph", "big.fz"], &["compile", "big.fz", "--target", "bpmn"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flowzap"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("starts");
        let mut first = [0u8; 16];
        child.stdout.take().expect("stdout").read_exact(&mut first).expect("reads the start");
        let output = child.wait_with_output().expect("ends");
        assert_eq!(output.status.signal(), Some(13), "{args:?}: {:?}", output.status);
        assert!(output.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// An output that cannot be written says why in the terms of the path
/// given: its folder is missing, or it is a folder. Never a temporary
/// file's name.
#[test]
fn output_path_errors_name_the_real_problem() {
    let dir = tempfile::tempdir().expect("temp");
    let fixture = fixtures_dir().join("valid/minimal.fz");
    std::fs::create_dir(dir.path().join("folder")).expect("folder");
    for (args, said) in [
        (&["render", "-o", "missing/x.svg"][..], "cannot write `missing/x.svg`: the folder `missing` does not exist"),
        (&["render", "-o", "folder"][..], "cannot write `folder`: it is a folder; name a file in it"),
        (&["compile", "-o", "missing/x.json"][..], "the folder `missing` does not exist"),
        (&["graph", "-o", "missing/x.json"][..], "the folder `missing` does not exist"),
    ] {
        let output = flowzap(dir.path()).arg(args[0]).arg(&fixture).args(&args[1..]).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(!stderr.contains(".tmp"), "{args:?}: {stderr}");
    }
}

/// `compile --format json`: findings and refusals as one JSON report on
/// standard error, in `check --format json`'s shape; the definition stays
/// alone on standard output.
#[test]
fn compile_reports_as_json() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("broken.fz"), BROKEN).expect("write");
    let refused = flowzap(dir.path()).args(["compile", "broken.fz", "--format", "json"]).output().expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    assert!(refused.stdout.is_empty());
    let report: Value = serde_json::from_slice(&refused.stderr).expect("one JSON report");
    assert_eq!(report["files"][0]["file"], "broken.fz");
    assert_eq!(report["files"][0]["output"], Value::Null);
    assert_eq!(report["files"][0]["errors"], 1);
    assert_eq!(report["diagnostics"][0]["code"], "E001");
    assert_eq!(
        (report["diagnostics"][0]["line"].as_u64(), report["diagnostics"][0]["column"].as_u64()),
        (Some(2), Some(5))
    );
    let compiled = flowzap(dir.path())
        .arg("compile")
        .arg(fixtures_dir().join("valid/minimal.fz"))
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert!(compiled.status.success());
    let definition: Value = serde_json::from_slice(&compiled.stdout).expect("the definition");
    assert!(definition.is_object());
    let report: Value = serde_json::from_slice(&compiled.stderr).expect("the report");
    assert_eq!(report["files"][0]["output"], "-");
    // A batch gives one report for all its files.
    let batch = flowzap(dir.path())
        .arg("compile")
        .arg("broken.fz")
        .arg(fixtures_dir().join("valid/minimal.fz"))
        .args(["--out-dir", "out", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(batch.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&batch.stderr).expect("one report");
    assert_eq!(report["files"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["files"][1]["output"], "out/minimal.workflow.json");
}

/// validate-json says when it is given ASL, and counts in words that agree.
#[test]
fn validate_json_recognises_asl_and_counts_in_good_english() {
    let dir = tempfile::tempdir().expect("temp");
    let asl = flowzap(dir.path())
        .arg("compile")
        .arg(fixtures_dir().join("valid/minimal.fz"))
        .args(["--target", "asl"])
        .output()
        .expect("runs");
    std::fs::write(dir.path().join("machine.asl.json"), &asl.stdout).expect("write");
    let output = flowzap(dir.path()).args(["validate-json", "machine.asl.json"]).output().expect("runs");
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(said.contains("looks like Amazon States Language"), "{said}");
    assert!(said.contains("machine.asl.json: 0 tasks, 1 error, 0 warnings"), "{said}");
    assert_eq!(said.matches("flowzap::E").count(), 1, "one finding, not a schema report: {said}");
}

/// Every fix-it of a line can be applied at once: W009's handles, W007's
/// lane prefix and W002's label edit different bytes.
#[test]
fn the_fixits_of_one_line_never_overlap() {
    let text = "front { # Front\nn1: circle label:\"In\"\nn1 -> n2 [label:\"Yes\"]\n}\nback { # Back\nn2: circle label:\"Out\"\n}\n";
    let loaded = flowzap::load(text);
    let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in ["W002", "W007", "W009"] {
        assert!(codes.contains(&code), "{code} among {codes:?}");
    }
    let edits: Vec<_> = loaded.diagnostics.iter().flat_map(|d| d.fix.iter()).collect();
    for (i, a) in edits.iter().enumerate() {
        for b in &edits[i + 1..] {
            let apart = a.span.end <= b.span.start || b.span.end <= a.span.start;
            assert!(apart || (a.span.start == a.span.end && a.span != b.span), "{a:?} and {b:?} overlap");
        }
    }
    let fixed = flowzap::diagnostics::apply_fixes(text, &loaded.diagnostics);
    assert!(fixed.contains("n1.handle(bottom) -> back.n2.handle(top) [label=\"Yes\"]"), "{fixed}");
    assert!(flowzap::load(&fixed).diagnostics.is_empty(), "{fixed}");
}

/// "Did you mean" only for a real typo: an undeclared `n9` is another
/// node, not a misspelt `n1`.
#[test]
fn suggestions_are_only_for_close_names() {
    let dir = tempfile::tempdir().expect("temp");
    let text = "desk { # Desk\nn1: circle label:\"In\"\nn2: rectangle label:\"Triage\"\nn1.handle(right) -> n9.handle(left)\n}\nkitchen { # Kitchen\n}\n";
    let output = flowzap(dir.path()).args(["check", "-"]).write_stdin(text).output().expect("runs");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("E003") && !said.contains("did you mean"), "{said}");
    let typo = text.replace("n1.handle(right) -> n9.handle(left)", "n1.handle(right) -> kitchn.n2.handle(left)");
    let output = flowzap(dir.path()).args(["check", "-"]).write_stdin(typo).output().expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("did you mean `kitchen`"));
}

/// Help for an installed binary: no repository paths, the formats render
/// writes, and the ranges of numeric options.
#[test]
fn help_text_stands_on_its_own() {
    let dir = tempfile::tempdir().expect("temp");
    let help = |args: &[&str]| {
        let output = flowzap(dir.path()).args(args).arg("--help").output().expect("runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let top = help(&[]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    assert!(commands.len() > 15, "{commands:?}");
    for command in std::iter::once(String::new()).chain(commands) {
        let args: Vec<&str> = if command.is_empty() { vec![] } else { vec![command.as_str()] };
        let text = help(&args);
        for path in ["docs/", "fixtures/", "tests/", ".md", "src/"] {
            assert!(!text.contains(path), "`{command} --help` points at `{path}`:\n{text}");
        }
    }
    let render = help(&["render"]);
    assert!(render.contains("PNG") && render.contains("PDF"), "{render}");
    assert!(render.contains("from 0.1 to 8"), "{render}");
    assert!(help(&[]).contains("SVG, PNG or PDF"));
    assert!(help(&["lint"]).contains("(0 or more)"));
}

/// Plain `lint` says in one line what it found about structure; `--structure`
/// names a taskbox by its title.
#[test]
fn lint_summarises_the_structure_and_names_taskboxes_by_title() {
    let fixture = fixtures_dir().join("valid/insurance_claim.fz");
    let output = flowzap(&fixtures_dir()).arg("lint").arg(&fixture).output().expect("runs");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains("insurance_claim.fz: structure: 1 fork (n6), 1 decision (n4), 1 join (n9), 1 merge (n12)"),
        "{said}"
    );
    let output = flowzap(&fixtures_dir()).arg("lint").arg(&fixture).arg("--structure").output().expect("runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(tree.contains("\"Inspect damage\""), "{tree}");
    assert!(!tree.contains('|'), "a taskbox's raw label: {tree}");
}

/// W005 on a loop names the lane to write it in, and why.
#[test]
fn a_misplaced_loop_is_told_its_lane() {
    let text = "a { # A\nn1: rectangle label:\"Try\"\nn1.handle(bottom) -> b.n2.handle(top)\n}\nb { # B\nn2: diamond label:\"Done?\"\nn2.handle(top) -> a.n1.handle(bottom) [label=\"No\"]\nloop [until done] n1 n2\n}\n";
    let loaded = flowzap::load(text);
    let w005 = loaded.diagnostics.iter().find(|d| d.code.as_str() == "W005").expect("W005");
    let help = w005.help.as_deref().unwrap_or_default();
    assert!(
        help.contains("move it into the `a` block: a loop is written in the lane of its first node, `n1`"),
        "{help}"
    );
}
