//! The live preview of `flowzap watch --serve`: one page, the current SVG of
//! each watched file, and a server-sent event stream that tells the page when
//! a file was rebuilt or failed to build. Nothing else is served: no file
//! paths, no listing; every other request is a 404.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;

const DEFAULT_PORT: u16 = 7464;
/// A comment line sent when nothing happened, so a gone browser is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
const PAGE: &str = include_str!("preview.html");

struct FileView {
    name: String,
    svg: Option<String>,
    /// The diagnostics of the latest save, when it did not build.
    problems: Option<String>,
    version: u64,
}

struct State {
    files: Vec<FileView>,
    subscribers: Vec<mpsc::Sender<String>>,
}

/// What the page shows, shared between the rebuild loop and the server.
#[derive(Clone)]
pub struct Preview {
    state: Arc<Mutex<State>>,
}

impl Preview {
    pub fn new(names: Vec<String>) -> Preview {
        let files = names.into_iter().map(|name| FileView { name, svg: None, problems: None, version: 0 }).collect();
        Preview { state: Arc::new(Mutex::new(State { files, subscribers: Vec::new() })) }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave this state half-updated: every
        // change is one assignment, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new picture: the overlay goes away.
    pub fn updated(&self, index: usize, svg: String) {
        let mut state = self.lock();
        if let Some(file) = state.files.get_mut(index) {
            file.svg = Some(svg);
            file.problems = None;
            file.version += 1;
        }
        broadcast(&mut state, index);
    }

    /// The latest save did not build: the last good picture stays, with the
    /// diagnostics over it.
    pub fn failed(&self, index: usize, problems: String) {
        let mut state = self.lock();
        if let Some(file) = state.files.get_mut(index) {
            file.problems = Some(problems);
            file.version += 1;
        }
        broadcast(&mut state, index);
    }

    fn subscribe(&self) -> (mpsc::Receiver<String>, Vec<String>) {
        let (sender, receiver) = mpsc::channel();
        let mut state = self.lock();
        let current = (0..state.files.len()).map(|index| event(&state, index)).collect();
        state.subscribers.push(sender);
        (receiver, current)
    }

    fn svg(&self, index: usize) -> Option<String> {
        self.lock().files.get(index).and_then(|file| file.svg.clone())
    }
}

fn event(state: &State, index: usize) -> String {
    let file = &state.files[index];
    let data = serde_json::json!({
        "file": index,
        "name": file.name,
        "version": file.version,
        "hasSvg": file.svg.is_some(),
        "problems": file.problems,
    });
    format!("event: update\ndata: {data}\n\n")
}

fn broadcast(state: &mut State, index: usize) {
    let message = event(state, index);
    state.subscribers.retain(|subscriber| subscriber.send(message.clone()).is_ok());
}

pub struct Server {
    server: Arc<tiny_http::Server>,
    address: SocketAddr,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Listens on `address` (`HOST`, `HOST:PORT`, `:PORT` or `PORT`). With
    /// no port the default one is tried, then any free one.
    pub fn start(address: &str, preview: Preview) -> Result<Server, String> {
        let listener = bind(address)?;
        let address = listener.local_addr().map_err(|error| format!("cannot serve: {error}"))?;
        let server = tiny_http::Server::from_listener(listener, None)
            .map_err(|error| format!("cannot serve on {address}: {error}"))?;
        let server = Arc::new(server);
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let preview = preview.clone();
                std::thread::spawn(move || answer(request, &preview));
            }
        });
        Ok(Server { server, address, thread: Some(thread) })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    pub fn stop(mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn bind(address: &str) -> Result<TcpListener, String> {
    let address = address.trim();
    let (host, port) = if let Ok(port) = address.parse::<u16>() {
        ("127.0.0.1".to_owned(), Some(port))
    } else if let Ok(socket) = address.parse::<SocketAddr>() {
        (socket.ip().to_string(), Some(socket.port()))
    } else if let Some((host, port)) = address.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()) {
        let host = if host.is_empty() { "127.0.0.1" } else { host };
        (host.trim_matches(['[', ']']).to_owned(), port.parse::<u16>().ok())
    } else {
        let host = if address.is_empty() { "127.0.0.1" } else { address };
        (host.trim_matches(['[', ']']).to_owned(), None)
    };
    let listen = |port: u16| TcpListener::bind((host.as_str(), port));
    match port {
        Some(port) => listen(port).map_err(|error| format!("cannot listen on {host}:{port}: {error}")),
        None => {
            listen(DEFAULT_PORT).or_else(|_| listen(0)).map_err(|error| format!("cannot listen on {host}: {error}"))
        }
    }
}

fn answer(request: tiny_http::Request, preview: &Preview) {
    let path = request.url().split(['?', '#']).next().unwrap_or("").to_owned();
    let get = *request.method() == tiny_http::Method::Get;
    let header = |name: &str, value: &str| tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok();
    let respond = |request: tiny_http::Request, status: u16, content_type: &str, body: String| {
        let mut response = tiny_http::Response::from_string(body).with_status_code(status);
        for (name, value) in
            [("Content-Type", content_type), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        {
            if let Some(header) = header(name, value) {
                response.add_header(header);
            }
        }
        let _ = request.respond(response);
    };
    match path.as_str() {
        "/" if get => respond(request, 200, "text/html; charset=utf-8", PAGE.to_owned()),
        "/events" if get => stream_events(request, preview),
        _ if get && path.starts_with("/svg/") => {
            match path["/svg/".len()..].parse::<usize>().ok().and_then(|index| preview.svg(index)) {
                Some(svg) => respond(request, 200, "image/svg+xml; charset=utf-8", svg),
                None => respond(request, 404, "text/plain; charset=utf-8", "not found\n".to_owned()),
            }
        }
        _ => respond(request, 404, "text/plain; charset=utf-8", "not found\n".to_owned()),
    }
}

/// Server-sent events: the current state of every file, then one event per
/// rebuild, until the browser goes away or the server stops.
fn stream_events(request: tiny_http::Request, preview: &Preview) {
    let (updates, current) = preview.subscribe();
    let mut writer = request.into_writer();
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    let mut send = |text: &str| writer.write_all(text.as_bytes()).and_then(|_| writer.flush()).is_ok();
    if !send(head) || !current.iter().all(|event| send(event)) {
        return;
    }
    loop {
        let text = match updates.recv_timeout(KEEPALIVE) {
            Ok(event) => event,
            Err(mpsc::RecvTimeoutError::Timeout) => ": keepalive\n\n".to_owned(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if !send(&text) {
            return;
        }
    }
}
