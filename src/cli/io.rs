//! Reading inputs, writing outputs, and deciding how the terminal is used.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use super::report::{SourceText, Style};
use super::ColorChoice;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::Span;

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

pub fn style(color: bool) -> Style {
    let width = std::env::var("COLUMNS").ok().and_then(|columns| columns.parse().ok()).unwrap_or(100);
    Style { color, unicode: true, width }
}

/// What reading an input gave: its text, or a diagnostic for text that is
/// not UTF-8 (shown against a lossy copy of it).
pub enum Input {
    Text(SourceText),
    NotUtf8(SourceText, Diagnostic),
}

pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file, or standard input for `-`. The error is a sentence for the user.
pub fn read_input(path: &Path) -> Result<Input, String> {
    let name = display_name(path);
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|read| bytes = read)
    };
    result.map_err(|error| format!("cannot read `{name}`: {}", describe_io_error(&error)))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Input::Text(SourceText::new(name, text))),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy copy is identical up to the first bad byte, so the span holds.
            let diagnostic = Diagnostic::new(
                Code::E020,
                format!("the file is not valid UTF-8 (first bad byte at offset {at})"),
                Span::new(at, at + 1),
                "not UTF-8",
            )
            .with_help("save the file as UTF-8");
            Ok(Input::NotUtf8(SourceText::new(name, text), diagnostic))
        }
    }
}

fn describe_io_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => error.to_string(),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a reader never sees a half-written file and a failure leaves
/// any previous file untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    // Temporary files are private; the output gets the mode it had, or the
    // usual one for a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0o644);
        temporary.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Writes to standard output, or atomically to a file; the error is a sentence.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), String> {
    match output.filter(|path| path.as_os_str() != "-") {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|error| format!("cannot write to standard output: {error}"))
        }
        Some(path) => write_atomically(path, text.as_bytes())
            .map_err(|error| format!("cannot write `{}`: {}", path.display(), describe_io_error(&error))),
    }
}

/// Reads one input for a command that writes an output: I/O problems and
/// text that is not UTF-8 are reported here, and become the status to exit with.
pub fn read_text(path: &Path, color: bool) -> Result<SourceText, super::Status> {
    match read_input(path) {
        Err(message) => {
            eprintln!("error: {message}");
            Err(super::Status::Trouble)
        }
        Ok(Input::NotUtf8(source, diagnostic)) => {
            eprint!("{}", super::report::render_human(&source, &[diagnostic], style(color)));
            Err(super::Status::Findings)
        }
        Ok(Input::Text(source)) => Ok(source),
    }
}

/// Reads and loads a diagram, showing its findings on standard error; a
/// diagram with errors is refused (`what` says what is then not written).
pub fn read_diagram(path: &Path, color: bool, what: &str) -> Result<(SourceText, crate::Loaded), super::Status> {
    let source = read_text(path, color)?;
    let loaded = crate::load(&source.text);
    if !loaded.diagnostics.is_empty() {
        eprint!("{}", super::report::render_human(&source, &loaded.diagnostics, style(color)));
    }
    if loaded.has_errors() {
        eprintln!("error: `{}` has errors; {what}", source.name);
        return Err(super::Status::Findings);
    }
    Ok((source, loaded))
}
