//! `flowzap mcp`: a Model Context Protocol server over standard input and
//! output (rmcp, the official Rust SDK), for AI assistants. Offline and
//! without size caps beyond the command line's own limits. Every tool is a
//! call into the library; bad input is a tool error (`isError`), never a
//! crashed server.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{schemars, tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use serde::Deserialize;
use serde_json::json;

use super::Status;
use flowzap::diagnostics::Diagnostic;
use flowzap::report::SourceText;

/// The language reference the `get_syntax` tool returns.
const SYNTAX: &str = include_str!("../../docs/language.md");

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Text {
    /// The FlowZap Code.
    text: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct TwoTexts {
    /// The diagram before.
    old: String,
    /// The diagram after.
    new: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct ApplyChange {
    /// The FlowZap Code to change.
    text: String,
    /// The operations, as `diff` returns them: `[{"op": "add_node", "id": "n4", "lane": "ops", "shape": "rectangle", "attributes": {"label": "Ship"}}, …]`.
    operations: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Compile {
    /// The FlowZap Code.
    text: String,
    /// `workflow-json` (SimWorkflow), `asl` (Amazon States Language) or `bpmn` (BPMN 2.0).
    target: String,
    /// The definition's name (default `diagram`).
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Render {
    /// The FlowZap Code.
    text: String,
    /// `workflow` (swimlanes, the default) or `sequence`.
    #[serde(default)]
    view: Option<String>,
    /// `svg` (the default) or `png`.
    #[serde(default)]
    format: Option<String>,
    /// `light` (the default) or `dark`.
    #[serde(default)]
    theme: Option<String>,
}

fn diagnostics_json(text: &str, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let source = SourceText::new("diagram.fz", text.to_owned());
    let listed: Vec<_> = diagnostics.iter().map(|d| flowzap::report::to_json(&source, d)).collect();
    json!({
        "errors": diagnostics.iter().filter(|d| d.is_error()).count(),
        "warnings": diagnostics.iter().filter(|d| !d.is_error()).count(),
        "diagnostics": listed,
    })
}

fn ok_json(value: serde_json::Value) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(serde_json::to_string_pretty(&value).unwrap_or_default())])
}

fn ok_text(text: impl Into<String>) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(text)])
}

fn refused(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

fn has_errors(text: &str, diagnostics: &[Diagnostic]) -> CallToolResult {
    let errors: Vec<Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    CallToolResult::error(vec![ContentBlock::text(
        serde_json::to_string_pretty(&diagnostics_json(text, &errors)).unwrap_or_default(),
    )])
}

#[derive(Debug, Clone)]
struct FlowZap {
    #[allow(dead_code)] // read by the tool_handler macro
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl FlowZap {
    #[tool(
        description = "Check FlowZap Code: every error and warning with its code, line, column and fix, plus counts of lanes, nodes and edges."
    )]
    fn validate(&self, Parameters(Text { text }): Parameters<Text>) -> CallToolResult {
        let document = super::io::document(&text);
        let diagram = document.diagram();
        let mut value = diagnostics_json(&text, document.diagnostics());
        value["stats"] =
            json!({"lanes": diagram.lanes().len(), "nodes": diagram.nodes().len(), "edges": diagram.edges().len()});
        ok_json(value)
    }

    #[tool(
        description = "Check and analyse FlowZap Code: everything validate reports, plus the fork/join analysis (deadlocks and lost synchronisation with a witness run, unreachable nodes, dead ends) and the lint rules."
    )]
    fn lint(&self, Parameters(Text { text }): Parameters<Text>) -> CallToolResult {
        let document = super::io::document(&text);
        ok_json(diagnostics_json(&text, &document.lint_diagnostics()))
    }

    #[tool(
        description = "The FlowZap Code language reference: lanes, the four node shapes, edges with handles, loops, tolerated forms."
    )]
    fn get_syntax(&self) -> CallToolResult {
        ok_text(SYNTAX)
    }

    #[tool(
        description = "The diagram as graph JSON: lanes, nodes (with kind start/end/task/decision), edges with handles and labels, loops and stats."
    )]
    fn export_graph(&self, Parameters(Text { text }): Parameters<Text>) -> CallToolResult {
        let document = super::io::document(&text);
        match document.graph_json() {
            Ok(graph) => ok_text(graph),
            Err(_) => has_errors(&text, document.diagnostics()),
        }
    }

    #[tool(
        description = "Repair FlowZap Code: every fix-it, legacy forms, emoji, renumbering to n1..nN, the canonical form. Returns the repaired text and each repair."
    )]
    fn fix(&self, Parameters(Text { text }): Parameters<Text>) -> CallToolResult {
        match flowzap::edit::fix::fix(&text) {
            Ok(fixed) => {
                let said: Vec<_> =
                    fixed.corrections.iter().map(|c| json!({"line": c.line, "repair": c.text})).collect();
                ok_json(json!({"text": fixed.text, "repairs": said}))
            }
            Err((_, errors, partly)) => has_errors(&partly, &errors),
        }
    }

    #[tool(description = "Format FlowZap Code in the canonical form, keeping // comments.")]
    fn format(&self, Parameters(Text { text }): Parameters<Text>) -> CallToolResult {
        match flowzap::edit::format(&text) {
            Ok(formatted) => ok_text(formatted),
            Err(diagnostics) => has_errors(&text, &diagnostics),
        }
    }

    #[tool(
        description = "A semantic diff of two diagrams: lanes, nodes, attributes, edges (labels, handles) and loops, as lines for people and as operations apply_change takes."
    )]
    fn diff(&self, Parameters(TwoTexts { old, new }): Parameters<TwoTexts>) -> CallToolResult {
        let (before, after) = match (flowzap::edit::Plain::from_text(&old), flowzap::edit::Plain::from_text(&new)) {
            (Ok(before), Ok(after)) => (before, after),
            (Err(diagnostics), _) => return has_errors(&old, &diagnostics),
            (_, Err(diagnostics)) => return has_errors(&new, &diagnostics),
        };
        let operations = flowzap::edit::diff::diff(&before.without_comments(), &after.without_comments());
        ok_json(json!({"changes": flowzap::edit::diff::describe(&operations), "operations": operations}))
    }

    #[tool(
        description = "Apply a list of operations (add/remove/update of lanes, nodes, edges and loops, rename_nodes) to a diagram, all or nothing; returns the new FlowZap Code."
    )]
    fn apply_change(&self, Parameters(ApplyChange { text, operations }): Parameters<ApplyChange>) -> CallToolResult {
        let base = match flowzap::edit::Plain::from_text(&text) {
            Ok(base) => base,
            Err(diagnostics) => return has_errors(&text, &diagnostics),
        };
        let mut parsed = Vec::with_capacity(operations.len());
        for (index, operation) in operations.into_iter().enumerate() {
            match serde_json::from_value(operation) {
                Ok(operation) => parsed.push(operation),
                Err(error) => return refused(format!("operation {} is not one flowzap knows: {error}", index + 1)),
            }
        }
        match flowzap::edit::apply::apply(&base, &parsed) {
            Ok(changed) => ok_text(changed),
            Err(flowzap::edit::apply::Refused::Operation(index, why)) => {
                refused(format!("operation {} does not apply: {why}; nothing applied", index + 1))
            }
            Err(flowzap::edit::apply::Refused::Result(patched, diagnostics)) => has_errors(&patched, &diagnostics),
        }
    }

    #[tool(
        description = "Compile a sound diagram to an executable workflow: workflow-json (SimWorkflow), asl (Amazon States Language) or bpmn (BPMN 2.0 with lanes and layout)."
    )]
    fn compile(&self, Parameters(Compile { text, target, name }): Parameters<Compile>) -> CallToolResult {
        let target = match target.as_str() {
            "workflow-json" | "json" => flowzap::Target::WorkflowJson,
            "asl" => flowzap::Target::Asl,
            "bpmn" => flowzap::Target::Bpmn,
            other => return refused(format!("no target `{other}`: workflow-json, asl or bpmn")),
        };
        let options = flowzap::CompileOptions {
            name: name.unwrap_or_else(|| "diagram".to_owned()),
            ..flowzap::CompileOptions::default()
        };
        let document = super::io::document(&text);
        match document.compile(target, &options) {
            Ok(compiled) => ok_text(compiled.text),
            Err(diagnostics) => has_errors(&text, &diagnostics),
        }
    }

    #[tool(
        description = "Draw a diagram: the swimlane workflow view or the sequence view, as SVG text or a PNG image."
    )]
    fn render(&self, Parameters(Render { text, view, format, theme }): Parameters<Render>) -> CallToolResult {
        let theme = match theme.as_deref() {
            None | Some("light") => flowzap::Theme::Light,
            Some("dark") => flowzap::Theme::Dark,
            Some("auto") => flowzap::Theme::Auto,
            Some(other) => return refused(format!("no theme `{other}`: light or dark")),
        };
        let sequence = match view.as_deref() {
            None | Some("workflow") => false,
            Some("sequence") => true,
            Some(other) => return refused(format!("no view `{other}`: workflow or sequence")),
        };
        let document = super::io::document(&text);
        let order = flowzap::SequenceOrder::File;
        let picture = match (format.as_deref(), sequence) {
            (None | Some("svg"), false) => document.svg(theme).map(ok_text),
            (None | Some("svg"), true) => document.sequence_svg(theme, order).map(ok_text),
            (Some("png"), false) => document.png(theme, 2.0).map(png),
            (Some("png"), true) => document.sequence_png(theme, order, 2.0).map(png),
            (Some(other), _) => return refused(format!("no format `{other}`: svg or png")),
        };
        match picture {
            Ok(result) => result,
            Err(flowzap::Refusal::Output(message)) => refused(message),
            Err(flowzap::Refusal::Diagnostics(diagnostics)) => has_errors(&text, &diagnostics),
        }
    }
}

fn png(bytes: Vec<u8>) -> CallToolResult {
    use base64::Engine as _;
    CallToolResult::success(vec![ContentBlock::image(
        base64::engine::general_purpose::STANDARD.encode(bytes),
        "image/png",
    )])
}

#[tool_handler]
impl ServerHandler for FlowZap {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("flowzap", env!("CARGO_PKG_VERSION")))
            .with_instructions(
            "flowzap: check, lint, fix, format, diff, change, compile and draw FlowZap Code (.fz swimlane diagrams), offline. \
             Call get_syntax for the language.",
        )
    }
}

pub fn run() -> Status {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the MCP server: {error}");
            return Status::Trouble;
        }
    };
    runtime.block_on(async {
        let server = FlowZap { tool_router: FlowZap::tool_router() };
        match server.serve(rmcp::transport::stdio()).await {
            Ok(running) => match running.waiting().await {
                Ok(_) => Status::Ok,
                Err(error) => {
                    eprintln!("error: the MCP server stopped: {error}");
                    Status::Trouble
                }
            },
            Err(error) => {
                eprintln!("error: the MCP client did not initialize: {error}");
                Status::Trouble
            }
        }
    })
}
