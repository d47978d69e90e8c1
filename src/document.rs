//! The whole pipeline behind one value: a [`Document`] is made from text and
//! computes each stage (syntax and model, analysis, layout, pictures) the
//! first time something asks for it, and never again. The command line,
//! `watch` and the tests all go through it, so a save that builds four
//! outputs parses, analyses and lays out the file once.

use std::sync::OnceLock;

use crate::analysis::{self, Analysis};
use crate::diagnostics::{Code, Diagnostic};
use crate::emit::bpmn::Engine;
use crate::layout::Layout;
use crate::limits::Limits;
use crate::model::Diagram;
use crate::render::sequence::Order as SequenceOrder;
use crate::render::svg::Theme;
use crate::Loaded;

/// What [`Document::compile`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Target {
    /// SimWorkflow's parallel-workflow JSON
    WorkflowJson,
    /// Amazon States Language
    Asl,
    /// BPMN 2.0 XML with lanes and diagram layout
    Bpmn,
}

/// How [`Document::compile`] writes its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileOptions {
    /// The definition's name (the workflow, state machine or process).
    pub name: String,
    /// BPMN only: compile even when lint proves the process unsound
    /// (E021, E022, E023); the findings still come with the output.
    pub allow_unsound: bool,
    /// ASL only: the `Resource` of every Task state; `{id}` becomes the node
    /// id and `{lane}` its lane id.
    pub asl_resource: String,
    /// BPMN only: the engine the file is for.
    pub engine: Engine,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            name: "workflow".to_owned(),
            allow_unsound: false,
            asl_resource: crate::emit::asl::DEFAULT_RESOURCE.to_owned(),
            engine: Engine::default(),
        }
    }
}

/// A compiled definition and the warnings met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    /// The definition's text.
    pub text: String,
    /// Every finding that did not stop the compilation, by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why an output was not made.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The file has errors, or the target cannot express it: every reason,
    /// by position.
    Diagnostics(Vec<Diagnostic>),
    /// The output itself could not be made (a PNG over the pixel limit).
    Output(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Diagnostics(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "{errors} error{} in the diagram", if errors == 1 { "" } else { "s" })
            }
            Refusal::Output(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Refusal {}

/// The analysis and what the lint rules found, the second only when asked
/// for (drawing needs the analysis alone).
struct Linted {
    analysis: Analysis,
    /// Every lint finding, including the rules that are off by default.
    findings: OnceLock<Vec<Diagnostic>>,
}

/// One FlowZap file and everything made from it, each stage computed
/// lazily and once.
///
/// ```
/// let document = flowzap::Document::new(
///     "ops { # Operations\n  n1: circle label:\"Start\"\n  n2: rectangle label:\"Ship\"\n  n1.handle(right) -> n2.handle(left)\n}\n",
/// );
/// assert!(!document.has_errors());
/// let svg = document.svg(flowzap::Theme::Light).unwrap();
/// assert!(svg.starts_with("<svg"));
/// let json = document.compile(flowzap::Target::WorkflowJson, &flowzap::CompileOptions::default()).unwrap();
/// assert!(json.text.contains("\"Ship\""));
/// ```
pub struct Document {
    text: String,
    limits: Limits,
    options: analysis::Options,
    loaded: OnceLock<Loaded>,
    linted: OnceLock<Option<Linted>>,
    layout: OnceLock<Option<Layout>>,
    svg: [OnceLock<Option<String>>; 3],
}

impl Document {
    /// A document of `text` within the default limits.
    pub fn new(text: impl Into<String>) -> Document {
        Document::with_limits(text, Limits::DEFAULT)
    }

    /// A document of `text` within `limits` (nodes per file, label length,
    /// PNG pixels).
    pub fn with_limits(text: impl Into<String>, limits: Limits) -> Document {
        Document {
            text: text.into(),
            limits,
            options: analysis::Options::default(),
            loaded: OnceLock::new(),
            linted: OnceLock::new(),
            layout: OnceLock::new(),
            svg: [OnceLock::new(), OnceLock::new(), OnceLock::new()],
        }
    }

    /// The same document analysed with other lint options (fan-out bound,
    /// soundness search budget).
    pub fn with_lint_options(mut self, options: analysis::Options) -> Document {
        self.options = options;
        self.linted = OnceLock::new();
        self
    }

    /// The text the document was made from.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            stages::count(stages::Stage::Load);
            crate::load_within(&self.text, &self.limits)
        })
    }

    /// The resolved diagram; incomplete when the file has errors.
    pub fn diagram(&self) -> &Diagram {
        &self.loaded().diagram
    }

    /// What reading and resolving the file found (`flowzap check`), by
    /// position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.loaded().diagnostics
    }

    /// Whether the file has errors, so that nothing is analysed, drawn or
    /// compiled.
    pub fn has_errors(&self) -> bool {
        self.loaded().has_errors()
    }

    fn linted(&self) -> Option<&Linted> {
        self.linted
            .get_or_init(|| {
                if self.has_errors() {
                    return None;
                }
                stages::count(stages::Stage::Analysis);
                let analysis = analysis::analyse(self.diagram(), &self.options);
                Some(Linted { analysis, findings: OnceLock::new() })
            })
            .as_ref()
    }

    /// The process analysis: roles, joins, structure tree, soundness.
    /// `None` when the file has errors.
    pub fn analysis(&self) -> Option<&Analysis> {
        self.linted().map(|linted| &linted.analysis)
    }

    /// Every finding of the lint rules, the opt-in ones included, by
    /// position; empty when the file has errors.
    pub fn lint_findings(&self) -> &[Diagnostic] {
        self.linted().map_or(&[], |linted| {
            linted.findings.get_or_init(|| analysis::lint_rules(self.diagram(), &linted.analysis, &self.options))
        })
    }

    /// `flowzap lint`'s report: the file's diagnostics and the lint
    /// findings, by position.
    pub fn lint_diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.diagnostics().to_vec();
        all.extend_from_slice(self.lint_findings());
        sort(&mut all);
        all
    }

    /// The swimlane layout: where every node, lane, edge and label goes.
    /// `None` when the file has errors.
    pub fn layout(&self) -> Option<&Layout> {
        self.layout
            .get_or_init(|| {
                let analysis = self.analysis()?;
                stages::count(stages::Stage::Layout);
                Some(crate::layout::layout(self.diagram(), analysis))
            })
            .as_ref()
    }

    fn errors(&self) -> Refusal {
        Refusal::Diagnostics(self.diagnostics().to_vec())
    }

    /// The swimlane picture as SVG.
    pub fn svg(&self, theme: Theme) -> Result<&str, Refusal> {
        let cell = &self.svg[theme as usize];
        let svg = cell.get_or_init(|| {
            let layout = self.layout()?;
            stages::count(stages::Stage::Svg);
            Some(crate::render::svg::render(self.diagram(), layout, theme))
        });
        svg.as_deref().ok_or_else(|| self.errors())
    }

    /// Writes the swimlane picture as SVG to `out`, the same bytes as
    /// [`Document::svg`], without holding the whole text: what the command
    /// line does for a large file. A picture already made is written as it
    /// is; fails with `InvalidInput` when the file has errors.
    pub fn write_svg(&self, theme: Theme, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if let Some(Some(svg)) = self.svg[theme as usize].get() {
            return out.write_all(svg.as_bytes());
        }
        let Some(layout) = self.layout() else {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, self.errors().to_string()));
        };
        stages::count(stages::Stage::Svg);
        crate::render::svg::write(self.diagram(), layout, theme, out)
    }

    /// The swimlane picture as PNG at `scale` pixels per unit. A picture
    /// over the pixel limit is refused before it is drawn.
    pub fn png(&self, theme: Theme, scale: f32) -> Result<Vec<u8>, Refusal> {
        let layout = self.layout().ok_or_else(|| self.errors())?;
        let max_pixels = self.limits.png_pixels;
        crate::render::png::check_size(f64::from(layout.width), f64::from(layout.height), scale, max_pixels)
            .map_err(Refusal::Output)?;
        crate::render::png::from_svg(self.svg(theme)?, scale, max_pixels).map_err(Refusal::Output)
    }

    /// The sequence view as SVG: lanes as participants, edges as messages
    /// in file order, the analysis' forks, decisions and loops as `par`,
    /// `alt` and `loop` frames.
    pub fn sequence_svg(&self, theme: Theme, order: SequenceOrder) -> Result<String, Refusal> {
        let analysis = self.analysis().ok_or_else(|| self.errors())?;
        let diagram = self.diagram();
        let sequence = crate::render::sequence::build(diagram, analysis, order);
        let layout = crate::render::sequence::layout::layout(diagram, &sequence);
        Ok(crate::render::sequence::svg::render(diagram, &sequence, &layout, theme))
    }

    /// The sequence view as PNG at `scale` pixels per unit.
    pub fn sequence_png(&self, theme: Theme, order: SequenceOrder, scale: f32) -> Result<Vec<u8>, Refusal> {
        let svg = self.sequence_svg(theme, order)?;
        crate::render::png::from_svg(&svg, scale, self.limits.png_pixels).map_err(Refusal::Output)
    }

    /// The swimlane picture as a one-page PDF, its labels kept as text.
    pub fn pdf(&self, theme: Theme) -> Result<Vec<u8>, Refusal> {
        crate::render::pdf::from_svg(self.svg(theme)?).map_err(Refusal::Output)
    }

    /// The sequence view as a one-page PDF, its labels kept as text.
    pub fn sequence_pdf(&self, theme: Theme, order: SequenceOrder) -> Result<Vec<u8>, Refusal> {
        crate::render::pdf::from_svg(&self.sequence_svg(theme, order)?).map_err(Refusal::Output)
    }

    /// The diagram as graph JSON (`flowzap graph`).
    pub fn graph_json(&self) -> Result<String, Refusal> {
        if self.has_errors() {
            return Err(self.errors());
        }
        Ok(crate::emit::graph_json::to_string(self.diagram()))
    }

    /// SimWorkflow JSON; see [`Document::compile`].
    pub fn workflow_json(&self, options: &CompileOptions) -> Result<Compiled, Vec<Diagnostic>> {
        self.compile(Target::WorkflowJson, options)
    }

    /// Amazon States Language; see [`Document::compile`].
    pub fn asl(&self, options: &CompileOptions) -> Result<Compiled, Vec<Diagnostic>> {
        self.compile(Target::Asl, options)
    }

    /// BPMN 2.0 XML with lanes and diagram layout; see [`Document::compile`].
    pub fn bpmn(&self, options: &CompileOptions) -> Result<Compiled, Vec<Diagnostic>> {
        self.compile(Target::Bpmn, options)
    }

    /// Compiles the file to `target`, or refuses with every reason: the
    /// file's errors, the lint errors, what the target cannot express.
    /// Warnings of the rules on by default come with the output.
    pub fn compile(&self, target: Target, options: &CompileOptions) -> Result<Compiled, Vec<Diagnostic>> {
        let Some(Linted { analysis, .. }) = self.linted() else {
            return Err(self.diagnostics().to_vec());
        };
        let findings = self.lint_findings();
        let diagram = self.diagram();
        let mut diagnostics = self.diagnostics().to_vec();
        diagnostics.extend(findings.iter().filter(|d| d.code.enabled_by_default()).cloned());
        sort(&mut diagnostics);
        let unsound_accepted = |d: &Diagnostic| {
            options.allow_unsound && target == Target::Bpmn && matches!(d.code, Code::E021 | Code::E022 | Code::E023)
        };
        if diagnostics.iter().any(|d| d.is_error() && !unsound_accepted(d)) {
            return Err(diagnostics);
        }
        let refused = |mut diagnostics: Vec<Diagnostic>, refusals: Vec<Diagnostic>| {
            diagnostics.extend(refusals);
            sort(&mut diagnostics);
            diagnostics
        };
        let text = match target {
            Target::Bpmn => {
                let process = match crate::emit::bpmn::compile(diagram, analysis, &options.name) {
                    Ok(process) => process,
                    Err(refusals) => return Err(refused(diagnostics, refusals)),
                };
                let Some(layout) = self.layout() else {
                    return Err(refused(diagnostics, vec![Diagnostic::internal("an analysed file has no layout")]));
                };
                let di = crate::emit::bpmn::di::place(&process, layout);
                crate::emit::bpmn::to_string(&process, &di, options.engine)
            }
            Target::WorkflowJson | Target::Asl => {
                let lowered = match crate::emit::program::lower(diagram, analysis, &options.name) {
                    Ok(lowered) => lowered,
                    Err(refusals) => return Err(refused(diagnostics, refusals)),
                };
                diagnostics.extend(lowered.notes);
                sort(&mut diagnostics);
                if target == Target::Asl {
                    crate::emit::asl::to_string(&lowered.program, diagram, &options.asl_resource)
                } else {
                    crate::emit::simworkflow::to_string(&lowered.program)
                }
            }
        };
        Ok(Compiled { text, diagnostics })
    }
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.code));
}

/// How often each stage ran on this thread, for the tests that show each
/// runs once per document (`stage-counters` feature).
pub mod stages {
    /// A stage of the pipeline.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Stage {
        /// Parsing and resolving the text.
        Load,
        /// The process analysis and lint rules.
        Analysis,
        /// The swimlane layout.
        Layout,
        /// Writing the SVG.
        Svg,
    }

    /// Runs of each stage on one thread.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Counts {
        /// Parses (with the model built from them).
        pub loads: usize,
        /// Analyses.
        pub analyses: usize,
        /// Layouts.
        pub layouts: usize,
        /// SVG renderings.
        pub svgs: usize,
    }

    #[cfg(feature = "stage-counters")]
    thread_local! {
        static COUNTS: std::cell::Cell<Counts> = const { std::cell::Cell::new(Counts { loads: 0, analyses: 0, layouts: 0, svgs: 0 }) };
    }

    #[cfg(feature = "stage-counters")]
    pub(crate) fn count(stage: Stage) {
        COUNTS.with(|cell| {
            let mut counts = cell.get();
            match stage {
                Stage::Load => counts.loads += 1,
                Stage::Analysis => counts.analyses += 1,
                Stage::Layout => counts.layouts += 1,
                Stage::Svg => counts.svgs += 1,
            }
            cell.set(counts);
        });
    }

    #[cfg(not(feature = "stage-counters"))]
    pub(crate) fn count(_: Stage) {}

    /// The runs counted on this thread so far, and the count starts again.
    #[cfg(feature = "stage-counters")]
    pub fn take() -> Counts {
        COUNTS.with(|cell| cell.replace(Counts::default()))
    }
}
