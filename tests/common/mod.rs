//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod dot;
pub mod mdbook;
pub mod quality;
pub mod sequence_quality;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The `.fz` fixtures of `kind` (`valid`, `lint`, `invalid`), sorted by
/// path, each with its name (`valid-minimal`).
pub fn fixture_files(kind: &str) -> Vec<(String, PathBuf)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join(kind))
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|x| x == "fz"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_owned();
            (format!("{kind}-{name}"), path)
        })
        .collect()
}

/// The `flowzap` binary with a fixed terminal width and no colour, run from
/// `dir` so that reports name files relative to it.
pub fn flowzap(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("flowzap").expect("the flowzap binary is built for tests");
    command.current_dir(dir).env("COLUMNS", "100").env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE");
    command
}

/// `// expect CODE line:col` lines of a fixture.
pub fn expectations(text: &str) -> Vec<(String, usize, usize)> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("// expect "))
        .filter_map(|rest| {
            let (code, position) = rest.trim().split_once(' ')?;
            let (line, column) = position.split_once(':')?;
            Some((code.to_owned(), line.parse().ok()?, column.parse().ok()?))
        })
        .collect()
}

/// `(code, line, column)` of every finding in a `--format json` report.
pub fn findings(report: &serde_json::Value) -> Vec<(String, usize, usize)> {
    report["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or("").to_owned(),
                        d["line"].as_u64().unwrap_or(0) as usize,
                        d["column"].as_u64().unwrap_or(0) as usize,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
