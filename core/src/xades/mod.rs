//! XML signatures: XML-DSig core validation (W3C XML Signature 1.1) and
//! XAdES baseline B, T and LT (ETSI EN 319 132-1), enveloped, enveloping
//! and detached, with the defences against signature wrapping that
//! `docs/xades.md` describes.
//!
//! [`verify_xml`] verifies every top-level ds:Signature of a document and
//! returns an [`XmlSignaturesResult`]: per signature the canonical
//! SignedInfo, the signature value, each Reference with exactly what it
//! signs ([`SignedNode`]: the node, the subtrees left out, FULL or
//! PARTIAL), the signer certificate and its path (the same path engine as
//! CMS), the XAdES properties, the time-stamps and the level reached.
//! Findings carry [`XmlCode`]s (30400-30499, listed in
//! docs/result-codes.md).
//!
//! ```
//! use validate::cms::VerifyContext;
//! use validate::path::{TrustStore, ValidationOptions};
//! use validate::xades::{XmlOptions, XmlCode, verify_xml};
//! let anchors = TrustStore::new();
//! let ctx = VerifyContext::new(&anchors, ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()));
//! let result = verify_xml(b"<doc><unsigned/></doc>", &XmlOptions::default(), &ctx).unwrap();
//! assert!(!result.valid);
//! assert_eq!(result.findings[0].code, XmlCode::NoSignature);
//! assert!(verify_xml(b"<!DOCTYPE doc><doc/>", &XmlOptions::default(), &ctx).is_err());
//! ```

mod algorithms;
mod detached;
mod findings;
mod properties;
mod reference;
mod result;
mod signature;

pub use findings::{Severity, XmlCode, XmlFinding};
pub use result::{
    ReferenceResult, SignatureScope, SignedNode, SignedScope, XadesLevel, XadesProperties,
    XmlSignatureResult, XmlSignaturesResult,
};

use crate::cert::Certificate;
use crate::cms::VerifyContext;
use crate::error::Error;
use crate::pdf::ReadSeek;
use crate::xml::IdIndex;
pub use crate::xml::XmlLimits;
use detached::Detached;
use reference::{DSIG, Env};

/// What a caller gives XML signature verification besides the document.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct XmlOptions<'a> {
    /// The detached content: every Reference whose URI is outside the
    /// document digests these bytes (nothing is ever fetched).
    pub detached: Option<&'a [u8]>,
    /// The signer certificate, when the caller knows it (instead of
    /// KeyInfo's X509Certificate).
    pub certificate: Option<&'a Certificate>,
    /// The signature policy document, to check a XAdES SigPolicyHash.
    pub policy_document: Option<&'a [u8]>,
    /// XAdES-Enveloped: a Reference must cover the document element that
    /// holds the signature (the whole document minus signatures).
    pub require_enveloped: bool,
    /// XML budgets.
    pub limits: XmlLimits,
    /// Most top-level signatures verified per document (16: real
    /// documents carry one or two; each costs a path validation).
    pub max_signatures: usize,
    /// Most References per signature (30: XAdES uses 2-3, SAML 1; issue 15's bound).
    pub max_references: usize,
    /// Most Transforms per Reference (5: real ones use 1-3).
    pub max_transforms: usize,
    /// Most certificates read from one KeyInfo (16: a chain is under 5).
    pub max_key_info_certificates: usize,
}

impl Default for XmlOptions<'_> {
    fn default() -> Self {
        XmlOptions {
            detached: None,
            certificate: None,
            policy_document: None,
            require_enveloped: false,
            limits: XmlLimits::default(),
            max_signatures: 16,
            max_references: 30,
            max_transforms: 5,
            max_key_info_certificates: 16,
        }
    }
}

/// Verifies every top-level ds:Signature of `xml` (signatures nested in
/// another signature, such as XAdES countersignatures, are not verified
/// on their own).
///
/// # Errors
/// The document cannot be processed: not well-formed, a DTD, an
/// unsupported encoding or over an [`XmlLimits`] budget. Everything else
/// is a finding in the result.
pub fn verify_xml(
    xml: &[u8],
    options: &XmlOptions<'_>,
    ctx: &VerifyContext<'_>,
) -> Result<XmlSignaturesResult, Error> {
    let detached = options.detached.map(Detached::Bytes);
    verify_document(xml, detached.as_ref(), options, ctx)
}

/// [`verify_xml`] with the detached content read from `detached` (from
/// its current position to its end) instead of
/// [`XmlOptions::detached`]: a Reference without transforms digests it as
/// it is read, so a detached document of any size is never held in
/// memory; a Reference with transforms reads it whole, up to
/// [`XmlLimits::max_size`] bytes (beyond, [`XmlCode::LimitExceeded`]). A
/// read that fails is [`XmlCode::ContentMissing`] for that Reference.
///
/// ```
/// use validate::cms::VerifyContext;
/// use validate::path::{TrustStore, ValidationOptions};
/// use validate::xades::{XmlOptions, verify_xml_streamed};
/// let anchors = TrustStore::new();
/// let ctx = VerifyContext::new(&anchors, ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()));
/// let mut content = std::io::Cursor::new(b"the detached document".to_vec());
/// let result = verify_xml_streamed(b"<doc/>", &mut content, &XmlOptions::default(), &ctx).unwrap();
/// assert!(!result.valid);
/// ```
///
/// # Errors
/// As [`verify_xml`]; also the reader's error if its position cannot be
/// taken.
pub fn verify_xml_streamed(
    xml: &[u8],
    detached: &mut dyn ReadSeek,
    options: &XmlOptions<'_>,
    ctx: &VerifyContext<'_>,
) -> Result<XmlSignaturesResult, Error> {
    let detached = Detached::reader(detached).map_err(|e| {
        Error::invalid("detached content", format!("cannot take its position: {e}"))
    })?;
    verify_document(xml, Some(&detached), options, ctx)
}

fn verify_document(
    xml: &[u8],
    detached: Option<&Detached<'_>>,
    options: &XmlOptions<'_>,
    ctx: &VerifyContext<'_>,
) -> Result<XmlSignaturesResult, Error> {
    let text = crate::xml::decode(xml, &options.limits)?;
    let doc = crate::xml::parse(&text, &options.limits)?;
    let ids = IdIndex::new(&doc);
    let is_signature = |n: &roxmltree::Node<'_, '_>| {
        n.tag_name().namespace() == Some(DSIG) && n.tag_name().name() == "Signature"
    };
    let signatures: Vec<roxmltree::Node<'_, '_>> = doc
        .descendants()
        .filter(is_signature)
        .filter(|n| !n.ancestors().skip(1).any(|a| is_signature(&a)))
        .collect();
    let mut findings = Vec::new();
    if signatures.is_empty() {
        findings.push(XmlFinding::new(
            XmlCode::NoSignature,
            "the document holds no ds:Signature",
        ));
    }
    if signatures.len() > options.max_signatures {
        findings.push(XmlFinding::new(
            XmlCode::LimitExceeded,
            format!(
                "{} signatures, over the limit of {}; none is verified",
                signatures.len(),
                options.max_signatures
            ),
        ));
    }
    let mut results = Vec::new();
    if signatures.len() <= options.max_signatures {
        for (index, signature) in signatures.into_iter().enumerate() {
            let env = Env {
                text: &text,
                doc: &doc,
                ids: &ids,
                signature,
                detached,
                limits: &options.limits,
            };
            results.push(signature::verify(&env, index, options, ctx));
        }
    }
    let valid = !results.is_empty()
        && results.iter().all(|r| r.valid)
        && !findings.iter().any(XmlFinding::is_error);
    Ok(XmlSignaturesResult {
        signatures: results,
        findings,
        valid,
    })
}
