//! Writing a diagram out: graph JSON and canonical FlowZap text.

pub mod fz;
pub mod graph_json;
