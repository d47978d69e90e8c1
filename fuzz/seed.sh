#!/usr/bin/env bash
# Seeds each target's corpus from the fixtures (and validate_json's from
# compiled fixtures), so the fuzzer starts from real diagrams.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
for target in parse lint compile render; do
    mkdir -p "$here/corpus/$target"
    find "$root/fixtures" -name '*.fz' -o -name '*.flowzap' | while read -r file; do
        cp "$file" "$here/corpus/$target/$(basename "$(dirname "$file")")-$(basename "$file")"
    done
done
mkdir -p "$here/corpus/validate_json"
cargo build --release --manifest-path "$root/Cargo.toml" --quiet
for file in "$root"/fixtures/valid/*.fz "$root"/fixtures/lint/*.fz; do
    "$root/target/release/flowzap" compile "$file" -o "$here/corpus/validate_json/$(basename "$file" .fz).json" 2>/dev/null || true
done
find "$root/fixtures" -name '*.json' -exec cp {} "$here/corpus/validate_json/" \;
