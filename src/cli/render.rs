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
    match emit(args.output.as_deref(), &svg) {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
