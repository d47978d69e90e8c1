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

# Set-up steps write to target/setup.log; their output is shown only when
# one fails, so the log of a run is one line per phase.
mkdir -p target
setup_log=target/setup.log
: >"$setup_log"
quietly() {
    if ! "$@" >>"$setup_log" 2>&1; then
        echo "error: a set-up step failed: $*" >&2
        tail -n 40 "$setup_log" >&2
        exit 2
    fi
}
echo "== checking the test tools (at ${SECONDS} s)"

# The conformance tests run third-party npm tools: asl-validator and
# aws-local-stepfunctions (a local executor) for ASL; bpmn-moddle with the
# Camunda 7 and Zeebe descriptors, bpmnlint with the camunda-compat rules,
# bpmn-js and bpmn-engine (an engine) for BPMN; vscode-textmate and
# vscode-oniguruma (VS Code's own tokenizer) for the editor grammar; playwright-core to drive the
# browser. Installed once
# into .tools/node, pinned; a missing tool fails its test, it never skips.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "error: node and npm are needed for the ASL conformance test; install Node.js (20 or newer)" >&2
    exit 2
fi
node_tools=.tools/node
wanted_node_tools="asl-validator@4.0.0 aws-local-stepfunctions@3.0.0 playwright-core@1.64.1 bpmn-moddle@10.3.1 bpmnlint@11.15.0 bpmn-js@18.31.1 bpmn-engine@25.0.1 camunda-bpmn-moddle@8.0.1 zeebe-bpmn-moddle@2.0.0 bpmnlint-plugin-camunda-compat@2.61.0 vscode-textmate@9.4.0 vscode-oniguruma@2.0.1"
if [ "$(cat "$node_tools/.installed" 2>/dev/null)" != "$wanted_node_tools" ]; then
    echo "== installing npm test tools into $node_tools (at ${SECONDS} s)"
    mkdir -p "$node_tools"
    [ -f "$node_tools/package.json" ] || echo '{ "name": "flowzap-test-tools", "private": true }' > "$node_tools/package.json"
    # shellcheck disable=SC2086
    quietly npm install --prefix "$node_tools" --no-audit --no-fund --loglevel=error $wanted_node_tools
    echo "$wanted_node_tools" > "$node_tools/.installed"
fi

# The BPMN tests run PyPI tools: the xmlschema validator (with the OMG XSDs
# that ship in SpiffWorkflow) and SpiffWorkflow, a BPMN engine. Installed once
# into a virtual environment in .tools/python, pinned.
if ! command -v python3 >/dev/null 2>&1; then
    echo "error: python3 is needed for the BPMN tests; install Python 3.9 or newer" >&2
    exit 2
fi
python_tools=.tools/python
wanted_python_tools="SpiffWorkflow==3.2.0 xmlschema==4.3.2"
if [ "$(cat "$python_tools/.installed" 2>/dev/null)" != "$wanted_python_tools" ]; then
    echo "== installing Python test tools into $python_tools (at ${SECONDS} s)"
    rm -rf "$python_tools"
    if ! python3 -m venv "$python_tools" >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            quietly apt-get update -qq
            quietly env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
            rm -rf "$python_tools"
            quietly python3 -m venv "$python_tools"
        else
            echo "error: python3 cannot create a virtual environment: install Debian's python3-venv" >&2
            exit 2
        fi
    fi
    # shellcheck disable=SC2086
    quietly "$python_tools/bin/pip" install --quiet --disable-pip-version-check $wanted_python_tools
    echo "$wanted_python_tools" > "$python_tools/.installed"
fi

# camunda-python (a Camunda 7 semantics engine) needs Python 3.12 or newer,
# in a virtual environment of its own in .tools/python312. The interpreter
# comes from PATH, else from pyenv, else uv installs one (uv needs the
# network beyond PyPI for that).
camunda_tools=.tools/python312
wanted_camunda_tools="camunda-python==0.1.2"
if [ "$(cat "$camunda_tools/.installed" 2>/dev/null)" != "$wanted_camunda_tools" ]; then
    echo "== installing camunda-python into $camunda_tools (at ${SECONDS} s)"
    python312=""
    for candidate in python3.14 python3.13 python3.12 \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            python312=$(command -v "$candidate")
            break
        fi
    done
    rm -rf "$camunda_tools"
    if [ -n "$python312" ]; then
        quietly "$python312" -m venv "$camunda_tools"
    else
        quietly "$python_tools/bin/pip" install --quiet --disable-pip-version-check uv==0.13.9
        if ! "$python_tools/bin/uv" venv --quiet --seed --python 3.12 "$camunda_tools" >>"$setup_log" 2>&1; then
            echo "error: camunda-python needs Python 3.12 or newer: install python3.12 (or pyenv's), or let uv download one" >&2
            exit 2
        fi
    fi
    quietly "$camunda_tools/bin/python" -m pip install --quiet --disable-pip-version-check $wanted_camunda_tools
    echo "$wanted_camunda_tools" > "$camunda_tools/.installed"
fi

# Installs Debian package $1 for $2 as root, or says what to install.
install_debian() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing Debian's $1 for $2 (at ${SECONDS} s)"
        quietly apt-get update -qq
        quietly env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"
    else
        echo "error: $2 needs Debian's $1 package: install it${3:+ ($3)}" >&2
        exit 2
    fi
}

# The browser tests drive Debian's Chromium (playwright's own browser
# download is not available here).
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
    install_debian chromium "the browser test" "or set CHROMIUM=/path/to/chromium"
fi

# The render tests compare flowzap's drawing with Graphviz's on the same
# diagram.
if ! command -v dot >/dev/null 2>&1; then
    install_debian graphviz "the render comparison"
fi

# The editor test drives Debian's Neovim as a client of `flowzap lsp`.
if ! command -v nvim >/dev/null 2>&1 && [ -z "${NVIM:-}" ]; then
    install_debian neovim "the editor test" "or set NVIM=/path/to/nvim"
fi

# The mdBook test builds a tiny book with mdBook from crates.io, pinned,
# installed once into .tools/mdbook.
mdbook_tools=.tools/mdbook
wanted_mdbook="mdbook@0.5.4 --no-default-features --debug"
if [ "$(cat "$mdbook_tools/.installed" 2>/dev/null)" != "$wanted_mdbook" ]; then
    echo "== installing mdBook into $mdbook_tools (at ${SECONDS} s)"
    # Built unoptimised: it compiles in half the time, and the test book is tiny.
    quietly cargo install --quiet --locked --debug --no-default-features --root "$mdbook_tools" mdbook@0.5.4
    echo "$wanted_mdbook" > "$mdbook_tools/.installed"
fi

# Snapshots must match what is committed; never write new ones here.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== format (at ${SECONDS} s)"
cargo fmt --check

# Clippy checks every target (benches and examples included) with warnings
# as errors, on the oldest Rust the README promises (Cargo.toml's
# rust-version): one pass checks the lints and that flowzap builds there.
# The test phase then builds only what it runs. Benchmarks are not run
# here: in the debug profile they measure nothing.
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
if ! command -v rustup >/dev/null 2>&1; then
    echo "error: rustup is needed to check flowzap on Rust $msrv, the oldest it promises (https://rustup.rs)" >&2
    exit 2
fi
if ! rustup run "$msrv" cargo clippy --version >/dev/null 2>&1; then
    echo "== installing Rust $msrv with clippy, the oldest Rust flowzap promises (at ${SECONDS} s)"
    quietly rustup toolchain install "$msrv" --profile minimal --component clippy
fi
echo "== clippy on Rust $msrv, warnings are errors (at ${SECONDS} s)"
cargo "+$msrv" clippy --locked --quiet --all-targets -- -D warnings

# Warnings are already errors in clippy above; the builds below use the
# same flags as the README's first command (the dev profile, no RUSTFLAGS),
# so what that command built is reused here.
echo "== building the tests (at ${SECONDS} s)"
cargo test --locked --quiet --no-run --lib --bins --tests

echo "== testing (at ${SECONDS} s)"
set +e
# The tests that need the tools installed above are #[ignore]d, so that a
# plain `cargo test` passes on a machine with only Rust; here they all run.
cargo test --locked --lib --bins --tests -- --include-ignored 2>&1 | tee target/test-output.log
status=${PIPESTATUS[0]}
echo "== documentation examples (at ${SECONDS} s)"
cargo test --locked --doc 2>&1 | tee -a target/test-output.log
doc_status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then status=$doc_status; fi
# Nothing is skipped here: an ignored test is a test that did not run.
if grep -Eq '^test result: .* [1-9][0-9]* ignored' target/test-output.log; then
    echo "error: some tests were ignored; every test must run here" >&2
    status=1
fi

# One closing line over every test binary, so the total is read at a glance.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) passed += $i; if ($(i+1) ~ /^failed/) failed += $i } }
     END { printf "total: %d passed, %d failed\n", passed, failed }' target/test-output.log
echo "== done in ${SECONDS} s"
exit "$status"
