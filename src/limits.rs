//! Bounds on what one run takes in, so that a hostile or mistaken input ends
//! in a clear error instead of exhausting memory or time. The defaults are
//! far above any diagram a person draws (a 10 MB file of 100,000 nodes is
//! well inside them); each can be raised on the command line.

use crate::diagnostics::{Code, Diagnostic};
use crate::model::Diagram;
use crate::syntax::ast::{Item, SourceFile, Statement};
use crate::syntax::Span;

/// The bounds of one run; each has a code and a flag that raises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one input file (E031).
    pub input_bytes: u64,
    /// Nodes declared in one file (E032).
    pub nodes: usize,
    /// Characters of one label, lane label or id drawn as a label (E033).
    pub label_chars: usize,
    /// Pixels of one PNG (E034).
    pub png_pixels: u64,
}

impl Limits {
    /// The bounds a run has unless told otherwise.
    pub const DEFAULT: Limits =
        Limits { input_bytes: 64 << 20, nodes: 500_000, label_chars: 10_000, png_pixels: 64_000_000 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// E032 at the first node declared past the limit. Counted on the syntax
/// tree, before the model and its indexes are built.
pub fn too_many_nodes(file: &SourceFile, limits: &Limits) -> Option<Diagnostic> {
    let declarations = file.items.iter().flat_map(|item| match item {
        Item::Lane(block) => block.statements.as_slice(),
        Item::Statement(statement) => std::slice::from_ref(statement),
    });
    let mut count = 0usize;
    let mut first_past = None;
    for statement in declarations {
        if let Statement::Node(node) = statement {
            count += 1;
            if count == limits.nodes + 1 {
                first_past = Some(node.id.span);
            }
        }
    }
    first_past.map(|span| {
        Diagnostic::new(
            Code::E032,
            format!("the file declares {count} nodes, more than the {} flowzap handles", limits.nodes),
            span,
            "past the limit from here",
        )
        .with_help("split the diagram, or raise the limit with `--max-nodes N`")
    })
}

/// E033 for every label longer than the limit: such a label would be drawn
/// as a box thousands of lines tall.
pub fn long_labels(diagram: &Diagram, limits: &Limits, diagnostics: &mut Vec<Diagnostic>) {
    let mut report = |what: String, text: &str, span: Span| {
        let length = text.chars().count();
        if length > limits.label_chars {
            diagnostics.push(
                Diagnostic::new(
                    Code::E033,
                    format!("{what} is {length} characters long, more than the {} flowzap draws", limits.label_chars),
                    span,
                    "this text",
                )
                .with_help(
                    "put the detail in a `description:\"…\"` attribute, or raise the limit with `--max-label-length N`",
                ),
            );
        }
    };
    for lane in diagram.lanes() {
        report(format!("the label of lane `{}`", short(&lane.id)), &lane.label, lane.label_span.unwrap_or(lane.span));
    }
    for node in diagram.nodes() {
        match node.attributes.iter().find(|attribute| attribute.key == "label") {
            Some(label) => report(format!("the label of `{}`", short(&node.id)), &label.value, label.span),
            None => report("a node id drawn as its label".to_owned(), &node.id, node.id_span),
        }
    }
    for edge in diagram.edges() {
        if let Some(label) = &edge.label {
            report("an edge label".to_owned(), label, edge.label_span.unwrap_or(edge.span));
        }
    }
}

/// An id short enough to quote in a message.
fn short(id: &str) -> String {
    match id.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &id[..cut]),
        None => id.to_owned(),
    }
}
