//! The one diagnostic type of flowzap and the catalogue of its codes.
//!
//! Every finding of every stage is a [`Diagnostic`]: a stable [`Code`], a
//! message, a primary labelled span, optional secondary labels and a `help`
//! line with the fix. Codes never change meaning once published; a retired code
//! is never reused. `docs/lints.md` documents each one with an example.

use std::fmt;

use serde::Serialize;

use crate::syntax::Span;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file cannot be used as it is; the command fails.
    Error,
    /// The file can be used, but something is off.
    Warning,
    /// Worth knowing, never a reason to fail.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

macro_rules! catalogue {
    ($($code:ident => $severity:ident, $slug:literal, $title:literal;)*) => {
        /// A stable diagnostic code: `E…` errors, `W…` warnings, `I…` notes
        /// (see docs/lints.md).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $title] $code,)* }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as written: `E003`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// The default severity; `--deny`/`--allow` may change it per run.
            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$severity,)* }
            }

            /// A short kebab-case name, usable instead of the code on the command line.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$code => $slug,)* }
            }

            /// One line saying what the code is about.
            pub fn title(self) -> &'static str {
                match self { $(Code::$code => $title,)* }
            }
        }
    };
}

catalogue! {
    E001 => Error, "unknown-shape", "a node's shape is not circle, rectangle, diamond or taskbox";
    E002 => Error, "unknown-handle", "a handle direction is not left, right, top or bottom";
    E003 => Error, "unknown-edge-endpoint", "an edge names a node that is not declared";
    E004 => Error, "unknown-loop-member", "a loop lists a node that is not declared";
    E005 => Error, "wrong-lane-prefix", "a lane prefix names another lane than the node's own";
    E006 => Error, "unknown-lane", "a lane prefix names no lane";
    E007 => Error, "duplicate-node", "two nodes share one id";
    E008 => Error, "duplicate-lane", "two lanes share one id";
    E009 => Error, "unclosed-lane", "a lane block is never closed with `}`";
    E010 => Error, "stray-brace", "a `}` closes no lane";
    E011 => Error, "unterminated-string", "a string has no closing quote";
    E012 => Error, "multiline-string", "a string runs over more than one line";
    E013 => Error, "control-character", "the text holds a control character";
    E014 => Error, "syntax", "a line is no FlowZap statement";
    E015 => Error, "mermaid", "the text is Mermaid, not FlowZap Code";
    E016 => Error, "plantuml", "the text is PlantUML, not FlowZap Code";
    E017 => Error, "nested-lane", "a lane is opened inside another lane";
    E018 => Error, "node-outside-lane", "a node is declared outside any lane";
    E019 => Error, "unquoted-value", "an attribute value is not a quoted string";
    E020 => Error, "invalid-utf8", "the file is not valid UTF-8";
    W001 => Warning, "attribute-equals", "a node attribute is written `key=\"…\"` instead of `key:\"…\"`";
    W002 => Warning, "edge-label-colon", "an edge label is written `[label:\"…\"]` instead of `[label=\"…\"]`";
    W003 => Warning, "lane-label-below", "a lane's display label stands on the line below its brace";
    W004 => Warning, "lane-without-label", "a lane has no display label";
    W005 => Warning, "statement-in-other-lane", "an edge or loop is written outside the lane of its source node";
    W006 => Warning, "redundant-lane-prefix", "a lane prefix where none is needed";
    W007 => Warning, "missing-lane-prefix", "a cross-lane target without its lane prefix";
    W008 => Warning, "non-sequential-ids", "node ids are not n1, n2, … without gaps";
    W009 => Warning, "edge-without-handles", "an edge names no handles";
    W010 => Warning, "handle-case", "a handle direction is not in lower case";
    W011 => Warning, "long-label", "a label is longer than 50 characters";
    W012 => Warning, "orphan-node", "a node has no edges";
    W013 => Warning, "emoji", "the text holds an emoji";
    W014 => Warning, "short-loop", "a loop lists fewer than two nodes";
    W015 => Warning, "empty-lane", "a lane holds no nodes";
    W016 => Warning, "unknown-attribute", "an attribute key is not one FlowZap defines";
    W017 => Warning, "hash-comment", "a `#` line that is not a lane's display label";
    W018 => Warning, "duplicate-attribute", "an attribute is given twice";
    E021 => Error, "deadlock", "a run can get stuck: a join waits for a token that never comes";
    E022 => Error, "lack-of-synchronisation", "two tokens reach a node meant to run once";
    E023 => Error, "livelock", "a run can enter a cycle it never leaves";
    W019 => Warning, "single-outcome-decision", "a decision with only one outgoing edge";
    W020 => Warning, "unlabelled-outcome", "a decision's outgoing edge has no label";
    W021 => Warning, "start-with-incoming", "a start event that flow comes back into";
    W022 => Warning, "end-with-outgoing", "an end event that flow leaves";
    W023 => Warning, "no-start", "the diagram has no start event";
    W024 => Warning, "no-end", "the diagram has no end event";
    W025 => Warning, "unreachable", "no start reaches this node";
    W026 => Warning, "dead-end", "the flow stops at a node that is not an end event";
    W027 => Warning, "loop-without-cycle", "a `loop` statement frames nodes that form no cycle";
    W028 => Warning, "wide-fan-out", "a node has more outgoing edges than the configured limit";
    W029 => Warning, "mixed-join", "a node joins paths from a fork and merges paths from a decision or loop";
    W030 => Warning, "ping-pong", "a cross-lane request has no reply before the next request (opt-in)";
    E024 => Error, "not-block-structured", "a part of the diagram cannot be written as nested Parallel and Decision blocks";
    E025 => Error, "cannot-compile", "a construct the workflow targets cannot express";
    E026 => Error, "invalid-json", "the file is not valid JSON";
    E027 => Error, "schema", "the definition breaks the SimWorkflow schema";
    E028 => Error, "unknown-task", "a transition names no task of its own scope";
    E029 => Error, "duplicate-task-name", "two tasks share one name across the definition";
    E030 => Error, "scope-never-ends", "a scope has no way to reach a terminal task";
    W031 => Warning, "unreachable-task", "no transition leads to this task";
    W032 => Warning, "reply-edge", "a cross-lane edge back into the node that made a request, read as its reply";
    W033 => Warning, "labelled-outcomes-on-task", "a task whose labelled outgoing edges are read as a choice, not a fork";
    W035 => Warning, "cycle-without-task", "a cycle of decisions and events with no task in it, so nothing can change its outcome";
    W034 => Warning, "added-synchronisation", "the compiled workflow waits where the diagram does not, to nest its parallel blocks";
    E031 => Error, "input-too-large", "an input file is larger than the size limit";
    E032 => Error, "too-many-nodes", "a file declares more nodes than the node limit";
    E033 => Error, "label-too-long", "a label is longer than the label limit";
    E034 => Error, "picture-too-large", "a PNG would have more pixels than the pixel limit";
    E035 => Error, "internal-error", "flowzap reached a state it should never reach: a bug in flowzap";
    I001 => Info, "cycle-without-loop", "a cycle with no `loop` statement framing it";
    I002 => Info, "search-bound", "the soundness check stopped at its bound";
    I003 => Info, "regrouped-parallel-part", "a parallel part compiled as nested blocks that wait exactly as drawn";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Code {
    /// Off unless asked for with `--warn` or `--deny`: rules most real
    /// diagrams break on purpose.
    pub fn enabled_by_default(self) -> bool {
        !matches!(self, Code::W030)
    }

    /// Accepts `E003`, `e003` or the slug (`unknown-edge-endpoint`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str().eq_ignore_ascii_case(text) || code.slug() == text)
    }
}

/// A place in the file with what is said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The bytes pointed at.
    pub span: Span,
    /// What is said about them.
    pub text: String,
}

impl Label {
    /// A label saying `text` about `span`.
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Label { span, text: text.into() }
    }
}

/// Replace the text at `span` with `replacement` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced.
    pub span: Span,
    /// What replaces them.
    pub replacement: String,
}

/// One finding. Built with [`Diagnostic::new`] and the chained setters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// How serious it is (the code's, unless a policy changed it).
    pub severity: Severity,
    /// What was found, in one sentence.
    pub message: String,
    /// The place the finding is about.
    pub primary: Label,
    /// Other places that matter (the fork and the join, the first declaration).
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Edits that turn a tolerated form into the canonical one without
    /// changing what the diagram means; empty when no such fix exists.
    pub fix: Vec<Edit>,
}

impl Diagnostic {
    /// A finding of `code` about `span`, labelled `label`.
    pub fn new(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label::new(span, label),
            secondary: Vec::new(),
            help: None,
            fix: Vec::new(),
        }
    }

    /// E035: what `what` describes should be impossible, so it is a bug in
    /// flowzap and not in the file; said as such instead of as a finding
    /// about the file's first line.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Diagnostic::new(Code::E035, format!("internal error: {what}"), Span::new(0, 0), "flowzap failed on this file")
            .with_help("this is a bug in flowzap, not in your file: please report it with the file attached")
    }

    /// Adds one edit of the fix.
    pub fn with_edit(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix.push(Edit { span, replacement: replacement.into() });
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(span, text));
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("flowzap::{}", self.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = miette::LabeledSpan::new_primary_with_span(Some(self.primary.text.clone()), self.primary.span);
        let secondary =
            self.secondary.iter().map(|label| miette::LabeledSpan::new_with_span(Some(label.text.clone()), label.span));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// "Did you mean" for a misspelt name: the closest candidate, if close enough
/// to be a plausible typo rather than a different word.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // String similarity is quadratic in the lengths; nobody misspells a
    // 65-character name by one letter and needs us to find it.
    const LONGEST_COMPARED: usize = 64;
    if wanted.len() > LONGEST_COMPARED {
        return None;
    }
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates.into_iter().filter(|candidate| candidate.len() <= LONGEST_COMPARED) {
        let score = strsim::jaro_winkler(&wanted_lower, &candidate.to_lowercase());
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((candidate, score));
        }
    }
    best.filter(|(candidate, score)| {
        let candidate_lower = candidate.to_lowercase();
        // `n9` and `n1`, `step12` and `step13`: names that differ only in
        // their numbers are numbered siblings, not typos of each other.
        let letters = |name: &str| name.chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
        if letters(&wanted_lower) == letters(&candidate_lower) {
            return false;
        }
        // One edit in a name of three letters or fewer is another name.
        *score >= 0.8
            || (wanted_lower.chars().count() >= 4 && strsim::damerau_levenshtein(&wanted_lower, &candidate_lower) <= 1)
    })
    .map(|(candidate, _)| candidate)
}

/// Applies the fixes of `diagnostics` to `text`. Edits that overlap an
/// earlier one are skipped, so the result is always well formed.
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut edits: Vec<&Edit> = diagnostics.iter().flat_map(|d| d.fix.iter()).collect();
    edits.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        if edit.span.start < at || edit.span.end > text.len() {
            continue;
        }
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert_eq!(Code::parse(code.slug()), Some(*code));
            let expected = match &code.as_str()[..1] {
                "E" => Severity::Error,
                "W" => Severity::Warning,
                _ => Severity::Info,
            };
            assert_eq!(code.severity(), expected);
        }
    }

    #[test]
    fn closest_finds_typos_not_strangers() {
        assert_eq!(closest("rect", ["circle", "rectangle", "diamond", "taskbox"]), Some("rectangle"));
        assert_eq!(closest("rigth", ["left", "right", "top", "bottom"]), Some("right"));
        assert_eq!(closest("zzz", ["left", "right", "top", "bottom"]), None);
        assert_eq!(closest("n12", ["n1", "n2", "n13"]), None, "numbered siblings");
        assert_eq!(closest("n9", ["n1", "n2"]), None);
        assert_eq!(closest("kitchn", ["kitchen", "bar"]), Some("kitchen"));
        assert_eq!(closest("ab", ["xb"]), None, "too short for one edit to be a typo");
        assert_eq!(closest("n1x", ["n1"]), Some("n1"));
    }
}

/// Per-run severity changes: `--deny`, `--allow`, `--warn`.
#[derive(Debug, Clone, Default)]
pub struct SeverityPolicy {
    /// `--deny warnings`: every warning is an error.
    pub deny_warnings: bool,
    overrides: Vec<(Code, Option<Severity>)>,
}

/// Why a severity option was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text names no code.
    #[error("`{0}` is not a diagnostic code (codes look like E003 or W012; `warnings` means all warnings)")]
    UnknownCode(String),
    /// Errors cannot be lowered.
    #[error("{0} is an error and cannot be allowed or turned into a warning")]
    ErrorNotAdjustable(Code),
}

impl SeverityPolicy {
    fn code(text: &str) -> Result<Code, PolicyError> {
        Code::parse(text).ok_or_else(|| PolicyError::UnknownCode(text.to_owned()))
    }

    /// `--deny CODE` or `--deny warnings`.
    pub fn deny(&mut self, what: &str) -> Result<(), PolicyError> {
        if what == "warnings" {
            self.deny_warnings = true;
        } else {
            let code = Self::code(what)?;
            self.overrides.push((code, Some(Severity::Error)));
        }
        Ok(())
    }

    /// `--allow CODE`: the finding is not reported.
    pub fn allow(&mut self, what: &str) -> Result<(), PolicyError> {
        let code = Self::code(what)?;
        if code.severity() == Severity::Error {
            return Err(PolicyError::ErrorNotAdjustable(code));
        }
        self.overrides.push((code, None));
        Ok(())
    }

    /// `--warn CODE`: back to a warning after an earlier `--deny`.
    pub fn warn(&mut self, what: &str) -> Result<(), PolicyError> {
        let code = Self::code(what)?;
        if code.severity() == Severity::Error {
            return Err(PolicyError::ErrorNotAdjustable(code));
        }
        self.overrides.push((code, Some(Severity::Warning)));
        Ok(())
    }

    /// Applies the policy; the last flag naming a code wins.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut diagnostic| {
                let chosen = self
                    .overrides
                    .iter()
                    .rev()
                    .find(|(code, _)| *code == diagnostic.code)
                    .map(|(_, severity)| *severity);
                match chosen {
                    Some(None) => return None,
                    Some(Some(severity)) => diagnostic.severity = severity,
                    None if !diagnostic.code.enabled_by_default() => return None,
                    None if self.deny_warnings && diagnostic.severity == Severity::Warning => {
                        diagnostic.severity = Severity::Error;
                    }
                    None => {}
                }
                Some(diagnostic)
            })
            .collect()
    }
}
