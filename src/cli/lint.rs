//! `flowzap lint`: everything `check` reports, plus the analysis.

use super::check::{self, Extra};
use super::{LintArgs, Status};
use flowzap::analysis::Options;

pub fn run(args: &LintArgs, color: bool) -> Status {
    let options = Options { max_fan_out: args.max_fan_out, max_states: args.max_states.max(1) };
    check::run(&args.check, color, &Extra::Lint { options, structure: args.structure })
}
