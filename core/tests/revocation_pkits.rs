//! NIST PKITS revocation cases (tests/conformance/pkits/pkits-dev.json):
//! every certificate of each test's known path is checked against the
//! test's CRLs in hard mode, with `additional_certs` offered as CRL signers;
//! the verdict (invalid when any certificate is not good) must equal the
//! expected one. Path validation itself is not involved.

use std::sync::Arc;

use der::referenced::OwnedToRef;

use validate::cert::DistinguishedName;
use validate::crypto::{DefaultVerifier, SignatureVerifier, SignerKey};
use validate::revocation::{
    Crl, RevocationMode, RevocationOptions, RevocationSigners, RevocationSources, RevocationStatus,
    check_revocation,
};
use validate::{Certificate, Timestamp};

const PKITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/pkits");

fn cert(name: &str) -> Arc<Certificate> {
    let path = format!("{PKITS}/data/certs/{name}");
    let der = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Arc::new(Certificate::from_der(&der).unwrap())
}

fn crl(name: &str) -> Crl {
    let path = format!("{PKITS}/data/crls/{name}");
    let der = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Crl::from_der(&der).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The test's certificates, playing the caller's role: candidates by
/// subject name, and signer validation by signature up to the anchor plus
/// the signer's own revocation status.
struct Pool<'a> {
    anchor: Arc<Certificate>,
    certs: Vec<Arc<Certificate>>,
    sources: &'a RevocationSources,
    options: &'a RevocationOptions,
}

impl Pool<'_> {
    fn validate_at_depth(&self, signer: &Certificate, depth: usize) -> bool {
        if signer == self.anchor.as_ref() {
            return true;
        }
        if depth > 6 {
            return false;
        }
        let verifier = DefaultVerifier::default();
        let issuers = std::iter::once(&self.anchor).chain(self.certs.iter());
        for issuer in issuers.filter(|c| c.subject().to_string() == signer.issuer().to_string()) {
            if issuer.as_ref() == signer {
                continue;
            }
            let key = SignerKey::from(issuer.public_key().spki());
            let ok = verifier
                .verify_signature(
                    &signer.signature_algorithm().owned_to_ref(),
                    &key,
                    signer.tbs_der(),
                    signer.signature(),
                )
                .is_ok();
            if !ok || !self.validate_at_depth(issuer, depth + 1) {
                continue;
            }
            let status = check_revocation(signer, issuer, self.sources, self.options, self);
            return status.is_good();
        }
        false
    }
}

impl RevocationSigners for Pool<'_> {
    fn candidates(&self, name: &DistinguishedName) -> Vec<Arc<Certificate>> {
        std::iter::once(&self.anchor)
            .chain(self.certs.iter())
            .filter(|c| c.subject().to_string() == name.to_string())
            .cloned()
            .collect()
    }

    fn validate(&self, signer: &Certificate, _time: Timestamp) -> bool {
        self.validate_at_depth(signer, 0)
    }

    fn inherited_dsa_parameters(&self, signer: &Certificate) -> Option<der::Any> {
        // The nearest issuer above with DSA parameters.
        let mut current = signer.clone();
        for _ in 0..8 {
            let issuer = std::iter::once(&self.anchor)
                .chain(self.certs.iter())
                .find(|c| c.subject().to_string() == current.issuer().to_string())?;
            if let Some(params) = issuer.public_key().spki().algorithm.parameters.clone() {
                return Some(params);
            }
            current = (**issuer).clone();
        }
        None
    }
}

struct Outcome {
    id: String,
    expected: String,
    got: String,
    statuses: Vec<RevocationStatus>,
}

fn run(filter: impl Fn(&serde_json::Value) -> bool) -> Vec<Outcome> {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{PKITS}/pkits-dev.json")).unwrap()).unwrap();
    let time: Timestamp = json["validation_time"].as_str().unwrap().parse().unwrap();
    let mut options = RevocationOptions::at(time);
    options.mode = RevocationMode::Hard;
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let mut out = Vec::new();
    for test in json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| filter(t))
    {
        let anchor = cert(test["trust_anchor"].as_str().unwrap());
        let path: Vec<_> = names(&test["certs"]).iter().map(|n| cert(n)).collect();
        let extra: Vec<_> = names(&test["additional_certs"])
            .iter()
            .map(|n| cert(n))
            .collect();
        let sources =
            RevocationSources::new().with_crls(names(&test["crls"]).iter().map(|n| crl(n)));
        let pool = Pool {
            anchor: anchor.clone(),
            certs: path.iter().chain(extra.iter()).cloned().collect(),
            sources: &sources,
            options: &options,
        };
        let mut statuses = Vec::new();
        for (i, c) in path.iter().enumerate() {
            let issuer = if i == 0 { &anchor } else { &path[i - 1] };
            statuses.push(check_revocation(c, issuer, &sources, &options, &pool));
        }
        let valid = statuses.iter().all(RevocationStatus::is_good);
        out.push(Outcome {
            id: format!(
                "{} {}",
                test["id"].as_str().unwrap(),
                test["name"].as_str().unwrap()
            ),
            expected: test["expected"].as_str().unwrap().to_string(),
            got: if valid { "valid" } else { "invalid" }.to_string(),
            statuses,
        });
    }
    out
}

fn report(outcomes: &[Outcome]) -> usize {
    let mut failed = 0;
    for o in outcomes {
        if std::env::var_os("PKITS_VERBOSE").is_some() {
            eprintln!("{} -> {}", o.id, o.got);
            for (i, s) in o.statuses.iter().enumerate() {
                eprintln!("    cert {i}: {s}");
            }
        }
        if o.expected != o.got {
            failed += 1;
            eprintln!("FAIL {}: expected {}, got {}", o.id, o.expected, o.got);
            for (i, s) in o.statuses.iter().enumerate() {
                eprintln!("    cert {i}: {s}");
            }
        }
    }
    eprintln!("{} of {} passed", outcomes.len() - failed, outcomes.len());
    failed
}

#[test]
fn pkits_revocation_cases() {
    let outcomes = run(|t| t["needs_revocation"].as_bool() == Some(true));
    assert_eq!(outcomes.len(), 37);
    assert_eq!(report(&outcomes), 0);
}

/// Tests whose verdict does not depend on revocation and that PKITS expects
/// to be valid: every certificate must be good (no false revocations or
/// unknowns from the CRLs PKITS supplies).
#[test]
fn pkits_valid_paths_are_good() {
    let outcomes = run(|t| {
        t["needs_revocation"].as_bool() == Some(false) && t["expected"].as_str() == Some("valid")
    });
    assert!(outcomes.len() > 30, "{}", outcomes.len());
    assert_eq!(report(&outcomes), 0);
}
