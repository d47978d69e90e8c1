//! The documentation keeps up with the code.

use flowzap::diagnostics::Code;

fn doc(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn every_code_is_documented_with_an_example() {
    let lints = doc("lints.md");
    for code in Code::ALL {
        let heading = format!("## {code}\n");
        let at = lints.find(&heading).unwrap_or_else(|| panic!("docs/lints.md has no section for {code}"));
        let section = &lints[at + heading.len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        assert!(section.contains(code.slug()), "{code}: the section names its slug");
        assert!(section.contains("Fails:") && section.contains("Passes:"), "{code}: the section has both examples");
    }
}

#[test]
fn docs_exist() {
    for name in ["language.md", "cli.md", "lints.md", "architecture.md", "semantics.md", "performance.md"] {
        assert!(doc(name).len() > 500, "docs/{name} is written");
    }
}
