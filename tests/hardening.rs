//! Whatever the output path names and however the process ends, flowzap
//! never loses data: it never writes over its input, never replaces a
//! device, FIFO or symbolic link by a file, leaves no temporary file behind
//! when stopped, and fails when its report cannot be written.

mod common;

use std::path::Path;

use common::{fixtures_dir, flowzap};

/// The binary as a plain process, for tests that wire its standard streams.
fn process(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_flowzap"));
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

fn minimal() -> String {
    std::fs::read_to_string(fixtures_dir().join("valid/minimal.fz")).expect("fixture")
}

#[test]
fn an_output_naming_the_input_is_refused_however_it_is_spelled() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("f.fz");
    std::fs::write(&input, minimal()).expect("write");
    std::fs::create_dir(dir.path().join("sub")).expect("dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink("f.fz", dir.path().join("link.fz")).expect("link");
    let absolute = input.to_str().expect("utf-8").to_owned();
    let mut spellings = vec!["f.fz", "./f.fz", "sub/../f.fz", absolute.as_str()];
    if cfg!(unix) {
        spellings.push("link.fz");
    }
    for command in
        [&["render", "f.fz"][..], &["compile", "f.fz"], &["compile", "--target", "bpmn", "f.fz"], &["graph", "f.fz"]]
    {
        for output in &spellings {
            let result = flowzap(dir.path()).args(command).args(["-o", output]).output().expect("runs");
            assert_eq!(result.status.code(), Some(2), "{command:?} -o {output}");
            assert!(String::from_utf8_lossy(&result.stderr).contains("is the input itself"), "{command:?} -o {output}");
            assert_eq!(std::fs::read_to_string(&input).expect("read"), minimal(), "{command:?} -o {output}");
        }
    }
    // Standard input redirected from the file it would write.
    #[cfg(unix)]
    {
        let file = std::fs::File::open(&input).expect("open");
        let result = process(dir.path()).args(["render", "-", "-o", "f.fz"]).stdin(file).output().expect("runs");
        assert_eq!(result.status.code(), Some(2));
        assert_eq!(std::fs::read_to_string(&input).expect("read"), minimal());
    }
}

#[cfg(unix)]
#[test]
fn devices_fifos_and_links_are_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("f.fz"), minimal()).expect("write");

    // /dev/null stays the device (a real risk when run as root, as in CI).
    flowzap(dir.path()).args(["render", "f.fz", "-o", "/dev/null"]).assert().success();
    assert!(std::fs::metadata("/dev/null").expect("exists").file_type().is_char_device());

    // A FIFO is written into, and stays a FIFO.
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read the fifo"))
    };
    flowzap(dir.path()).args(["compile", "f.fz", "-o", "pipe"]).assert().success();
    let received = reader.join().expect("reader");
    assert!(String::from_utf8_lossy(&received).contains("\"startTask\""));
    assert!(std::fs::symlink_metadata(&fifo).expect("exists").file_type().is_fifo());

    // A link stays a link; what it names gets the output (made if missing).
    std::os::unix::fs::symlink("target.svg", dir.path().join("link.svg")).expect("link");
    flowzap(dir.path()).args(["render", "f.fz", "-o", "link.svg"]).assert().success();
    assert!(std::fs::symlink_metadata(dir.path().join("link.svg")).expect("link").file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.path().join("target.svg")).expect("target").starts_with("<svg"));
    flowzap(dir.path()).args(["graph", "f.fz", "-o", "link.svg"]).assert().success();
    assert!(std::fs::symlink_metadata(dir.path().join("link.svg")).expect("link").file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.path().join("target.svg")).expect("target").starts_with('{'));
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_fails() {
    let dir = fixtures_dir();
    for command in [
        &["check", "valid/minimal.fz"][..],
        &["lint", "valid/minimal.fz"],
        &["check", "--format", "json", "valid/minimal.fz"],
    ] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let result = process(&dir).args(command).stdout(full).output().expect("runs");
        assert_eq!(result.status.code(), Some(2), "{command:?}");
        assert!(String::from_utf8_lossy(&result.stderr).contains("cannot write to standard output"));
    }
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let result = process(&dir).args(["compile", "valid/minimal.fz"]).stdout(full).output().expect("runs");
    assert_eq!(result.status.code(), Some(2));
}

/// Stopped while it writes a large output, flowzap removes its temporary file.
#[cfg(unix)]
#[test]
fn a_stopped_write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("big.fz"), flowzap::synth::swimlane_text(60_000, 8, 5)).expect("write");
    let temporaries = |dir: &Path| {
        std::fs::read_dir(dir)
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
            .count()
    };
    for signal in ["TERM", "INT", "HUP"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flowzap"))
            .current_dir(dir.path())
            .args(["compile", "--target", "bpmn", "big.fz", "-o", "big.bpmn"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Wait for the temporary file to appear, then stop the process.
        let started = std::time::Instant::now();
        let mut caught = false;
        while started.elapsed() < std::time::Duration::from_secs(60) {
            if temporaries(dir.path()) > 0 {
                caught = true;
                break;
            }
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        let _ = std::process::Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status();
        let status = child.wait().expect("wait");
        eprintln!("SIG{signal}: stopped while writing: {caught}");
        assert_eq!(temporaries(dir.path()), 0, "SIG{signal}: a temporary file was left behind ({status:?})");
        if caught {
            assert_eq!(status.code(), Some(130), "SIG{signal}");
        }
        let _ = std::fs::remove_file(dir.path().join("big.bpmn"));
    }
}
