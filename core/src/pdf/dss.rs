//! The Document Security Store (ETSI EN 319 142-1 5.4.2, ISO 32000-2
//! 12.8.4.3): certificates, CRLs and OCSP responses for long-term
//! validation, and the revision that added it.

use std::sync::Arc;

use super::document::Document;
use super::findings::{PdfCode, PdfFinding, PdfResult};
use super::object::{Dict, Object};
use crate::cert::Certificate;
use crate::revocation::{Crl, OcspResponse};

/// What the DSS holds.
#[derive(Debug, Default)]
pub(crate) struct Dss {
    pub certificates: Vec<Arc<Certificate>>,
    pub crls: Vec<Crl>,
    pub ocsp: Vec<Arc<OcspResponse>>,
    /// The first revision whose catalog has a /DSS.
    pub first_revision: Option<usize>,
}

impl Dss {
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty() && self.crls.is_empty() && self.ocsp.is_empty()
    }
}

/// The streams of a DSS or VRI array (`/Certs`, `/CRLs`, `/OCSPs`;
/// `/Cert`, `/CRL`, `/OCSP`), decoded.
fn streams(
    doc: &Document<'_>,
    dss: &Dict,
    key: &[u8],
    rev: usize,
    findings: &mut Vec<PdfFinding>,
) -> PdfResult<Vec<Vec<u8>>> {
    let Some(list) = dss.get(key) else {
        return Ok(Vec::new());
    };
    let Some(Object::Array(items)) = doc.resolve(list, rev)? else {
        findings.push(PdfFinding::new(
            PdfCode::DssMalformed,
            format!("/DSS /{} is not an array", String::from_utf8_lossy(key)),
        ));
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in items.iter().take(doc.limits.max_fields) {
        let Some(r) = item.as_ref() else {
            findings.push(PdfFinding::new(
                PdfCode::DssMalformed,
                "a DSS entry is not a reference to a stream",
            ));
            continue;
        };
        match doc.get(r, rev)?.map(|p| p.object.clone()) {
            Some(Object::Stream(s)) => match doc.stream_data(&s) {
                Ok(d) => out.push(d),
                Err(e) => findings.push(PdfFinding::new(
                    PdfCode::DssMalformed,
                    format!("DSS stream {r}: {}", e.detail),
                )),
            },
            _ => findings.push(PdfFinding::new(
                PdfCode::DssMalformed,
                format!("DSS entry {r} is not a stream"),
            )),
        }
    }
    Ok(out)
}

/// Reads the DSS of revision `rev`; unreadable entries are findings.
pub(crate) fn read_dss(
    doc: &Document<'_>,
    rev: usize,
    findings: &mut Vec<PdfFinding>,
) -> PdfResult<Dss> {
    let mut out = Dss::default();
    for r in 0..=rev {
        if doc.catalog(r)?.get(b"DSS").is_some() {
            out.first_revision = Some(r);
            break;
        }
    }
    let catalog = doc.catalog(rev)?;
    let Some(dss) = catalog.get(b"DSS") else {
        return Ok(out);
    };
    let Some(dss) = doc.dict(dss, rev)? else {
        findings.push(PdfFinding::new(
            PdfCode::DssMalformed,
            "/DSS is not a dictionary",
        ));
        return Ok(out);
    };
    // ETSI EN 319 142-1 5.4.2.3: the /VRI dictionaries (one per signature,
    // keyed by the SHA-1 of its /Contents) hold /Cert, /CRL and /OCSP
    // arrays of their own; they are sources like the DSS arrays.
    let mut certs = streams(doc, &dss, b"Certs", rev, findings)?;
    let mut crls = streams(doc, &dss, b"CRLs", rev, findings)?;
    let mut ocsps = streams(doc, &dss, b"OCSPs", rev, findings)?;
    if let Some(vri) = dss.get(b"VRI") {
        match doc.dict(vri, rev)? {
            Some(vri) => {
                for (key, entry) in vri.entries().take(doc.limits.max_fields) {
                    let Some(entry) = doc.dict(entry, rev)? else {
                        findings.push(PdfFinding::new(
                            PdfCode::DssMalformed,
                            format!("/VRI /{} is not a dictionary", String::from_utf8_lossy(key)),
                        ));
                        continue;
                    };
                    certs.extend(streams(doc, &entry, b"Cert", rev, findings)?);
                    crls.extend(streams(doc, &entry, b"CRL", rev, findings)?);
                    ocsps.extend(streams(doc, &entry, b"OCSP", rev, findings)?);
                }
            }
            None => findings.push(PdfFinding::new(
                PdfCode::DssMalformed,
                "/DSS /VRI is not a dictionary",
            )),
        }
    }
    for der in certs {
        match Certificate::from_der(&der) {
            Ok(c) => out.certificates.push(Arc::new(c)),
            Err(e) => findings.push(PdfFinding::new(
                PdfCode::DssMalformed,
                format!("DSS certificate: {e}"),
            )),
        }
    }
    for der in crls {
        match Crl::from_der(&der) {
            Ok(c) => out.crls.push(c),
            Err(e) => findings.push(PdfFinding::new(
                PdfCode::DssMalformed,
                format!("DSS CRL: {e}"),
            )),
        }
    }
    for der in ocsps {
        match OcspResponse::from_der(&der) {
            Ok(o) => out.ocsp.push(Arc::new(o)),
            Err(e) => findings.push(PdfFinding::new(
                PdfCode::DssMalformed,
                format!("DSS OCSP response: {e}"),
            )),
        }
    }
    Ok(out)
}
