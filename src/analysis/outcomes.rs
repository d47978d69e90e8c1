//! What a decision tests, the same for every compile target: each outgoing
//! edge is an outcome whose value is its label; the first unlabelled edge,
//! or else the last edge, is the default (taken when the value matches no
//! other outcome). An unlabelled edge that is not the default is named by
//! where it goes, so it can still be chosen.

use petgraph::graph::{EdgeIndex, NodeIndex};

use crate::model::Diagram;

/// One outgoing edge of a decision, as every compile target tests it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The edge.
    pub edge: EdgeIndex,
    /// The value that chooses this outcome (for the default: its label, if any).
    pub value: String,
    /// Whether it is taken when the value matches no other outcome.
    pub is_default: bool,
}

/// The key a decision's outcome is reported under: `outcome_<node id>`.
/// Node ids are identifiers, so the key is a valid name in JavaScript,
/// JSONPath, Python, JUEL and FEEL alike.
pub fn outcome_key(diagram: &Diagram, decision: NodeIndex) -> String {
    format!("outcome_{}", diagram.node(decision).id)
}

/// The key the choice between alternative starts is reported under.
pub const START_KEY: &str = "start";

/// A node's name in compiled output: its label, a taskbox's title.
pub fn title(diagram: &Diagram, node: NodeIndex) -> &str {
    let data = diagram.node(node);
    match data.title().trim() {
        "" => &data.id,
        trimmed => trimmed,
    }
}

/// The outcomes of a decision whose outgoing edges are `edges`, in order.
pub fn outcomes(diagram: &Diagram, edges: &[EdgeIndex]) -> Vec<Outcome> {
    let label =
        |edge: EdgeIndex| diagram.edges()[edge.index()].label.as_deref().map(str::trim).filter(|l| !l.is_empty());
    let default = edges.iter().copied().find(|&edge| label(edge).is_none()).or(edges.last().copied());
    let mut out: Vec<Outcome> = Vec::with_capacity(edges.len());
    for &edge in edges {
        let is_default = Some(edge) == default;
        let value = match label(edge) {
            Some(label) => label.to_owned(),
            None if is_default => String::new(),
            None => {
                let target = diagram.edges()[edge.index()].target;
                let name = title(diagram, target).to_owned();
                if out.iter().any(|other| other.value == name) {
                    format!("{name} ({})", diagram.node(target).id)
                } else {
                    name
                }
            }
        };
        out.push(Outcome { edge, value, is_default });
    }
    out
}
