//! `flowzap render` over many files: folders expanded, every core used, one
//! failing file never stopping the others, and the same bytes and the same
//! report whatever the number of threads.

mod common;

use common::{fixtures_dir, flowzap};

fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut waiting = vec![dir.to_path_buf()];
    while let Some(folder) = waiting.pop() {
        for entry in std::fs::read_dir(&folder).expect("read").flatten() {
            let path = entry.path();
            if path.is_dir() {
                waiting.push(path);
            } else {
                let name = path.strip_prefix(dir).expect("inside").display().to_string();
                files.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_folder_and_files_render_into_an_output_folder() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(dir.path().join("in/nested")).expect("dirs");
    std::fs::copy(fixtures_dir().join("valid/minimal.fz"), dir.path().join("in/minimal.fz")).expect("copy");
    std::fs::copy(fixtures_dir().join("valid/loop_retry.fz"), dir.path().join("in/nested/retry.flowzap"))
        .expect("copy");
    std::fs::write(dir.path().join("in/broken.fz"), "l { # L\nn1: hexagon\n}\n").expect("write");
    std::fs::copy(fixtures_dir().join("valid/insurance_claim.fz"), dir.path().join("claim.fz")).expect("copy");
    let output = flowzap(dir.path())
        .args(["render", "in", "claim.fz", "--out-dir", "out", "--format", "svg,png,pdf"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "the broken file fails the run");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("E001") && said.ends_with("drew 3 of 4 files into out (9 outputs), 1 failed\n"), "{said}");
    let names: Vec<String> = tree(&dir.path().join("out")).into_iter().map(|(name, _)| name).collect();
    let expected: Vec<String> = ["claim", "minimal", "nested/retry"]
        .iter()
        .flat_map(|name| ["pdf", "png", "svg"].map(|extension| format!("{name}.{extension}")))
        .collect();
    assert_eq!(names, expected);
    // Several inputs need a folder to go to.
    let refused = flowzap(dir.path()).args(["render", "claim.fz", "in/minimal.fz"]).output().expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--out-dir"));
}

#[test]
fn the_bytes_and_the_report_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().expect("temp");
    let run = |threads: &str, out: &str| {
        let output = flowzap(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .arg("render")
            .arg(fixtures_dir().join("valid"))
            .arg(fixtures_dir().join("lint"))
            .args(["--out-dir", out, "--view", "sequence", "--format", "svg"])
            .output()
            .expect("runs");
        (String::from_utf8_lossy(&output.stderr).replace(out, "OUT"), tree(&dir.path().join(out)))
    };
    let (one_report, one) = run("1", "one");
    let (two_report, two) = run("2", "two");
    assert!(one.len() > 60, "{} outputs", one.len());
    assert_eq!(one_report, two_report);
    assert!(one == two, "outputs differ between 1 and 2 threads");
}

#[test]
fn compile_writes_one_definition_per_file_into_the_folder() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(dir.path().join("in")).expect("dirs");
    std::fs::copy(fixtures_dir().join("valid/minimal.fz"), dir.path().join("in/minimal.fz")).expect("copy");
    std::fs::copy(fixtures_dir().join("valid/insurance_claim.fz"), dir.path().join("in/claim.fz")).expect("copy");
    std::fs::write(dir.path().join("in/broken.fz"), "l { # L\nn1: hexagon\n}\n").expect("write");
    for (target, extension) in [("workflow-json", "workflow.json"), ("asl", "asl.json"), ("bpmn", "bpmn")] {
        let out = format!("out-{target}");
        let output =
            flowzap(dir.path()).args(["compile", "--target", target, "in", "--out-dir", &out]).output().expect("runs");
        assert_eq!(output.status.code(), Some(1), "{target}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.ends_with(&format!("compiled 2 of 3 files into {out} (2 outputs), 1 failed\n")), "{said}");
        let names: Vec<String> = tree(&dir.path().join(&out)).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, [format!("claim.{extension}"), format!("minimal.{extension}")]);
    }
}

/// On a terminal a batch of 20 files or more shows a progress bar (driven
/// here through util-linux's `script`, which gives it one); in a log it
/// never does.
#[test]
fn a_progress_bar_shows_on_a_terminal_only() {
    let dir = tempfile::tempdir().expect("temp");
    let command = format!(
        "{} render {} --out-dir {}",
        env!("CARGO_BIN_EXE_flowzap"),
        fixtures_dir().join("valid").display(),
        dir.path().join("tty").display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("util-linux's `script` runs (Debian's bsdutils)");
    let seen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{seen}");
    assert!(seen.contains('█'), "no progress bar on a terminal: {seen}");
    let logged = flowzap(dir.path())
        .arg("render")
        .arg(fixtures_dir().join("valid"))
        .args(["--out-dir", "log"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&logged.stderr).contains('█'));
}

/// `check` and `lint` take folders too, on every core: the report is the
/// files' reports in input order, then a total, the same for any number of
/// threads; a file that cannot be read is said and the others still checked.
#[test]
fn check_and_lint_take_folders_on_every_core() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(dir.path().join("in/nested")).expect("dirs");
    for name in ["minimal", "loop_retry", "insurance_claim", "fan_out_and_in"] {
        std::fs::copy(fixtures_dir().join(format!("valid/{name}.fz")), dir.path().join(format!("in/{name}.fz")))
            .expect("copy");
    }
    std::fs::write(dir.path().join("in/nested/broken.flowzap"), "l { # L\nn1: hexagon\n}\n").expect("write");
    for (command, total) in [
        ("check", "checked 6 files: 1 error, 0 warnings (2 files failed)\n"),
        ("lint", "linted 6 files: 1 error, 1 warning (2 files failed)\n"),
    ] {
        let run = |threads: &str, format: &str| {
            flowzap(dir.path())
                .env("RAYON_NUM_THREADS", threads)
                .args([command, "in", "missing.fz", "--format", format])
                .output()
                .expect("runs")
        };
        let one = run("1", "human");
        assert_eq!(one.status.code(), Some(2), "an unreadable file is the worst status");
        let said = String::from_utf8_lossy(&one.stdout);
        let order: Vec<&str> =
            said.lines().filter_map(|line| line.split(": ").next()).filter(|f| f.starts_with("in/")).collect();
        assert!(said.contains("E001"), "{said}");
        assert!(said.ends_with(total), "{said}");
        assert!(order.windows(2).all(|pair| pair[0] <= pair[1]), "input order: {order:?}");
        assert!(String::from_utf8_lossy(&one.stderr).contains("cannot read `missing.fz`"));
        for format in ["human", "json"] {
            let (first, second) = (run("1", format), run("2", format));
            assert_eq!(first.stdout, second.stdout, "{command} --format {format}: the same for 1 and 2 threads");
            assert_eq!(first.stderr, second.stderr);
        }
        let json: serde_json::Value = serde_json::from_slice(&run("2", "json").stdout).expect("json");
        assert_eq!(json["files"].as_array().map(Vec::len), Some(5), "every readable file summarised");
    }
}

/// One batch makes every artefact of a diagram: the pictures and the
/// compiled definitions. A process lint proves unsound still gets its
/// pictures; its definitions are refused with the reason.
#[test]
fn render_writes_compiled_definitions_beside_the_pictures() {
    let dir = tempfile::tempdir().expect("temp");
    let output = flowzap(dir.path())
        .arg("render")
        .arg(fixtures_dir().join("valid/minimal.fz"))
        .arg(fixtures_dir().join("lint/deadlock_decision_skips_join.fz"))
        .args(["--out-dir", "out", "--format", "svg,bpmn,workflow-json,asl"])
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("was not compiled to bpmn") && said.contains("E02"), "{said}");
    assert!(said.ends_with("drew 1 of 2 files into out (5 outputs), 1 failed\n"), "{said}");
    let names: Vec<String> = tree(&dir.path().join("out")).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "deadlock_decision_skips_join.svg",
            "minimal.asl.json",
            "minimal.bpmn",
            "minimal.svg",
            "minimal.workflow.json"
        ]
    );
    // The same bytes as compile writes.
    let compiled = flowzap(dir.path())
        .arg("compile")
        .arg(fixtures_dir().join("valid/minimal.fz"))
        .args(["--target", "bpmn"])
        .output()
        .expect("runs");
    assert_eq!(std::fs::read(dir.path().join("out/minimal.bpmn")).expect("written"), compiled.stdout);
    // One file: `-o x.bpmn` says the format by its extension.
    flowzap(dir.path())
        .arg("render")
        .arg(fixtures_dir().join("valid/minimal.fz"))
        .args(["-o", "one.bpmn"])
        .assert()
        .success();
    assert_eq!(std::fs::read(dir.path().join("one.bpmn")).expect("written"), compiled.stdout);
}
