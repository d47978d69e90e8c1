//! Saying why a line is not FlowZap Code, and what to write instead.
//!
//! A line the grammar cannot read is first checked for the mistakes people
//! actually make (Mermaid or PlantUML pasted in, an unclosed string), then
//! re-parsed as the statement it most resembles, so the error points at the
//! exact character where it stops being that statement.

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;

use super::parser::{FlowZapGrammar, Rule};
use super::Span;
use crate::diagnostics::{Code, Diagnostic};

/// Which foreign diagram language the file has shown itself to be, if any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Dialect {
    #[default]
    Unknown,
    Mermaid,
    PlantUml,
}

/// The byte offset of the quote that opens a string left unclosed on this line.
pub fn unclosed_quote_start(line: &str) -> Option<usize> {
    let mut open_at = None;
    let mut bytes = line.bytes().enumerate();
    while let Some((at, byte)) = bytes.next() {
        match (open_at, byte) {
            (None, b'"') => open_at = Some(at),
            (Some(_), b'\\') => {
                if matches!(line.as_bytes().get(at + 1), Some(b'"' | b'\\')) {
                    bytes.next();
                }
            }
            (Some(_), b'"') => open_at = None,
            _ => {}
        }
    }
    open_at
}

/// True when a line with an unclosed string and the line after it read as
/// one statement once joined: a string that was broken over two lines.
pub fn joins_into_statement(line: &str, next: &str) -> bool {
    let joined = format!("{line} {next}");
    [Rule::strict_node, Rule::strict_edge, Rule::strict_loop, Rule::strict_lane]
        .into_iter()
        .any(|rule| FlowZapGrammar::parse(rule, &joined).is_ok())
}

const MERMAID_HEADERS: &[&str] = &[
    "graph",
    "flowchart",
    "sequenceDiagram",
    "stateDiagram",
    "stateDiagram-v2",
    "classDiagram",
    "erDiagram",
    "journey",
    "gantt",
    "pie",
    "gitGraph",
    "mindmap",
    "timeline",
];
const MERMAID_ARROWS: &[&str] = &["-->", "---", "-.->", "==>", "->>", "-->>", "--x", "--o"];
const PLANTUML_KEYWORDS: &[&str] = &[
    "actor",
    "participant",
    "boundary",
    "control",
    "entity",
    "database",
    "collections",
    "queue",
    "skinparam",
    "title",
    "start",
    "stop",
    "endif",
    "endwhile",
    "fork",
    "end fork",
    "note",
];

pub fn explain_invalid_line(line: &str, offset: usize, dialect: &mut Dialect) -> Diagnostic {
    let span = Span::new(offset, offset + line.len());
    let first_word = line.split(|c: char| c.is_whitespace()).next().unwrap_or("");

    if let Some(diagnostic) = foreign_header(line, first_word, span, dialect) {
        return diagnostic;
    }
    if let Some(diagnostic) = foreign_statement(line, first_word, span, *dialect) {
        return diagnostic;
    }
    if let Some(open_at) = unclosed_quote_start(line) {
        let string_span = Span::new(offset + open_at, span.end);
        return Diagnostic::new(Code::E011, "this string is never closed", string_span, "the string starts here")
            .with_help("add the closing `\"` before the end of the line (write `\\\"` for a quote inside the text)");
    }
    explain_by_resemblance(line, offset, span)
}

fn foreign_header(line: &str, first_word: &str, span: Span, dialect: &mut Dialect) -> Option<Diagnostic> {
    if MERMAID_HEADERS.contains(&first_word) && !line.contains('{') && !line.contains(':') {
        *dialect = Dialect::Mermaid;
        return Some(
            Diagnostic::new(Code::E015, "this is Mermaid, not FlowZap Code", span, "a Mermaid diagram header")
                .with_help(
                    "FlowZap has no header line: put nodes in lanes, e.g.\n  main { # Main\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Work\"\n  n1.handle(right) -> n2.handle(left)\n  }",
                ),
        );
    }
    if line.starts_with("@startuml") || line.starts_with("@enduml") {
        *dialect = Dialect::PlantUml;
        return Some(
            Diagnostic::new(Code::E016, "this is PlantUML, not FlowZap Code", span, "a PlantUML delimiter").with_help(
                "FlowZap needs no @startuml/@enduml: write lanes `id { # Label` … `}` holding nodes and edges",
            ),
        );
    }
    None
}

fn foreign_statement(line: &str, first_word: &str, span: Span, dialect: Dialect) -> Option<Diagnostic> {
    if let Some(arrow) = MERMAID_ARROWS.iter().find(|arrow| line.contains(**arrow)) {
        let (from, rest) = line.split_once(arrow)?;
        let to = rest.trim_start_matches(['|', '>']).split('|').next_back().unwrap_or(rest);
        let from = mermaid_node_id(from);
        let to = mermaid_node_id(to);
        let label = mermaid_edge_label(rest).map(|text| format!(" [label=\"{text}\"]")).unwrap_or_default();
        return Some(
            Diagnostic::new(
                Code::E015,
                format!("`{arrow}` is a Mermaid arrow, not FlowZap Code"),
                span,
                "Mermaid edge",
            )
            .with_help(format!(
                "FlowZap edges name the handles they attach to: `{from}.handle(right) -> {to}.handle(left){label}`"
            )),
        );
    }
    if dialect == Dialect::Mermaid || looks_like_mermaid_node(line) {
        if let Some((id, shape, text)) = mermaid_node(line) {
            return Some(
                Diagnostic::new(Code::E015, "this is a Mermaid node, not FlowZap Code", span, "Mermaid node")
                    .with_help(format!("declare it inside a lane as `{id}: {shape} label:\"{text}\"`")),
            );
        }
        if dialect == Dialect::Mermaid && !looks_like_flowzap(line) {
            return Some(
                Diagnostic::new(Code::E015, "this Mermaid line has no FlowZap equivalent", span, "Mermaid syntax")
                    .with_help("FlowZap has lanes (`id { # Label` … `}`), nodes (`n1: rectangle label:\"…\"`) and edges (`n1.handle(right) -> n2.handle(left)`)"),
            );
        }
    }
    if let Some((from, to, message)) = plantuml_message(line) {
        return Some(
            Diagnostic::new(Code::E016, "this is a PlantUML message, not FlowZap Code", span, "PlantUML arrow with `:` label")
                .with_help(format!(
                    "in FlowZap the edge names handles and puts its label in brackets: `{from}.handle(right) -> {to}.handle(left) [label=\"{message}\"]`"
                )),
        );
    }
    let plantuml_keyword = PLANTUML_KEYWORDS.contains(&first_word) && !line.contains(':') && !line.contains('{');
    let plantuml_activity = line.starts_with(':') && line.ends_with(';');
    let plantuml_swimlane = line.len() > 2 && line.starts_with('|') && line.ends_with('|');
    if (dialect == Dialect::PlantUml && !looks_like_flowzap(line))
        || plantuml_keyword
        || plantuml_activity
        || plantuml_swimlane
    {
        let help = if plantuml_activity {
            format!("an activity is a node in FlowZap: `n1: rectangle label:\"{}\"`", line.trim_matches([':', ';']))
        } else if plantuml_swimlane {
            format!(
                "a swimlane is a lane block in FlowZap: `{} {{ # {}` … `}}`",
                ident_from(line),
                line.trim_matches('|')
            )
        } else if matches!(first_word, "actor" | "participant" | "database" | "boundary" | "control" | "entity") {
            let name = line[first_word.len()..].trim();
            format!("a participant is a lane in FlowZap: `{} {{ # {}` … `}}`", ident_from(name), name.trim_matches('"'))
        } else {
            "FlowZap has lanes (`id { # Label` … `}`), nodes (`n1: rectangle label:\"…\"`) and edges (`n1.handle(right) -> n2.handle(left)`)".to_owned()
        };
        return Some(
            Diagnostic::new(Code::E016, "this is PlantUML, not FlowZap Code", span, "PlantUML syntax").with_help(help),
        );
    }
    None
}

/// A line with FlowZap's own marks is explained as FlowZap even in a file
/// that started out as another language.
fn looks_like_flowzap(line: &str) -> bool {
    line.contains(".handle(") || line.contains('"') || looks_like_node(line)
}

fn mermaid_node_id(text: &str) -> String {
    let text = text.trim();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    let id = &text[..end];
    if id.is_empty() {
        "n1".to_owned()
    } else {
        id.to_owned()
    }
}

fn mermaid_edge_label(after_arrow: &str) -> Option<&str> {
    let rest = after_arrow.strip_prefix('|')?;
    rest.split_once('|').map(|(label, _)| label.trim())
}

fn looks_like_mermaid_node(line: &str) -> bool {
    mermaid_node(line).is_some() && !line.contains(':')
}

/// `A[Text]`, `B{Text}`, `C((Text))`, `D(Text)` → (id, our shape, text).
fn mermaid_node(line: &str) -> Option<(String, &'static str, String)> {
    let open = line.find(['[', '{', '('])?;
    let id = &line[..open];
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let body = &line[open..];
    let (shape, text) = if let Some(inner) = body.strip_prefix("((").and_then(|b| b.strip_suffix("))")) {
        ("circle", inner)
    } else if let Some(inner) = body.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
        ("rectangle", inner)
    } else if let Some(inner) = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        ("diamond", inner)
    } else if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        ("rectangle", inner)
    } else {
        return None;
    };
    Some((id.to_owned(), shape, text.trim_matches('"').to_owned()))
}

/// `Alice -> Bob : hello` → (from, to, message).
fn plantuml_message(line: &str) -> Option<(String, String, String)> {
    let (arrow_part, message) = line.split_once(':')?;
    let (from, to) = arrow_part.split_once("->")?;
    let from = from.trim().trim_end_matches('-');
    let to = to.trim().trim_start_matches('>');
    let is_name = |name: &str| !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !is_name(from) || !is_name(to.trim()) || from.contains('.') {
        return None;
    }
    Some((from.to_owned(), to.trim().to_owned(), message.trim().to_owned()))
}

/// A lane id made from display text: `Web Shop` → `web_shop`.
fn ident_from(text: &str) -> String {
    let mut id: String = text
        .trim()
        .trim_matches(['|', '"'])
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    id
}

const STATEMENT_FORMS: &str = "a FlowZap line is one of: `laneId { # Label`, `}`, `n1: rectangle label:\"…\"`, `n1.handle(right) -> n2.handle(left)`, `loop [condition] n1 n2`, or a `//` comment";

/// Re-parses the line as the statement it looks most like.
fn explain_by_resemblance(line: &str, offset: usize, span: Span) -> Diagnostic {
    let trimmed = line.trim_start();
    let (rule, what) = if line.contains("->") || line.contains("=>") || line.contains(".handle(") {
        (Rule::strict_edge, "edge")
    } else if trimmed.starts_with("loop") && trimmed[4..].trim_start().starts_with('[') {
        (Rule::strict_loop, "loop")
    } else if looks_like_node(trimmed) {
        (Rule::strict_node, "node declaration")
    } else if line.contains('{') {
        (Rule::strict_lane, "lane header")
    } else if line.trim() == "}" || line.starts_with('}') {
        let extra = Span::new(offset + 1, span.end);
        return Diagnostic::new(Code::E014, "text after a lane's closing `}`", extra, "unexpected text")
            .with_help("a `}` stands alone on its line: move this text to a line of its own");
    } else {
        return Diagnostic::new(Code::E014, "this line is not a FlowZap statement", span, "not a statement")
            .with_help(STATEMENT_FORMS);
    };

    if rule == Rule::strict_node {
        if let Some(diagnostic) = missing_shape(line, offset) {
            return diagnostic;
        }
    }
    let Err(error) = FlowZapGrammar::parse(rule, line) else {
        // Reachable only for a line the full grammar rejected for a reason the
        // single-line rules accept (it should not happen); still say something.
        return Diagnostic::new(Code::E014, format!("this {what} is malformed"), span, "here")
            .with_help(STATEMENT_FORMS);
    };
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((start, _)) => start,
    };
    let found = line[at..].chars().next();
    let point = Span::new(offset + at, offset + at + found.map(char::len_utf8).unwrap_or(0));
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let found_text = match found {
        Some(c) => format!("found `{c}`"),
        None => "found the end of the line".to_owned(),
    };
    let mut diagnostic =
        Diagnostic::new(Code::E014, format!("malformed {what}: expected {expected}"), point, found_text);
    diagnostic.help = Some(hint_for(what, line, at));
    diagnostic
}

/// `n1: label:"…"`: the first word after the colon is an attribute key,
/// so the shape was left out. Points at that word.
fn missing_shape(line: &str, offset: usize) -> Option<Diagnostic> {
    let after_colon = line.find(':')? + 1;
    let rest = &line[after_colon..];
    let word_start = after_colon + (rest.len() - rest.trim_start().len());
    let word_len =
        line[word_start..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(line.len() - word_start);
    let after_word = line[word_start + word_len..].trim_start();
    if word_len == 0 || !(after_word.starts_with(':') || after_word.starts_with('=')) {
        return None;
    }
    let word = &line[word_start..word_start + word_len];
    let span = Span::new(offset + word_start, offset + word_start + word_len);
    Some(
        Diagnostic::new(
            Code::E014,
            "malformed node declaration: the shape is missing",
            span,
            format!("`{word}` is an attribute, not a shape"),
        )
        .with_help(format!(
            "write the shape before the attributes: `{}: rectangle {}`",
            line[..after_colon - 1].trim(),
            line[word_start..].trim()
        )),
    )
}

/// What an unreadable line most likely meant for the lane structure, so one
/// broken brace line does not turn the rest of the file into errors.
pub enum Recovery {
    None,
    CloseLane(Span),
    OpenLane { id: String, label: Option<String> },
    NodeId(String),
}

pub fn recovery_for(line: &str, offset: usize) -> Recovery {
    let trimmed = line.trim();
    if trimmed.starts_with('}') {
        let at = offset + (line.len() - line.trim_start().len());
        return Recovery::CloseLane(Span::new(at, at + 1));
    }
    if looks_like_node(trimmed) {
        let id_end = trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(trimmed.len());
        return Recovery::NodeId(trimmed[..id_end].to_owned());
    }
    if let Some((before, after)) = trimmed.split_once('{') {
        let after = after.trim();
        if !before.contains('"') && (after.is_empty() || after.starts_with('#')) {
            let label = after.strip_prefix('#').map(|label| label.trim().to_owned()).filter(|label| !label.is_empty());
            return Recovery::OpenLane { id: before.trim().to_owned(), label };
        }
    }
    Recovery::None
}

fn looks_like_node(line: &str) -> bool {
    let id_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(line.len());
    id_end > 0 && line[id_end..].trim_start().starts_with(':')
}

fn describe_expected(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = rules
        .iter()
        .map(|rule| match rule {
            Rule::string => "a quoted string",
            Rule::attribute | Rule::attr_key => "an attribute like `label:\"…\"`",
            Rule::attr_sep => "`:`",
            Rule::shape => "a shape (circle, rectangle, diamond or taskbox)",
            Rule::node_ref | Rule::node_id | Rule::lane_prefix | Rule::ident => "a node id",
            Rule::lane_id => "a lane id",
            Rule::arrow => "`->`",
            Rule::lbrace => "`{`",
            Rule::lparen => "`(`",
            Rule::rparen => "`)`",
            Rule::handle_call => "`handle(direction)`",
            Rule::direction => "a direction (left, right, top or bottom)",
            Rule::edge_attrs => "`[label=\"…\"]`",
            Rule::lane_label => "`# Display label`",
            Rule::loop_condition => "a condition",
            Rule::loop_member => "node ids",
            Rule::EOI => "the end of the line",
            _ => "something else",
        })
        .collect();
    words.dedup();
    match words.len() {
        0 => "something else".to_owned(),
        1 => words[0].to_owned(),
        _ => {
            let last = words.pop().unwrap_or_default();
            format!("{} or {}", words.join(", "), last)
        }
    }
}

fn hint_for(what: &str, line: &str, at: usize) -> String {
    let rest = line[at..].trim_start();
    match what {
        "edge" if line.contains("=>") => "FlowZap arrows are written `->`".to_owned(),
        "edge" if rest.starts_with("label") => {
            "edge labels go in brackets after the target: `n1.handle(right) -> n2.handle(left) [label=\"Yes\"]`".to_owned()
        }
        "edge" => "an edge reads `n1.handle(right) -> n2.handle(left)`, optionally followed by `[label=\"…\"]`; a target in another lane is written `lane.n2.handle(top)`".to_owned(),
        "node declaration" if rest.starts_with('"') => {
            "a node's text is an attribute: `n1: rectangle label:\"…\"`".to_owned()
        }
        "node declaration" if rest.starts_with([':', '=']) => {
            "the shape is missing: write `n1: rectangle label:\"…\"` (shapes: circle, rectangle, diamond, taskbox)".to_owned()
        }
        "node declaration" => "a node reads `n1: rectangle label:\"…\"` with attributes label, owner, description or system, separated by spaces".to_owned(),
        "loop" => "a loop reads `loop [condition] n1 n2 n3`: the condition in brackets, then the ids of the nodes it frames".to_owned(),
        _ => "a lane opens with `laneId { # Display label` (the id is letters, digits and `_`, not starting with a digit)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unclosed_quote_start(r#"n1: circle label:"a"#), Some(17));
        assert_eq!(unclosed_quote_start(r#"n1: circle label:"a\" b"#), Some(17));
        assert_eq!(unclosed_quote_start(r#"n1: circle label:"a\\""#), None);
    }

    #[test]
    fn translates_mermaid_edges() {
        let mut dialect = Dialect::Unknown;
        let diagnostic = explain_invalid_line("A -->|yes| B", 0, &mut dialect);
        assert_eq!(diagnostic.code, Code::E015);
        assert!(diagnostic.help.unwrap_or_default().contains("A.handle(right) -> B.handle(left) [label=\"yes\"]"));
    }
}
