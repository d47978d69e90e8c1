//! A diagram as canonical FlowZap Code: one block per lane in lane order,
//! holding its nodes, then the edges leaving them, then the loops starting in
//! it; handles always written, lane prefixes only on cross-lane targets.

use crate::model::Diagram;

/// The diagram as canonical FlowZap Code: lanes in file order, each with its nodes, then the edges
/// from them, then its loops; the one printer of [`crate::edit::Plain::to_text`].
pub fn to_string(diagram: &Diagram) -> String {
    crate::edit::Plain::from_diagram(diagram).to_text()
}
