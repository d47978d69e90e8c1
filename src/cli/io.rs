//! Reading inputs, writing outputs, and deciding how the terminal is used.

use std::io::{Read, Write};
use std::path::Path;

use super::ColorChoice;
use flowzap::diagnostics::{Code, Diagnostic};
use flowzap::limits::Limits;
use flowzap::report::{SourceText, Style};
use flowzap::syntax::Span;

/// Whether reports written to a stream are coloured; `terminal` says
/// whether that stream is one.
pub fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()) && terminal,
    }
}

/// `count` and `word`, plural unless the count is one: `1 error`, `2 errors`.
pub fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
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
        shown(path)
    }
}

/// A path as it may be printed: control characters (a terminal's escape
/// sequences among them) and bidirectional overrides become `?`, so a file
/// name cannot rewrite the terminal or disguise itself.
pub fn shown(path: &Path) -> String {
    let is_hostile = |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    path.display().to_string().chars().map(|c| if is_hostile(c) { '?' } else { c }).collect()
}

/// The bounds of this run, set once from the command line.
static LIMITS: std::sync::OnceLock<Limits> = std::sync::OnceLock::new();

pub fn set_limits(limits: Limits) {
    let _ = LIMITS.set(limits);
}

pub fn limits() -> &'static Limits {
    LIMITS.get().unwrap_or(&Limits::DEFAULT)
}

/// All of `reader`, or `None` when it holds more than the input size limit.
/// At most one byte past the limit is read, so an endless input costs no
/// more than the limit.
pub fn read_within_limit(reader: impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let limit = limits().input_bytes;
    let mut bytes = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The E031 sentence for an input named `name`.
pub fn too_large(name: &str) -> String {
    format!(
        "flowzap::E031: `{name}` is larger than the {} bytes flowzap reads; raise the limit with \
         `--max-input-size SIZE`",
        limits().input_bytes
    )
}

/// Loads text within this run's limits.
/// A document of `text` within the limits the command line set.
pub fn document(text: &str) -> flowzap::Document {
    flowzap::Document::with_limits(text, *limits())
}

/// Reads a file, or standard input for `-`, within the input size limit.
/// The error is a sentence for the user.
pub fn read_input(path: &Path) -> Result<Input, String> {
    let name = display_name(path);
    let cannot = |error: std::io::Error| format!("cannot read `{name}`: {}", describe_io_error(&error));
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(cannot)?)
    };
    let Some(bytes) = read_within_limit(reader).map_err(cannot)? else {
        return Err(too_large(&name));
    };
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

/// Why `path` could not be written, as a sentence that names the real
/// problem (a missing folder, a folder where a file was meant, a folder
/// that is not writable) and never the temporary file written first.
pub fn write_error(path: &Path, error: &std::io::Error) -> String {
    let name = shown(path);
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let reason = match error.kind() {
        std::io::ErrorKind::NotFound if !folder.is_dir() => {
            format!("the folder `{}` does not exist", shown(folder))
        }
        std::io::ErrorKind::IsADirectory => "it is a folder; name a file in it".to_owned(),
        _ if path.is_dir() => "it is a folder; name a file in it".to_owned(),
        std::io::ErrorKind::PermissionDenied if !path.exists() || folder_is_read_only(folder) => {
            format!("the folder `{}` is not writable", shown(folder))
        }
        std::io::ErrorKind::PermissionDenied => "it is not writable".to_owned(),
        // The OS's own words, without the path tempfile adds to them.
        _ => match error.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
            None => error.kind().to_string(),
        },
    };
    format!("cannot write `{name}`: {reason}")
}

/// Whether files cannot be made in `folder` (read-only permissions; the
/// kernel said no, so this only chooses the words).
fn folder_is_read_only(folder: &Path) -> bool {
    std::fs::metadata(folder).is_ok_and(|meta| meta.permissions().readonly()) || tempfile::tempfile_in(folder).is_err()
}

pub fn describe_io_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => error.to_string(),
    }
}

/// Temporary files being written, removed if the process is told to stop
/// before they are renamed into place.
static PENDING: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// On Ctrl-C, SIGTERM or SIGHUP, remove the temporary files being written,
/// then exit with 130. For commands that write files; `watch` has its own.
pub fn remove_temporaries_on_signal() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(pending) = PENDING.lock() {
            for path in pending.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
        std::process::exit(130);
    });
}

/// The identity of an existing file (device and inode), following links.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<std::path::PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// An error when `output` is one of the `inputs` (by identity, so `./f.fz`,
/// `sub/../f.fz`, an absolute path and a symbolic link to it all count;
/// `-` is standard input, which may be the same file redirected).
pub fn refuse_overwriting_inputs(output: &Path, inputs: &[&Path]) -> Result<(), String> {
    if output.as_os_str() == "-" {
        return Ok(());
    }
    let Some(out) = identity(output) else { return Ok(()) };
    for input in inputs {
        let source = if input.as_os_str() == "-" { Path::new("/dev/stdin") } else { input };
        // Standard input counts only when it is a file: a terminal or a
        // pipe is never the output.
        let regular = std::fs::metadata(source).is_ok_and(|m| m.is_file());
        if regular && identity(source).as_ref() == Some(&out) {
            return Err(format!(
                "`{}` is the input itself; refusing to overwrite it (write the output somewhere else)",
                shown(output)
            ));
        }
    }
    Ok(())
}

/// Writes `bytes` to `path`. A regular file (or a new one) is replaced
/// atomically: a temporary file in the same folder, then a rename, so a
/// reader never sees half a file and a failure leaves the old one as it
/// was. A device, a FIFO or a socket is written through as it is (never
/// replaced by a file), and a symbolic link is followed to what it names.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, &mut |out| out.write_all(bytes))
}

/// Bytes gathered before each write of a streamed output: large enough
/// that a picture of many megabytes takes few system calls.
const OUTPUT_BUFFER: usize = 1 << 18;

/// What writes an output's bytes to where they go.
pub type Writing<'a> = dyn FnMut(&mut dyn Write) -> std::io::Result<()> + 'a;

/// [`write_atomically`] with the bytes written by `write` as they are made,
/// through a buffer, so a large output need not be held in memory first.
pub fn write_atomically_with(path: &Path, write: &mut Writing<'_>) -> std::io::Result<()> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Ok(meta) if meta.is_dir() => {
                return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory"));
            }
            Ok(meta) if !meta.is_file() => {
                let mut file = std::io::BufWriter::with_capacity(
                    OUTPUT_BUFFER,
                    std::fs::OpenOptions::new().write(true).open(&path)?,
                );
                write(&mut file)?;
                return file.flush();
            }
            _ => return replace_file(&path, write),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

fn replace_file(path: &Path, write: &mut Writing<'_>) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    let temporary_path = temporary.path().to_path_buf();
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(temporary_path.clone());
    }
    let written = (|| {
        let mut buffered = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, temporary.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        temporary.as_file().sync_all()?;
        // Temporary files are private; the output gets the mode it had, or
        // the usual one for a new file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0o644);
            temporary.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        temporary.persist(path).map(|_| ()).map_err(|error| error.error)
    })();
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| *p != temporary_path);
    }
    written
}

/// Writes to standard output, or to a file (see [`write_atomically`]),
/// never over one of `inputs`; the error is a sentence.
pub fn emit(output: Option<&Path>, bytes: &[u8], inputs: &[&Path]) -> Result<(), String> {
    emit_with(output, inputs, &mut |out| out.write_all(bytes))
}

/// [`emit`] with the bytes written by `write` as they are made.
pub fn emit_with(output: Option<&Path>, inputs: &[&Path], write: &mut Writing<'_>) -> Result<(), String> {
    match output.filter(|path| path.as_os_str() != "-") {
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
            write(&mut stdout)
                .and_then(|_| stdout.flush())
                .map_err(|error| format!("cannot write to standard output: {error}"))
        }
        Some(path) => {
            refuse_overwriting_inputs(path, inputs)?;
            write_atomically_with(path, write).map_err(|error| write_error(path, &error))
        }
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
            eprint!("{}", flowzap::report::render_human(&source, &[diagnostic], style(color)));
            Err(super::Status::Findings)
        }
        Ok(Input::Text(source)) => Ok(source),
    }
}

/// Reads and loads a diagram, showing its findings on standard error; a
/// diagram with errors is refused (`what` says what is then not written).
/// The file's text for reports is dropped on return: a large diagram is
/// then held once, in the document.
pub fn read_diagram(path: &Path, color: bool, what: &str) -> Result<flowzap::Document, super::Status> {
    let source = read_text(path, color)?;
    let loaded = document(&source.text);
    if !loaded.diagnostics().is_empty() {
        eprint!("{}", flowzap::report::render_human(&source, loaded.diagnostics(), style(color)));
    }
    if loaded.has_errors() {
        eprintln!("error: `{}` has errors; {what}", source.name);
        return Err(super::Status::Findings);
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words for a refused write, whoever runs the tests (as root,
    /// permissions cannot be made to fail, so the errors are made here).
    #[test]
    fn write_errors_name_the_problem_not_the_temporary_file() {
        let temporary = tempfile::tempdir().expect("temp");
        let dir = temporary.path().join("site");
        std::fs::create_dir(&dir).expect("folder");
        let new_file = dir.join("new.svg");
        let denied = std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("Permission denied at path {}/.tmpAbC123", dir.display()),
        );
        let said = write_error(&new_file, &denied);
        assert!(said.ends_with(&format!("the folder `{}` is not writable", shown(&dir))), "{said}");
        let full = std::io::Error::from_raw_os_error(28);
        let said = write_error(&new_file, &full);
        assert!(said.ends_with("No space left on device (os error 28)"), "{said}");
        let missing = write_error(&dir.join("gone/x.svg"), &std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(missing.contains("gone` does not exist"), "{missing}");
    }
}
