//! From text to [`SourceFile`]: the pest grammar reads the lines, this driver
//! pairs lane braces, and every unreadable line becomes a diagnostic while the
//! lines after it are still read.

use compact_str::CompactString;
use pest::iterators::Pair;
use pest::Parser as _;

use super::ast::*;
use super::explain::{explain_invalid_line, joins_into_statement, recovery_for, unclosed_quote_start, Recovery};
use super::strings::unescape;
use super::Span;
use crate::diagnostics::{Code, Diagnostic};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/flowzap.pest"]
pub(crate) struct FlowZapGrammar;

/// The syntax tree of a file and everything found wrong while reading it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The syntax tree.
    pub file: SourceFile,
    /// Every problem found reading the lines.
    pub diagnostics: Vec<Diagnostic>,
}

/// One line's meaning before lane blocks are paired.
// Lines are moved once into the tree; boxing the large variant would cost an
// allocation per line for nothing.
#[allow(clippy::large_enum_variant)]
enum LineItem {
    LaneOpen { id: Spanned<CompactString>, label: Option<Spanned<CompactString>>, span: Span },
    LaneClose(Span),
    Statement(Statement),
    Invalid(Span),
}

/// Parses FlowZap Code. Never fails: problems are returned as diagnostics.
pub fn parse(text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    report_control_characters(text, &mut diagnostics);
    let ranges: Vec<(usize, usize)> = line_ranges(text).collect();
    // Lines parse independently: a large file is read in two halves on two
    // threads (this machine class has two cores), then joined in order.
    let lines = if ranges.len() < PARALLEL_FROM_LINES {
        read_ranges(text, &ranges)
    } else {
        let (first, second) = ranges.split_at(ranges.len() / 2);
        std::thread::scope(|scope| {
            let later = scope.spawn(|| read_ranges(text, second));
            let mut lines = read_ranges(text, first);
            lines.extend(later.join().unwrap_or_else(|_| read_ranges(text, second)));
            lines
        })
    };
    finish(text, lines, diagnostics)
}

/// Below this many lines a second thread costs more than it saves.
const PARALLEL_FROM_LINES: usize = 4_000;

fn read_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<LineItem> {
    let mut lines = Vec::with_capacity(ranges.len());
    for chunk in ranges.chunks(LINES_PER_CALL) {
        let (Some(&(start, _)), Some(&(_, end))) = (chunk.first(), chunk.last()) else { continue };
        // Every pest call sets up its state afresh (a handful of vectors):
        // one call per run of lines instead of per line halves the reading,
        // and the token queue stays a run of lines long, not the file's.
        match FlowZapGrammar::parse(Rule::lines, &text[start..end]) {
            Ok(pairs) => {
                let reader = Reader { offset: start };
                lines.extend(pairs.filter(|pair| pair.as_rule() != Rule::EOI).map(|pair| reader.line_content(pair)));
            }
            // `line` accepts any text without a line break, so a run of
            // lines fails only on a grammar bug or pest's own stack limit;
            // then each line is read alone, and the one that still fails is
            // reported rather than panicked on.
            Err(_) => lines.extend(chunk.iter().filter_map(|&range| read_one(text, range))),
        }
    }
    lines
}

/// How many lines one pest call reads.
const LINES_PER_CALL: usize = 64;

fn read_one(text: &str, (start, end): (usize, usize)) -> Option<LineItem> {
    let line = &text[start..end];
    if line.bytes().all(|b| b == b' ' || b == b'\t') {
        return None;
    }
    match FlowZapGrammar::parse(Rule::single_line, line) {
        Ok(pairs) => {
            let reader = Reader { offset: start };
            pairs.filter(|pair| pair.as_rule() != Rule::EOI).map(|pair| reader.line_content(pair)).next()
        }
        Err(_) => Some(LineItem::Invalid(Span::new(start, end))),
    }
}

/// Parses with the whole-file rule in one pest call. Gives the same result
/// as [`parse`]; kept to check that the grammar's `file` rule and the
/// line-by-line driver agree.
pub fn parse_whole(text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    report_control_characters(text, &mut diagnostics);
    let lines = match FlowZapGrammar::parse(Rule::file, text) {
        Ok(pairs) => {
            let reader = Reader { offset: 0 };
            pairs
                .flat_map(|file| file.into_inner())
                .filter(|pair| pair.as_rule() != Rule::EOI)
                .map(|pair| reader.line_content(pair))
                .collect()
        }
        Err(_) => vec![LineItem::Invalid(Span::new(0, text.len()))],
    };
    finish(text, lines, diagnostics)
}

fn finish(text: &str, lines: Vec<LineItem>, mut diagnostics: Vec<Diagnostic>) -> Parsed {
    let mut unreadable = Unreadable::default();
    let lines = explain_invalid_lines(text, lines, &mut diagnostics, &mut unreadable);
    let mut file = assemble_lanes(lines, &mut diagnostics);
    file.unreadable_lines = unreadable.lines;
    file.unreadable_node_ids = unreadable.node_ids;
    Parsed { file, diagnostics }
}

/// Byte ranges of the lines, without their endings (`\n`, `\r\n`, `\r`),
/// the byte order mark excluded from the first.
fn line_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut at = start;
        while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
            at += 1;
        }
        let range = (start, at);
        match bytes.get(at) {
            None => done = true,
            Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => start = at + 2,
            Some(_) => start = at + 1,
        }
        Some(range)
    })
}

/// One finding per run of adjacent control characters: a line of 30,000 NULs
/// is one mistake, not 30,000.
fn report_control_characters(text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let is_stray = |character: char| character.is_control() && !matches!(character, '\t' | '\n' | '\r');
    let mut characters = text.char_indices().peekable();
    while let Some((at, character)) = characters.next() {
        if !is_stray(character) {
            continue;
        }
        let mut end = at + character.len_utf8();
        let mut count = 1usize;
        while let Some(&(next_at, next)) = characters.peek() {
            if !is_stray(next) {
                break;
            }
            end = next_at + next.len_utf8();
            count += 1;
            characters.next();
        }
        let message = if count == 1 {
            format!("control character U+{:04X} in the text", character as u32)
        } else {
            format!("{count} control characters in a row in the text, the first U+{:04X}", character as u32)
        };
        let label = if count == 1 { "invisible control character here" } else { "invisible control characters here" };
        let help = if count == 1 { "delete it" } else { "delete them" };
        diagnostics.push(
            Diagnostic::new(Code::E013, message, Span::new(at, end), label).with_help(format!(
                "{help}; FlowZap text may hold tabs and line breaks but no other control characters"
            )),
        );
    }
}

/// Turns pest pairs of one line into tree nodes, shifting spans by where the
/// line starts in the file.
struct Reader {
    offset: usize,
}

impl Reader {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        Span::from(pair.as_span()).shifted(self.offset)
    }

    fn spanned(&self, pair: &Pair<'_, Rule>) -> Spanned<CompactString> {
        Spanned::new(CompactString::from(pair.as_str()), self.span(pair))
    }

    fn line_content(&self, pair: Pair<'_, Rule>) -> LineItem {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::line_comment => LineItem::Statement(Statement::LineComment(self.comment_text(pair))),
            Rule::hash_comment => LineItem::Statement(Statement::HashComment(self.comment_text(pair))),
            Rule::lane_close => LineItem::LaneClose(span),
            Rule::lane_open => self.lane_open(pair),
            Rule::node_decl => LineItem::Statement(Statement::Node(self.node(pair))),
            Rule::edge => LineItem::Statement(Statement::Edge(Box::new(self.edge(pair)))),
            Rule::loop_stmt => LineItem::Statement(Statement::Loop(self.loop_stmt(pair))),
            _ => LineItem::Invalid(span),
        }
    }

    /// The text after `//` or `#`, trimmed, spanning the whole comment.
    fn comment_text(&self, pair: Pair<'_, Rule>) -> Spanned<CompactString> {
        let span = self.span(&pair);
        let text = pair.into_inner().next().map(|rest| CompactString::from(rest.as_str().trim())).unwrap_or_default();
        Spanned::new(text, span)
    }

    fn lane_open(&self, pair: Pair<'_, Rule>) -> LineItem {
        let span = self.span(&pair);
        let mut id = Spanned::new(CompactString::default(), span);
        let mut label = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::lane_id => id = self.spanned(&part),
                Rule::lane_label => {
                    if let Some(text) = part.into_inner().next() {
                        label = Some(self.trimmed(&text));
                    }
                }
                _ => {}
            }
        }
        LineItem::LaneOpen { id, label, span }
    }

    /// A label with the trailing blanks cut off, its span shrunk to match.
    fn trimmed(&self, pair: &Pair<'_, Rule>) -> Spanned<CompactString> {
        let text = pair.as_str().trim_end();
        let start = self.span(pair).start;
        Spanned::new(CompactString::from(text), Span::new(start, start + text.len()))
    }

    fn attribute(&self, pair: Pair<'_, Rule>) -> Attribute {
        let span = self.span(&pair);
        let mut key = Spanned::new(CompactString::default(), span);
        let mut separator = Spanned::new(Separator::Colon, span);
        let mut value = Spanned::new(AttrValue::Quoted(CompactString::default()), span);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::attr_key => key = self.spanned(&part),
                Rule::attr_sep => {
                    let kind = if part.as_str() == "=" { Separator::Equals } else { Separator::Colon };
                    separator = Spanned::new(kind, self.span(&part));
                }
                Rule::string => {
                    let quoted = part.as_str();
                    let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
                    value = Spanned::new(
                        AttrValue::Quoted(CompactString::from(unescape(inner).as_ref())),
                        self.span(&part),
                    );
                }
                Rule::bare_value => {
                    value = Spanned::new(AttrValue::Bare(CompactString::from(part.as_str())), self.span(&part))
                }
                _ => {}
            }
        }
        Attribute { key, separator, value, span }
    }

    fn node(&self, pair: Pair<'_, Rule>) -> NodeDecl {
        let span = self.span(&pair);
        let mut node = NodeDecl {
            id: Spanned::new(CompactString::default(), span),
            shape: Spanned::new(CompactString::default(), span),
            attributes: Vec::new(),
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::node_id => node.id = self.spanned(&part),
                Rule::shape => node.shape = self.spanned(&part),
                Rule::attribute => node.attributes.push(self.attribute(part)),
                _ => {}
            }
        }
        // Most nodes have one or two attributes; a vector grown by pushes
        // keeps room for four, which is most of a large file's tree.
        node.attributes.shrink_to_fit();
        node
    }

    fn endpoint(&self, pair: Pair<'_, Rule>) -> Endpoint {
        let span = self.span(&pair);
        let mut endpoint =
            Endpoint { lane_prefix: None, node: Spanned::new(CompactString::default(), span), handle: None, span };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::lane_prefix => endpoint.lane_prefix = Some(self.spanned(&part)),
                Rule::node_ref => endpoint.node = self.spanned(&part),
                Rule::handle_call => {
                    endpoint.handle =
                        part.into_inner().find(|inner| inner.as_rule() == Rule::direction).map(|d| self.spanned(&d));
                }
                _ => {}
            }
        }
        endpoint
    }

    fn edge(&self, pair: Pair<'_, Rule>) -> EdgeStmt {
        let span = self.span(&pair);
        let mut source = None;
        let mut target = None;
        let mut attributes = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::source => source = Some(self.endpoint(part)),
                Rule::target => target = Some(self.endpoint(part)),
                Rule::edge_attrs => attributes.extend(part.into_inner().map(|attribute| self.attribute(attribute))),
                _ => {}
            }
        }
        attributes.shrink_to_fit();
        let empty =
            || Endpoint { lane_prefix: None, node: Spanned::new(CompactString::default(), span), handle: None, span };
        EdgeStmt { source: source.unwrap_or_else(empty), target: target.unwrap_or_else(empty), attributes, span }
    }

    fn loop_stmt(&self, pair: Pair<'_, Rule>) -> LoopStmt {
        let span = self.span(&pair);
        let mut condition = Spanned::new(CompactString::default(), span);
        let mut members = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::loop_condition => {
                    let raw = part.as_str();
                    let leading = raw.len() - raw.trim_start().len();
                    let text = raw.trim();
                    let start = self.span(&part).start + leading;
                    condition = Spanned::new(CompactString::from(text), Span::new(start, start + text.len()));
                }
                Rule::loop_member => {
                    let member = part;
                    {
                        let member_span = self.span(&member);
                        let mut lane_prefix = None;
                        let mut node = Spanned::new(CompactString::default(), member_span);
                        for piece in member.into_inner() {
                            match piece.as_rule() {
                                Rule::lane_prefix => lane_prefix = Some(self.spanned(&piece)),
                                Rule::node_ref => node = self.spanned(&piece),
                                _ => {}
                            }
                        }
                        members.push(LoopMember { lane_prefix, node, span: member_span });
                    }
                }
                _ => {}
            }
        }
        LoopStmt { condition, members, span }
    }
}

#[derive(Default)]
struct Unreadable {
    lines: usize,
    node_ids: Vec<String>,
}

/// Turns invalid lines into diagnostics, keeping what they most likely meant
/// for the lane structure. A string left open on one line and closed on the
/// next is one E012, not two unrelated errors.
fn explain_invalid_lines(
    text: &str,
    lines: Vec<LineItem>,
    diagnostics: &mut Vec<Diagnostic>,
    unreadable: &mut Unreadable,
) -> Vec<LineItem> {
    // Most files have no unreadable line: then there is nothing to explain,
    // and no second vector of every line.
    if !lines.iter().any(|item| matches!(item, LineItem::Invalid(_))) {
        return lines;
    }
    let mut kept = Vec::with_capacity(lines.len());
    let mut dialect = super::explain::Dialect::default();
    let mut lines = lines.into_iter().peekable();
    while let Some(item) = lines.next() {
        let LineItem::Invalid(span) = item else {
            kept.push(item);
            continue;
        };
        let line_text = &text[span.start..span.end];
        unreadable.lines += 1;
        match recovery_for(line_text, span.start) {
            Recovery::CloseLane(brace) => kept.push(LineItem::LaneClose(brace)),
            Recovery::OpenLane { id, label } => kept.push(LineItem::LaneOpen {
                id: Spanned::new(CompactString::from(id), span),
                label: label.map(|label| Spanned::new(CompactString::from(label), span)),
                span,
            }),
            Recovery::NodeId(id) => unreadable.node_ids.push(id),
            Recovery::None => {}
        }
        if let Some(open_at) = unclosed_quote_start(line_text) {
            if let Some(LineItem::Invalid(next_span)) = lines.peek() {
                let next_text = &text[next_span.start..next_span.end];
                if joins_into_statement(line_text, next_text) {
                    let whole = Span::new(span.start + open_at, next_span.end);
                    diagnostics.push(
                        Diagnostic::new(
                            Code::E012,
                            "a string runs over two lines",
                            whole,
                            "this string starts here and ends on the next line",
                        )
                        .with_help("FlowZap strings end on the line they start on: join the two lines into one"),
                    );
                    lines.next();
                    continue;
                }
            }
        }
        diagnostics.push(explain_invalid_line(line_text, span.start, &mut dialect));
    }
    kept
}

fn assemble_lanes(lines: Vec<LineItem>, diagnostics: &mut Vec<Diagnostic>) -> SourceFile {
    let mut items: Vec<Item> = Vec::new();
    // Indices into `items` of the lanes still open, innermost last.
    let mut open: Vec<usize> = Vec::new();
    // Lanes whose missing `}` was already explained by a nested-lane error.
    let mut explained: Vec<usize> = Vec::new();
    let mut label_may_follow = false;

    for line in lines {
        let expecting_label = std::mem::take(&mut label_may_follow);
        match line {
            LineItem::LaneOpen { id, label, span } => {
                if let Some(&outer) = open.last() {
                    if let Item::Lane(outer_lane) = &items[outer] {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::E017,
                                format!("lane `{}` is opened inside lane `{}`", id.value, outer_lane.id.value),
                                span,
                                "this lane opens before the previous one is closed",
                            )
                            .with_label(outer_lane.open_span, format!("lane `{}` opens here", outer_lane.id.value))
                            .with_help(format!(
                                "lanes do not nest: close `{}` with `}}` before opening `{}`",
                                outer_lane.id.value, id.value
                            )),
                        );
                        explained.push(outer);
                    }
                }
                label_may_follow = label.is_none();
                let label = label.map(|text| LaneLabel { text, on_next_line: false });
                items.push(Item::Lane(LaneBlock {
                    id,
                    label,
                    open_span: span,
                    close_span: None,
                    statements: Vec::new(),
                }));
                open.push(items.len() - 1);
            }
            LineItem::LaneClose(span) => match open.pop() {
                Some(index) => {
                    if let Item::Lane(lane) = &mut items[index] {
                        lane.close_span = Some(span);
                    }
                }
                None => diagnostics.push(
                    Diagnostic::new(Code::E010, "this `}` closes no lane", span, "no lane is open here")
                        .with_help("delete it, or open a lane above it with `laneId { # Label`"),
                ),
            },
            LineItem::Statement(statement) => match open.last() {
                Some(&index) => {
                    if let Item::Lane(lane) = &mut items[index] {
                        match statement {
                            Statement::HashComment(text) if expecting_label => {
                                lane.label = Some(LaneLabel { text, on_next_line: true });
                            }
                            other => lane.statements.push(other),
                        }
                    }
                }
                None => items.push(Item::Statement(statement)),
            },
            LineItem::Invalid(_) => {}
        }
    }

    for index in open {
        if explained.contains(&index) {
            continue;
        }
        if let Item::Lane(lane) = &items[index] {
            let last = lane.statements.last().map(Statement::span).unwrap_or(lane.open_span);
            diagnostics.push(
                Diagnostic::new(
                    Code::E009,
                    format!("lane `{}` is never closed", lane.id.value),
                    lane.open_span,
                    "this lane has no closing `}`",
                )
                .with_label(last, "its last statement")
                .with_help("add a line holding only `}` after the lane's last statement"),
            );
        }
    }
    SourceFile { items, ..SourceFile::default() }
}
