//! `flowzap render`: the swimlane picture as SVG or PNG.

use super::io::{emit, read_diagram};
use super::{RenderArgs, Status, ThemeChoice};
use flowzap::{Refusal, Theme};

pub fn run(args: &RenderArgs, color: bool) -> Status {
    let (_, document) = match read_diagram(&args.file, color, "nothing drawn") {
        Ok(read) => read,
        Err(status) => return status,
    };
    let theme = match args.theme {
        ThemeChoice::Light => Theme::Light,
        ThemeChoice::Dark => Theme::Dark,
    };
    let wants_png =
        args.output.as_deref().and_then(|path| path.extension()).is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    let picture: Result<std::borrow::Cow<[u8]>, Refusal> = if wants_png {
        document.png(theme, args.scale).map(std::borrow::Cow::Owned)
    } else {
        document.svg(theme).map(|svg| std::borrow::Cow::Borrowed(svg.as_bytes()))
    };
    let written = match picture {
        Ok(bytes) => emit(args.output.as_deref(), &bytes, &[args.file.as_path()]),
        Err(Refusal::Output(message)) => Err(message),
        // read_diagram refused files with errors already.
        Err(refusal @ Refusal::Diagnostics(_)) => Err(refusal.to_string()),
    };
    match written {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
