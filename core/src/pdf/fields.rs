//! Form fields (ISO 32000-1 12.7.3): the field tree from /AcroForm
//! /Fields, fully qualified names, inherited /FT, and the signature fields
//! among them.

use std::collections::HashSet;

use super::document::Document;
use super::findings::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object};

/// A terminal form field.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The fully qualified name (partial names joined by '.').
    pub name: String,
    /// The field dictionary's reference, when indirect.
    pub reference: Option<ObjRef>,
    /// The field dictionary.
    pub dict: Dict,
    /// /FT, inherited from ancestors (12.7.3.1 table 220).
    pub field_type: Option<Vec<u8>>,
}

impl Field {
    pub fn is_signature(&self) -> bool {
        self.field_type.as_deref() == Some(b"Sig")
    }
}

/// Text of a PDF text string (7.9.2.2): UTF-16BE with BOM, or
/// PDFDocEncoding read as Latin-1 (the two agree on printable ASCII).
pub(crate) fn text_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(&bytes[3..]).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// Every terminal field of revision `rev`, in tree order.
pub(crate) fn fields(doc: &Document<'_>, rev: usize) -> PdfResult<Vec<Field>> {
    let catalog = doc.catalog(rev)?;
    let Some(form) = catalog.get(b"AcroForm") else {
        return Ok(Vec::new());
    };
    let Some(form) = doc.dict(form, rev)? else {
        return Ok(Vec::new());
    };
    let Some(list) = form.get(b"Fields") else {
        return Ok(Vec::new());
    };
    let Some(Object::Array(list)) = doc.resolve(list, rev)? else {
        return Err(PdfError::malformed("/AcroForm /Fields is not an array"));
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut visited = 0usize;
    for item in &list {
        walk(
            doc,
            rev,
            item,
            "",
            None,
            0,
            &mut seen,
            &mut visited,
            &mut out,
        )?;
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Document<'_>,
    rev: usize,
    item: &Object,
    parent_name: &str,
    parent_type: Option<&[u8]>,
    depth: usize,
    seen: &mut HashSet<ObjRef>,
    visited: &mut usize,
    out: &mut Vec<Field>,
) -> PdfResult<()> {
    *visited += 1;
    if *visited > doc.limits.max_fields || depth > doc.limits.max_depth {
        return Err(PdfError::limit(format!(
            "the field tree has more than {} fields or is deeper than {}",
            doc.limits.max_fields, doc.limits.max_depth
        )));
    }
    let reference = item.as_ref();
    if let Some(r) = reference
        && !seen.insert(r)
    {
        return Err(PdfError::malformed(format!(
            "field {r} appears twice in the field tree (a loop or a shared field)"
        )));
    }
    let Some(dict) = doc.dict(item, rev)? else {
        return Ok(());
    };
    let partial = match dict.get(b"T") {
        Some(Object::Str(s)) => Some(text_string(&s.bytes)),
        _ => None,
    };
    let name = match (&partial, parent_name.is_empty()) {
        (Some(p), true) => p.clone(),
        (Some(p), false) => format!("{parent_name}.{p}"),
        (None, _) => parent_name.to_string(),
    };
    let field_type = dict.name(b"FT").or(parent_type).map(<[u8]>::to_vec);
    // Kids with /T are fields; kids without are the field's widgets (12.7.3.1).
    let mut child_fields = Vec::new();
    if let Some(kids) = dict.get(b"Kids")
        && let Some(Object::Array(kids)) = doc.resolve(kids, rev)?
    {
        for kid in kids {
            if let Some(k) = doc.dict(&kid, rev)?
                && k.get(b"T").is_some()
            {
                child_fields.push(kid);
            }
        }
    }
    if child_fields.is_empty() {
        out.push(Field {
            name,
            reference,
            dict,
            field_type,
        });
    } else {
        for kid in child_fields {
            walk(
                doc,
                rev,
                &kid,
                &name,
                field_type.as_deref(),
                depth + 1,
                seen,
                visited,
                out,
            )?;
        }
    }
    Ok(())
}
