//! The `flowzap` command line: argument parsing and the glue between the
//! library and files, terminals and exit codes. No logic a library user would
//! also want lives here.

mod batch;
mod check;
mod compile;
mod edit;
mod graph;
mod io;
mod lint;
mod lsp;
mod mcp;
mod mdbook;
mod render;
mod serve;
mod validate;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use flowzap::Target;

/// Exit status: 0 clean, 1 findings that fail the run, 2 usage or I/O problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Findings = 1,
    Trouble = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}

#[derive(Debug, Parser)]
#[command(name = "flowzap", version, about = "Check, analyse, compile and render FlowZap Code (.fz) swimlane diagrams")]
pub struct Cli {
    /// When to colour reports. `auto` colours each stream (standard output, standard error) that is a
    /// terminal, unless NO_COLOR is set
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(flatten)]
    pub limits: LimitArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Bounds that turn exhaustion into a clear error.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Largest input file read, in bytes; `K`, `M` and `G` suffixes allowed (E031)
    #[arg(long, value_name = "SIZE", global = true, value_parser = parse_size, default_value = "64M")]
    pub max_input_size: u64,
    /// Most nodes one file may declare (E032)
    #[arg(long, value_name = "N", global = true, default_value_t = flowzap::limits::Limits::DEFAULT.nodes)]
    pub max_nodes: usize,
    /// Longest label drawn, in characters (E033)
    #[arg(long, value_name = "N", global = true, default_value_t = flowzap::limits::Limits::DEFAULT.label_chars)]
    pub max_label_length: usize,
    /// Most pixels in one PNG (E034)
    #[arg(long, value_name = "N", global = true, default_value_t = flowzap::limits::Limits::DEFAULT.png_pixels)]
    pub max_pixels: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> flowzap::limits::Limits {
        flowzap::limits::Limits {
            input_bytes: self.max_input_size,
            nodes: self.max_nodes,
            label_chars: self.max_label_length,
            png_pixels: self.max_pixels,
        }
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim().trim_end_matches(['b', 'B']);
    let (digits, unit) = match trimmed.char_indices().last() {
        Some((at, suffix)) if suffix.is_ascii_alphabetic() => (&trimmed[..at], suffix.to_ascii_uppercase()),
        _ => (trimmed, ' '),
    };
    let shift = match unit {
        ' ' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err("a size is a number of bytes, optionally with K, M or G".to_owned()),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|number| number.checked_mul(1 << shift))
        .ok_or_else(|| "a size is a number of bytes, optionally with K, M or G".to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read files and report every problem in them
    Check(CheckArgs),
    /// Check files, then analyse their fork/join structure and soundness
    Lint(LintArgs),
    /// Compile to an executable definition: SimWorkflow JSON, Amazon States Language or BPMN 2.0
    Compile(CompileArgs),
    /// Check SimWorkflow definitions: the schema, and what a schema cannot say
    ValidateJson(ValidateArgs),
    /// Draw the swimlane diagram, or the sequence view, as SVG, PNG or PDF
    Render(RenderArgs),
    /// Print the diagram as JSON: lanes, nodes, edges, loops and stats
    Graph(GraphArgs),
    /// Rebuild outputs whenever a file is saved; `--serve` shows a live preview
    Watch(WatchArgs),
    /// Rewrite files in the canonical form, keeping `//` comments
    Fmt(FmtArgs),
    /// Repair what check can repair: every fix-it, legacy forms, ids, the canonical form
    Fix(FixArgs),
    /// What changed between two diagrams: lanes, nodes, attributes, edges, loops
    Diff(DiffArgs),
    /// Apply a patch of operations (as `diff --format json` prints) to a diagram
    Apply(ApplyArgs),
    /// Serve the language server protocol over standard input and output, for editors
    Lsp,
    /// Serve the Model Context Protocol over standard input and output, for AI assistants
    Mcp,
    /// Print a shell completion script: `flowzap completions bash > /etc/bash_completion.d/flowzap`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `flowzap man > flowzap.1; man ./flowzap.1`
    Man,
    /// An mdBook preprocessor drawing ```flowzap code blocks as inline SVG; in book.toml:
    /// `[preprocessor.flowzap]` with `command = "flowzap mdbook"`
    Mdbook {
        #[command(subcommand)]
        question: Option<MdbookQuestion>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MdbookQuestion {
    /// Exit 0 when the pictures suit the renderer (`html`), 1 otherwise; mdBook asks this
    Supports {
        /// The renderer mdBook names
        renderer: String,
    },
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files to rewrite in place; `-` reads standard input and prints the result
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 1 if any would
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files to repair; `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Rewrite the files in place instead of printing the result
    #[arg(long, conflicts_with = "diff")]
    pub write: bool,
    /// Print a unified diff of the repairs instead of the result
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The diagram before
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The diagram after
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format: lines for people, or the operations as JSON (a patch for `apply`)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The diagram to change; `-` reads standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The patch: a JSON list of operations, or `{"operations": [...]}`
    #[arg(value_name = "PATCH")]
    pub patch: PathBuf,
    /// Rewrite FILE in place instead of printing the result
    #[arg(long)]
    pub write: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct SeverityArgs {
    /// Make a warning code an error; `warnings` makes every warning one
    #[arg(long, value_name = "CODE|warnings")]
    pub deny: Vec<String>,
    /// Do not report this warning code
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
    /// Report this code as a warning (undoes an earlier --deny)
    #[arg(long, value_name = "CODE")]
    pub warn: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files to check; `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub severity: SeverityArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Also print the structure tree (sequence, parallel, choice, loop, unstructured)
    #[arg(long)]
    pub structure: bool,
    /// Turn on the sequence-view rules: a cross-lane request is answered before the next one (W030)
    #[arg(long)]
    pub sequence: bool,
    /// Report nodes with more outgoing edges than this (0 or more)
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_fan_out: usize,
    /// Markings the soundness check explores per start before it stops (1 or more; 0 counts as 1)
    #[arg(long, value_name = "N", default_value_t = flowzap::analysis::soundness::DEFAULT_MAX_STATES)]
    pub max_states: usize,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The files to compile (`-` reads standard input); a folder means every .fz and .flowzap file in it
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Compile every file into this folder, on every core: NAME.workflow.json, NAME.asl.json or NAME.bpmn
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "name"])]
    pub out_dir: Option<PathBuf>,
    /// What to compile to
    #[arg(long, value_enum, default_value_t = Target::WorkflowJson)]
    pub target: Target,
    /// Write the definition here instead of standard output
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The definition's name (default: the file name without its extension)
    #[arg(long)]
    pub name: Option<String>,
    /// BPMN only: compile even when lint proves the process can deadlock,
    /// run a node twice or never finish (the findings are still printed)
    #[arg(long)]
    pub allow_unsound: bool,
    /// ASL only: the `Resource` of every Task state; `{id}` becomes the
    /// node id and `{lane}` its lane id
    #[arg(long, value_name = "TEMPLATE", default_value = flowzap::emit::asl::DEFAULT_RESOURCE)]
    pub asl_resource: String,
    /// BPMN only: the engine the file is for (its condition language and
    /// extensions; the mapping tables are in the semantics guide)
    #[arg(long, value_enum, default_value_t = flowzap::emit::bpmn::Engine::default())]
    pub engine: flowzap::emit::bpmn::Engine,
    /// How findings and refusals are reported on standard error: as `check` prints them, or as one
    /// JSON report (`check --format json`'s shape)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Definitions to check; `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeChoice {
    Light,
    Dark,
    /// Light, or dark where the viewer prefers it (CSS `prefers-color-scheme`; PNG is light)
    Auto,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The files to draw (`-` reads standard input); a folder means every .fz and .flowzap file in it
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write the picture here: `.svg`, `.png` or `.pdf`; standard output (SVG) when absent or `-`
    #[arg(short, long, value_name = "OUT", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Draw every file into this folder, on every core: NAME.svg, NAME.png, NAME.pdf, and compiled
    /// NAME.bpmn, NAME.workflow.json, NAME.asl.json (see --format)
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// What to write: the format of -o or standard output, whatever its extension; with --out-dir,
    /// one or more (repeat or separate with commas). Default: from -o's extension, else svg
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<PictureFormat>,
    /// Colours
    #[arg(long, value_enum, default_value_t = ThemeChoice::Light)]
    pub theme: ThemeChoice,
    /// Which picture: the swimlane workflow view, or the sequence view
    #[arg(long, value_enum, default_value_t = View::Workflow)]
    pub view: View,
    /// The sequence view's message order: as the edges are written, or as the flow runs
    #[arg(long, value_enum, default_value_t = MessageOrder::File)]
    pub order: MessageOrder,
    /// Pixels per SVG unit in a PNG, from 0.1 to 8
    #[arg(long, default_value_t = 2.0, value_parser = parse_scale)]
    pub scale: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum PictureFormat {
    /// SVG
    Svg,
    /// PNG, at --scale
    Png,
    /// PDF, one page, labels kept as text
    Pdf,
    /// BPMN 2.0, as `compile --target bpmn` writes it (default engine)
    Bpmn,
    /// SimWorkflow JSON, as `compile` writes it
    WorkflowJson,
    /// Amazon States Language, as `compile --target asl` writes it
    Asl,
}

impl PictureFormat {
    pub fn extension(self) -> &'static str {
        match self {
            PictureFormat::Svg => "svg",
            PictureFormat::Png => "png",
            PictureFormat::Pdf => "pdf",
            PictureFormat::Bpmn => "bpmn",
            PictureFormat::WorkflowJson => "workflow.json",
            PictureFormat::Asl => "asl.json",
        }
    }

    /// The format an output file's extension names, if render writes it
    /// (the two JSON formats share `.json`, so `--format` names them).
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        [PictureFormat::Svg, PictureFormat::Png, PictureFormat::Pdf, PictureFormat::Bpmn]
            .into_iter()
            .find(|format| format.extension() == extension)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageOrder {
    /// Edges in file order, as FlowZap's own sequence view reads them
    File,
    /// By where each edge's source runs in the process, then file order
    Flow,
}

impl MessageOrder {
    pub fn library(self) -> flowzap::SequenceOrder {
        match self {
            MessageOrder::File => flowzap::SequenceOrder::File,
            MessageOrder::Flow => flowzap::SequenceOrder::Flow,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum View {
    /// Lanes as bands, flow left to right
    Workflow,
    /// Lanes as participants, edges as messages top to bottom, with par/alt/loop frames
    Sequence,
}

fn parse_scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(scale) if (0.1..=8.0).contains(&scale) => Ok(scale),
        _ => Err("the scale is a number from 0.1 to 8".to_owned()),
    }
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The file to read; `-` reads standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Write the JSON here instead of standard output
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum WatchTarget {
    /// The swimlane picture (`NAME.svg`)
    Svg,
    /// The swimlane picture as PNG (`NAME.png`)
    Png,
    /// SimWorkflow JSON (`NAME.workflow.json`)
    WorkflowJson,
    /// Amazon States Language (`NAME.asl.json`)
    Asl,
    /// BPMN 2.0 XML (`NAME.bpmn`)
    Bpmn,
}

impl WatchTarget {
    pub fn extension(self) -> &'static str {
        match self {
            WatchTarget::Svg => "svg",
            WatchTarget::Png => "png",
            WatchTarget::WorkflowJson => "workflow.json",
            WatchTarget::Asl => "asl.json",
            WatchTarget::Bpmn => "bpmn",
        }
    }

    /// The `compile` target this output is, if it is compiled rather than drawn.
    pub fn compile_target(self) -> Option<Target> {
        match self {
            WatchTarget::Svg | WatchTarget::Png => None,
            WatchTarget::WorkflowJson => Some(Target::WorkflowJson),
            WatchTarget::Asl => Some(Target::Asl),
            WatchTarget::Bpmn => Some(Target::Bpmn),
        }
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Files to watch
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output file (one file, one target) or folder; default: beside each input
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// What to build on every save; repeat or separate with commas (default: svg)
    #[arg(long, value_enum, value_delimiter = ',')]
    pub target: Vec<WatchTarget>,
    /// Serve a live preview page at ADDR (default 127.0.0.1, port 7464 or any free one)
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1")]
    pub serve: Option<String>,
    /// Open the preview in a browser (with --serve)
    #[arg(long, requires = "serve")]
    pub open: bool,
    /// The engine the BPMN target is written for
    #[arg(long, value_enum, default_value_t = flowzap::emit::bpmn::Engine::default())]
    pub engine: flowzap::emit::bpmn::Engine,
    /// Which picture the svg and png targets (and the preview) show
    #[arg(long, value_enum, default_value_t = View::Workflow)]
    pub view: View,
    /// The sequence view's message order
    #[arg(long, value_enum, default_value_t = MessageOrder::File)]
    pub order: MessageOrder,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Lsp | Command::Mcp | Command::Watch(_)) {
        die_quietly_on_closed_pipes();
    }
    run(cli).into()
}

/// A closed pipe (`flowzap render big.fz | head`) ends a one-shot command
/// as it ends `cat`: quietly, by SIGPIPE (status 141 in a shell), not with
/// an error line. Rust ignores SIGPIPE so that writes fail instead; the
/// servers keep that, since a client that goes away must not kill them.
/// Files are written to a temporary and renamed, so an output file is
/// never left half written by it.
fn die_quietly_on_closed_pipes() {
    #[cfg(unix)]
    // SAFETY: sets the disposition of one signal to its default; nothing
    // else in the process handles SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

pub fn run(cli: Cli) -> Status {
    // Each report is coloured for the stream it goes to: `check` and `lint`
    // print theirs on standard output, every other command on standard error.
    let color = io::use_color(cli.color, std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let color_err = io::use_color(cli.color, std::io::IsTerminal::is_terminal(&std::io::stderr()));
    io::set_limits(cli.limits.limits());
    if matches!(
        cli.command,
        Command::Compile(_)
            | Command::Render(_)
            | Command::Graph(_)
            | Command::Fmt(_)
            | Command::Fix(_)
            | Command::Apply(_)
    ) {
        io::remove_temporaries_on_signal();
    }
    match cli.command {
        Command::Check(args) => check::run(&args, color, &check::Extra::None),
        Command::Lint(args) => lint::run(&args, color),
        Command::Compile(args) => compile::run(&args, color_err),
        Command::ValidateJson(args) => validate::run(&args, color),
        Command::Render(args) => render::run(&args, color_err),
        Command::Graph(args) => graph::run(&args, color_err),
        Command::Watch(args) => watch::run(&args, color_err),
        Command::Fmt(args) => edit::fmt(&args, color_err),
        Command::Fix(args) => edit::fix_files(&args, color_err),
        Command::Diff(args) => edit::diff_files(&args, color_err),
        Command::Apply(args) => edit::apply_patch(&args, color_err),
        Command::Lsp => lsp::run(),
        Command::Mcp => mcp::run(),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "flowzap", &mut std::io::stdout());
            Status::Ok
        }
        Command::Mdbook { question: Some(MdbookQuestion::Supports { renderer }) } => mdbook::supports(&renderer),
        Command::Mdbook { question: None } => mdbook::run(color_err),
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(command).render(&mut std::io::stdout()) {
                Ok(()) => Status::Ok,
                Err(_) => Status::Trouble,
            }
        }
    }
}
