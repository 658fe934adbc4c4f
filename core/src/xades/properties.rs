//! XAdES qualifying properties (ETSI EN 319 132-1): reading them from a
//! signature and checking the signed ones against the signer; the
//! unsigned ones give time-stamps and long-term validation data.

use std::sync::Arc;

use roxmltree::Node;

use super::algorithms::digest_by_uri;
use super::findings::{XmlCode, XmlFinding};
use super::reference::{DSIG, ReferenceSpec};
use super::result::XadesProperties;
use crate::cert::Certificate;
use crate::request::decode_base64;
use crate::time::Timestamp;

/// The XAdES 1.3.2 namespace (ETSI EN 319 132-1 4.2).
pub(crate) const XADES: &str = "http://uri.etsi.org/01903/v1.3.2#";
/// ETSI EN 319 132-1 4.3: the Type of the Reference to SignedProperties.
pub(crate) const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";

fn is(node: Node<'_, '_>, ns: &str, local: &str) -> bool {
    node.tag_name().namespace() == Some(ns) && node.tag_name().name() == local
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(*c, ns, local))
}

fn children<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &'static str,
    local: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(*c, ns, local))
}

fn text<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().unwrap_or("").trim()
}

fn malformed(detail: impl Into<String>) -> XmlFinding {
    XmlFinding::new(XmlCode::PropertyMalformed, detail)
}

/// The QualifyingProperties of a signature, as found in its ds:Object children.
pub(crate) struct Qualifying<'a, 'i> {
    pub signed: Option<Node<'a, 'i>>,
    pub unsigned_signature: Option<Node<'a, 'i>>,
    pub certificate_values: Vec<Arc<Certificate>>,
    pub crls: Vec<crate::revocation::Crl>,
    pub ocsp: Vec<crate::revocation::OcspResponse>,
}

/// Finds QualifyingProperties (EN 319 132-1 4.3: in a ds:Object of the
/// signature, Target `#` + the signature's Id) and reads the long-term
/// values. `Ok(None)` for a plain XML-DSig signature.
pub(crate) fn find<'a, 'i>(
    signature: Node<'a, 'i>,
    findings: &mut Vec<XmlFinding>,
) -> Option<Qualifying<'a, 'i>> {
    let all: Vec<Node<'a, 'i>> = children(signature, DSIG, "Object")
        .flat_map(|o| children(o, XADES, "QualifyingProperties"))
        .collect();
    let qp = match all.as_slice() {
        [] => return None,
        [one] => *one,
        many => {
            findings.push(XmlFinding::new(
                XmlCode::QualifyingPropertiesInvalid,
                format!(
                    "the signature holds {} QualifyingProperties; EN 319 132-1 4.3 allows one",
                    many.len()
                ),
            ));
            many[0]
        }
    };
    let target = qp.attribute("Target").unwrap_or("");
    let expected = signature.attribute("Id").map(|id| format!("#{id}"));
    if expected.as_deref() != Some(target) {
        findings.push(XmlFinding::new(
            XmlCode::QualifyingPropertiesInvalid,
            format!(
                "QualifyingProperties/@Target is '{target}', not '#' and the signature's Id ({}) (EN 319 132-1 4.3)",
                signature.attribute("Id").unwrap_or("absent")
            ),
        ));
    }
    let signed = child(qp, XADES, "SignedProperties");
    let unsigned_signature = child(qp, XADES, "UnsignedProperties")
        .and_then(|u| child(u, XADES, "UnsignedSignatureProperties"));
    let mut q = Qualifying {
        signed,
        unsigned_signature,
        certificate_values: Vec::new(),
        crls: Vec::new(),
        ocsp: Vec::new(),
    };
    if let Some(usp) = unsigned_signature {
        read_long_term_values(usp, &mut q, findings);
    }
    Some(q)
}

/// EN 319 132-1 5.5.1 CertificateValues and 5.5.2 RevocationValues.
fn read_long_term_values(
    usp: Node<'_, '_>,
    q: &mut Qualifying<'_, '_>,
    findings: &mut Vec<XmlFinding>,
) {
    for values in children(usp, XADES, "CertificateValues") {
        for enc in children(values, XADES, "EncapsulatedX509Certificate") {
            match decode_base64(text(enc), "EncapsulatedX509Certificate")
                .and_then(|der| Certificate::from_der(&der).map_err(|e| e.to_string()))
            {
                Ok(cert) => q.certificate_values.push(Arc::new(cert)),
                Err(e) => findings.push(malformed(format!("CertificateValues: {e}"))),
            }
        }
    }
    for values in children(usp, XADES, "RevocationValues") {
        for crls in children(values, XADES, "CRLValues") {
            for enc in children(crls, XADES, "EncapsulatedCRLValue") {
                match decode_base64(text(enc), "EncapsulatedCRLValue").and_then(|der| {
                    crate::revocation::Crl::from_der(&der).map_err(|e| e.to_string())
                }) {
                    Ok(crl) => q.crls.push(crl),
                    Err(e) => findings.push(malformed(format!("RevocationValues: {e}"))),
                }
            }
        }
        for ocsps in children(values, XADES, "OCSPValues") {
            for enc in children(ocsps, XADES, "EncapsulatedOCSPValue") {
                match decode_base64(text(enc), "EncapsulatedOCSPValue").and_then(|der| {
                    crate::revocation::OcspResponse::from_der(&der).map_err(|e| e.to_string())
                }) {
                    Ok(r) => q.ocsp.push(r),
                    Err(e) => findings.push(malformed(format!("RevocationValues: {e}"))),
                }
            }
        }
    }
}

/// The signed properties' checks: the Reference that signs them, the
/// signing certificate, signing time, policy and data object formats.
pub(crate) fn check_signed(
    signature: Node<'_, '_>,
    q: &Qualifying<'_, '_>,
    references: &[(ReferenceSpec, bool)],
    signer: Option<&Certificate>,
    policy_document: Option<&[u8]>,
    findings: &mut Vec<XmlFinding>,
) -> XadesProperties {
    let mut props = XadesProperties::default();
    let Some(sp) = q.signed else {
        findings.push(XmlFinding::new(
            XmlCode::QualifyingPropertiesInvalid,
            "QualifyingProperties without SignedProperties (EN 319 132-1 4.3)",
        ));
        return props;
    };
    // EN 319 132-1 4.3 / 6.3: exactly one Reference, of Type
    // SignedProperties, to this SignedProperties element, and it must verify.
    let id = sp.attribute("Id").map(|i| format!("#{i}"));
    let to_props: Vec<&(ReferenceSpec, bool)> = references
        .iter()
        .filter(|(r, _)| r.uri.is_some() && r.uri == id)
        .collect();
    let typed = to_props
        .iter()
        .filter(|(r, _)| r.ref_type.as_deref() == Some(SIGNED_PROPERTIES_TYPE))
        .count();
    if to_props.len() != 1 || typed != 1 || !to_props[0].1 {
        findings.push(XmlFinding::new(
            XmlCode::QualifyingPropertiesInvalid,
            format!(
                "SignedProperties ({}) must be signed by exactly one verified Reference of Type {SIGNED_PROPERTIES_TYPE}; found {} reference(s), {typed} with that Type",
                id.as_deref().unwrap_or("without Id"),
                to_props.len()
            ),
        ));
    }
    let ssp = child(sp, XADES, "SignedSignatureProperties");
    if let Some(st) = ssp.and_then(|s| child(s, XADES, "SigningTime")) {
        match xsd_date_time(text(st)) {
            Some(t) => props.signing_time = Some(t),
            None => findings.push(malformed(format!(
                "SigningTime '{}' is not an xsd:dateTime (EN 319 132-1 5.2.1)",
                text(st)
            ))),
        }
    }
    let v2 = ssp.and_then(|s| child(s, XADES, "SigningCertificateV2"));
    let v1 = ssp.and_then(|s| child(s, XADES, "SigningCertificate"));
    match (v2.map(|n| (2, n)).or(v1.map(|n| (1, n))), signer) {
        (None, _) => findings.push(XmlFinding::new(
            XmlCode::SigningCertificateMissing,
            "SignedSignatureProperties hold neither SigningCertificate nor SigningCertificateV2",
        )),
        (Some((version, node)), Some(cert)) => {
            props.signing_certificate_version = Some(version);
            props.signing_certificate_matches =
                check_signing_certificate(version, node, cert, findings);
        }
        (Some((version, _)), None) => props.signing_certificate_version = Some(version),
    }
    if let Some(policy) = ssp.and_then(|s| child(s, XADES, "SignaturePolicyIdentifier")) {
        check_policy(policy, policy_document, &mut props, findings);
    }
    if let Some(sdop) = child(sp, XADES, "SignedDataObjectProperties") {
        for dof in children(sdop, XADES, "DataObjectFormat") {
            let target = dof.attribute("ObjectReference").unwrap_or("");
            // A Reference of SignedInfo or of a ds:Manifest of the signature.
            let named = target.strip_prefix('#').is_some_and(|rid| {
                references.iter().any(|(r, _)| r.id.as_deref() == Some(rid))
                    || signature.descendants().any(|n| {
                        n.tag_name().namespace() == Some(DSIG)
                            && n.tag_name().name() == "Reference"
                            && n.attribute("Id") == Some(rid)
                            && n.ancestors().any(|a| is(a, DSIG, "Manifest"))
                    })
            });
            if !named {
                findings.push(XmlFinding::new(
                    XmlCode::DataObjectFormatInvalid,
                    format!("DataObjectFormat/@ObjectReference '{target}' names no Reference of the signature (EN 319 132-1 5.2.4)"),
                ));
            }
            let mime = child(dof, XADES, "MimeType").map(|m| text(m).to_string());
            props.data_object_formats.push((target.to_string(), mime));
        }
    }
    props.certificate_values = q.certificate_values.len();
    props.revocation_values = q.crls.len() + q.ocsp.len();
    props
}

/// EN 319 132-1 5.2.2: a Cert of SigningCertificate(V2) whose CertDigest
/// is the signer certificate's, with IssuerSerial naming it.
fn check_signing_certificate(
    version: u8,
    node: Node<'_, '_>,
    cert: &Certificate,
    findings: &mut Vec<XmlFinding>,
) -> bool {
    let mut digests_seen = Vec::new();
    for c in children(node, XADES, "Cert") {
        let Some(digest) = child(c, XADES, "CertDigest") else {
            findings.push(malformed("a SigningCertificate Cert without CertDigest"));
            return false;
        };
        let uri = child(digest, DSIG, "DigestMethod")
            .and_then(|m| m.attribute("Algorithm"))
            .unwrap_or("");
        let Some(alg) = digest_by_uri(uri) else {
            findings.push(XmlFinding::new(
                XmlCode::AlgorithmUnsupported,
                format!("SigningCertificate digest method '{uri}'"),
            ));
            return false;
        };
        let value = match child(digest, DSIG, "DigestValue")
            .map(|v| decode_base64(text(v), "CertDigest"))
        {
            Some(Ok(v)) => v,
            _ => {
                findings.push(malformed(
                    "a SigningCertificate CertDigest without a base64 DigestValue",
                ));
                return false;
            }
        };
        if alg.digest(cert.der()) != value {
            digests_seen.push(alg.name());
            continue;
        }
        // The digest names the signer; the serial must agree.
        let serial = if version == 1 {
            child(c, XADES, "IssuerSerial").map(|is_| {
                if let Some(name) = child(is_, DSIG, "X509IssuerName")
                    && !same_name(text(name), &cert.issuer().to_string())
                {
                    findings.push(XmlFinding::new(
                        XmlCode::IssuerNameMismatch,
                        format!(
                            "SigningCertificate X509IssuerName '{}' does not read as the signer's issuer '{}'",
                            text(name),
                            cert.issuer()
                        ),
                    ));
                }
                child(is_, DSIG, "X509SerialNumber").map(|s| text(s).to_string())
            })
        } else {
            child(c, XADES, "IssuerSerialV2").map(|s| issuer_serial_v2(text(s)))
        };
        return match serial.flatten() {
            None if version == 1 => {
                findings.push(malformed(
                    "SigningCertificate Cert without IssuerSerial/X509SerialNumber",
                ));
                false
            }
            Some(s) if s != cert.serial().to_decimal() => {
                findings.push(XmlFinding::new(
                    XmlCode::SigningCertificateMismatch,
                    format!(
                        "SigningCertificate names serial {s}, the signer certificate has {} (EN 319 132-1 5.2.2)",
                        cert.serial().to_decimal()
                    ),
                ));
                false
            }
            _ => true,
        };
    }
    findings.push(XmlFinding::new(
        XmlCode::SigningCertificateMismatch,
        format!(
            "no SigningCertificate{} Cert has the digest of the signer certificate {} ({} compared)",
            if version == 2 { "V2" } else { "" },
            cert.subject(),
            digests_seen.join(", ")
        ),
    ));
    false
}

/// The serial number (decimal) of a base64 DER IssuerSerial (RFC 5035),
/// `None` when it does not decode.
fn issuer_serial_v2(b64: &str) -> Option<String> {
    use crate::cms::tlv::{single, tag};
    let der = decode_base64(b64, "IssuerSerialV2").ok()?;
    let seq = single(&der, "IssuerSerial")
        .ok()?
        .expect(tag::SEQUENCE, "IssuerSerial")
        .ok()?;
    let mut r = seq.reader();
    r.expect(tag::SEQUENCE, "issuer").ok()?;
    let serial = r.expect(tag::INTEGER, "serialNumber").ok()?;
    Some(crate::cert::SerialNumber::from_bytes(serial.value.to_vec()).to_decimal())
}

/// Distinguished names in text compared leniently: RDNs split on commas
/// and plus signs, attribute names in their common aliases, values with
/// case and surrounding space ignored, order ignored.
fn same_name(a: &str, b: &str) -> bool {
    fn parts(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut escaped = false;
        let mut quoted = false;
        for c in s.chars() {
            if escaped {
                cur.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                // RFC 2253 4: a quoted value holds separators literally.
                quoted = !quoted;
            } else if !quoted && (c == ',' || c == '+' || c == ';') {
                out.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        }
        out.push(cur);
        let mut norm: Vec<String> = out
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or(("", &p));
                let k = match k.trim().to_ascii_lowercase().as_str() {
                    "e" | "email" | "emailaddress" | "1.2.840.113549.1.9.1" => {
                        "emailaddress".to_string()
                    }
                    "s" | "st" | "2.5.4.8" => "st".into(),
                    "serialnumber" | "2.5.4.5" => "serialnumber".into(),
                    "organizationidentifier" | "2.5.4.97" => "organizationidentifier".into(),
                    "2.5.4.3" => "cn".into(),
                    "2.5.4.10" => "o".into(),
                    "2.5.4.11" => "ou".into(),
                    "2.5.4.6" => "c".into(),
                    "2.5.4.7" => "l".into(),
                    other => other.to_string(),
                };
                format!("{k}={}", v.trim().trim_matches('"').to_lowercase())
            })
            .collect();
        norm.sort();
        norm
    }
    parts(a) == parts(b)
}

/// EN 319 132-1 5.2.9 SignaturePolicyIdentifier.
fn check_policy(
    policy: Node<'_, '_>,
    document: Option<&[u8]>,
    props: &mut XadesProperties,
    findings: &mut Vec<XmlFinding>,
) {
    let Some(id) = child(policy, XADES, "SignaturePolicyId") else {
        // SignaturePolicyImplied: the policy is implied by the context.
        return;
    };
    let identifier = child(id, XADES, "SigPolicyId")
        .and_then(|s| child(s, XADES, "Identifier"))
        .map(|i| text(i).to_string());
    props.policy_identifier = identifier.clone();
    let hash = child(id, XADES, "SigPolicyHash");
    let Some(hash) = hash else {
        findings.push(malformed(
            "SignaturePolicyId without SigPolicyHash (EN 319 132-1 5.2.9)",
        ));
        return;
    };
    let Some(document) = document else {
        findings.push(XmlFinding::new(
            XmlCode::PolicyNotChecked,
            format!(
                "the policy document of {} was not given; SigPolicyHash not checked",
                identifier.as_deref().unwrap_or("the signature policy")
            ),
        ));
        return;
    };
    let uri = child(hash, DSIG, "DigestMethod")
        .and_then(|m| m.attribute("Algorithm"))
        .unwrap_or("");
    let value = child(hash, DSIG, "DigestValue").map(|v| decode_base64(text(v), "SigPolicyHash"));
    match (digest_by_uri(uri), value) {
        (Some(alg), Some(Ok(value))) => {
            if alg.digest(document) != value {
                findings.push(XmlFinding::new(
                    XmlCode::PolicyHashMismatch,
                    format!(
                        "SigPolicyHash ({alg}) differs from the digest of the policy document given"
                    ),
                ));
            }
        }
        (None, _) => findings.push(XmlFinding::new(
            XmlCode::AlgorithmUnsupported,
            format!("SigPolicyHash digest method '{uri}'"),
        )),
        _ => findings.push(malformed("SigPolicyHash without a base64 DigestValue")),
    }
}

/// xsd:dateTime; a time without zone is read as UTC.
pub(crate) fn xsd_date_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let has_zone = s.ends_with('Z') || s.ends_with('z') || {
        let tail = s.len().saturating_sub(6);
        s.get(tail..).is_some_and(|t| {
            (t.starts_with('+') || t.starts_with('-')) && t.as_bytes().get(3) == Some(&b':')
        })
    };
    if has_zone {
        s.parse().ok()
    } else {
        format!("{s}Z").parse().ok()
    }
}

/// The SignatureTimeStamps of the unsigned properties: (canonicalization
/// method URI, token DER) pairs (EN 319 132-1 5.3).
pub(crate) fn signature_timestamps(
    q: &Qualifying<'_, '_>,
    findings: &mut Vec<XmlFinding>,
) -> Vec<(Option<String>, Vec<u8>)> {
    let Some(usp) = q.unsigned_signature else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ts in children(usp, XADES, "SignatureTimeStamp") {
        let method = child(ts, DSIG, "CanonicalizationMethod")
            .and_then(|m| m.attribute("Algorithm"))
            .map(str::to_string);
        let tokens: Vec<Node<'_, '_>> = children(ts, XADES, "EncapsulatedTimeStamp").collect();
        if tokens.is_empty() {
            findings.push(malformed(
                "a SignatureTimeStamp without EncapsulatedTimeStamp",
            ));
        }
        for token in tokens {
            match decode_base64(text(token), "EncapsulatedTimeStamp") {
                Ok(der) => out.push((method.clone(), der)),
                Err(e) => findings.push(malformed(e)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_leniently() {
        assert!(same_name(
            "CN=Test CA, O=\"Acme, Inc.\", C=US",
            "C=US,O=Acme\\, Inc.,CN=test ca"
        ));
        assert!(same_name("E=a@b.c,CN=x", "emailAddress=a@b.c, CN=x"));
        assert!(!same_name("CN=x", "CN=y"));
    }

    #[test]
    fn date_times() {
        assert_eq!(
            xsd_date_time("2024-01-01T01:00:00+01:00"),
            "2024-01-01T00:00:00Z".parse().ok()
        );
        assert_eq!(
            xsd_date_time("2024-01-01T00:00:00.123"),
            "2024-01-01T00:00:00Z".parse().ok()
        );
        assert!(xsd_date_time("yesterday").is_none());
    }
}
