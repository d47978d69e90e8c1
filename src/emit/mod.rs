//! Writing a diagram out: graph JSON, canonical FlowZap text, and the
//! compiled workflow targets (one program, two serialisations).

pub mod asl;
pub mod fz;
pub mod graph_json;
pub mod program;
pub mod simworkflow;
mod json_positions;
pub mod validate_json;
