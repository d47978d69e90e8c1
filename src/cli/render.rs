//! `flowzap render`: the swimlane picture or the sequence view, as SVG or PNG.

use super::io::{emit, emit_with, read_diagram};
use super::{RenderArgs, Status, ThemeChoice, View};
use flowzap::{Refusal, Theme};

pub fn run(args: &RenderArgs, color: bool) -> Status {
    let document = match read_diagram(&args.file, color, "nothing drawn") {
        Ok(read) => read,
        Err(status) => return status,
    };
    let theme = match args.theme {
        ThemeChoice::Light => Theme::Light,
        ThemeChoice::Dark => Theme::Dark,
        ThemeChoice::Auto => Theme::Auto,
    };
    let extension = args.output.as_deref().filter(|path| path.as_os_str() != "-").and_then(|path| path.extension());
    let wants_png = extension.is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    if let Some(output) = args.output.as_deref().filter(|path| path.as_os_str() != "-") {
        if let Err(message) = super::io::refuse_overwriting_inputs(output, &[args.file.as_path()]) {
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
    let inputs = [args.file.as_path()];
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
