//! The diagram model: resolved lanes, nodes, edges and loops over a petgraph
//! graph, built from the syntax tree by [`resolve`].

pub(crate) mod checks;
mod diagram;
mod resolve;

pub use checks::{is_emoji, sequential_number, MAX_LABEL_CHARS};
pub use diagram::*;
pub use resolve::{infer_handles, resolve};
