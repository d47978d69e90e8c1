//! `flowzap lint`: everything `check` reports, plus the analysis.

use super::check::{self, Extra};
use super::{LintArgs, Status};
use flowzap::analysis::Options;

pub fn run(args: &LintArgs, color: bool) -> Status {
    let options = Options { max_fan_out: args.max_fan_out, max_states: args.max_states.max(1) };
    let mut check_args = args.check.clone();
    if args.sequence {
        // `--warn` is applied after `--deny` and `--allow`, so W030 is only
        // added when the user said nothing of it: `--sequence --deny
        // ping-pong` keeps it an error, `--allow` keeps it off.
        let said = |codes: &[String]| codes.iter().any(|c| c == "W030" || c == "ping-pong");
        let severity = &mut check_args.severity;
        if !said(&severity.deny) && !said(&severity.allow) && !said(&severity.warn) {
            severity.warn.push("ping-pong".to_owned());
        }
    }
    check::run(&check_args, color, &Extra::Lint { options, structure: args.structure })
}
