//! `flowzap fmt`, `fix`, `diff` and `apply`: the authoring commands, thin
//! over `flowzap::edit`.

use std::io::Write as _;
use std::path::Path;

use super::io::{read_text, style, write_atomically};
use super::{ApplyArgs, DiffArgs, FixArgs, FmtArgs, Format, Status};
use flowzap::edit::apply::{apply, Operation, Refused};
use flowzap::edit::{diff, fix, Plain};
use flowzap::report::{render_human, SourceText};

fn report(source: &SourceText, diagnostics: &[flowzap::diagnostics::Diagnostic], color: bool, what: &str) -> Status {
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    eprint!("{}", render_human(source, &errors, style(color)));
    eprintln!("error: `{}` has errors; {what}", source.name);
    Status::Findings
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn write_back(path: &Path, text: &str) -> Result<(), Status> {
    write_atomically(path, text.as_bytes()).map_err(|error| {
        eprintln!("error: {}", super::io::write_error(path, &error));
        Status::Trouble
    })
}

fn print(text: &str) -> Status {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Status::Ok,
        Err(_) => Status::Trouble,
    }
}

pub fn fmt(args: &FmtArgs, color: bool) -> Status {
    let mut status = Status::Ok;
    let mut would_change = Vec::new();
    for path in &args.files {
        let source = match read_text(path, color) {
            Ok(source) => source,
            Err(failed) => {
                status = status.max(failed);
                continue;
            }
        };
        let formatted = match flowzap::edit::format(&source.text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                status = status.max(report(&source, &diagnostics, color, "not formatted"));
                continue;
            }
        };
        let changed = formatted != source.text;
        if args.check {
            if changed {
                would_change.push(source.name.clone());
            }
        } else if is_stdin(path) {
            status = status.max(print(&formatted));
        } else if changed {
            if let Err(failed) = write_back(path, &formatted) {
                status = status.max(failed);
            }
        }
    }
    if !would_change.is_empty() {
        for name in &would_change {
            println!("would reformat {name}");
        }
        status = status.max(Status::Findings);
    }
    status
}

pub fn fix_files(args: &FixArgs, color: bool) -> Status {
    let mut status = Status::Ok;
    for path in &args.files {
        let source = match read_text(path, color) {
            Ok(source) => source,
            Err(failed) => {
                status = status.max(failed);
                continue;
            }
        };
        let say = |corrections: &[fix::Correction]| {
            for correction in corrections {
                match correction.line {
                    0 => eprintln!("{}: {}", source.name, correction.text),
                    line => eprintln!("{}:{line}: {}", source.name, correction.text),
                }
            }
        };
        match fix::fix(&source.text) {
            Err((corrections, errors, text)) => {
                say(&corrections);
                // The errors are reported against the text they are in.
                let partly = SourceText::new(source.name.clone(), text);
                status = status.max(report(&partly, &errors, color, "nothing written"));
            }
            Ok(fixed) => {
                say(&fixed.corrections);
                if args.diff {
                    let diff = similar::TextDiff::from_lines(&source.text, &fixed.text);
                    let unified = diff.unified_diff().header(&source.name, &source.name).to_string();
                    status = status.max(print(&unified));
                } else if args.write && !is_stdin(path) {
                    if fixed.text != source.text {
                        if let Err(failed) = write_back(path, &fixed.text) {
                            status = status.max(failed);
                        }
                    }
                } else {
                    status = status.max(print(&fixed.text));
                }
            }
        }
    }
    status
}

fn plain(path: &Path, color: bool) -> Result<Plain, Status> {
    let source = read_text(path, color)?;
    Plain::from_text(&source.text).map_err(|diagnostics| report(&source, &diagnostics, color, "not compared"))
}

pub fn diff_files(args: &DiffArgs, color: bool) -> Status {
    let (old, new) = match (plain(&args.old, color), plain(&args.new, color)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(a), Err(b)) => return a.max(b),
        (Err(failed), _) | (_, Err(failed)) => return failed,
    };
    let operations = diff::diff(&old.without_comments(), &new.without_comments());
    match args.format {
        Format::Json => {
            let value = serde_json::json!({ "operations": operations });
            print(&format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default()))
        }
        Format::Human if operations.is_empty() => print("no change\n"),
        Format::Human => print(&(diff::describe(&operations).join("\n") + "\n")),
    }
}

/// A patch: a JSON list of operations, or an object holding one under
/// `operations` (what `flowzap diff --format json` prints).
fn operations(text: &str) -> Result<Vec<Operation>, String> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Patch {
        List(Vec<Operation>),
        Object { operations: Vec<Operation> },
    }
    match serde_json::from_str::<Patch>(text) {
        Ok(Patch::List(list) | Patch::Object { operations: list }) => Ok(list),
        Err(_) => {
            // Say which operation is wrong: read them one by one.
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("the patch is not JSON: {e}"))?;
            let list =
                value.get("operations").unwrap_or(&value).as_array().ok_or("the patch is not a list of operations")?;
            for (index, item) in list.iter().enumerate() {
                if let Err(error) = serde_json::from_value::<Operation>(item.clone()) {
                    return Err(format!("operation {} is not one flowzap knows: {error}", index + 1));
                }
            }
            Err("the patch is not a list of operations".to_owned())
        }
    }
}

pub fn apply_patch(args: &ApplyArgs, color: bool) -> Status {
    let source = match read_text(&args.file, color) {
        Ok(source) => source,
        Err(failed) => return failed,
    };
    let patch_text = match read_text(&args.patch, color) {
        Ok(patch) => patch.text,
        Err(failed) => return failed,
    };
    let operations = match operations(&patch_text) {
        Ok(operations) => operations,
        Err(message) => {
            eprintln!("error: {message}; nothing applied");
            return Status::Findings;
        }
    };
    let base = match Plain::from_text(&source.text) {
        Ok(base) => base,
        Err(diagnostics) => return report(&source, &diagnostics, color, "nothing applied"),
    };
    match apply(&base, &operations) {
        Ok(text) if args.write && !is_stdin(&args.file) => match write_back(&args.file, &text) {
            Ok(()) => Status::Ok,
            Err(failed) => failed,
        },
        Ok(text) => print(&text),
        Err(Refused::Operation(index, why)) => {
            eprintln!("error: operation {} does not apply: {why}; nothing applied", index + 1);
            Status::Findings
        }
        Err(Refused::Result(text, diagnostics)) => {
            let result = SourceText::new(format!("{} (patched)", source.name), text);
            report(&result, &diagnostics, color, "the patch was not applied")
        }
    }
}
