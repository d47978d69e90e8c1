#!/usr/bin/env bash
# The scale table of docs/performance.md: every command on inputs far past
# what people draw, wall time and peak memory of the release binary.
#   benches/scale.sh [OUT_DIR]      (default: target/scale)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/scale}"
mkdir -p "$out"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin flowzap --example generate
flowzap="$root/target/release/flowzap"
generate="$root/target/release/examples/generate"

"$generate" 100000 10 > "$out/seq100k.fz"
"$generate" 100000 10 1 parallel > "$out/par100k.fz"
python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
# 10 MB of text in 1,000 nodes: 10 KB descriptions.
with open(f"{out}/text10mb.fz", "w") as f:
    f.write('lane1 { # Desk\nn1: circle label:"Start"\n')
    for n in range(2, 1002):
        f.write(f'n{n}: rectangle label:"Step {n}" description:"' + ("detail " * 1430) + '"\n')
    f.write('n1002: circle label:"End"\n')
    for n in range(1, 1002):
        f.write(f'n{n}.handle(right) -> n{n+1}.handle(left)\n')
    f.write('}\n')
# 40,000 lanes, one task each, a chain running down through all of them.
with open(f"{out}/lanes40k.fz", "w") as f:
    for lane in range(40000):
        n = lane + 1
        shape = "circle" if lane in (0, 39999) else "rectangle"
        f.write(f'l{lane} {{ # Team {lane}\nn{n}: {shape} label:"Work {n}"\n')
        if lane < 39999:
            f.write(f'n{n}.handle(bottom) -> l{lane+1}.n{n+1}.handle(top)\n')
        f.write('}\n')
# One line of 1 MB: a description.
with open(f"{out}/line1mb.fz", "w") as f:
    f.write('lane1 { # Desk\nn1: circle label:"Start"\n')
    f.write('n2: rectangle label:"Read" description:"' + ("x" * 1_000_000) + '"\n')
    f.write('n3: circle label:"End"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n')
# 200,000 attributes on one line (2.3 MB).
with open(f"{out}/attrs200k.fz", "w") as f:
    f.write('lane1 { # Desk\nn1: circle label:"Start"\n')
    f.write('n2: rectangle label:"Read" ' + " ".join(f'k{i}:"v"' for i in range(200000)) + '\n')
    f.write('n3: circle label:"End"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n')
PY

measure() {  # measure NAME ARGS... → "seconds MB exit"
    local status=0
    /usr/bin/time -f "%e %M" -o "$out/time" "$flowzap" "$@" > /dev/null 2> "$out/stderr" || status=$?
    read -r seconds kilobytes < <(tail -n 1 "$out/time")
    printf '%s s, %d MB%s' "$seconds" $((kilobytes / 1024)) "$([ "$status" = 0 ] && echo "" || echo ", exit $status")"
}

printf '| input | size | check | lint | compile JSON | compile ASL | compile BPMN | render SVG | render PNG | graph | validate-json |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for input in seq100k par100k text10mb lanes40k line1mb attrs200k; do
    file="$out/$input.fz"
    size=$(du -h "$file" | cut -f1)
    row="| $input | $size"
    row+=" | $(measure check "$file")"
    row+=" | $(measure lint "$file")"
    row+=" | $(measure compile "$file" -o "$out/$input.json")"
    row+=" | $(measure compile "$file" --target asl -o "$out/$input.asl.json")"
    row+=" | $(measure compile "$file" --target bpmn -o "$out/$input.bpmn")"
    row+=" | $(measure render "$file" -o "$out/$input.svg")"
    row+=" | $(measure render "$file" -o "$out/$input.png")"
    row+=" | $(measure graph "$file" -o "$out/$input.graph.json")"
    if [ -f "$out/$input.json" ]; then
        row+=" | $(measure validate-json "$out/$input.json")"
    else
        row+=" | —"
    fi
    echo "$row |"
done
