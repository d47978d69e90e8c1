//! A real editor as the language server's client: headless Neovim (from
//! Debian's packages; tests/run-all.sh installs it) attaches `flowzap lsp`
//! to a file with errors through its own LSP client and receives the
//! diagnostics. Without Neovim this test fails, it never skips.

mod common;

use std::process::Command;

#[test]
#[ignore = "needs Neovim; tests/run-all.sh installs it and runs this"]
fn neovim_receives_the_diagnostics() {
    let nvim = std::env::var("NVIM").unwrap_or_else(|_| "nvim".to_owned());
    let found = Command::new(&nvim).arg("--version").output();
    assert!(
        found.is_ok_and(|output| output.status.success()),
        "no Neovim (`{nvim}`): run `bash tests/run-all.sh`, which installs Debian's neovim, or set NVIM"
    );
    let dir = tempfile::tempdir().expect("temp");
    let file = dir.path().join("order.fz");
    std::fs::write(&file, "shop { # Shop\nn1: circle label:\"Order in\"\nn2: rectangel label:\"Pack\"\nn1.handle(right) -> n3.handle(left)\n}\n")
        .expect("write");
    let out = dir.path().join("diagnostics.txt");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors/nvim_diagnostics.lua");
    let status = Command::new(&nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("FLOWZAP_BIN", env!("CARGO_BIN_EXE_flowzap"))
        .env("FLOWZAP_FILE", &file)
        .env("FLOWZAP_OUT", &out)
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .status()
        .expect("nvim runs");
    assert!(status.success());
    let seen = std::fs::read_to_string(&out).expect("the script wrote what Neovim received");
    assert!(seen.contains("E001 2:4 unknown shape `rectangel`"), "{seen}");
    assert!(seen.contains("E003 3:20"), "{seen}");
}

/// The VS Code extension's TextMate grammar, run through vscode-textmate and
/// vscode-oniguruma (VS Code's own tokenizer, installed into .tools/node by
/// tests/run-all.sh): every statement of every fixture is highlighted, each
/// part with its scope.
#[test]
#[ignore = "needs npm vscode-textmate and vscode-oniguruma; tests/run-all.sh installs them and runs this"]
fn the_vscode_grammar_highlights_every_fixture() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tools = root.join(".tools/node");
    for package in ["vscode-textmate", "vscode-oniguruma"] {
        assert!(
            tools.join("node_modules").join(package).join("package.json").exists(),
            "npm package `{package}` is missing from .tools/node: run `bash tests/run-all.sh`, which installs it"
        );
    }
    let grammar = root.join("editors/vscode/syntaxes/flowzap.tmLanguage.json");
    let files: Vec<std::path::PathBuf> = common::fixture_files("valid").into_iter().map(|(_, path)| path).collect();
    let output = Command::new("node")
        .arg(root.join("tests/editors/tokenize.mjs"))
        .arg(&tools)
        .arg(&grammar)
        .args(&files)
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut scopes = std::collections::BTreeSet::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let file: serde_json::Value = serde_json::from_str(line).expect("JSON");
        for (number, tokens) in file["lines"].as_array().expect("lines").iter().enumerate() {
            let tokens = tokens.as_array().expect("tokens");
            let text: String = tokens.iter().filter_map(|t| t[0].as_str()).collect();
            if text.trim().is_empty() || text.trim() == "\u{feff}" {
                continue;
            }
            let highlighted = tokens.iter().any(|t| t[1].as_str().is_some_and(|scope| scope != "source.flowzap"));
            assert!(highlighted, "{} line {}: `{text}` is not highlighted", file["file"], number + 1);
            scopes.extend(tokens.iter().filter_map(|t| t[1].as_str().map(str::to_owned)));
        }
    }
    for scope in [
        "entity.name.namespace.lane.flowzap",
        "entity.name.tag.node.flowzap",
        "support.type.shape.flowzap",
        "string.quoted.double.flowzap",
        "keyword.operator.arrow.flowzap",
        "constant.language.direction.flowzap",
        "keyword.control.loop.flowzap",
        "comment.line.double-slash.flowzap",
        "variable.parameter.attribute.flowzap",
    ] {
        assert!(scopes.contains(scope), "no token is {scope}: {scopes:?}");
    }
    // The manifest names files that exist.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("editors/vscode/package.json")).expect("manifest"))
            .expect("JSON");
    for path in [
        &manifest["main"],
        &manifest["contributes"]["grammars"][0]["path"],
        &manifest["contributes"]["languages"][0]["configuration"],
    ] {
        let path = path.as_str().expect("a path");
        assert!(root.join("editors/vscode").join(path).exists(), "{path} is missing");
    }
}
