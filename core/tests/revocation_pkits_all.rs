//! Every PKITS test of the revocation sections (4.4 basic revocation, 4.5
//! self-issued CRL signing keys, 4.7 cRLSign, 4.14 distribution points and
//! indirect CRLs, 4.15 delta CRLs), including those not in pkits-dev.json:
//! each test is found by its end-entity certificate's name, its path built
//! by name and signature up to the trust anchor, and every certificate of
//! the path checked in hard mode against all PKITS CRLs, with all PKITS
//! certificates offered as CRL signers. PKITS's Valid/Invalid name prefix is
//! the expected verdict; EXCEPTIONS lists the tests whose expected failure
//! is not a revocation matter (path validation finds it), each with why.

use std::sync::Arc;

use der::referenced::OwnedToRef;
use validate::cert::DistinguishedName;
use validate::crypto::{DefaultVerifier, SignatureVerifier, SignerKey};
use validate::revocation::{
    Crl, RevocationMode, RevocationOptions, RevocationSigners, RevocationSources, RevocationStatus,
    check_revocation,
};
use validate::{Certificate, Timestamp};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/conformance/pkits/data"
);

/// Name fragments of the end-entity certificates of the revocation tests.
const REVOCATION_TESTS: &[&str] = &[
    "MissingCRL",
    "RevokedCA",
    "RevokedEE",
    "BadCRLSignature",
    "BadCRLIssuerName",
    "WrongCRL",
    "TwoCRLs",
    "UnknownCRLEntryExtension",
    "UnknownCRLExtension",
    "OldCRLnextUpdate",
    "pre2000CRLnextUpdate",
    "GeneralizedTimeCRLnextUpdate",
    "NegativeSerialNumber",
    "LongSerialNumber",
    "SeparateCertificateandCRLKeys",
    "BasicSelfIssued",
    "cRLSignFalse",
    "distributionPoint",
    "NoissuingDistributionPoint",
    "onlyContains",
    "onlySomeReasons",
    "IDPwithindirectCRL",
    "cRLIssuer",
    "deltaCRL",
];

/// Expected-invalid tests whose failure is not in revocation data: path
/// validation rejects them. (The revocation checker still runs on their
/// certificates; it must just not be what makes them invalid.)
const EXCEPTIONS: &[(&str, &str)] = &[(
    "InvalidBasicSelfIssuedCRLSigningKeyTest8EE",
    "4.5.8: the end entity is issued by the self-issued CRL-signing certificate, whose keyUsage \
     is cRLSign only (no keyCertSign) and which has no basicConstraints: RFC 5280 6.1.4 (k), (n) \
     reject the path; every certificate on it is unrevoked",
)];

struct Pkits {
    anchor: Arc<Certificate>,
    certs: Vec<Arc<Certificate>>,
    files: Vec<(String, Arc<Certificate>)>,
    sources: RevocationSources,
    options: RevocationOptions,
}

impl Pkits {
    fn load() -> Self {
        let mut certs = Vec::new();
        let mut files = Vec::new();
        let mut anchor = None;
        for entry in std::fs::read_dir(format!("{DATA}/certs")).unwrap() {
            let path = entry.unwrap().path();
            let cert = Arc::new(Certificate::from_der(&std::fs::read(&path).unwrap()).unwrap());
            if path.file_name().unwrap() == "TrustAnchorRootCertificate.crt" {
                anchor = Some(cert.clone());
            }
            files.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                cert.clone(),
            ));
            certs.push(cert);
        }
        let mut crls = Vec::new();
        for entry in std::fs::read_dir(format!("{DATA}/crls")).unwrap() {
            let path = entry.unwrap().path();
            crls.push(
                Crl::from_der(&std::fs::read(&path).unwrap())
                    .unwrap_or_else(|e| panic!("{path:?}: {e}")),
            );
        }
        let mut options = RevocationOptions::at("2011-04-15T00:00:00Z".parse().unwrap());
        options.mode = RevocationMode::Hard;
        options.offline = true;
        Pkits {
            anchor: anchor.unwrap(),
            certs,
            files,
            sources: RevocationSources::new().with_crls(crls),
            options,
        }
    }

    fn verifies(subject: &Certificate, issuer: &Certificate) -> bool {
        let key = SignerKey::from(issuer.public_key().spki());
        DefaultVerifier::default()
            .verify_signature(
                &subject.signature_algorithm().owned_to_ref(),
                &key,
                subject.tbs_der(),
                subject.signature(),
            )
            .is_ok()
    }

    /// Paths from `cert` up to the anchor (anchor last), by name and
    /// signature, at most `depth` deep.
    fn paths(&self, cert: &Arc<Certificate>, depth: usize) -> Vec<Vec<Arc<Certificate>>> {
        if cert == &self.anchor {
            return vec![vec![cert.clone()]];
        }
        if depth == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for issuer in self.certs.iter().filter(|c| {
            c.subject().to_string() == cert.issuer().to_string()
                && *c != cert
                && Self::verifies(cert, c)
        }) {
            for mut path in self.paths(issuer, depth - 1) {
                path.insert(0, cert.clone());
                out.push(path);
            }
        }
        out
    }

    /// Statuses of every certificate but the anchor of `path`.
    fn check_path(&self, path: &[Arc<Certificate>], depth: usize) -> Vec<RevocationStatus> {
        let signers = Signers { pkits: self, depth };
        (0..path.len() - 1)
            .map(|i| {
                check_revocation(
                    &path[i],
                    &path[i + 1],
                    &self.sources,
                    &self.options,
                    &signers,
                )
            })
            .collect()
    }
}

struct Signers<'a> {
    pkits: &'a Pkits,
    depth: usize,
}

impl RevocationSigners for Signers<'_> {
    fn candidates(&self, name: &DistinguishedName) -> Vec<Arc<Certificate>> {
        self.pkits
            .certs
            .iter()
            .filter(|c| c.subject().to_string() == name.to_string())
            .cloned()
            .collect()
    }

    fn validate(&self, signer: &Certificate, _time: Timestamp) -> bool {
        if self.depth > 4 {
            return false;
        }
        let signer = Arc::new(signer.clone());
        self.pkits.paths(&signer, 6).iter().any(|path| {
            self.pkits
                .check_path(path, self.depth + 1)
                .iter()
                .all(RevocationStatus::is_good)
        })
    }
}

#[test]
fn pkits_revocation_sections_all_tests() {
    let pkits = Pkits::load();
    let mut tests: Vec<_> = pkits
        .files
        .iter()
        .filter(|(file, _)| {
            (file.starts_with("Valid") || file.starts_with("Invalid"))
                && file.ends_with("EE.crt")
                && REVOCATION_TESTS.iter().any(|t| file.contains(t))
                // Section 4.6 and 4.8 tests with self-issued certificates.
                && !file.contains("SelfIssuedinhibit")
                && !file.contains("SelfIssuedpathLen")
                && !file.contains("SelfIssuedrequireExplicit")
        })
        .cloned()
        .collect();
    tests.sort_by(|a, b| a.0.cmp(&b.0));
    let (mut passed, mut failed, mut excepted) = (0, Vec::new(), 0);
    for (name, ee) in &tests {
        let expected_valid = name.starts_with("Valid");
        let paths = pkits.paths(ee, 8);
        // Valid if any path's certificates are all good.
        let results: Vec<Vec<RevocationStatus>> =
            paths.iter().map(|p| pkits.check_path(p, 0)).collect();
        let valid = !paths.is_empty()
            && results
                .iter()
                .any(|r| r.iter().all(RevocationStatus::is_good));
        if std::env::var_os("PKITS_VERBOSE").is_some() {
            eprintln!("{name}: {} path(s)", paths.len());
            for statuses in &results {
                for status in statuses {
                    eprintln!(
                        "    {}",
                        status.to_string().chars().take(220).collect::<String>()
                    );
                }
            }
        }
        if valid == expected_valid {
            passed += 1;
            continue;
        }
        if let Some((_, why)) = EXCEPTIONS.iter().find(|(n, _)| name.contains(n)) {
            excepted += 1;
            eprintln!("EXCEPTION {name}: {why}");
            continue;
        }
        failed.push(name.clone());
        eprintln!(
            "FAIL {name}: expected {}, paths {}",
            if expected_valid { "valid" } else { "invalid" },
            paths.len()
        );
        for (path, statuses) in paths.iter().zip(&results) {
            for (cert, status) in path.iter().zip(statuses) {
                eprintln!("    {}: {status}", cert.subject());
            }
        }
    }
    eprintln!(
        "{passed} passed, {excepted} exceptions, {} failed of {} tests",
        failed.len(),
        tests.len()
    );
    assert!(failed.is_empty(), "{failed:?}");
    // An exception that passes is stale.
    assert_eq!(excepted, EXCEPTIONS.len());
    assert_eq!(tests.len(), 76);
}
