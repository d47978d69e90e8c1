//! Shell completions and the manual page: generated from the same command
//! definitions as `--help`, so every command and option is in them.

mod common;

use common::{fixtures_dir, flowzap};

const COMMANDS: &[&str] = &[
    "check",
    "lint",
    "compile",
    "validate-json",
    "render",
    "graph",
    "watch",
    "fmt",
    "fix",
    "diff",
    "apply",
    "lsp",
    "mcp",
];

#[test]
fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = flowzap(&fixtures_dir()).args(["completions", shell]).output().expect("runs");
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for command in COMMANDS {
            assert!(script.contains(command), "{shell}: no `{command}`");
        }
        // Options are written `--view` or, in fish, `-l view`.
        assert!(
            script.contains("view") && script.contains("target") && script.contains("max-fan-out"),
            "{shell}: options missing"
        );
    }
    // The bash script is valid bash.
    let output = flowzap(&fixtures_dir()).args(["completions", "bash"]).output().expect("runs");
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut bash| {
            use std::io::Write as _;
            bash.stdin.take().expect("stdin").write_all(&output.stdout)?;
            bash.wait()
        })
        .expect("bash runs");
    assert!(checked.success(), "bash -n rejects the completion script");
    let refused = flowzap(&fixtures_dir()).args(["completions", "tcsh"]).output().expect("runs");
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn the_manual_page_is_roff_naming_every_command() {
    let output = flowzap(&fixtures_dir()).arg("man").output().expect("runs");
    assert!(output.status.success());
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.contains(".TH flowzap 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS", ".SH VERSION"] {
        assert!(page.contains(section), "no {section}");
    }
    for command in COMMANDS {
        assert!(
            page.contains(&format!("flowzap\\-{}", command.replace('-', "\\-"))) || page.contains(command),
            "no `{command}`"
        );
    }
}
