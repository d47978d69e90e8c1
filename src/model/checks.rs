//! Whole-diagram warnings that need every node known first: id numbering,
//! label length, emoji, orphans.

use std::collections::HashSet;

use super::diagram::Diagram;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::Span;

/// Longest label, in characters, the vendor's guidelines allow.
pub const MAX_LABEL_CHARS: usize = 50;

/// What the resolver knows beyond the diagram itself.
pub struct Context<'a> {
    /// Ids named by some edge statement, resolvable or not.
    pub mentioned_by_edges: &'a HashSet<&'a str>,
    /// Ids declared but left out of the diagram because of an error.
    pub unusable_ids: &'a HashSet<&'a str>,
    /// False when some lines could not be read.
    pub complete: bool,
}

pub fn run(diagram: &Diagram, context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    id_numbering(diagram, context, diagnostics);
    long_labels(diagram, diagnostics);
    emoji(diagram, diagnostics);
    if context.complete {
        orphans(diagram, context.mentioned_by_edges, diagnostics);
    }
}

/// `nN` with N ≥ 1 and no leading zero.
pub fn sequential_number(id: &str) -> Option<usize> {
    let digits = id.strip_prefix('n')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn id_numbering(diagram: &Diagram, context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let mut numbers = Vec::new();
    for node in diagram.nodes() {
        match sequential_number(&node.id) {
            Some(number) => numbers.push((number, node)),
            None => diagnostics.push(
                Diagnostic::new(
                    Code::W008,
                    format!("node id `{}` is not of the form n1, n2, …", node.id),
                    node.id_span,
                    "non-standard id",
                )
                .with_help("the FlowZap editor expects ids n1 … nN; rename it (ids may be declared in any order)"),
            ),
        }
    }
    if !context.complete || numbers.len() != diagram.nodes().len() || numbers.is_empty() {
        return;
    }
    // Nodes dropped for an error still hold their number.
    let mut present: HashSet<usize> = numbers.iter().map(|(number, _)| *number).collect();
    present.extend(context.unusable_ids.iter().filter_map(|id| sequential_number(id)));
    let count = present.len();
    let missing: Vec<String> = (1..=count).filter(|n| !present.contains(n)).map(|n| format!("n{n}")).collect();
    if missing.is_empty() {
        return;
    }
    if let Some((highest, node)) = numbers.iter().max_by_key(|(number, _)| *number) {
        let shown = if missing.len() > 5 {
            format!("{} and {} more", missing[..5].join(", "), missing.len() - 5)
        } else {
            missing.join(", ")
        };
        diagnostics.push(
            Diagnostic::new(
                Code::W008,
                format!("node ids have gaps: {count} nodes, but ids go up to n{highest} ({shown} unused)"),
                node.id_span,
                "highest id",
            )
            .with_help(format!("renumber the nodes n1 … n{count} so that no number is skipped")),
        );
    }
}

fn long_labels(diagram: &Diagram, diagnostics: &mut Vec<Diagnostic>) {
    for node in diagram.nodes() {
        let Some(attribute) = node.attributes.iter().find(|a| a.key == "label") else { continue };
        // A taskbox label is a title and items; each is shown on its own line.
        let parts: Vec<&str> = std::iter::once(node.title()).chain(node.checklist()).collect();
        if let Some(part) = parts.iter().find(|part| part.chars().count() > MAX_LABEL_CHARS) {
            diagnostics.push(
                Diagnostic::new(
                    Code::W011,
                    format!("label of `{}` is {} characters long", node.id, part.chars().count()),
                    attribute.span,
                    format!("over {MAX_LABEL_CHARS} characters"),
                )
                .with_help("shorten it; put the detail in a `description:\"…\"` attribute"),
            );
        }
    }
}

/// Pictographic emoji, which the vendor's renderer and many fonts mishandle.
/// Characters drawn as emoji by default (Unicode's Emoji_Presentation),
/// approximated by block: plain symbols such as ✓ or ★ are not counted.
pub fn is_emoji(character: char) -> bool {
    matches!(character as u32,
        0x1F004 | 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A | 0x1F1E6..=0x1F1FF | 0x1F201
        | 0x1F21A | 0x1F22F | 0x1F232..=0x1F236 | 0x1F238..=0x1F23A | 0x1F250..=0x1F251
        | 0x1F300..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F7E0..=0x1F7EB | 0x1F90C..=0x1FAFF
        | 0x231A..=0x231B | 0x23E9..=0x23EC | 0x23F0 | 0x23F3 | 0x25FD..=0x25FE
        | 0x2614..=0x2615 | 0x2648..=0x2653 | 0x267F | 0x2693 | 0x26A1 | 0x26AA..=0x26AB
        | 0x26BD..=0x26BE | 0x26C4..=0x26C5 | 0x26CE | 0x26D4 | 0x26EA | 0x26F2..=0x26F3
        | 0x26F5 | 0x26FA | 0x26FD | 0x2705 | 0x270A..=0x270B | 0x2728 | 0x274C | 0x274E
        | 0x2753..=0x2755 | 0x2757 | 0x2795..=0x2797 | 0x27B0 | 0x27BF | 0x2B1B..=0x2B1C
        | 0x2B50 | 0x2B55)
}

fn emoji(diagram: &Diagram, diagnostics: &mut Vec<Diagnostic>) {
    let mut report = |text: &str, span: Span, what: String| {
        if let Some(found) = text.chars().find(|c| is_emoji(*c)) {
            diagnostics.push(
                Diagnostic::new(Code::W013, format!("emoji `{found}` in {what}"), span, "holds an emoji").with_help(
                    "use words instead: emoji render differently, or not at all, across viewers and exports",
                ),
            );
        }
    };
    for lane in diagram.lanes() {
        report(&lane.label, lane.label_span.unwrap_or(lane.span), format!("the label of lane `{}`", lane.id));
    }
    for node in diagram.nodes() {
        for attribute in &node.attributes {
            report(&attribute.value, attribute.span, format!("the {} of `{}`", attribute.key, node.id));
        }
    }
    for edge in diagram.edges() {
        if let Some(label) = &edge.label {
            report(label, edge.label_span.unwrap_or(edge.span), "an edge label".to_owned());
        }
    }
    for stmt in diagram.loops() {
        report(&stmt.condition, stmt.span, "a loop condition".to_owned());
    }
}

fn orphans(diagram: &Diagram, mentioned_by_edges: &HashSet<&str>, diagnostics: &mut Vec<Diagnostic>) {
    for index in diagram.node_indices() {
        let node = diagram.node(index);
        if diagram.in_degree(index) + diagram.out_degree(index) == 0 && !mentioned_by_edges.contains(node.id.as_str()) {
            diagnostics.push(
                Diagnostic::new(Code::W012, format!("node `{}` has no edges", node.id), node.id_span, "not connected")
                    .with_help(format!(
                        "connect it, e.g. `{}.handle(right) -> nX.handle(left)`, or delete it",
                        node.id
                    )),
            );
        }
    }
}
