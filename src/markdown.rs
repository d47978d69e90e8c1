//! Diagrams in Markdown: every fenced code block whose language is
//! `flowzap` (or `fz`) becomes its picture, inline SVG, at build time. What
//! a block's diagram has to say is said against the Markdown text, so a
//! report points at the page's own line and column. The mdBook
//! preprocessor (`flowzap mdbook`) is built on this.

use pulldown_cmark::{CodeBlockKind, Event, Options as Extensions, Parser, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::syntax::Span;
use crate::{Document, SequenceOrder, Theme};

/// How the pictures of a page are drawn.
#[derive(Debug, Clone)]
pub struct Options {
    /// The colours of a block that names none (`light`, `dark` or `auto` in
    /// its info string).
    pub theme: Theme,
    /// Names the pictures' scopes: the n-th picture drawn is scoped as
    /// `{scope_prefix}{n}`, so ids stay unique on one page.
    pub scope_prefix: String,
    /// The number of the first picture drawn, for pages (mdBook's print
    /// page) that hold the pictures of several Markdown files.
    pub first_number: usize,
}

/// A page with its diagrams drawn.
#[derive(Debug)]
pub struct Drawn {
    /// The Markdown, each diagram without errors replaced by its picture;
    /// a block whose diagram has errors is left as it was.
    pub markdown: String,
    /// Every finding of every block, its spans in the Markdown text.
    pub diagnostics: Vec<Diagnostic>,
    /// How many pictures were drawn.
    pub drawn: usize,
    /// How many blocks had errors.
    pub failed: usize,
}

/// What a block's info string asks for: `flowzap [sequence] [flow]
/// [light|dark|auto]`, words separated by spaces or commas.
struct Request {
    sequence: bool,
    order: SequenceOrder,
    theme: Option<Theme>,
}

fn request(info: &str) -> Option<Request> {
    let mut words = info.split([' ', ',', '\t']).filter(|word| !word.is_empty());
    let language = words.next()?;
    if !language.eq_ignore_ascii_case("flowzap") && !language.eq_ignore_ascii_case("fz") {
        return None;
    }
    let mut request = Request { sequence: false, order: SequenceOrder::File, theme: None };
    for word in words {
        match word {
            "sequence" => request.sequence = true,
            "flow" => request.order = SequenceOrder::Flow,
            "light" => request.theme = Some(Theme::Light),
            "dark" => request.theme = Some(Theme::Dark),
            "auto" => request.theme = Some(Theme::Auto),
            _ => {}
        }
    }
    Some(request)
}

/// One `flowzap` block: the whole block's bytes, its code, and where each
/// piece of the code is in the Markdown (a block in a list or a quote
/// comes in pieces, one per line, with the prefixes left out).
struct Block {
    request: Request,
    whole: std::ops::Range<usize>,
    code: String,
    /// `(offset in code, offset in the Markdown)` where each piece starts.
    pieces: Vec<(usize, usize)>,
}

impl Block {
    /// The Markdown offset of the code's byte `at`.
    fn source_offset(&self, at: usize) -> usize {
        let index = self.pieces.partition_point(|(code, _)| *code <= at).saturating_sub(1);
        match self.pieces.get(index) {
            Some((code, source)) => source + (at - code),
            None => self.whole.start,
        }
    }

    fn source_span(&self, span: Span) -> Span {
        let start = self.source_offset(span.start);
        let end = self.source_offset(span.end.max(span.start)).max(start);
        Span::new(start, end)
    }
}

fn blocks(markdown: &str) -> Vec<Block> {
    // The extensions mdBook turns on, so blocks are found where it finds them.
    let extensions = Extensions::ENABLE_TABLES
        | Extensions::ENABLE_FOOTNOTES
        | Extensions::ENABLE_STRIKETHROUGH
        | Extensions::ENABLE_TASKLISTS
        | Extensions::ENABLE_HEADING_ATTRIBUTES;
    let mut found = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new_ext(markdown, extensions).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                current = request(&info).map(|request| Block {
                    request,
                    whole: range,
                    code: String::new(),
                    pieces: Vec::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    // A piece's text is its source with a line prefix left
                    // out: it ends where its source ends.
                    let source = markdown.get(range.clone()).unwrap_or_default();
                    let skipped = if source.ends_with(text.as_ref()) { source.len() - text.len() } else { 0 };
                    block.pieces.push((block.code.len(), range.start + skipped));
                    block.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => found.extend(current.take()),
            _ => {}
        }
    }
    found
}

/// Draws every `flowzap` block of `markdown`.
pub fn draw(markdown: &str, options: &Options) -> Drawn {
    let mut out = String::with_capacity(markdown.len());
    let mut diagnostics = Vec::new();
    let (mut drawn, mut failed, mut copied_to) = (0, 0, 0);
    for block in blocks(markdown) {
        let document = Document::new(block.code.clone());
        diagnostics.extend(document.diagnostics().iter().map(|diagnostic| moved(diagnostic, &block)));
        let theme = block.request.theme.unwrap_or(options.theme);
        let picture = match block.request.sequence {
            true => document.sequence_svg(theme, block.request.order),
            false => document.svg(theme).map(str::to_owned),
        };
        let scope = format!("{}{}", options.scope_prefix, options.first_number + drawn);
        let Ok(Ok(svg)) = picture.map(|svg| crate::render::embed::scoped(&svg, &scope)) else {
            failed += 1;
            continue;
        };
        out.push_str(&markdown[copied_to..block.whole.start]);
        out.push_str("<div class=\"flowzap-diagram\">");
        out.push_str(&svg);
        out.push_str("</div>");
        if markdown[..block.whole.end].ends_with('\n') {
            out.push('\n');
        }
        copied_to = block.whole.end;
        drawn += 1;
    }
    out.push_str(&markdown[copied_to..]);
    Drawn { markdown: out, diagnostics, drawn, failed }
}

/// `diagnostic` of `block`'s code, its spans and edits moved into the Markdown.
fn moved(diagnostic: &Diagnostic, block: &Block) -> Diagnostic {
    let mut moved = diagnostic.clone();
    moved.primary.span = block.source_span(moved.primary.span);
    for label in &mut moved.secondary {
        label.span = block.source_span(label.span);
    }
    // An edit spanning a quote's or a list's line prefixes would garble them.
    moved.fix.clear();
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options {
        Options { theme: Theme::Light, scope_prefix: "fz".to_owned(), first_number: 1 }
    }

    const DIAGRAM: &str =
        "a { # A\nn1: circle label:\"In\"\nn2: rectangle label:\"Work\"\nn1.handle(right) -> n2.handle(left)\n}\n";

    #[test]
    fn a_block_becomes_one_line_of_inline_svg() {
        let markdown = format!("# Title\n\n```flowzap\n{DIAGRAM}```\n\nAfter.\n");
        let drawn = draw(&markdown, &options());
        assert_eq!((drawn.drawn, drawn.failed), (1, 0));
        let (before, rest) =
            drawn.markdown.split_once("<div class=\"flowzap-diagram\"><svg id=\"fz1\"").expect("drawn");
        assert_eq!(before, "# Title\n\n");
        let (picture, after) = rest.split_once("</div>\n").expect("closed");
        assert!(!picture.contains('\n'));
        assert_eq!(after, "\nAfter.\n");
    }

    #[test]
    fn other_blocks_are_left_alone_and_words_choose_the_view() {
        let markdown = format!("```rust\nfn main() {{}}\n```\n\n```fz sequence,dark\n{DIAGRAM}```\n");
        let drawn = draw(&markdown, &options());
        assert!(drawn.markdown.starts_with("```rust\nfn main() {}\n```\n\n<div"));
        assert!(drawn.markdown.contains("flowzap sequence theme-dark"));
    }

    #[test]
    fn findings_point_into_the_markdown_even_in_a_quote() {
        let markdown = "Intro.\n\n> ```flowzap\n> a { # A\n> n1: hexagon\n> }\n> ```\n";
        let drawn = draw(markdown, &options());
        assert_eq!((drawn.drawn, drawn.failed), (0, 1));
        assert_eq!(drawn.markdown, markdown, "left as written");
        let error = drawn.diagnostics.iter().find(|d| d.code.as_str() == "E001").expect("E001");
        let span = error.primary.span;
        assert_eq!(&markdown[span.start..span.end], "hexagon");
    }
}
