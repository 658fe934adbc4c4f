//! ds:Reference: reading one from the canonical SignedInfo, dereferencing
//! its URI, applying its transforms and digesting the result (XML-DSig
//! 4.4.3, 4.4.3.3, 6.6).
//!
//! Supported transforms: the six canonicalization methods, base64,
//! enveloped-signature, the XPath 1.0 filter `not(ancestor-or-self::ds:Signature)`
//! and XPath Filter 2.0 `subtract` of `/descendant::ds:Signature`,
//! `//ds:Signature` or `here()/ancestor::ds:Signature[1]`. Each XPath form
//! is recognised as a whole expression and applied as what it means
//! (removing signature subtrees); no general XPath engine runs on input.

use roxmltree::Node;

use super::algorithms::digest_by_uri;
use super::detached::Detached;
use super::findings::{XmlCode, XmlFinding};
use crate::crypto::DigestAlgorithm;
use crate::request::decode_base64;
use crate::xml::c14n::{self, C14nMethod, NodeSet, element_qname};
use crate::xml::{DerefError, IdIndex, XmlLimits, dereference};

/// The XML-DSig namespace.
pub(crate) const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const XPATH_10: &str = "http://www.w3.org/TR/1999/REC-xpath-19991116";
const FILTER2: &str = "http://www.w3.org/2002/06/xmldsig-filter2";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const BASE64: &str = "http://www.w3.org/2000/09/xmldsig#base64";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// One supported transform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transform {
    /// enveloped-signature (XML-DSig 6.6.4): removes the signature that
    /// holds the reference.
    Enveloped,
    /// XPath `not(ancestor-or-self::ds:Signature)` or Filter 2.0 subtract
    /// of every ds:Signature: removes all signatures.
    RemoveSignatures,
    /// Filter 2.0 subtract `here()/ancestor::ds:Signature[1]`: the same as
    /// enveloped-signature.
    RemoveThisSignature,
    /// A canonicalization with its InclusiveNamespaces PrefixList.
    C14n(C14nMethod, Vec<Option<String>>),
    /// base64 decoding (XML-DSig 6.6.2).
    Base64,
}

/// A Reference as signed.
#[derive(Debug, Clone)]
pub(crate) struct ReferenceSpec {
    pub uri: Option<String>,
    pub id: Option<String>,
    pub ref_type: Option<String>,
    pub transforms: Vec<Transform>,
    pub transform_uris: Vec<String>,
    pub digest: Option<DigestAlgorithm>,
    pub digest_uri: String,
    pub digest_value: Vec<u8>,
}

fn dsig_children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|c| c.is_element())
}

fn is(node: Node<'_, '_>, ns: &str, local: &str) -> bool {
    node.tag_name().namespace() == Some(ns) && node.tag_name().name() == local
}

fn structure(detail: String) -> XmlFinding {
    XmlFinding::new(XmlCode::StructureInvalid, detail)
}

/// Reads a Reference from the canonical SignedInfo tree (`signed`), with
/// its twin in the original document (`original`) for namespace prefixes
/// of XPath expressions that exclusive canonicalization dropped.
pub(crate) fn read_reference(
    signed: Node<'_, '_>,
    original: Node<'_, '_>,
    max_transforms: usize,
) -> Result<ReferenceSpec, XmlFinding> {
    let mut children = dsig_children(signed).peekable();
    let mut transforms = Vec::new();
    let mut transform_uris = Vec::new();
    let twins: Vec<Node<'_, '_>> = original.descendants().filter(|n| n.is_element()).collect();
    let signed_elements: Vec<Node<'_, '_>> =
        signed.descendants().filter(|n| n.is_element()).collect();
    if twins.len() != signed_elements.len() {
        return Err(structure(
            "the canonical Reference does not match the document's".into(),
        ));
    }
    let twin_of = |n: Node<'_, '_>| {
        signed_elements
            .iter()
            .position(|s| s.id() == n.id())
            .and_then(|i| twins.get(i).copied())
    };
    if let Some(ts) = children
        .peek()
        .copied()
        .filter(|c| is(*c, DSIG, "Transforms"))
    {
        children.next();
        for t in dsig_children(ts) {
            if !is(t, DSIG, "Transform") {
                return Err(structure(format!(
                    "ds:Transforms holds <{}> (XML-DSig 4.4.3.4)",
                    t.tag_name().name()
                )));
            }
            if transforms.len() == max_transforms {
                return Err(XmlFinding::new(
                    XmlCode::LimitExceeded,
                    format!("a Reference has more than {max_transforms} transforms"),
                ));
            }
            let uri = t.attribute("Algorithm").unwrap_or("");
            transforms.push(read_transform(t, uri, &twin_of)?);
            transform_uris.push(uri.to_string());
        }
    }
    let method = children
        .next()
        .filter(|c| is(*c, DSIG, "DigestMethod"))
        .ok_or_else(|| structure("a Reference lacks ds:DigestMethod (XML-DSig 4.4.3.5)".into()))?;
    let value = children
        .next()
        .filter(|c| is(*c, DSIG, "DigestValue"))
        .ok_or_else(|| structure("a Reference lacks ds:DigestValue (XML-DSig 4.4.3.6)".into()))?;
    if let Some(extra) = children.next() {
        return Err(structure(format!(
            "a Reference holds an unexpected <{}>",
            extra.tag_name().name()
        )));
    }
    let digest_uri = method.attribute("Algorithm").unwrap_or("").to_string();
    let digest_value =
        decode_base64(value.text().unwrap_or(""), "DigestValue").map_err(structure)?;
    Ok(ReferenceSpec {
        uri: signed.attribute("URI").map(str::to_string),
        id: signed.attribute("Id").map(str::to_string),
        ref_type: signed.attribute("Type").map(str::to_string),
        transforms,
        transform_uris,
        digest: digest_by_uri(&digest_uri),
        digest_uri,
        digest_value,
    })
}

fn unsupported(detail: String) -> XmlFinding {
    XmlFinding::new(XmlCode::TransformUnsupported, detail)
}

fn read_transform<'a, 'i>(
    t: Node<'a, 'i>,
    uri: &str,
    twin_of: &dyn Fn(Node<'_, '_>) -> Option<Node<'a, 'i>>,
) -> Result<Transform, XmlFinding> {
    if let Some(method) = C14nMethod::from_uri(uri) {
        let prefixes = if method.is_exclusive() {
            dsig_children(t)
                .find(|c| is(*c, EXC_C14N, "InclusiveNamespaces"))
                .and_then(|c| c.attribute("PrefixList"))
                .map(c14n::prefix_list)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        return Ok(Transform::C14n(method, prefixes));
    }
    match uri {
        ENVELOPED => Ok(Transform::Enveloped),
        BASE64 => Ok(Transform::Base64),
        XPATH_10 => {
            let xpath = dsig_children(t)
                .find(|c| is(*c, DSIG, "XPath"))
                .ok_or_else(|| structure("an XPath transform without ds:XPath".into()))?;
            let expr = compact(xpath.text().unwrap_or(""));
            match signature_test(&expr, "not(ancestor-or-self::", ")", xpath, twin_of) {
                Some(true) => Ok(Transform::RemoveSignatures),
                _ => Err(unsupported(format!(
                    "XPath expression '{expr}' (only not(ancestor-or-self::ds:Signature) is supported)"
                ))),
            }
        }
        FILTER2 => {
            let filters: Vec<Node<'_, '_>> = dsig_children(t).collect();
            let [xpath] = filters.as_slice() else {
                return Err(unsupported(format!(
                    "an XPath Filter 2.0 transform with {} filters (one is supported)",
                    filters.len()
                )));
            };
            if !is(*xpath, FILTER2, "XPath") || xpath.attribute("Filter") != Some("subtract") {
                return Err(unsupported(format!(
                    "XPath Filter 2.0 '{}' filter (only subtract is supported)",
                    xpath.attribute("Filter").unwrap_or("")
                )));
            }
            let expr = compact(xpath.text().unwrap_or(""));
            if signature_test(&expr, "/descendant::", "", *xpath, twin_of) == Some(true)
                || signature_test(&expr, "//", "", *xpath, twin_of) == Some(true)
            {
                Ok(Transform::RemoveSignatures)
            } else if signature_test(&expr, "here()/ancestor::", "[1]", *xpath, twin_of)
                == Some(true)
            {
                Ok(Transform::RemoveThisSignature)
            } else {
                Err(unsupported(format!(
                    "XPath Filter 2.0 subtract '{expr}' (only /descendant::ds:Signature, //ds:Signature and here()/ancestor::ds:Signature[1] are supported)"
                )))
            }
        }
        other => Err(unsupported(format!("transform '{other}'"))),
    }
}

fn compact(expr: &str) -> String {
    expr.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `expr` is `{before}P:Signature{after}` with the prefix P bound
/// to the XML-DSig namespace where the expression is written (in the
/// signed form, else in the document when exclusive canonicalization
/// dropped the declaration). `None` when the shape differs.
fn signature_test<'a, 'i>(
    expr: &str,
    before: &str,
    after: &str,
    at: Node<'_, '_>,
    twin_of: &dyn Fn(Node<'_, '_>) -> Option<Node<'a, 'i>>,
) -> Option<bool> {
    let name = expr.strip_prefix(before)?.strip_suffix(after)?;
    let prefix = name.strip_suffix(":Signature")?;
    if prefix.is_empty() || prefix.contains(|c: char| !(c.is_alphanumeric() || "-_.".contains(c))) {
        return None;
    }
    let bound = at
        .lookup_namespace_uri(Some(prefix))
        .or_else(|| twin_of(at).and_then(|n| n.lookup_namespace_uri(Some(prefix))));
    Some(bound == Some(DSIG))
}

/// What a Reference covers, for the report.
#[derive(Debug, Clone)]
pub(crate) struct Covered {
    /// The apex: `/` for the document, an element path, or the URI of
    /// detached content.
    pub node: String,
    /// Element subtrees left out by transforms.
    pub excluded: Vec<String>,
    /// The whole document (apex the root or the document element, only
    /// signatures left out), or the whole detached content.
    pub full: bool,
    /// A same-document reference.
    pub in_document: bool,
}

/// The document a signature lives in, for dereferencing.
pub(crate) struct Env<'e, 'a, 'i, 'd> {
    pub text: &'i str,
    pub doc: &'a roxmltree::Document<'i>,
    pub ids: &'e IdIndex<'a, 'i>,
    pub signature: Node<'a, 'i>,
    pub detached: Option<&'e Detached<'d>>,
    pub limits: &'e XmlLimits,
}

/// The path of an element: `/a/b[2]/c` (the index when siblings share the name).
pub(crate) fn node_path(text: &str, node: Node<'_, '_>) -> String {
    if node.is_root() {
        return "/".into();
    }
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(|n| n.is_element())
        .map(|n| {
            let name = element_qname(text, n);
            let same = |s: &Node<'_, '_>| s.is_element() && s.tag_name() == n.tag_name();
            let position = n.prev_siblings().filter(same).count();
            let total = n.parent().map_or(1, |p| p.children().filter(same).count());
            if total > 1 {
                format!("{name}[{}]", position)
            } else {
                name.to_string()
            }
        })
        .collect();
    parts.reverse();
    format!("/{}", parts.join("/"))
}

enum Data<'a, 'i> {
    Nodes {
        set: NodeSet<'a, 'i>,
        text: &'i str,
        original: bool,
    },
    Octets(std::borrow::Cow<'a, [u8]>),
}

/// Dereferences and digests a Reference. `Ok((digest, covered))`; `Err`
/// is the finding that stops this Reference.
pub(crate) fn digest_reference(
    env: &Env<'_, '_, '_, '_>,
    spec: &ReferenceSpec,
) -> Result<(Vec<u8>, Covered), XmlFinding> {
    let alg = spec.digest.ok_or_else(|| {
        XmlFinding::new(
            XmlCode::AlgorithmUnsupported,
            format!("digest method '{}'", spec.digest_uri),
        )
    })?;
    let uri = spec.uri.as_deref();
    let same_document = uri.is_some_and(|u| u.is_empty() || u.starts_with('#'));
    let (data, mut covered) = if same_document {
        let uri = uri.unwrap_or_default();
        let set = dereference(env.doc, env.ids, uri).map_err(|e| match e {
            DerefError::Unsupported => unsupported(format!("Reference URI '{uri}'")),
            DerefError::NotFound(id) => XmlFinding::new(
                XmlCode::ReferenceNotFound,
                format!("Reference URI '{uri}': no element has the Id '{id}'"),
            ),
            DerefError::Duplicate(id, n) => XmlFinding::new(
                XmlCode::DuplicateId,
                format!("Reference URI '{uri}': {n} elements have the Id '{id}'"),
            ),
        })?;
        let apex = set.apex;
        let covered = Covered {
            node: node_path(env.text, apex),
            excluded: Vec::new(),
            full: apex.is_root() || apex.parent().is_some_and(|p| p.is_root()),
            in_document: true,
        };
        (
            Data::Nodes {
                set,
                text: env.text,
                original: true,
            },
            covered,
        )
    } else {
        // XML-DSig 4.4.3.1: a URI outside the document (or none) names
        // data the application supplies: the caller's detached content,
        // and nothing else is ever fetched.
        let content = env.detached.ok_or_else(|| {
            XmlFinding::new(
                XmlCode::ContentMissing,
                format!(
                    "Reference URI '{}' is outside the document and no detached content was given",
                    uri.unwrap_or("(absent)")
                ),
            )
        })?;
        let covered = |length: u64| Covered {
            node: format!("detached content '{}' ({length} bytes)", uri.unwrap_or("")),
            excluded: Vec::new(),
            full: true,
            in_document: false,
        };
        if spec.transforms.is_empty() {
            // The octets as they are (XML-DSig 4.4.3.2): streamed.
            let mut hasher = alg.hasher();
            let length = content.digest_into(&mut hasher)?;
            return Ok((hasher.finalize(), covered(length)));
        }
        let bytes = content.bytes(env.limits.max_size)?;
        let covered = covered(bytes.len() as u64);
        (Data::Octets(bytes), covered)
    };
    let mut hasher = alg.hasher();
    run(env, data, &spec.transforms, &mut covered, &mut hasher)?;
    Ok((hasher.finalize(), covered))
}

/// Applies `transforms` to `data` and feeds the resulting octets to `sink`
/// (a node-set left at the end is canonicalized with C14N 1.0, XML-DSig 4.4.3.2).
fn run(
    env: &Env<'_, '_, '_, '_>,
    data: Data<'_, '_>,
    transforms: &[Transform],
    covered: &mut Covered,
    sink: &mut dyn c14n::Sink,
) -> Result<(), XmlFinding> {
    let xml_error = |e: crate::error::Error| {
        unsupported(format!(
            "the transform input cannot be processed as XML: {e}"
        ))
    };
    let mut data = data;
    for (i, transform) in transforms.iter().enumerate() {
        data = match (transform, data) {
            (Transform::C14n(method, prefixes), Data::Nodes { set, text, .. }) => {
                let bytes =
                    c14n::canonical_bytes(text, &set, *method, prefixes).map_err(xml_error)?;
                Data::Octets(bytes.into())
            }
            (Transform::Base64, Data::Nodes { set, .. }) => {
                let mut value = String::new();
                for n in set.apex.descendants().filter(|n| n.is_text()) {
                    if !n.ancestors().any(|a| set.excluded.contains(&a.id())) {
                        value.push_str(n.text().unwrap_or(""));
                    }
                }
                Data::Octets(base64(&value)?.into())
            }
            (Transform::Base64, Data::Octets(bytes)) => {
                Data::Octets(base64(&String::from_utf8_lossy(&bytes))?.into())
            }
            (_, Data::Octets(bytes)) => {
                // A node-set transform after octets: parse them (XML-DSig 4.4.3.2).
                let text = crate::xml::decode(&bytes, env.limits).map_err(xml_error)?;
                let doc = crate::xml::parse(&text, env.limits).map_err(xml_error)?;
                let nodes = Data::Nodes {
                    set: NodeSet::subtree(doc.root(), true),
                    text: &text,
                    original: false,
                };
                return run(env, nodes, &transforms[i..], covered, sink);
            }
            (
                Transform::Enveloped | Transform::RemoveThisSignature,
                Data::Nodes {
                    mut set,
                    text,
                    original,
                },
            ) => {
                let inside = original
                    && env.signature.id() != set.apex.id()
                    && env.signature.ancestors().any(|a| a.id() == set.apex.id());
                if !inside {
                    return Err(XmlFinding::new(
                        XmlCode::EnvelopedSignatureMisplaced,
                        format!(
                            "the enveloped-signature transform applies to {} which does not contain the signature {}",
                            covered.node,
                            node_path(env.text, env.signature)
                        ),
                    ));
                }
                set.excluded.insert(env.signature.id());
                covered.excluded.push(node_path(env.text, env.signature));
                Data::Nodes {
                    set,
                    text,
                    original,
                }
            }
            (
                Transform::RemoveSignatures,
                Data::Nodes {
                    mut set,
                    text,
                    original,
                },
            ) => {
                if set.apex.ancestors().any(|a| is(a, DSIG, "Signature")) {
                    return Err(unsupported(format!(
                        "the signature filter removes all of {}",
                        covered.node
                    )));
                }
                for s in set.apex.descendants().filter(|n| is(*n, DSIG, "Signature")) {
                    if !s.ancestors().skip(1).any(|a| is(a, DSIG, "Signature")) {
                        set.excluded.insert(s.id());
                        if original {
                            covered.excluded.push(node_path(env.text, s));
                        }
                    }
                }
                Data::Nodes {
                    set,
                    text,
                    original,
                }
            }
        };
    }
    match data {
        Data::Nodes { set, text, .. } => {
            // What is left out besides signatures makes the scope partial.
            c14n::canonicalize(text, &set, C14nMethod::Inclusive10, &[], sink).map_err(xml_error)
        }
        Data::Octets(bytes) => {
            sink.put(&bytes);
            Ok(())
        }
    }
}

fn base64(text: &str) -> Result<Vec<u8>, XmlFinding> {
    decode_base64(text, "base64 transform input").map_err(unsupported)
}
