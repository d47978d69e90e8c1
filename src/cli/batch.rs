//! Many files at once, for `render` and `compile`: files and folders (every
//! `.fz` and `.flowzap` file under them) into an output folder, on every
//! core. Reports come in input order and one summary line ends the run, so
//! what is written and said is the same whatever the thread count.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Status;

/// From how many files a batch shows a progress bar.
const PROGRESS_FROM: usize = 20;

/// One file of a batch: where it is read, and its output path without
/// extension under the output folder.
pub struct Job {
    /// The file read.
    pub input: PathBuf,
    /// Its output path under the folder, without extension.
    pub output: PathBuf,
}

/// Every `.fz` and `.flowzap` file under `folder`, sorted, without recursion.
pub fn diagrams_in(folder: &Path) -> Result<Vec<PathBuf>, String> {
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

/// The jobs of a batch: every file named or found under a folder, each
/// with its output path; refused when two would write the same output.
pub fn plan(files: &[PathBuf], out_dir: &Path) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::new();
    for argument in files {
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

/// Writes one output of a batch, making its folder under the output folder
/// first (a folder argument's structure is kept).
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), String> {
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| super::io::write_atomically(path, bytes))
        .map_err(|error| super::io::write_error(path, &error))
}

/// What a job says when its file cannot be read: what to say, its status, no output.
pub type Unread = (String, Status, usize);

/// A job's file as text, or what to say about it: the batch twin of
/// `io::read_text`, which prints at once where a batch must wait its turn.
pub fn read(job: &Job, color: bool) -> Result<flowzap::report::SourceText, Unread> {
    match super::io::read_input(&job.input) {
        Ok(super::io::Input::Text(source)) => Ok(source),
        Ok(super::io::Input::NotUtf8(source, diagnostic)) => {
            Err((flowzap::report::render_human(&source, &[diagnostic], super::io::style(color)), Status::Findings, 0))
        }
        Err(message) => Err((format!("error: {message}\n"), Status::Trouble, 0)),
    }
}

/// `work` on every item on every core, the results in the items' order,
/// with a progress bar on a terminal when there is enough to wait for
/// (never in a log).
pub fn in_order<Item: Sync, Done: Send>(items: &[Item], work: &(dyn Fn(&Item) -> Done + Sync)) -> Vec<Done> {
    let progress = (std::io::IsTerminal::is_terminal(&std::io::stderr()) && items.len() >= PROGRESS_FROM)
        .then(|| indicatif::ProgressBar::new(items.len() as u64));
    let results = items
        .par_iter()
        .map(|item| {
            let result = work(item);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            result
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    results
}

/// Runs `work` on every file of `files` into `out_dir`; `done` and `doing`
/// name the work in the summary and in the refusal without a folder
/// (`drew`, `drawing`). `work` returns what to say, the file's status and
/// how many outputs it wrote.
pub fn run(
    files: &[PathBuf],
    out_dir: Option<&Path>,
    done: &str,
    doing: &str,
    work: &(dyn Fn(&Job) -> (String, Status, usize) + Sync),
) -> Status {
    let Some(out_dir) = out_dir else {
        eprintln!("error: {doing} several files (or a folder) needs `--out-dir DIR`");
        return Status::Trouble;
    };
    let jobs = match plan(files, out_dir) {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let results = in_order(&jobs, work);
    let mut status = Status::Ok;
    let (mut succeeded, mut outputs) = (0, 0);
    for (said, file_status, written) in &results {
        eprint!("{said}");
        status = status.max(*file_status);
        succeeded += usize::from(*file_status == Status::Ok);
        outputs += written;
    }
    let failed = jobs.len() - succeeded;
    eprintln!(
        "{done} {succeeded} of {} into {} ({}){}",
        super::io::plural(jobs.len(), "file"),
        out_dir.display(),
        super::io::plural(outputs, "output"),
        if failed > 0 { format!(", {failed} failed") } else { String::new() }
    );
    status
}
