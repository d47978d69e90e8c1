//! The live preview of `flowzap watch --serve`: one page, the current SVG of
//! each watched file, and a server-sent event stream that tells the page when
//! a file was rebuilt or failed to build. Nothing else is served: no file
//! paths, no listing; every other request is a 404.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::Duration;

const DEFAULT_PORT: u16 = 7464;
/// A comment line sent when nothing happened, so a gone browser is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);
const PAGE: &str = include_str!("preview.html");
/// Requests answered at once; past this a request gets a 503 from the
/// accepting thread instead of a thread of its own.
const MAX_CONNECTIONS: usize = 64;

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
    address: SocketAddr,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The host names a request may carry in its `Host` header. A web page the
/// user visits can make a browser send requests to this server under a name
/// of its own (DNS rebinding), so only IP literals, `localhost` and the name
/// given to `--serve` are answered.
struct AllowedHosts {
    name: String,
}

impl AllowedHosts {
    fn allows(&self, host_header: &str) -> bool {
        let host = match host_header.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
            None => host_header.rsplit_once(':').map_or(host_header, |(host, _)| host),
        };
        host.parse::<IpAddr>().is_ok()
            || host.eq_ignore_ascii_case("localhost")
            || host.eq_ignore_ascii_case(&self.name)
    }
}

/// Ends its thread's claim on a connection slot, however the thread ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Server {
    /// Listens on `address` (`HOST`, `HOST:PORT`, `:PORT` or `PORT`). With
    /// no port the default one is tried, then any free one. Each connection
    /// gets one thread, at most [`MAX_CONNECTIONS`] at a time; one request
    /// per connection.
    pub fn start(address: &str, preview: Preview) -> Result<Server, String> {
        let (listener, host) = bind(address)?;
        let address = listener.local_addr().map_err(|error| format!("cannot serve: {error}"))?;
        let allowed = Arc::new(AllowedHosts { name: host });
        let busy = Arc::new(AtomicUsize::new(0));
        let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop_seen = Arc::clone(&stopping);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_seen.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                if busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    busy.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = write_response(&mut stream, 503, "text/plain; charset=utf-8", b"too many connections\n");
                    continue;
                }
                let slot = Slot(Arc::clone(&busy));
                let preview = preview.clone();
                let allowed = Arc::clone(&allowed);
                // A thread that cannot start drops the connection and gives
                // its slot back.
                let _ = std::thread::Builder::new().spawn(move || {
                    let _slot = slot;
                    serve_connection(stream, &allowed, &preview);
                });
            }
        });
        Ok(Server { address, stopping, thread: Some(thread) })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Whether machines other than this one can reach the preview.
    pub fn is_public(&self) -> bool {
        !self.address.ip().is_loopback()
    }

    pub fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // The accepting thread wakes on a connection of its own and sees the flag.
        let mut wake = self.address;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
                IpAddr::V6(_) => IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
            });
        }
        let _ = std::net::TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The listener, and the host as the user named it.
fn bind(address: &str) -> Result<(TcpListener, String), String> {
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
    let listener = match port {
        Some(port) => listen(port).map_err(|error| format!("cannot listen on {host}:{port}: {error}")),
        None => {
            listen(DEFAULT_PORT).or_else(|_| listen(0)).map_err(|error| format!("cannot listen on {host}: {error}"))
        }
    }?;
    Ok((listener, host))
}

/// The longest request head read; the preview's requests are a few hundred bytes.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// What a request asked for, when it is one this server answers at all.
enum Parsed {
    Get(String),
    OtherMethod,
    ForeignHost,
    Malformed,
}

/// Reads one request head, with a deadline so that a silent client cannot
/// hold its slot.
fn read_request(stream: &mut std::net::TcpStream, allowed: &AllowedHosts) -> Parsed {
    use std::io::Read;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let read = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Parsed::Malformed,
            Ok(read) => read,
        };
        head.extend_from_slice(&chunk[..read]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head) {
            Ok(httparse::Status::Complete(_)) => {
                let host = request
                    .headers
                    .iter()
                    .find(|header| header.name.eq_ignore_ascii_case("host"))
                    .and_then(|header| std::str::from_utf8(header.value).ok());
                if !host.is_some_and(|host| allowed.allows(host.trim())) {
                    return Parsed::ForeignHost;
                }
                return match (request.method, request.path) {
                    (Some("GET"), Some(path)) => Parsed::Get(path.to_owned()),
                    _ => Parsed::OtherMethod,
                };
            }
            Ok(httparse::Status::Partial) if head.len() < MAX_REQUEST_HEAD => {}
            _ => return Parsed::Malformed,
        }
    }
}

fn write_response(stream: &mut impl Write, status: u16, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Service Unavailable",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn serve_connection(mut stream: std::net::TcpStream, allowed: &AllowedHosts, preview: &Preview) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let text = "text/plain; charset=utf-8";
    let path = match read_request(&mut stream, allowed) {
        Parsed::Get(path) => path,
        Parsed::OtherMethod => {
            let _ = write_response(&mut stream, 405, text, b"only GET is served\n");
            return;
        }
        Parsed::ForeignHost => {
            let _ = write_response(&mut stream, 403, text, b"this host name is not served\n");
            return;
        }
        Parsed::Malformed => {
            let _ = write_response(&mut stream, 400, text, b"bad request\n");
            return;
        }
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let _ = match path {
        "/" => write_response(&mut stream, 200, "text/html; charset=utf-8", PAGE.as_bytes()),
        "/events" => {
            stream_events(stream, preview);
            Ok(())
        }
        _ if path.starts_with("/svg/") => {
            match path["/svg/".len()..].parse::<usize>().ok().and_then(|index| preview.svg(index)) {
                Some(svg) => write_response(&mut stream, 200, "image/svg+xml; charset=utf-8", svg.as_bytes()),
                None => write_response(&mut stream, 404, text, b"not found\n"),
            }
        }
        _ => write_response(&mut stream, 404, text, b"not found\n"),
    };
}

/// Server-sent events: the current state of every file, then one event per
/// rebuild, until the browser goes away or the server stops.
fn stream_events(mut writer: std::net::TcpStream, preview: &Preview) {
    let (updates, current) = preview.subscribe();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
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
