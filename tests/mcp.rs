//! `flowzap mcp` driven as an AI assistant's client drives it: JSON-RPC
//! lines over the process' pipes, initialize → tools/list → tools/call of
//! every tool, and calls with bad input that come back as tool errors while
//! the server keeps answering.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

struct Client {
    child: Child,
    input: ChildStdin,
    lines: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowzap"))
            .arg("mcp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("flowzap mcp starts");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines().map_while(Result::ok) {
                if sender.send(serde_json::from_str(&line).expect("one JSON message per line")).is_err() {
                    return;
                }
            }
        });
        Client { child, input, lines, next_id: 1 }
    }

    fn send(&mut self, message: Value) {
        writeln!(self.input, "{message}").expect("write");
        self.input.flush().expect("flush");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.lines.recv_timeout(Duration::from_secs(30)).expect("an answer in time");
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> (bool, String, Value) {
        let result = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let is_error = result["isError"].as_bool().unwrap_or(false);
        let text = result["content"][0]["text"].as_str().unwrap_or_default().to_owned();
        (is_error, text, result)
    }
}

const DIAGRAM: &str = "shop { # Shop\nn1: circle label:\"Order in\"\nn2: rectangle label:\"Pack\"\nn3: circle label:\"Sent\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}\n";
const BROKEN: &str = "shop { # Shop\nn1: hexagon label:\"x\"\n}\n";

#[test]
fn an_assistant_calls_every_tool() {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
    );
    assert_eq!(init["serverInfo"]["name"], "flowzap");
    client.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let listed = client.request("tools/list", json!({}));
    let mut names: Vec<&str> =
        listed["tools"].as_array().expect("tools").iter().filter_map(|t| t["name"].as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "apply_change",
            "compile",
            "diff",
            "export_graph",
            "fix",
            "format",
            "get_syntax",
            "lint",
            "render",
            "validate"
        ]
    );
    for tool in listed["tools"].as_array().expect("tools") {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
    }

    let (error, text, _) = client.call("validate", json!({"text": DIAGRAM}));
    let report: Value = serde_json::from_str(&text).expect("JSON");
    assert!(!error && report["errors"] == 0 && report["stats"]["nodes"] == 3, "{text}");
    let (error, text, _) = client.call("validate", json!({"text": BROKEN}));
    let report: Value = serde_json::from_str(&text).expect("JSON");
    assert!(!error && report["diagnostics"][0]["code"] == "E001" && report["diagnostics"][0]["line"] == 2, "{text}");

    let (error, text, _) = client.call("lint", json!({"text": DIAGRAM}));
    assert!(!error && text.contains("\"errors\": 0"), "{text}");
    let (error, text, _) = client.call("get_syntax", json!({}));
    assert!(!error && text.contains("handle("), "{text}");
    let (error, text, _) = client.call("export_graph", json!({"text": DIAGRAM}));
    let graph: Value = serde_json::from_str(&text).expect("graph JSON");
    assert!(!error && graph["nodes"].as_array().map(Vec::len) == Some(3), "{text}");
    let (error, text, _) = client.call("fix", json!({"text": "shop {\n# Shop\nA: rect label=\"Go\"\n}\n"}));
    let fixed: Value = serde_json::from_str(&text).expect("JSON");
    assert!(!error && fixed["text"] == "shop { # Shop\nn1: rectangle label:\"Go\"\n}\n", "{text}");
    let (error, text, _) = client.call("format", json!({"text": "shop { # Shop\n  n1: circle label=\"Go\"\n}\n"}));
    assert!(!error && text == "shop { # Shop\nn1: circle label:\"Go\"\n}\n", "{text}");

    let changed = DIAGRAM.replace("\"Pack\"", "\"Pack and label\"");
    let (error, text, _) = client.call("diff", json!({"old": DIAGRAM, "new": changed}));
    let diff: Value = serde_json::from_str(&text).expect("JSON");
    assert!(!error && diff["changes"][0].as_str().is_some_and(|c| c.contains("Pack and label")), "{text}");
    let (error, text, _) = client.call("apply_change", json!({"text": DIAGRAM, "operations": diff["operations"]}));
    assert!(!error && text.contains("\"Pack and label\""), "{text}");

    for target in ["workflow-json", "asl", "bpmn"] {
        let (error, text, _) = client.call("compile", json!({"text": DIAGRAM, "target": target}));
        assert!(!error && text.len() > 100, "{target}: {text}");
    }
    let (error, text, _) = client.call("render", json!({"text": DIAGRAM}));
    assert!(!error && text.starts_with("<svg"), "{text}");
    let (error, text, _) = client.call("render", json!({"text": DIAGRAM, "view": "sequence", "theme": "dark"}));
    assert!(!error && text.contains("flowzap sequence theme-dark"), "{text}");
    let (error, _, result) = client.call("render", json!({"text": DIAGRAM, "format": "png"}));
    assert!(
        !error && result["content"][0]["type"] == "image" && result["content"][0]["mimeType"] == "image/png",
        "{result}"
    );

    // Bad input: tool errors, and the server answers on.
    let (error, text, _) = client.call("compile", json!({"text": BROKEN, "target": "bpmn"}));
    assert!(error && text.contains("E001"), "{text}");
    let (error, text, _) = client.call("compile", json!({"text": DIAGRAM, "target": "cobol"}));
    assert!(error && text.contains("no target `cobol`"), "{text}");
    let (error, text, _) =
        client.call("apply_change", json!({"text": DIAGRAM, "operations": [{"op": "remove_node", "id": "n9"}]}));
    assert!(error && text.contains("there is no node `n9`"), "{text}");
    let (error, text, _) = client.call("apply_change", json!({"text": DIAGRAM, "operations": [{"op": "teleport"}]}));
    assert!(error && text.contains("is not one flowzap knows"), "{text}");
    let (error, _, _) = client.call("render", json!({"text": DIAGRAM, "view": "mindmap"}));
    assert!(error);
    let (error, text, _) = client.call("validate", json!({"text": DIAGRAM}));
    assert!(!error && text.contains("\"errors\": 0"));

    drop(client.input);
    let status = client.child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
}
