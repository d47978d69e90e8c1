//! flowzap: an offline compiler, linter and renderer for FlowZap Code.
//!
//! The pipeline runs one way: [`syntax`] reads text into a spanned tree,
//! [`model`] resolves it into a [`model::Diagram`] with a petgraph graph, and
//! [`emit`] writes it out again. [`load`] runs the front end in one call.

pub mod analysis;
pub mod diagnostics;
pub mod document;
pub mod emit;
pub mod layout;
pub mod limits;
pub mod model;
pub mod render;
pub mod report;
pub mod syntax;
pub mod synth;

pub use document::{CompileOptions, Compiled, Document, Refusal, Target};
pub use render::svg::Theme;

use diagnostics::Diagnostic;
use model::Diagram;
use syntax::ast::SourceFile;

/// A file read by the front end: its tree, its model and all its findings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub syntax: SourceFile,
    /// Everything that resolved; incomplete when there are errors.
    pub diagram: Diagram,
    /// Sorted by position in the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
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
    let parsed = syntax::parse(text);
    let mut diagnostics = parsed.diagnostics;
    if let Some(too_many) = limits::too_many_nodes(&parsed.file, limits) {
        diagnostics.push(too_many);
        diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.span.start, diagnostic.code));
        return Loaded { syntax: parsed.file, diagram: Diagram::new(), diagnostics };
    }
    let (diagram, resolve_diagnostics) = model::resolve(&parsed.file);
    diagnostics.extend(resolve_diagnostics);
    limits::long_labels(&diagram, limits, &mut diagnostics);
    diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.span.start, diagnostic.code));
    Loaded { syntax: parsed.file, diagram, diagnostics }
}
