//! Builders for code-signing fixtures: stored zip archives written byte by
//! byte (so a test can break any header field), CMS SignerInfos whose
//! signed attributes we choose and whose RSA signatures `openssl dgst
//! -sign` makes, and RFC 3161 tokens over a TSTInfo with a fixed genTime
//! signed by `openssl cms -sign -econtent_type id-ct-TSTInfo` (so no token
//! depends on the wall clock).

use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::der_tree::{Node, oid};
use crate::{openssl, repo_root};

/// One zip entry; every header field a rule looks at can be set.
#[derive(Clone, Debug)]
pub struct ZipEntry {
    pub name: Vec<u8>,
    pub data: Vec<u8>,
    /// Compression method written in both headers (the data stays as given).
    pub method: u16,
    /// General purpose flags written in both headers.
    pub flags: u16,
    pub external_attributes: u32,
    /// Extra field of both headers.
    pub extra: Vec<u8>,
}

impl ZipEntry {
    /// A stored entry with zero attributes.
    pub fn stored(name: &str, data: &[u8]) -> Self {
        ZipEntry {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            method: 0,
            flags: 0,
            external_attributes: 0,
            extra: Vec::new(),
        }
    }
}

/// CRC-32 (ISO-HDLC, as zip uses), bitwise: fixtures are small.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive of `entries` in this order (local headers, then the
/// central directory in the same order, then the end record).
pub fn zip(entries: &[ZipEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let crc = crc32(&e.data);
        let size = e.data.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend(20u16.to_le_bytes());
            v.extend(e.flags.to_le_bytes());
            v.extend(e.method.to_le_bytes());
            v.extend(0u16.to_le_bytes()); // time
            v.extend(0x5a21u16.to_le_bytes()); // date 2025-01-01
            v.extend(crc.to_le_bytes());
            v.extend(size.to_le_bytes());
            v.extend(size.to_le_bytes());
            v.extend((e.name.len() as u16).to_le_bytes());
            v.extend((e.extra.len() as u16).to_le_bytes());
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(&e.name);
        out.extend(&e.extra);
        out.extend(&e.data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // version made by
        common(&mut central);
        central.extend(0u16.to_le_bytes()); // comment length
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(e.external_attributes.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(&e.name);
        central.extend(&e.extra);
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A signer: certificate and key files.
#[derive(Clone, Debug)]
pub struct Signer {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Signer {
    /// `examples/chain/NAME.pem` and `.key`.
    pub fn example(name: &str) -> Self {
        let dir = repo_root().join("examples/chain");
        Signer {
            cert: dir.join(format!("{name}.pem")),
            key: dir.join(format!("{name}.key")),
        }
    }
    /// `tests/codesign/certs/NAME.pem` and `.key`.
    pub fn fixture(name: &str) -> Self {
        let dir = repo_root().join("tests/codesign/certs");
        Signer {
            cert: dir.join(format!("{name}.pem")),
            key: dir.join(format!("{name}.key")),
        }
    }
    /// The certificate's DER.
    pub fn der(&self) -> Vec<u8> {
        pem_to_der(&std::fs::read(&self.cert).unwrap())
    }
}

/// The DER of the first PEM block.
pub fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    let text = String::from_utf8_lossy(pem);
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    Base64::decode_vec(&body).unwrap()
}

/// An attribute `SEQUENCE { type, SET { values } }`.
pub fn attribute(oid_text: &str, values: Vec<Node>) -> Node {
    Node::constructed(0x30, vec![oid(oid_text), Node::constructed(0x31, values)])
}

fn algorithm(oid_text: &str, null: bool) -> Node {
    let mut c = vec![oid(oid_text)];
    if null {
        c.push(Node::primitive(0x05, &[]));
    }
    Node::constructed(0x30, c)
}

/// SHA-256 identifier (with NULL parameters, as signers write it).
pub fn sha256_id() -> Node {
    algorithm("2.16.840.1.101.3.4.2.1", true)
}

/// UTCTime or GeneralizedTime element of `YYYYMMDDhhmmssZ`.
pub fn time(generalized: &str) -> Node {
    if generalized.starts_with("20") && generalized[..4] < *"2050" {
        Node::primitive(0x17, &generalized.as_bytes()[2..])
    } else {
        Node::primitive(0x18, generalized.as_bytes())
    }
}

/// The signing-certificate-v2 value for `cert_der` (SHA-256, default algorithm).
pub fn signing_certificate_v2(cert_der: &[u8]) -> Node {
    let hash = sha2::Sha256::digest(cert_der);
    Node::constructed(
        0x30,
        vec![Node::constructed(
            0x30,
            vec![Node::constructed(0x30, vec![Node::primitive(0x04, &hash)])],
        )],
    )
}

/// `issuerAndSerialNumber` of a certificate.
fn issuer_and_serial(cert_der: &[u8]) -> Node {
    let cert = Node::parse(cert_der);
    let tbs = &cert.children[0];
    let offset = usize::from(tbs.children[0].tag == 0xa0);
    let serial = tbs.children[offset].clone();
    let issuer = tbs.children[offset + 2].clone();
    Node::constructed(0x30, vec![issuer, serial])
}

/// Signs `message` with the key: RSA PKCS #1 v1.5 with SHA-256 by
/// `openssl dgst`, or ECDSA for an EC key.
pub fn openssl_sign(key: &Path, message: &[u8], dir: &Path) -> Vec<u8> {
    let input = dir.join("to-sign.bin");
    let out = dir.join("signature.bin");
    std::fs::write(&input, message).unwrap();
    openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        key.to_str().unwrap(),
        "-out",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ])
    .unwrap();
    std::fs::read(out).unwrap()
}

/// A SignerInfo over signed attributes `attrs` (sorted into DER order;
/// message-digest must be among them), signed by `signer`.
pub fn signer_info(signer: &Signer, mut attrs: Vec<Node>, unsigned: Vec<Node>, dir: &Path) -> Node {
    attrs.sort_by_key(Node::encode);
    let set = Node::constructed(0x31, attrs.clone());
    let signature = openssl_sign(&signer.key, &set.encode(), dir);
    signer_info_with_signature(signer, attrs, unsigned, &signature)
}

/// A SignerInfo with a given signature value.
pub fn signer_info_with_signature(
    signer: &Signer,
    attrs: Vec<Node>,
    unsigned: Vec<Node>,
    signature: &[u8],
) -> Node {
    let ec = std::fs::read_to_string(&signer.key)
        .unwrap()
        .contains("EC PRIVATE")
        || {
            let der = signer.der();
            der.windows(9)
                .any(|w| w == [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01])
        };
    let sig_alg = if ec {
        algorithm("1.2.840.10045.4.3.2", false)
    } else {
        algorithm("1.2.840.113549.1.1.11", true)
    };
    let mut c = vec![
        Node::primitive(0x02, &[1]),
        issuer_and_serial(&signer.der()),
        sha256_id(),
        Node::constructed(0xa0, attrs),
        sig_alg,
        Node::primitive(0x04, signature),
    ];
    if !unsigned.is_empty() {
        c.push(Node::constructed(0xa1, unsigned));
    }
    Node::constructed(0x30, c)
}

/// `ContentInfo { signedData }` holding `content` (id-data) with the
/// certificates and signer infos given.
pub fn signed_data(content: &[u8], certificates: &[Vec<u8>], signer_infos: Vec<Node>) -> Vec<u8> {
    let mut c = vec![
        Node::primitive(0x02, &[1]),
        Node::constructed(0x31, vec![sha256_id()]),
        Node::constructed(
            0x30,
            vec![
                oid("1.2.840.113549.1.7.1"),
                Node::constructed(0xa0, vec![Node::primitive(0x04, content)]),
            ],
        ),
    ];
    if !certificates.is_empty() {
        c.push(Node::constructed(
            0xa0,
            certificates.iter().map(|d| Node::parse(d)).collect(),
        ));
    }
    c.push(Node::constructed(0x31, signer_infos));
    Node::constructed(
        0x30,
        vec![
            oid("1.2.840.113549.1.7.2"),
            Node::constructed(0xa0, vec![Node::constructed(0x30, c)]),
        ],
    )
    .encode()
}

/// An RFC 3161 token over `imprint` (the hash with `hash_oid`) with the
/// fixed `gen_time` (`YYYYMMDDhhmmssZ`), signed by `tsa` with OpenSSL
/// (`-cades` adds the signing-certificate-v2 RFC 5816 asks for); `certs`
/// false leaves the TSA certificate out of the token.
pub fn timestamp_token(
    tsa: &Signer,
    hash_oid: &str,
    imprint: &[u8],
    gen_time: &str,
    certs: bool,
    dir: &Path,
) -> Vec<u8> {
    timestamp_token_with_nonce(tsa, hash_oid, imprint, gen_time, certs, None, dir)
}

/// [`timestamp_token`] echoing a request's nonce (INTEGER contents).
pub fn timestamp_token_with_nonce(
    tsa: &Signer,
    hash_oid: &str,
    imprint: &[u8],
    gen_time: &str,
    certs: bool,
    nonce: Option<&[u8]>,
    dir: &Path,
) -> Vec<u8> {
    let mut fields = vec![
        Node::primitive(0x02, &[1]),
        oid("1.2.3.4.1"),
        Node::constructed(
            0x30,
            vec![algorithm(hash_oid, true), Node::primitive(0x04, imprint)],
        ),
        Node::primitive(0x02, &[0x42]),
        Node::primitive(0x18, gen_time.as_bytes()),
    ];
    if let Some(n) = nonce {
        fields.push(Node::primitive(0x02, n));
    }
    let tst = Node::constructed(0x30, fields);
    let input = dir.join("tstinfo.der");
    let out = dir.join("token.der");
    std::fs::write(&input, tst.encode()).unwrap();
    let mut args = vec![
        "cms",
        "-sign",
        "-binary",
        "-nodetach",
        "-cades",
        "-md",
        "sha256",
        "-econtent_type",
        "1.2.840.113549.1.9.16.1.4",
        "-signer",
        tsa.cert.to_str().unwrap(),
        "-inkey",
        tsa.key.to_str().unwrap(),
        "-in",
        input.to_str().unwrap(),
        "-outform",
        "DER",
        "-out",
        out.to_str().unwrap(),
    ];
    let intermediate = repo_root().join("examples/chain/intermediate.pem");
    let intermediate = intermediate.to_str().unwrap().to_string();
    if certs {
        args.extend(["-certfile", &intermediate]);
    } else {
        args.push("-nocerts");
    }
    openssl(&args).unwrap();
    std::fs::read(out).unwrap()
}

/// SHA-256.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(data).to_vec()
}

/// A time-stamping authority on 127.0.0.1 for `osslsigncode -ts URL`
/// (RFC 3161 over HTTP, RFC 3161 3.4) and `-t URL` (the legacy Authenticode
/// protocol: a base64 TimeStampRequest answered by a base64 PKCS #7 whose
/// SignerInfo becomes the countersignature). Every answer is signed by the
/// example TSA with the fixed time `gen_time`, so no token depends on the
/// wall clock. It serves until dropped.
pub struct TsaServer {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TsaServer {
    /// Starts the server; responses are built in `dir`.
    pub fn start(dir: &Path, gen_time: &'static str) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let dir = dir.to_path_buf();
        let thread = std::thread::spawn(move || {
            // At most 1,000 requests: a test signs a handful of files.
            for stream in listener.incoming().take(1000) {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(mut s) = stream {
                    let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                    let _ = answer(&mut s, &dir, gen_time);
                }
            }
        });
        TsaServer {
            url,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for TsaServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(
            self.url.trim_start_matches("http://").trim_end_matches('/'),
        );
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(s: &mut std::net::TcpStream, dir: &Path, gen_time: &str) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte)? == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    s.read_exact(&mut body)?;
    let tsa = Signer::example("tsa");
    let (kind, reply) = if body.first() == Some(&0x30) {
        // TimeStampReq ::= SEQUENCE { version, messageImprint, reqPolicy?, nonce?, certReq?, ... }
        let req = Node::parse(&body);
        let imprint = &req.children[1];
        let hash_oid = dotted(&imprint.children[0].children[0].value);
        let hashed = &imprint.children[1].value;
        let nonce = req
            .children
            .iter()
            .skip(2)
            .find(|c| c.tag == 0x02)
            .map(|c| c.value.clone());
        let token = timestamp_token_with_nonce(
            &tsa,
            &hash_oid,
            hashed,
            gen_time,
            true,
            nonce.as_deref(),
            dir,
        );
        let granted = Node::constructed(0x30, vec![Node::primitive(0x02, &[0])]);
        let resp = Node::constructed(0x30, vec![granted, Node::parse(&token)]);
        ("application/timestamp-reply", resp.encode())
    } else {
        use base64ct::{Base64, Encoding};
        let compact: Vec<u8> = body
            .iter()
            .copied()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der =
            Base64::decode_vec(std::str::from_utf8(&compact).unwrap_or("")).unwrap_or_default();
        // TimeStampRequest ::= SEQUENCE { countersignatureType, [attributes], content ContentInfo }
        let req = Node::parse(&der);
        let content = req.children.last().unwrap();
        let value = content.children[1].children[0].value.clone();
        let attrs = vec![
            attribute("1.2.840.113549.1.9.3", vec![oid("1.2.840.113549.1.7.1")]),
            attribute("1.2.840.113549.1.9.5", vec![time(gen_time)]),
            attribute(
                "1.2.840.113549.1.9.4",
                vec![Node::primitive(0x04, &sha256(&value))],
            ),
        ];
        let si = signer_info(&tsa, attrs, Vec::new(), dir);
        let certs = vec![tsa.der(), Signer::example("intermediate").der()];
        let p7 = signed_data(&value, &certs, vec![si]);
        (
            "application/octet-stream",
            Base64::encode_string(&p7).into_bytes(),
        )
    };
    write!(
        s,
        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    )?;
    s.write_all(&reply)?;
    s.flush()
}

/// Dotted text of OBJECT IDENTIFIER contents.
fn dotted(bytes: &[u8]) -> String {
    let mut arcs = Vec::new();
    let mut v: u64 = 0;
    for b in bytes {
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(v);
            v = 0;
        }
    }
    let first = arcs[0];
    let (a, b) = if first < 80 {
        (first / 40, first % 40)
    } else {
        (2, first - 80)
    };
    let mut out = format!("{a}.{b}");
    for arc in &arcs[1..] {
        out.push_str(&format!(".{arc}"));
    }
    out
}

/// Builds the test PE image (tests/codesign/pe/image.s) with binutils for
/// MinGW-w64: PE32+ when `pe32_plus`, else PE32. Panics with the install
/// command when the tools are missing.
pub fn build_pe(dir: &Path, pe32_plus: bool) -> PathBuf {
    let prefix = if pe32_plus {
        "x86_64-w64-mingw32"
    } else {
        "i686-w64-mingw32"
    };
    let src = repo_root().join("tests/codesign/pe/image.s");
    let obj = dir.join(format!("{prefix}.o"));
    let exe = dir.join(format!("{prefix}.exe"));
    let run = |tool: &str, args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(format!("{prefix}-{tool}"))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{prefix}-{tool} (apt-get install binutils-mingw-w64-x86-64 binutils-mingw-w64-i686): {e}"));
        assert!(
            out.status.success(),
            "{prefix}-{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run("as", &[src.as_os_str(), "-o".as_ref(), obj.as_os_str()]);
    run(
        "ld",
        &[
            "--no-insert-timestamp".as_ref(),
            "-e".as_ref(),
            "_start".as_ref(),
            "-o".as_ref(),
            exe.as_os_str(),
            obj.as_os_str(),
        ],
    );
    exe
}

/// Runs `osslsigncode` with the arguments; `Ok(stdout)` on success.
pub fn osslsigncode(args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("osslsigncode")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running osslsigncode (apt-get install osslsigncode): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}
