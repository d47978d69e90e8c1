//! `flowzap fix`: repairs without invention. First the legacy forms no
//! reading accepts (chained `a -> b -> c` edges, `rect` and the other old
//! shape names), emoji and stray control characters; then every fix-it
//! `check` offers, a round at a time (edits of one round never overlap; the
//! rest wait for the next reading); then the canonical form, which moves
//! every edge and loop into its source's lane; and ids renumbered
//! `n1…nN` when they are not. What cannot be repaired stays an error and
//! nothing is written.

use super::Plain;
use crate::diagnostics::{Code, Diagnostic, Edit};
use crate::model::checks::is_emoji;

/// One repair, said for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The line it was made on (from 1) in the text it was made to; 0 for
    /// the whole file.
    pub line: usize,
    /// What was done.
    pub text: String,
}

/// The repaired text and what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The repaired file.
    pub text: String,
    /// Each repair, in the order made.
    pub corrections: Vec<Correction>,
}

/// The shapes of older FlowZap and of other tools, and what they are now.
const OLD_SHAPES: &[(&str, &str)] = &[
    ("rect", "rectangle"),
    ("box", "rectangle"),
    ("square", "rectangle"),
    ("rhombus", "diamond"),
    ("oval", "circle"),
    ("ellipse", "circle"),
];

/// How many rounds of fix-its before giving up on convergence.
const ROUNDS: usize = 8;

fn line_of(text: &str, offset: usize) -> usize {
    let mut start = 0;
    for (index, (line, ending)) in lines_with_endings(text).enumerate() {
        start += line.len() + ending.len();
        if offset < start {
            return index + 1;
        }
    }
    lines_with_endings(text).count().max(1)
}

/// `line` without emoji and control characters (tabs stay); an emoji
/// between two spaces, or between a space and a closing quote, takes the
/// space with it.
fn without_emoji(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut skip_space = false;
    for c in line.chars() {
        if is_emoji(c) || (c.is_control() && c != '\t') {
            skip_space = out.ends_with(' ');
            continue;
        }
        if skip_space && c == ' ' {
            skip_space = false;
            continue;
        }
        // An emoji at the end of a text took the space before it along.
        if skip_space && c == '"' && out.ends_with(' ') {
            out.pop();
        }
        skip_space = false;
        out.push(c);
    }
    out
}

/// `a -> b -> c [attrs]` as `a -> b` and `b -> c [attrs]`; `None` for a
/// line with one arrow or fewer (arrows inside quotes do not count).
fn split_chain(line: &str) -> Option<Vec<String>> {
    let (body, attributes) = match line.find('[') {
        Some(at) if !line[..at].contains('"') => (&line[..at], &line[at..]),
        _ if line.contains('"') => return None,
        _ => (line, ""),
    };
    let ends: Vec<&str> = body.split("->").map(str::trim).collect();
    if ends.len() < 3 || ends.iter().any(|end| end.is_empty()) {
        return None;
    }
    let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let last = ends.len() - 2;
    Some(
        (0..=last)
            .map(|i| {
                let tail =
                    if i == last && !attributes.is_empty() { format!(" {}", attributes.trim()) } else { String::new() };
                format!("{indent}{} -> {}{tail}", ends[i], ends[i + 1])
            })
            .collect(),
    )
}

/// Each line without its ending, and the ending (`\n`, `\r\n`, `\r` or
/// nothing): lines split exactly as the grammar splits them.
fn lines_with_endings(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let ending_length = match rest.as_bytes().get(end) {
            Some(b'\r') if rest.as_bytes().get(end + 1) == Some(&b'\n') => 2,
            Some(_) => 1,
            None => 0,
        };
        let (line, ending) = (&rest[..end], &rest[end..end + ending_length]);
        rest = &rest[end + ending_length..];
        Some((line, ending))
    })
}

/// The repairs made on raw lines, before anything reads the file.
fn legacy(text: &str, corrections: &mut Vec<Correction>) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, (line, ending)) in lines_with_endings(text).enumerate() {
        let line_number = index + 1;
        let mut line = line.to_owned();
        let cleaned = without_emoji(&line);
        if cleaned != line {
            corrections.push(Correction { line: line_number, text: "removed emoji and control characters".to_owned() });
            line = cleaned;
        }
        if let Some((head, rest)) = line.split_once(':') {
            let shape = rest.split_whitespace().next().unwrap_or_default();
            let is_node = !head.trim().is_empty() && head.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if let Some((old, new)) = OLD_SHAPES.iter().find(|(old, _)| is_node && *old == shape) {
                if let Some(at) = rest.find(old) {
                    let start = head.len() + 1 + at;
                    line.replace_range(start..start + old.len(), new);
                    corrections
                        .push(Correction { line: line_number, text: format!("shape `{old}` is written `{new}`") });
                }
            }
        }
        match split_chain(&line) {
            Some(parts) => {
                corrections.push(Correction {
                    line: line_number,
                    text: format!("chained edge split into {} edges", parts.len()),
                });
                for part in parts {
                    out.push_str(&part);
                    out.push_str(if ending.is_empty() { "\n" } else { ending });
                }
            }
            None => {
                out.push_str(&line);
                out.push_str(ending);
            }
        }
    }
    out
}

/// One round: the fix-its of `diagnostics` that do not overlap, applied
/// from the end of the file back.
fn apply_fix_its(text: &str, diagnostics: &[Diagnostic], corrections: &mut Vec<Correction>) -> Option<String> {
    let mut chosen: Vec<(&Diagnostic, Vec<&Edit>)> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps =
        |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1 || a == b || (a.0 == a.1 && a.0 == b.0);
    for diagnostic in diagnostics.iter().filter(|d| !d.fix.is_empty()) {
        let spans: Vec<(usize, usize)> = diagnostic.fix.iter().map(|e| (e.span.start, e.span.end)).collect();
        if spans.iter().any(|s| taken.iter().any(|t| overlaps(*s, *t))) {
            continue;
        }
        taken.extend(&spans);
        chosen.push((diagnostic, diagnostic.fix.iter().collect()));
    }
    if chosen.is_empty() {
        return None;
    }
    let mut edits: Vec<&Edit> = chosen.iter().flat_map(|(_, edits)| edits.iter().copied()).collect();
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.span.start, edit.span.end)));
    let mut fixed = text.to_owned();
    for edit in edits {
        if edit.span.end <= fixed.len()
            && fixed.is_char_boundary(edit.span.start)
            && fixed.is_char_boundary(edit.span.end)
        {
            fixed.replace_range(edit.span.start..edit.span.end, &edit.replacement);
        }
    }
    for (diagnostic, _) in chosen {
        corrections.push(Correction {
            line: line_of(text, diagnostic.primary.span.start),
            text: format!("fixed {}: {}", diagnostic.code.as_str(), diagnostic.message),
        });
    }
    Some(fixed)
}

/// Whether the ids are not `n1…nN` (W008 said so).
fn needs_renumbering(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.code == Code::W008)
}

/// Every node renumbered `n1…nN` in the order the canonical text lists them
/// (lane by lane), every edge and loop following.
fn renumber(plain: &mut Plain, corrections: &mut Vec<Correction>) {
    let mut order: Vec<usize> = Vec::with_capacity(plain.nodes.len());
    for lane in &plain.lanes {
        order.extend(plain.nodes.iter().enumerate().filter(|(_, n)| n.lane == lane.id).map(|(i, _)| i));
    }
    let ids: std::collections::HashMap<String, String> =
        order.iter().enumerate().map(|(rank, &i)| (plain.nodes[i].id.clone(), format!("n{}", rank + 1))).collect();
    let changed: Vec<String> = order
        .iter()
        .filter_map(|&i| {
            ids.get(&plain.nodes[i].id)
                .filter(|new| **new != plain.nodes[i].id)
                .map(|new| format!("{} → {new}", plain.nodes[i].id))
        })
        .collect();
    if changed.is_empty() {
        return;
    }
    plain.rename_nodes(|id| ids.get(id).cloned());
    corrections.push(Correction { line: 0, text: format!("renumbered {}", changed.join(", ")) });
}

/// Repairs `text`; on failure, what was repaired so far and the errors
/// that remain (the file is then left as it is).
pub fn fix(text: &str) -> Result<Fixed, (Vec<Correction>, Vec<Diagnostic>, String)> {
    let mut corrections = Vec::new();
    let mut current = legacy(text, &mut corrections);
    let read = |text: &str| crate::load_with_syntax(text, &crate::limits::Limits::DEFAULT);
    let (mut loaded, mut file) = read(&current);
    for _ in 0..ROUNDS {
        match apply_fix_its(&current, &loaded.diagnostics, &mut corrections) {
            Some(next) => {
                current = next;
                (loaded, file) = read(&current);
            }
            None => break,
        }
    }
    if loaded.has_errors() {
        let errors = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
        return Err((corrections, errors, current));
    }
    let renumbering = needs_renumbering(&loaded.diagnostics);
    let mut plain = match Plain::from_loaded(loaded, &file) {
        Ok(plain) => plain,
        Err(errors) => return Err((corrections, errors, current)),
    };
    if renumbering {
        renumber(&mut plain, &mut corrections);
    }
    let canonical = plain.to_text();
    if canonical != current {
        corrections.push(Correction { line: 0, text: "written in the canonical form (`flowzap fmt`)".to_owned() });
    }
    Ok(Fixed { text: canonical, corrections })
}
