//! Mutants of the committed OpenSSL-signed fixtures: which bytes each
//! signature covers, whether an input is a mutant of a fixture in those
//! bytes, and the `cms_mutant` target that makes one and checks that no
//! validation accepts it.

use std::sync::OnceLock;

use validate::Certificate;
use validate::path::validate_path;
use validate::revocation::{Crl, RevocationSources, RevocationStatus};

use crate::der::{Tlv, children, read};
use crate::fixtures::{self, CountingVerifier, chain, options};

/// A committed signed fixture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixture {
    /// `examples/signatures/attached.p7m`.
    Attached,
    /// `examples/signatures/detached.p7s` (content: `content.txt`).
    Detached,
    /// `content.txt` as the detached content of `detached.p7s`.
    DetachedContent,
    /// `fuzz/fixtures/tsa-token.der` over `content.txt`.
    Timestamp,
    /// `fuzz/fixtures/pkcs1.sig` over `content.txt`.
    Pkcs1,
    /// `examples/chain/leaf.pem` as DER.
    Certificate,
    /// `fuzz/fixtures/crl.der`.
    Crl,
    /// `fuzz/fixtures/ocsp-resp.der`.
    OcspResponse,
}

/// Every fixture, in the order `cms_mutant`'s first byte picks them.
pub const ALL: [Fixture; 8] = [
    Fixture::Attached,
    Fixture::Detached,
    Fixture::DetachedContent,
    Fixture::Timestamp,
    Fixture::Pkcs1,
    Fixture::Certificate,
    Fixture::Crl,
    Fixture::OcspResponse,
];

impl Fixture {
    /// The fixture's bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Fixture::Attached => fixtures::ATTACHED_P7M,
            Fixture::Detached => fixtures::DETACHED_P7S,
            Fixture::DetachedContent => fixtures::CONTENT,
            Fixture::Timestamp => fixtures::TSA_TOKEN_DER,
            Fixture::Pkcs1 => fixtures::PKCS1_SIG,
            Fixture::Certificate => chain().leaf.der(),
            Fixture::Crl => fixtures::CRL_DER,
            Fixture::OcspResponse => fixtures::OCSP_RESP_DER,
        }
    }

    /// The byte ranges the fixture's signature covers (or is): a change
    /// inside them must make the signature fail.
    pub fn signed_ranges(self) -> &'static [(usize, usize)] {
        static RANGES: OnceLock<Vec<Vec<(usize, usize)>>> = OnceLock::new();
        let all = RANGES.get_or_init(|| ALL.iter().map(|f| f.find_ranges()).collect());
        let i = ALL.iter().position(|f| *f == self).unwrap_or(0);
        &all[i]
    }

    fn find_ranges(self) -> Vec<(usize, usize)> {
        let b = self.bytes();
        let whole = |t: Tlv| (t.start, t.end);
        let content = |t: Tlv| (t.content, t.end);
        // Certificate, CertificateList, BasicOCSPResponse: the TBS and the
        // signature BIT STRING's octets.
        let signed = |outer: Option<Tlv>| -> Vec<(usize, usize)> {
            let parts = outer.map(|t| children(b, t)).unwrap_or_default();
            match parts.as_slice() {
                [tbs, _, bits, ..] => vec![whole(*tbs), (bits.content + 1, bits.end)],
                _ => Vec::new(),
            }
        };
        let first = |t: Option<Tlv>| t.and_then(|t| children(b, t).first().copied());
        let nth = |t: Option<Tlv>, n: usize| t.and_then(|t| children(b, t).get(n).copied());
        let ranges = match self {
            Fixture::Pkcs1 | Fixture::DetachedContent => vec![(0, b.len())],
            Fixture::Certificate | Fixture::Crl => signed(read(b, 0)),
            Fixture::OcspResponse => {
                // OCSPResponse { status, [0] { ResponseBytes { oid, OCTET STRING { Basic } } } }
                let octets = nth(first(nth(read(b, 0), 1)), 1);
                signed(octets.and_then(|o| read(b, o.content)))
            }
            Fixture::Attached | Fixture::Detached | Fixture::Timestamp => {
                // ContentInfo { oid, [0] { SignedData } }
                let sd = first(nth(read(b, 0), 1));
                let fields = sd.map(|t| children(b, t)).unwrap_or_default();
                let mut out = Vec::new();
                if self != Fixture::Detached {
                    // encapContentInfo { oid, [0] { OCTET STRING } }
                    if let Some(e) = first(nth(fields.get(2).copied(), 1)) {
                        out.push(content(e));
                    }
                }
                if let Some(infos) = fields.last() {
                    for info in children(b, *infos) {
                        let parts = children(b, info);
                        if let Some(attrs) = parts.iter().find(|t| t.tag == 0xA0) {
                            out.push(whole(*attrs));
                        }
                        if let Some(sig) = parts.iter().find(|t| t.tag == 0x04) {
                            out.push(content(*sig));
                        }
                    }
                }
                out
            }
        };
        assert!(!ranges.is_empty(), "{self:?}: signed bytes found");
        ranges
    }
}

/// True when `data` is `fixture` with bytes changed only inside its
/// signed bytes (same length, at least one byte different).
pub fn is_mutant(data: &[u8], fixture: Fixture) -> bool {
    let original = fixture.bytes();
    if data.len() != original.len() || data == original {
        return false;
    }
    let ranges = fixture.signed_ranges();
    data.iter()
        .zip(original)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .all(|(i, _)| ranges.iter().any(|&(s, e)| (s..e).contains(&i)))
}

/// The mutant the `cms_mutant` input describes: byte 0 picks the fixture,
/// bytes 1-4 (big-endian) the signed byte, byte 5 the XOR mask (0 is 0xFF);
/// further groups of 5 bytes change more signed bytes.
pub fn mutant_of(data: &[u8]) -> Option<(Fixture, Vec<u8>)> {
    let (&which, rest) = data.split_first()?;
    let fixture = ALL[usize::from(which) % ALL.len()];
    let ranges = fixture.signed_ranges();
    let total: usize = ranges.iter().map(|(s, e)| e - s).sum();
    let mut out = fixture.bytes().to_vec();
    for group in rest.chunks_exact(5).take(8) {
        let mut pick =
            u32::from_be_bytes([group[0], group[1], group[2], group[3]]) as usize % total;
        let mask = if group[4] == 0 { 0xFF } else { group[4] };
        for &(s, e) in ranges {
            if pick < e - s {
                out[s + pick] ^= mask;
                break;
            }
            pick -= e - s;
        }
    }
    is_mutant(&out, fixture).then_some((fixture, out))
}

/// `cms_mutant`: a mutant of a committed signed fixture (see
/// [`mutant_of`]) through the validation that fixture passes: never valid
/// (CMS, timestamp, PKCS#1, certificate path), never a signature that
/// verifies (CRL), never `Good` (OCSP).
pub fn check_cms_mutant(data: &[u8]) {
    let Some((fixture, bytes)) = mutant_of(data) else {
        return;
    };
    match fixture {
        Fixture::Attached | Fixture::Detached => crate::check_cms(&bytes),
        Fixture::DetachedContent => {
            let verifier = CountingVerifier::default();
            let c = chain();
            let ctx = validate::cms::VerifyContext::new(&c.anchors, options())
                .with_intermediates(&c.pool)
                .with_verifier(&verifier);
            let mut content: &[u8] = &bytes;
            if let Ok(r) =
                validate::cms::verify_signed_data(fixtures::DETACHED_P7S, Some(&mut content), &ctx)
            {
                assert!(!r.valid, "detached signature valid over changed content");
            }
        }
        Fixture::Timestamp => crate::check_timestamp(&bytes),
        Fixture::Pkcs1 => crate::check_pkcs1(&[[0u8].as_slice(), &bytes].concat()),
        Fixture::OcspResponse => crate::check_ocsp_response(&bytes),
        Fixture::Certificate => {
            if let Ok(leaf) = Certificate::from_der(&bytes) {
                let c = chain();
                let verifier = CountingVerifier::default();
                let result = validate_path(&leaf, &c.pool, &c.anchors, &options(), &verifier);
                assert!(!result.valid, "a mutant leaf validates");
            }
        }
        Fixture::Crl => {
            if let Ok(crl) = Crl::from_der(&bytes) {
                let sources = RevocationSources::new().with_crls([crl]);
                let status = crate::checks::leaf_status_of(sources);
                assert!(
                    matches!(status, RevocationStatus::Unknown { .. }),
                    "a mutant CRL decided: {status:?}"
                );
            }
        }
    }
}
