//! The summary codes of the seed's examples, with the meaning this library
//! gives them (docs/result-codes.md). Detailed findings keep their own codes
//! (30100-30199 path, 30200-30299 CMS); these summarise a part of the report.

/// Summary result codes used in `opResult` and the policy parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SeedCode {
    /// 30018: the signature could not be validated (the seed's example uses
    /// it in `opResult` and `policy.signature` of a failed CAdES validation).
    SignatureNotValid,
    /// 30071: a certificate does not meet the policy's level; detail
    /// `serial:<decimal serial>;` as in the seed's example.
    CertificateNotValid,
    /// 30075: a revocation source of a trust anchor does not work (the seed's
    /// per-policy health example: an OCSP responder error).
    RevocationSourceUnavailable,
    /// 30001: the request is malformed (missing field, bad base64, unknown signatureType).
    BadRequest,
    /// 30002: the input could not be processed (not a signature or certificate of the given type).
    UnprocessableInput,
    /// 30003: the signatureType is valid but not implemented (the seed marks
    /// XAdES as "not yet implemented").
    NotImplemented,
    /// 30004: no signer or certificate was found in the input.
    NothingToValidate,
    /// 30005: the input was read leniently (white space after the DER, a
    /// BER bundle); a warning naming the deviation.
    LenientInput,
    /// 30006: the certificates of a SignedData that has signers were
    /// validated as asked (P7B / X509), but its signatures were not checked;
    /// a warning: ask for CAdES to verify them.
    SignaturesNotChecked,
}

impl SeedCode {
    /// The numeric code.
    pub fn code(self) -> u32 {
        match self {
            SeedCode::SignatureNotValid => 30018,
            SeedCode::CertificateNotValid => 30071,
            SeedCode::RevocationSourceUnavailable => 30075,
            SeedCode::BadRequest => 30001,
            SeedCode::UnprocessableInput => 30002,
            SeedCode::NotImplemented => 30003,
            SeedCode::NothingToValidate => 30004,
            SeedCode::LenientInput => 30005,
            SeedCode::SignaturesNotChecked => 30006,
        }
    }

    /// Every code, for documentation tests.
    pub const ALL: &'static [SeedCode] = &[
        SeedCode::BadRequest,
        SeedCode::UnprocessableInput,
        SeedCode::NotImplemented,
        SeedCode::NothingToValidate,
        SeedCode::LenientInput,
        SeedCode::SignaturesNotChecked,
        SeedCode::SignatureNotValid,
        SeedCode::CertificateNotValid,
        SeedCode::RevocationSourceUnavailable,
    ];
}
