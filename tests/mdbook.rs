//! `flowzap mdbook`, the mdBook preprocessor, in a tiny book built by
//! mdBook from crates.io (tests/run-all.sh installs it into .tools/mdbook).

mod common;

use common::flowzap;
use common::mdbook::build_book;

#[test]
fn it_says_which_renderers_it_supports() {
    let dir = tempfile::tempdir().expect("temp");
    flowzap(dir.path()).args(["mdbook", "supports", "html"]).assert().code(0);
    flowzap(dir.path()).args(["mdbook", "supports", "markdown"]).assert().code(1);
}

#[test]
fn input_that_is_not_from_mdbook_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let output = flowzap(dir.path()).arg("mdbook").write_stdin("{}").output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("[preprocessor.flowzap]"));
    assert!(output.stdout.is_empty());
}

#[test]
#[ignore = "needs mdBook; tests/run-all.sh installs it and runs this"]
fn a_book_gets_its_diagrams_as_inline_svg() {
    let dir = tempfile::tempdir().expect("temp");
    let output = build_book(dir.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let page = std::fs::read_to_string(dir.path().join("book/service.html")).expect("page");
    // Both blocks drawn, the list's one inside its item; the text block kept.
    assert_eq!(page.matches("<div class=\"flowzap-diagram\"><svg id=\"flowzap-").count(), 2, "{page}");
    assert!(!page.contains("language-flowzap"), "a block left as code");
    assert!(page.contains("language-text"), "other code blocks are left alone");
    assert!(page.contains("flowzap sequence theme-auto"), "the sequence view, in the book's default theme");
    assert!(page.contains("Seat &lt;table 4&gt; &amp; \"pour water\""), "labels escaped");
    // The print page holds every chapter: ids stay unique across the book.
    let print = std::fs::read_to_string(dir.path().join("book/print.html")).expect("print page");
    let mut ids: Vec<&str> = print.match_indices(" id=\"flowzap-").map(|(at, _)| &print[at..at + 24]).collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(all, ids.len(), "duplicate ids on the print page");
    // A diagram in a quote, with a theme of its own.
    let quoted = std::fs::read_to_string(dir.path().join("book/recipes/desserts.html")).expect("page");
    assert!(quoted.contains("<blockquote>") && quoted.contains("flowzap theme-dark"), "{quoted}");
}

#[test]
#[ignore = "needs mdBook; tests/run-all.sh installs it and runs this"]
fn a_broken_diagram_fails_the_build_pointing_at_its_markdown_line() {
    let dir = tempfile::tempdir().expect("temp");
    let broken = "# Broken\n\nBefore the diagram.\n\n```flowzap\nbar { # Bar\nn1: circle label:\"Open\"\nn2: hexagon label:\"Pour\"\n}\n```\n";
    let output = build_book(dir.path(), &[("broken.md", broken)]);
    assert!(!output.status.success(), "the build fails");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("flowzap::E001"), "{said}");
    assert!(said.contains("[src/broken.md:8:5]"), "the Markdown file's own line and column: {said}");
    assert!(said.contains("1 flowzap diagram of the book has errors"), "{said}");
}

/// book.toml's `theme` sets the pictures' default colours; a theme that is
/// not one fails the build saying which are.
#[test]
#[ignore = "needs mdBook; tests/run-all.sh installs it and runs this"]
fn the_book_chooses_the_default_theme() {
    let dir = tempfile::tempdir().expect("temp");
    let output = common::mdbook::build_book_with(dir.path(), &[], "theme = \"dark\"");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let page = std::fs::read_to_string(dir.path().join("book/service.html")).expect("page");
    assert!(page.contains("class=\"flowzap theme-dark\"") && !page.contains("theme-auto"), "{page}");
    let other = tempfile::tempdir().expect("temp");
    let refused = common::mdbook::build_book_with(other.path(), &[], "theme = \"sepia\"");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("theme = \"sepia\" is not a theme; use \"light\", \"dark\" or \"auto\""), "{said}");
}
