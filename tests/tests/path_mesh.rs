//! The generated-mesh suite of path building (docs/paths.md): pools an
//! attacker who can add certificates might build, each with the answer
//! path building must give within the one work budget of a validation.
//!
//! Every case asserts found / not found, a bound on the signature checks
//! used and the peak heap of the validation (under 256 MiB, the fuzzers'
//! memory limit), never time. Each prints one `MESH` line (found, signature
//! checks, CPU time and peak heap of the validation, chain length);
//! docs/paths.md records those
//! lines from a release run:
//! `MESH_REPEAT=20 cargo test --release -p validate-tests --test path_mesh -- --nocapture --test-threads 1`.
//!
//! Certificates are minted in the test (tests/src/mint.rs: P-256 keys
//! derived from a seed, ECDSA-SHA256), valid 2020-2040.

use std::sync::Arc;
use std::time::Duration;

use der::Encode;
use der::asn1::{Ia5String, ObjectIdentifier};
use validate::crypto::DefaultVerifier;
use validate::path::{
    Budget, CertificatePool, PathValidation, ResultCode, TrustStore, ValidationOptions,
    validate_path, validate_path_with_revocation,
};
use validate::revocation::{Crl, RevocationMode, RevocationSources};
use validate::{Certificate, Timestamp};
use validate_tests::heap::{Counting, Peak};
use validate_tests::mint::{Issuer, Spec, crl, extension, issue, issue_with};
use x509_cert::ext::pkix::constraints::name::{GeneralSubtree, NameConstraints};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    CertificatePolicies, PolicyMapping, PolicyMappings, SubjectAltName,
    certpolicy::PolicyInformation,
};

#[global_allocator]
static HEAP: Counting = Counting;

/// The memory limit of one validation (the fuzzers' `-rss_limit_mb=256`).
const MAX_HEAP: usize = 256 << 20;

fn cert(der: &[u8]) -> Arc<Certificate> {
    Arc::new(Certificate::from_der(der).expect("minted certificate"))
}

fn at() -> ValidationOptions {
    ValidationOptions::at(Timestamp::from_unix_seconds(1_700_000_000))
}

/// CPU time of this thread (Linux `schedstat`: nanoseconds on the CPU).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// Runs one validation and prints its `MESH` line.
fn run(
    case: &str,
    leaf: &Certificate,
    pool: &CertificatePool,
    anchors: &TrustStore,
    options: &ValidationOptions,
    sources: &RevocationSources,
) -> PathValidation {
    // MESH_REPEAT=n runs the validation n times and reports the mean CPU
    // time (the thread clock ticks in milliseconds on some kernels).
    let repeat: u32 = std::env::var("MESH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let heap = Peak::start();
    let started = thread_cpu();
    let result = validate_path_with_revocation(
        leaf,
        pool,
        anchors,
        options,
        &DefaultVerifier::default(),
        sources,
    );
    for _ in 1..repeat {
        // Fresh sources each time: a warm memo of CRL signatures would
        // make the repeats cheaper than the first run.
        let fresh = sources.extended_with_crls([]);
        validate_path_with_revocation(
            leaf,
            pool,
            anchors,
            options,
            &DefaultVerifier::default(),
            &fresh,
        );
    }
    let cpu = thread_cpu().saturating_sub(started) / repeat;
    let peak = heap.bytes();
    eprintln!(
        "MESH {case}: pool {} | {} | {} signature checks | {:.1} ms CPU | {:.2} MiB peak heap | chain {} | {} paths rejected",
        pool.len(),
        if result.valid { "found" } else { "not found" },
        result.signature_checks,
        cpu.as_secs_f64() * 1000.0,
        peak as f64 / f64::from(1 << 20),
        result.chain.len(),
        result.rejected_paths,
    );
    assert!(peak < MAX_HEAP, "{case}: {peak} bytes of heap");
    result
}

fn exhausted(result: &PathValidation) -> usize {
    result
        .findings
        .iter()
        .filter(|f| f.code == ResultCode::BudgetExhausted)
        .count()
}

fn root(name: &str, seed: u64) -> (Issuer, TrustStore) {
    let root = Issuer::new(name, seed);
    let anchors =
        TrustStore::from_certificates([
            Certificate::from_der(&issue(&root, &root, 1, true)).expect("root")
        ]);
    (root, anchors)
}

/// (a) `n` mutually cross-signed CAs (n(n-1) certificates) and one
/// certificate of CA 0 from the anchor, added last: leaf <- CA n-1 (by CA
/// 0) <- CA 0 (by the root) <- root.
fn cross_signed_mesh(n: u64) {
    let (root, anchors) = root("CN=Mesh Root", 10_000);
    let cas: Vec<Issuer> = (0..n)
        .map(|i| Issuer::new(&format!("CN=Mesh CA {i}"), i + 1))
        .collect();
    let mut pool = CertificatePool::new();
    for (i, subject) in cas.iter().enumerate() {
        for (j, issuer) in cas.iter().enumerate() {
            if i != j {
                pool.add(cert(&issue(
                    subject,
                    issuer,
                    (i * 100 + j) as u64 + 1,
                    true,
                )));
            }
        }
    }
    assert_eq!(pool.len() as u64, n * (n - 1));
    pool.add(cert(&issue(&cas[0], &root, 99_999, true)));
    let last = &cas[(n - 1) as usize];
    let leaf = cert(&issue(&Issuer::new("CN=leaf", 1000), last, 1, false));

    let result = run(
        &format!("(a) {n} cross-signed CAs, anchored through CA 0"),
        &leaf,
        &pool,
        &anchors,
        &at(),
        &RevocationSources::new(),
    );
    assert!(result.valid, "{:?}", result.findings);
    assert_eq!(result.chain.len(), 4, "leaf, two intermediates, anchor");
    assert!(
        result.signature_checks <= 6,
        "{} checks",
        result.signature_checks
    );

    // The control of the issue: given only the two intermediates, the same.
    let two = CertificatePool::from_certificates([
        Certificate::from_der(&issue(last, &cas[0], 1, true)).expect("ca"),
        Certificate::from_der(&issue(&cas[0], &root, 2, true)).expect("ca"),
    ]);
    let control = validate_path(&leaf, &two, &anchors, &at(), &DefaultVerifier::default());
    assert!(control.valid, "{:?}", control.findings);
    assert_eq!(control.signature_checks, 3);

    // Without the anchored certificate the mesh is searched until the
    // budget runs out: one finding, the checks within the budget.
    let mut unanchored = CertificatePool::new();
    for c in pool.certificates().iter().take((n * (n - 1)) as usize) {
        unanchored.add(Arc::clone(c));
    }
    let result = run(
        &format!("(a) {n} cross-signed CAs, no path to the anchor"),
        &leaf,
        &unanchored,
        &anchors,
        &at(),
        &RevocationSources::new(),
    );
    assert!(!result.valid);
    assert_eq!(exhausted(&result), 1, "{:?}", result.findings);
    assert!(result.signature_checks <= Budget::default().signature_checks);
}

#[test]
fn a_mesh_of_20_cross_signed_cas_hides_no_path() {
    cross_signed_mesh(20);
}

#[test]
fn a_mesh_of_40_cross_signed_cas_hides_no_path() {
    cross_signed_mesh(40);
}

/// (b) 300 CAs with the issuing CA's name and their own keys, before the
/// right one; the leaf has no authorityKeyIdentifier.
fn same_name_flood(decoys_from_the_anchor: bool) -> PathValidation {
    let (root, anchors) = root("CN=Flood Root", 10_000);
    let mut pool = CertificatePool::new();
    for i in 0..300u64 {
        let decoy = Issuer::new("CN=Flood CA", 20_000 + i);
        let der = if decoys_from_the_anchor {
            // Genuine CAs of the same name, each certified by the anchor.
            issue(&decoy, &root, 100 + i, true)
        } else {
            // Forged: the anchor's name as issuer, the decoy's own signature.
            let mut spec = Spec::new(100 + i, true);
            spec.issuer_name = Some("CN=Flood Root".into());
            issue_with(&decoy, &decoy, &spec)
        };
        pool.add(cert(&der));
    }
    let right = Issuer::new("CN=Flood CA", 30_000);
    pool.add(cert(&issue(&right, &root, 2, true)));
    let mut spec = Spec::new(3, false);
    spec.aki = false;
    let leaf = cert(&issue_with(&Issuer::new("CN=leaf", 1000), &right, &spec));
    let case = if decoys_from_the_anchor {
        "(b) 300 same-name CAs certified by the anchor, leaf without AKI"
    } else {
        "(b) 300 same-name CAs claiming the anchor as issuer, leaf without AKI"
    };
    run(
        case,
        &leaf,
        &pool,
        &anchors,
        &at(),
        &RevocationSources::new(),
    )
}

#[test]
fn a_flood_of_300_same_name_cas_hides_no_path() {
    for from_anchor in [false, true] {
        let result = same_name_flood(from_anchor);
        assert!(result.valid, "{:?}", result.findings);
        assert_eq!(result.chain.len(), 3);
        // One for the key recovered from the leaf's signature (one curve),
        // one each for the leaf and the right CA.
        assert!(
            result.signature_checks <= 4,
            "{} checks",
            result.signature_checks
        );
    }
}

/// (c) A chain of `k` intermediates, CA 0 certified by the anchor, the
/// pool in reverse order.
fn long_chain(k: u64) -> PathValidation {
    let (root, anchors) = root("CN=Chain Root", 10_000);
    let cas: Vec<Issuer> = (0..k)
        .map(|i| Issuer::new(&format!("CN=Chain CA {i}"), i + 1))
        .collect();
    let mut certs = vec![cert(&issue(&cas[0], &root, 1, true))];
    for i in 1..k as usize {
        certs.push(cert(&issue(&cas[i], &cas[i - 1], i as u64 + 1, true)));
    }
    let mut pool = CertificatePool::new();
    for c in certs.into_iter().rev() {
        pool.add(c);
    }
    let leaf = cert(&issue(
        &Issuer::new("CN=leaf", 1000),
        &cas[k as usize - 1],
        1,
        false,
    ));
    run(
        &format!("(c) a chain of {k} intermediates"),
        &leaf,
        &pool,
        &anchors,
        &at(),
        &RevocationSources::new(),
    )
}

#[test]
fn long_chains_within_the_depth_are_found_and_longer_ones_stop() {
    // 14 intermediates: 16 certificates with the leaf and the anchor, the
    // depth of the default budget.
    let result = long_chain(14);
    assert!(result.valid, "{:?}", result.findings);
    assert_eq!(result.chain.len(), 16);
    assert_eq!(result.signature_checks, 15);

    let result = long_chain(40);
    assert!(!result.valid);
    assert_eq!(exhausted(&result), 1, "{:?}", result.findings);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.detail.contains("certificates in a path"))
    );
    assert!(result.signature_checks <= 16);
}

fn dns(name: &str) -> GeneralName {
    GeneralName::DnsName(Ia5String::new(name).expect("ia5"))
}

fn name_constraints(permitted: &[String]) -> der::Result<Vec<u8>> {
    NameConstraints {
        permitted_subtrees: Some(
            permitted
                .iter()
                .map(|p| GeneralSubtree {
                    base: dns(p),
                    minimum: 0,
                    maximum: None,
                })
                .collect(),
        ),
        excluded_subtrees: None,
    }
    .to_der()
}

fn san(names: &[String]) -> Vec<u8> {
    SubjectAltName(names.iter().map(|n| dns(n)).collect())
        .to_der()
        .expect("san")
}

/// (d) A CA with `subtrees` permitted dNSName subtrees and a leaf with
/// `names` names, each in the last subtree: `names * subtrees` comparisons.
fn huge_name_constraints(subtrees: usize, names: usize) -> PathValidation {
    let (root, anchors) = root("CN=NC Root", 10_000);
    let ca = Issuer::new("CN=NC CA", 1);
    let permitted: Vec<String> = (0..subtrees).map(|i| format!("h{i}.example")).collect();
    let mut spec = Spec::new(2, true);
    spec.extensions.push(extension(
        "2.5.29.30",
        true,
        name_constraints(&permitted).expect("nc"),
    ));
    let pool =
        CertificatePool::from_certificates([
            Certificate::from_der(&issue_with(&ca, &root, &spec)).expect("ca")
        ]);
    let last = &permitted[subtrees - 1];
    let sans: Vec<String> = (0..names).map(|j| format!("n{j}.{last}")).collect();
    let mut spec = Spec::new(3, false);
    spec.extensions
        .push(extension("2.5.29.17", false, san(&sans)));
    let leaf = cert(&issue_with(&Issuer::new("CN=leaf", 1000), &ca, &spec));
    run(
        &format!("(d) {subtrees} permitted subtrees x {names} names"),
        &leaf,
        &pool,
        &anchors,
        &at(),
        &RevocationSources::new(),
    )
}

#[test]
fn huge_name_constraint_sets_are_checked_within_the_budget() {
    // 2,000 x 100 = 200,000 comparisons: under the 250,000 of the budget.
    let result = huge_name_constraints(2_000, 100);
    assert!(result.valid, "{:?}", result.findings);
    assert_eq!(result.signature_checks, 2);
    // 2,000 x 200 = 400,000: over it; one finding.
    let result = huge_name_constraints(2_000, 200);
    assert!(!result.valid);
    assert_eq!(exhausted(&result), 1, "{:?}", result.findings);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.detail.contains("name-constraint budget exhausted")),
        "{:?}",
        result.findings
    );
}

/// The name-constraint budget is one for all candidate paths: a CA with
/// 1,000 subtrees reached through three cross-certificates, a leaf with
/// 120 names of which the last is outside them. Each path costs 120,000
/// comparisons and is rejected; the third would pass the 250,000 of the
/// validation.
#[test]
fn name_constraint_comparisons_are_one_budget_over_all_paths() {
    let (root, anchors) = root("CN=NC Root", 10_000);
    let ca = Issuer::new("CN=NC CA", 1);
    let permitted: Vec<String> = (0..1_000).map(|i| format!("h{i}.example")).collect();
    let mut pool = CertificatePool::new();
    for x in 0..3u64 {
        let bridge = Issuer::new(&format!("CN=Bridge {x}"), 100 + x);
        pool.add(cert(&issue(&bridge, &root, 10 + x, true)));
        let mut spec = Spec::new(20 + x, true);
        spec.extensions.push(extension(
            "2.5.29.30",
            true,
            name_constraints(&permitted).expect("nc"),
        ));
        pool.add(cert(&issue_with(&ca, &bridge, &spec)));
    }
    let mut sans: Vec<String> = (0..119).map(|j| format!("n{j}.h999.example")).collect();
    sans.push("outside.test".into());
    let mut spec = Spec::new(3, false);
    spec.extensions
        .push(extension("2.5.29.17", false, san(&sans)));
    let leaf = cert(&issue_with(&Issuer::new("CN=leaf", 1000), &ca, &spec));
    let result = run(
        "(d) 3 paths x 1000 subtrees x 120 names, one name outside",
        &leaf,
        &pool,
        &anchors,
        &at(),
        &RevocationSources::new(),
    );
    assert!(!result.valid);
    assert_eq!(exhausted(&result), 1, "{:?}", result.findings);
    assert_eq!(
        result.rejected_paths, 3,
        "the third path stops at the budget"
    );
}

fn policy(level: usize, i: usize) -> ObjectIdentifier {
    ObjectIdentifier::new(&format!("1.3.6.1.4.1.55555.{level}.{i}")).expect("oid")
}

/// (e) `depth` CAs, each asserting `k` policies and mapping each of them
/// to each of the `k` policies of the next level (k*k mappings): a policy
/// tree of k + k^2 + ... + k^depth nodes (RFC 5280 6.1.3 (d), 6.1.4 (b)).
fn policy_mapping_mesh(k: usize, depth: usize) -> PathValidation {
    let (root, anchors) = root("CN=Policy Root", 10_000);
    let cas: Vec<Issuer> = (0..depth)
        .map(|i| Issuer::new(&format!("CN=Policy CA {i}"), i as u64 + 1))
        .collect();
    let mut pool = CertificatePool::new();
    for level in 0..depth {
        let policies = CertificatePolicies(
            (0..k)
                .map(|i| PolicyInformation {
                    policy_identifier: policy(level, i),
                    policy_qualifiers: None,
                })
                .collect(),
        );
        let mappings = PolicyMappings(
            (0..k)
                .flat_map(|a| {
                    (0..k).map(move |b| PolicyMapping {
                        issuer_domain_policy: policy(level, a),
                        subject_domain_policy: policy(level + 1, b),
                    })
                })
                .collect(),
        );
        let mut spec = Spec::new(level as u64 + 2, true);
        spec.extensions.push(extension(
            "2.5.29.32",
            false,
            policies.to_der().expect("policies"),
        ));
        spec.extensions.push(extension(
            "2.5.29.33",
            true,
            mappings.to_der().expect("mappings"),
        ));
        let issuer = if level == 0 { &root } else { &cas[level - 1] };
        pool.add(cert(&issue_with(&cas[level], issuer, &spec)));
    }
    let mut spec = Spec::new(1, false);
    spec.extensions.push(extension(
        "2.5.29.32",
        false,
        CertificatePolicies(vec![PolicyInformation {
            policy_identifier: policy(depth, 0),
            policy_qualifiers: None,
        }])
        .to_der()
        .expect("policies"),
    ));
    let leaf = cert(&issue_with(
        &Issuer::new("CN=leaf", 1000),
        &cas[depth - 1],
        &spec,
    ));
    let mut options = at();
    options.require_explicit_policy = true;
    run(
        &format!("(e) {depth} CAs x {k} policies, each mapped to each ({k}x{k})"),
        &leaf,
        &pool,
        &anchors,
        &options,
        &RevocationSources::new(),
    )
}

#[test]
fn policy_mapping_meshes_are_processed_or_stopped() {
    // 8 + 64 + 512 + 4096 nodes: within the policy tree's 10,000.
    let result = policy_mapping_mesh(8, 4);
    assert!(result.valid, "{:?}", result.findings);
    assert_eq!(result.signature_checks, 5);
    // 12^5 = 248,832 nodes: stopped, the path rejected with the limit named.
    let result = policy_mapping_mesh(12, 5);
    assert!(!result.valid);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.code == ResultCode::PolicyInvalid),
        "{:?}",
        result.findings
    );
    assert!(result.signature_checks <= 6);
}

/// Issue 12: a mesh of CRL signers cannot multiply the work. The leaf's CA
/// has 30 separate CRL-signing certificates of its name, each certified by
/// a mesh of 10 cross-signed CAs that never reaches the anchor, and each
/// signing one of 30 CRLs. Every signer's path is searched, and all of it
/// (the CRL signatures, the signers' paths) draws from the one budget.
#[test]
fn a_crl_signer_mesh_stays_within_the_one_budget() {
    let (root, anchors) = root("CN=CRL Root", 10_000);
    let ca = Issuer::new("CN=CRL CA", 1);
    let mut pool = CertificatePool::new();
    pool.add(cert(&issue(&ca, &root, 2, true)));
    let mesh: Vec<Issuer> = (0..10u64)
        .map(|i| Issuer::new(&format!("CN=Signer Mesh {i}"), 100 + i))
        .collect();
    for (i, subject) in mesh.iter().enumerate() {
        for (j, issuer) in mesh.iter().enumerate() {
            if i != j {
                pool.add(cert(&issue(
                    subject,
                    issuer,
                    (i * 100 + j) as u64 + 1,
                    true,
                )));
            }
        }
    }
    let mut crls = Vec::new();
    for s in 0..30u64 {
        let signer = Issuer::new("CN=CRL CA", 1_000 + s);
        pool.add(cert(&issue(
            &signer,
            &mesh[(s % 10) as usize],
            5_000 + s,
            true,
        )));
        crls.push(Crl::from_der(&crl("CN=CRL CA", &signer, s + 1)).expect("crl"));
    }
    // The anchor's CRL: the CA and the signers it certifies are not revoked.
    crls.push(Crl::from_der(&crl("CN=CRL Root", &root, 1)).expect("crl"));
    let leaf = cert(&issue(&Issuer::new("CN=leaf", 2_000), &ca, 3, false));
    let sources = RevocationSources::new().with_crls(crls);
    let mut options = at();
    options.revocation = RevocationMode::Hard;
    options.offline = true;
    let result = run(
        "issue 12: 30 CRLs by 30 CRL signers certified by a 10-CA mesh, hard revocation",
        &leaf,
        &pool,
        &anchors,
        &options,
        &sources,
    );
    assert!(!result.valid, "no CRL signer has a path to the anchor");
    assert_eq!(result.chain.len(), 3, "the path itself was found");
    assert_eq!(exhausted(&result), 1, "{:?}", result.findings);
    assert!(
        result.signature_checks <= Budget::default().signature_checks,
        "{} checks",
        result.signature_checks
    );

    // The right signer, certified by the anchor, among the 30: its CRL is
    // found and used (the CRL's AKI picks its certificate first).
    let good = Issuer::new("CN=CRL CA", 9_999);
    let mut pool_with_good = pool.clone();
    pool_with_good.add(cert(&issue(&good, &root, 9_999, true)));
    let mut crls: Vec<Crl> = sources.crls().iter().map(|c| (**c).clone()).collect();
    crls.insert(
        0,
        Crl::from_der(&crl("CN=CRL CA", &good, 100)).expect("crl"),
    );
    let result = run(
        "issue 12: the same with a signer certified by the anchor, its CRL first",
        &leaf,
        &pool_with_good,
        &anchors,
        &options,
        &RevocationSources::new().with_crls(crls),
    );
    assert!(result.valid, "{:?}", result.findings);
    assert!(result.signature_checks <= 6, "{}", result.signature_checks);

    // The CA's own CRL given last, after the 30 of the mesh: read first (its
    // AKI names the CA's key), so the mesh spends nothing.
    let mut crls: Vec<Crl> = sources.crls().iter().map(|c| (**c).clone()).collect();
    crls.push(Crl::from_der(&crl("CN=CRL CA", &ca, 200)).expect("crl"));
    let result = run(
        "issue 12: the 30 mesh CRLs, then the CA's own CRL last",
        &leaf,
        &pool,
        &anchors,
        &options,
        &RevocationSources::new().with_crls(crls),
    );
    assert!(result.valid, "{:?}", result.findings);
    assert!(result.signature_checks <= 6, "{}", result.signature_checks);
}
