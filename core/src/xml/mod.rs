//! Hardened XML reading and canonicalization, for XML signatures
//! (`docs/xades.md`).
//!
//! * [`XmlLimits`]: the size, node, depth and attribute budgets; DTDs are
//!   always refused (no entity expansion, no external entities).
//! * [`C14nMethod`] and [`canonicalize`]: inclusive C14N 1.0 and 1.1 and
//!   exclusive C14N 1.0, with or without comments, of a whole document or
//!   of the subset a same-document reference (`""`, `#id`, `#xpointer(/)`,
//!   `#xpointer(id('id'))`) selects.
//!
//! ```
//! use validate::testing::{C14nMethod, canonicalize};
//! let xml = br#"<a xmlns:p="urn:p" b="2" a="1"><p:c/><!-- note --></a>"#;
//! let out = canonicalize(xml, "", C14nMethod::Exclusive10WithComments, "").unwrap();
//! assert_eq!(out, br#"<a a="1" b="2"><p:c xmlns:p="urn:p"></p:c></a>"#);
//! let out = canonicalize(xml, "#xpointer(/)", C14nMethod::Exclusive10WithComments, "").unwrap();
//! assert_eq!(out, br#"<a a="1" b="2"><p:c xmlns:p="urn:p"></p:c><!-- note --></a>"#);
//! assert!(canonicalize(b"<!DOCTYPE a><a/>", "", C14nMethod::Inclusive10, "").is_err());
//! ```

pub(crate) mod c14n;
mod parse;

pub use c14n::C14nMethod;
pub use parse::XmlLimits;
pub(crate) use parse::{decode, parse};

use crate::error::Error;

/// True when `input` starts like an XML document (after a byte order
/// mark and whitespace, `<?xml` or an element), in UTF-8 or UTF-16.
pub(crate) fn looks_like_xml(input: &[u8]) -> bool {
    let body = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if body.starts_with(&[0xFF, 0xFE, b'<'])
        || body.starts_with(&[0xFE, 0xFF, 0, b'<'])
        || body.starts_with(&[b'<', 0])
        || body.starts_with(&[0, b'<'])
    {
        return true;
    }
    let trimmed = body.trim_ascii_start();
    trimmed.starts_with(b"<?xml")
        || (trimmed.first() == Some(&b'<')
            && trimmed
                .get(1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'!'))
}

/// Attribute names that carry an element's identifier for same-document
/// references: `Id` (XML-DSig, XAdES), `ID` (SAML), `id`, `xml:id` and
/// WS-Security's `wsu:Id`. Without a DTD or schema these are the ID
/// attributes; duplicates among all of them are refused where referenced.
pub(crate) fn id_of<'a>(node: roxmltree::Node<'a, '_>) -> impl Iterator<Item = &'a str> {
    const WSU: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    const XML: &str = "http://www.w3.org/XML/1998/namespace";
    node.attributes()
        .filter(|a| match a.namespace() {
            None => matches!(a.name(), "Id" | "ID" | "id"),
            Some(XML) => a.name() == "id",
            Some(WSU) => a.name() == "Id",
            Some(_) => false,
        })
        .map(|a| a.value())
}

/// An index of the identifier attributes of a document: value to elements.
pub(crate) struct IdIndex<'a, 'i> {
    ids: std::collections::HashMap<&'a str, Vec<roxmltree::Node<'a, 'i>>>,
}

impl<'a, 'i> IdIndex<'a, 'i> {
    /// Every element's identifiers ([`id_of`]); an element naming the same
    /// value twice (`Id="a" ID="a"`) counts once.
    pub fn new(doc: &'a roxmltree::Document<'i>) -> Self {
        let mut ids: std::collections::HashMap<&'a str, Vec<roxmltree::Node<'a, 'i>>> =
            std::collections::HashMap::new();
        for node in doc.descendants().filter(|n| n.is_element()) {
            for value in id_of(node) {
                let entry = ids.entry(value).or_default();
                if entry.last().is_none_or(|n| n.id() != node.id()) {
                    entry.push(node);
                }
            }
        }
        IdIndex { ids }
    }

    /// The elements whose identifier is `id`.
    pub fn get(&self, id: &str) -> &[roxmltree::Node<'a, 'i>] {
        self.ids.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Why a same-document reference cannot be dereferenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DerefError {
    /// Not one of the four supported forms.
    Unsupported,
    /// No element has the identifier.
    NotFound(String),
    /// Several elements have the identifier (a wrapping attack's sign).
    Duplicate(String, usize),
}

/// XML-DSig 4.3.3.3: the node-set of a same-document URI: `""` (the
/// document without comments), `#xpointer(/)` (with comments), `#id`
/// (the element without comments) and `#xpointer(id('id'))` (with
/// comments). The identifier must be unique in the document.
pub(crate) fn dereference<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    ids: &IdIndex<'a, 'i>,
    uri: &str,
) -> Result<c14n::NodeSet<'a, 'i>, DerefError> {
    if uri.is_empty() {
        return Ok(c14n::NodeSet::subtree(doc.root(), false));
    }
    let Some(fragment) = uri.strip_prefix('#') else {
        return Err(DerefError::Unsupported);
    };
    if fragment == "xpointer(/)" {
        return Ok(c14n::NodeSet::subtree(doc.root(), true));
    }
    let (id, comments) = match fragment
        .strip_prefix("xpointer(id(")
        .and_then(|r| r.strip_suffix("))"))
    {
        Some(quoted) => {
            let id = quoted
                .strip_prefix('\'')
                .and_then(|q| q.strip_suffix('\''))
                .or_else(|| quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')))
                .ok_or(DerefError::Unsupported)?;
            (id, true)
        }
        None => (fragment, false),
    };
    // An XML Name: no parentheses, quotes or whitespace (other XPointer
    // schemes are not supported).
    if id.is_empty() || id.contains(|c: char| "()'\" /".contains(c) || c.is_whitespace()) {
        return Err(DerefError::Unsupported);
    }
    match ids.get(id) {
        [] => Err(DerefError::NotFound(id.to_string())),
        [one] => Ok(c14n::NodeSet::subtree(*one, comments)),
        many => Err(DerefError::Duplicate(id.to_string(), many.len())),
    }
}

/// Canonicalizes the node-set that the same-document reference `uri`
/// selects in `xml` (XML-DSig 4.3.3.3): `""` the whole document without
/// comments, `#xpointer(/)` with comments, `#id` the element whose
/// identifier attribute (`Id`, `ID`, `id`, `xml:id`, `wsu:Id`) is `id`
/// without comments, `#xpointer(id('id'))` the same with comments; comments
/// are output only when the set keeps them and `method` is a
/// `#WithComments` variant. `inclusive_prefixes` is the InclusiveNamespaces
/// PrefixList of exclusive canonicalization (whitespace-separated,
/// `#default` for the default namespace).
///
/// # Errors
/// The input is not well-formed, has a DTD, breaks an [`XmlLimits`]
/// default budget or uses an unsupported encoding; `uri` is not one of the
/// four forms, or its identifier matches no element or more than one.
pub fn canonicalize(
    xml: &[u8],
    uri: &str,
    method: C14nMethod,
    inclusive_prefixes: &str,
) -> Result<Vec<u8>, Error> {
    let limits = XmlLimits::default();
    let text = decode(xml, &limits)?;
    let doc = parse(&text, &limits)?;
    let ids = IdIndex::new(&doc);
    let set = dereference(&doc, &ids, uri).map_err(|e| {
        Error::invalid(
            "XML reference",
            match e {
                DerefError::Unsupported => format!("'{uri}' is not a supported same-document URI"),
                DerefError::NotFound(id) => format!("no element has the Id '{id}'"),
                DerefError::Duplicate(id, n) => format!("{n} elements have the Id '{id}'"),
            },
        )
    })?;
    c14n::canonical_bytes(&text, &set, method, &c14n::prefix_list(inclusive_prefixes))
}
