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

use std::borrow::Cow;

use crate::model::Node;

/// Characters XML 1.0 cannot hold at all, even escaped (U+FFFE, U+FFFF,
/// lone control characters), become U+FFFD: BPMN and SVG must parse back.
pub fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect())
    }
}

/// What a compiled task says about its node beyond the name, one line each:
/// a taskbox's checklist items, then the `owner`, `system` and
/// `description` attributes. Every target writes this same text.
pub fn node_description(node: &Node) -> Option<String> {
    let mut lines = Vec::new();
    let items: Vec<&str> = node.checklist().collect();
    if !items.is_empty() {
        lines.push(format!("Checklist: {}", items.join("; ")));
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

/// `text` as a JSON string literal, which is also a valid string literal
/// in JavaScript and in Python: what SimWorkflow's and bpmn-engine's
/// JavaScript conditions and SpiffWorkflow's Python ones compare with.
pub fn string_literal(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// E025 when nothing can start the process: the drawing has edges, but
/// every node has an incoming one. The workflow targets refuse it (BPMN
/// enters such a ring at its first node); a file with nodes but no edges
/// compiles to a choice between its nodes, an empty one to a process that
/// does nothing.
pub fn no_start_refusal(
    drawn: &crate::model::Diagram,
    analysis: &crate::analysis::Analysis,
) -> Option<crate::diagnostics::Diagnostic> {
    if !analysis.flow.sources.is_empty() || drawn.edges().is_empty() {
        return None;
    }
    let first = drawn.nodes().first()?;
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

/// JSON as `serde_json::to_string_pretty` writes it (two spaces a level),
/// except that indentation stops growing past 32 levels: a definition nested
/// 2,000 blocks deep would otherwise be mostly spaces (quadratic in depth).
pub fn json_text(value: &impl serde::Serialize) -> String {
    let mut bytes = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, BoundedPretty { depth: 0, has_value: false });
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Deepest indentation `json_text` writes, in levels.
const MOST_JSON_INDENT: usize = 32;

struct BoundedPretty {
    depth: usize,
    has_value: bool,
}

impl BoundedPretty {
    fn indent<W: ?Sized + std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        for _ in 0..self.depth.min(MOST_JSON_INDENT) {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Opens an array or object one level deeper.
    fn open<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// Closes an array or object, on a line of its own when it held anything.
    fn close<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(bracket)
    }

    /// Starts an element or a key on a line of its own.
    fn next_line<W: ?Sized + std::io::Write>(&self, writer: &mut W, first: bool) -> std::io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }
}

impl serde_json::ser::Formatter for BoundedPretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.next_line(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.next_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
