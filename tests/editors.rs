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
