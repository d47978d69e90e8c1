//! Writing a diagram out: graph JSON, canonical FlowZap text, the compiled
//! workflow targets (one program, two serialisations) and BPMN.

pub mod asl;
pub mod bpmn;
pub mod fz;
pub mod graph_json;
mod json_positions;
pub mod program;
pub mod simworkflow;
pub mod validate_json;

use crate::model::{Node, Shape};

/// What a compiled task says about its node beyond the name, one line each:
/// a taskbox's checklist items, then the `owner`, `system` and
/// `description` attributes. Every target writes this same text.
pub fn node_description(node: &Node) -> Option<String> {
    let mut lines = Vec::new();
    if node.shape == Shape::Taskbox {
        let items: Vec<&str> =
            node.display_label().split('|').skip(1).map(str::trim).filter(|i| !i.is_empty()).collect();
        if !items.is_empty() {
            lines.push(format!("Checklist: {}", items.join("; ")));
        }
    }
    if let Some(owner) = node.attribute("owner") {
        lines.push(format!("Owner: {owner}"));
    }
    if let Some(system) = node.attribute("system") {
        lines.push(format!("System: {system}"));
    }
    if let Some(description) = node.attribute("description") {
        lines.push(description.to_owned());
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// E025 when nothing can start the process: the drawing has edges, but
/// every node has an incoming one. Every target refuses it alike; a file
/// with no edges at all compiles to a process that does nothing.
pub fn no_start_refusal(
    drawn: &crate::model::Diagram,
    analysis: &crate::analysis::Analysis,
) -> Option<crate::diagnostics::Diagnostic> {
    if !analysis.flow.sources.is_empty() || drawn.edges.is_empty() {
        return None;
    }
    let first = drawn.nodes.first()?;
    Some(
        crate::diagnostics::Diagnostic::new(
            crate::diagnostics::Code::E025,
            "cannot compile: every node has an incoming edge, so the process never starts",
            first.id_span,
            "flow comes back into every node, this one included",
        )
        .with_help("add `nX: circle label:\"Start\"` with an edge to the first step"),
    )
}
