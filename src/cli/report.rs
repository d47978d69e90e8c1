//! Showing diagnostics: rustc-like text through miette, or JSON with
//! line/column positions for tools.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::{display_text, LineIndex, Span};

/// A file's text with what is needed to point into it.
pub struct SourceText {
    pub name: String,
    pub text: String,
    lines: LineIndex,
}

impl SourceText {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceText { name: name.into(), text, lines }
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let at = self.lines.locate(&self.text, offset);
        (at.line, at.column)
    }
}

/// How a report is drawn on a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub unicode: bool,
    pub width: usize,
}

/// Ties a diagnostic to its source for miette, without copying the text.
struct WithSource<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
}

impl std::fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl std::fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        miette::Diagnostic::code(self.diagnostic)
    }
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.diagnostic)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        miette::Diagnostic::help(self.diagnostic)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.diagnostic)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }
}

/// All diagnostics of one file as human-readable text.
pub fn render_human(source: &SourceText, diagnostics: &[Diagnostic], style: Style) -> String {
    let theme = match (style.color, style.unicode) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::ascii(),
        (false, true) => GraphicalTheme::unicode_nocolor(),
        (false, false) => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_context_lines(1);
    let named = NamedSource::new(&source.name, display_text(&source.text));
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = WithSource { diagnostic, source: &named };
        if handler.render_report(&mut out, &report).is_err() {
            let (line, column) = source.position(diagnostic.primary.span.start);
            let _ = writeln!(
                out,
                "{}[{}]: {} at {}:{line}:{column}",
                diagnostic.severity, diagnostic.code, diagnostic.message, source.name
            );
        }
    }
    out
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub label: String,
    pub primary: bool,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Serialize)]
pub struct JsonEdit {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub replacement: String,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub labels: Vec<JsonLabel>,
    pub help: Option<String>,
    /// Edits that apply the fix-it; empty when there is none.
    pub fix: Vec<JsonEdit>,
}

fn json_label(source: &SourceText, span: Span, label: &str, primary: bool) -> JsonLabel {
    let (line, column) = source.position(span.start);
    let (end_line, end_column) = source.position(span.end);
    JsonLabel { label: label.to_owned(), primary, line, column, end_line, end_column }
}

pub fn to_json(source: &SourceText, diagnostic: &Diagnostic) -> JsonDiagnostic {
    let primary = json_label(source, diagnostic.primary.span, &diagnostic.primary.text, true);
    let mut labels = vec![];
    let (line, column, end_line, end_column) = (primary.line, primary.column, primary.end_line, primary.end_column);
    labels.push(primary);
    labels.extend(diagnostic.secondary.iter().map(|label| json_label(source, label.span, &label.text, false)));
    JsonDiagnostic {
        code: diagnostic.code.as_str(),
        severity: diagnostic.severity,
        message: diagnostic.message.clone(),
        file: source.name.clone(),
        line,
        column,
        end_line,
        end_column,
        labels,
        help: diagnostic.help.clone(),
        fix: diagnostic
            .fix
            .iter()
            .map(|edit| {
                let (line, column) = source.position(edit.span.start);
                let (end_line, end_column) = source.position(edit.span.end);
                JsonEdit { line, column, end_line, end_column, replacement: edit.replacement.clone() }
            })
            .collect(),
    }
}
