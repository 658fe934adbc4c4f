//! The signature content: what the primary signature's eContent holds
//! (package signing specification, "signature content"):
//!
//! ```text
//! Version:1
//!
//! 2.16.840.1.101.3.4.2.1-Hash:<base64 of the package content hash>
//!
//! ```
//!
//! Lines end with LF (CRLF is read too); the hash algorithm is named by
//! its OID and must be SHA-256, SHA-384 or SHA-512.

use base64ct::{Base64, Encoding};
use der::asn1::ObjectIdentifier;

use super::findings::{NuGetCode, NuGetFinding};
use crate::crypto::DigestAlgorithm;

/// The package hash the signature commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignatureContent {
    pub algorithm: DigestAlgorithm,
    pub hash: Vec<u8>,
}

/// The digests a package signature may use (package signing specification:
/// SHA-256, SHA-384, SHA-512).
pub(crate) fn allowed_digest(algorithm: DigestAlgorithm) -> bool {
    matches!(
        algorithm,
        DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
    )
}

/// Parses the content; a finding says why it cannot be used.
pub(crate) fn parse(content: &[u8]) -> Result<SignatureContent, NuGetFinding> {
    let unsupported = |why: String| NuGetFinding::new(NuGetCode::ContentVersionUnsupported, why);
    let text = std::str::from_utf8(content)
        .map_err(|_| unsupported("the signature content is not UTF-8 text".into()))?;
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    // "Version:1", a blank line, the hash lines, a blank line (and the
    // empty remainder after the final LF).
    if lines.first() != Some(&"Version:1") {
        return Err(unsupported(format!(
            "the signature content starts with '{}', not 'Version:1'",
            lines.first().unwrap_or(&"").escape_debug()
        )));
    }
    if lines.get(1) != Some(&"") {
        return Err(unsupported(
            "no blank line after 'Version:1' in the signature content".into(),
        ));
    }
    let body: Vec<&str> = lines[2..]
        .iter()
        .copied()
        .take_while(|l| !l.is_empty())
        .collect();
    let rest = &lines[2 + body.len()..];
    if rest.iter().any(|l| !l.is_empty()) || rest.len() < 2 {
        return Err(unsupported(
            "the signature content does not end with its hash section and a blank line".into(),
        ));
    }
    let mut found: Option<SignatureContent> = None;
    for line in body {
        let Some((key, value)) = line.split_once(':') else {
            return Err(unsupported(format!(
                "line '{}' is not 'key:value'",
                line.escape_debug()
            )));
        };
        let Some(oid_text) = key.strip_suffix("-Hash") else {
            return Err(unsupported(format!(
                "unknown signature content property '{}'",
                key.escape_debug()
            )));
        };
        let algorithm = ObjectIdentifier::new(oid_text)
            .ok()
            .and_then(|oid| DigestAlgorithm::from_oid(&oid).ok())
            .filter(|a| allowed_digest(*a))
            .ok_or_else(|| {
                NuGetFinding::new(
                    NuGetCode::HashAlgorithmUnsupported,
                    format!(
                        "package hash algorithm '{}' is not SHA-256, SHA-384 or SHA-512",
                        oid_text.escape_debug()
                    ),
                )
            })?;
        let hash = Base64::decode_vec(value).map_err(|e| {
            NuGetFinding::new(
                NuGetCode::SignatureDigestMismatch,
                format!("the {algorithm} package hash is not base64: {e}"),
            )
        })?;
        if hash.len() != algorithm.output_len() {
            return Err(NuGetFinding::new(
                NuGetCode::SignatureDigestMismatch,
                format!(
                    "the {algorithm} package hash has {} bytes, not {}",
                    hash.len(),
                    algorithm.output_len()
                ),
            ));
        }
        if found.is_some() {
            return Err(NuGetFinding::new(
                NuGetCode::SignatureDigestMismatch,
                "the signature content holds more than one package hash",
            ));
        }
        found = Some(SignatureContent { algorithm, hash });
    }
    found.ok_or_else(|| unsupported("the signature content holds no package hash".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specification_shape() {
        let hash = Base64::encode_string(&[7u8; 32]);
        let ok = format!("Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:{hash}\n\n");
        let c = parse(ok.as_bytes()).unwrap();
        assert_eq!(
            (c.algorithm, c.hash),
            (DigestAlgorithm::Sha256, vec![7u8; 32])
        );
        assert!(parse(ok.replace('\n', "\r\n").as_bytes()).is_ok());
        let code = |t: &str| parse(t.as_bytes()).unwrap_err().code;
        assert_eq!(
            code(&ok.replace("Version:1", "Version:2")),
            NuGetCode::ContentVersionUnsupported
        );
        assert_eq!(
            code(&ok.replace("2.1-Hash", "2.9-Hash")),
            NuGetCode::HashAlgorithmUnsupported
        );
        assert_eq!(
            code(&ok.replace("2.16.840.1.101.3.4.2.1", "1.3.14.3.2.26")),
            NuGetCode::HashAlgorithmUnsupported
        );
        assert_eq!(
            code(&ok.replace(&hash, "AAAA")),
            NuGetCode::SignatureDigestMismatch
        );
        assert_eq!(
            code(&ok[..ok.len() - 1]),
            NuGetCode::ContentVersionUnsupported
        );
        assert_eq!(
            code(&format!("{ok}x")),
            NuGetCode::ContentVersionUnsupported
        );
        let twice = format!(
            "Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:{hash}\n2.16.840.1.101.3.4.2.1-Hash:{hash}\n\n"
        );
        assert_eq!(code(&twice), NuGetCode::SignatureDigestMismatch);
    }
}
