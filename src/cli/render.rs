//! `flowzap render`: the swimlane picture or the sequence view, as SVG or PNG.

use std::path::Path;

use super::batch::Job;
use super::io::{emit, emit_with, read_diagram, style, write_atomically};
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

/// Draws one file of a batch; what to say about it, its status and how
/// many outputs it wrote.
fn draw(args: &RenderArgs, job: &Job, formats: &[PictureFormat], color: bool) -> (String, Status, usize) {
    let name = job.input.display().to_string();
    let source = match super::batch::read(job, color) {
        Ok(source) => source,
        Err(unread) => return unread,
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

/// Many files into `--out-dir`, on every core (see `batch`).
fn batch(args: &RenderArgs, color: bool) -> Status {
    let mut formats = if args.format.is_empty() { vec![PictureFormat::Svg] } else { args.format.clone() };
    formats.sort();
    formats.dedup();
    super::batch::run(&args.files, args.out_dir.as_deref(), "drew", "drawing", &|job| draw(args, job, &formats, color))
}
