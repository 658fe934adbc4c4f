//! Modification detection permissions (ISO 32000-1 12.8.2.2 DocMDP,
//! 12.8.2.4 FieldMDP, 12.7.4.5 /Lock): which signature certifies the
//! document at which level, and which fields each signature locks.

use super::document::Document;
use super::fields::{Field, text_string};
use super::findings::PdfResult;
use super::object::{Dict, ObjRef, Object};
use super::result::{ModificationLevel, PdfSignature};

/// The certification signature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Certification {
    /// Its index among the signatures.
    pub signature: usize,
    /// /P: 1, 2 or 3.
    pub permission: u8,
}

/// Which fields a lock covers (table 256 /Action).
#[derive(Debug, Clone)]
pub(crate) enum LockAction {
    All,
    Include(Vec<String>),
    Exclude(Vec<String>),
}

/// A FieldMDP lock of a signature.
#[derive(Debug, Clone)]
pub(crate) struct Lock {
    pub signature: usize,
    pub action: LockAction,
}

impl Lock {
    /// True when the lock covers field `name` (a name covers its descendants).
    pub fn covers(&self, name: &str) -> bool {
        let listed = |names: &[String]| {
            names
                .iter()
                .any(|n| name == n || name.starts_with(&format!("{n}.")))
        };
        match &self.action {
            LockAction::All => true,
            LockAction::Include(n) => listed(n),
            LockAction::Exclude(n) => !listed(n),
        }
    }
}

/// The permissions in force.
#[derive(Debug, Clone, Default)]
pub(crate) struct Permissions {
    pub certification: Option<Certification>,
    pub locks: Vec<Lock>,
}

/// The most a DocMDP level allows (12.8.2.2.2 table 254; document
/// timestamps and DSS updates are allowed at every level, ISO 32000-2
/// 12.8.2.2.2 and ETSI EN 319 142-1 5.4, as pyHanko and DSS do).
pub(crate) fn allowed_level(permission: u8) -> ModificationLevel {
    match permission {
        1 => ModificationLevel::LtaUpdates,
        2 => ModificationLevel::FormFilling,
        _ => ModificationLevel::Annotations,
    }
}

fn action(params: &Dict) -> Option<LockAction> {
    let names = || -> Vec<String> {
        match params.get(b"Fields") {
            Some(Object::Array(a)) => a
                .iter()
                .filter_map(|o| match o {
                    Object::Str(s) => Some(text_string(&s.bytes)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    match params.name(b"Action")? {
        b"All" => Some(LockAction::All),
        b"Include" => Some(LockAction::Include(names())),
        b"Exclude" => Some(LockAction::Exclude(names())),
        _ => None,
    }
}

/// Reads DocMDP and FieldMDP from the signature dictionaries'
/// /Reference arrays (12.8.1 table 253), the catalog's /Perms /DocMDP
/// and the signature fields' /Lock dictionaries.
pub(crate) fn permissions(
    doc: &Document<'_>,
    signatures: &[PdfSignature],
    candidates: &[(Field, ObjRef)],
    last: usize,
) -> PdfResult<Permissions> {
    let mut out = Permissions::default();
    let perms_docmdp = doc
        .catalog(last)?
        .get(b"Perms")
        .map(|p| doc.dict(p, last))
        .transpose()?
        .flatten()
        .and_then(|p| p.get(b"DocMDP").and_then(Object::as_ref));
    for (i, (field, sig_ref)) in candidates.iter().enumerate() {
        if signatures.get(i).is_none() {
            continue;
        }
        let Some(sig) = doc.dict(&Object::Ref(*sig_ref), last)? else {
            continue;
        };
        if let Some(refs) = sig.get(b"Reference")
            && let Some(Object::Array(refs)) = doc.resolve(refs, last)?
        {
            for r in refs {
                let Some(r) = doc.dict(&r, last)? else {
                    continue;
                };
                let params = match r.get(b"TransformParams") {
                    Some(p) => doc.dict(p, last)?.unwrap_or_default(),
                    None => Dict::default(),
                };
                match r.name(b"TransformMethod") {
                    Some(b"DocMDP") if out.certification.is_none() => {
                        // Table 254: /P defaults to 2.
                        let p = params.get(b"P").and_then(Object::as_int).unwrap_or(2);
                        out.certification = Some(Certification {
                            signature: i,
                            permission: p.clamp(1, 3) as u8,
                        });
                    }
                    Some(b"FieldMDP") => {
                        if let Some(action) = action(&params) {
                            out.locks.push(Lock {
                                signature: i,
                                action,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        if out.certification.is_none() && perms_docmdp == Some(*sig_ref) {
            out.certification = Some(Certification {
                signature: i,
                permission: 2,
            });
        }
        // 12.7.4.5 table 233: the field's /Lock applies once it is signed.
        if let Some(lock) = field.dict.get(b"Lock")
            && let Some(lock) = doc.dict(lock, last)?
            && let Some(action) = action(&lock)
        {
            out.locks.push(Lock {
                signature: i,
                action,
            });
        }
    }
    Ok(out)
}
