#![warn(missing_docs)]
//! flowzap: an offline compiler, linter and renderer for FlowZap Code.
//!
//! Start with [`Document`]: made from the text of a `.fz` file, it runs each
//! stage of the pipeline the first time something asks for it, and only
//! once, whatever is asked after.
//!
//! ```
//! use flowzap::{CompileOptions, Document, Target, Theme};
//!
//! let document = Document::new(
//!     "desk { # Help desk\n\
//!        n1: circle label:\"Ticket\"\n\
//!        n2: rectangle label:\"Answer\"\n\
//!        n3: circle label:\"Closed\"\n\
//!        n1.handle(right) -> n2.handle(left)\n\
//!        n2.handle(right) -> n3.handle(left)\n\
//!      }\n",
//! );
//! // Everything the file and the analysis say, by position.
//! assert!(document.lint_diagnostics().iter().all(|finding| !finding.is_error()));
//! // The swimlane picture, and two compiled forms of the same process.
//! let svg = document.svg(Theme::Light).unwrap();
//! assert!(svg.contains("Answer"));
//! let bpmn = document.compile(Target::Bpmn, &CompileOptions::default()).unwrap();
//! assert!(bpmn.text.contains("<userTask id=\"n2\" name=\"Answer\""));
//! let asl = document.compile(Target::Asl, &CompileOptions::default()).unwrap();
//! assert!(asl.text.contains("\"StartAt\""));
//! ```
//!
//! The stages, in the order data flows, are modules of their own:
//! [`syntax`] reads text into a spanned tree, [`model`] resolves it into a
//! [`model::Diagram`] over a petgraph graph, [`analysis`] reads the drawing
//! as a process (roles, joins, structure tree, soundness, lint rules),
//! [`layout`] places it, [`render`] draws it, and [`emit`] compiles it.
//! Every problem is a [`diagnostics::Diagnostic`] with a stable code.

pub mod analysis;
pub mod diagnostics;
pub mod document;
pub mod edit;
pub mod emit;
pub mod ide;
pub mod layout;
pub mod limits;
pub mod markdown;
pub mod model;
pub mod render;
pub mod report;
pub mod syntax;
pub mod synth;

pub use document::{CompileOptions, Compiled, Document, Refusal, Target};
pub use render::sequence::Order as SequenceOrder;
pub use render::svg::Theme;

use diagnostics::Diagnostic;
use model::Diagram;

/// A file read by the front end: its model and all its findings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Everything that resolved; incomplete when there are errors.
    pub diagram: Diagram,
    /// Sorted by position in the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and resolves FlowZap Code, collecting every problem of the file.
pub fn load(text: &str) -> Loaded {
    load_within(text, &limits::Limits::DEFAULT)
}

/// [`load`] with other bounds than the default ones. A file over the node
/// limit is refused before it is resolved.
pub fn load_within(text: &str, limits: &limits::Limits) -> Loaded {
    // The syntax tree is dropped here: everything later works on the
    // model, and on large files the tree is the larger of the two.
    load_with_syntax(text, limits).0
}

/// [`load_within`], keeping the syntax tree for what needs the file as
/// written (the comments `fmt` keeps), so the text is read once.
pub(crate) fn load_with_syntax(text: &str, limits: &limits::Limits) -> (Loaded, syntax::ast::SourceFile) {
    let parsed = syntax::parse(text);
    let mut diagnostics = parsed.diagnostics;
    if let Some(too_many) = limits::too_many_nodes(&parsed.file, limits) {
        diagnostics.push(too_many);
        diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.span.start, diagnostic.code));
        return (Loaded { diagram: Diagram::new(), diagnostics }, parsed.file);
    }
    let (diagram, resolve_diagnostics) = model::resolve(&parsed.file);
    diagnostics.extend(resolve_diagnostics);
    limits::long_labels(&diagram, limits, &mut diagnostics);
    diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.span.start, diagnostic.code));
    (Loaded { diagram, diagnostics }, parsed.file)
}
