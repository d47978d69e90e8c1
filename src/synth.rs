//! Generated diagrams of any size, for benchmarks and scale tests. The same
//! arguments always give the same text.

use std::fmt::Write as _;

/// A small deterministic generator (SplitMix64), so no dependency decides
/// what the benchmarks measure.
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator seeded with `seed`: the same seed gives the same numbers.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }
}

const VERBS: &[&str] =
    &["Review", "Approve", "Check", "Send", "Record", "Validate", "Prepare", "Notify", "Archive", "Score"];
const OBJECTS: &[&str] =
    &["order", "invoice", "claim", "request", "payment", "shipment", "report", "ticket", "contract", "account"];

/// A valid swimlane diagram of `nodes` nodes over `lanes` lanes: a main flow
/// from a start circle to an end circle, with decisions every few steps whose
/// second outcome skips ahead, cross-lane hops, and a few loops.
pub fn swimlane_text(nodes: usize, lanes: usize, seed: u64) -> String {
    let nodes = nodes.max(2);
    let lanes = lanes.clamp(1, nodes);
    let mut random = SplitMix::new(seed);
    let lane_of: Vec<usize> = (0..nodes).map(|i| if i < lanes { i } else { random.below(lanes) }).collect();
    // Every 97th node starts a retry loop: the node after it is a decision
    // whose third outcome goes back to it.
    let loop_starts: Vec<usize> = (20..nodes.saturating_sub(4)).step_by(97).collect();
    let mut is_decision: Vec<bool> = (0..nodes).map(|i| i > 0 && i + 3 < nodes && random.below(7) == 0).collect();
    for &start in &loop_starts {
        // The retried step is a task: a loop of decisions alone could not
        // change its outcome (W035).
        is_decision[start] = false;
        is_decision[start + 1] = true;
    }

    let mut blocks: Vec<String> = (0..lanes).map(|lane| format!("lane{lane} {{ # Team {lane}\n")).collect();
    for i in 0..nodes {
        let block = &mut blocks[lane_of[i]];
        let id = i + 1;
        let _ = if i == 0 {
            writeln!(block, "n{id}: circle label:\"Start\"")
        } else if i + 1 == nodes {
            writeln!(block, "n{id}: circle label:\"Done\"")
        } else if is_decision[i] {
            writeln!(
                block,
                "n{id}: diamond label:\"{} {} ok?\"",
                VERBS[random.below(VERBS.len())],
                OBJECTS[random.below(OBJECTS.len())]
            )
        } else if random.below(9) == 0 {
            writeln!(
                block,
                "n{id}: taskbox label:\"{} {}|collect data|sign off\" owner:\"Team {}\"",
                VERBS[random.below(VERBS.len())],
                OBJECTS[random.below(OBJECTS.len())],
                lane_of[i]
            )
        } else {
            writeln!(
                block,
                "n{id}: rectangle label:\"{} {} {id}\"",
                VERBS[random.below(VERBS.len())],
                OBJECTS[random.below(OBJECTS.len())]
            )
        };
    }
    let edge = |from: usize, to: usize, label: Option<&str>| {
        let (source_handle, target_handle, prefix) = match lane_of[to].cmp(&lane_of[from]) {
            std::cmp::Ordering::Equal => ("right", "left", String::new()),
            std::cmp::Ordering::Greater => ("bottom", "top", format!("lane{}.", lane_of[to])),
            std::cmp::Ordering::Less => ("top", "bottom", format!("lane{}.", lane_of[to])),
        };
        let label = label.map(|l| format!(" [label=\"{l}\"]")).unwrap_or_default();
        format!("n{}.handle({source_handle}) -> {prefix}n{}.handle({target_handle}){label}\n", from + 1, to + 1)
    };
    for i in 0..nodes - 1 {
        if is_decision[i] {
            blocks[lane_of[i]].push_str(&edge(i, i + 1, Some("Yes")));
            let skip = (i + 2 + random.below(2)).min(nodes - 1);
            blocks[lane_of[i]].push_str(&edge(i, skip, Some("No")));
        } else {
            blocks[lane_of[i]].push_str(&edge(i, i + 1, None));
        }
    }
    for &start in &loop_starts {
        let decision = start + 1;
        blocks[lane_of[decision]].push_str(&edge(decision, start, Some("Again")));
        let _ = writeln!(
            blocks[lane_of[start]],
            "loop [until {} is settled] n{} n{}",
            OBJECTS[start % OBJECTS.len()],
            start + 1,
            decision + 1
        );
    }
    let mut text = String::new();
    for block in blocks {
        text.push_str(&block);
        text.push_str("}\n");
    }
    text
}

/// One lane holding a chain of `chain` rectangles and `loose` rectangles
/// without edges: the shape that once cost a rows × columns table in the
/// layout (every loose node is a row of the first column, every chain node a
/// column) and a report line per orphan.
pub fn chain_and_loose_text(chain: usize, loose: usize) -> String {
    let mut text = String::from("main { # Main\n");
    for n in 1..=chain {
        let _ = writeln!(text, "  n{n}: rectangle label:\"Step {n}\"");
    }
    for n in 1..chain {
        let _ = writeln!(text, "  n{n}.handle(right) -> n{}.handle(left)", n + 1);
    }
    for n in chain + 1..=chain + loose {
        let _ = writeln!(text, "  n{n}: rectangle label:\"Loose {n}\"");
    }
    text.push_str("}\n");
    text
}

/// A diagram of `nodes` nodes (about) over `lanes` lanes full of what the
/// workflow compilers must handle: fork/join blocks, nested forks, forks
/// whose joins cross, retry loops in branches and requests drawn with their
/// replies, one after another from a start to an end.
pub fn parallel_text(nodes: usize, lanes: usize, seed: u64) -> String {
    let lanes = lanes.max(2);
    let mut random = SplitMix::new(seed);
    let mut builder = Builder { lane_of: Vec::new(), decls: Vec::new(), edges: Vec::new() };
    let start = builder.node(0, "circle", "Start".to_owned());
    let mut last = start;
    while builder.lane_of.len() + 12 < nodes {
        let lane = random.below(lanes);
        let pattern = match random.below(5) {
            0 => fork_join_block,
            1 => crossing_joins,
            2 => retry_in_branch,
            3 => request_and_reply,
            _ => nested_fork,
        };
        last = pattern(&mut builder, &mut random, lanes, lane, last);
    }
    let end = builder.node(0, "circle", "Done".to_owned());
    builder.edge(last, end, None);
    builder.text(lanes)
}

/// A task with a generated label in `lane`.
fn task(builder: &mut Builder, random: &mut SplitMix, lane: usize) -> usize {
    let id = builder.lane_of.len() + 1;
    let label = format!("{} {} {id}", VERBS[random.below(VERBS.len())], OBJECTS[random.below(OBJECTS.len())]);
    builder.node(lane, "rectangle", label)
}

/// A block: fork, two to four branches of one to three steps, join.
fn fork_join_block(builder: &mut Builder, random: &mut SplitMix, lanes: usize, lane: usize, last: usize) -> usize {
    let fork = task(builder, random, lane);
    builder.edge(last, fork, None);
    let join = task(builder, random, lane);
    for _ in 0..2 + random.below(3) {
        let mut at = fork;
        for _ in 0..1 + random.below(3) {
            let lane = random.below(lanes);
            let step = task(builder, random, lane);
            builder.edge(at, step, None);
            at = step;
        }
        builder.edge(at, join, None);
    }
    join
}

/// Two forks whose joins cross.
fn crossing_joins(builder: &mut Builder, random: &mut SplitMix, _lanes: usize, lane: usize, last: usize) -> usize {
    let fork = task(builder, random, lane);
    builder.edge(last, fork, None);
    let (a, b) = (task(builder, random, lane), task(builder, random, lane));
    let (c, d) = (task(builder, random, lane), task(builder, random, lane));
    let join = task(builder, random, lane);
    for (from, to) in [(fork, a), (fork, b), (a, c), (a, d), (b, c), (b, d), (c, join), (d, join)] {
        builder.edge(from, to, None);
    }
    join
}

/// A retry loop inside a branch of a fork.
fn retry_in_branch(builder: &mut Builder, random: &mut SplitMix, _lanes: usize, lane: usize, last: usize) -> usize {
    let fork = task(builder, random, lane);
    builder.edge(last, fork, None);
    let join = task(builder, random, lane);
    let other = task(builder, random, lane);
    let attempt = task(builder, random, lane);
    let id = builder.lane_of.len() + 1;
    let check = builder.node(lane, "diamond", format!("Passed {id}?"));
    for (from, to, label) in [(fork, other, None), (other, join, None), (fork, attempt, None), (attempt, check, None)] {
        builder.edge(from, to, label);
    }
    builder.edge(check, attempt, Some("No"));
    builder.edge(check, join, Some("Yes"));
    join
}

/// A request drawn with its reply back into the requester.
fn request_and_reply(builder: &mut Builder, random: &mut SplitMix, lanes: usize, lane: usize, last: usize) -> usize {
    let request = task(builder, random, lane);
    builder.edge(last, request, None);
    let server = task(builder, random, (lane + 1) % lanes);
    let after = task(builder, random, lane);
    builder.edge(request, server, Some("request"));
    builder.edge(server, request, Some("reply"));
    builder.edge(request, after, None);
    after
}

/// A fork nested in a branch of another.
fn nested_fork(builder: &mut Builder, random: &mut SplitMix, _lanes: usize, lane: usize, last: usize) -> usize {
    let fork = task(builder, random, lane);
    builder.edge(last, fork, None);
    let join = task(builder, random, lane);
    let inner = task(builder, random, lane);
    let inner_join = task(builder, random, lane);
    let (x, y, z) = (task(builder, random, lane), task(builder, random, lane), task(builder, random, lane));
    for (from, to) in [
        (fork, inner),
        (inner, x),
        (inner, y),
        (x, inner_join),
        (y, inner_join),
        (inner_join, join),
        (fork, z),
        (z, join),
    ] {
        builder.edge(from, to, None);
    }
    join
}

/// Nodes and edges being generated, written out lane by lane.
struct Builder {
    lane_of: Vec<usize>,
    decls: Vec<String>,
    edges: Vec<(usize, usize, Option<&'static str>)>,
}

impl Builder {
    fn node(&mut self, lane: usize, shape: &str, label: String) -> usize {
        let id = self.lane_of.len() + 1;
        self.lane_of.push(lane);
        self.decls.push(format!("n{id}: {shape} label:\"{label}\"\n"));
        id - 1
    }

    fn edge(&mut self, from: usize, to: usize, label: Option<&'static str>) {
        self.edges.push((from, to, label));
    }

    fn text(&self, lanes: usize) -> String {
        let mut blocks: Vec<String> = (0..lanes).map(|lane| format!("lane{lane} {{ # Team {lane}\n")).collect();
        for (index, decl) in self.decls.iter().enumerate() {
            blocks[self.lane_of[index]].push_str(decl);
        }
        for &(from, to, label) in &self.edges {
            let (source_handle, target_handle, prefix) = match self.lane_of[to].cmp(&self.lane_of[from]) {
                std::cmp::Ordering::Equal => ("right", "left", String::new()),
                std::cmp::Ordering::Greater => ("bottom", "top", format!("lane{}.", self.lane_of[to])),
                std::cmp::Ordering::Less => ("top", "bottom", format!("lane{}.", self.lane_of[to])),
            };
            let label = label.map(|l| format!(" [label=\"{l}\"]")).unwrap_or_default();
            let _ = writeln!(
                blocks[self.lane_of[from]],
                "n{}.handle({source_handle}) -> {prefix}n{}.handle({target_handle}){label}",
                from + 1,
                to + 1
            );
        }
        blocks.iter().map(|block| format!("{block}}}\n")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_diagrams_load_without_errors() {
        for (nodes, lanes) in [(2, 1), (50, 5), (500, 20)] {
            let text = swimlane_text(nodes, lanes, 7);
            let loaded = crate::load(&text);
            let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{errors:#?}");
            assert_eq!(loaded.diagram.nodes().len(), nodes);
            let (_, findings) = crate::analysis::lint(&loaded.diagram, &crate::analysis::Options::default());
            let problems: Vec<_> = findings
                .iter()
                .filter(|d| d.code.enabled_by_default() && d.severity != crate::diagnostics::Severity::Info)
                .collect();
            assert!(problems.is_empty(), "generated diagrams lint clean: {problems:#?}");
        }
        assert_eq!(swimlane_text(300, 4, 1), swimlane_text(300, 4, 1));
    }

    #[test]
    fn generated_parallel_diagrams_lint_sound_and_compile() {
        let text = parallel_text(400, 4, 9);
        let loaded = crate::load(&text);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics.iter().find(|d| d.is_error()));
        let (analysis, findings) = crate::analysis::lint(&loaded.diagram, &crate::analysis::Options::default());
        assert!(findings.iter().all(|d| !d.is_error()), "{:?}", findings.iter().find(|d| d.is_error()));
        assert!(findings.iter().any(|d| d.code == crate::diagnostics::Code::W032), "replies are read");
        let lowered = crate::emit::program::lower(&loaded.diagram, &analysis, "generated");
        let lowered = lowered.unwrap_or_else(|refusals| panic!("{:?}", refusals[0].message));
        assert!(lowered.notes.iter().any(|d| d.code == crate::diagnostics::Code::I003), "crossings are regrouped");
        assert_eq!(parallel_text(400, 4, 9), text);
    }
}
