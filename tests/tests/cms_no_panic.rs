//! No input makes CMS verification panic: random bytes, and real signatures
//! (DER, BER from -stream, NuGet with timestamps and countersignatures, a
//! Microsoft RFC 3161 token) mutated by flipped bytes, truncation and
//! spliced length octets. Verification may only return `Ok` or `Err`.

use proptest::prelude::*;
use validate::cms::{VerifyContext, verify_signed_data, verify_timestamp_token};
use validate::path::{TrustStore, ValidationOptions};
use validate_tests::repo_root;

fn samples() -> Vec<Vec<u8>> {
    let root = repo_root();
    [
        "examples/signatures/detached.p7s",
        "examples/signatures/attached.p7m",
        "examples/signatures/smime-stream.p7s",
        "examples/signatures/attached-ec.pem",
        "tests/conformance/realworld/standalone.signature.p7s",
        "tests/conformance/realworld/whois_exe_ms_rfc3161_token.der",
    ]
    .iter()
    .map(|p| std::fs::read(root.join(p)).unwrap())
    .collect()
}

fn exercise(input: &[u8]) {
    let anchors = TrustStore::new();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2027-01-01T00:00:00Z".parse().unwrap()),
    );
    if let Ok(r) = verify_signed_data(input, None, &ctx) {
        for s in &r.signers {
            let _ = s.signature_intact();
            let _ = s.timestamp_time();
        }
    }
    let mut content: &[u8] = b"Example content signed with the example chain.\n";
    let _ = verify_signed_data(input, Some(&mut content), &ctx);
    let _ = verify_timestamp_token(input, b"data", &ctx);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(input in proptest::collection::vec(any::<u8>(), 0..1024), seq in any::<bool>()) {
        let mut input = input;
        if seq && !input.is_empty() {
            // Start like a ContentInfo so the parser goes deeper.
            input[0] = 0x30;
        }
        exercise(&input);
    }

    #[test]
    fn mutated_signatures(
        which in 0usize..6,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        indefinite in any::<prop::sample::Index>(),
    ) {
        let mut data = samples()[which].clone();
        for (at, value) in flips {
            let i = at.index(data.len());
            data[i] = value;
        }
        // Turn some length octet into "indefinite" to reach the BER paths.
        let i = indefinite.index(data.len());
        if data[i] & 0x80 != 0 {
            data[i] = 0x80;
        }
        if truncate {
            data.truncate(cut.index(data.len()));
        }
        exercise(&data);
    }
}

#[test]
fn bad_inputs_are_errors_with_a_reason() {
    let anchors = TrustStore::new();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2027-01-01T00:00:00Z".parse().unwrap()),
    );
    let detached = std::fs::read(repo_root().join("examples/signatures/detached.p7s")).unwrap();
    let cert = std::fs::read(repo_root().join("examples/chain/leaf.pem")).unwrap();
    for (input, expect) in [
        (&b""[..], "empty"),
        (&b"garbage that is not CMS"[..], "neither"),
        (
            &b"-----BEGIN PKCS7-----\n!!!\n-----END PKCS7-----\n"[..],
            "base64",
        ),
        (&cert[..], "CERTIFICATE"),
        (&detached[..detached.len() / 2], "DER"),
        (&[0x30, 0x03, 0x06, 0x01, 0x00][..], "DER"),
    ] {
        let err = verify_signed_data(input, None, &ctx)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "{err}");
    }
    // A ContentInfo of another type (id-data).
    let data_ci = [
        0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x02,
        0x04, 0x00,
    ];
    let err = verify_signed_data(&data_ci, None, &ctx)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not signedData"), "{err}");
    // Too large for the limit.
    let mut small = ctx.clone();
    small.limits.max_input_size = 100;
    let err = verify_signed_data(&detached, None, &small).unwrap_err();
    assert!(matches!(err, validate::Error::TooLarge { .. }), "{err}");
}
