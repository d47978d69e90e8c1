//! Showing diagnostics: rustc-like text through miette, or JSON with
//! line/column positions for tools.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme};
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::syntax::{display_text, LineIndex, Span};

/// A file's text with what is needed to point into it.
pub struct SourceText {
    /// How the file is named in reports.
    pub name: String,
    /// The file's text.
    pub text: String,
    lines: LineIndex,
}

impl SourceText {
    /// The text of the file called `name`.
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceText { name: name.into(), text, lines }
    }

    /// Line and column (from 1, columns in characters) of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let at = self.lines.locate(&self.text, offset);
        (at.line, at.column)
    }
}

/// How a report is drawn on a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to use terminal colours.
    pub color: bool,
    /// Whether to draw with Unicode box characters.
    pub unicode: bool,
    /// Columns to wrap at.
    pub width: usize,
}

/// The display text with its line starts, so miette finds the lines around
/// a span by binary search. (miette's own sources scan from the start of the
/// file for every span, which made reports quadratic: 1,000 findings on an
/// 11 MB file took half a minute.)
struct IndexedSource {
    name: String,
    text: String,
    lines: LineIndex,
}

impl IndexedSource {
    fn new(name: &str, text: String) -> Self {
        let lines = LineIndex::new(&text);
        IndexedSource { name: name.to_owned(), text, lines }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    fn line_start(&self, line: usize) -> usize {
        self.lines.line_start(line, self.text.len())
    }

    /// Whether every line a label of `diagnostic` starts or ends on is short
    /// enough to draw.
    fn fits(&self, diagnostic: &Diagnostic) -> bool {
        let short = |offset: usize| {
            let line = self.line_of(offset.min(self.text.len()));
            self.line_start(line + 1) - self.line_start(line) <= LONGEST_SHOWN_LINE
        };
        std::iter::once(&diagnostic.primary)
            .chain(&diagnostic.secondary)
            .all(|label| short(label.span.start) && short(label.span.end))
    }
}

/// Lines longer than this (in bytes) are not drawn in reports.
const LONGEST_SHOWN_LINE: usize = 2_000;

/// A diagnostic as a few lines of text, each place by line and column.
fn compact(source: &SourceText, diagnostic: &Diagnostic) -> String {
    let mut out = format!("flowzap::{}\n\n  {}: {}\n", diagnostic.code, diagnostic.severity, diagnostic.message);
    for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
        let (line, column) = source.position(label.span.start);
        let _ = writeln!(out, "   at {}:{line}:{column}: {} (the line is too long to show)", source.name, label.text);
    }
    if let Some(help) = &diagnostic.help {
        let _ = writeln!(out, "  help: {help}");
    }
    out
}

impl miette::SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let span_line = self.line_of(start);
        let last_span_line = self.line_of(end.saturating_sub(1).max(start));
        let first_line = span_line.saturating_sub(context_lines_before);
        let last_line = (last_span_line + context_lines_after).min(self.lines.line_count() - 1);
        let slice_start = self.line_start(first_line);
        let slice_end = self.line_start(last_line + 1);
        let column = if context_lines_before == 0 { start - self.line_start(span_line) } else { 0 };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[slice_start..slice_end],
            (slice_start, slice_end - slice_start).into(),
            first_line,
            column,
            // A count of lines: miette merges two labels' contexts when the
            // first one's lines reach the second's.
            last_line - first_line + 1,
        )))
    }
}

/// Ties a diagnostic to its source for miette, without copying the text.
struct WithSource<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a IndexedSource,
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
    if diagnostics.is_empty() {
        return String::new();
    }
    let named = IndexedSource::new(&source.name, display_text(&source.text));
    let mut out = String::new();
    let mut shown: Vec<(Code, usize)> = Vec::new();
    for diagnostic in diagnostics {
        let slot = match shown.iter().position(|(code, _)| *code == diagnostic.code) {
            Some(slot) => slot,
            None => {
                shown.push((diagnostic.code, 0));
                shown.len() - 1
            }
        };
        shown[slot].1 += 1;
        if shown[slot].1 > SHOWN_PER_CODE {
            continue;
        }
        // A label on a very long line is told by position, not drawn: the
        // snippet would be unreadable, and miette cannot draw past column
        // 65,535 at all.
        if !named.fits(diagnostic) {
            out.push_str(&compact(source, diagnostic));
            continue;
        }
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
    for (code, count) in shown {
        if count > SHOWN_PER_CODE {
            let _ = writeln!(
                out,
                "flowzap::{code}: {} more like this in {} not shown (`--format json` lists every finding)\n",
                count - SHOWN_PER_CODE,
                source.name
            );
        }
    }
    out
}

/// A terminal shows at most this many findings of one code per file; a
/// thousand copies of one mistake hide every other finding.
const SHOWN_PER_CODE: usize = 50;

/// A label of a finding in JSON.
#[derive(Serialize)]
pub struct JsonLabel {
    /// What it says.
    pub label: String,
    /// Whether it is the finding's main place.
    pub primary: bool,
    /// First line (from 1).
    pub line: usize,
    /// First column (from 1, in characters).
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character.
    pub end_column: usize,
}

/// One edit of a fix in JSON.
#[derive(Serialize)]
pub struct JsonEdit {
    /// First line (from 1).
    pub line: usize,
    /// First column (from 1, in characters).
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character replaced.
    pub end_column: usize,
    /// The replacement text.
    pub replacement: String,
}

/// A finding in JSON, the shape every command's `--format json` prints.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    /// The code (`E003`).
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What was found.
    pub message: String,
    /// The file's name as given.
    pub file: String,
    /// First line of the main place (from 1).
    pub line: usize,
    /// First column of the main place (from 1, in characters).
    pub column: usize,
    /// Last line of the main place.
    pub end_line: usize,
    /// Column after the main place.
    pub end_column: usize,
    /// Every label, the main one first.
    pub labels: Vec<JsonLabel>,
    /// How to fix it.
    pub help: Option<String>,
    /// Edits that apply the fix-it; empty when there is none.
    pub fix: Vec<JsonEdit>,
}

fn json_label(source: &SourceText, span: Span, label: &str, primary: bool) -> JsonLabel {
    let (line, column) = source.position(span.start);
    let (end_line, end_column) = source.position(span.end);
    JsonLabel { label: label.to_owned(), primary, line, column, end_line, end_column }
}

/// `diagnostic` about `source` as JSON, with line and column positions.
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
