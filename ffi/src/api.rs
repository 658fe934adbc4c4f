//! The safe layer both bindings share: every operation of the C ABI and of
//! the Python module, on Rust strings and byte slices, returning JSON text
//! or a [`BindError`] with a status and a message. No validation logic lives
//! here: each function translates inputs to core calls and core results to
//! JSON (the core's serde types where it has them, the CLI's chain document
//! otherwise).
//!
//! The Python crate compiles this same file (`#[path]`), so the two
//! bindings cannot drift apart.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use validate_archive::{Archive, ArchiveEntry, ArchiveError, ArchiveRequest, Caller, Role};
use vcore::path::{CertificatePool, Profile, Purpose, TrustStore};
use vcore::policy::{PolicyFile, ValidationPolicy};
use vcore::report::ChainReport;
use vcore::validator::{ChainOptions, Health, Validator};
use vcore::{Certificate, CertificateRecord, Timestamp};

/// The status codes of the C ABI (`validate_status` in the header) and the
/// kinds of the Python exceptions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateStatus {
    /// Success; the out-parameters are set.
    Ok = 0,
    /// A required pointer argument was null.
    NullPointer = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// An argument is not acceptable (unknown option, bad time, bad JSON
    /// for options, unknown role, ...).
    InvalidArgument = 3,
    /// Input the core cannot process: malformed DER/PEM, no certificate,
    /// a bad policy file, an unsupported algorithm name (`validate::Error`).
    InvalidInput = 4,
    /// A file could not be read.
    Io = 5,
    /// The archive failed (storage, schema, duplicate id, invalid entry).
    Archive = 6,
    /// An archive query is a bad request (HTTP 400); the out-parameter holds
    /// the seed's `{"error", "error_description"}` body.
    BadRequest = 7,
    /// The caller lacks the `Codesign:Manage` scope.
    MissingScope = 8,
    /// The library panicked (a bug); the handle used stays usable.
    Panic = 9,
}

/// An operation that could not be carried out.
#[derive(Debug, Clone)]
pub struct BindError {
    /// Its status.
    pub status: ValidateStatus,
    /// What went wrong, naming the input.
    pub message: String,
    /// For [`ValidateStatus::BadRequest`]: the seed's 400 body as JSON.
    pub body: Option<String>,
}

impl BindError {
    /// An error of `status` saying `message`.
    pub fn new(status: ValidateStatus, message: impl Into<String>) -> Self {
        BindError {
            status,
            message: message.into(),
            body: None,
        }
    }
}

impl From<vcore::Error> for BindError {
    fn from(e: vcore::Error) -> Self {
        BindError::new(ValidateStatus::InvalidInput, e.to_string())
    }
}

impl From<ArchiveError> for BindError {
    fn from(e: ArchiveError) -> Self {
        match e {
            ArchiveError::BadRequest(body) => BindError {
                status: ValidateStatus::BadRequest,
                message: body.to_string(),
                body: serde_json::to_string(&body).ok(),
            },
            ArchiveError::MissingScope => {
                BindError::new(ValidateStatus::MissingScope, e.to_string())
            }
            other => BindError::new(ValidateStatus::Archive, other.to_string()),
        }
    }
}

/// The result of the shared layer.
pub type BindResult<T> = Result<T, BindError>;

fn to_json(value: &impl serde::Serialize) -> BindResult<String> {
    serde_json::to_string(value)
        .map_err(|e| BindError::new(ValidateStatus::Panic, format!("serialising JSON: {e}")))
}

/// The validation time: RFC 3339 text, or now when `None` or empty.
pub fn parse_time(at: Option<&str>) -> BindResult<Timestamp> {
    match at.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Timestamp::now()),
        Some(text) => text.parse::<Timestamp>().map_err(|e| {
            BindError::new(
                ValidateStatus::InvalidArgument,
                format!("time '{text}': {e}"),
            )
        }),
    }
}

/// A policy from the JSON text of a policy file (docs/policy.md); file
/// names in it are resolved against `base` (the current directory when
/// `None`).
pub fn policy_from_json(json: &str, base: Option<&Path>) -> BindResult<ValidationPolicy> {
    let base: PathBuf = base.map(Path::to_path_buf).unwrap_or_default();
    let file = PolicyFile::from_json(json)?;
    Ok(file.into_policy(|name| {
        let full = base.join(name);
        read_file(&full, "a policy certificate file").map_err(|e| vcore::Error::Invalid {
            what: "policy file",
            rule: format!("{}: {e}", full.display()),
        })
    })?)
}

/// Largest file a binding reads from a path (a policy file, the
/// certificate files it names): the CLI's limit for every input file,
/// [`vcore::cert::MAX_BUNDLE_SIZE`] (64 MiB). Reading stops one byte past it.
pub const MAX_FILE_SIZE: usize = vcore::cert::MAX_BUNDLE_SIZE;

/// Reads the file at `path`, at most [`MAX_FILE_SIZE`] bytes (`/dev/zero`
/// or a FIFO that never ends costs the limit, not memory without bound).
fn read_file(path: &Path, what: &'static str) -> vcore::Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| vcore::Error::Invalid {
        what,
        rule: e.to_string(),
    })?;
    vcore::read_limited(file, MAX_FILE_SIZE, what)
}

/// A policy from a policy file; names in it are relative to its folder.
pub fn policy_from_path(path: &Path) -> BindResult<ValidationPolicy> {
    let bytes = read_file(path, "a policy file").map_err(|e| {
        let status = match e {
            vcore::Error::TooLarge { .. } => ValidateStatus::InvalidInput,
            _ => ValidateStatus::Io,
        };
        BindError::new(status, format!("{}: {e}", path.display()))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        BindError::new(
            ValidateStatus::InvalidUtf8,
            format!("{}: not UTF-8 text: {e}", path.display()),
        )
    })?;
    policy_from_json(&text, Some(path.parent().unwrap_or(Path::new("."))))
        .map_err(|e| BindError::new(e.status, format!("{}: {}", path.display(), e.message)))
}

/// Validates a request in the seed's JSON shape; the report as JSON. A
/// request that does not parse gives a report whose `opResult` says why.
pub fn validate_request(validator: &Validator, request: &str, at: Timestamp) -> BindResult<String> {
    to_json(&validator.validate_json(request, at))
}

/// Verifies the XML signatures (XAdES, XML-DSig) of `xml` with `validator`
/// at `at`; `content` is the detached content, if any (XAdES-Detached;
/// without it XAdES-Enveloped). The seed's report as JSON.
pub fn verify_xml(
    validator: &Validator,
    xml: &[u8],
    content: Option<&[u8]>,
    at: Timestamp,
) -> BindResult<String> {
    let kind = if content.is_some() {
        vcore::request::SignatureType::XadesDetached
    } else {
        vcore::request::SignatureType::XadesEnveloped
    };
    to_json(&validator.verify_xml(xml, content, kind, at))
}

/// Verifies the signatures of the PDF `pdf` with `validator` at `at`;
/// `password` opens an encrypted file. The seed's report, with its
/// `pdfSignatures` extension, as JSON.
pub fn verify_pdf(
    validator: &Validator,
    pdf: &[u8],
    password: Option<&str>,
    at: Timestamp,
) -> BindResult<String> {
    let mut reader = std::io::Cursor::new(pdf);
    to_json(&validator.verify_pdf(&mut reader, password.map(str::as_bytes), at))
}

/// [`verify_pdf`] on the file at `path`, read through `Read + Seek`
/// (the file is never loaded whole).
pub fn verify_pdf_file(
    validator: &Validator,
    path: &Path,
    password: Option<&str>,
    at: Timestamp,
) -> BindResult<String> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| BindError::new(ValidateStatus::Io, format!("{}: {e}", path.display())))?;
    to_json(&validator.verify_pdf(&mut file, password.map(str::as_bytes), at))
}

/// `{"version", "status": "UP"}`.
pub fn health() -> BindResult<String> {
    to_json(&Health::up())
}

/// The seed's per-policy health of `validator` at `at`.
pub fn policy_health(validator: &Validator, at: Timestamp) -> BindResult<String> {
    to_json(&validator.policy_health(at))
}

/// The validator's statistics (`success`, `failure`, last validation time).
pub fn statistics(validator: &Validator) -> BindResult<String> {
    to_json(&validator.statistics())
}

/// Reads every certificate of `bytes` (DER, PEM, bundles), failing on the
/// first bad one.
pub fn certificates(bytes: &[u8]) -> BindResult<Vec<Certificate>> {
    Ok(vcore::read_certificates_strict(bytes)?)
}

/// The certificate records of every certificate in `bytes`, as a JSON array.
pub fn certificate_records(bytes: &[u8]) -> BindResult<String> {
    let records: Vec<CertificateRecord> = certificates(bytes)?
        .iter()
        .map(CertificateRecord::from_certificate)
        .collect();
    to_json(&records)
}

/// Options of a chain validation, as JSON (every key optional):
/// `{"time": RFC 3339 (default now), "purposes": ["code-signing", ...]
/// (default any), "profile": "rfc5280" | "webpki", "peerName": "...",
/// "keyUsage": bits, "maxIntermediates": n, "minRsaBits": n,
/// "allowWeakAlgorithms": bool}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChainOptionsJson {
    time: Option<String>,
    #[serde(default)]
    purposes: Vec<String>,
    profile: Option<String>,
    peer_name: Option<String>,
    key_usage: Option<u16>,
    max_intermediates: Option<usize>,
    min_rsa_bits: Option<u32>,
    allow_weak_algorithms: Option<bool>,
}

fn invalid_arg(what: &str, e: impl std::fmt::Display) -> BindError {
    BindError::new(ValidateStatus::InvalidArgument, format!("{what}: {e}"))
}

/// Validates the path of the first certificate of `leaf` through
/// `intermediates` (may be empty) to `anchors`, with a validator whose
/// policy trusts `anchors` and takes its profile and algorithm rules from
/// the options (no revocation check). The result is the chain document
/// (`validate::report::ChainReport`): `{"valid", "chain": [records],
/// "status_flags", "results": [{code, name, severity, certificate, detail}],
/// "rejected_paths"}`, as `validate chain --format json` prints it.
pub fn validate_chain(
    leaf: &[u8],
    intermediates: &[u8],
    anchors: &[u8],
    options: Option<&str>,
) -> BindResult<String> {
    let options: ChainOptionsJson = match options.map(str::trim).filter(|s| !s.is_empty()) {
        None => ChainOptionsJson::default(),
        Some(text) => serde_json::from_str(text).map_err(|e| invalid_arg("chain options", e))?,
    };
    let at = parse_time(options.time.as_deref())?;
    let mut policy = ValidationPolicy::new(
        "chain",
        TrustStore::from_certificates(certificates(anchors)?),
    );
    policy.profile = match options.profile.as_deref() {
        None | Some("rfc5280") => Profile::Rfc5280,
        Some("webpki") => Profile::WebPki,
        Some(other) => {
            return Err(invalid_arg(
                "chain options profile",
                format!("'{other}' is not rfc5280 or webpki"),
            ));
        }
    };
    if let Some(bits) = options.min_rsa_bits {
        policy.min_rsa_bits = bits;
    }
    if let Some(allow) = options.allow_weak_algorithms {
        policy.allow_weak_algorithms = allow;
    }
    let mut chain = ChainOptions::default();
    chain.purposes = Some(
        options
            .purposes
            .iter()
            .map(|p| p.parse::<Purpose>())
            .collect::<Result<_, _>>()?,
    );
    chain.peer_name = options.peer_name;
    chain.key_usage = options.key_usage.unwrap_or(0);
    chain.max_intermediates = options.max_intermediates;
    let leaf = certificates(leaf)?
        .into_iter()
        .next()
        .ok_or_else(|| BindError::new(ValidateStatus::InvalidInput, "leaf: no certificate"))?;
    let pool = if intermediates.iter().all(u8::is_ascii_whitespace) {
        CertificatePool::new()
    } else {
        CertificatePool::from_certificates(certificates(intermediates)?)
    };
    let path = Validator::new(policy).validate_chain(&leaf, &pool, &chain, at);
    to_json(&ChainReport::new(&path))
}

/// Verifies a CMS SignedData (DER, BER, PEM or base64) with `validator`
/// at `at`; `content` is the detached content, if any. The seed's report
/// as JSON ([`Validator::verify_cms`]).
pub fn verify_cms(
    validator: &Validator,
    signature: &[u8],
    content: Option<&[u8]>,
    at: Timestamp,
) -> BindResult<String> {
    let mut reader = content;
    let detached = reader.as_mut().map(|r| r as &mut dyn std::io::Read);
    to_json(&validator.verify_cms(signature, detached, at))
}

/// `f` over `items` on one scoped thread per core, the results in input
/// order (crossbeam's scoped threads). The threads are joined before this returns, so no thread of the
/// library outlives a call (a C or Python host sees none left behind, and
/// valgrind no thread stack); a panic is passed on to the caller's guard.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let outcome = crossbeam_utils::thread::scope(|scope| {
        let f = &f;
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move |_| part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    outcome.unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// [`verify_cms`] for each input, on every core: the reports as one JSON
/// array, in input order, each what [`Validator::verify_cms`] gives.
pub fn verify_cms_many(
    validator: &Validator,
    inputs: &[vcore::validator::CmsInput<'_>],
    at: Timestamp,
) -> BindResult<String> {
    let reports = in_parallel(inputs, |input| {
        validator.verify_many_sequential(std::slice::from_ref(input), at)
    });
    to_json(&reports.into_iter().flatten().collect::<Vec<_>>())
}

/// [`validate_request`] for each request text, on every core: the reports
/// as one JSON array, in input order.
pub fn validate_request_many(
    validator: &Validator,
    requests: &[&str],
    at: Timestamp,
) -> BindResult<String> {
    to_json(&in_parallel(requests, |r| validator.validate_json(r, at)))
}

/// Verifies a raw (PKCS#1 / ECDSA / Ed25519) signature over `data` with the
/// first certificate of `certificate` and the algorithm `algorithm`
/// (e.g. `SHA256withRSA`) with `validator` at `at`; the seed's report as
/// JSON ([`Validator::verify_pkcs1`]).
pub fn verify_raw(
    validator: &Validator,
    data: &[u8],
    signature: &[u8],
    certificate: &[u8],
    algorithm: &str,
    at: Timestamp,
) -> BindResult<String> {
    to_json(&validator.verify_pkcs1(data, signature, certificate, algorithm, at))
}

/// Validates the certificates of `bytes` (P7B / X509) with `validator` at
/// `at`; the seed's report as JSON ([`Validator::validate_certificates`]).
pub fn validate_certificates(
    validator: &Validator,
    bytes: &[u8],
    at: Timestamp,
) -> BindResult<String> {
    to_json(&validator.validate_certificates(bytes, at))
}

/// Verifies an RFC 3161 token over `stamped` with `validator` at `at`; the
/// seed's report as JSON ([`Validator::verify_timestamp`]).
pub fn verify_timestamp(
    validator: &Validator,
    token: &[u8],
    stamped: &[u8],
    at: Timestamp,
) -> BindResult<String> {
    to_json(&validator.verify_timestamp(token, stamped, at))
}

/// A validator from a policy.
pub fn validator(policy: ValidationPolicy) -> Arc<Validator> {
    Arc::new(Validator::new(policy))
}

/// Opens (or creates) the archive at `path`.
pub fn archive_open(path: &Path) -> BindResult<Archive> {
    Ok(Archive::open(path)?)
}

/// Records the entries of `jsonl` (one `ArchiveEntry` JSON object per
/// non-blank line) in one transaction; their ids as a JSON array.
pub fn archive_record(archive: &mut Archive, jsonl: &str) -> BindResult<String> {
    let mut entries = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: ArchiveEntry = serde_json::from_str(line)
            .map_err(|e| invalid_arg(&format!("archive entry on line {}", n + 1), e))?;
        entries.push(entry);
    }
    let ids = archive.record_batch(entries.iter())?;
    to_json(&ids)
}

/// The caller of an archive query, as JSON: `{"role": "code-signing-administrator"
/// (default) | "code-signing-auditor" | "tpp-auditor" | "tpp-master-admin",
/// "projects": [audited project DNs], "scope": "Codesign:Manage" (default)}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerJson {
    role: Option<String>,
    #[serde(default)]
    projects: Vec<String>,
    scope: Option<String>,
}

fn caller(json: Option<&str>) -> BindResult<Caller> {
    let spec: CallerJson = match json.map(str::trim).filter(|s| !s.is_empty()) {
        None => CallerJson::default(),
        Some(text) => serde_json::from_str(text).map_err(|e| invalid_arg("archive caller", e))?,
    };
    let role = match spec.role.as_deref() {
        None => Role::CodeSigningAdministrator,
        Some(name) => Role::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .ok_or_else(|| invalid_arg("archive caller role", format!("unknown role '{name}'")))?,
    };
    let mut caller = Caller::new(role).with_scope(
        spec.scope
            .unwrap_or_else(|| validate_archive::CODESIGN_MANAGE_SCOPE.into()),
    );
    for project in spec.projects {
        caller = caller.auditing(project);
    }
    Ok(caller)
}

/// Answers a `RetrieveArchiveEntries` request (the seed's JSON body) as the
/// caller described by `caller_json` (see [`CallerJson`]; `None`: an
/// administrator with the scope). A bad request fails with
/// [`ValidateStatus::BadRequest`] and the seed's 400 body in
/// [`BindError::body`].
pub fn archive_query(
    archive: &Archive,
    request: &str,
    caller_json: Option<&str>,
) -> BindResult<String> {
    let caller = caller(caller_json)?;
    let request = ArchiveRequest::from_json(request).map_err(ArchiveError::BadRequest)?;
    to_json(&archive.retrieve(&caller, &request)?)
}
