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

echo "== format"
cargo fmt --check

echo "== build (warnings are errors)"
RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo build --locked --all-targets

echo "== clippy"
cargo clippy --locked --all-targets -- -D warnings

echo "== tests"
mkdir -p target
set +e
RUSTFLAGS="${RUSTFLAGS:-} -D warnings" cargo test --locked --all-targets 2>&1 | tee target/test-output.log
status=${PIPESTATUS[0]}
set -e

# One closing line over every test binary, so the total is read at a glance.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) passed += $i; if ($(i+1) ~ /^failed/) failed += $i } }
     END { printf "total: %d passed, %d failed\n", passed, failed }' target/test-output.log
exit "$status"
