//! One ds:Signature: the canonical SignedInfo and its signature value, the
//! References read from those signed bytes, the signer from KeyInfo, the
//! XAdES properties, the time-stamps and the signer's path.

use std::sync::Arc;

use roxmltree::Node;

use super::XmlOptions;
use super::algorithms::{ValueForm, r_s_to_der, signature_by_uri};
use super::findings::{Severity, XmlCode, XmlFinding};
use super::properties::{self, SIGNED_PROPERTIES_TYPE};
use super::reference::{DSIG, Env, ReferenceSpec, digest_reference, node_path, read_reference};
use super::result::{ReferenceResult, SignedNode, SignedScope, XadesLevel, XmlSignatureResult};
use crate::cert::Certificate;
use crate::cms::{SignatureStatus, VerifyContext, verify_timestamp_token};
use crate::crypto::{DigestAlgorithm, SignatureError};
use crate::request::decode_base64;
use crate::xml::c14n::{self, C14nMethod, NodeSet};

fn is(node: Node<'_, '_>, local: &str) -> bool {
    node.tag_name().namespace() == Some(DSIG) && node.tag_name().name() == local
}

fn elements<'a, 'i>(node: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    node.children().filter(|c| c.is_element()).collect()
}

fn structure(detail: impl Into<String>) -> XmlFinding {
    XmlFinding::new(XmlCode::StructureInvalid, detail)
}

/// Verifies the signature `env.signature` (index `index` in its document).
pub(crate) fn verify(
    env: &Env<'_, '_, '_, '_>,
    index: usize,
    options: &XmlOptions<'_>,
    ctx: &VerifyContext<'_>,
) -> XmlSignatureResult {
    let sig = env.signature;
    let mut result = XmlSignatureResult {
        index,
        id: sig.attribute("Id").map(str::to_string),
        node: node_path(env.text, sig),
        signature_method: String::new(),
        algorithm: None,
        canonical_signed_info: Vec::new(),
        signature: SignatureStatus::NotChecked("not reached".into()),
        references: Vec::new(),
        certificate: None,
        path_time: ctx.options.time,
        path: None,
        xades: None,
        timestamps: Vec::new(),
        level: None,
        scope: SignedScope::Partial,
        findings: Vec::new(),
        valid: false,
    };
    if let Err(f) = check(env, options, ctx, &mut result) {
        result.findings.push(f);
    }
    result.valid = result.signature_intact()
        && result.path.as_ref().is_some_and(|p| p.valid)
        && !result.findings.iter().any(XmlFinding::is_error);
    result
}

/// The steps in order; `Err` is a finding that stops the signature.
fn check(
    env: &Env<'_, '_, '_, '_>,
    options: &XmlOptions<'_>,
    ctx: &VerifyContext<'_>,
    result: &mut XmlSignatureResult,
) -> Result<(), XmlFinding> {
    let sig = env.signature;
    // XML-DSig 4.1: SignedInfo, SignatureValue, KeyInfo?, Object*.
    let kids = elements(sig);
    let (Some(signed_info), Some(value_node)) = (kids.first().copied(), kids.get(1).copied())
    else {
        return Err(structure(
            "ds:Signature lacks ds:SignedInfo and ds:SignatureValue (XML-DSig 4.1)",
        ));
    };
    if !is(signed_info, "SignedInfo") || !is(value_node, "SignatureValue") {
        return Err(structure(
            "ds:Signature must start with ds:SignedInfo then ds:SignatureValue (XML-DSig 4.1)",
        ));
    }
    let key_info = kids.get(2).copied().filter(|k| is(*k, "KeyInfo"));
    for extra in kids.iter().skip(if key_info.is_some() { 3 } else { 2 }) {
        if !is(*extra, "Object") {
            return Err(structure(format!(
                "ds:Signature holds <{}> where only ds:KeyInfo and ds:Object may follow (XML-DSig 4.1)",
                extra.tag_name().name()
            )));
        }
    }

    // XML-DSig 4.3 / 3.2.2: canonicalize SignedInfo with its method.
    let method_node = elements(signed_info)
        .first()
        .copied()
        .filter(|n| is(*n, "CanonicalizationMethod"))
        .ok_or_else(|| {
            structure("ds:SignedInfo must start with ds:CanonicalizationMethod (XML-DSig 4.3)")
        })?;
    let method_uri = method_node.attribute("Algorithm").unwrap_or("");
    let method = C14nMethod::from_uri(method_uri).ok_or_else(|| {
        XmlFinding::new(
            XmlCode::AlgorithmUnsupported,
            format!("CanonicalizationMethod '{method_uri}'"),
        )
    })?;
    let prefixes = inclusive_prefixes(method_node, method);
    let canonical = c14n::canonical_bytes(
        env.text,
        &NodeSet::subtree(signed_info, true),
        method,
        &prefixes,
    )
    .map_err(|e| structure(format!("SignedInfo: {e}")))?;
    result.canonical_signed_info = canonical;

    // Wrapping defence: everything that decides what is signed is read
    // from the canonical bytes the signature covers, never from the tree.
    let signed_text = std::str::from_utf8(&result.canonical_signed_info)
        .map_err(|e| structure(format!("canonical SignedInfo: {e}")))?
        .to_string();
    let signed_doc = crate::xml::parse(&signed_text, env.limits)
        .map_err(|e| structure(format!("canonical SignedInfo: {e}")))?;
    let signed_root = signed_doc.root_element();
    let signed_kids = elements(signed_root);
    let original_kids = elements(signed_info);
    if signed_kids.len() != original_kids.len() {
        return Err(structure(
            "the canonical SignedInfo does not match the document's",
        ));
    }
    let method_el = signed_kids
        .get(1)
        .copied()
        .filter(|n| is(*n, "SignatureMethod"))
        .ok_or_else(|| structure("ds:SignedInfo lacks ds:SignatureMethod (XML-DSig 4.3)"))?;
    result.signature_method = method_el.attribute("Algorithm").unwrap_or("").to_string();
    let references: Vec<(Node<'_, '_>, Node<'_, '_>)> = signed_kids[2..]
        .iter()
        .copied()
        .zip(original_kids[2..].iter().copied())
        .collect();
    if references.is_empty() || references.iter().any(|(r, _)| !is(*r, "Reference")) {
        return Err(structure(
            "ds:SignedInfo must hold one or more ds:Reference after ds:SignatureMethod (XML-DSig 4.3)",
        ));
    }
    if references.len() > options.max_references {
        return Err(XmlFinding::new(
            XmlCode::LimitExceeded,
            format!(
                "{} References, over the limit of {}",
                references.len(),
                options.max_references
            ),
        ));
    }
    let signature_value =
        decode_base64(value_node.text().unwrap_or(""), "SignatureValue").map_err(structure)?;

    // XAdES: qualifying properties, with long-term values for the path.
    let qualifying = properties::find(sig, &mut result.findings);

    // The signer: the caller's certificate, else KeyInfo's X509Certificates.
    let key_certs = key_info_certificates(key_info, options.max_key_info_certificates)?;
    let method = signature_by_uri(&result.signature_method);
    result.algorithm = method.as_ref().map(|m| m.algorithm);
    let weak_signature = result.algorithm.and_then(|a| a.digest()) == Some(DigestAlgorithm::Sha1);
    let candidates: Vec<Arc<Certificate>> = match options.certificate {
        Some(c) => vec![Arc::new(c.clone())],
        None => key_certs.clone(),
    };
    match &method {
        None => {
            let f = XmlFinding::new(
                XmlCode::AlgorithmUnsupported,
                format!("SignatureMethod '{}'", result.signature_method),
            );
            result.signature = SignatureStatus::NotChecked(f.detail.clone());
            result.findings.push(f);
        }
        Some(_) if candidates.is_empty() => {
            result.signature = SignatureStatus::NotChecked("no signer certificate".into());
            result.findings.push(XmlFinding::new(
                XmlCode::SignerCertificateNotFound,
                "KeyInfo holds no X509Certificate and no certificate was given",
            ));
        }
        Some(m) => {
            let Some(first) = candidates.first() else {
                return Err(structure("no signer candidate"));
            };
            let (status, signer) = verify_value(
                m,
                first,
                &candidates,
                &result.canonical_signed_info,
                &signature_value,
                ctx,
            );
            if let SignatureStatus::Invalid = status {
                result.findings.push(XmlFinding::new(
                    XmlCode::SignatureInvalid,
                    format!(
                        "the {} SignatureValue does not verify over the canonical SignedInfo with the key of {}",
                        m.algorithm,
                        signer.subject()
                    ),
                ));
            } else if let SignatureStatus::NotChecked(why) = &status {
                result
                    .findings
                    .push(XmlFinding::new(XmlCode::AlgorithmUnsupported, why.clone()));
            }
            result.signature = status;
            result.certificate = Some(signer);
        }
    }

    // References, read from the signed bytes.
    let mut specs: Vec<(ReferenceSpec, bool)> = Vec::new();
    let mut weak_digest = false;
    for (signed, original) in references {
        let spec = match read_reference(signed, original, options.max_transforms) {
            Ok(spec) => spec,
            Err(f) => {
                result.findings.push(f);
                result
                    .references
                    .push(unresolved(signed.attribute("URI"), None));
                continue;
            }
        };
        weak_digest |= spec.digest == Some(DigestAlgorithm::Sha1);
        let (resolved, matches, covered) = match digest_reference(env, &spec) {
            Ok((digest, covered)) => {
                let ok = digest == spec.digest_value;
                if !ok {
                    result.findings.push(XmlFinding::new(
                        XmlCode::DigestMismatch,
                        format!(
                            "Reference '{}' ({}): DigestValue differs from the {} of the data",
                            spec.uri.as_deref().unwrap_or(""),
                            covered.node,
                            spec.digest.map_or("digest", |d| d.name())
                        ),
                    ));
                }
                (true, ok, Some(covered))
            }
            Err(f) => {
                result.findings.push(f);
                (false, false, None)
            }
        };
        let in_document = covered.as_ref().is_some_and(|c| c.in_document);
        let signed_node = SignedNode {
            uri: spec.uri.clone(),
            reference_type: spec.ref_type.clone(),
            node: covered
                .as_ref()
                .map_or_else(|| "(not resolved)".into(), |c| c.node.clone()),
            excluded: covered
                .as_ref()
                .map(|c| c.excluded.clone())
                .unwrap_or_default(),
            transforms: spec.transform_uris.clone(),
            scope: if covered.as_ref().is_some_and(|c| c.full) {
                SignedScope::Full
            } else {
                SignedScope::Partial
            },
            digest_matches: matches,
        };
        result.references.push(ReferenceResult {
            signed: signed_node,
            id: spec.id.clone(),
            digest_algorithm: spec.digest,
            resolved,
            in_document,
        });
        specs.push((spec, resolved && matches));
    }
    if weak_digest || weak_signature {
        let mut f = XmlFinding::new(
            XmlCode::WeakAlgorithm,
            format!(
                "SHA-1 is used by the {}",
                match (weak_signature, weak_digest) {
                    (true, true) => "signature method and a digest method",
                    (true, false) => "signature method",
                    _ => "digest method of a Reference",
                }
            ),
        );
        if !ctx.options.reject_weak_algorithms {
            f.severity = Severity::Warning;
        }
        result.findings.push(f);
    }

    // Scope: FULL when a content Reference covers the whole document or
    // the detached content.
    let content =
        |r: &&ReferenceResult| r.signed.reference_type.as_deref() != Some(SIGNED_PROPERTIES_TYPE);
    let full_in_document =
        result.references.iter().filter(content).any(|r| {
            r.signed.scope == SignedScope::Full && r.signed.digest_matches && r.in_document
        });
    if result
        .references
        .iter()
        .filter(content)
        .any(|r| r.signed.scope == SignedScope::Full && r.signed.digest_matches)
    {
        result.scope = SignedScope::Full;
    } else {
        result.findings.push(XmlFinding::new(
            XmlCode::PartialScope,
            format!(
                "the signature covers only {}",
                result
                    .references
                    .iter()
                    .filter(content)
                    .map(|r| r.signed.node.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if options.require_enveloped && !full_in_document {
        result.findings.push(XmlFinding::new(
            XmlCode::DocumentNotSigned,
            format!(
                "no Reference of {} covers the document element {}",
                result.node,
                node_path(env.text, env.doc.root_element())
            ),
        ));
    }

    // XAdES.
    let mut pool = ctx.intermediates.clone();
    for c in &key_certs {
        pool.add(Arc::clone(c));
    }
    let mut revocation = None;
    if let Some(q) = &qualifying {
        for c in &q.certificate_values {
            pool.add(Arc::clone(c));
        }
        let props = properties::check_signed(
            sig,
            q,
            &specs,
            result.certificate.as_deref(),
            options.policy_document,
            &mut result.findings,
        );
        revocation = ctx.revocation.map(|sources| {
            let mut s = sources.extended_with_crls(q.crls.iter().cloned());
            for r in &q.ocsp {
                s.add_ocsp_response(Arc::new(r.clone()));
            }
            s
        });
        for (method, token) in properties::signature_timestamps(q, &mut result.findings) {
            let stamped = stamped_signature_value(env, value_node, method.as_deref())?;
            match verify_timestamp_token(&token, &stamped, ctx) {
                Ok(ts) => {
                    if !ts.valid {
                        result.findings.push(XmlFinding::new(
                            XmlCode::TimestampInvalid,
                            "a SignatureTimeStamp is not valid (its findings follow)",
                        ));
                    }
                    result.timestamps.push(ts);
                }
                Err(e) => result.findings.push(XmlFinding::new(
                    XmlCode::PropertyMalformed,
                    format!("SignatureTimeStamp: {e}"),
                )),
            }
        }
        result.xades = Some(props);
    }

    // The signer path, at the time the evidence proves (as for CAdES).
    if let Some(cert) = result.certificate.clone() {
        let signing_time = result.xades.as_ref().and_then(|x| x.signing_time);
        result.path_time = match (result.timestamp_time(), signing_time) {
            (Some(t), _) if ctx.timestamp_proves_time => t,
            (_, Some(t)) if ctx.trust_signing_time => t,
            _ => ctx.options.time,
        };
        let mut path_options = ctx.options.clone();
        path_options.time = result.path_time;
        let path = ctx.validate_path(
            &cert,
            &pool,
            &path_options,
            revocation.as_ref().or(ctx.revocation),
        );
        if !path.valid {
            result.findings.push(XmlFinding::new(
                XmlCode::SignerPathInvalid,
                path.errors()
                    .map(|f| format!("{} {}", f.code.code(), f.detail))
                    .collect::<Vec<_>>()
                    .join("; "),
            ));
        }
        result.path = Some(path);
    }
    result.level = level(result, qualifying.as_ref());
    Ok(())
}

fn unresolved(uri: Option<&str>, ref_type: Option<&str>) -> ReferenceResult {
    ReferenceResult {
        signed: SignedNode {
            uri: uri.map(str::to_string),
            reference_type: ref_type.map(str::to_string),
            node: "(not resolved)".into(),
            excluded: Vec::new(),
            transforms: Vec::new(),
            scope: SignedScope::Partial,
            digest_matches: false,
        },
        id: None,
        digest_algorithm: None,
        resolved: false,
        in_document: false,
    }
}

/// ETSI EN 319 132-1 6: B-B with valid signed properties naming the
/// signer, B-T with a valid SignatureTimeStamp, B-LT with the validation
/// data in the signature.
fn level(
    result: &XmlSignatureResult,
    q: Option<&properties::Qualifying<'_, '_>>,
) -> Option<XadesLevel> {
    let props = result.xades.as_ref()?;
    let blocking = result.findings.iter().any(|f| {
        f.is_error()
            && matches!(
                f.code,
                XmlCode::QualifyingPropertiesInvalid
                    | XmlCode::SigningCertificateMissing
                    | XmlCode::SigningCertificateMismatch
            )
    });
    if blocking || !props.signing_certificate_matches || !result.signature_intact() {
        return None;
    }
    if !result.timestamps.iter().any(|t| t.valid) {
        return Some(XadesLevel::BB);
    }
    let lt = q.is_some_and(|q| {
        !q.certificate_values.is_empty() && (!q.crls.is_empty() || !q.ocsp.is_empty())
    });
    Some(if lt { XadesLevel::BLT } else { XadesLevel::BT })
}

fn inclusive_prefixes(method_node: Node<'_, '_>, method: C14nMethod) -> Vec<Option<String>> {
    if !method.is_exclusive() {
        return Vec::new();
    }
    method_node
        .children()
        .find(|c| {
            c.tag_name().namespace() == Some("http://www.w3.org/2001/10/xml-exc-c14n#")
                && c.tag_name().name() == "InclusiveNamespaces"
        })
        .and_then(|c| c.attribute("PrefixList"))
        .map(c14n::prefix_list)
        .unwrap_or_default()
}

/// ETSI EN 319 132-1 5.3: the time-stamped data is the ds:SignatureValue
/// element canonicalized with the time-stamp's method (inclusive C14N 1.0
/// when it names none).
fn stamped_signature_value(
    env: &Env<'_, '_, '_, '_>,
    value_node: Node<'_, '_>,
    method: Option<&str>,
) -> Result<Vec<u8>, XmlFinding> {
    let method = match method {
        None => C14nMethod::Inclusive10,
        Some(uri) => C14nMethod::from_uri(uri).ok_or_else(|| {
            XmlFinding::new(
                XmlCode::AlgorithmUnsupported,
                format!("SignatureTimeStamp CanonicalizationMethod '{uri}'"),
            )
        })?,
    };
    c14n::canonical_bytes(env.text, &NodeSet::subtree(value_node, true), method, &[])
        .map_err(|e| structure(format!("SignatureValue: {e}")))
}

/// X509Data/X509Certificate of KeyInfo (XML-DSig 4.5.4).
fn key_info_certificates(
    key_info: Option<Node<'_, '_>>,
    max: usize,
) -> Result<Vec<Arc<Certificate>>, XmlFinding> {
    let mut out = Vec::new();
    let Some(ki) = key_info else {
        return Ok(out);
    };
    for data in ki.children().filter(|c| is(*c, "X509Data")) {
        for cert in data.children().filter(|c| is(*c, "X509Certificate")) {
            if out.len() == max {
                return Err(XmlFinding::new(
                    XmlCode::LimitExceeded,
                    format!("KeyInfo holds more than {max} certificates"),
                ));
            }
            let der =
                decode_base64(cert.text().unwrap_or(""), "X509Certificate").map_err(structure)?;
            let cert = Certificate::from_der(&der)
                .map_err(|e| structure(format!("X509Certificate: {e}")))?;
            out.push(Arc::new(cert));
        }
    }
    Ok(out)
}

/// Verifies the value with each candidate until one key verifies it; the
/// first candidate is reported when none does.
fn verify_value(
    method: &super::algorithms::SignatureMethod,
    first_candidate: &Arc<Certificate>,
    candidates: &[Arc<Certificate>],
    signed: &[u8],
    value: &[u8],
    ctx: &VerifyContext<'_>,
) -> (SignatureStatus, Arc<Certificate>) {
    let value = match method.form {
        ValueForm::Raw => Some(value.to_vec()),
        ValueForm::RConcatS => r_s_to_der(value),
    };
    let mut first: Option<SignatureStatus> = None;
    for cert in candidates {
        let status = match (&value, method.identifier()) {
            (None, _) => SignatureStatus::Invalid,
            (_, None) => {
                SignatureStatus::NotChecked("the algorithm parameters do not encode".into())
            }
            (Some(v), Some(ai)) => {
                let key = cert.public_key().signer_key();
                match ctx.verifier.verify_signature(&ai, &key, signed, v) {
                    Ok(()) => SignatureStatus::Valid,
                    Err(SignatureError::InvalidSignature) => SignatureStatus::Invalid,
                    Err(e) => {
                        SignatureStatus::NotChecked(format!("{e} (key of {})", cert.subject()))
                    }
                }
            }
        };
        if status.is_valid() {
            return (status, Arc::clone(cert));
        }
        first.get_or_insert(status);
    }
    (
        first.unwrap_or(SignatureStatus::Invalid),
        Arc::clone(first_candidate),
    )
}
