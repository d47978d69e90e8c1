//! Writing a diagram out: graph JSON, canonical FlowZap text, and the
//! compiled workflow targets (one program, two serialisations).

pub mod asl;
pub mod bpmn;
pub mod fz;
pub mod graph_json;
mod json_positions;
pub mod program;
pub mod simworkflow;
pub mod validate_json;
