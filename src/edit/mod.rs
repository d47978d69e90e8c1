//! Editing diagrams as code: the canonical text (`fmt`), repairs (`fix`), a
//! semantic diff and patches (`diff`, `apply`). All of them work on
//! [`Plain`], the diagram as plain owned data keyed by the ids written in
//! the file, with the `//` comments attached to the statement below them;
//! [`Plain::to_text`] is the one canonical printer.

pub mod apply;
pub mod diff;
pub mod fix;

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::model::Diagram;
use crate::syntax::ast::{Item, Statement};
use crate::syntax::strings::quote;

/// A lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainLane {
    /// Its id.
    pub id: String,
    /// Its display label.
    pub label: String,
    /// Comments on the lines above the lane's opening line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    /// Comments on the lines above its `}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closing_comments: Vec<String>,
}

/// A node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainNode {
    /// Its id.
    pub id: String,
    /// The id of its lane.
    pub lane: String,
    /// `circle`, `rectangle`, `diamond` or `taskbox`.
    pub shape: String,
    /// Its attributes in written order (`label` among them).
    #[serde(default)]
    pub attributes: Vec<(String, String)>,
    /// Comments on the lines above it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
}

impl PlainNode {
    /// The value of attribute `key`.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// An edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainEdge {
    /// The source node's id.
    pub source: String,
    /// The target node's id.
    pub target: String,
    /// The side it leaves by.
    pub source_handle: String,
    /// The side it enters by.
    pub target_handle: String,
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Its other attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// Comments on the lines above it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
}

/// A `loop` statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainLoop {
    /// The condition between the brackets.
    pub condition: String,
    /// The member node ids in order.
    pub members: Vec<String>,
    /// Comments on the lines above it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
}

/// A diagram as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plain {
    /// Lanes in order.
    pub lanes: Vec<PlainLane>,
    /// Nodes in order (each printed in its lane).
    pub nodes: Vec<PlainNode>,
    /// Edges in order (each printed in its source's lane).
    pub edges: Vec<PlainEdge>,
    /// Loops in order (each printed in its first member's lane).
    pub loops: Vec<PlainLoop>,
    /// Comments after the last lane.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trailing_comments: Vec<String>,
}

/// Where each comment goes: above the statement whose span starts at the
/// key, above a lane's `}` (by lane id), or at the end of the file.
#[derive(Default)]
struct Comments {
    above: HashMap<usize, Vec<String>>,
    closing: HashMap<String, Vec<String>>,
    trailing: Vec<String>,
}

fn comments_of(file: &crate::syntax::ast::SourceFile) -> Comments {
    let mut comments = Comments::default();
    let mut pending: Vec<String> = Vec::new();
    let take = |statement: &Statement, pending: &mut Vec<String>, comments: &mut Comments| match statement {
        Statement::LineComment(text) | Statement::HashComment(text) => pending.push(text.value.to_string()),
        Statement::Node(node) => {
            comments.above.entry(node.span.start).or_default().append(pending);
        }
        Statement::Edge(edge) => {
            comments.above.entry(edge.span.start).or_default().append(pending);
        }
        Statement::Loop(stmt) => {
            comments.above.entry(stmt.span.start).or_default().append(pending);
        }
    };
    for item in &file.items {
        match item {
            Item::Statement(statement) => take(statement, &mut pending, &mut comments),
            Item::Lane(block) => {
                comments.above.entry(block.open_span.start).or_default().append(&mut pending);
                for statement in &block.statements {
                    take(statement, &mut pending, &mut comments);
                }
                comments.closing.entry(block.id.value.to_string()).or_default().append(&mut pending);
            }
        }
    }
    comments.trailing = pending;
    comments
}

impl Plain {
    /// The diagram as plain data, without comments.
    pub fn from_diagram(diagram: &Diagram) -> Plain {
        Plain::with_comments(diagram, &Comments::default())
    }

    fn with_comments(diagram: &Diagram, comments: &Comments) -> Plain {
        let above = |start: usize| comments.above.get(&start).cloned().unwrap_or_default();
        let lanes = diagram
            .lanes()
            .iter()
            .map(|lane| PlainLane {
                id: lane.id.to_string(),
                label: lane.label.to_string(),
                comments: above(lane.span.start),
                closing_comments: comments.closing.get(lane.id.as_str()).cloned().unwrap_or_default(),
            })
            .collect();
        let nodes = diagram
            .nodes()
            .iter()
            .map(|node| PlainNode {
                id: node.id.to_string(),
                lane: diagram.lane(node.lane).id.to_string(),
                shape: node.shape.name().to_owned(),
                attributes: node.attributes.iter().map(|a| (a.key.to_string(), a.value.to_string())).collect(),
                comments: above(node.span.start),
            })
            .collect();
        let edges = diagram
            .edges()
            .iter()
            .map(|edge| PlainEdge {
                source: diagram.node(edge.source).id.to_string(),
                target: diagram.node(edge.target).id.to_string(),
                source_handle: edge.source_handle.to_string(),
                target_handle: edge.target_handle.to_string(),
                label: edge.label.as_ref().map(|label| label.to_string()),
                attributes: edge.attributes.iter().map(|a| (a.key.to_string(), a.value.to_string())).collect(),
                comments: above(edge.span.start),
            })
            .collect();
        let loops = diagram
            .loops()
            .iter()
            .map(|stmt| PlainLoop {
                condition: stmt.condition.to_string(),
                members: stmt.members.iter().map(|&m| diagram.node(m).id.to_string()).collect(),
                comments: above(stmt.span.start),
            })
            .collect();
        Plain { lanes, nodes, edges, loops, trailing_comments: comments.trailing.clone() }
    }

    /// Reads `text` with its comments; the diagnostics when it has errors
    /// (nothing is guessed for a file that does not read).
    pub fn from_text(text: &str) -> Result<Plain, Vec<Diagnostic>> {
        let (loaded, file) = crate::load_with_syntax(text, &crate::limits::Limits::DEFAULT);
        Plain::from_loaded(loaded, &file)
    }

    /// [`Plain::from_text`] for a file already read, with its syntax tree.
    pub(crate) fn from_loaded(
        loaded: crate::Loaded,
        file: &crate::syntax::ast::SourceFile,
    ) -> Result<Plain, Vec<Diagnostic>> {
        if loaded.has_errors() {
            return Err(loaded.diagnostics);
        }
        Ok(Plain::with_comments(&loaded.diagram, &comments_of(file)))
    }

    /// Renames nodes all at once (old id to new id, as `new_id` says), in
    /// every edge and loop that names them.
    pub fn rename_nodes(&mut self, new_id: impl Fn(&str) -> Option<String>) {
        let rename = |id: &mut String| {
            if let Some(new) = new_id(id) {
                *id = new;
            }
        };
        self.nodes.iter_mut().for_each(|n| rename(&mut n.id));
        for edge in &mut self.edges {
            rename(&mut edge.source);
            rename(&mut edge.target);
        }
        self.loops.iter_mut().flat_map(|l| l.members.iter_mut()).for_each(rename);
    }

    /// The same diagram without its comments: what two plain diagrams are
    /// compared by when only the model matters.
    pub fn without_comments(&self) -> Plain {
        let mut plain = self.clone();
        plain.trailing_comments.clear();
        for lane in &mut plain.lanes {
            lane.comments.clear();
            lane.closing_comments.clear();
        }
        plain.nodes.iter_mut().for_each(|node| node.comments.clear());
        plain.edges.iter_mut().for_each(|edge| edge.comments.clear());
        plain.loops.iter_mut().for_each(|stmt| stmt.comments.clear());
        plain
    }

    /// The canonical FlowZap Code: lanes in order, each `id { # Label` with
    /// its nodes, then the edges leaving them, then the loops starting in
    /// it; handles always written, a lane prefix exactly on cross-lane
    /// targets, `key:"value"` on nodes and `[label="…"]` on edges, no
    /// indentation, a blank line between lanes, and each comment as `//`
    /// on the line above its statement.
    pub fn to_text(&self) -> String {
        let lane_of: HashMap<&str, &str> = self.nodes.iter().map(|n| (n.id.as_str(), n.lane.as_str())).collect();
        let mut text = String::new();
        let comment_lines = |text: &mut String, comments: &[String]| {
            for comment in comments {
                match comment.is_empty() {
                    true => text.push_str("//\n"),
                    false => {
                        let _ = writeln!(text, "// {comment}");
                    }
                }
            }
        };
        for (index, lane) in self.lanes.iter().enumerate() {
            if index > 0 {
                text.push('\n');
            }
            comment_lines(&mut text, &lane.comments);
            let _ = writeln!(text, "{} {{ # {}", lane.id, lane.label);
            for node in self.nodes.iter().filter(|n| n.lane == lane.id) {
                comment_lines(&mut text, &node.comments);
                let _ = write!(text, "{}: {}", node.id, node.shape);
                for (key, value) in &node.attributes {
                    let _ = write!(text, " {key}:{}", quote(value));
                }
                text.push('\n');
            }
            for edge in self.edges.iter().filter(|e| lane_of.get(e.source.as_str()) == Some(&lane.id.as_str())) {
                comment_lines(&mut text, &edge.comments);
                let target_lane = lane_of.get(edge.target.as_str()).copied();
                let prefix = match target_lane {
                    Some(target) if target != lane.id => format!("{target}."),
                    _ => String::new(),
                };
                let _ = write!(
                    text,
                    "{}.handle({}) -> {prefix}{}.handle({})",
                    edge.source, edge.source_handle, edge.target, edge.target_handle
                );
                let mut attributes: Vec<String> = Vec::new();
                if let Some(label) = &edge.label {
                    attributes.push(format!("label={}", quote(label)));
                }
                attributes.extend(edge.attributes.iter().map(|(k, v)| format!("{k}={}", quote(v))));
                if !attributes.is_empty() {
                    let _ = write!(text, " [{}]", attributes.join(", "));
                }
                text.push('\n');
            }
            for stmt in self
                .loops
                .iter()
                .filter(|l| l.members.first().and_then(|m| lane_of.get(m.as_str())) == Some(&lane.id.as_str()))
            {
                comment_lines(&mut text, &stmt.comments);
                let _ = write!(text, "loop [{}]", stmt.condition);
                for member in &stmt.members {
                    let _ = write!(text, " {member}");
                }
                text.push('\n');
            }
            comment_lines(&mut text, &lane.closing_comments);
            text.push_str("}\n");
        }
        if !self.trailing_comments.is_empty() {
            if !self.lanes.is_empty() {
                text.push('\n');
            }
            comment_lines(&mut text, &self.trailing_comments);
        }
        text
    }
}

/// `flowzap fmt`: the canonical form of `text`, its comments kept; the
/// diagnostics when it has errors.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    Plain::from_text(text).map(|plain| plain.to_text())
}
