//! `flowzap render`: the swimlane picture or the sequence view, as SVG or PNG.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::io::{emit, emit_with, read_diagram, read_input, style, write_atomically, Input};
use super::{PictureFormat, RenderArgs, Status, ThemeChoice, View};
use flowzap::{Refusal, Theme};

pub fn run(args: &RenderArgs, color: bool) -> Status {
    match args.files.as_slice() {
        [file] if args.out_dir.is_none() && !file.is_dir() => single(args, file, color),
        _ => batch(args, color),
    }
}

fn theme_of(args: &RenderArgs) -> Theme {
    match args.theme {
        ThemeChoice::Light => Theme::Light,
        ThemeChoice::Dark => Theme::Dark,
        ThemeChoice::Auto => Theme::Auto,
    }
}

/// One file, to `-o` or standard output.
fn single(args: &RenderArgs, file: &Path, color: bool) -> Status {
    let document = match read_diagram(file, color, "nothing drawn") {
        Ok(read) => read,
        Err(status) => return status,
    };
    let theme = theme_of(args);
    let extension = args.output.as_deref().filter(|path| path.as_os_str() != "-").and_then(|path| path.extension());
    let wants_png = extension.is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    if let Some(output) = args.output.as_deref().filter(|path| path.as_os_str() != "-") {
        if let Err(message) = super::io::refuse_overwriting_inputs(output, &[file]) {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    }
    // Any other extension would get SVG bytes it does not announce.
    if let Some(other) = extension.filter(|ext| !ext.eq_ignore_ascii_case("png") && !ext.eq_ignore_ascii_case("svg")) {
        eprintln!(
            "error: flowzap render cannot write `.{}` files; it writes `.svg` and `.png` (or SVG to standard output)",
            other.to_string_lossy()
        );
        return Status::Trouble;
    }
    let inputs = [file];
    let written = if args.view == View::Sequence {
        let picture = if wants_png {
            document.sequence_png(theme, args.order.library(), args.scale)
        } else {
            document.sequence_svg(theme, args.order.library()).map(String::into_bytes)
        };
        match picture {
            Ok(bytes) => emit(args.output.as_deref(), &bytes, &inputs),
            Err(Refusal::Output(message)) => Err(message),
            Err(refusal @ Refusal::Diagnostics(_)) => Err(refusal.to_string()),
        }
    } else if wants_png {
        match document.png(theme, args.scale) {
            Ok(bytes) => emit(args.output.as_deref(), &bytes, &inputs),
            Err(Refusal::Output(message)) => Err(message),
            // read_diagram refused files with errors already.
            Err(refusal @ Refusal::Diagnostics(_)) => Err(refusal.to_string()),
        }
    } else {
        // Written as it is drawn: a large picture is never held whole.
        emit_with(args.output.as_deref(), &inputs, &mut |out| document.write_svg(theme, out))
    };
    match written {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}

/// From how many files a batch shows a progress bar.
const PROGRESS_FROM: usize = 20;

/// One file of a batch: where it is read, and its output path without
/// extension under the output folder.
struct Job {
    input: PathBuf,
    output: PathBuf,
}

/// Every `.fz` and `.flowzap` file under `folder`, sorted, without recursion.
fn diagrams_in(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut waiting = vec![folder.to_path_buf()];
    while let Some(dir) = waiting.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read the folder `{}`: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => waiting.push(path),
                Ok(_) if path.extension().is_some_and(|x| x == "fz" || x == "flowzap") => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    Ok(found)
}

fn jobs(args: &RenderArgs, out_dir: &Path) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::new();
    for argument in &args.files {
        if argument.as_os_str() == "-" {
            return Err("standard input cannot be part of a batch: name the files".to_owned());
        }
        if argument.is_dir() {
            for input in diagrams_in(argument)? {
                let relative = input.strip_prefix(argument).unwrap_or(&input).with_extension("");
                jobs.push(Job { output: out_dir.join(relative), input });
            }
        } else {
            let stem = argument.file_stem().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("diagram"));
            jobs.push(Job { output: out_dir.join(stem), input: argument.clone() });
        }
    }
    let mut seen = std::collections::BTreeMap::new();
    for job in &jobs {
        if let Some(first) = seen.insert(job.output.clone(), job.input.clone()) {
            return Err(format!(
                "`{}` and `{}` would both be drawn to `{}`",
                first.display(),
                job.input.display(),
                job.output.display()
            ));
        }
    }
    Ok(jobs)
}

/// Draws one file of a batch; what to say about it, its status and how
/// many outputs it wrote.
fn draw(args: &RenderArgs, job: &Job, formats: &[PictureFormat], color: bool) -> (String, Status, usize) {
    let name = job.input.display().to_string();
    let source = match read_input(&job.input) {
        Ok(Input::Text(source)) => source,
        Ok(Input::NotUtf8(source, diagnostic)) => {
            return (flowzap::report::render_human(&source, &[diagnostic], style(color)), Status::Findings, 0)
        }
        Err(message) => return (format!("error: {message}\n"), Status::Trouble, 0),
    };
    let document = super::io::document(&source.text);
    if document.has_errors() {
        let report = flowzap::report::render_human(&source, document.diagnostics(), style(color));
        return (format!("{report}error: `{name}` has errors; nothing drawn\n"), Status::Findings, 0);
    }
    let theme = theme_of(args);
    let order = args.order.library();
    let mut written = 0;
    for format in formats {
        let (picture, extension) = match (format, args.view) {
            (PictureFormat::Svg, View::Workflow) => (document.svg(theme).map(|svg| svg.as_bytes().to_vec()), "svg"),
            (PictureFormat::Svg, View::Sequence) => {
                (document.sequence_svg(theme, order).map(String::into_bytes), "svg")
            }
            (PictureFormat::Png, View::Workflow) => (document.png(theme, args.scale), "png"),
            (PictureFormat::Png, View::Sequence) => (document.sequence_png(theme, order, args.scale), "png"),
        };
        let path = job.output.with_extension(extension);
        let result = picture.map_err(|refusal| refusal.to_string()).and_then(|bytes| {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
            }
            write_atomically(&path, &bytes).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
        });
        if let Err(message) = result {
            return (format!("error: {name}: {message}\n"), Status::Trouble, written);
        }
        written += 1;
    }
    (String::new(), Status::Ok, written)
}

/// Many files into `--out-dir`, on every core; reports and the summary in
/// input order, so the output is the same whatever the thread count.
fn batch(args: &RenderArgs, color: bool) -> Status {
    let Some(out_dir) = args.out_dir.as_deref() else {
        eprintln!("error: drawing several files (or a folder) needs `--out-dir DIR`");
        return Status::Trouble;
    };
    let jobs = match jobs(args, out_dir) {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let mut formats = if args.format.is_empty() { vec![PictureFormat::Svg] } else { args.format.clone() };
    formats.sort();
    formats.dedup();
    // A bar on a terminal when there is enough to wait for; never in a log.
    let progress = (std::io::IsTerminal::is_terminal(&std::io::stderr()) && jobs.len() >= PROGRESS_FROM)
        .then(|| indicatif::ProgressBar::new(jobs.len() as u64));
    let results: Vec<(String, Status, usize)> = jobs
        .par_iter()
        .map(|job| {
            let drawn = draw(args, job, &formats, color);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            drawn
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let mut status = Status::Ok;
    let (mut drawn, mut outputs) = (0, 0);
    for (said, file_status, written) in &results {
        eprint!("{said}");
        status = status.max(*file_status);
        drawn += usize::from(*file_status == Status::Ok);
        outputs += written;
    }
    let failed = jobs.len() - drawn;
    eprintln!(
        "drew {drawn} of {} file{} into {} ({outputs} output{}){}",
        jobs.len(),
        if jobs.len() == 1 { "" } else { "s" },
        out_dir.display(),
        if outputs == 1 { "" } else { "s" },
        if failed > 0 { format!(", {failed} failed") } else { String::new() }
    );
    status
}
