//! `flowzap compile`: a diagram in, a workflow definition out, or a refusal
//! that says why. Nothing is written when there is any error.

use super::io::{emit, read_text, style};
use super::report::render_human;
use super::{CompileArgs, Status, Target};
use crate::analysis::Options;
use crate::diagnostics::{Code, Diagnostic};

pub fn run(args: &CompileArgs, color: bool) -> Status {
    let source = match read_text(&args.file, color) {
        Ok(source) => source,
        Err(status) => return status,
    };
    let name = args.name.clone().unwrap_or_else(|| default_name(&args.file));
    match compile_source(&source.text, args.target, &name, args.allow_unsound, &args.asl_resource, args.engine) {
        Ok(Compiled { text, diagnostics }) => {
            if !diagnostics.is_empty() {
                eprint!("{}", render_human(&source, &diagnostics, style(color)));
            }
            write(args, &text)
        }
        Err(diagnostics) => {
            eprint!("{}", render_human(&source, &diagnostics, style(color)));
            eprintln!("error: `{}` was not compiled; nothing written", source.name);
            Status::Findings
        }
    }
}

/// A compiled definition and the warnings met on the way.
pub struct Compiled {
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles FlowZap text to `target`, or refuses with every reason (the
/// file's errors, lint errors, what the target cannot express).
pub fn compile_source(
    text: &str,
    target: Target,
    name: &str,
    allow_unsound: bool,
    asl_resource: &str,
    engine: crate::emit::bpmn::Engine,
) -> Result<Compiled, Vec<Diagnostic>> {
    let loaded = super::io::load(text);
    if loaded.has_errors() {
        return Err(loaded.diagnostics);
    }
    let crate::Loaded { diagram, mut diagnostics, .. } = loaded;
    let (analysis, findings) = crate::analysis::lint(&diagram, &Options::default());
    diagnostics.extend(findings.into_iter().filter(|d| d.code.enabled_by_default()));
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.code));
    let unsound_accepted = |d: &Diagnostic| {
        allow_unsound && target == Target::Bpmn && matches!(d.code, Code::E021 | Code::E022 | Code::E023)
    };
    if diagnostics.iter().any(|d| d.is_error() && !unsound_accepted(d)) {
        return Err(diagnostics);
    }
    let refused = |mut diagnostics: Vec<Diagnostic>, refusals: Vec<Diagnostic>| {
        diagnostics.extend(refusals);
        diagnostics.sort_by_key(|d| (d.primary.span.start, d.code));
        diagnostics
    };
    let text = match target {
        Target::Bpmn => {
            let process = match crate::emit::bpmn::compile(&diagram, &analysis, name) {
                Ok(process) => process,
                Err(refusals) => return Err(refused(diagnostics, refusals)),
            };
            let layout = crate::layout::layout(&diagram);
            let di = crate::emit::bpmn::di::place(&process, &layout);
            crate::emit::bpmn::to_string(&process, &di, engine)
        }
        Target::WorkflowJson | Target::Asl => {
            let lowered = match crate::emit::program::lower(&diagram, &analysis, name) {
                Ok(lowered) => lowered,
                Err(refusals) => return Err(refused(diagnostics, refusals)),
            };
            diagnostics.extend(lowered.notes);
            diagnostics.sort_by_key(|d| (d.primary.span.start, d.code));
            if target == Target::Asl {
                crate::emit::asl::to_string(&lowered.program, &diagram, asl_resource)
            } else {
                crate::emit::simworkflow::to_string(&lowered.program)
            }
        }
    };
    Ok(Compiled { text, diagnostics })
}

fn write(args: &CompileArgs, text: &str) -> Status {
    match emit(args.output.as_deref(), text.as_bytes(), &[args.file.as_path()]) {
        Ok(()) => Status::Ok,
        Err(message) => {
            eprintln!("error: {message}");
            Status::Trouble
        }
    }
}

pub fn default_name(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        return "workflow".to_owned();
    }
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "workflow".to_owned())
}
