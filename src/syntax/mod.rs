//! Text to syntax tree: the pest grammar (`grammar/flowzap.pest`), the driver
//! that pairs lane braces and recovers from bad lines, and the explanations
//! for lines that are not FlowZap Code.

pub mod ast;
mod explain;
mod parser;
mod span;
pub mod strings;

pub use parser::{parse, parse_whole, Parsed};
pub use span::{display_text, LineColumn, LineIndex, Span};
