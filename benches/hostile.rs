//! Inputs that used to be quadratic, at two sizes ten times apart: each
//! should take about ten times as long at the larger size, not a hundred.
//! (`benches/scale.sh` runs the whole binary at scale.)

use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[10_000, 100_000];

fn lane(body: &str) -> String {
    format!("lane1 {{ # Desk\n{body}\n}}\n")
}

/// A run of NULs inside a label: one finding however long.
#[divan::bench(args = SIZES, sample_count = 10)]
fn control_character_run(bencher: Bencher, length: usize) {
    let text = lane(&format!("n1: rectangle label:\"a{}b\"", "\0".repeat(length)));
    bencher.bench(|| flowzap::load(black_box(&text)));
}

/// Many attributes on one node, with repeats (the duplicate scan).
#[divan::bench(args = SIZES, sample_count = 10)]
fn attributes_on_one_line(bencher: Bencher, count: usize) {
    let attributes: Vec<String> = (0..count).map(|k| format!("k{}:\"v\"", k % (count / 2))).collect();
    let text = lane(&format!("n1: rectangle {}", attributes.join(" ")));
    bencher.bench(|| flowzap::load(black_box(&text)));
}

/// One lane per node, each edge with a lane prefix (lane lookups).
#[divan::bench(args = SIZES, sample_count = 10)]
fn lanes(bencher: Bencher, count: usize) {
    let mut text = String::new();
    for lane in 0..count {
        let n = lane + 1;
        text.push_str(&format!("l{lane} {{ # Team {lane}\nn{n}: rectangle label:\"Work\"\n"));
        if lane + 1 < count {
            text.push_str(&format!("n{n}.handle(bottom) -> l{}.n{}.handle(top)\n", lane + 1, n + 1));
        }
        text.push_str("}\n");
    }
    bencher.bench(|| flowzap::load(black_box(&text)));
}

/// Edges to nodes that do not exist ("did you mean" over every node).
#[divan::bench(args = SIZES, sample_count = 10)]
fn dangling_edges(bencher: Bencher, count: usize) {
    let body: String = (1..=count)
        .map(|n| format!("n{n}: rectangle label:\"t\"\nn{n}.handle(right) -> x{n}.handle(left)\n"))
        .collect();
    let text = lane(&body);
    bencher.bench(|| flowzap::load(black_box(&text)));
}

/// A word with no spaces, wrapped into label lines.
#[divan::bench(args = SIZES, sample_count = 10)]
fn wrap_one_long_word(bencher: Bencher, length: usize) {
    let word = "x".repeat(length);
    bencher.bench(|| flowzap::layout::text::wrap(black_box(&word), 22));
}
