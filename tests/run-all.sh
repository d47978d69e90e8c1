#!/usr/bin/env bash
# The whole test suite, from a fresh clone. Installs what the tests need into
# ignored folders of this checkout (idempotently) and fails, never skips, when
# something cannot be had. CI runs exactly this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo is not installed; install Rust (https://rustup.rs) first" >&2
    exit 2
fi

# Snapshots must match what is committed; never write new ones here.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== build (warnings are errors)"
RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo build --locked --all-targets

echo "== clippy"
cargo clippy --locked --all-targets -- -D warnings

echo "== tests"
RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo test --locked --all-targets
