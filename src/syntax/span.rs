//! Byte spans into the source text, and their line/column form.

use serde::Serialize;

/// A half-open byte range `start..end` into the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// The byte after the last.
    pub end: usize,
}

impl Span {
    /// Bytes `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// How many bytes it covers.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether it covers no byte.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span `by` bytes later.
    pub fn shifted(self, by: usize) -> Self {
        Span::new(self.start + by, self.end + by)
    }

    /// From the start of this span to the end of `other`.
    pub fn to(self, other: Span) -> Self {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(span: pest::Span<'_>) -> Self {
        Span::new(span.start(), span.end())
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, so a
/// tab or an emoji is one column, as in rustc's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineColumn {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

/// Where each line starts, for turning byte offsets into line:column.
/// `\r\n`, `\r` and `\n` all end a line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// The line starts of `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => line_starts.push(at + 1),
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                    at += 1;
                    line_starts.push(at + 1);
                }
                b'\r' => line_starts.push(at + 1),
                _ => {}
            }
            at += 1;
        }
        LineIndex { line_starts }
    }

    /// How many lines the text has.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line (counted from 0) that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// Where line `line` (counted from 0) starts; the end of the text for a
    /// line past the last one.
    pub fn line_start(&self, line: usize, text_len: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(text_len)
    }

    /// Line and column of byte `offset` of `text`.
    pub fn locate(&self, text: &str, offset: usize) -> LineColumn {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let column = text.get(start..offset).map(|prefix| prefix.chars().count()).unwrap_or(offset - start);
        LineColumn { line: line + 1, column: column + 1 }
    }
}

/// The text as it may be shown on a terminal, byte for byte as long as the
/// original so every span stays valid: each line ending becomes a lone `\n`
/// (`\r\n` becomes ` \n`, `\r` becomes `\n`) because miette only splits on
/// `\n`, and each control character becomes that many `?` so that a file
/// cannot send escape sequences to the user's terminal.
pub fn display_text(text: &str) -> String {
    let needs_work = text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t'));
    if !needs_work {
        return text.to_owned();
    }
    let mut shown = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\r' if characters.peek() == Some(&'\n') => shown.push(' '),
            '\r' => shown.push('\n'),
            '\n' | '\t' => shown.push(character),
            c if c.is_control() => shown.extend(std::iter::repeat_n('?', c.len_utf8())),
            c => shown.push(c),
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_newline_style_counts() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.locate(text, 3), LineColumn { line: 2, column: 1 });
        assert_eq!(index.locate(text, 5), LineColumn { line: 3, column: 1 });
        assert_eq!(index.locate(text, 7), LineColumn { line: 4, column: 1 });
        assert_eq!(display_text(text).len(), text.len());
        assert_eq!(display_text("a\u{1b}[31m\u{85}b"), "a?[31m??b");
    }

    #[test]
    fn columns_count_characters() {
        let text = "é\tx";
        assert_eq!(LineIndex::new(text).locate(text, 3), LineColumn { line: 1, column: 3 });
    }
}
