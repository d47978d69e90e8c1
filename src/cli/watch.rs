//! `flowzap watch`: rebuild every requested output when a file is saved,
//! keep the last good outputs when a save does not compile, and with
//! `--serve`, a live preview page in the browser.
//!
//! Each file's folder is watched, not the file: editors that save through a
//! temporary file and a rename (vim, JetBrains), or delete and re-create,
//! replace the file's inode, and a watch on the file itself would die with it.
//! notify's debouncer folds a burst of events into one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::RecommendedWatcher;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer as FullDebouncer, RecommendedCache};

type Debouncer = FullDebouncer<RecommendedWatcher, RecommendedCache>;

use super::compile::default_name;
use super::io::{shown, style, write_atomically};
use super::serve::{Preview, Server};
use super::{Status, View, WatchArgs, WatchTarget};
use flowzap::report::{render_human, SourceText};

/// How long the debouncer waits for a file's events to stop.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// After a change, how long no further change must arrive before the
/// rebuild starts: the debouncer may split one burst of saves into several
/// batches, and they become one rebuild.
const QUIET: Duration = Duration::from_millis(30);
/// A file written without pause is still rebuilt this often.
const LONGEST_WAIT: Duration = Duration::from_millis(1000);

enum Message {
    Changed(Vec<PathBuf>),
    WatchFailed(String),
    Stop,
}

struct Watched {
    path: PathBuf,
    absolute: PathBuf,
    name: String,
    outputs: Vec<(WatchTarget, PathBuf)>,
    engine: flowzap::emit::bpmn::Engine,
    /// The sequence view (in this message order) instead of the workflow view.
    sequence: Option<flowzap::SequenceOrder>,
}

pub fn run(args: &WatchArgs, color: bool) -> Status {
    let targets: Vec<WatchTarget> = {
        let mut seen = BTreeSet::new();
        let wanted = if args.target.is_empty() { vec![WatchTarget::Svg] } else { args.target.clone() };
        wanted.into_iter().filter(|target| seen.insert(*target)).collect()
    };
    let started = plan(args, &targets).and_then(|files| {
        let (sender, messages) = mpsc::channel();
        let debouncer = watch(&files, sender)?;
        let preview = Preview::new(files.iter().map(|file| file.name.clone()).collect());
        let server = match &args.serve {
            Some(address) => Some(serve(address, &preview, args.open)?),
            None => None,
        };
        Ok((files, messages, debouncer, preview, server))
    });
    let (files, messages, debouncer, preview, server) = match started {
        Ok(started) => started,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let preview = server.is_some().then_some(&preview);

    for (index, file) in files.iter().enumerate() {
        let outputs: Vec<String> = file.outputs.iter().map(|(_, path)| shown(path)).collect();
        println!("watching {} → {}", file.name, outputs.join(", "));
        rebuild(index, file, color, preview);
    }
    println!("press Ctrl-C to stop");
    while let Some(changed) = next_changes(&messages, &files) {
        for (index, file) in files.iter().enumerate() {
            if changed.contains(&file.absolute) {
                rebuild(index, file, color, preview);
            }
        }
    }
    drop(debouncer);
    if let Some(server) = server {
        server.stop();
    }
    println!("stopped");
    Status::Ok
}

/// Sends Ctrl-C and every change in the folders of `files` to `sender`, until
/// the returned watcher is dropped.
fn watch(files: &[Watched], sender: mpsc::Sender<Message>) -> Result<Debouncer, String> {
    let stop = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    })
    .map_err(|error| format!("cannot handle Ctrl-C: {error}"))?;
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let message = match result {
            // Reading a file is an event too (inotify reports opens): the
            // rebuild's own read must not trigger the next rebuild.
            Ok(events) => Message::Changed(
                events
                    .into_iter()
                    .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect(),
            ),
            Err(errors) => Message::WatchFailed(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        };
        let _ = sender.send(message);
    })
    .map_err(|error| format!("cannot watch files: {error}"))?;
    let folders: BTreeSet<PathBuf> =
        files.iter().filter_map(|file| file.absolute.parent().map(Path::to_path_buf)).collect();
    for folder in &folders {
        debouncer
            .watch(folder, RecursiveMode::NonRecursive)
            .map_err(|error| format!("cannot watch `{}`: {error}", shown(folder)))?;
    }
    Ok(debouncer)
}

/// Starts the live preview server on `address`.
fn serve(address: &str, preview: &Preview, open: bool) -> Result<Server, String> {
    let server = Server::start(address, preview.clone())?;
    println!("serving the live preview at {}", server.url());
    if server.is_public() {
        eprintln!(
            "warning: the preview listens on {}: every machine that can reach this one can see the diagram; use \
             --serve 127.0.0.1 to keep it on this machine",
            server.url()
        );
    }
    if open {
        open_browser(&server.url());
    }
    Ok(server)
}

/// Waits for the next save of a watched file and whatever follows it
/// closely, and returns the files changed; `None` when it is time to stop.
fn next_changes(messages: &mpsc::Receiver<Message>, files: &[Watched]) -> Option<BTreeSet<PathBuf>> {
    let watched = |path: &PathBuf| files.iter().any(|file| &file.absolute == path);
    loop {
        match messages.recv() {
            Ok(Message::Changed(paths)) => {
                let mut changed: BTreeSet<PathBuf> = paths.into_iter().filter(&watched).collect();
                if changed.is_empty() {
                    continue;
                }
                // Fold whatever follows closely into this rebuild.
                let first = Instant::now();
                while first.elapsed() < LONGEST_WAIT {
                    match messages.recv_timeout(QUIET) {
                        Ok(Message::Changed(more)) => changed.extend(more.into_iter().filter(&watched)),
                        Ok(Message::WatchFailed(error)) => eprintln!("warning: file watching: {error}"),
                        Ok(Message::Stop) => return None,
                        Err(_) => break,
                    }
                }
                return Some(changed);
            }
            Ok(Message::WatchFailed(error)) => eprintln!("warning: file watching: {error}"),
            Ok(Message::Stop) | Err(_) => return None,
        }
    }
}

/// Where each file's outputs go: with one file and one target `-o` is the
/// output file; otherwise it is a folder; without it, outputs sit beside
/// their input.
fn plan(args: &WatchArgs, targets: &[WatchTarget]) -> Result<Vec<Watched>, String> {
    // `-o` is a folder when there are several outputs, or when it says so
    // (a trailing `/`, or a folder that exists); else the one output file.
    let names_folder = args.output.as_ref().is_some_and(|output| {
        output.is_dir() || output.as_os_str().to_string_lossy().ends_with(std::path::is_separator)
    });
    let single = args.files.len() == 1 && targets.len() == 1 && !names_folder;
    if let Some(output) = &args.output {
        // A missing folder is refused whichever way `-o` names it, as
        // every other command refuses one.
        let folder = match single {
            true => output.parent().filter(|parent| !parent.as_os_str().is_empty()),
            false => Some(output.as_path()),
        };
        if let Some(folder) = folder.filter(|folder| !folder.is_dir()) {
            return Err(match folder.exists() {
                true => format!("`{}` is not a folder; `-o` needs one here", shown(folder)),
                false => format!("the output folder `{}` does not exist; create it first", shown(folder)),
            });
        }
    }
    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    for path in &args.files {
        if path.as_os_str() == "-" {
            return Err("watch needs files; standard input cannot change".to_owned());
        }
        let absolute = std::path::absolute(path).map_err(|error| format!("`{}`: {error}", shown(path)))?;
        if absolute.file_name().is_none() {
            return Err(format!("`{}` is not a file", shown(path)));
        }
        if absolute.parent().is_none_or(|folder| !folder.is_dir()) {
            return Err(format!("the folder of `{}` does not exist", shown(path)));
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(format!("`{}` is a folder; watch takes .fz files", shown(path)));
            }
            Ok(_) => {}
            Err(error) => {
                return Err(format!("cannot read `{}`: {}", shown(path), super::io::describe_io_error(&error)))
            }
        }
        if !seen.insert(absolute.clone()) {
            continue;
        }
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "diagram".to_owned());
        let outputs = targets
            .iter()
            .map(|&target| {
                let file_name = format!("{stem}.{}", target.extension());
                let out = match &args.output {
                    Some(output) if single => output.clone(),
                    Some(folder) => folder.join(file_name),
                    None => path.with_file_name(file_name),
                };
                (target, out)
            })
            .collect::<Vec<_>>();
        for (_, out) in &outputs {
            if std::path::absolute(out).is_ok_and(|out| out == absolute) {
                return Err(format!("`{}` would overwrite its own input", shown(out)));
            }
            // The same file by another name (a link, `sub/../`).
            if super::io::refuse_overwriting_inputs(out, &[path.as_path()]).is_err() {
                return Err(format!("`{}` would overwrite its own input", shown(out)));
            }
        }
        let sequence = (args.view == View::Sequence).then(|| args.order.library());
        files.push(Watched { name: shown(path), path: path.clone(), absolute, outputs, engine: args.engine, sequence });
    }
    Ok(files)
}

/// Rebuilds every output of one file. An output is written only when it
/// built; otherwise the last good one stays, and the reasons are printed.
fn rebuild(index: usize, file: &Watched, color: bool, preview: Option<&Preview>) {
    let started = Instant::now();
    let read = std::fs::File::open(&file.path).and_then(super::io::read_within_limit);
    let text = match read {
        Ok(None) => {
            let message = format!("{}; kept the last good outputs", super::io::too_large(&file.name));
            eprintln!("✗ {message}");
            if let Some(preview) = preview {
                preview.failed(index, message);
            }
            return;
        }
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                let message = format!("{} is not valid UTF-8; kept the last good outputs", file.name);
                eprintln!("✗ {message}");
                if let Some(preview) = preview {
                    preview.failed(index, message);
                }
                return;
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            println!("… {} is gone; waiting for it to come back (outputs kept)", file.name);
            return;
        }
        Err(error) => {
            eprintln!("✗ cannot read {}: {error}; kept the last good outputs", file.name);
            return;
        }
    };
    let source = SourceText::new(file.name.clone(), text);
    let document = super::io::document(&source.text);
    let built = build_outputs(&document, file, preview.is_some());
    let Built { reasons, written, kept, svg } = built;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    if !written.is_empty() {
        println!("✓ rebuilt {} → {} in {elapsed:.0} ms", file.name, written.join(", "));
    }
    if !reasons.is_empty() {
        eprint!("{}", describe(&source, &reasons, color));
        // "Kept" only names outputs there are: a first build that fails
        // keeps nothing.
        let there: Vec<String> = kept.iter().filter(|path| path.exists()).map(|path| shown(path)).collect();
        let builds = reasons.iter().all(|reason| matches!(reason, Reason::Write(_)));
        let what = match builds {
            true => format!("✗ {} built, but {} could not be written", file.name, plural(kept.len(), "output")),
            false => format!("✗ {} does not build", file.name),
        };
        match there.is_empty() {
            true if builds => eprintln!("{what}"),
            true => eprintln!("{what}; nothing written yet"),
            false => eprintln!("{what}; kept the last good {}", there.join(", ")),
        }
    }
    if let Some(preview) = preview {
        if let Some(svg) = svg {
            preview.updated(index, svg);
        }
        if !reasons.is_empty() {
            preview.failed(index, describe(&source, &reasons, false));
        }
    }
}

/// What one rebuild made: the outputs written, those kept and why, and
/// the picture for the preview.
struct Built {
    /// Why outputs were kept: diagnostics, or a sentence (a write failed).
    reasons: Vec<Reason>,
    written: Vec<String>,
    kept: Vec<PathBuf>,
    svg: Option<String>,
}

/// Builds and writes every output of `file` from the one `document`, so
/// the file is parsed, analysed and laid out once whatever the targets.
fn build_outputs(document: &flowzap::Document, file: &Watched, for_preview: bool) -> Built {
    let mut built = Built { reasons: Vec::new(), written: Vec::new(), kept: Vec::new(), svg: None };
    if document.has_errors() {
        built.reasons.push(Reason::Diagnostics(document.diagnostics().to_vec()));
        built.kept.extend(file.outputs.iter().map(|(_, path)| path.clone()));
        return built;
    }
    let light = flowzap::Theme::Light;
    let picture = |png: bool| -> Result<Vec<u8>, flowzap::Refusal> {
        match (file.sequence, png) {
            (Some(order), true) => document.sequence_png(light, order, 2.0),
            (Some(order), false) => document.sequence_svg(light, order).map(String::into_bytes),
            (None, true) => document.png(light, 2.0),
            (None, false) => document.svg(light).map(|svg| svg.as_bytes().to_vec()),
        }
    };
    if for_preview {
        built.svg = picture(false).ok().and_then(|bytes| String::from_utf8(bytes).ok());
    }
    let options = flowzap::CompileOptions {
        name: default_name(&file.path),
        engine: file.engine,
        ..flowzap::CompileOptions::default()
    };
    let refused = |refusal: flowzap::Refusal| match refusal {
        flowzap::Refusal::Diagnostics(diagnostics) => Reason::Diagnostics(diagnostics),
        flowzap::Refusal::Output(message) => Reason::Sentence(message),
    };
    for (target, path) in &file.outputs {
        let bytes: Result<Vec<u8>, Reason> = match target.compile_target() {
            Some(compiled) => document
                .compile(compiled, &options)
                .map(|c| c.text.into_bytes())
                .map_err(|diagnostics| Reason::Diagnostics(diagnostics.into_iter().filter(|d| d.is_error()).collect())),
            None => picture(*target == WatchTarget::Png).map_err(refused),
        };
        let result = bytes.and_then(|bytes| {
            write_atomically(path, &bytes).map_err(|error| Reason::Write(super::io::write_error(path, &error)))
        });
        match result {
            Ok(()) => built.written.push(shown(path)),
            Err(reason) => {
                if !built.reasons.contains(&reason) {
                    built.reasons.push(reason);
                }
                built.kept.push(path.clone());
            }
        }
    }
    built
}

#[derive(PartialEq)]
enum Reason {
    Diagnostics(Vec<flowzap::diagnostics::Diagnostic>),
    /// The diagram cannot be made into this output (a picture too large).
    Sentence(String),
    /// The output was made, and writing it failed.
    Write(String),
}

fn plural(count: usize, word: &str) -> String {
    match count {
        1 => format!("the {word}"),
        _ => format!("{count} {word}s"),
    }
}

fn describe(source: &SourceText, reasons: &[Reason], color: bool) -> String {
    let mut text = String::new();
    for reason in reasons {
        match reason {
            Reason::Diagnostics(diagnostics) => text.push_str(&render_human(source, diagnostics, style(color))),
            Reason::Sentence(sentence) | Reason::Write(sentence) => {
                text.push_str("error: ");
                text.push_str(sentence);
                text.push('\n');
            }
        }
    }
    text
}

fn open_browser(url: &str) {
    let command = std::env::var("BROWSER").ok().filter(|b| !b.is_empty()).unwrap_or_else(|| {
        if cfg!(target_os = "macos") {
            "open".to_owned()
        } else if cfg!(windows) {
            "explorer".to_owned()
        } else {
            "xdg-open".to_owned()
        }
    });
    if let Err(error) = std::process::Command::new(&command)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser with `{command}`: {error}; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowzap::document::stages::{self, Counts};

    /// One save rebuilding the picture and every compiled target reads,
    /// analyses, lays out and draws the file once.
    #[test]
    fn one_save_runs_each_stage_once_for_every_target() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let input = folder.path().join("order.fz");
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/valid/insurance_claim.fz");
        std::fs::copy(fixture, &input).expect("the fixture copies");
        let targets =
            [WatchTarget::Svg, WatchTarget::Png, WatchTarget::WorkflowJson, WatchTarget::Asl, WatchTarget::Bpmn];
        let file = Watched {
            path: input.clone(),
            absolute: input.clone(),
            name: "order.fz".to_owned(),
            outputs: targets
                .iter()
                .map(|&target| (target, folder.path().join(format!("order.{}", target.extension()))))
                .collect(),
            engine: flowzap::emit::bpmn::Engine::default(),
            sequence: None,
        };
        stages::take();
        rebuild(0, &file, false, None);
        assert_eq!(stages::take(), Counts { loads: 1, analyses: 1, layouts: 1, svgs: 1 });
        for (_, output) in &file.outputs {
            assert!(output.is_file(), "{} was not written", output.display());
        }
    }

    /// `--view sequence`: the picture targets are the sequence view.
    #[test]
    fn the_sequence_view_is_watched_too() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let input = folder.path().join("order.fz");
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/valid/insurance_claim.fz");
        std::fs::copy(fixture, &input).expect("the fixture copies");
        let svg = folder.path().join("order.svg");
        let file = Watched {
            path: input.clone(),
            absolute: input,
            name: "order.fz".to_owned(),
            outputs: vec![(WatchTarget::Svg, svg.clone())],
            engine: flowzap::emit::bpmn::Engine::default(),
            sequence: Some(flowzap::SequenceOrder::Flow),
        };
        rebuild(0, &file, false, None);
        let written = std::fs::read_to_string(&svg).expect("written");
        assert!(written.contains("class=\"flowzap sequence theme-light\""));
    }
}
