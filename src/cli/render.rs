//! `flowzap render`: the swimlane picture as SVG.

use super::io::{emit, read_input, style, Input};
use super::report::render_human;
use super::{RenderArgs, Status, ThemeChoice};
use crate::render::svg::Theme;

pub fn run(args: &RenderArgs, color: bool) -> Status {
    let source = match read_input(&args.file) {
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
        Ok(Input::NotUtf8(source, diagnostic)) => {
            eprint!("{}", render_human(&source, &[diagnostic], style(color)));
            return Status::Findings;
        }
        Ok(Input::Text(source)) => source,
    };
    let loaded = crate::load(&source.text);
    if !loaded.diagnostics.is_empty() {
        eprint!("{}", render_human(&source, &loaded.diagnostics, style(color)));
    }
    if loaded.has_errors() {
        eprintln!("error: `{}` has errors; nothing drawn", source.name);
        return Status::Findings;
    }
    let theme = match args.theme {
        ThemeChoice::Light => Theme::Light,
        ThemeChoice::Dark => Theme::Dark,
    };
    let layout = crate::layout::layout(&loaded.diagram);
    let svg = crate::render::svg::render(&loaded.diagram, &layout, theme);
    let wants_png =
        args.output.as_deref().and_then(|path| path.extension()).is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    let written = if wants_png {
        match crate::render::png::from_svg(&svg, args.scale) {
            Ok(png) => args.output.as_deref().map_or(Ok(()), |path| {
                super::io::write_atomically(path, &png)
                    .map_err(|error| format!("cannot write `{}`: {error}", path.display()))
            }),
            Err(message) => Err(message),
        }
    } else {
        emit(args.output.as_deref(), &svg)
    };
    match written {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
