//! `validate chain`: build and validate a certification path for one certificate.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use validate::Timestamp;
use validate::cert::KeyUsage;
use validate::path::{CertificatePool, PathValidation, Profile, Purpose, TrustStore};
use validate::policy::ValidationPolicy;
use validate::report::ChainReport;
use validate::validator::{ChainOptions, Validator};

use crate::output::{Format, format_or_default};
use crate::{exit, input};

#[derive(Args)]
pub struct ChainArgs {
    /// The certificate to validate (the first certificate of the file).
    #[arg(long)]
    leaf: PathBuf,
    /// Trust anchors: files of one or many certificates.
    #[arg(long, required = true, num_args = 1..)]
    anchors: Vec<PathBuf>,
    /// Untrusted intermediate certificates offered for path building.
    #[arg(long, num_args = 1..)]
    intermediates: Vec<PathBuf>,
    /// CRL files (PEM or DER, one or many CRLs each).
    #[arg(long, num_args = 1..)]
    crls: Vec<PathBuf>,
    /// Revocation checking: none, soft (default) or hard.
    #[arg(long, value_enum, default_value_t = input::RevocationArg::Soft)]
    revocation: input::RevocationArg,
    /// Never fetch: use only the CRLs given.
    #[arg(long)]
    offline: bool,
    /// Validation time (RFC 3339); default now.
    #[arg(long)]
    at: Option<String>,
    /// Purposes the leaf must be valid for: any, code-signing, time-stamping,
    /// server-auth, client-auth or an OID.
    #[arg(long)]
    purpose: Vec<String>,
    /// Initial policy set OIDs (default anyPolicy).
    #[arg(long = "policy")]
    policies: Vec<String>,
    /// initial-explicit-policy (RFC 5280 6.1.1 (f)).
    #[arg(long)]
    require_explicit_policy: bool,
    /// initial-policy-mapping-inhibit (RFC 5280 6.1.1 (e)).
    #[arg(long)]
    inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit (RFC 5280 6.1.1 (g)).
    #[arg(long)]
    inhibit_any_policy: bool,
    /// DNS name or IP address the leaf's subjectAltName must match.
    #[arg(long)]
    peer_name: Option<String>,
    /// Most intermediate certificates allowed.
    #[arg(long)]
    max_depth: Option<usize>,
    /// Key usages the leaf must allow (digital-signature, non-repudiation, key-encipherment, ...).
    #[arg(long)]
    key_usage: Vec<String>,
    /// Certificate profile: rfc5280 (default) or webpki (CA/B Forum TLS rules).
    #[arg(long, value_enum, default_value_t = ProfileArg::Rfc5280)]
    profile: ProfileArg,
    /// Accept weak algorithms (SHA-1, RSA under 2048 bits), flagging them only.
    #[arg(long)]
    allow_weak: bool,
    /// Output format (default: text on a terminal, json otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Rfc5280,
    Webpki,
}

pub fn run(args: ChainArgs) -> ExitCode {
    match prepare(&args) {
        Ok((validator, leaf, intermediates, options, at)) => {
            let result = validator.validate_chain(&leaf, &intermediates, &options, at);
            if let Err(e) = print(&result, format_or_default(args.format)) {
                eprintln!("error: writing output: {e}");
                return ExitCode::from(exit::BAD_INPUT);
            }
            if result.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(exit::INVALID)
            }
        }
        Err(line) => {
            eprintln!("error: {line}");
            ExitCode::from(exit::BAD_INPUT)
        }
    }
}

type Prepared = (
    Validator,
    validate::Certificate,
    CertificatePool,
    ChainOptions,
    Timestamp,
);

/// The validator of the flags (a policy trusting `--anchors` with the
/// profile, algorithm rules and revocation level asked) and the chain's own options.
fn prepare(args: &ChainArgs) -> Result<Prepared, String> {
    let leaf = input::all_certificates(std::slice::from_ref(&args.leaf))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: no certificate", args.leaf.display()))?;
    let anchors = TrustStore::from_certificates(input::all_certificates(&args.anchors)?);
    let intermediates =
        CertificatePool::from_certificates(input::all_certificates(&args.intermediates)?);
    let at = match &args.at {
        Some(at) => at.parse::<Timestamp>().map_err(|e| format!("--at: {e}"))?,
        None => Timestamp::now(),
    };
    let mut policy = ValidationPolicy::new("chain", anchors);
    policy.profile = match args.profile {
        ProfileArg::Rfc5280 => Profile::Rfc5280,
        ProfileArg::Webpki => Profile::WebPki,
    };
    policy.allow_weak_algorithms = args.allow_weak;
    policy.level = args.revocation.level();
    let mut options = ChainOptions::default();
    options.purposes = Some(
        args.purpose
            .iter()
            .map(|p| p.parse::<Purpose>().map_err(|e| format!("--purpose: {e}")))
            .collect::<Result<_, _>>()?,
    );
    options.initial_policy_set = args
        .policies
        .iter()
        .map(|p| {
            p.parse()
                .map_err(|_| format!("--policy: '{p}' is not a dotted OID"))
        })
        .collect::<Result<_, _>>()?;
    options.require_explicit_policy = args.require_explicit_policy;
    options.inhibit_policy_mapping = args.inhibit_policy_mapping;
    options.inhibit_any_policy = args.inhibit_any_policy;
    options.peer_name = args.peer_name.clone();
    options.max_intermediates = args.max_depth;
    options.key_usage = args
        .key_usage
        .iter()
        .map(|k| key_usage_bit(k).ok_or_else(|| format!("--key-usage: unknown usage '{k}'")))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .fold(0, |a, b| a | b);
    let sources = input::revocation_sources(&args.crls, args.offline)?;
    let validator = Validator::new(policy).with_revocation_sources(sources);
    Ok((validator, leaf, intermediates, options, at))
}

fn key_usage_bit(name: &str) -> Option<u16> {
    Some(match name {
        "digital-signature" => KeyUsage::DIGITAL_SIGNATURE,
        "non-repudiation" | "content-commitment" => KeyUsage::NON_REPUDIATION,
        "key-encipherment" => KeyUsage::KEY_ENCIPHERMENT,
        "data-encipherment" => KeyUsage::DATA_ENCIPHERMENT,
        "key-agreement" => KeyUsage::KEY_AGREEMENT,
        "key-cert-sign" => KeyUsage::KEY_CERT_SIGN,
        "crl-sign" => KeyUsage::CRL_SIGN,
        "encipher-only" => KeyUsage::ENCIPHER_ONLY,
        "decipher-only" => KeyUsage::DECIPHER_ONLY,
        _ => return None,
    })
}

fn print(result: &PathValidation, format: Format) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &ChainReport::new(result))?;
            writeln!(out)?;
        }
        Format::Text => {
            writeln!(out, "valid: {}", if result.valid { "yes" } else { "no" })?;
            writeln!(out, "chain:")?;
            for (i, cert) in result.chain.iter().enumerate() {
                let anchor = if result.anchored && i + 1 == result.chain.len() {
                    " (trust anchor)"
                } else {
                    ""
                };
                writeln!(out, "  {i}: {}{anchor}", cert.subject())?;
            }
            writeln!(out, "status: {}", result.chain_flags())?;
            for f in &result.findings {
                let at = f
                    .certificate
                    .map_or_else(|| "path".to_string(), |i| format!("cert {i}"));
                writeln!(out, "  [{} {:?}] {at}: {}", f.code.code(), f.code, f.detail)?;
            }
        }
    }
    out.flush()
}
