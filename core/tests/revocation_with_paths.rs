//! PKITS end to end: the path engine (`validate_path`) builds and validates
//! each test's path, then every certificate of the built chain but the
//! anchor is checked with `check_revocation` in hard mode against the test's
//! CRLs; CRL signers other than the issuer are validated with the path
//! engine too (and their own revocation status). The verdict — path valid
//! and every status good — must equal PKITS's for all of pkits-dev.json.
//! This is how the path code is meant to wire revocation in.

use std::sync::Arc;

use der::asn1::ObjectIdentifier;
use validate::cert::DistinguishedName;
use validate::crypto::DefaultVerifier;
use validate::path::{
    CertificatePool, PathValidation, TrustStore, ValidationOptions, validate_path,
};
use validate::revocation::{
    Crl, RevocationMode, RevocationOptions, RevocationSigners, RevocationSources, RevocationStatus,
    check_revocation,
};
use validate::{Certificate, Timestamp};

const PKITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/pkits");

fn cert(name: &str) -> Certificate {
    Certificate::from_der(&std::fs::read(format!("{PKITS}/data/certs/{name}")).unwrap()).unwrap()
}

struct Validation<'a> {
    pool: CertificatePool,
    anchors: TrustStore,
    options: ValidationOptions,
    sources: &'a RevocationSources,
    revocation: RevocationOptions,
}

impl Validation<'_> {
    /// Path validation, then revocation of the chain: (path result, statuses).
    fn run(&self, leaf: &Certificate, depth: usize) -> (PathValidation, Vec<RevocationStatus>) {
        let result = validate_path(
            leaf,
            &self.pool,
            &self.anchors,
            &self.options,
            &DefaultVerifier::default(),
        );
        let mut statuses = Vec::new();
        if result.valid {
            let signers = Signers {
                validation: self,
                depth,
                chain: &result.chain,
            };
            for pair in result.chain.windows(2) {
                statuses.push(check_revocation(
                    &pair[0],
                    &pair[1],
                    self.sources,
                    &self.revocation,
                    &signers,
                ));
            }
        }
        (result, statuses)
    }
}

struct Signers<'a, 'b> {
    validation: &'a Validation<'b>,
    depth: usize,
    /// The chain whose certificates are being checked: a signer on it is
    /// validated already (its own revocation is checked in the same loop).
    chain: &'a [Arc<Certificate>],
}

impl RevocationSigners for Signers<'_, '_> {
    fn candidates(&self, name: &DistinguishedName) -> Vec<Arc<Certificate>> {
        self.validation
            .pool
            .certificates()
            .iter()
            .filter(|c| c.subject().to_string() == name.to_string())
            .cloned()
            .collect()
    }

    fn validate(&self, signer: &Certificate, _time: Timestamp) -> bool {
        // PKITS 4.13.19: a self-issued certificate's CRL is signed by the CA
        // certificate above it, which is on the validated chain.
        if self.chain.iter().any(|c| c.as_ref() == signer) {
            return true;
        }
        if self.depth >= 3 {
            return false;
        }
        let (result, statuses) = self.validation.run(signer, self.depth + 1);
        result.valid && statuses.iter().all(RevocationStatus::is_good)
    }

    fn inherited_dsa_parameters(&self, signer: &Certificate) -> Option<der::Any> {
        let (result, _) = self.validation.run(signer, usize::MAX);
        result
            .chain
            .iter()
            .skip(1)
            .find_map(|c| c.public_key().spki().algorithm.parameters.clone())
    }
}

#[test]
fn pkits_dev_paths_with_revocation() {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{PKITS}/pkits-dev.json")).unwrap()).unwrap();
    let time: Timestamp = json["validation_time"].as_str().unwrap().parse().unwrap();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let (mut agreed, mut revocation_cases, mut problems) = (0, 0, Vec::new());
    for test in json["tests"].as_array().unwrap() {
        let id = test["id"].as_str().unwrap();
        let certs: Vec<Certificate> = names(&test["certs"]).iter().map(|n| cert(n)).collect();
        let extra: Vec<Certificate> = names(&test["additional_certs"])
            .iter()
            .map(|n| cert(n))
            .collect();
        let leaf = certs.last().unwrap().clone();
        let anchor = cert(test["trust_anchor"].as_str().unwrap());
        let sources = RevocationSources::new().with_crls(names(&test["crls"]).iter().map(|n| {
            Crl::from_der(&std::fs::read(format!("{PKITS}/data/crls/{n}")).unwrap()).unwrap()
        }));
        let settings = &test["settings"];
        let mut options = ValidationOptions::at(time);
        options.reject_weak_algorithms = false;
        options.initial_policy_set = names(&settings["initial_policy_set"])
            .iter()
            .map(|o| o.parse::<ObjectIdentifier>().unwrap())
            .filter(|o| o.to_string() != "2.5.29.32.0")
            .collect();
        options.require_explicit_policy = settings["initial_explicit_policy"].as_bool().unwrap();
        options.inhibit_policy_mapping = settings["initial_policy_mapping_inhibit"]
            .as_bool()
            .unwrap();
        options.inhibit_any_policy = settings["initial_inhibit_any_policy"].as_bool().unwrap();
        let mut revocation = RevocationOptions::at(time);
        revocation.mode = RevocationMode::Hard;
        revocation.offline = true;
        let validation = Validation {
            pool: CertificatePool::from_certificates(certs.into_iter().chain(extra)),
            anchors: TrustStore::from_certificates([anchor]),
            options,
            sources: &sources,
            revocation,
        };
        let (result, statuses) = validation.run(&leaf, 0);
        let valid = result.valid && statuses.iter().all(RevocationStatus::is_good);
        let expected = test["expected"].as_str() == Some("valid");
        if test["needs_revocation"].as_bool() == Some(true) {
            revocation_cases += 1;
        }
        if valid == expected {
            agreed += 1;
        } else {
            let statuses: Vec<String> = statuses.iter().map(ToString::to_string).collect();
            let findings: Vec<String> = result.errors().map(|f| f.detail.clone()).collect();
            problems.push(format!(
                "{id} {}: expected {expected}, path valid {} {findings:?}, revocation {statuses:?}",
                test["name"].as_str().unwrap_or_default(),
                result.valid
            ));
        }
    }
    eprintln!(
        "PKITS with revocation: {agreed} agree ({revocation_cases} need revocation), {} disagree",
        problems.len()
    );
    for p in &problems {
        eprintln!("  {p}");
    }
    assert!(problems.is_empty());
}
