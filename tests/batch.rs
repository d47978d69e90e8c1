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
