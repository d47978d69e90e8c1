//! The fixture book (fixtures/mdbook) built by mdBook from crates.io, as
//! tests/run-all.sh installs it into .tools/mdbook, with `flowzap mdbook`
//! as its preprocessor.

use std::path::{Path, PathBuf};
use std::process::Output;

/// mdBook: `$MDBOOK`, else the one run-all.sh installs. Missing fails the test.
pub fn mdbook() -> PathBuf {
    let path = std::env::var_os("MDBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/mdbook/bin/mdbook"));
    assert!(path.exists(), "no mdBook at {}: run `bash tests/run-all.sh`, which installs it", path.display());
    path
}

/// Copies the fixture book into `dir` with a book.toml naming this build's
/// flowzap as its preprocessor, adds `extra` chapters (file name and
/// Markdown), and builds it.
pub fn build_book(dir: &Path, extra: &[(&str, &str)]) -> Output {
    build_book_with(dir, extra, "")
}

/// [`build_book`] with `settings` (TOML lines) added to the book's
/// `[preprocessor.flowzap]` table.
pub fn build_book_with(dir: &Path, extra: &[(&str, &str)], settings: &str) -> Output {
    let fixture = super::fixtures_dir().join("mdbook");
    let mut waiting = vec![fixture.clone()];
    while let Some(folder) = waiting.pop() {
        for entry in std::fs::read_dir(&folder).expect("fixture book").flatten() {
            let path = entry.path();
            let target = dir.join(path.strip_prefix(&fixture).expect("inside"));
            if path.is_dir() {
                std::fs::create_dir_all(&target).expect("folder");
                waiting.push(path);
            } else {
                std::fs::copy(&path, &target).expect("copy");
            }
        }
    }
    let flowzap = PathBuf::from(env!("CARGO_BIN_EXE_flowzap"));
    let mut summary = std::fs::read_to_string(dir.join("src/SUMMARY.md")).expect("summary");
    for (name, markdown) in extra {
        std::fs::write(dir.join("src").join(name), markdown).expect("chapter");
        summary.push_str(&format!("- [{name}]({name})\n"));
    }
    std::fs::write(dir.join("src/SUMMARY.md"), summary).expect("summary");
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"Bistro\"\n\n[preprocessor.flowzap]\ncommand = \"{} mdbook\"\n{settings}\n",
            flowzap.display().to_string().replace('\\', "/")
        ),
    )
    .expect("book.toml");
    std::process::Command::new(mdbook())
        .arg("build")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("mdbook runs")
}
