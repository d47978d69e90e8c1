//! `flowzap watch` driven as an editor would drive it: saves in place,
//! through a temporary file and a rename, invalid saves, deletion and
//! re-creation, moving away and back, a burst of saves; and the live preview
//! server's event stream and its 404s.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn diagram(label: &str) -> String {
    format!(
        "desk {{ # Help desk\nn1: circle label:\"Ticket in\"\nn2: rectangle label:\"{label}\"\nn3: circle label:\"Closed\"\nn1.handle(right) -> n2.handle(left)\nn2.handle(right) -> n3.handle(left)\n}}\n"
    )
}

/// A running `flowzap watch`, its output lines read as they come.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(dir: &Path, args: &[&str]) -> Watch {
        let mut command = Command::new(env!("CARGO_BIN_EXE_flowzap"));
        command.arg("watch").args(args);
        Watch::spawn(command, dir)
    }

    /// `flowzap watch ARGS` started by `sh` with SIGINT ignored, as a
    /// script's background job starts it.
    fn start_with_sigint_ignored(dir: &Path, args: &str) -> Watch {
        let mut command = Command::new("sh");
        command.arg("-c").arg(format!("trap '' INT; exec '{}' watch {args}", env!("CARGO_BIN_EXE_flowzap")));
        Watch::spawn(command, dir)
    }

    fn spawn(mut command: Command, dir: &Path) -> Watch {
        let mut child = command
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("flowzap watch starts");
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        for stream in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Watch { child, lines, seen: Vec::new() }
    }

    /// Reads lines until one contains `text`; returns every line read.
    fn wait_for(&mut self, text: &str) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        let mut read = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    read.push(line.clone());
                    if line.contains(text) {
                        return read;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with `{text}` within {WAIT:?}; output so far:\n{}", self.seen.join("\n"));
    }

    /// Lines that arrive within `time`.
    fn drain(&mut self, time: Duration) -> Vec<String> {
        let deadline = Instant::now() + time;
        let mut read = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    read.push(line);
                }
                Err(_) => break,
            }
        }
        read
    }

    fn interrupt(self) -> (std::process::ExitStatus, Vec<String>) {
        self.signal("-INT")
    }

    fn signal(mut self, signal: &str) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status().expect("kill runs");
        assert!(sent.success());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let rest = self.drain(Duration::from_millis(200));
                return (status, rest);
            }
            assert!(Instant::now() < deadline, "watch did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn save_through_rename(path: &Path, text: &str) {
    let temporary = path.with_extension("fz.swp");
    std::fs::write(&temporary, text).expect("write temp");
    std::fs::rename(&temporary, path).expect("rename");
}

#[test]
fn watch_follows_every_way_an_editor_saves() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("desk.fz");
    std::fs::write(&input, diagram("Alpha")).expect("write");
    let svg = dir.path().join("desk.svg");
    let bpmn = dir.path().join("desk.bpmn");
    let json = dir.path().join("desk.workflow.json");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--target", "svg,bpmn", "--target", "workflow-json"]);
    watch.wait_for("press Ctrl-C to stop");
    assert!(watch.seen.iter().any(|l| l.contains("✓ rebuilt desk.fz")), "{:?}", watch.seen);
    let contains = |label: &str| {
        for output in [&svg, &bpmn, &json] {
            assert!(read(output).contains(label), "{} lacks {label}", output.display());
        }
    };
    contains("Alpha");

    // Write in place.
    std::fs::write(&input, diagram("Beta")).expect("write");
    watch.wait_for("✓ rebuilt desk.fz");
    contains("Beta");

    // Through a temporary file and a rename (vim, JetBrains).
    save_through_rename(&input, &diagram("Gamma"));
    watch.wait_for("✓ rebuilt desk.fz");
    contains("Gamma");

    // An invalid save: diagnostics printed, outputs untouched.
    let before: Vec<Vec<u8>> = [&svg, &bpmn, &json].iter().map(|p| std::fs::read(p).expect("read")).collect();
    std::fs::write(&input, diagram("Delta").replace("n2: rectangle", "n2: rectangel")).expect("write");
    let lines = watch.wait_for("does not build");
    assert!(lines.iter().any(|l| l.contains("E0")), "no diagnostic code printed: {lines:?}");
    assert!(lines.iter().any(|l| l.contains("rectangle")), "no did-you-mean printed: {lines:?}");
    let after: Vec<Vec<u8>> = [&svg, &bpmn, &json].iter().map(|p| std::fs::read(p).expect("read")).collect();
    assert_eq!(before, after, "an invalid save changed the outputs");

    // Fixed again.
    std::fs::write(&input, diagram("Delta")).expect("write");
    watch.wait_for("✓ rebuilt desk.fz");
    contains("Delta");

    // Deleted, then created again.
    std::fs::remove_file(&input).expect("delete");
    watch.wait_for("is gone");
    contains("Delta");
    std::fs::write(&input, diagram("Epsilon")).expect("write");
    watch.wait_for("✓ rebuilt desk.fz");
    contains("Epsilon");

    // Moved away and back.
    let away = dir.path().join("elsewhere.txt");
    std::fs::rename(&input, &away).expect("move away");
    watch.wait_for("is gone");
    std::fs::write(&away, diagram("Zeta")).expect("edit while away");
    std::fs::rename(&away, &input).expect("move back");
    watch.wait_for("✓ rebuilt desk.fz");
    contains("Zeta");

    // A burst of 50 saves: one rebuild, or a few.
    let settled = watch.drain(Duration::from_millis(300));
    assert!(settled.iter().all(|l| !l.contains("rebuilt")), "{settled:?}");
    for i in 1..=50 {
        std::fs::write(&input, diagram(&format!("Burst {i}"))).expect("write");
    }
    let mut lines = watch.wait_for("✓ rebuilt desk.fz");
    while !read(&svg).contains("Burst 50") {
        lines.extend(watch.wait_for("✓ rebuilt desk.fz"));
    }
    lines.extend(watch.drain(Duration::from_millis(500)));
    let rebuilds = lines.iter().filter(|l| l.contains("✓ rebuilt")).count();
    assert!((1..=3).contains(&rebuilds), "{rebuilds} rebuilds for a burst of 50 saves: {lines:?}");
    contains("Burst 50");
    eprintln!("a burst of 50 saves gave {rebuilds} rebuild(s)");

    let (status, rest) = watch.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| ![&input, &svg, &bpmn, &json].contains(&p))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

/// One HTTP/1.1 GET; the status code and the body.
fn get(address: &str, path: &str, method: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

/// Reads server-sent events until one satisfies `wanted`.
fn next_event(events: &mut BufReader<TcpStream>, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + WAIT;
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match events.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {
                if let Some(data) = line.strip_prefix("data: ") {
                    let event: serde_json::Value = serde_json::from_str(data.trim()).expect("JSON event");
                    if wanted(&event) {
                        return event;
                    }
                }
            }
            Err(_) => break,
        }
    }
    panic!("no such event within {WAIT:?}");
}

#[test]
fn the_preview_server_pushes_a_reload_after_a_save_and_serves_nothing_else() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("desk.fz");
    std::fs::write(&input, diagram("Alpha")).expect("write");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--serve", "127.0.0.1:0"]);
    let lines = watch.wait_for("serving the live preview at http://");
    let url = lines.last().and_then(|l| l.split("http://").nth(1)).expect("url").trim_end_matches('/').to_owned();
    watch.wait_for("press Ctrl-C to stop");

    let (status, page) = get(&url, "/", "GET");
    assert_eq!(status, 200);
    assert!(page.contains("EventSource"), "{page}");
    let (status, svg) = get(&url, "/svg/0", "GET");
    assert_eq!(status, 200);
    assert!(svg.contains("Alpha"));
    for path in [
        "/desk.fz",
        "/desk.svg",
        "/../desk.fz",
        "/svg/1",
        "/svg/../desk.fz",
        "/svg/",
        "/etc/passwd",
        "/events/x",
        "/%2e%2e/desk.fz",
        "/?",
    ] {
        let (status, body) = get(&url, path, "GET");
        if path == "/?" {
            assert_eq!(status, 200, "the page with an empty query");
            continue;
        }
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("Alpha") && !body.contains("desk {"), "{path} leaked: {body}");
    }
    assert_eq!(get(&url, "/", "POST").0, 405);

    let mut stream = TcpStream::connect(&url).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(stream, "GET /events HTTP/1.1\r\nHost: {url}\r\n\r\n").expect("send");
    let mut events = BufReader::new(stream);
    let first = next_event(&mut events, |_| true);
    assert_eq!(first["problems"], serde_json::Value::Null);
    let version = first["version"].as_u64().expect("version");

    let saved = Instant::now();
    std::fs::write(&input, diagram("Beta")).expect("write");
    let event = next_event(&mut events, |e| e["version"].as_u64() > Some(version));
    eprintln!("reload event {} ms after the save", saved.elapsed().as_millis());
    assert_eq!(event["problems"], serde_json::Value::Null, "{event}");
    assert!(get(&url, "/svg/0", "GET").1.contains("Beta"));

    std::fs::write(&input, diagram("Gamma").replace("n2: rectangle", "n2: rectangel")).expect("write");
    let event = next_event(&mut events, |e| !e["problems"].is_null());
    assert!(event["problems"].as_str().is_some_and(|p| p.contains("rectangel")), "{event}");
    assert!(get(&url, "/svg/0", "GET").1.contains("Beta"), "the last good picture stays");

    let (status, _) = watch.interrupt();
    assert!(status.success());
}

#[test]
fn open_hands_the_preview_address_to_the_browser() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Alpha")).expect("write");
    let opened = dir.path().join("opened.txt");
    let browser = dir.path().join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display())).expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowzap"))
        .args(["watch", "desk.fz", "--serve", "127.0.0.1:0", "--open"])
        .current_dir(dir.path())
        .env("BROWSER", &browser)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("stdout");
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split_once("at ").map(|(_, url)| url.to_owned()))
        .expect("address printed");
    let deadline = Instant::now() + WAIT;
    while !opened.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(read(&opened).trim(), url);
}

#[test]
fn serve_takes_a_free_port_when_the_default_is_busy_and_stdin_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Alpha")).expect("write");
    // Hold the default port, if nothing else does.
    let _busy = std::net::TcpListener::bind("127.0.0.1:7464");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--serve"]);
    let lines = watch.wait_for("serving the live preview at http://127.0.0.1:");
    let url = lines.last().and_then(|l| l.split("http://").nth(1)).expect("url").trim_end_matches('/').to_owned();
    assert!(!url.ends_with(":7464"), "{url}");
    assert_eq!(get(&url, "/", "GET").0, 200);
    drop(watch);

    let output = Command::new(env!("CARGO_BIN_EXE_flowzap")).args(["watch", "-"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("standard input"));
}

/// The status of a raw request.
fn status_of(address: &str, request: &str) -> u16 {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(WAIT)).expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
}

/// DNS rebinding: a request under a foreign host name is refused; IP
/// literals and localhost are served. Idle connections cannot take more
/// than the connection cap, and the slots come back when they close.
#[test]
fn the_preview_answers_only_its_own_host_names_and_bounds_its_connections() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Alpha")).expect("write");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--serve", "127.0.0.1:0"]);
    let lines = watch.wait_for("serving the live preview at http://");
    let url = lines.last().and_then(|l| l.split("http://").nth(1)).expect("url").trim_end_matches('/').to_owned();
    watch.wait_for("press Ctrl-C to stop");
    let port = url.rsplit(':').next().expect("port");
    for (host, expected) in [
        (format!("127.0.0.1:{port}"), 200),
        (format!("localhost:{port}"), 200),
        (format!("[::1]:{port}"), 200),
        (format!("attacker.example:{port}"), 403),
        ("attacker.example".to_owned(), 403),
    ] {
        let request = format!("GET /svg/0 HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert_eq!(status_of(&url, &request), expected, "Host: {host}");
    }
    assert_eq!(status_of(&url, "GET /svg/0 HTTP/1.1\r\n\r\n"), 403, "no Host header");
    assert_eq!(status_of(&url, "NONSENSE\r\n\r\n"), 400);

    let idle: Vec<TcpStream> = (0..64).map(|_| TcpStream::connect(&url).expect("connect")).collect();
    std::thread::sleep(Duration::from_millis(300));
    let request = format!("GET / HTTP/1.1\r\nHost: {url}\r\n\r\n");
    assert_eq!(status_of(&url, &request), 503, "over the cap");
    drop(idle);
    let deadline = Instant::now() + WAIT;
    while status_of(&url, &request) != 200 {
        assert!(Instant::now() < deadline, "the slots never came back");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_preview_open_to_the_network_is_announced() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Alpha")).expect("write");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--serve", "0.0.0.0:0"]);
    let lines = watch.wait_for("press Ctrl-C to stop");
    assert!(lines.iter().any(|line| line.contains("every machine that can reach this one")), "{lines:?}");
}

#[test]
fn watch_keeps_to_the_input_size_limit() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Alpha")).expect("write");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--max-input-size", "100"]);
    watch.wait_for("flowzap::E031");
    assert!(!dir.path().join("desk.svg").exists(), "nothing built from a file over the limit");
}

/// `--engine` reaches the BPMN that watch writes: Camunda 8's Zeebe user
/// tasks here, not the default Camunda 7 attributes.
#[test]
fn watch_writes_bpmn_for_the_engine_asked_for() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Alpha")).expect("write");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "--target", "bpmn", "--engine", "camunda8"]);
    watch.wait_for("✓ rebuilt desk.fz");
    let bpmn = read(&dir.path().join("desk.bpmn"));
    assert!(bpmn.contains("<zeebe:userTask/>"), "{bpmn}");
    assert!(!bpmn.contains("camunda:historyTimeToLive"), "{bpmn}");
    let (status, _) = watch.interrupt();
    assert!(status.success(), "{status:?}");
}

/// watch fails as every command fails, before it starts watching: exit 2
/// and a sentence, for a file that does not exist, a folder given as the
/// file, and a missing output folder however `-o` names it.
#[test]
fn watch_refuses_what_it_cannot_watch_or_write() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Triage")).expect("write");
    std::fs::create_dir(dir.path().join("folder")).expect("folder");
    for (args, said) in [
        (&["never.fz"][..], "cannot read `never.fz`: no such file"),
        (&["folder"][..], "`folder` is a folder; watch takes .fz files"),
        (&["desk.fz", "-o", "missing/"][..], "the output folder `missing"),
        (&["desk.fz", "-o", "missing/desk.svg"][..], "the output folder `missing` does not exist"),
        (&["desk.fz", "--target", "svg,bpmn", "-o", "missing"][..], "the output folder `missing` does not exist"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_flowzap"))
            .arg("watch")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(!dir.path().join("missing").exists(), "{args:?} created the folder");
    }
}

/// A first build that fails keeps nothing, and says so; a write that fails
/// is a write failure, not a diagram that "does not build".
#[test]
fn watch_says_what_it_kept_and_why_it_wrote_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let input = dir.path().join("desk.fz");
    std::fs::write(&input, "desk { # Help desk\nn1: hexagon\n}\n").expect("write");
    std::fs::create_dir(dir.path().join("out")).expect("out");
    let mut watch = Watch::start(dir.path(), &["desk.fz", "-o", "out/desk.svg"]);
    let lines = watch.wait_for("does not build");
    let line = lines.last().expect("a line");
    assert!(line.ends_with("does not build; nothing written yet"), "{line}");
    std::fs::write(&input, diagram("Triage")).expect("write");
    watch.wait_for("rebuilt desk.fz");
    // The output folder goes away under it.
    std::fs::remove_dir_all(dir.path().join("out")).expect("remove");
    std::fs::write(&input, diagram("Escalate")).expect("write");
    let lines = watch.wait_for("could not be written");
    let said = lines.join("\n");
    assert!(said.contains("cannot write `out/desk.svg`: the folder `out` does not exist"), "{said}");
    assert!(said.contains("✗ desk.fz built, but the output could not be written"), "{said}");
    assert!(!said.contains("does not build") && !said.contains(".tmp"), "{said}");
}

/// Started as a script's background job (SIGINT ignored), watch still
/// stops on SIGINT, and on SIGTERM.
#[test]
fn watch_stops_on_sigint_and_sigterm_even_when_started_with_sigint_ignored() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("desk.fz"), diagram("Triage")).expect("write");
    for signal in ["-INT", "-TERM"] {
        let mut watch = Watch::start_with_sigint_ignored(dir.path(), "desk.fz");
        watch.wait_for("press Ctrl-C to stop");
        let (status, rest) = watch.signal(signal);
        assert!(status.success(), "{signal}: {status:?}");
        assert!(rest.iter().any(|line| line == "stopped"), "{signal}: {rest:?}");
    }
}
