//! A real server on 127.0.0.1:0 for the tests, with the example policy as
//! tenant `example` (validation time pinned), an archive in a temporary
//! folder filled through `RecordArchiveEntries`, and the example tokens.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64ct::{Base64, Encoding};

/// The validation time of the test tenant: the example chain was issued
/// on 2026-11-24 for ten years.
pub const AT: &str = "2027-01-01T00:00:00Z";

pub const ADMIN: &str = "example-admin";
pub const AUDITOR: &str = "example-auditor";
pub const NOSCOPE: &str = "example-noscope";
pub const RECORDER: &str = "example-recorder";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn example(path: &str) -> PathBuf {
    repo().join("examples").join(path)
}

pub fn b64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// The token section of examples/server/config.toml, reused as is.
pub fn example_tokens() -> String {
    let text = std::fs::read_to_string(example("server/config.toml")).unwrap();
    let start = text.find("[[tokens]]").unwrap();
    text[start..].to_string()
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub tls: bool,
}

impl TestServer {
    /// A plain-HTTP server with `limits` (TOML lines of `[limits]`).
    pub fn start(limits: &str) -> TestServer {
        TestServer::start_with(limits, "")
    }

    /// A server with `limits` and `extra` top-level TOML (a `[tls]` table).
    pub fn start_with(limits: &str, extra: &str) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let policy = example("policy.json");
        let text = format!(
            "listen = \"127.0.0.1:0\"\ndefault_tenant = \"example\"\n{extra}\n\
             [tenants.example]\npolicy = '{}'\noffline = true\nvalidation_time = \"{AT}\"\n\
             [archive]\npath = \"archive.sqlite\"\nconnections = 2\n\
             [limits]\n{limits}\n{}",
            policy.display(),
            example_tokens(),
        );
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, text).unwrap();
        let config = validate_server::Config::from_file(&config_path).unwrap();
        let tls = config.tls.is_some();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let server = validate_server::Server::bind(config).await.unwrap();
                addr_tx.send(server.local_addr()).unwrap();
                server
                    .run(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(30)).unwrap();
        TestServer {
            addr,
            dir,
            stop: Some(stop_tx),
            thread: Some(thread),
            tls,
        }
    }

    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }

    /// Asks the server to stop (as SIGTERM does).
    pub fn begin_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Stops the server and waits until `run` has returned.
    pub fn stop(mut self) {
        self.begin_stop();
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }

    /// Records the example archive entries through the API.
    pub fn fill_archive(&self) {
        let lines = std::fs::read_to_string(example("server/archive.jsonl")).unwrap();
        let entries: Vec<serde_json::Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let body = serde_json::json!({ "ArchiveEntries": entries }).to_string();
        let (status, json) = post_json(
            &self.url("/vedsdk/Codesign/RecordArchiveEntries"),
            Some(RECORDER),
            &body,
        );
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["ArchiveEntryIds"].as_array().unwrap().len(), 6);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.begin_stop();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// POSTs `body` with a content type; (status, body text, content type).
pub fn post(
    url: &str,
    content_type: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, String, String) {
    let mut request = agent().post(url).header("Content-Type", content_type);
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let mut response = request.send(body).unwrap();
    let status = response.status().as_u16();
    let ct = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, response.body_mut().read_to_string().unwrap(), ct)
}

pub fn post_json(url: &str, token: Option<&str>, body: &str) -> (u16, serde_json::Value) {
    let (status, text, ct) = post(url, "application/json", token, body.as_bytes());
    assert!(ct.starts_with("application/json"), "{status} {ct}: {text}");
    (status, serde_json::from_str(&text).unwrap())
}

pub fn get(url: &str) -> (u16, String, String) {
    let mut response = agent().get(url).call().unwrap();
    let status = response.status().as_u16();
    let ct = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, response.body_mut().read_to_string().unwrap(), ct)
}

/// A raw HTTP/1.1 connection, for clients that misbehave on purpose.
pub struct Raw(pub TcpStream);

impl Raw {
    pub fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        Raw(stream)
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.0.write_all(bytes).unwrap();
        self.0.flush().unwrap();
    }

    /// Reads the response head and body until the server closes or the
    /// Content-Length is reached; returns (status, body).
    pub fn response(&mut self) -> (u16, String) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = match self.0.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("reading the response: {e}"),
            };
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
                    let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).to_string();
                    return (status, body);
                }
            }
        }
        if buf.is_empty() {
            return (0, String::new());
        }
        panic!("incomplete response: {}", String::from_utf8_lossy(&buf));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The request JSON of each signature type the core validates today, from
/// the example chain and signatures (P7B and PKCS#1 made here by openssl).
pub fn requests(dir: &Path) -> Vec<(&'static str, serde_json::Value)> {
    let read = |p: &str| std::fs::read(example(p)).unwrap();
    let p7b = dir.join("chain.p7b");
    openssl(&[
        "crl2pkcs7",
        "-nocrl",
        "-certfile",
        example("chain/chain.pem").to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        p7b.to_str().unwrap(),
    ]);
    let sig = dir.join("content.sig");
    openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        example("chain/leaf.key").to_str().unwrap(),
        "-out",
        sig.to_str().unwrap(),
        example("signatures/content.txt").to_str().unwrap(),
    ]);
    let content = read("signatures/content.txt");
    vec![
        (
            "CAdES detached",
            serde_json::json!({
                "signatureType": "CAdES",
                "signedText": b64(&content),
                "signedTextPack": "BASE64",
                "signature": b64(&read("signatures/detached.p7s")),
            }),
        ),
        (
            "P7B",
            serde_json::json!({
                "signatureType": "P7B",
                "signature": b64(&std::fs::read(&p7b).unwrap()),
            }),
        ),
        (
            "PKCS1",
            serde_json::json!({
                "signatureType": "PKCS1",
                "signedText": String::from_utf8(content).unwrap(),
                "signature": b64(&std::fs::read(&sig).unwrap()),
                "certificate": b64(&read("chain/leaf.pem")),
                "algorithm": "SHA256withRSA",
            }),
        ),
    ]
}

pub fn openssl(args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `application/x-www-form-urlencoded` of the object's string fields.
pub fn url_encoded(request: &serde_json::Value) -> String {
    request
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v.as_str().unwrap())))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub const BOUNDARY: &str = "----validate-test-boundary-7d1f";

/// `multipart/form-data` with one text part per field, and file parts.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, filename, bytes) in files {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}
