//! `flowzap render`: the swimlane picture as SVG.

use super::io::{emit, read_diagram};
use super::{RenderArgs, Status, ThemeChoice};
use crate::render::svg::Theme;

pub fn run(args: &RenderArgs, color: bool) -> Status {
    let (_, loaded) = match read_diagram(&args.file, color, "nothing drawn") {
        Ok(read) => read,
        Err(status) => return status,
    };
    let theme = match args.theme {
        ThemeChoice::Light => Theme::Light,
        ThemeChoice::Dark => Theme::Dark,
    };
    let layout = crate::layout::layout(&loaded.diagram);
    let wants_png =
        args.output.as_deref().and_then(|path| path.extension()).is_some_and(|ext| ext.eq_ignore_ascii_case("png"));
    let max_pixels = super::io::limits().png_pixels;
    if wants_png {
        if let Err(message) =
            crate::render::png::check_size(f64::from(layout.width), f64::from(layout.height), args.scale, max_pixels)
        {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    }
    let svg = crate::render::svg::render(&loaded.diagram, &layout, theme);
    let inputs = [args.file.as_path()];
    let written = if wants_png {
        crate::render::png::from_svg(&svg, args.scale, max_pixels)
            .and_then(|png| emit(args.output.as_deref(), &png, &inputs))
    } else {
        emit(args.output.as_deref(), svg.as_bytes(), &inputs)
    };
    match written {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}
