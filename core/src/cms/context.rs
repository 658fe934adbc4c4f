//! What a caller gives CMS verification: trust anchors, extra certificates,
//! path options, the signature backend and the work limits.

use crate::cert::Certificate;
use crate::crypto::{RustCryptoVerifier, SignatureVerifier};
use crate::path::{CertificatePool, TrustStore, ValidationOptions};
use crate::path::{PathValidation, validate_path_with_revocation};
use crate::revocation::RevocationSources;

/// Limits on the work one message may cause; reaching one is a
/// [`LimitExceeded`](super::CmsCode::LimitExceeded) finding, or an `Err`
/// for the input size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest encoded message, in bytes (attached content included).
    /// 512 MiB: attached content is held in memory; larger content should
    /// be detached and streamed.
    pub max_input_size: usize,
    /// Most SignerInfos verified per SignedData. CAdES-Multiple signatures
    /// in practice have a handful; 64 bounds hostile messages.
    pub max_signers: usize,
    /// Most certificates read from one message. Real messages carry a
    /// chain or two (under 10); 256 leaves room for bundles.
    pub max_certificates: usize,
    /// Most attributes in one signed or unsigned attribute set (real
    /// signers use under 10).
    pub max_attributes: usize,
    /// Largest single attribute value in bytes (a timestamp token with its
    /// certificates is about 10 KiB; 1 MiB is far above).
    pub max_attribute_size: usize,
    /// Deepest nesting of countersignatures and timestamp tokens below a
    /// signer (NuGet: repository countersignature with its own timestamp is 2).
    pub max_nesting: usize,
    /// Most countersignatures and timestamps per signer.
    pub max_unsigned_per_signer: usize,
    /// Most SignerInfos verified in one call, countersigners and TSAs
    /// included. Each costs a signature check and a path validation (at
    /// most the path budget's 100 checks), so 128 bounds a hostile message
    /// (signers x nested timestamps multiply) to about 13,000 checks; the
    /// deepest real message seen (NuGet: author, timestamp, repository
    /// countersignature, its timestamp) needs 4.
    pub max_signer_verifications: usize,
    /// Largest detached content buffered in memory when a signer without
    /// signed attributes signs the content itself (the backend verifies
    /// over the message bytes). 64 MiB.
    pub max_buffered_content: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_size: 512 * 1024 * 1024,
            max_signers: 64,
            max_certificates: 256,
            max_attributes: 64,
            max_attribute_size: 1024 * 1024,
            max_nesting: 4,
            max_unsigned_per_signer: 16,
            max_signer_verifications: 128,
            max_buffered_content: 64 * 1024 * 1024,
        }
    }
}

static DEFAULT_VERIFIER: RustCryptoVerifier = RustCryptoVerifier;
static EMPTY_POOL: std::sync::OnceLock<CertificatePool> = std::sync::OnceLock::new();

/// The inputs of CMS verification besides the message.
///
/// ```
/// use validate::cms::VerifyContext;
/// use validate::path::{TrustStore, ValidationOptions, Purpose};
/// let anchors = TrustStore::new();
/// let mut options = ValidationOptions::at("2027-01-01T00:00:00Z".parse().unwrap());
/// options.purposes.push(Purpose::CodeSigning);
/// let ctx = VerifyContext::new(&anchors, options);
/// assert!(ctx.strict_tsa_eku && ctx.trust_required && ctx.timestamp_proves_time);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct VerifyContext<'a> {
    /// Trust anchors for the signer and TSA paths.
    pub trust_store: &'a TrustStore,
    /// Untrusted certificates offered for signer lookup and path building,
    /// besides those the message carries.
    pub intermediates: &'a CertificatePool,
    /// Options of the signer path: the validation time (when no valid
    /// timestamp gives an earlier one) and the purposes asked of the signer.
    pub options: ValidationOptions,
    /// The signature backend.
    pub verifier: &'a dyn SignatureVerifier,
    /// Work limits.
    pub limits: Limits,
    /// RFC 3161 2.3: the TSA certificate's extendedKeyUsage MUST be critical
    /// and hold only id-kp-timeStamping. True (the default) makes a breach
    /// an error, as OpenSSL's `ts -verify` does: such a token is not used as
    /// proof of time. False makes it a warning, for callers that must accept
    /// Microsoft's Time-Stamp Service certificates (a non-critical EKU, which
    /// .NET, NuGet and signify accept). A missing id-kp-timeStamping is an
    /// error either way.
    pub strict_tsa_eku: bool,
    /// When true (the default), a signer is valid only with a valid
    /// certification path to a trust anchor. False (policy level 0: the
    /// signature is checked, trust is not required) makes a failed signer
    /// path a warning.
    pub trust_required: bool,
    /// When true (the default), a valid timestamp proves the signature
    /// existed at its genTime, and the signer path is validated at genTime
    /// instead of `options.time` (a signer certificate that expired after
    /// the timestamp stays valid).
    pub timestamp_proves_time: bool,
    /// When true, a signer without a valid timestamp is validated at its
    /// signing-time attribute (when it has one) instead of `options.time`
    /// (the policy time source `signing-time`). False by default: the
    /// attribute is the signer's own claim.
    pub trust_signing_time: bool,
    /// Revocation data for signer and TSA paths (with the CRLs the message
    /// carries added); `None` checks no revocation whatever `options.revocation` says.
    pub revocation: Option<&'a RevocationSources>,
    /// When true, a countersignature (1.2.840.113549.1.9.6) is read as the
    /// legacy Authenticode timestamp: a TSA's signature over the signer's
    /// signature value whose signing-time attribute is the time it proves.
    /// Its signer path is validated at that time with purpose timeStamping
    /// and it is reported among the signer's timestamps (docs/authenticode.md).
    /// False (the default) keeps RFC 5652 11.4: a countersignature is a
    /// signer of its own (the NuGet repository countersignature).
    pub countersignature_timestamps: bool,
}

impl std::fmt::Debug for VerifyContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyContext")
            .field("trust_store", &self.trust_store.len())
            .field("intermediates", &self.intermediates.len())
            .field("options", &self.options)
            .field("limits", &self.limits)
            .field("strict_tsa_eku", &self.strict_tsa_eku)
            .field("trust_required", &self.trust_required)
            .field("timestamp_proves_time", &self.timestamp_proves_time)
            .finish_non_exhaustive()
    }
}

impl<'a> VerifyContext<'a> {
    /// Verification against `trust_store` with `options`, no extra
    /// certificates, the default backend, default limits, strict TSA EKU
    /// rules (see [`Self::strict_tsa_eku`]), a trusted signer path required
    /// and timestamps used as proof of existence.
    pub fn new(trust_store: &'a TrustStore, options: ValidationOptions) -> Self {
        VerifyContext {
            trust_store,
            intermediates: EMPTY_POOL.get_or_init(CertificatePool::new),
            options,
            verifier: &DEFAULT_VERIFIER,
            limits: Limits::default(),
            strict_tsa_eku: true,
            trust_required: true,
            timestamp_proves_time: true,
            trust_signing_time: false,
            revocation: None,
            countersignature_timestamps: false,
        }
    }

    /// Validates a signer (or TSA) certificate's path with these settings,
    /// `options` and, when given, revocation data.
    pub(crate) fn validate_path(
        &self,
        cert: &Certificate,
        pool: &CertificatePool,
        options: &ValidationOptions,
        revocation: Option<&RevocationSources>,
    ) -> PathValidation {
        static NO_SOURCES: std::sync::OnceLock<RevocationSources> = std::sync::OnceLock::new();
        let sources = revocation.unwrap_or_else(|| NO_SOURCES.get_or_init(RevocationSources::new));
        validate_path_with_revocation(
            cert,
            pool,
            self.trust_store,
            options,
            self.verifier,
            sources,
        )
    }

    /// The same context with `intermediates` as extra certificates.
    pub fn with_intermediates(mut self, intermediates: &'a CertificatePool) -> Self {
        self.intermediates = intermediates;
        self
    }

    /// The same context with another signature backend.
    pub fn with_verifier(mut self, verifier: &'a dyn SignatureVerifier) -> Self {
        self.verifier = verifier;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<VerifyContext<'static>>();
        assert_send_sync::<crate::cms::SignedDataResult>();
        assert_send_sync::<crate::cms::RawSignatureResult>();
        assert_send_sync::<crate::cms::TimestampResult>();
    }
}
