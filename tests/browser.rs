//! Three rendered fixtures opened in a real browser (headless Debian
//! Chromium through npm playwright-core): they load without errors, at the
//! size the SVG declares, with every node, edge and label drawn. Screenshots
//! land in target/screenshots for a person to look at. The browser and
//! playwright-core are installed by tests/run-all.sh; without them this test
//! fails.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixtures_dir, flowzap};
use serde_json::Value;

/// Runs `tests/browser/SCRIPT` with node on the test tools, a screenshot
/// folder (target/screenshots) and `args`, after checking that the npm
/// `packages` and Chromium are there; returns its JSON lines. A missing
/// tool fails the test.
fn run_in_chromium(script: &str, packages: &[&str], args: &[&std::ffi::OsStr]) -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join(".tools/node");
    for package in packages {
        assert!(
            tools.join("node_modules").join(package).join("package.json").exists(),
            "npm package `{package}` is missing from .tools/node: run `bash tests/run-all.sh`, which installs it"
        );
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: run `bash tests/run-all.sh`, which installs Debian's chromium"
    );
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let output = Command::new("node")
        .arg(root.join("tests/browser").join(script))
        .arg(&tools)
        .arg(&shots)
        .args(args)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}\n{}", String::from_utf8_lossy(&output.stderr));
    report.lines().map(|line| serde_json::from_str(line).expect("JSON line")).collect()
}

#[test]
#[ignore = "needs Chromium and npm playwright-core; tests/run-all.sh installs and runs them"]
fn rendered_fixtures_load_in_headless_chromium() {
    let out = tempfile::tempdir().expect("temp");
    let mut expected = Vec::new();
    for name in ["insurance_claim", "loop_retry", "parallel_fanout"] {
        let fixture = fixtures_dir().join("valid").join(format!("{name}.fz"));
        let svg = out.path().join(format!("{name}.svg"));
        flowzap(&fixtures_dir()).arg("render").arg(&fixture).arg("-o").arg(&svg).assert().success();
        let diagram = flowzap::load(&std::fs::read_to_string(&fixture).expect("fixture")).diagram;
        expected.push((svg, diagram.nodes().len(), diagram.edges().len()));
    }
    let paths: Vec<&std::ffi::OsStr> = expected.iter().map(|(svg, _, _)| svg.as_os_str()).collect();
    let lines = run_in_chromium("check.mjs", &["playwright-core"], &paths);
    assert_eq!(lines.len(), expected.len());
    for (seen, (_, nodes, edges)) in lines.iter().zip(&expected) {
        assert_eq!(seen["errors"].as_array().map(Vec::len), Some(0), "{seen}");
        assert_eq!(seen["root"], "svg", "{seen}");
        let close = |a: &Value, b: &Value| (a.as_f64().unwrap_or(-1.0) - b.as_f64().unwrap_or(-2.0)).abs() < 1.0;
        assert!(
            close(&seen["width"], &seen["declaredWidth"]) && close(&seen["height"], &seen["declaredHeight"]),
            "{seen}"
        );
        assert_eq!(seen["nodes"].as_u64(), Some(*nodes as u64), "{seen}");
        assert_eq!(seen["edges"].as_u64(), Some(*edges as u64), "{seen}");
        assert_eq!(seen["visibleTexts"], seen["texts"], "every text is drawn: {seen}");
    }
}

/// The sequence view of three fixtures in a real browser: no errors, the
/// declared size, one `g.message` per edge and the frames the analysis
/// gives, and no two lines of text overlapping as Chromium lays them out
/// with its own fonts. Screenshots land in target/screenshots
/// (`sequence-NAME.png`).
#[test]
#[ignore = "needs Chromium and npm playwright-core; tests/run-all.sh installs and runs them"]
fn sequence_views_load_in_headless_chromium() {
    let out = tempfile::tempdir().expect("temp");
    let mut expected = Vec::new();
    for (name, frames) in [("insurance_claim", 2), ("nested_frames", 4), ("fan_out_and_in", 1)] {
        let fixture = fixtures_dir().join("valid").join(format!("{name}.fz"));
        let svg = out.path().join(format!("{name}.svg"));
        flowzap(&fixtures_dir())
            .arg("render")
            .arg(&fixture)
            .args(["--view", "sequence", "--order", "flow", "-o"])
            .arg(&svg)
            .assert()
            .success();
        let diagram = flowzap::load(&std::fs::read_to_string(&fixture).expect("fixture")).diagram;
        expected.push((svg, diagram.edges().len(), frames));
    }
    let paths: Vec<&std::ffi::OsStr> = expected.iter().map(|(svg, _, _)| svg.as_os_str()).collect();
    let lines = run_in_chromium("sequence.mjs", &["playwright-core"], &paths);
    assert_eq!(lines.len(), expected.len());
    for (seen, (_, edges, frames)) in lines.iter().zip(&expected) {
        assert_eq!(seen["errors"].as_array().map(Vec::len), Some(0), "{seen}");
        let close = |a: &Value, b: &Value| (a.as_f64().unwrap_or(-1.0) - b.as_f64().unwrap_or(-2.0)).abs() < 1.0;
        assert!(
            close(&seen["width"], &seen["declaredWidth"]) && close(&seen["height"], &seen["declaredHeight"]),
            "{seen}"
        );
        assert_eq!(seen["messages"].as_u64(), Some(*edges as u64), "{seen}");
        assert_eq!(seen["frames"].as_u64(), Some(*frames as u64), "{seen}");
        assert_eq!(seen["overlaps"].as_array().map(Vec::len), Some(0), "text on text in Chromium: {seen}");
    }
}

/// The fixture book built by mdBook with `flowzap mdbook`, its pages opened
/// in Chromium: every picture drawn at a size, its nodes or messages there,
/// its title found by id, its theme's colours applied, and the book's own
/// heading untouched by the pictures' style rules. Screenshots land in
/// target/screenshots as mdbook-PAGE.png.
#[test]
#[ignore = "needs mdBook, Chromium and npm playwright-core; tests/run-all.sh installs and runs them"]
fn a_book_with_diagrams_reads_in_headless_chromium() {
    let dir = tempfile::tempdir().expect("temp");
    let built = common::mdbook::build_book(dir.path(), &[]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let pages = [dir.path().join("book/service.html"), dir.path().join("book/recipes/desserts.html")];
    let paths: Vec<&std::ffi::OsStr> = pages.iter().map(|page| page.as_os_str()).collect();
    let lines = run_in_chromium("mdbook.mjs", &["playwright-core"], &paths);
    assert_eq!(lines.len(), 2);
    for seen in &lines {
        assert_eq!(seen["errors"].as_array().map(Vec::len), Some(0), "{seen}");
        assert_eq!(seen["codeBlocks"].as_u64(), Some(0), "a flowzap block left as code: {seen}");
        assert_eq!(seen["headingColor"].as_str(), Some("rgb(0, 0, 0)"), "the page's own text restyled: {seen}");
    }
    let pictures = |page: usize| lines[page]["pictures"].as_array().cloned().unwrap_or_default();
    let (service, desserts) = (pictures(0), pictures(1));
    assert_eq!(service.len(), 2, "{service:?}");
    assert_eq!(desserts.len(), 1, "{desserts:?}");
    for picture in service.iter().chain(&desserts) {
        assert!(picture["width"].as_f64().unwrap_or(0.0) > 100.0, "{picture}");
        assert!(picture["height"].as_f64().unwrap_or(0.0) > 100.0, "{picture}");
        assert_eq!(picture["titled"], Value::Bool(true), "{picture}");
    }
    assert_eq!(service[0]["nodes"].as_u64(), Some(5));
    assert_eq!(service[1]["messages"].as_u64(), Some(2));
    // Light shapes by default (Chromium here prefers light), dark where the
    // block asks for it, each picture by its own rules.
    assert_eq!(service[0]["shapeFill"].as_str(), Some("rgb(255, 255, 255)"));
    assert_eq!(desserts[0]["shapeFill"].as_str(), Some("rgb(31, 41, 55)"));
}

/// Compiled BPMN files opened in bpmn-js, the viewer inside Camunda
/// Modeler and bpmn.io: imported with no warnings, with one drawn shape per
/// `BPMNShape` (pool, lanes, events, tasks, gateways) and one connection per
/// `BPMNEdge`, for each `--engine`. Screenshots land in target/screenshots
/// as NAME.ENGINE.bpmn.png.
#[test]
#[ignore = "needs Chromium and npm playwright-core; tests/run-all.sh installs and runs them"]
fn compiled_bpmn_opens_in_bpmn_js_in_headless_chromium() {
    let out = tempfile::tempdir().expect("temp");
    let mut expected = Vec::new();
    for (kind, name) in [
        ("valid", "insurance_claim"),
        ("lint", "nested_join"),
        ("lint", "unstructured_sound"),
        ("lint", "reply_edges"),
        ("lint", "alternative_starts"),
        ("lint", "labelled_task_choice"),
    ] {
        // Every engine's variant: the vendor extensions must not trouble
        // the viewer.
        for engine in ["spiff", "camunda7", "camunda8", "bpmn-engine"] {
            let fixture = fixtures_dir().join(kind).join(format!("{name}.fz"));
            let file = out.path().join(format!("{name}.{engine}.bpmn"));
            flowzap(&fixtures_dir())
                .args(["compile", "--target", "bpmn", "--engine", engine])
                .arg(&fixture)
                .arg("-o")
                .arg(&file)
                .assert()
                .success();
            let xml = std::fs::read_to_string(&file).expect("compiled");
            let shapes = xml.matches("<bpmndi:BPMNShape ").count();
            let edges = xml.matches("<bpmndi:BPMNEdge ").count();
            assert!(shapes > 5 && edges > 4, "{name}: {shapes} shapes, {edges} edges");
            expected.push((file, shapes, edges));
        }
    }
    let paths: Vec<&std::ffi::OsStr> = expected.iter().map(|(file, _, _)| file.as_os_str()).collect();
    let lines = run_in_chromium("bpmn.mjs", &["playwright-core", "bpmn-js"], &paths);
    assert_eq!(lines.len(), expected.len());
    for (seen, (_, shapes, edges)) in lines.iter().zip(&expected) {
        assert_eq!(seen["errors"].as_array().map(Vec::len), Some(0), "{seen}");
        assert_eq!(seen["warnings"].as_array().map(Vec::len), Some(0), "{seen}");
        assert_eq!(seen["shapes"].as_u64(), Some(*shapes as u64), "{seen}");
        assert_eq!(seen["connections"].as_u64(), Some(*edges as u64), "{seen}");
    }
}

/// The live preview of `flowzap watch --serve` in headless Chromium: after a
/// save the page draws the new diagram by itself; an invalid save shows the
/// diagnostics over the last good picture; the fix clears them.
#[cfg(unix)]
#[test]
#[ignore = "needs Chromium and npm playwright-core; tests/run-all.sh installs and runs them"]
fn the_watch_preview_page_follows_saves_in_headless_chromium() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("desk.fz");
    std::fs::write(
        &input,
        "desk { # Help desk\nn1: circle label:\"Ticket in\"\nn2: rectangle label:\"Alpha\"\nn3: circle label:\"Closed\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n",
    )
    .expect("write");
    /// Stops the watch however the test ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut watch = Command::new(env!("CARGO_BIN_EXE_flowzap"))
        .args(["watch", "desk.fz", "--serve", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watch starts");
    let stdout = watch.stdout.take().expect("stdout");
    let _running = Running(watch);
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split_once("at http://").map(|(_, rest)| format!("http://{rest}")))
        .expect("the preview's address");
    std::thread::spawn(move || for _ in lines {});
    let lines = run_in_chromium("watch.mjs", &["playwright-core"], &[std::ffi::OsStr::new(&url), input.as_os_str()]);
    assert_eq!(lines.len(), 1);
    let seen = &lines[0];
    assert_eq!(seen["errors"].as_array().map(Vec::len), Some(0), "{seen}");
    for step in ["first", "afterSave", "overlay", "lastGoodKept", "fixed", "overlayGone"] {
        assert_eq!(seen["steps"][step], true, "step `{step}` failed: {seen}");
    }
    eprintln!("the page showed the saved diagram {} ms after the save", seen["steps"]["saveToPictureMs"]);
}
