//! Every corpus input of every fuzz target, replayed through the target's
//! own check (`validate_fuzz::TARGETS`): the seeds, and each input a fuzzer
//! found (crashes kept as regression cases once fixed). Runs on stable,
//! without instrumentation, in the normal test command.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use validate_fuzz::mutant::{ALL, Fixture, mutant_of};
use validate_fuzz::{TARGETS, fixtures};

#[test]
fn every_corpus_input_passes_its_check() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, check) in TARGETS {
        let dir = corpus.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name}: empty corpus");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            total += 1;
            if let Err(e) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: {msg}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{total} corpus inputs replayed");
}

#[test]
fn every_target_has_a_binary_and_a_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    for (name, _) in TARGETS {
        assert!(
            root.join(format!("fuzz_targets/{name}.rs")).exists(),
            "{name}"
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} in Cargo.toml"
        );
    }
}

/// The mutant property is only worth something if the originals pass the
/// same validations: each committed fixture is valid (or, for the CRL and
/// the OCSP response, decides the leaf's status).
#[test]
fn the_committed_fixtures_validate() {
    use validate::cms::{
        SignatureStatus, VerifyContext, verify_pkcs1, verify_signed_data, verify_timestamp_token,
    };
    use validate::revocation::{Crl, OcspResponse, RevocationSources, RevocationStatus};
    let c = fixtures::chain();
    let ctx = VerifyContext::new(&c.anchors, fixtures::options()).with_intermediates(&c.pool);
    let r = verify_signed_data(fixtures::ATTACHED_P7M, None, &ctx).unwrap();
    assert!(r.valid, "attached: {:?}", r.signers[0].findings);
    let mut content = fixtures::CONTENT;
    let r = verify_signed_data(fixtures::DETACHED_P7S, Some(&mut content), &ctx).unwrap();
    assert!(r.valid, "detached");
    let r = verify_timestamp_token(fixtures::TSA_TOKEN_DER, fixtures::CONTENT, &ctx).unwrap();
    assert!(r.valid, "timestamp: {:?}", r.findings);
    let r = verify_pkcs1(
        fixtures::CONTENT,
        fixtures::PKCS1_SIG,
        &c.leaf,
        "SHA256withRSA",
        &ctx,
    )
    .unwrap();
    assert!(
        matches!(r.signature, SignatureStatus::Valid) && r.valid,
        "pkcs1"
    );
    let path = validate::path::validate_path(
        &c.leaf,
        &c.pool,
        &c.anchors,
        &fixtures::options(),
        &validate::crypto::DefaultVerifier::default(),
    );
    assert!(path.valid, "leaf path: {:?}", path.findings);
    let crl = Crl::from_der(fixtures::CRL_DER).unwrap();
    let status = validate_fuzz::leaf_status_of(RevocationSources::new().with_crls([crl]));
    assert!(
        matches!(status, RevocationStatus::Revoked { .. }),
        "{status:?}"
    );
    let ocsp = OcspResponse::from_der(fixtures::OCSP_RESP_DER).unwrap();
    let status =
        validate_fuzz::leaf_status_of(RevocationSources::new().with_ocsp_responses([ocsp]));
    assert!(
        matches!(status, RevocationStatus::Good { .. }),
        "{status:?}"
    );
}

/// Every single-byte mutant (each bit of each signed byte of each fixture
/// is too many for a unit test: every 7th signed byte, all bits) passes
/// the `cms_mutant` check.
#[test]
fn sampled_mutants_never_validate() {
    let mut checked = 0;
    for (i, fixture) in ALL.iter().enumerate() {
        let total: usize = fixture.signed_ranges().iter().map(|(s, e)| e - s).sum();
        let step = if *fixture == Fixture::DetachedContent {
            1
        } else {
            97
        };
        for at in (0..total).step_by(step) {
            let mut input = vec![i as u8];
            input.extend_from_slice(&(at as u32).to_be_bytes());
            input.push(0xFF);
            assert!(mutant_of(&input).is_some(), "{fixture:?} at {at}");
            validate_fuzz::check_cms_mutant(&input);
            checked += 1;
        }
    }
    println!("{checked} mutants checked");
}
