//! 10,000 random mutations of the fixtures, each through the whole pipeline
//! every command runs (check, lint, the three compile targets, render,
//! graph, validate-json on what compile wrote), with each output parsed
//! back by its consumer. The binary itself runs every mutant through
//! `check` and `lint` (many files per run) and one mutant in 25 through
//! `compile`, `render` and `graph`: exit 0, 1 or 2, never a crash.
//!
//! The time bound per mutant only catches a hang; it measures nothing.

mod common;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flowzap::{CompileOptions, Target};

const MUTANTS: usize = 10_000;
const HANG: Duration = Duration::from_secs(20);

/// xorshift64*: deterministic, so a failure names a mutant that can be made again.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Pieces of FlowZap and of trouble, spliced in by the mutator.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "\"",
    " -> ",
    ".handle(left)",
    ".handle(bottom)",
    "n1",
    "n2",
    "n99",
    "lane1.",
    ": diamond",
    ": circle",
    ": taskbox",
    "label:\"",
    "[label=\"Yes\"]",
    "loop [again] n1 n2",
    "# ",
    "// ",
    "\n",
    "\r\n",
    "\t",
    "\0",
    "\u{1b}[2J",
    "\u{fffe}",
    "\u{ffff}",
    "\u{feff}",
    "😀",
    "é",
    "|",
    "=",
    ":",
    "graph TD",
    "@startuml",
    "n1.handle(right) -> n1.handle(left)",
];

fn mutate(text: &str, random: &mut Random) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + random.below(4) {
        let at = random.below(bytes.len() + 1);
        match random.below(7) {
            0 if !bytes.is_empty() => {
                let end = (at + 1 + random.below(12)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let token = TOKENS[random.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            2 => {
                // A whole line copied to somewhere else.
                let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
                let line = lines[random.below(lines.len())].to_vec();
                let mut copy = line;
                copy.push(b'\n');
                bytes.splice(at..at, copy);
            }
            3 if !bytes.is_empty() => {
                let index = at.min(bytes.len() - 1);
                bytes[index] = random.next() as u8;
            }
            4 => bytes.truncate(at),
            5 => {
                // Two lines swapped.
                let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let (a, b) = (random.below(lines.len()), random.below(lines.len()));
                lines.swap(a, b);
                bytes = lines.join(&b'\n');
            }
            _ => {
                let token = TOKENS[random.below(TOKENS.len())].as_bytes();
                let copies = 1 + random.below(50);
                bytes.splice(at..at, token.iter().copied().cycle().take(token.len() * copies));
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Mutations that keep the file readable: an edge rewired to another node,
/// a shape changed, a line deleted or repeated. These reach the analysis and
/// the compilers, where byte-level noise mostly stops at `check`.
fn rewire(text: &str, random: &mut Random) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let ids: Vec<String> = lines
        .iter()
        .filter_map(|line| line.trim().split_once(':').map(|(id, _)| id.trim().to_owned()))
        .filter(|id| id.starts_with('n') && id[1..].chars().all(|c| c.is_ascii_digit()) && id.len() > 1)
        .collect();
    for _ in 0..1 + random.below(3) {
        if lines.is_empty() || ids.is_empty() {
            break;
        }
        let at = random.below(lines.len());
        match random.below(4) {
            0 => {
                let Some((source, target)) = lines[at].split_once("->") else { continue };
                let Some(old) = target.split(['.', ' ']).find(|part| ids.iter().any(|id| id == part)) else { continue };
                let new = &ids[random.below(ids.len())];
                lines[at] = format!("{source}->{}", target.replacen(old, new, 1));
            }
            1 => {
                let shapes = [": circle", ": rectangle", ": diamond", ": taskbox"];
                let Some(old) = shapes.iter().find(|shape| lines[at].contains(*shape)) else { continue };
                lines[at] = lines[at].replacen(old, shapes[random.below(shapes.len())], 1);
            }
            2 => {
                lines.remove(at);
            }
            _ => {
                let copy = lines[at].clone();
                lines.insert(random.below(lines.len() + 1), copy);
            }
        }
    }
    lines.join("\n") + "\n"
}

fn fixtures() -> Vec<String> {
    let mut texts = Vec::new();
    for folder in ["valid", "invalid", "lint"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(common::fixtures_dir().join(folder))
            .expect("fixtures")
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "fz" || ext == "flowzap"))
            .collect();
        files.sort();
        texts.extend(
            files.iter().map(|path| String::from_utf8_lossy(&std::fs::read(path).expect("fixture")).into_owned()),
        );
    }
    texts
}

/// How far a mutant got: refused by check, drawn but not compiled, compiled.
#[derive(Clone, Copy)]
enum Reached {
    Errors = 0,
    Drawn = 1,
    Compiled = 2,
}

/// What every command does with one text, in process, each output checked
/// by its consumer. An error message names what broke.
fn pipeline(text: &str) -> Result<Reached, String> {
    let document = flowzap::Document::new(text);
    for diagnostic in document.diagnostics() {
        let span = diagnostic.primary.span;
        if span.end > text.len() || !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            return Err(format!("{}: span {span:?} outside the text", diagnostic.code));
        }
    }
    let source = flowzap::report::SourceText::new("mutant.fz", text.to_owned());
    let style = flowzap::report::Style { color: false, unicode: true, width: 100 };
    let _ = flowzap::report::render_human(&source, document.diagnostics(), style);
    let Some(analysis) = document.analysis() else {
        return Ok(Reached::Errors);
    };
    let _ = flowzap::analysis::structure_text(document.diagram(), &analysis.roles, &analysis.structure);
    let options = CompileOptions { name: "mutant".to_owned(), ..CompileOptions::default() };
    let json = document.compile(Target::WorkflowJson, &options);
    if let Ok(compiled) = &json {
        let report = flowzap::emit::validate_json::validate(&compiled.text);
        if let Some(error) = report.diagnostics.iter().find(|d| d.is_error()) {
            return Err(format!("compiled JSON fails validate-json: {error:?}"));
        }
    }
    let asl = document.compile(Target::Asl, &options);
    if json.is_ok() != asl.is_ok() {
        return Err("JSON and ASL disagree on compiling".to_owned());
    }
    if let Ok(compiled) = asl {
        let value: serde_json::Value = serde_json::from_str(&compiled.text).map_err(|e| format!("ASL: {e}"))?;
        if value.get("StartAt").is_none() {
            return Err("ASL without StartAt".to_owned());
        }
    }
    if let Ok(compiled) = document.compile(Target::Bpmn, &options) {
        roxmltree::Document::parse(&compiled.text).map_err(|e| format!("BPMN is not XML: {e}"))?;
    }
    let svg = document.svg(flowzap::Theme::Light).map_err(|e| format!("no SVG: {e}"))?;
    roxmltree::Document::parse(svg).map_err(|e| format!("SVG is not XML: {e}"))?;
    let graph = document.graph_json().map_err(|e| format!("no graph JSON: {e}"))?;
    serde_json::from_str::<serde_json::Value>(&graph).map_err(|e| format!("graph JSON: {e}"))?;
    Ok(if json.is_ok() { Reached::Compiled } else { Reached::Drawn })
}

/// Half byte-level noise over every fixture, half rewiring of the fixtures
/// that check clean.
fn mutants() -> Vec<String> {
    let sources = fixtures();
    let clean: Vec<&String> = sources.iter().filter(|text| !flowzap::load(text).has_errors()).collect();
    let mut random = Random(0x5eed_f10a_2a77);
    (0..MUTANTS)
        .map(|index| match index % 2 {
            0 => mutate(&sources[random.below(sources.len())], &mut random),
            _ => rewire(clean[random.below(clean.len())], &mut random),
        })
        .collect()
}

#[test]
fn ten_thousand_mutants_through_the_pipeline() {
    let mutants = mutants();
    let reached = std::sync::Mutex::new([0usize; 3]);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<_> = mutants
            .chunks(MUTANTS.div_ceil(2))
            .enumerate()
            .map(|(half, chunk)| {
                let reached = &reached;
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for (offset, text) in chunk.iter().enumerate() {
                        let index = half * MUTANTS.div_ceil(2) + offset;
                        let started = Instant::now();
                        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| pipeline(text)))
                            .unwrap_or_else(|_| Err("panicked".to_owned()));
                        match outcome {
                            Err(why) => failures.push(format!("mutant {index}: {why}\n{text:?}")),
                            Ok(stage) => {
                                if let Ok(mut counts) = reached.lock() {
                                    counts[stage as usize] += 1;
                                }
                            }
                        }
                        if started.elapsed() > HANG {
                            failures.push(format!("mutant {index}: took {:?}\n{text:?}", started.elapsed()));
                        }
                    }
                    failures
                })
            })
            .collect();
        halves.into_iter().flat_map(|half| half.join().unwrap_or_else(|_| vec!["a worker died".to_owned()])).collect()
    });
    assert!(failures.is_empty(), "{} of {MUTANTS} mutants failed:\n{}", failures.len(), failures.join("\n\n"));
    let counts = reached.lock().map(|counts| *counts).unwrap_or_default();
    eprintln!(
        "{} refused by check, {} drawn but not compiled, {} compiled to every target",
        counts[0], counts[1], counts[2]
    );
}

fn run_binary(dir: &Path, args: &[String]) -> (Option<i32>, Vec<u8>) {
    let started = Instant::now();
    let output = common::flowzap(dir).args(args).timeout(HANG * 5).output().expect("runs");
    assert!(started.elapsed() < HANG * 5, "{args:?} hung");
    (output.status.code(), output.stdout)
}

#[test]
fn ten_thousand_mutants_through_the_binary() {
    let dir = tempfile::tempdir().expect("temp");
    let names: Vec<String> = mutants()
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let name = format!("m{index:05}.fz");
            std::fs::write(dir.path().join(&name), text).expect("write");
            name
        })
        .collect();
    for command in ["check", "lint"] {
        for batch in names.chunks(1_000) {
            let mut args = vec![command.to_owned(), "--format".to_owned(), "json".to_owned()];
            args.extend(batch.iter().cloned());
            let (code, stdout) = run_binary(dir.path(), &args);
            assert!(matches!(code, Some(0..=2)), "{command} exited with {code:?}");
            let report: serde_json::Value = serde_json::from_slice(&stdout)
                .unwrap_or_else(|error| panic!("{command}: the report is not JSON: {error}"));
            let files = report["files"].as_array().map_or(0, Vec::len);
            assert_eq!(files, batch.len(), "{command}: one summary per file");
        }
    }
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let names = &names;
            let dir = dir.path();
            scope.spawn(move || {
                for name in names.iter().skip(worker * 25).step_by(50) {
                    let stem = name.trim_end_matches(".fz");
                    let commands: [Vec<String>; 5] = [
                        vec!["compile".into(), name.clone(), "-o".into(), format!("{stem}.json")],
                        vec![
                            "compile".into(),
                            name.clone(),
                            "--target".into(),
                            "asl".into(),
                            "-o".into(),
                            format!("{stem}.asl.json"),
                        ],
                        vec![
                            "compile".into(),
                            name.clone(),
                            "--target".into(),
                            "bpmn".into(),
                            "-o".into(),
                            format!("{stem}.bpmn"),
                        ],
                        vec!["render".into(), name.clone(), "-o".into(), format!("{stem}.svg")],
                        vec!["graph".into(), name.clone(), "-o".into(), format!("{stem}.graph.json")],
                    ];
                    for args in commands {
                        let (code, _) = run_binary(dir, &args);
                        assert!(matches!(code, Some(0..=2)), "{args:?} exited with {code:?}");
                        let output = dir.join(args.last().expect("output"));
                        if code == Some(0) {
                            let text = std::fs::read_to_string(&output).expect("written");
                            if output.extension().is_some_and(|ext| ext == "json") {
                                serde_json::from_str::<serde_json::Value>(&text).expect("JSON output parses");
                            } else {
                                roxmltree::Document::parse(&text).expect("XML output parses");
                            }
                        } else {
                            assert!(!output.exists(), "{args:?} failed but wrote {}", output.display());
                        }
                    }
                    let json = format!("{stem}.json");
                    if dir.join(&json).exists() {
                        let (code, _) = run_binary(dir, &["validate-json".to_owned(), json.clone()]);
                        assert_eq!(code, Some(0), "validate-json refuses what compile wrote: {json}");
                    }
                }
            });
        }
    });
}
