//! `validate verify` and `validate request`: the seed's validation request
//! and report.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64ct::{Base64, Encoding};
use clap::Args;
use validate::Timestamp;
use validate::path::{CertificatePool, Purpose, TrustStore};
use validate::policy::ValidationPolicy;
use validate::report::ValidationReport;
use validate::request::{SignatureType, ValidationRequest};
use validate::validator::Validator;

use crate::output::{Format, format_or_default};
use crate::{exit, input};

/// Options shared by `verify` and `request`: where the policy comes from.
#[derive(Args)]
pub struct PolicyArgs {
    /// A policy file (JSON, docs/policy.md); paths in it are relative to the file.
    #[arg(long)]
    policy_file: Option<PathBuf>,
    /// Trust anchors, when no policy file is given.
    #[arg(long, num_args = 1..)]
    anchors: Vec<PathBuf>,
    /// Extra intermediates offered for path building.
    #[arg(long, num_args = 1..)]
    intermediates: Vec<PathBuf>,
    /// Purpose signer certificates must be valid for (default code-signing).
    #[arg(long)]
    purpose: Option<String>,
    /// Validation time (RFC 3339); default now.
    #[arg(long)]
    at: Option<String>,
    /// CRL files (PEM or DER).
    #[arg(long, num_args = 1..)]
    crls: Vec<PathBuf>,
    /// Revocation checking: none, soft or hard; sets the policy level to 1, 2 or 3
    /// (default: the policy's level).
    #[arg(long, value_enum)]
    revocation: Option<input::RevocationArg>,
    /// Never fetch: use only the CRLs given.
    #[arg(long)]
    offline: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The signature (or certificates for P7B / X509), DER, PEM or base64.
    #[arg(long, required_unless_present = "batch")]
    signature: Option<PathBuf>,
    /// Validate one request per line of this JSON-lines file (the `validate
    /// request` shape) on every core; one report per line, in input order.
    #[arg(long, conflicts_with_all = ["signature", "content", "signature_type", "certificate", "algorithm", "pdf_password"])]
    batch: Option<PathBuf>,
    /// Detached content.
    #[arg(long)]
    content: Option<PathBuf>,
    /// The seed's signatureType; detected when absent.
    #[arg(long = "type")]
    signature_type: Option<String>,
    /// The signer certificate (PKCS1).
    #[arg(long)]
    certificate: Option<PathBuf>,
    /// The PKCS#1 algorithm name (PKCS1).
    #[arg(long)]
    algorithm: Option<String>,
    /// The password of an encrypted PDF (PAdES).
    #[arg(long)]
    pdf_password: Option<String>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format (default: text on a terminal, json otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
}

#[derive(Args)]
pub struct RequestArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output format (default: text on a terminal, json otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
}

pub fn run_verify(args: VerifyArgs) -> ExitCode {
    let signature_path = match (&args.batch, &args.signature) {
        (Some(batch), _) => return crate::batch::run(batch, &args.policy),
        (None, Some(path)) => path.clone(),
        (None, None) => return bad_input("give --signature FILE or --batch FILE.jsonl"),
    };
    run_one(&args, &signature_path)
}

fn run_one(args: &VerifyArgs, signature_path: &Path) -> ExitCode {
    if let Some(code) = verify_pdf(args, signature_path) {
        return code;
    }
    if let Some(code) = crate::codesign::verify(
        signature_path,
        args.signature_type.as_deref(),
        &args.policy,
        args.format,
    ) {
        return code;
    }
    let prepared = (|| {
        let validator = load_validator(&args.policy)?;
        let at = time(&args.policy)?;
        let signature = input::read_file(signature_path)?;
        let signature_type = match &args.signature_type {
            Some(t) => t.clone(),
            None => SignatureType::detect(&signature, args.content.is_some())
                .map_err(|e| format!("{}: {e}", signature_path.display()))?
                .ok_or_else(|| {
                    format!(
                        "{}: neither a CMS signature nor certificates; give --type",
                        signature_path.display()
                    )
                })?
                .name()
                .to_string(),
        };
        Ok::<_, String>((validator, at, signature, signature_type))
    })();
    let (validator, at, signature, signature_type) = match prepared {
        Ok(p) => p,
        Err(line) => return bad_input(&line),
    };
    let kind = SignatureType::parse(&signature_type);
    // Detached CMS content is streamed from the file into the digest
    // (`Validator::verify_cms`, the report the CAdES-Explicit request
    // gives), never held whole, so it has no size limit.
    if let (Some(SignatureType::CadesExplicit), Some(path)) = (kind, args.content.as_deref()) {
        let mut file = match input::open_file(path) {
            Ok(f) => std::io::BufReader::with_capacity(1 << 20, f),
            Err(line) => return bad_input(&line),
        };
        return finish(
            &validator.verify_cms(&signature, Some(&mut file), at),
            format_or_default(args.format),
        );
    }
    // Detached XML content is streamed the same way
    // (`Validator::verify_xml_streamed`): read whole only by a Reference
    // whose transforms need it, within the XML size limit.
    if let (
        Some(kind @ (SignatureType::XadesEnveloped | SignatureType::XadesDetached)),
        Some(path),
    ) = (kind, args.content.as_deref())
    {
        let mut file = match input::open_file(path) {
            Ok(f) => f,
            Err(line) => return bad_input(&line),
        };
        return finish(
            &validator.verify_xml_streamed(&signature, &mut file, kind, at),
            format_or_default(args.format),
        );
    }
    let content = match args.content.as_deref().map(input::read_file).transpose() {
        Ok(c) => c,
        Err(line) => return bad_input(&line),
    };
    // XML signatures go to the Validator's method with the bytes as read:
    // the same report as the request (`validate_xades` decodes, then calls
    // the same verification), without base64 round trips of the content.
    if let Some(kind @ (SignatureType::XadesEnveloped | SignatureType::XadesDetached)) = kind {
        return finish(
            &validator.verify_xml(&signature, content.as_deref(), kind, at),
            format_or_default(args.format),
        );
    }
    let certificate = match args
        .certificate
        .as_deref()
        .map(input::read_file)
        .transpose()
    {
        Ok(c) => c,
        Err(line) => return bad_input(&line),
    };
    let request = ValidationRequest {
        signature_type,
        signature: Some(Base64::encode_string(&signature)),
        signed_text: content.as_deref().map(Base64::encode_string),
        signed_text_pack: content.as_ref().map(|_| "BASE64".to_string()),
        certificate: certificate.as_deref().map(Base64::encode_string),
        algorithm: args.algorithm.clone(),
        ..Default::default()
    };
    finish(
        &validator.validate(&request, at),
        format_or_default(args.format),
    )
}

/// A PDF (detected by its `%PDF-` header, or `--type PAdES`) is read
/// through `Read + Seek`, never whole; `None` for other inputs.
fn verify_pdf(args: &VerifyArgs, signature_path: &Path) -> Option<ExitCode> {
    let mut file = match std::fs::File::open(signature_path) {
        Ok(f) => f,
        Err(e) => return Some(bad_input(&format!("{}: {e}", signature_path.display()))),
    };
    let mut head = [0u8; 5];
    let n = file.read(&mut head).unwrap_or(0);
    let named = args
        .signature_type
        .as_deref()
        .and_then(SignatureType::parse)
        .map(|t| t == SignatureType::Pades);
    if named == Some(false) || (named.is_none() && !validate::pdf::looks_like_pdf(&head[..n])) {
        return None;
    }
    let validator = match load_validator(&args.policy) {
        Ok(v) => v,
        Err(line) => return Some(bad_input(&line)),
    };
    let at = match time(&args.policy) {
        Ok(t) => t,
        Err(line) => return Some(bad_input(&line)),
    };
    let mut reader = std::io::BufReader::new(file);
    let password = args.pdf_password.as_deref().map(str::as_bytes);
    Some(finish(
        &validator.verify_pdf(&mut reader, password, at),
        format_or_default(args.format),
    ))
}

/// Largest request read on standard input: a base64 PDF of 128 MiB fits.
const MAX_REQUEST: usize = 192 * 1024 * 1024;

pub fn run_request(args: RequestArgs) -> ExitCode {
    let prepared = (|| {
        let validator = load_validator(&args.policy)?;
        let at = time(&args.policy)?;
        let json = validate::read_limited(std::io::stdin(), MAX_REQUEST, "a validation request")
            .map_err(|e| format!("standard input: {e}"))?;
        let json =
            String::from_utf8(json).map_err(|e| format!("standard input: not UTF-8: {e}"))?;
        Ok::<_, String>((validator, json, at))
    })();
    match prepared {
        Ok((validator, json, at)) => finish(
            &validator.validate_json(&json, at),
            format_or_default(args.format),
        ),
        Err(line) => bad_input(&line),
    }
}

/// Prints the report; exit 0 when acceptable, 1 when the validation
/// failed, 2 when the request itself could not be processed.
pub(crate) fn finish(report: &ValidationReport, format: Format) -> ExitCode {
    let printed = (|| {
        let mut out = std::io::stdout().lock();
        match format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut out, report)?;
                writeln!(out)?;
            }
            Format::Text => crate::report_text::write(&mut out, report)?,
        }
        out.flush()
    })();
    if let Err(e) = printed {
        return bad_input(&format!("writing output: {e}"));
    }
    if report.is_acceptable() {
        ExitCode::SUCCESS
    } else if report.policy.is_none() {
        ExitCode::from(exit::BAD_INPUT)
    } else {
        ExitCode::from(exit::INVALID)
    }
}

pub(crate) fn bad_input(line: &str) -> ExitCode {
    eprintln!("error: {line}");
    ExitCode::from(exit::BAD_INPUT)
}

pub(crate) fn time(args: &PolicyArgs) -> Result<Timestamp, String> {
    match &args.at {
        Some(at) => at.parse::<Timestamp>().map_err(|e| format!("--at: {e}")),
        None => Ok(Timestamp::now()),
    }
}

pub(crate) fn load_validator(args: &PolicyArgs) -> Result<Validator, String> {
    let mut policy = match &args.policy_file {
        Some(path) => load_policy_file(path)?,
        None => ValidationPolicy::new(
            "default",
            TrustStore::from_certificates(input::all_certificates(&args.anchors)?),
        ),
    };
    let extra = input::all_certificates(&args.intermediates)?;
    let mut pool: CertificatePool = policy.intermediates.clone();
    for cert in extra {
        pool.add(std::sync::Arc::new(cert));
    }
    policy.intermediates = pool;
    if let Some(purpose) = &args.purpose {
        policy.purpose = purpose
            .parse::<Purpose>()
            .map_err(|e| format!("--purpose: {e}"))?;
    }
    if let Some(revocation) = args.revocation {
        policy.level = revocation.level();
    }
    let sources = input::revocation_sources(&args.crls, args.offline)?;
    Ok(Validator::new(policy).with_revocation_sources(sources))
}

fn load_policy_file(path: &Path) -> Result<ValidationPolicy, String> {
    // One loader for the CLI and the server's tenants.
    validate_server::load_policy_file(path)
}
