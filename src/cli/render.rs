//! `flowzap render`: the swimlane picture or the sequence view, as SVG or PNG.

use std::path::Path;

use super::batch::Job;
use super::io::{emit, emit_with, read_diagram, style};
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

/// The one format of a single file's picture: `--format` when given, else
/// the output's extension, else SVG. A known extension that contradicts
/// `--format`, or one render cannot write, is refused before anything is drawn.
fn single_format(args: &RenderArgs) -> Result<PictureFormat, String> {
    let output = args.output.as_deref().filter(|path| path.as_os_str() != "-");
    let named = output.and_then(PictureFormat::of_path);
    let unwritable = output.and_then(|path| path.extension()).filter(|_| named.is_none());
    match args.format.as_slice() {
        [] => match unwritable {
            Some(other) => Err(format!(
                "flowzap render cannot write `.{}` files; it writes `.svg`, `.png` and `.pdf` (or SVG to standard \
                 output), or say the format with `--format svg|png|pdf`",
                other.to_string_lossy()
            )),
            None => Ok(named.unwrap_or(PictureFormat::Svg)),
        },
        [format] => match named {
            Some(named) if named != *format => Err(format!(
                "`--format {}` contradicts the output's extension `.{}`",
                format.extension(),
                named.extension()
            )),
            _ => Ok(*format),
        },
        _ => Err("one picture takes one `--format`; several need `--out-dir DIR`".to_owned()),
    }
}

/// One file, to `-o` or standard output.
fn single(args: &RenderArgs, file: &Path, color: bool) -> Status {
    // Said first: it is the real mistake behind `-o input.fz`.
    if let Some(output) = args.output.as_deref().filter(|path| path.as_os_str() != "-") {
        if let Err(message) = super::io::refuse_overwriting_inputs(output, &[file]) {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    }
    let format = match single_format(args) {
        Ok(format) => format,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let to_stdout = args.output.as_deref().is_none_or(|path| path.as_os_str() == "-");
    let binary = matches!(format, PictureFormat::Png | PictureFormat::Pdf);
    if to_stdout && binary && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        eprintln!(
            "error: a {} picture is not for a terminal; write it to a file with `-o FILE.{}` or redirect standard output",
            format.extension().to_uppercase(),
            format.extension()
        );
        return Status::Trouble;
    }
    let document = match read_diagram(file, color, "nothing drawn") {
        Ok(read) => read,
        Err(status) => return status,
    };
    let inputs = [file];
    let written = if format == PictureFormat::Svg && args.view == View::Workflow {
        // Written as it is drawn: a large picture is never held whole.
        emit_with(args.output.as_deref(), &inputs, &mut |out| document.write_svg(theme_of(args), out))
    } else {
        match picture(args, &document, format, file) {
            Ok(bytes) => emit(args.output.as_deref(), &bytes, &inputs),
            Err(Refusal::Output(message)) => Err(message),
            // read_diagram refused files with errors already: these are
            // what compiling found (a deadlock, a construct the target lacks).
            Err(Refusal::Diagnostics(diagnostics)) => {
                let source =
                    flowzap::report::SourceText::new(super::io::display_name(file), document.text().to_owned());
                let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
                eprint!("{}", flowzap::report::render_human(&source, &errors, style(color)));
                eprintln!("error: `{}` was not compiled to {}; nothing written", source.name, format.extension());
                return Status::Findings;
            }
        }
    };
    match written {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}

/// The picture `args` ask for, in `format`; or the diagram compiled, for
/// the compile formats (named after `file`, for the default engine).
fn picture(
    args: &RenderArgs,
    document: &flowzap::Document,
    format: PictureFormat,
    file: &Path,
) -> Result<Vec<u8>, Refusal> {
    let (theme, order) = (theme_of(args), args.order.library());
    let compiled = |target| {
        let options =
            flowzap::CompileOptions { name: super::compile::default_name(file), ..flowzap::CompileOptions::default() };
        document.compile(target, &options).map(|compiled| compiled.text.into_bytes()).map_err(Refusal::Diagnostics)
    };
    match (format, args.view) {
        (PictureFormat::Svg, View::Workflow) => document.svg(theme).map(|svg| svg.as_bytes().to_vec()),
        (PictureFormat::Svg, View::Sequence) => document.sequence_svg(theme, order).map(String::into_bytes),
        (PictureFormat::Png, View::Workflow) => document.png(theme, args.scale),
        (PictureFormat::Png, View::Sequence) => document.sequence_png(theme, order, args.scale),
        (PictureFormat::Pdf, View::Workflow) => document.pdf(theme),
        (PictureFormat::Pdf, View::Sequence) => document.sequence_pdf(theme, order),
        (PictureFormat::Bpmn, _) => compiled(flowzap::Target::Bpmn),
        (PictureFormat::WorkflowJson, _) => compiled(flowzap::Target::WorkflowJson),
        (PictureFormat::Asl, _) => compiled(flowzap::Target::Asl),
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
    let (mut said, mut status, mut written) = (String::new(), Status::Ok, 0);
    for format in formats {
        let path = job.output.with_extension(format.extension());
        let made = match picture(args, &document, *format, &job.input) {
            Ok(bytes) => Ok(bytes),
            // A process lint proves unsound is not compiled; the pictures
            // of it are still drawn.
            Err(Refusal::Diagnostics(diagnostics)) => {
                let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
                said.push_str(&flowzap::report::render_human(&source, &errors, style(color)));
                said.push_str(&format!("error: `{name}` was not compiled to {}\n", format.extension()));
                status = status.max(Status::Findings);
                continue;
            }
            Err(Refusal::Output(message)) => Err(message),
        };
        let result = made.and_then(|bytes| super::batch::write_output(&path, &bytes));
        match result {
            Ok(()) => written += 1,
            Err(message) => {
                said.push_str(&format!("error: {name}: {message}\n"));
                status = status.max(Status::Trouble);
            }
        }
    }
    (said, status, written)
}

/// Many files into `--out-dir`, on every core (see `batch`).
fn batch(args: &RenderArgs, color: bool) -> Status {
    let mut formats = if args.format.is_empty() { vec![PictureFormat::Svg] } else { args.format.clone() };
    formats.sort();
    formats.dedup();
    super::batch::run(&args.files, args.out_dir.as_deref(), "drew", "drawing", &|job| draw(args, job, &formats, color))
}
