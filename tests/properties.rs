//! Properties over generated inputs: the front end survives anything, and a
//! model printed as FlowZap Code reads back as the same model.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use flowzap::model::{Attribute, Diagram, Edge, Lane, LaneId, Loop, Node, Shape, Side};
use flowzap::report::{render_human, SourceText, Style};
use flowzap::syntax::Span;
use proptest::prelude::*;

/// Runs the whole front end and everything that shows its results, on a
/// thread with a deadline: a panic or a hang fails the case.
fn survives(text: String) -> Result<(), TestCaseError> {
    let (done, finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        assert_eq!(
            flowzap::syntax::parse(&text),
            flowzap::syntax::parse_whole(&text),
            "line-by-line and whole-file parsing disagree"
        );
        let loaded = flowzap::load(&text);
        let source = SourceText::new("input.fz", text);
        let shown = render_human(&source, &loaded.diagnostics, Style { color: false, unicode: true, width: 80 });
        for diagnostic in &loaded.diagnostics {
            let _ = flowzap::report::to_json(&source, diagnostic);
        }
        if !loaded.has_errors() {
            let _ = flowzap::emit::graph_json::to_string(&loaded.diagram);
            let _ = flowzap::emit::fz::to_string(&loaded.diagram);
            lint_everything(&loaded.diagram);
        }
        let _ = done.send(shown.len());
    });
    match finished.recv_timeout(Duration::from_secs(20)) {
        Ok(_) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => return Err(TestCaseError::fail("the front end hung for 20 s")),
        Err(mpsc::RecvTimeoutError::Disconnected) => return Err(TestCaseError::fail("the front end panicked")),
    }
    worker.join().map_err(|_| TestCaseError::fail("the front end panicked"))
}

/// The whole analysis and everything it prints, with a small search bound.
fn lint_everything(diagram: &Diagram) {
    let options = flowzap::analysis::Options { max_states: 2_000, ..Default::default() };
    let (analysis, _) = flowzap::analysis::lint(diagram, &options);
    let _ = flowzap::analysis::structure_text(diagram, &analysis.roles, &analysis.structure);
    let _ = flowzap::analysis::structure_json(diagram, &analysis.structure);
    // Whatever BPMN compiles is well-formed XML.
    if let Ok(process) = flowzap::emit::bpmn::compile(diagram, &analysis, "fuzz") {
        let layout = flowzap::layout::layout(diagram, &analysis);
        let di = flowzap::emit::bpmn::di::place(&process, &layout);
        for engine in flowzap::emit::bpmn::Engine::ALL {
            let xml = flowzap::emit::bpmn::to_string(&process, &di, engine);
            if let Err(error) = roxmltree::Document::parse(&xml) {
                panic!("compiled BPMN for {engine:?} is not well-formed: {error}\n{xml}");
            }
        }
    }
}

/// Every node of the diagram appears exactly once in its structure tree.
fn structure_covers_every_node(diagram: &Diagram) -> Result<(), TestCaseError> {
    let (analysis, _) =
        flowzap::analysis::lint(diagram, &flowzap::analysis::Options { max_states: 2_000, ..Default::default() });
    let mut seen = vec![0usize; diagram.nodes().len()];
    analysis.structure.walk(&mut |region| {
        if let flowzap::analysis::Region::Node { node } = region {
            seen[node.index()] += 1;
        }
    });
    // Nodes no start reaches are left out of the process, and of the tree.
    let expected: Vec<usize> = analysis.reading.in_process.iter().map(|&inside| usize::from(inside)).collect();
    prop_assert!(
        seen == expected,
        "nodes seen {:?} times (expected {:?}) in\n{}",
        seen,
        expected,
        flowzap::emit::fz::to_string(diagram)
    );
    // One rule for every target: what compiles to BPMN compiles to workflow
    // JSON, unless its parallel part cannot be nested (E024) or it is a ring
    // with no entry (E025): those only the workflow targets need.
    let bpmn = flowzap::emit::bpmn::compile(diagram, &analysis, "fuzz");
    let program = flowzap::emit::program::lower(diagram, &analysis, "fuzz");
    if let (Ok(_), Err(refusals)) = (&bpmn, &program) {
        prop_assert!(
            refusals
                .iter()
                .all(|d| matches!(d.code, flowzap::diagnostics::Code::E024 | flowzap::diagnostics::Code::E025)),
            "BPMN compiles but JSON refuses {:?} in\n{}",
            refusals.iter().map(|d| (d.code, d.message.clone())).collect::<Vec<_>>(),
            flowzap::emit::fz::to_string(diagram)
        );
    }
    if let (Err(refusals), Ok(_)) = (&bpmn, &program) {
        prop_assert!(false, "JSON compiles but BPMN refuses {:?}", refusals.iter().map(|d| d.code).collect::<Vec<_>>());
    }
    Ok(())
}

/// Runs `check` on a thread with a deadline, so a hang fails the case.
fn within_deadline(diagram: Diagram, check: fn(&Diagram) -> Result<(), TestCaseError>) -> Result<(), TestCaseError> {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(check(&diagram));
    });
    match finished.recv_timeout(Duration::from_secs(20)) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail("the analysis hung for 20 s")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(TestCaseError::fail("the analysis panicked")),
    }
}

/// Pieces of FlowZap and of its lookalikes, so random text hits the grammar's
/// corners far more often than random characters would.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "n1", "n2", "n10", "lane", "a", "_x", ":", ": ", " ", "  ", "\t", "\n", "\r\n", "\r", "{", "}", "{ #", "# ",
            "circle", "rectangle", "diamond", "taskbox", "rect", "label", "owner", "=", "\"", "\\", "\\\"", "'",
            "->", "-->", "=>", ".", ".handle(", "handle", "(", ")", "right", "LEFT", "top", "bottom", "[", "]",
            "[label=\"", "loop", "loop [", "//", "graph TD", "@startuml", "|", ",", "🎉", "é", "\u{0}", "\u{1b}",
            "\u{feff}", "\u{2028}", "\u{85}",
        ]).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn tokens() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..80).prop_map(|parts| parts.concat())
}

fn fixture_texts() -> Vec<String> {
    let mut texts = Vec::new();
    for kind in ["valid", "invalid"] {
        let folder = common::fixtures_dir().join(kind);
        let mut entries: Vec<_> =
            std::fs::read_dir(folder).expect("fixtures").filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if let Ok(bytes) = std::fs::read(&path) {
                texts.push(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    texts
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, String),
    Delete(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), token()).prop_map(|(at, text)| Mutation::Insert(at, text)),
        (any::<usize>(), 1..12usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut characters: Vec<char> = text.chars().collect();
    for mutation in mutations {
        match mutation {
            Mutation::Insert(at, piece) => {
                let at = at % (characters.len() + 1);
                characters.splice(at..at, piece.chars());
            }
            Mutation::Delete(at, len) if !characters.is_empty() => {
                let at = at % characters.len();
                let end = (at + len).min(characters.len());
                characters.drain(at..end);
            }
            Mutation::DuplicateLine(n) | Mutation::SwapLines(n, _) => {
                let joined: String = characters.iter().collect();
                let mut lines: Vec<&str> = joined.split('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let a = n % lines.len();
                if let Mutation::SwapLines(_, m) = mutation {
                    let b = m % lines.len();
                    lines.swap(a, b);
                } else {
                    lines.insert(a, lines[a]);
                }
                characters = lines.join("\n").chars().collect();
            }
            Mutation::Delete(..) => {}
        }
    }
    characters.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_token_soup_never_panics_or_hangs(text in tokens()) {
        survives(text)?;
    }

    #[test]
    fn random_bytes_never_panic_or_hang(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        survives(String::from_utf8_lossy(&bytes).into_owned())?;
    }

    #[test]
    fn mutated_fixtures_never_panic_or_hang(choice in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..8)) {
        let texts = fixture_texts();
        let text = texts[choice.index(texts.len())].clone();
        survives(mutate(&text, &mutations))?;
    }
}

// ------------------------------------------------------------ round trips

/// Text a label, value or condition may hold: anything but control
/// characters, without surrounding white space (which FlowZap does not keep).
fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("\\PC{{0,{max}}}")).expect("regex"),
        proptest::string::string_regex(&format!("[a-z \"\\\\#\\]\\[|{{}}:=]{{0,{max}}}")).expect("regex"),
    ]
    .prop_map(|s| s.trim().to_owned())
}

fn shape() -> impl Strategy<Value = Shape> {
    prop::sample::select(Shape::ALL.to_vec())
}

fn side() -> impl Strategy<Value = Side> {
    prop::sample::select(Side::ALL.to_vec())
}

#[derive(Debug, Clone)]
struct NodeSpec {
    lane: usize,
    shape: Shape,
    attributes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
struct EdgeSpec {
    source: usize,
    target: usize,
    handles: (Side, Side),
    label: Option<String>,
}

fn attributes() -> impl Strategy<Value = Vec<(String, String)>> {
    let keys =
        prop::sample::subsequence(vec!["label", "owner", "description", "system", "colour"], 0..=5).prop_shuffle();
    keys.prop_flat_map(|keys| {
        let count = keys.len();
        (Just(keys), prop::collection::vec(text(30), count))
    })
    .prop_map(|(keys, values)| keys.into_iter().map(str::to_owned).zip(values).collect())
}

prop_compose! {
    fn diagram_model()(lane_count in 1..5usize)
        (lane_labels in prop::collection::vec(text(20).prop_map(|l| if l.is_empty() { "Lane".to_owned() } else { l }), lane_count),
         lane_names in prop::collection::vec("[a-zA-Z_][a-zA-Z0-9_]{0,6}", lane_count),
         nodes in prop::collection::vec((0..lane_count, shape(), attributes()).prop_map(|(lane, shape, attributes)| NodeSpec { lane, shape, attributes }), 1..20),
         edge_seeds in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), side(), side(), prop::option::of(text(20))), 0..30),
         loop_seeds in prop::collection::vec((text(20), prop::collection::vec(any::<prop::sample::Index>(), 2..5)), 0..3))
        -> Diagram
    {
        build_model(lane_labels, lane_names, nodes, edge_seeds, loop_seeds)
    }
}

type EdgeSeed = (prop::sample::Index, prop::sample::Index, Side, Side, Option<String>);
type LoopSeed = (String, Vec<prop::sample::Index>);

/// A model in canonical order: nodes grouped by lane and numbered n1…nN,
/// edges and loops grouped by the lane they belong in. (A lane block cannot
/// be reopened, so that is the only order text can express.)
fn build_model(
    lane_labels: Vec<String>,
    lane_names: Vec<String>,
    mut nodes: Vec<NodeSpec>,
    edge_seeds: Vec<EdgeSeed>,
    loop_seeds: Vec<LoopSeed>,
) -> Diagram {
    let mut diagram = Diagram::new();
    for (i, (name, label)) in lane_names.into_iter().zip(lane_labels).enumerate() {
        diagram.add_lane(Lane {
            id: format!("{name}{i}").into(),
            label: label.into(),
            span: Span::default(),
            label_span: None,
        });
    }
    nodes.sort_by_key(|node| node.lane);
    for (i, spec) in nodes.iter().enumerate() {
        let attributes = spec
            .attributes
            .iter()
            .map(|(key, value)| Attribute { key: key.into(), value: value.into(), span: Span::default() })
            .collect();
        diagram.add_node(Node {
            id: format!("n{}", i + 1).into(),
            shape: spec.shape,
            attributes,
            lane: LaneId::new(spec.lane),
            id_span: Span::default(),
            shape_span: Span::default(),
            span: Span::default(),
        });
    }
    let mut edges: Vec<EdgeSpec> = edge_seeds
        .into_iter()
        .map(|(source, target, from, to, label)| EdgeSpec {
            source: source.index(nodes.len()),
            target: target.index(nodes.len()),
            handles: (from, to),
            label,
        })
        .collect();
    edges.sort_by_key(|edge| nodes[edge.source].lane);
    for edge in edges {
        let lane = nodes[edge.source].lane;
        diagram.add_edge(Edge {
            source: petgraph::graph::NodeIndex::new(edge.source),
            target: petgraph::graph::NodeIndex::new(edge.target),
            source_handle: edge.handles.0,
            target_handle: edge.handles.1,
            handles_written: true,
            label: edge.label.map(Into::into),
            label_span: None,
            attributes: Vec::new(),
            written_in: Some(LaneId::new(lane)),
            span: Span::default(),
        });
    }
    let mut loops: Vec<Loop> = loop_seeds
        .into_iter()
        .map(|(condition, members)| {
            let members: Vec<_> =
                members.into_iter().map(|m| petgraph::graph::NodeIndex::new(m.index(nodes.len()))).collect();
            let lane = nodes[members[0].index()].lane;
            Loop { condition: condition.into(), members, written_in: Some(LaneId::new(lane)), span: Span::default() }
        })
        .collect();
    loops.sort_by_key(|stmt| stmt.written_in);
    for statement in loops {
        diagram.add_loop(statement);
    }
    diagram
}

/// Everything a model says, without source positions.
fn meaning(diagram: &Diagram) -> String {
    let id = |index: petgraph::graph::NodeIndex| diagram.node(index).id.clone();
    let lane = |lane: Option<LaneId>| lane.map(|l| diagram.lane(l).id.clone());
    let mut out = Vec::new();
    for l in diagram.lanes() {
        out.push(format!("lane {:?} {:?}", l.id, l.label));
    }
    for n in diagram.nodes() {
        let attributes: Vec<_> = n.attributes.iter().map(|a| (a.key.clone(), a.value.clone())).collect();
        out.push(format!("node {} {} {:?} {}", n.id, n.shape, attributes, diagram.lane(n.lane).id));
    }
    for e in diagram.edges() {
        out.push(format!(
            "edge {} {} {} {} {:?} {:?} {}",
            id(e.source),
            e.source_handle,
            id(e.target),
            e.target_handle,
            e.label,
            lane(e.written_in),
            e.handles_written
        ));
    }
    for l in diagram.loops() {
        let members: Vec<_> = l.members.iter().map(|&m| id(m)).collect();
        out.push(format!("loop {:?} {:?} {:?}", l.condition, members, lane(l.written_in)));
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn printed_models_parse_back_to_the_same_model(model in diagram_model()) {
        let text = flowzap::emit::fz::to_string(&model);
        let loaded = flowzap::load(&text);
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code, d.message)).collect();
        prop_assert!(errors.is_empty(), "errors {:?} in\n{}", errors, text);
        prop_assert_eq!(meaning(&loaded.diagram), meaning(&model), "text was\n{}", text);
        // And printing is a fixed point.
        prop_assert_eq!(flowzap::emit::fz::to_string(&loaded.diagram), text);
    }

    #[test]
    fn analysis_of_any_graph_ends_and_covers_every_node(model in diagram_model()) {
        within_deadline(model, structure_covers_every_node)?;
    }
}

/// Large files are parsed on two threads; they must read exactly as the
/// whole-file rule reads them, diagnostics included.
#[test]
fn parallel_parsing_of_a_large_file_matches_the_whole_file_rule() {
    let mut text = flowzap::synth::swimlane_text(6_000, 7, 3);
    text.push_str("oops this line is wrong\nn1: rect label:\"x\"\n");
    assert!(text.lines().count() > 10_000);
    assert_eq!(flowzap::syntax::parse(&text), flowzap::syntax::parse_whole(&text));
}
