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

#[test]
fn rendered_fixtures_load_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join(".tools/node");
    assert!(
        tools.join("node_modules/playwright-core/package.json").exists(),
        "npm package `playwright-core` is missing from .tools/node: run `bash tests/run-all.sh`, which installs it"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: run `bash tests/run-all.sh`, which installs Debian's chromium"
    );

    let out = tempfile::tempdir().expect("temp");
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let mut expected = Vec::new();
    for name in ["insurance_claim", "loop_retry", "parallel_fanout"] {
        let fixture = fixtures_dir().join("valid").join(format!("{name}.fz"));
        let svg = out.path().join(format!("{name}.svg"));
        flowzap(&fixtures_dir()).arg("render").arg(&fixture).arg("-o").arg(&svg).assert().success();
        let diagram = flowzap::load(&std::fs::read_to_string(&fixture).expect("fixture")).diagram;
        expected.push((svg, diagram.nodes.len(), diagram.edges.len()));
    }
    let output = Command::new("node")
        .arg(root.join("tests/browser/check.mjs"))
        .arg(&tools)
        .arg(&shots)
        .args(expected.iter().map(|(svg, _, _)| svg))
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}\n{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> = report.lines().map(|line| serde_json::from_str(line).expect("JSON line")).collect();
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

/// Three compiled BPMN files opened in bpmn-js, the viewer inside Camunda
/// Modeler and bpmn.io: imported with no warnings, with one drawn shape per
/// `BPMNShape` (pool, lanes, events, tasks, gateways) and one connection per
/// `BPMNEdge`. Screenshots land in target/screenshots as NAME.bpmn.png.
#[test]
fn compiled_bpmn_opens_in_bpmn_js_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join(".tools/node");
    for package in ["playwright-core", "bpmn-js"] {
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
    let out = tempfile::tempdir().expect("temp");
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let mut expected = Vec::new();
    for (kind, name) in [("valid", "insurance_claim"), ("lint", "nested_join"), ("lint", "unstructured_sound")] {
        let fixture = fixtures_dir().join(kind).join(format!("{name}.fz"));
        let file = out.path().join(format!("{name}.bpmn"));
        flowzap(&fixtures_dir())
            .args(["compile", "--target", "bpmn"])
            .arg(&fixture)
            .arg("-o")
            .arg(&file)
            .assert()
            .success();
        let xml = std::fs::read_to_string(&file).expect("compiled");
        let shapes = xml.matches("<bpmndi:BPMNShape ").count();
        let edges = xml.matches("<bpmndi:BPMNEdge ").count();
        assert!(shapes > 5 && edges > 5, "{name}: {shapes} shapes, {edges} edges");
        expected.push((file, shapes, edges));
    }
    let output = Command::new("node")
        .arg(root.join("tests/browser/bpmn.mjs"))
        .arg(&tools)
        .arg(&shots)
        .args(expected.iter().map(|(file, _, _)| file))
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}\n{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> = report.lines().map(|line| serde_json::from_str(line).expect("JSON line")).collect();
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
fn the_watch_preview_page_follows_saves_in_headless_chromium() {
    use std::io::{BufRead, BufReader};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join(".tools/node");
    assert!(
        tools.join("node_modules/playwright-core/package.json").exists(),
        "npm package `playwright-core` is missing from .tools/node: run `bash tests/run-all.sh`, which installs it"
    );
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("desk.fz");
    std::fs::write(
        &input,
        "desk { # Help desk\nn1: circle label:\"Ticket in\"\nn2: rectangle label:\"Alpha\"\nn3: circle label:\"Closed\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n",
    )
    .expect("write");
    let mut watch = Command::new(env!("CARGO_BIN_EXE_flowzap"))
        .args(["watch", "desk.fz", "--serve", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watch starts");
    let stdout = watch.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split_once("at http://").map(|(_, rest)| format!("http://{rest}")))
        .expect("the preview's address");
    std::thread::spawn(move || for _ in lines {});
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let output = Command::new("node")
        .arg(root.join("tests/browser/watch.mjs"))
        .arg(&tools)
        .arg(&shots)
        .arg(&url)
        .arg(&input)
        .output()
        .expect("node runs");
    let _ = watch.kill();
    let _ = watch.wait();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}\n{}", String::from_utf8_lossy(&output.stderr));
    let seen: Value = serde_json::from_str(report.trim()).expect("JSON");
    assert_eq!(seen["errors"].as_array().map(Vec::len), Some(0), "{seen}");
    for step in ["first", "afterSave", "overlay", "lastGoodKept", "fixed", "overlayGone"] {
        assert_eq!(seen["steps"][step], true, "step `{step}` failed: {seen}");
    }
    eprintln!("the page showed the saved diagram {} ms after the save", seen["steps"]["saveToPictureMs"]);
}
