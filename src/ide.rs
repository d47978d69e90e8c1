//! What an editor asks of a file, answered from the syntax tree and the
//! analysis: where each node and lane id is declared and used (definition,
//! references, rename), what the thing under the cursor is (hover), what
//! may be typed next (completion) and the outline (symbols). The language
//! server (`flowzap lsp`) is a thin protocol layer over these.

use crate::analysis::{Join, Split};
use crate::document::Document;
use compact_str::CompactString;

use crate::syntax::ast::{Item, Spanned, Statement};
use crate::syntax::Span;

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// A node id.
    Node,
    /// A lane id.
    Lane,
}

/// One place an id is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Node or lane.
    pub named: Named,
    /// The id.
    pub id: String,
    /// Where it is written.
    pub span: Span,
    /// Whether this is its declaration.
    pub is_declaration: bool,
}

/// A node reference as written in an edge end or a loop member: the lane
/// prefix, if any, then the node id.
fn reference(prefix: Option<&Spanned<CompactString>>, node: &Spanned<CompactString>, out: &mut Vec<Occurrence>) {
    if let Some(prefix) = prefix {
        out.push(Occurrence {
            named: Named::Lane,
            id: prefix.value.to_string(),
            span: prefix.span,
            is_declaration: false,
        });
    }
    out.push(Occurrence { named: Named::Node, id: node.value.to_string(), span: node.span, is_declaration: false });
}

fn statement(statement: &Statement, out: &mut Vec<Occurrence>) {
    match statement {
        Statement::Node(node) => out.push(Occurrence {
            named: Named::Node,
            id: node.id.value.to_string(),
            span: node.id.span,
            is_declaration: true,
        }),
        Statement::Edge(edge) => {
            for end in [&edge.source, &edge.target] {
                reference(end.lane_prefix.as_ref(), &end.node, out);
            }
        }
        Statement::Loop(stmt) => {
            for member in &stmt.members {
                reference(member.lane_prefix.as_ref(), &member.node, out);
            }
        }
        Statement::LineComment(_) | Statement::HashComment(_) => {}
    }
}

/// Every place a node or lane id is written, in file order.
pub fn occurrences(text: &str) -> Vec<Occurrence> {
    let parsed = crate::syntax::parse(text);
    let mut out = Vec::new();
    for item in &parsed.file.items {
        match item {
            Item::Statement(s) => statement(s, &mut out),
            Item::Lane(block) => {
                out.push(Occurrence {
                    named: Named::Lane,
                    id: block.id.value.to_string(),
                    span: block.id.span,
                    is_declaration: true,
                });
                for s in &block.statements {
                    statement(s, &mut out);
                }
            }
        }
    }
    out
}

/// The id written at byte `offset` (touching either end counts).
pub fn at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    occurrences.iter().find(|o| o.span.start <= offset && offset <= o.span.end)
}

/// Where the id at `offset` is declared.
pub fn definition(text: &str, offset: usize) -> Option<Span> {
    let all = occurrences(text);
    let here = at(&all, offset)?;
    all.iter().find(|o| o.is_declaration && o.named == here.named && o.id == here.id).map(|o| o.span)
}

/// Every place the id at `offset` is written (its declaration first when
/// `with_declaration`).
pub fn references(text: &str, offset: usize, with_declaration: bool) -> Vec<Span> {
    let all = occurrences(text);
    let Some(here) = at(&all, offset).cloned() else { return Vec::new() };
    let mut spans: Vec<(bool, Span)> = all
        .iter()
        .filter(|o| o.named == here.named && o.id == here.id && (with_declaration || !o.is_declaration))
        .map(|o| (!o.is_declaration, o.span))
        .collect();
    spans.sort_by_key(|&(is_use, span)| (is_use, span.start));
    spans.into_iter().map(|(_, span)| span).collect()
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The edits that rename the id at `offset` to `new_name` everywhere; an
/// error sentence when the name is not an identifier or is taken.
pub fn rename(text: &str, offset: usize, new_name: &str) -> Result<Vec<Span>, String> {
    if !is_identifier(new_name) {
        return Err(format!("`{new_name}` is not an id: letters, digits and `_`, not starting with a digit"));
    }
    let all = occurrences(text);
    let here = at(&all, offset).ok_or("there is no node or lane id here")?.clone();
    if all.iter().any(|o| o.is_declaration && o.named == here.named && o.id == new_name) {
        return Err(format!("`{new_name}` is taken"));
    }
    Ok(all.iter().filter(|o| o.named == here.named && o.id == here.id).map(|o| o.span).collect())
}

/// What the id at `offset` is, in Markdown: a node's shape, lane, label
/// and its role in the flow; a lane's label and node count.
pub fn hover(document: &Document, offset: usize) -> Option<(Span, String)> {
    let all = occurrences(document.text());
    let here = at(&all, offset)?;
    let diagram = document.diagram();
    match here.named {
        Named::Lane => {
            let lane = diagram.lanes().iter().position(|l| l.id == here.id)?;
            let data = &diagram.lanes()[lane];
            let count = diagram.nodes().iter().filter(|n| n.lane.index() == lane).count();
            Some((
                here.span,
                format!("**lane `{}`** — {}\n\n{count} node{}", data.id, data.label, if count == 1 { "" } else { "s" }),
            ))
        }
        Named::Node => {
            let index = diagram.nodes().iter().position(|n| n.id == here.id)?;
            let node = &diagram.nodes()[index];
            let mut text = format!(
                "**{}** `{}` — {}\n\nlane `{}` ({})",
                node.shape.name(),
                node.id,
                node.display_label(),
                diagram.lane(node.lane).id,
                diagram.lane(node.lane).label
            );
            if let Some(analysis) = document.analysis() {
                let role = analysis.roles.get(index);
                let join = analysis.joins.get(index).map(|j| j.join);
                let mut said = Vec::new();
                if let Some(role) = role {
                    said.push(role.kind.name().to_owned());
                    match role.split {
                        Split::Parallel => said.push("forks: every outgoing edge runs".to_owned()),
                        Split::Exclusive => said.push("decides: one outgoing edge runs".to_owned()),
                        Split::None => {}
                    }
                }
                match join {
                    Some(Join::Parallel) => said.push("joins: waits for every incoming edge".to_owned()),
                    Some(Join::Exclusive) => said.push("merges: continues on each arrival".to_owned()),
                    Some(Join::LoopMerge) => said.push("loop entry: the way in and the way back merge".to_owned()),
                    Some(Join::None) | None => {}
                    Some(_) => said.push("joins its alternatives".to_owned()),
                }
                if !said.is_empty() {
                    text.push_str(&format!("\n\nrole: {}", said.join("; ")));
                }
            }
            for attribute in node.attributes.iter().filter(|a| a.key != "label") {
                text.push_str(&format!("\n\n{}: {}", attribute.key, attribute.value));
            }
            Some((here.span, text))
        }
    }
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What is inserted.
    pub label: String,
    /// What it is: `node`, `lane`, `shape`, `handle`, `attribute`.
    pub kind: &'static str,
    /// A word about it (a node's label, a lane's label).
    pub detail: String,
}

/// What may be typed at byte `offset`, from the text before it on its line.
pub fn completions(document: &Document, offset: usize) -> Vec<Completion> {
    let text = document.text();
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let before = &text[line_start..offset];
    let word_start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |at| at + 1);
    let context = &before[..word_start];
    let diagram = document.diagram();
    let item = |label: &str, kind: &'static str, detail: &str| Completion {
        label: label.to_owned(),
        kind,
        detail: detail.to_owned(),
    };
    let trimmed = context.trim_end();
    if trimmed.ends_with("handle(") {
        return ["right", "left", "top", "bottom"].iter().map(|d| item(d, "handle", "side of the node")).collect();
    }
    let is_node_line = context.contains(':') && !context.contains("->") && !context.trim_start().starts_with("loop");
    if is_node_line {
        let after_colon = context.split_once(':').map_or("", |(_, rest)| rest);
        if after_colon.trim().is_empty() {
            return ["circle", "rectangle", "diamond", "taskbox"]
                .iter()
                .map(|s| item(s, "shape", "node shape"))
                .collect();
        }
        return crate::model::KNOWN_ATTRIBUTES.iter().map(|k| item(k, "attribute", "node attribute")).collect();
    }
    if trimmed.ends_with('.') && !trimmed.ends_with(").") {
        // `lane.` before a node id: that lane's nodes; `node.` before `handle(`.
        let before_dot = trimmed.trim_end_matches('.');
        let word = before_dot.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or_default();
        if let Some(lane) = diagram.lanes().iter().position(|l| l.id == word) {
            return diagram
                .nodes()
                .iter()
                .filter(|n| n.lane.index() == lane)
                .map(|n| item(&n.id, "node", n.display_label()))
                .collect();
        }
        return vec![item("handle", "handle", "handle(side)")];
    }
    let mut out: Vec<Completion> = diagram.nodes().iter().map(|n| item(&n.id, "node", n.display_label())).collect();
    out.extend(diagram.lanes().iter().map(|l| item(&l.id, "lane", &l.label)));
    out
}

/// A lane and its nodes, for the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneSymbol {
    /// The lane id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The whole block.
    pub span: Span,
    /// Where the id is written.
    pub id_span: Span,
    /// Its nodes: id, label, the declaration, where the id is written.
    pub nodes: Vec<(String, String, Span, Span)>,
}

/// The outline: each lane block with the nodes declared in it.
pub fn symbols(text: &str) -> Vec<LaneSymbol> {
    let parsed = crate::syntax::parse(text);
    parsed
        .file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Lane(block) => Some(LaneSymbol {
                id: block.id.value.to_string(),
                label: block.label.as_ref().map_or_else(|| block.id.value.to_string(), |l| l.text.value.to_string()),
                span: block.open_span.to(block.close_span.unwrap_or(block.open_span)),
                id_span: block.id.span,
                nodes: block
                    .statements
                    .iter()
                    .filter_map(|s| match s {
                        Statement::Node(node) => {
                            let label = node
                                .attributes
                                .iter()
                                .find(|a| a.key.value == "label")
                                .map(|a| match &a.value.value {
                                    crate::syntax::ast::AttrValue::Quoted(v)
                                    | crate::syntax::ast::AttrValue::Bare(v) => v.to_string(),
                                })
                                .unwrap_or_default();
                            Some((node.id.value.to_string(), label, node.span, node.id.span))
                        }
                        _ => None,
                    })
                    .collect(),
            }),
            Item::Statement(_) => None,
        })
        .collect()
}
