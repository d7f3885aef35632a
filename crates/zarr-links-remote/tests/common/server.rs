//! A small HTTP/1.1 server for the remote-store tests, on std::net: it
//! serves the files under a directory (GET and HEAD, `Content-Length`, 404
//! for anything else), logs every request, and lets a test replace the
//! answer to any request (an error status, a redirect, a huge or endless
//! body, an answer that never comes). It binds 127.0.0.1 on a free port.
//!
//! The command-line tests include this file too (`#[path]`).

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The path and query, percent-encoded as sent.
    pub target: String,
}

/// What to answer instead of the file.
pub enum Reply {
    /// A status with a short text body.
    Status(u16),
    /// A redirect to `location`.
    Redirect(u16, String),
    /// A body of this many bytes, announced by `Content-Length`.
    Large(u64),
    /// Headers, then nothing: the answer never completes.
    Stall,
    /// These bytes as the body.
    Body(Vec<u8>, &'static str),
}

/// A rule deciding the answer to a request: `None` serves the file.
pub type Rule = Box<dyn Fn(&Seen) -> Option<Reply> + Send + Sync>;

/// A running server. Dropping it stops accepting connections.
pub struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves the files under `root`.
    pub fn serve(root: &Path) -> Server {
        Server::with_rule(root, Box::new(|_| None))
    }

    /// Serves the files under `root`, asking `rule` first.
    pub fn with_rule(root: &Path, rule: Rule) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_path_buf();
        let rule = Arc::new(rule);
        let (log2, stop2) = (Arc::clone(&log), Arc::clone(&stop));
        thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (root, rule, log, stop) = (
                    root.clone(),
                    Arc::clone(&rule),
                    Arc::clone(&log2),
                    Arc::clone(&stop2),
                );
                thread::spawn(move || handle(conn, &root, &rule, &log, &stop));
            }
        });
        Server { port, log, stop }
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    /// Forgets the requests so far.
    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle(conn: TcpStream, root: &Path, rule: &Rule, log: &Mutex<Vec<Seen>>, stop: &AtomicBool) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    let mut out = conn;
    // Keep-alive: answer requests on this connection until it closes.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            return;
        };
        let seen = Seen {
            method: method.to_string(),
            target: target.to_string(),
        };
        let mut body_len = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    body_len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; body_len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        log.lock().unwrap().push(seen.clone());
        let head = seen.method == "HEAD";
        let ok = match rule(&seen) {
            Some(reply) => answer(&mut out, reply, head, stop),
            None => serve_file(&mut out, root, &seen, head),
        };
        if !ok {
            let _ = out.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn send(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head: bool,
) -> bool {
    let mut msg = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    msg.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = msg.into_bytes();
    if !head {
        bytes.extend_from_slice(body);
    }
    out.write_all(&bytes).and_then(|()| out.flush()).is_ok()
}

/// Decodes `%HH` escapes.
fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn serve_file(out: &mut TcpStream, root: &Path, seen: &Seen, head: bool) -> bool {
    let path = seen.target.split('?').next().unwrap_or("");
    let decoded = String::from_utf8(decode(path)).unwrap_or_default();
    let mut file = PathBuf::from(root);
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." || seg == "." {
            return send(out, 404, &[], b"not found", head);
        }
        file.push(seg);
    }
    if seen.method != "GET" && seen.method != "HEAD" {
        return send(out, 405, &[], b"method not allowed", head);
    }
    match std::fs::read(&file) {
        Ok(bytes) if file.is_file() => send(out, 200, &[], &bytes, head),
        _ => send(out, 404, &[], b"not found", head),
    }
}

fn answer(out: &mut TcpStream, reply: Reply, head: bool, stop: &AtomicBool) -> bool {
    match reply {
        Reply::Status(s) => send(out, s, &[], reason(s).as_bytes(), head),
        Reply::Redirect(s, location) => send(out, s, &[("Location", location)], b"", head),
        Reply::Body(bytes, content_type) => send(
            out,
            200,
            &[("Content-Type", content_type.to_string())],
            &bytes,
            head,
        ),
        Reply::Large(n) => {
            let msg = format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n");
            if out.write_all(msg.as_bytes()).is_err() {
                return false;
            }
            if head {
                return true;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut left = n;
            while left > 0 {
                let k = left.min(chunk.len() as u64) as usize;
                if out.write_all(&chunk[..k]).is_err() {
                    return false;
                }
                left -= k as u64;
            }
            true
        }
        Reply::Stall => {
            // Hold the connection without answering until the server stops
            // (or a minute has passed).
            for _ in 0..600 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                thread::sleep(Duration::from_millis(100));
            }
            false
        }
    }
}
