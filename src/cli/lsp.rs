//! `flowzap lsp`: a language server over standard input and output
//! (lsp-server + lsp-types, the protocol layer of rust-analyzer). Every
//! answer comes from the library: diagnostics from `Document`, quick fixes
//! from their fix-its, formatting from `edit::format`, the rest from
//! `flowzap::ide`.

// lsp-types keys workspace edits by its `Uri`, which clippy counts as a
// mutable key; it is never mutated here.
#![allow(clippy::mutable_key_type)]

use std::collections::HashMap;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use super::Status;
use flowzap::diagnostics::{Diagnostic, Severity};
use flowzap::syntax::{LineIndex, Span};

/// How long after an edit the server waits for another before it
/// diagnoses: shorter than a keystroke, longer than a burst of them.
const EDIT_GRACE: std::time::Duration = std::time::Duration::from_millis(8);

/// Where each code is explained.
const DOCS: &str = "https://github.com/flowzap-rs/flowzap/blob/main/docs/lints.md";

/// An open file.
struct Open {
    text: String,
    lines: LineIndex,
    /// The file read and analysed, once per version: diagnostics, hover and
    /// completion share it.
    document: std::cell::OnceCell<flowzap::Document>,
}

impl Open {
    fn new(text: String) -> Open {
        let lines = LineIndex::new(&text);
        Open { text, lines, document: std::cell::OnceCell::new() }
    }

    fn document(&self) -> &flowzap::Document {
        self.document.get_or_init(|| flowzap::Document::new(self.text.clone()))
    }

    /// The LSP position (line, UTF-16 column) of byte `offset`.
    fn position(&self, offset: usize) -> lsp::Position {
        let offset = offset.min(self.text.len());
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line, self.text.len());
        let column = self.text.get(start..offset).map_or(0, |prefix| prefix.encode_utf16().count());
        lsp::Position { line: line as u32, character: column as u32 }
    }

    /// The byte offset of an LSP position (clamped to its line).
    fn offset(&self, position: lsp::Position) -> usize {
        let line = position.line as usize;
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let start = self.lines.line_start(line, self.text.len());
        let end = self.lines.line_start(line + 1, self.text.len());
        let mut units = 0u32;
        for (at, c) in self.text[start..end].char_indices() {
            if units >= position.character || c == '\n' || c == '\r' {
                return start + at;
            }
            units += c.len_utf16() as u32;
        }
        end.min(self.text.len())
    }

    fn range(&self, span: Span) -> lsp::Range {
        lsp::Range { start: self.position(span.start), end: self.position(span.end) }
    }

    /// Applies one change from `didChange` (a range, or the whole text).
    fn change(&mut self, change: lsp::TextDocumentContentChangeEvent) {
        match change.range {
            Some(range) => {
                let (start, end) = (self.offset(range.start), self.offset(range.end));
                if start <= end && self.text.is_char_boundary(start) && self.text.is_char_boundary(end) {
                    self.text.replace_range(start..end, &change.text);
                }
            }
            None => self.text = change.text,
        }
        self.lines = LineIndex::new(&self.text);
        self.document = std::cell::OnceCell::new();
    }
}

fn findings(open: &Open) -> Vec<Diagnostic> {
    let mut all = open.document().lint_diagnostics();
    // The opt-in rules stay off, as on the command line.
    all.retain(|d| d.code.enabled_by_default() || d.is_error());
    all
}

fn to_lsp(open: &Open, uri: &lsp::Uri, diagnostic: &Diagnostic) -> lsp::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        _ => lsp::DiagnosticSeverity::INFORMATION,
    };
    let code = diagnostic.code.as_str();
    let href = format!("{DOCS}#{}", code.to_lowercase()).parse().ok();
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location { uri: uri.clone(), range: open.range(label.span) },
            message: label.text.clone(),
        })
        .collect();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp::Diagnostic {
        range: open.range(diagnostic.primary.span),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(code.to_owned())),
        code_description: href.map(|href| lsp::CodeDescription { href }),
        source: Some("flowzap".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(lsp::TextDocumentSyncKind::INCREMENTAL)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".to_owned(), "(".to_owned(), ":".to_owned(), " ".to_owned()]),
            ..lsp::CompletionOptions::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..lsp::ServerCapabilities::default()
    }
}

struct Server {
    connection: Connection,
    open: HashMap<String, Open>,
    /// Files changed since their diagnostics were last published: a burst
    /// of keystrokes is diagnosed once, when no message is waiting.
    dirty: Vec<lsp::Uri>,
}

impl Server {
    fn send(&self, message: Message) {
        let _ = self.connection.sender.send(message);
    }

    fn publish(&self, uri: &lsp::Uri) {
        let Some(open) = self.open.get(uri.as_str()) else { return };
        let diagnostics = findings(open).iter().map(|d| to_lsp(open, uri, d)).collect();
        self.send_diagnostics(uri.clone(), diagnostics);
    }

    fn send_diagnostics(&self, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) {
        let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version: None };
        self.send(Message::Notification(Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.to_owned(),
            params,
        )));
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            lsp::notification::DidOpenTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(notification.params) {
                    let uri = params.text_document.uri;
                    self.open.insert(uri.as_str().to_owned(), Open::new(params.text_document.text));
                    self.publish(&uri);
                }
            }
            lsp::notification::DidChangeTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(notification.params) {
                    let uri = params.text_document.uri;
                    if let Some(open) = self.open.get_mut(uri.as_str()) {
                        for change in params.content_changes {
                            open.change(change);
                        }
                    }
                    if !self.dirty.contains(&uri) {
                        self.dirty.push(uri);
                    }
                }
            }
            lsp::notification::DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(notification.params) {
                    self.open.remove(params.text_document.uri.as_str());
                    self.dirty.retain(|uri| uri != &params.text_document.uri);
                    self.send_diagnostics(params.text_document.uri, Vec::new());
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let result = self.answer(request);
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn doc(&self, uri: &lsp::Uri) -> Result<&Open, String> {
        self.open.get(uri.as_str()).ok_or_else(|| format!("`{}` is not open", uri.as_str()))
    }

    fn answer(&mut self, request: Request) -> Result<serde_json::Value, String> {
        let params = request.params;
        let parse = |e: serde_json::Error| e.to_string();
        let value = |v: serde_json::Result<serde_json::Value>| v.map_err(|e| e.to_string());
        match request.method.as_str() {
            lsp::request::HoverRequest::METHOD => {
                let params: lsp::HoverParams = serde_json::from_value(params).map_err(parse)?;
                let open = self.doc(&params.text_document_position_params.text_document.uri)?;
                let offset = open.offset(params.text_document_position_params.position);
                let hover = flowzap::ide::hover(open.document(), offset).map(|(span, text)| lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(open.range(span)),
                });
                value(serde_json::to_value(hover))
            }
            lsp::request::GotoDefinition::METHOD => {
                let params: lsp::GotoDefinitionParams = serde_json::from_value(params).map_err(parse)?;
                let uri = params.text_document_position_params.text_document.uri;
                let open = self.doc(&uri)?;
                let offset = open.offset(params.text_document_position_params.position);
                let found = flowzap::ide::definition(&open.text, offset).map(|span| {
                    lsp::GotoDefinitionResponse::Scalar(lsp::Location { uri: uri.clone(), range: open.range(span) })
                });
                value(serde_json::to_value(found))
            }
            lsp::request::References::METHOD => {
                let params: lsp::ReferenceParams = serde_json::from_value(params).map_err(parse)?;
                let uri = params.text_document_position.text_document.uri;
                let open = self.doc(&uri)?;
                let offset = open.offset(params.text_document_position.position);
                let spans = flowzap::ide::references(&open.text, offset, params.context.include_declaration);
                let locations: Vec<lsp::Location> =
                    spans.into_iter().map(|span| lsp::Location { uri: uri.clone(), range: open.range(span) }).collect();
                value(serde_json::to_value(locations))
            }
            lsp::request::Rename::METHOD => {
                let params: lsp::RenameParams = serde_json::from_value(params).map_err(parse)?;
                let uri = params.text_document_position.text_document.uri;
                let open = self.doc(&uri)?;
                let offset = open.offset(params.text_document_position.position);
                let spans = flowzap::ide::rename(&open.text, offset, &params.new_name)?;
                let edits: Vec<lsp::TextEdit> = spans
                    .into_iter()
                    .map(|span| lsp::TextEdit { range: open.range(span), new_text: params.new_name.clone() })
                    .collect();
                let changes = HashMap::from([(uri, edits)]);
                value(serde_json::to_value(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..lsp::WorkspaceEdit::default()
                }))
            }
            lsp::request::Completion::METHOD => {
                let params: lsp::CompletionParams = serde_json::from_value(params).map_err(parse)?;
                let open = self.doc(&params.text_document_position.text_document.uri)?;
                let offset = open.offset(params.text_document_position.position);
                let items: Vec<lsp::CompletionItem> = flowzap::ide::completions(open.document(), offset)
                    .into_iter()
                    .map(|c| lsp::CompletionItem {
                        label: c.label,
                        kind: Some(match c.kind {
                            "node" => lsp::CompletionItemKind::VARIABLE,
                            "lane" => lsp::CompletionItemKind::MODULE,
                            "shape" => lsp::CompletionItemKind::ENUM_MEMBER,
                            "handle" => lsp::CompletionItemKind::KEYWORD,
                            _ => lsp::CompletionItemKind::PROPERTY,
                        }),
                        detail: Some(c.detail),
                        ..lsp::CompletionItem::default()
                    })
                    .collect();
                value(serde_json::to_value(lsp::CompletionResponse::Array(items)))
            }
            lsp::request::DocumentSymbolRequest::METHOD => {
                let params: lsp::DocumentSymbolParams = serde_json::from_value(params).map_err(parse)?;
                let open = self.doc(&params.text_document.uri)?;
                #[allow(deprecated)] // `deprecated` is a required field of the type
                let symbols: Vec<lsp::DocumentSymbol> = flowzap::ide::symbols(&open.text)
                    .into_iter()
                    .map(|lane| lsp::DocumentSymbol {
                        name: lane.id,
                        detail: Some(lane.label),
                        kind: lsp::SymbolKind::NAMESPACE,
                        tags: None,
                        deprecated: None,
                        range: open.range(lane.span),
                        selection_range: open.range(lane.id_span),
                        children: Some(
                            lane.nodes
                                .into_iter()
                                .map(|(id, label, span, id_span)| lsp::DocumentSymbol {
                                    name: id,
                                    detail: Some(label),
                                    kind: lsp::SymbolKind::OBJECT,
                                    tags: None,
                                    deprecated: None,
                                    range: open.range(span),
                                    selection_range: open.range(id_span),
                                    children: None,
                                })
                                .collect(),
                        ),
                    })
                    .collect();
                value(serde_json::to_value(lsp::DocumentSymbolResponse::Nested(symbols)))
            }
            lsp::request::Formatting::METHOD => {
                let params: lsp::DocumentFormattingParams = serde_json::from_value(params).map_err(parse)?;
                let open = self.doc(&params.text_document.uri)?;
                // A file with errors is not formatted: no edits.
                let edits: Vec<lsp::TextEdit> = match flowzap::edit::format(&open.text) {
                    Ok(formatted) if formatted != open.text => {
                        vec![lsp::TextEdit { range: open.range(Span::new(0, open.text.len())), new_text: formatted }]
                    }
                    _ => Vec::new(),
                };
                value(serde_json::to_value(edits))
            }
            lsp::request::CodeActionRequest::METHOD => {
                let params: lsp::CodeActionParams = serde_json::from_value(params).map_err(parse)?;
                let uri = params.text_document.uri;
                let open = self.doc(&uri)?;
                let (start, end) = (open.offset(params.range.start), open.offset(params.range.end));
                let actions: Vec<lsp::CodeActionOrCommand> = findings(open)
                    .iter()
                    .filter(|d| !d.fix.is_empty() && d.primary.span.start <= end && start <= d.primary.span.end)
                    .map(|d| {
                        let edits = d
                            .fix
                            .iter()
                            .map(|e| lsp::TextEdit { range: open.range(e.span), new_text: e.replacement.clone() })
                            .collect();
                        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: format!("fix {}: {}", d.code.as_str(), d.message),
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![to_lsp(open, &uri, d)]),
                            edit: Some(lsp::WorkspaceEdit {
                                changes: Some(HashMap::from([(uri.clone(), edits)])),
                                ..lsp::WorkspaceEdit::default()
                            }),
                            is_preferred: Some(true),
                            ..lsp::CodeAction::default()
                        })
                    })
                    .collect();
                value(serde_json::to_value(actions))
            }
            other => Err(format!("flowzap lsp does not answer `{other}`")),
        }
    }
}

pub fn run() -> Status {
    let (connection, threads) = Connection::stdio();
    let capabilities = match serde_json::to_value(capabilities()) {
        Ok(capabilities) => capabilities,
        Err(_) => return Status::Trouble,
    };
    if connection.initialize(capabilities).is_err() {
        eprintln!("error: the client did not initialize the language server");
        return Status::Trouble;
    }
    let mut server = Server { connection, open: HashMap::new(), dirty: Vec::new() };
    // lsp-server hands over messages one at a time (its channel holds
    // none), so pending edits cannot be seen waiting: after a change the
    // loop keeps reading for a few milliseconds, and a burst of
    // keystrokes is diagnosed once, after its last edit.
    let mut waiting = None;
    loop {
        let received = match waiting {
            Some(grace) => server.connection.receiver.recv_timeout(grace).map_err(|_| ()),
            None => server.connection.receiver.recv().map_err(|_| ()),
        };
        let message = match received {
            Ok(message) => message,
            Err(()) if waiting.is_some() => {
                waiting = None;
                for uri in std::mem::take(&mut server.dirty) {
                    server.publish(&uri);
                }
                continue;
            }
            Err(()) => break,
        };
        match message {
            Message::Request(request) => {
                if server.connection.handle_shutdown(&request).unwrap_or(true) {
                    break;
                }
                server.request(request);
            }
            Message::Notification(notification) => server.notification(notification),
            Message::Response(_) => {}
        }
        waiting = (!server.dirty.is_empty()).then_some(EDIT_GRACE);
    }
    drop(server);
    match threads.join() {
        Ok(()) => Status::Ok,
        Err(_) => Status::Trouble,
    }
}
