//! Shared by the revocation tests: a scratch PKI made with the openssl CLI
//! (`openssl req`, `openssl ca`, `openssl ca -gencrl`, `openssl ocsp
//! -index`) and small HTTP servers bound to 127.0.0.1 only.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A directory removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "validate-revocation-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs openssl in `dir`; panics with its output on failure.
pub fn openssl(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "openssl {args:?} failed:\n{text}");
    text
}

/// Runs openssl in `dir` and returns (success, stdout + stderr).
pub fn openssl_status(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A CA made with `openssl ca`: `good` and `revoked` issued through the CA
/// database (revoked with keyCompromise), `unknown` issued outside it (so
/// the OCSP responder answers unknown), and a delegated OCSP responder
/// certificate with id-kp-OCSPSigning and id-pkix-ocsp-nocheck.
pub struct Pki {
    pub dir: Scratch,
}

impl Pki {
    /// `ocsp_url` and `crl_url` go into the leaves' AIA and CDP.
    pub fn new(name: &str, ocsp_url: &str, crl_url: &str) -> Self {
        let dir = Scratch::new(name);
        let d = dir.0.clone();
        std::fs::create_dir_all(d.join("newcerts")).unwrap();
        std::fs::write(d.join("index.txt"), "").unwrap();
        std::fs::write(d.join("serial"), "1000\n").unwrap();
        std::fs::write(d.join("crlnumber"), "01\n").unwrap();
        std::fs::write(
            d.join("ca.cnf"),
            format!(
                r#"
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
default_days = 30
default_crl_days = 7
policy = policy_any
unique_subject = no
crl_extensions = crl_ext
[ policy_any ]
commonName = supplied
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
authorityInfoAccess = OCSP;URI:{ocsp_url}
crlDistributionPoints = URI:{crl_url}
[ ocsp_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
[ ocsp_checked_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
[ crl_ext ]
authorityKeyIdentifier = keyid:always
"#
            ),
        )
        .unwrap();
        let subj = format!("/CN=Revocation Test CA {name}");
        let args = [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "365",
            "-subj",
            &subj,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ];
        openssl(&d, &args);
        let pki = Pki { dir };
        for (leaf, ext) in [
            ("good", "leaf_ext"),
            ("revoked", "leaf_ext"),
            ("responder", "ocsp_ext"),
        ] {
            pki.request(leaf);
            openssl(
                &d,
                &[
                    "ca",
                    "-batch",
                    "-config",
                    "ca.cnf",
                    "-notext",
                    "-in",
                    &format!("{leaf}.csr"),
                    "-out",
                    &format!("{leaf}.pem"),
                    "-extensions",
                    ext,
                ],
            );
        }
        pki.request("unknown");
        openssl(
            &d,
            &[
                "x509",
                "-req",
                "-in",
                "unknown.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                "0x7777",
                "-days",
                "30",
                "-extfile",
                "ca.cnf",
                "-extensions",
                "leaf_ext",
                "-out",
                "unknown.pem",
            ],
        );
        openssl(
            &d,
            &[
                "ca",
                "-config",
                "ca.cnf",
                "-revoke",
                "revoked.pem",
                "-crl_reason",
                "keyCompromise",
            ],
        );
        pki.gencrl();
        pki
    }

    fn request(&self, name: &str) {
        openssl(
            &self.dir.0,
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
                "-subj",
                &format!("/CN={name}"),
            ],
        );
    }

    /// Issues `name` as a delegated OCSP responder without
    /// id-pkix-ocsp-nocheck, revokes it when asked, and regenerates the CRL.
    pub fn add_checked_responder(&self, name: &str, revoke: bool) {
        self.request(name);
        openssl(
            &self.dir.0,
            &[
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-notext",
                "-in",
                &format!("{name}.csr"),
                "-out",
                &format!("{name}.pem"),
                "-extensions",
                "ocsp_checked_ext",
            ],
        );
        if revoke {
            openssl(
                &self.dir.0,
                &[
                    "ca",
                    "-config",
                    "ca.cnf",
                    "-revoke",
                    &format!("{name}.pem"),
                    "-crl_reason",
                    "superseded",
                ],
            );
        }
        self.gencrl();
    }

    /// A version 1 CRL (no CRL or entry extensions: no crlnumber, no
    /// crl_extensions, reasons dropped from a copy of the database): v1.crl.
    pub fn gencrl_v1(&self) {
        let config = std::fs::read_to_string(self.path("ca.cnf")).unwrap();
        let config = config
            .replace("crl_extensions = crl_ext\n", "")
            .replace("crlnumber = $dir/crlnumber\n", "")
            .replace("database = $dir/index.txt", "database = $dir/index-v1.txt");
        std::fs::write(self.path("v1.cnf"), config).unwrap();
        let index = std::fs::read_to_string(self.path("index.txt")).unwrap();
        let index: String = index
            .lines()
            .map(|line| {
                let mut fields: Vec<String> = line.split('\t').map(str::to_string).collect();
                if let Some(date) = fields.get_mut(2) {
                    *date = date.split(',').next().unwrap_or_default().to_string();
                }
                fields.join("\t") + "\n"
            })
            .collect();
        std::fs::write(self.path("index-v1.txt"), index).unwrap();
        openssl(
            &self.dir.0,
            &["ca", "-config", "v1.cnf", "-gencrl", "-out", "v1.crl.pem"],
        );
        openssl(
            &self.dir.0,
            &[
                "crl",
                "-in",
                "v1.crl.pem",
                "-outform",
                "DER",
                "-out",
                "v1.crl",
            ],
        );
    }

    /// `openssl ca -gencrl`, as PEM (ca.crl.pem) and DER (ca.crl).
    pub fn gencrl(&self) {
        openssl(
            &self.dir.0,
            &["ca", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl.pem"],
        );
        openssl(
            &self.dir.0,
            &[
                "crl",
                "-in",
                "ca.crl.pem",
                "-outform",
                "DER",
                "-out",
                "ca.crl",
            ],
        );
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    pub fn cert(&self, name: &str) -> validate::Certificate {
        validate::Certificate::from_pem(&self.read(&format!("{name}.pem"))).unwrap()
    }

    /// OpenSSL's responder answering one DER request from the index.
    pub fn ocsp_respond(&self, request: &[u8], signer: &str) -> Vec<u8> {
        ocsp_respond(&self.dir.0, request, signer)
    }
}

/// `openssl ocsp -index index.txt -CA ca.pem -rsigner S.pem -rkey S.key
/// -reqin REQ -respout RESP`: OpenSSL's responder for the CA in `dir`.
pub fn ocsp_respond(dir: &Path, request: &[u8], signer: &str) -> Vec<u8> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let req = format!("req-{n}.der");
    let resp = format!("resp-{n}.der");
    std::fs::write(dir.join(&req), request).unwrap();
    openssl(
        dir,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-CA",
            "ca.pem",
            "-rsigner",
            &format!("{signer}.pem"),
            "-rkey",
            &format!("{signer}.key"),
            "-reqin",
            &req,
            "-respout",
            &resp,
            "-nmin",
            "60",
        ],
    );
    std::fs::read(dir.join(&resp)).unwrap()
}

/// Paths and bodies a file server serves.
pub type Files = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// What a test server does with a connection.
#[derive(Clone)]
pub enum Behaviour {
    /// Serve these paths (GET) with these bodies.
    Files(Files),
    /// Answer POSTed OCSP requests with OpenSSL's responder for the CA in
    /// the directory (set once the CA exists, since its certificates name
    /// this server's port).
    Ocsp {
        dir: Arc<Mutex<Option<PathBuf>>>,
        signer: String,
    },
    /// Read the request and never answer.
    Hang,
    /// Answer 200 with bytes that are no CRL or OCSP response.
    Garbage,
    /// Redirect every request to itself.
    RedirectLoop,
}

/// An HTTP/1.1 server on 127.0.0.1 (and nowhere else), stopped on drop or
/// after 120 seconds, whichever comes first.
pub struct Server {
    pub port: u16,
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let (stop2, requests2) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !stop2.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        requests2.fetch_add(1, Ordering::SeqCst);
                        let b = behaviour.clone();
                        let stop3 = stop2.clone();
                        std::thread::spawn(move || handle(stream, b, port, stop3));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            requests,
            stop,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn handle(mut stream: TcpStream, behaviour: Behaviour, port: u16, stop: Arc<AtomicBool>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, path, body)) = read_request(&mut stream) else {
        return;
    };
    let (status, content_type, payload): (&str, &str, Vec<u8>) = match behaviour {
        Behaviour::Files(files) => {
            let files = files.lock().unwrap();
            match files.iter().find(|(p, _)| *p == path) {
                Some((_, bytes)) if method == "GET" => {
                    ("200 OK", "application/pkix-crl", bytes.clone())
                }
                _ => ("404 Not Found", "text/plain", b"not found".to_vec()),
            }
        }
        Behaviour::Ocsp { dir, signer } => {
            let Some(dir) = dir.lock().unwrap().clone() else {
                return;
            };
            let response = ocsp_respond(&dir, &body, &signer);
            ("200 OK", "application/ocsp-response", response)
        }
        Behaviour::Hang => {
            let until = Instant::now() + Duration::from_secs(30);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            return;
        }
        Behaviour::Garbage => (
            "200 OK",
            "application/ocsp-response",
            b"<html>garbage</html>".to_vec(),
        ),
        Behaviour::RedirectLoop => {
            let header = format!(
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(header.as_bytes());
            return;
        }
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    let _ = stream.write_all(header.as_bytes());
    let _ = stream.write_all(&payload);
}

fn read_request(stream: &mut TcpStream) -> Option<(String, String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut first = head.lines().next()?.split_whitespace();
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(1024 * 1024);
    let mut body = buf[header_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((method, path, body))
}
