#!/usr/bin/env bash
# Times `flowzap render --out-dir` on 200 generated diagrams of 500 nodes
# (5 lanes, seeds 1-200) with 1 and with 2 threads, alternately, 3 runs
# each (SVG, and PNG at scale 0.25: a 500-node chain is 100,000 px wide),
# and checks that both thread counts write the same bytes.
# Usage: bash benches/batch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin flowzap --example generate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
for seed in $(seq 1 200); do
    target/release/examples/generate 500 5 "$seed" > "$work/in/d$seed.fz"
done
for run in 1 2 3; do
    for threads in 1 2; do
        rm -rf "$work/out$threads"
        start=$(date +%s.%N)
        RAYON_NUM_THREADS=$threads target/release/flowzap render "$work/in" --out-dir "$work/out$threads" --format svg,png --scale 0.25 2>/dev/null
        end=$(date +%s.%N)
        printf 'run %s, %s thread(s): %.2f s\n' "$run" "$threads" "$(echo "$end - $start" | bc)"
    done
done
diff -r "$work/out1" "$work/out2" >/dev/null && echo "outputs identical across thread counts"
