//! `flowzap lsp` driven as an editor drives it: JSON-RPC with
//! `Content-Length` headers over the process' pipes, from initialize to
//! exit, through diagnostics as a file is opened with errors and fixed by
//! an incremental change, and every request the server answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

struct Client {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowzap"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("flowzap lsp starts");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if sender.send(serde_json::from_slice(&body).expect("JSON from the server")).is_err() {
                    return;
                }
            }
        });
        Client { child, input, messages, next_id: 1 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.input.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(20)).expect("a response in time");
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(20)).expect("diagnostics in time");
            if message["method"] == "textDocument/publishDiagnostics" {
                return message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
        }
    }
}

const URI: &str = "file:///tmp/order.fz";

const BROKEN: &str = "shop { # Shop\nn1: circle label:\"Order in\"\nn2: rectangel label:\"Pack\"\nn1.handle(right) -> n3.handle(left)\n}\n";

fn position(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

#[test]
fn an_editor_session_from_initialize_to_exit() {
    let mut client = Client::start();
    let init = client.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    let capabilities = &init["capabilities"];
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "completionProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "codeActionProvider",
    ] {
        assert!(!capabilities[capability].is_null(), "{capability} missing: {capabilities}");
    }
    client.notify("initialized", json!({}));

    // Opened with two errors: an unknown shape and an undeclared node.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "flowzap", "version": 1, "text": BROKEN}}),
    );
    let found = client.diagnostics();
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"E001") && codes.contains(&"E003"), "{found:?}");
    let unknown_shape = found.iter().find(|d| d["code"] == "E001").expect("E001");
    assert_eq!(
        unknown_shape["range"],
        json!({"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 13}})
    );
    assert_eq!(unknown_shape["severity"], 1);
    assert!(unknown_shape["codeDescription"]["href"].as_str().is_some_and(|href| href.ends_with("lints.md#e001")));

    // Fixed by two incremental edits: the shape, then the target id.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 13}}, "text": "circle"},
            {"range": {"start": {"line": 3, "character": 20}, "end": {"line": 3, "character": 22}}, "text": "n2"}
        ]}),
    );
    assert_eq!(client.diagnostics(), Vec::<Value>::new());

    // Hover over n2 in the edge: its shape, lane and role.
    let hover = client.request("textDocument/hover", position(3, 21));
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        text.contains("circle") && text.contains("`n2`") && text.contains("Pack") && text.contains("lane `shop`"),
        "{text}"
    );
    assert!(text.contains("role: end"), "{text}");

    // Definition and references of n2.
    let definition = client.request("textDocument/definition", position(3, 22));
    assert_eq!(definition["range"]["start"], json!({"line": 2, "character": 0}));
    let references = client.request("textDocument/references", json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 1}, "context": {"includeDeclaration": true}}));
    assert_eq!(references.as_array().map(Vec::len), Some(2), "{references}");

    // Rename n2 everywhere.
    let rename = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 1}, "newName": "pack"}),
    );
    let edits = rename["changes"][URI].as_array().expect("edits");
    assert_eq!(edits.len(), 2);
    assert!(edits.iter().all(|e| e["newText"] == "pack"));

    // Completion: shapes after `: `, handles after `handle(`.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": "n3: \n"}
        ]}),
    );
    let _ = client.diagnostics();
    let shapes = client.request("textDocument/completion", position(4, 4));
    let labels: Vec<&str> = shapes.as_array().expect("items").iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["circle", "rectangle", "diamond", "taskbox"]);
    let handles = client.request("textDocument/completion", position(3, 10));
    let labels: Vec<&str> = handles.as_array().expect("items").iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["right", "left", "top", "bottom"]);

    // Symbols: the lane with its nodes.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    assert_eq!(symbols[0]["name"], "shop");
    let children: Vec<&str> =
        symbols[0]["children"].as_array().expect("nodes").iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(children, ["n1", "n2"]);

    // A tolerated form: a quick fix and formatting rewrite it.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [
            {"text": "shop { # Shop\n  n1: circle label=\"Order in\"\n  n2: rectangle label:\"Pack\"\n  n1 -> n2\n}\n"}
        ]}),
    );
    let warnings = client.diagnostics();
    assert!(warnings.iter().any(|d| d["code"] == "W009"), "{warnings:?}");
    let actions = client.request("textDocument/codeAction", json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 10}}, "context": {"diagnostics": []}}));
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("W009")))
        .expect("a W009 fix");
    assert_eq!(fix["kind"], "quickfix");
    // One insertion after each node id, leaving the rest of the line to
    // the other fix-its.
    let edits = &fix["edit"]["changes"][URI];
    assert_eq!(edits[0]["newText"], ".handle(right)");
    assert_eq!(edits[1]["newText"], ".handle(left)");
    let formatting = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(
        formatting[0]["newText"],
        "shop { # Shop\nn1: circle label:\"Order in\"\nn2: rectangle label:\"Pack\"\nn1.handle(right) -> n2.handle(left)\n}\n"
    );

    // A burst of keystrokes is diagnosed once, after its last edit.
    for (version, letter) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 10 + version}, "contentChanges": [
                {"range": {"start": {"line": 1, "character": 21}, "end": {"line": 1, "character": 21}}, "text": letter}
            ]}),
        );
    }
    let mut published = 0;
    while let Ok(message) = client.messages.recv_timeout(Duration::from_millis(500)) {
        published += usize::from(message["method"] == "textDocument/publishDiagnostics");
    }
    assert_eq!(published, 1, "a burst of five edits diagnosed {published} times");

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("exits");
    assert!(status.success());
}
