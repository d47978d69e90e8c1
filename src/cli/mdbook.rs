//! `flowzap mdbook`: an mdBook preprocessor. mdBook runs it as
//! `flowzap mdbook supports RENDERER` (exit 0: yes), then with the
//! `[context, book]` JSON on standard input, and reads the book back from
//! standard output. Every ```flowzap block becomes inline SVG
//! (`flowzap::markdown`); findings are reported against the chapter's
//! Markdown file, and a diagram with errors fails the build.

use std::io::Write;

use mdbook_preprocessor::PreprocessorContext;

use super::Status;
use flowzap::Theme;

/// The renderers the pictures are for: inline SVG is HTML.
pub fn supports(renderer: &str) -> Status {
    match renderer {
        "html" => Status::Ok,
        _ => Status::Findings,
    }
}

/// The book's `[preprocessor.flowzap] theme`, `auto` when unset.
fn theme(context: &PreprocessorContext) -> Result<Theme, String> {
    let theme: Option<String> = context
        .config
        .get("preprocessor.flowzap.theme")
        .map_err(|error| format!("book.toml: [preprocessor.flowzap] theme: {error}"))?;
    match theme.as_deref() {
        None | Some("auto") => Ok(Theme::Auto),
        Some("light") => Ok(Theme::Light),
        Some("dark") => Ok(Theme::Dark),
        Some(other) => Err(format!(
            "book.toml: [preprocessor.flowzap] theme = \"{other}\" is not a theme; use \"light\", \"dark\" or \"auto\""
        )),
    }
}

pub fn run(color: bool) -> Status {
    let (context, mut book) = match mdbook_preprocessor::parse_input(std::io::stdin().lock()) {
        Ok(input) => input,
        Err(error) => {
            eprintln!(
                "error: flowzap mdbook reads what mdBook sends; run it from book.toml's [preprocessor.flowzap] \
                 ({error:#})"
            );
            return Status::Trouble;
        }
    };
    if context.mdbook_version.split('.').take(2).ne(mdbook_preprocessor::MDBOOK_VERSION.split('.').take(2)) {
        eprintln!(
            "warning: flowzap mdbook was built for mdBook {}, and is run by mdBook {}",
            mdbook_preprocessor::MDBOOK_VERSION,
            context.mdbook_version
        );
    }
    let theme = match theme(&context) {
        Ok(theme) => theme,
        Err(message) => {
            eprintln!("error: {message}");
            return Status::Trouble;
        }
    };
    let source_folder = &context.config.book.src;
    let (mut drawn, mut failed) = (0, 0);
    let mut report = String::new();
    // Numbered through the whole book: the print page holds every chapter.
    book.for_each_chapter_mut(|chapter| {
        let options =
            flowzap::markdown::Options { theme, scope_prefix: "flowzap-".to_owned(), first_number: drawn + 1 };
        let page = flowzap::markdown::draw(&chapter.content, &options);
        if !page.diagnostics.is_empty() {
            let name = match &chapter.source_path {
                Some(path) => source_folder.join(path).display().to_string(),
                None => chapter.name.clone(),
            };
            let source = flowzap::report::SourceText::new(name, chapter.content.clone());
            report.push_str(&flowzap::report::render_human(&source, &page.diagnostics, super::io::style(color)));
        }
        drawn += page.drawn;
        failed += page.failed;
        chapter.content = page.markdown;
    });
    eprint!("{report}");
    if failed > 0 {
        eprintln!(
            "error: {failed} flowzap diagram{} of the book {} errors; nothing drawn",
            if failed == 1 { "" } else { "s" },
            if failed == 1 { "has" } else { "have" }
        );
        return Status::Findings;
    }
    let mut stdout = std::io::stdout().lock();
    match serde_json::to_writer(&mut stdout, &book).map_err(std::io::Error::from).and_then(|()| stdout.flush()) {
        Ok(()) => Status::Ok,
        Err(error) => {
            eprintln!("error: cannot give the book back to mdBook: {error}");
            Status::Trouble
        }
    }
}
