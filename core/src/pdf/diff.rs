//! What each incremental update changes (the modification analysis).
//!
//! Every object a revision writes or frees is compared with what the
//! previous revision held. A change that is not a byte-for-byte identical
//! rewrite must be justified by a rule for *every* role the object plays
//! in the old and the new revision (how it is reached from the trailer):
//! a stream that is both a widget appearance and page content is page
//! content. Roles and their rules (docs/pdf.md lists them with pyHanko's
//! and DSS's choices):
//!
//! | role | change allowed | level |
//! | --- | --- | --- |
//! | catalog | /DSS, /Metadata, /Extensions, /Version, /MarkInfo; /AcroForm | LTA_UPDATES; FORM_FILLING |
//! | DSS, VRI, metadata, /Info | anything | LTA_UPDATES |
//! | AcroForm | /Fields appended, /SigFlags, /DR, /DA, /NeedAppearances | FORM_FILLING |
//! | field, widget | /V (a signature field: only from empty), /AS, /AP, /M, /MK | FORM_FILLING |
//! | appearance of a widget | anything | FORM_FILLING |
//! | page | /Annots only | ANNOTATIONS (FORM_FILLING when only widgets are appended) |
//! | other annotation, its appearance | anything | ANNOTATIONS |
//! | new signature field with a document timestamp, invisible | added | LTA_UPDATES |
//! | new signature field or signature | added | FORM_FILLING |
//! | anything else (page tree, content, resources, fonts, outlines, names, freed objects) | nothing | OTHER |

use std::collections::{HashMap, HashSet};

use super::document::Document;
use super::fields::text_string;
use super::findings::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object};
use super::result::ModificationLevel;
use super::xref::XrefEntry;

/// How an object is reached in one revision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Role {
    Catalog,
    PageTree,
    Page,
    Annotation { widget: bool },
    AnnotsArray,
    Appearance { widget: bool },
    Field { name: String, signature: bool },
    FieldsArray,
    FieldKids { signature: bool },
    AcroForm,
    SignatureValue,
    FieldValue { name: String },
    FormResources,
    Lta,
    Other,
}

/// What one revision changes compared with the one before it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RevisionDiff {
    pub level: Option<ModificationLevel>,
    pub reasons: Vec<String>,
    /// Fields whose value or appearance changed.
    pub changed_fields: Vec<String>,
    /// New signature fields: name and whether visible.
    pub added_signature_fields: Vec<(String, bool)>,
}

/// The diffs of revisions `from + 1 ..= last`, indexed by revision.
pub(crate) fn revision_diffs(doc: &Document<'_>, from: usize) -> PdfResult<Vec<RevisionDiff>> {
    let mut out = vec![RevisionDiff::default(); doc.revisions.len()];
    for (k, slot) in out.iter_mut().enumerate().skip(from + 1) {
        *slot = diff(doc, k)?;
    }
    Ok(out)
}

fn level_name(l: ModificationLevel) -> &'static str {
    match l {
        ModificationLevel::None => "NONE",
        ModificationLevel::LtaUpdates => "LTA_UPDATES",
        ModificationLevel::FormFilling => "FORM_FILLING",
        ModificationLevel::Annotations => "ANNOTATIONS",
        ModificationLevel::Other => "OTHER",
    }
}

struct Roles {
    map: HashMap<u32, HashSet<Role>>,
    budget: usize,
}

impl Roles {
    fn add(&mut self, num: u32, role: Role) -> PdfResult<bool> {
        if self.budget == 0 {
            return Err(PdfError::limit(
                "the modification analysis visited more objects than its budget",
            ));
        }
        self.budget -= 1;
        Ok(self.map.entry(num).or_default().insert(role))
    }

    fn of(&self, num: u32) -> Vec<Role> {
        self.map
            .get(&num)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// Walks revision `rev` from its trailer and records the roles of every
/// indirect object reached.
fn roles(doc: &Document<'_>, rev: usize) -> PdfResult<Roles> {
    let mut r = Roles {
        map: HashMap::new(),
        budget: doc.limits.max_compared_objects,
    };
    let trailer = doc.trailer(rev).clone();
    for (key, value) in trailer.entries() {
        match key {
            b"Info" => subtree(doc, rev, value, &Role::Lta, &mut r, 0)?,
            // File structure (7.5.5 table 15, 7.5.8.2 table 17).
            b"Root" | b"Size" | b"Prev" | b"ID" | b"Encrypt" | b"XRefStm" | b"Type" | b"W"
            | b"Index" | b"Filter" | b"DecodeParms" | b"Length" => {}
            // Anything else a trailer refers to is reachable content.
            _ => subtree(doc, rev, value, &Role::Other, &mut r, 0)?,
        }
    }
    let Some(Object::Ref(root)) = trailer.get(b"Root") else {
        return Ok(r);
    };
    r.add(root.num, Role::Catalog)?;
    let catalog = doc.catalog(rev)?;
    for (key, value) in catalog.entries() {
        match key {
            b"Pages" => page_tree(doc, rev, value, &mut r, 0)?,
            b"AcroForm" => acroform(doc, rev, value, &mut r)?,
            b"DSS" | b"Metadata" | b"Extensions" | b"MarkInfo" => {
                subtree(doc, rev, value, &Role::Lta, &mut r, 0)?
            }
            _ => subtree(doc, rev, value, &Role::Other, &mut r, 0)?,
        }
    }
    Ok(r)
}

/// Marks everything reachable from `o` with `role`.
fn subtree(
    doc: &Document<'_>,
    rev: usize,
    o: &Object,
    role: &Role,
    r: &mut Roles,
    depth: usize,
) -> PdfResult<()> {
    if depth > doc.limits.max_depth * 4 {
        return Err(PdfError::limit("the object graph is nested too deep"));
    }
    match o {
        Object::Ref(x) => {
            if !r.add(x.num, role.clone())? {
                return Ok(());
            }
            if let Some(p) = doc.get(*x, rev)? {
                let inner = p.object.clone();
                subtree(doc, rev, &inner, role, r, depth + 1)?;
            }
        }
        Object::Array(a) => {
            for item in a {
                subtree(doc, rev, item, role, r, depth + 1)?;
            }
        }
        Object::Dict(d) => {
            for (k, v) in d.entries() {
                // Back-references up the tree are not ownership.
                if k != b"Parent" && k != b"P" {
                    subtree(doc, rev, v, role, r, depth + 1)?;
                }
            }
        }
        Object::Stream(s) => {
            for (k, v) in s.dict.entries() {
                if k != b"Parent" && k != b"P" {
                    subtree(doc, rev, v, role, r, depth + 1)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn mark(o: &Object, role: Role, r: &mut Roles) -> PdfResult<bool> {
    match o {
        Object::Ref(x) => r.add(x.num, role),
        _ => Ok(true),
    }
}

fn page_tree(
    doc: &Document<'_>,
    rev: usize,
    node: &Object,
    r: &mut Roles,
    depth: usize,
) -> PdfResult<()> {
    if depth > doc.limits.max_depth {
        return Err(PdfError::limit("the page tree is nested too deep"));
    }
    let Some(d) = doc.dict(node, rev)? else {
        return Ok(());
    };
    let is_page = d.name(b"Type") == Some(b"Page") || d.get(b"Kids").is_none();
    if !mark(node, if is_page { Role::Page } else { Role::PageTree }, r)? {
        return Ok(());
    }
    for (k, v) in d.entries() {
        match k {
            b"Parent" => {}
            b"Kids" if !is_page => {
                mark(v, Role::PageTree, r)?;
                if let Some(Object::Array(kids)) = doc.resolve(v, rev)? {
                    for kid in &kids {
                        page_tree(doc, rev, kid, r, depth + 1)?;
                    }
                }
            }
            b"Annots" if is_page => {
                mark(v, Role::AnnotsArray, r)?;
                if let Some(Object::Array(annots)) = doc.resolve(v, rev)? {
                    for a in &annots {
                        annotation(doc, rev, a, r)?;
                    }
                }
            }
            _ => subtree(doc, rev, v, &Role::Other, r, 0)?,
        }
    }
    Ok(())
}

/// Keys of a merged field/widget dictionary that the field walk owns.
const FIELD_KEYS: [&[u8]; 9] = [
    b"V", b"DV", b"T", b"TU", b"TM", b"FT", b"Ff", b"Kids", b"Opt",
];

fn annotation(doc: &Document<'_>, rev: usize, a: &Object, r: &mut Roles) -> PdfResult<()> {
    let Some(d) = doc.dict(a, rev)? else {
        return Ok(());
    };
    let widget = d.name(b"Subtype") == Some(b"Widget");
    if !mark(a, Role::Annotation { widget }, r)? {
        return Ok(());
    }
    for (k, v) in d.entries() {
        match k {
            b"AP" | b"MK" => subtree(doc, rev, v, &Role::Appearance { widget }, r, 0)?,
            b"Popup" => annotation(doc, rev, v, r)?,
            b"Parent" | b"P" | b"IRT" => {}
            k if widget && FIELD_KEYS.contains(&k) => {}
            _ => subtree(doc, rev, v, &Role::Other, r, 0)?,
        }
    }
    Ok(())
}

fn acroform(doc: &Document<'_>, rev: usize, form: &Object, r: &mut Roles) -> PdfResult<()> {
    mark(form, Role::AcroForm, r)?;
    let Some(d) = doc.dict(form, rev)? else {
        return Ok(());
    };
    for (k, v) in d.entries() {
        match k {
            b"Fields" => {
                mark(v, Role::FieldsArray, r)?;
                if let Some(Object::Array(fields)) = doc.resolve(v, rev)? {
                    for f in &fields {
                        field(doc, rev, f, "", None, r, 0)?;
                    }
                }
            }
            b"DR" | b"DA" => subtree(doc, rev, v, &Role::FormResources, r, 0)?,
            _ => subtree(doc, rev, v, &Role::Other, r, 0)?,
        }
    }
    Ok(())
}

fn field(
    doc: &Document<'_>,
    rev: usize,
    f: &Object,
    parent: &str,
    parent_type: Option<&[u8]>,
    r: &mut Roles,
    depth: usize,
) -> PdfResult<()> {
    if depth > doc.limits.max_depth {
        return Err(PdfError::limit("the field tree is nested too deep"));
    }
    let Some(d) = doc.dict(f, rev)? else {
        return Ok(());
    };
    let partial = match d.get(b"T") {
        Some(Object::Str(s)) => Some(text_string(&s.bytes)),
        _ => None,
    };
    let name = match partial {
        Some(p) if parent.is_empty() => p,
        Some(p) => format!("{parent}.{p}"),
        None => parent.to_string(),
    };
    let ft = d.name(b"FT").or(parent_type).map(<[u8]>::to_vec);
    let signature = ft.as_deref() == Some(b"Sig");
    if !mark(
        f,
        Role::Field {
            name: name.clone(),
            signature,
        },
        r,
    )? {
        return Ok(());
    }
    let widget = d.name(b"Subtype") == Some(b"Widget");
    for (k, v) in d.entries() {
        match k {
            b"Parent" | b"P" => {}
            b"Kids" => {
                mark(v, Role::FieldKids { signature }, r)?;
                if let Some(Object::Array(kids)) = doc.resolve(v, rev)? {
                    for kid in &kids {
                        let kd = doc.dict(kid, rev)?.unwrap_or_default();
                        if kd.get(b"T").is_some() {
                            field(doc, rev, kid, &name, ft.as_deref(), r, depth + 1)?;
                        } else {
                            mark(
                                kid,
                                Role::Field {
                                    name: name.clone(),
                                    signature,
                                },
                                r,
                            )?;
                            annotation(doc, rev, kid, r)?;
                        }
                    }
                }
            }
            b"V" if signature => subtree(doc, rev, v, &Role::SignatureValue, r, 0)?,
            b"V" | b"DV" => subtree(doc, rev, v, &Role::FieldValue { name: name.clone() }, r, 0)?,
            b"AP" | b"MK" => subtree(doc, rev, v, &Role::Appearance { widget: true }, r, 0)?,
            _ if widget && !FIELD_KEYS.contains(&k) => {}
            _ => subtree(doc, rev, v, &Role::Other, r, 0)?,
        }
    }
    if widget {
        annotation(doc, rev, f, r)?;
    }
    Ok(())
}

/// The keys whose values differ between two dictionaries.
fn changed_keys<'a>(old: &'a Dict, new: &'a Dict) -> Vec<&'a [u8]> {
    let mut keys: Vec<&[u8]> = Vec::new();
    for (k, v) in new.entries() {
        if old.get(k) != Some(v) {
            keys.push(k);
        }
    }
    for (k, _) in old.entries() {
        if new.get(k).is_none() {
            keys.push(k);
        }
    }
    keys
}

fn names(keys: &[&[u8]]) -> String {
    keys.iter()
        .map(|k| super::object::name_text(k))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Zero-area /Rect: an invisible widget (ISO 32000-1 12.7.4.5 note).
fn invisible(d: &Dict) -> bool {
    match d.get(b"Rect") {
        Some(Object::Array(a)) if a.len() == 4 => {
            let n: Vec<f64> = a
                .iter()
                .map(|o| match o {
                    Object::Int(i) => *i as f64,
                    Object::Real(r) => *r,
                    _ => 0.0,
                })
                .collect();
            (n[2] - n[0]).abs() < f64::EPSILON || (n[3] - n[1]).abs() < f64::EPSILON
        }
        None => true,
        _ => false,
    }
}

struct Ctx<'d, 'r> {
    doc: &'d Document<'r>,
    old_rev: usize,
    new_rev: usize,
    /// New signature fields of this revision that hold document timestamps
    /// and are invisible.
    lta_objects: HashSet<u32>,
    out: RevisionDiff,
}

impl Ctx<'_, '_> {
    fn raise(&mut self, level: ModificationLevel, why: String) {
        if self.out.level.is_none_or(|l| l < level) {
            self.out.level = Some(level);
        }
        if level >= ModificationLevel::Annotations && self.out.reasons.len() < 20 {
            self.out.reasons.push(format!(
                "revision {}: {why} ({})",
                self.new_rev,
                level_name(level)
            ));
        }
    }
}

/// Objects equal, streams by their data too.
fn same(doc: &Document<'_>, a: &Object, b: &Object) -> PdfResult<bool> {
    match (a, b) {
        (Object::Stream(x), Object::Stream(y)) => Ok(x.dict == y.dict
            && x.data_len == y.data_len
            && doc.raw_data(x)? == doc.raw_data(y)?),
        _ => Ok(a == b),
    }
}

/// The array `value` is or refers to, at revision `rev`.
fn resolved_array(
    doc: &Document<'_>,
    value: Option<&Object>,
    rev: usize,
) -> PdfResult<Option<Vec<Object>>> {
    let Some(v) = value else { return Ok(None) };
    Ok(match doc.resolve(v, rev)? {
        Some(Object::Array(a)) => Some(a),
        _ => None,
    })
}

/// Appended items of an array that only grew at its end; `None` otherwise.
fn appended<'a>(old: &[Object], new: &'a [Object]) -> Option<&'a [Object]> {
    (new.len() >= old.len() && new[..old.len()] == *old).then(|| &new[old.len()..])
}

fn diff(doc: &Document<'_>, k: usize) -> PdfResult<RevisionDiff> {
    let old_rev = k - 1;
    let mut changed: Vec<(u32, XrefEntry)> = doc.revisions[k]
        .entries
        .iter()
        .map(|(n, e)| (*n, *e))
        .collect();
    // Objects of object streams this revision rewrites change with them.
    let rewritten: HashSet<u32> = changed
        .iter()
        .filter(|(n, e)| matches!(e, XrefEntry::InUse { .. }) && doc.entry(*n, old_rev).is_some())
        .map(|(n, _)| *n)
        .collect();
    if !rewritten.is_empty() {
        let listed: HashSet<u32> = changed.iter().map(|(n, _)| *n).collect();
        for r in &doc.revisions[..k] {
            for (n, e) in &r.entries {
                if let XrefEntry::Compressed { stream, .. } = e
                    && rewritten.contains(stream)
                    && !listed.contains(n)
                    && let Some((_, current)) = doc.entry(*n, k)
                {
                    changed.push((*n, current));
                }
            }
        }
        changed.sort_by_key(|(n, _)| *n);
        changed.dedup_by_key(|(n, _)| *n);
    }
    let mut ctx = Ctx {
        doc,
        old_rev,
        new_rev: k,
        lta_objects: HashSet::new(),
        out: RevisionDiff::default(),
    };
    // The trailer: a new /Root, or a key that is not file structure,
    // changes what the document is.
    let structural: [&[u8]; 12] = [
        b"Size",
        b"Prev",
        b"ID",
        b"XRefStm",
        b"Type",
        b"W",
        b"Index",
        b"Filter",
        b"DecodeParms",
        b"Length",
        b"Info",
        b"Encrypt",
    ];
    for key in changed_keys(doc.trailer(old_rev), doc.trailer(k)) {
        if !structural.contains(&key) {
            ctx.raise(
                ModificationLevel::Other,
                format!("trailer key {} changed", super::object::name_text(key)),
            );
        }
    }
    let mut pending: Vec<(ObjRef, Option<Object>, Option<Object>)> = Vec::new();
    for (num, entry) in changed {
        let generation = match entry {
            XrefEntry::InUse { generation, .. } => generation,
            _ => 0,
        };
        let old_entry = doc.entry(num, old_rev);
        let old_generation = match old_entry {
            Some((_, XrefEntry::InUse { generation, .. })) => generation,
            _ => 0,
        };
        let old = match old_entry {
            Some((_, XrefEntry::Free)) | None => None,
            _ => doc
                .get(
                    ObjRef {
                        num,
                        generation: old_generation,
                    },
                    old_rev,
                )?
                .map(|p| p.object.clone()),
        };
        if entry == XrefEntry::Free {
            if old.is_some() {
                ctx.raise(ModificationLevel::Other, format!("object {num} is freed"));
            }
            continue;
        }
        let r = ObjRef { num, generation };
        let new = doc.get(r, k)?.map(|p| p.object.clone());
        // Cross-reference and object streams are file structure.
        if let Some(Object::Stream(s)) = &new
            && matches!(s.dict.name(b"Type"), Some(b"XRef") | Some(b"ObjStm"))
        {
            continue;
        }
        match (&old, &new) {
            (Some(a), Some(b)) if same(doc, a, b)? => continue,
            (None, None) => continue,
            _ => pending.push((r, old, new)),
        }
    }
    if pending.is_empty() {
        ctx.out.level = Some(ctx.out.level.unwrap_or(ModificationLevel::None));
        return Ok(ctx.out);
    }
    let old_roles = roles(doc, old_rev)?;
    let new_roles = roles(doc, k)?;
    // New invisible signature fields holding document timestamps.
    for (r, old, new) in &pending {
        if old.is_none()
            && let Some(d) = new.as_ref().and_then(Object::as_dict)
            && new_roles.of(r.num).iter().any(|x| {
                matches!(
                    x,
                    Role::Field {
                        signature: true,
                        ..
                    }
                )
            })
            && invisible(d)
            && let Some(v) = d.get(b"V")
            && doc
                .dict(v, k)?
                .is_some_and(|s| s.name(b"Type") == Some(b"DocTimeStamp"))
        {
            ctx.lta_objects.insert(r.num);
            if let Some(v) = v.as_ref() {
                ctx.lta_objects.insert(v.num);
            }
        }
    }
    for (r, old, new) in &pending {
        let mut roles_of = old_roles.of(r.num);
        for x in new_roles.of(r.num) {
            if !roles_of.contains(&x) {
                roles_of.push(x);
            }
        }
        match (old, new) {
            (Some(o), Some(n)) => {
                if roles_of.is_empty() {
                    ctx.raise(
                        ModificationLevel::LtaUpdates,
                        format!("unreferenced object {r} rewritten"),
                    );
                }
                for role in &roles_of {
                    changed_object(&mut ctx, *r, role, o, n)?;
                }
            }
            (None, Some(n)) => {
                if roles_of.is_empty() {
                    ctx.raise(
                        ModificationLevel::LtaUpdates,
                        format!("unreferenced object {r} added"),
                    );
                }
                for role in &roles_of {
                    added_object(&mut ctx, *r, role, n);
                }
            }
            _ => {}
        }
    }
    Ok(ctx.out)
}

fn added_object(ctx: &mut Ctx<'_, '_>, r: ObjRef, role: &Role, new: &Object) {
    use ModificationLevel::*;
    let lta = ctx.lta_objects.contains(&r.num);
    match role {
        Role::Field {
            name,
            signature: true,
        } => {
            let visible = new.as_dict().is_some_and(|d| !invisible(d));
            ctx.out.added_signature_fields.push((name.clone(), visible));
            ctx.raise(
                if lta { LtaUpdates } else { FormFilling },
                format!("signature field '{name}' added"),
            );
        }
        Role::SignatureValue => ctx.raise(
            if lta { LtaUpdates } else { FormFilling },
            format!("signature {r} added"),
        ),
        Role::Annotation { widget: true } => ctx.raise(
            if lta { LtaUpdates } else { FormFilling },
            format!("widget {r} added"),
        ),
        Role::Appearance { widget: true } | Role::FormResources => {
            ctx.raise(FormFilling, format!("appearance {r} added"))
        }
        Role::FieldValue { name } => {
            ctx.out.changed_fields.push(name.clone());
            ctx.raise(FormFilling, format!("value of field '{name}' added"));
        }
        Role::Annotation { widget: false } | Role::Appearance { widget: false } => {
            ctx.raise(Annotations, format!("annotation object {r} added"))
        }
        Role::Lta => ctx.raise(LtaUpdates, format!("validation data or metadata {r} added")),
        // A new array of fields, annotations or kids is judged item by item
        // where the page, form or field that refers to it changed.
        Role::AnnotsArray | Role::FieldsArray | Role::FieldKids { .. } => {}
        Role::Field {
            name,
            signature: false,
        } => ctx.raise(Other, format!("form field '{name}' ({r}) added")),
        other => ctx.raise(Other, format!("object {r} added as {other:?}")),
    }
}

fn changed_object(
    ctx: &mut Ctx<'_, '_>,
    r: ObjRef,
    role: &Role,
    old: &Object,
    new: &Object,
) -> PdfResult<()> {
    use ModificationLevel::*;
    let (Some(od), Some(nd)) = (old.as_dict(), new.as_dict()) else {
        match role {
            Role::FieldKids { signature } => {
                let (Object::Array(oa), Object::Array(na)) = (old, new) else {
                    ctx.raise(Other, format!("kids {r} are no longer an array"));
                    return Ok(());
                };
                if *signature && appended(oa, na).is_some() {
                    ctx.raise(
                        FormFilling,
                        format!("widgets appended to signature field kids {r}"),
                    );
                } else {
                    ctx.raise(Other, format!("field kids {r} changed"));
                }
            }
            Role::FieldsArray | Role::AnnotsArray => {
                let (Object::Array(oa), Object::Array(na)) = (old, new) else {
                    ctx.raise(Other, format!("{role:?} {r} is no longer an array"));
                    return Ok(());
                };
                let added = appended(oa, na);
                array_append(ctx, r, role, added)?;
            }
            Role::FieldValue { name } => {
                ctx.out.changed_fields.push(name.clone());
                ctx.raise(FormFilling, format!("value of field '{name}' changed"));
            }
            Role::Lta => ctx.raise(LtaUpdates, format!("validation data {r} changed")),
            Role::Appearance { widget: true } | Role::FormResources => {
                ctx.raise(FormFilling, format!("appearance {r} changed"))
            }
            Role::Appearance { widget: false } => {
                ctx.raise(Annotations, format!("annotation appearance {r} changed"))
            }
            other => ctx.raise(Other, format!("{other:?} object {r} changed")),
        }
        return Ok(());
    };
    let keys = changed_keys(od, nd);
    let only = |allowed: &[&[u8]]| keys.iter().all(|k| allowed.contains(k));
    match role {
        Role::Catalog => {
            if !only(&[
                b"AcroForm",
                b"DSS",
                b"Metadata",
                b"Extensions",
                b"MarkInfo",
                b"Version",
            ]) {
                ctx.raise(Other, format!("catalog keys {} changed", names(&keys)));
            } else if keys.contains(&&b"AcroForm"[..]) {
                // A direct /AcroForm is compared as the form dictionary.
                match (od.get(b"AcroForm"), nd.get(b"AcroForm")) {
                    (Some(Object::Dict(a)), Some(Object::Dict(b))) => {
                        acroform_change(ctx, r, a, b)?;
                    }
                    (Option::None, Some(_)) | (Some(Object::Ref(_)), Some(Object::Ref(_))) => {
                        ctx.raise(FormFilling, "catalog /AcroForm set".into())
                    }
                    _ => ctx.raise(Other, "catalog /AcroForm replaced".into()),
                }
                ctx.raise(LtaUpdates, "catalog updated".into());
            } else {
                ctx.raise(LtaUpdates, format!("catalog keys {} changed", names(&keys)));
            }
        }
        Role::AcroForm => acroform_change(ctx, r, od, nd)?,
        Role::Page => {
            if !only(&[b"Annots"]) {
                ctx.raise(Other, format!("page {r}: keys {} changed", names(&keys)));
            } else {
                let old_annots = resolved_array(ctx.doc, od.get(b"Annots"), ctx.old_rev)?;
                let new_annots = resolved_array(ctx.doc, nd.get(b"Annots"), ctx.new_rev)?;
                match (old_annots, new_annots) {
                    (a, Some(b)) => {
                        let a = a.unwrap_or_default();
                        let added = appended(&a, &b);
                        array_append(ctx, r, &Role::AnnotsArray, added)?;
                    }
                    _ => ctx.raise(Annotations, format!("page {r}: /Annots removed")),
                }
            }
        }
        Role::Field { name, signature } => {
            // /F: Acrobat sets the print flag of the widget it signs.
            let allowed: &[&[u8]] = &[b"V", b"AS", b"AP", b"M", b"MK", b"F"];
            if !only(allowed) {
                ctx.raise(
                    Other,
                    format!("field '{name}': keys {} changed", names(&keys)),
                );
            } else if *signature && keys.contains(&&b"V"[..]) {
                if od.get(b"V").is_some() {
                    ctx.raise(
                        Other,
                        format!("signature field '{name}': its signature replaced"),
                    );
                } else {
                    let lta = nd
                        .get(b"V")
                        .map(|v| ctx.doc.dict(v, ctx.new_rev))
                        .transpose()?
                        .flatten()
                        .is_some_and(|s| s.name(b"Type") == Some(b"DocTimeStamp"));
                    ctx.raise(
                        if lta && invisible(nd) {
                            LtaUpdates
                        } else {
                            FormFilling
                        },
                        format!("signature field '{name}' signed"),
                    );
                }
            } else {
                if keys.contains(&&b"V"[..]) {
                    ctx.out.changed_fields.push(name.clone());
                }
                ctx.raise(
                    FormFilling,
                    format!("field '{name}': {} changed", names(&keys)),
                );
            }
        }
        Role::Annotation { widget: true } => {
            if only(&[b"AP", b"AS", b"M", b"MK", b"V", b"F"]) {
                ctx.raise(FormFilling, format!("widget {r}: {} changed", names(&keys)));
            } else {
                ctx.raise(Other, format!("widget {r}: keys {} changed", names(&keys)));
            }
        }
        Role::Annotation { widget: false } | Role::Appearance { widget: false } => {
            ctx.raise(Annotations, format!("annotation {r} changed"))
        }
        Role::Appearance { widget: true } | Role::FormResources => {
            ctx.raise(FormFilling, format!("appearance {r} changed"))
        }
        Role::FieldValue { name } => {
            ctx.out.changed_fields.push(name.clone());
            ctx.raise(FormFilling, format!("value of field '{name}' changed"));
        }
        Role::Lta => ctx.raise(
            LtaUpdates,
            format!("validation data or metadata {r} changed"),
        ),
        Role::SignatureValue => ctx.raise(Other, format!("signature dictionary {r} rewritten")),
        Role::PageTree => ctx.raise(
            Other,
            format!("page tree node {r}: keys {} changed", names(&keys)),
        ),
        Role::FieldsArray | Role::AnnotsArray | Role::FieldKids { .. } | Role::Other => {
            ctx.raise(Other, format!("object {r} changed (keys {})", names(&keys)))
        }
    }
    Ok(())
}

fn acroform_change(ctx: &mut Ctx<'_, '_>, r: ObjRef, od: &Dict, nd: &Dict) -> PdfResult<()> {
    use ModificationLevel::*;
    let keys = changed_keys(od, nd);
    if !keys.iter().all(|k| {
        [
            &b"Fields"[..],
            b"SigFlags",
            b"DR",
            b"DA",
            b"NeedAppearances",
        ]
        .contains(k)
    }) {
        ctx.raise(
            Other,
            format!("AcroForm {r}: keys {} changed", names(&keys)),
        );
        return Ok(());
    }
    if keys.contains(&&b"Fields"[..]) {
        let old_fields = resolved_array(ctx.doc, od.get(b"Fields"), ctx.old_rev)?;
        let new_fields = resolved_array(ctx.doc, nd.get(b"Fields"), ctx.new_rev)?;
        match (old_fields, new_fields) {
            (a, Some(b)) => {
                let a = a.unwrap_or_default();
                let added = appended(&a, &b);
                array_append(ctx, r, &Role::FieldsArray, added)?;
            }
            _ => ctx.raise(Other, format!("AcroForm {r}: /Fields removed")),
        }
    }
    if keys.iter().any(|k| *k != b"Fields") {
        ctx.raise(
            FormFilling,
            format!("AcroForm {r}: {} changed", names(&keys)),
        );
    } else {
        ctx.raise(LtaUpdates, format!("AcroForm {r}: /Fields changed"));
    }
    Ok(())
}

/// An array of fields or annotations that grew: each appended item is
/// judged by what it is (a new object is judged again as added).
fn array_append(
    ctx: &mut Ctx<'_, '_>,
    r: ObjRef,
    role: &Role,
    added: Option<&[Object]>,
) -> PdfResult<()> {
    use ModificationLevel::*;
    let Some(added) = added else {
        match role {
            Role::AnnotsArray => ctx.raise(
                Annotations,
                format!("annotations of {r} removed or reordered"),
            ),
            _ => ctx.raise(Other, format!("form fields of {r} removed or reordered")),
        }
        return Ok(());
    };
    for item in added {
        let lta = item
            .as_ref()
            .is_some_and(|x| ctx.lta_objects.contains(&x.num));
        let d = ctx.doc.dict(item, ctx.new_rev)?.unwrap_or_default();
        let widget = d.name(b"Subtype") == Some(b"Widget");
        let sig_field = d.name(b"FT") == Some(b"Sig");
        let level = match role {
            _ if lta => LtaUpdates,
            Role::FieldsArray if sig_field => FormFilling,
            Role::FieldsArray => Other,
            _ if widget => FormFilling,
            _ => Annotations,
        };
        ctx.raise(
            level,
            format!(
                "{} appended to {r}",
                item.as_ref()
                    .map_or("a direct object".into(), |x| x.to_string())
            ),
        );
    }
    Ok(())
}

/// The combined verdict on every revision after `rev`.
pub(crate) struct Analysis {
    pub level: ModificationLevel,
    pub reasons: Vec<String>,
    /// (revision, field name) of changed field values.
    pub changed_fields: Vec<(usize, String)>,
    /// (revision, field name, visible) of added signature fields.
    pub added_signature_fields: Vec<(usize, String, bool)>,
}

pub(crate) fn combine(diffs: &[RevisionDiff], rev: usize) -> Analysis {
    let mut out = Analysis {
        level: ModificationLevel::None,
        reasons: Vec::new(),
        changed_fields: Vec::new(),
        added_signature_fields: Vec::new(),
    };
    for (k, d) in diffs.iter().enumerate().skip(rev + 1) {
        if let Some(l) = d.level {
            out.level = out.level.max(l);
        }
        out.reasons.extend(d.reasons.iter().cloned());
        out.changed_fields
            .extend(d.changed_fields.iter().map(|n| (k, n.clone())));
        out.added_signature_fields.extend(
            d.added_signature_fields
                .iter()
                .map(|(n, v)| (k, n.clone(), *v)),
        );
    }
    out
}
