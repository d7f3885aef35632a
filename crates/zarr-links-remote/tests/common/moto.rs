//! A local S3-compatible server for the tests: moto in server mode
//! (`pip install 'moto[server]'`), started on 127.0.0.1 on a free port and
//! stopped when dropped, with a bucket holding the conformance suite.
//!
//! moto is looked for in `$ZARR_LINKS_MOTO_SERVER`, then in the CI venv
//! (`target/ci-venv/bin/moto_server`), then on `PATH`. When it is missing
//! the S3 tests say so and pass, unless `ZARR_LINKS_REQUIRE_S3=1` (as
//! `.ci/run`'s `remote` section sets), where a missing moto fails them.
//! `ZARR_LINKS_REQUIRE_S3=0` skips them (`.ci/run`'s `test` section, since
//! `remote` runs them).
//!
//! The command-line tests include this file too (`#[path]`).

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The credentials the tests sign with (moto accepts any).
pub const KEY_ID: &str = "zarr-links-test";
/// The secret that goes with [`KEY_ID`].
pub const SECRET: &str = "zarr-links-test-secret";

/// A running moto server.
pub struct Moto {
    child: Child,
    port: u16,
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn find_moto() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ZARR_LINKS_MOTO_SERVER") {
        return Some(PathBuf::from(p));
    }
    let venv = workspace().join("target/ci-venv/bin/moto_server");
    if venv.is_file() {
        return Some(venv);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("moto_server"))
        .find(|p| p.is_file())
}

/// Sends one raw HTTP request and returns the status code.
pub fn raw(port: u16, method: &str, target: &str, headers: &[(&str, &str)]) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut msg = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: 0\r\n");
    for (k, v) in headers {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    msg.push_str("\r\n");
    s.write_all(msg.as_bytes()).ok()?;
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.split_whitespace().nth(1)?.parse().ok()
}

impl Moto {
    /// Starts moto, or returns `None` (with a note) when it is not
    /// installed and not required.
    pub fn start() -> Option<Moto> {
        let require = std::env::var("ZARR_LINKS_REQUIRE_S3").ok();
        if require.as_deref() == Some("0") {
            eprintln!("note: S3 test skipped (ZARR_LINKS_REQUIRE_S3=0)");
            return None;
        }
        let Some(bin) = find_moto() else {
            assert!(
                require.as_deref() != Some("1"),
                "ZARR_LINKS_REQUIRE_S3 is set but moto_server is not installed (pip install 'moto[server]')"
            );
            eprintln!("note: moto_server not found; S3 test skipped (pip install 'moto[server]', or set ZARR_LINKS_MOTO_SERVER)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let moto = Moto { child, port };
        let start = Instant::now();
        while raw(port, "GET", "/moto-api/", &[]).is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates `bucket`.
    pub fn create_bucket(&self, bucket: &str) {
        assert_eq!(
            raw(self.port, "PUT", &format!("/{bucket}"), &[]),
            Some(200),
            "creating bucket {bucket}"
        );
    }

    /// Uploads every file under `dir` to `bucket`, under `prefix`, with
    /// plain PUT requests (moto checks no signature); symbolic links are
    /// skipped (S3 has none).
    pub fn upload(&self, bucket: &str, prefix: &str, dir: &Path) {
        let mut files = Vec::new();
        collect(dir, dir, &mut files);
        let port = self.port;
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((rel, file)) = files.get(i) else {
                        break;
                    };
                    let key = if prefix.is_empty() {
                        rel.clone()
                    } else {
                        format!("{prefix}/{rel}")
                    };
                    let body = std::fs::read(file).unwrap();
                    let status = put(port, &format!("/{bucket}/{}", encode(&key)), &body);
                    assert_eq!(status, Some(200), "uploading {key}");
                });
            }
        });
    }
}

/// Percent-encodes a key for a request line (keeping `/`).
fn encode(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One PUT with a body; the status code.
fn put(port: u16, target: &str, body: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let head = format!(
        "PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.split_whitespace().nth(1)?.parse().ok()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_symlink() {
            continue;
        }
        if t.is_dir() {
            collect(root, &e.path(), out);
        } else {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, e.path()));
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
