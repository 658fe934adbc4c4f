//! Canonical XML: inclusive 1.0 (W3C REC-xml-c14n-20010315), inclusive 1.1
//! (REC-xml-c14n11-20080502) and exclusive 1.0 (REC-xml-exc-c14n-20020718),
//! each with or without comments, over a whole document or a document
//! subset.
//!
//! The subsets XML signatures need (a same-document reference, minus the
//! enveloped signature or other whole subtrees) are all "an apex node and
//! its descendants, minus some element subtrees", so [`NodeSet`] holds
//! exactly that. Inside such a set every output element's parent is output
//! too, except the apex: namespace rendering only needs the parent's
//! rendered declarations, and the apex gets what the spec says for an
//! element whose ancestors are outside the set.

use std::collections::HashSet;

use roxmltree::{Node, NodeId};

use crate::error::Error;

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A canonicalization algorithm, as named by its URI in XML signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum C14nMethod {
    /// Canonical XML 1.0, `http://www.w3.org/TR/2001/REC-xml-c14n-20010315`.
    Inclusive10,
    /// Canonical XML 1.0 with comments (`...#WithComments`).
    Inclusive10WithComments,
    /// Canonical XML 1.1, `http://www.w3.org/2006/12/xml-c14n11`.
    Inclusive11,
    /// Canonical XML 1.1 with comments (`...#WithComments`).
    Inclusive11WithComments,
    /// Exclusive XML Canonicalization 1.0, `http://www.w3.org/2001/10/xml-exc-c14n#`.
    Exclusive10,
    /// Exclusive XML Canonicalization 1.0 with comments (`...#WithComments`).
    Exclusive10WithComments,
}

impl C14nMethod {
    /// Every method.
    pub const ALL: [C14nMethod; 6] = [
        C14nMethod::Inclusive10,
        C14nMethod::Inclusive10WithComments,
        C14nMethod::Inclusive11,
        C14nMethod::Inclusive11WithComments,
        C14nMethod::Exclusive10,
        C14nMethod::Exclusive10WithComments,
    ];

    /// The algorithm URI.
    pub fn uri(self) -> &'static str {
        match self {
            C14nMethod::Inclusive10 => "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
            C14nMethod::Inclusive10WithComments => {
                "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
            }
            C14nMethod::Inclusive11 => "http://www.w3.org/2006/12/xml-c14n11",
            C14nMethod::Inclusive11WithComments => {
                "http://www.w3.org/2006/12/xml-c14n11#WithComments"
            }
            C14nMethod::Exclusive10 => "http://www.w3.org/2001/10/xml-exc-c14n#",
            C14nMethod::Exclusive10WithComments => {
                "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
            }
        }
    }

    /// The method named by `uri`, if it is one of the six.
    pub fn from_uri(uri: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.uri() == uri)
    }

    /// True for the `#WithComments` variants.
    pub fn with_comments(self) -> bool {
        matches!(
            self,
            C14nMethod::Inclusive10WithComments
                | C14nMethod::Inclusive11WithComments
                | C14nMethod::Exclusive10WithComments
        )
    }

    /// True for exclusive canonicalization.
    pub fn is_exclusive(self) -> bool {
        matches!(
            self,
            C14nMethod::Exclusive10 | C14nMethod::Exclusive10WithComments
        )
    }

    fn is_11(self) -> bool {
        matches!(
            self,
            C14nMethod::Inclusive11 | C14nMethod::Inclusive11WithComments
        )
    }
}

/// Where canonical bytes go: a buffer, or a hasher (so a large document is
/// digested without holding its canonical form).
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for crate::crypto::Hasher {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// A document subset: `apex` (the root for a whole document, or an
/// element) with its descendants, minus the element subtrees in
/// `excluded`, and comments only when `comments` is true (XML-DSig 4.3.3.3:
/// `URI=""` and `#id` references drop comments; XPointer references keep them).
#[derive(Debug, Clone)]
pub(crate) struct NodeSet<'a, 'i> {
    pub apex: Node<'a, 'i>,
    pub comments: bool,
    pub excluded: HashSet<NodeId>,
}

impl<'a, 'i> NodeSet<'a, 'i> {
    /// `apex` and everything below it.
    pub fn subtree(apex: Node<'a, 'i>, comments: bool) -> Self {
        NodeSet {
            apex,
            comments,
            excluded: HashSet::new(),
        }
    }
}

/// The InclusiveNamespaces PrefixList of exclusive canonicalization
/// (`#default` for the default namespace), whitespace separated.
pub(crate) fn prefix_list(text: &str) -> Vec<Option<String>> {
    text.split_ascii_whitespace()
        .map(|p| (p != "#default").then(|| p.to_string()))
        .collect()
}

/// Canonicalizes `set` with `method` into `sink`. `inclusive_prefixes`
/// applies to exclusive canonicalization only (see [`prefix_list`]).
///
/// `Err` only for what this implementation refuses: Canonical XML 1.1
/// over a subset whose apex has `xml:base` on an ancestor (the 1.1 base
/// fix-up is not implemented; signatures do not use `xml:base`).
pub(crate) fn canonicalize(
    input: &str,
    set: &NodeSet<'_, '_>,
    method: C14nMethod,
    inclusive_prefixes: &[Option<String>],
    sink: &mut dyn Sink,
) -> Result<(), Error> {
    let mut w = Writer {
        input,
        method,
        comments: set.comments && method.with_comments(),
        excluded: &set.excluded,
        prefixes: inclusive_prefixes,
        sink,
        rendered: Vec::new(),
    };
    if set.apex.is_root() {
        w.document(set.apex)
    } else {
        w.element(set.apex, true)
    }
}

/// Canonicalizes a whole parsed document into a buffer.
pub(crate) fn canonical_bytes(
    input: &str,
    set: &NodeSet<'_, '_>,
    method: C14nMethod,
    inclusive_prefixes: &[Option<String>],
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    canonicalize(input, set, method, inclusive_prefixes, &mut out)?;
    Ok(out)
}

struct Writer<'s, 'a> {
    input: &'s str,
    method: C14nMethod,
    comments: bool,
    excluded: &'s HashSet<NodeId>,
    prefixes: &'s [Option<String>],
    sink: &'s mut dyn Sink,
    /// Namespace declarations rendered on the output ancestors, innermost
    /// last: (prefix, URI); the default namespace has prefix `None`.
    rendered: Vec<(Option<&'a str>, &'a str)>,
}

/// The qualified name of an element as written in the source.
pub(crate) fn element_qname<'i>(input: &'i str, node: Node<'_, 'i>) -> &'i str {
    let start = node.range().start + 1;
    let rest = input.get(start..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The prefix of a qualified name (`None` when unprefixed).
pub(crate) fn prefix_of(qname: &str) -> Option<&str> {
    qname.split_once(':').map(|(p, _)| p)
}

impl<'s, 'a> Writer<'s, 'a>
where
    's: 'a,
{
    /// C14N 1.0 2.1 / 2.3: the document's children in order; comments and
    /// processing instructions outside the document element are separated
    /// from it by a line feed; whitespace outside it is not output.
    fn document(&mut self, root: Node<'a, 's>) -> Result<(), Error> {
        let mut seen_element = false;
        for child in root.children() {
            if child.is_element() {
                if !self.excluded.contains(&child.id()) {
                    self.element(child, true)?;
                }
                seen_element = true;
            } else if child.is_comment() && !self.comments || child.is_text() {
                continue;
            } else if child.is_comment() || child.is_pi() {
                if seen_element {
                    self.sink.put(b"\n");
                }
                self.leaf(child);
                if !seen_element {
                    self.sink.put(b"\n");
                }
            }
        }
        Ok(())
    }

    fn rendered_uri(&self, prefix: Option<&str>) -> &'a str {
        self.rendered
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map_or("", |(_, uri)| uri)
    }

    fn element(&mut self, node: Node<'a, 's>, apex: bool) -> Result<(), Error> {
        let qname = element_qname(self.input, node);
        let mark = self.rendered.len();
        let declarations = self.namespace_declarations(node, qname);
        // C14N 1.0 section 2 (the XML Plenary decision on relative
        // namespace URIs): canonicalizing one must fail, as libxml2 does.
        if let Some((_, uri)) = declarations.iter().find(|(_, uri)| is_relative(uri)) {
            return Err(Error::invalid(
                "XML document",
                format!("the namespace URI '{uri}' is relative; canonical XML refuses it"),
            ));
        }
        let attributes = self.attributes(node, apex)?;

        self.sink.put(b"<");
        self.sink.put(qname.as_bytes());
        for (prefix, uri) in &declarations {
            match prefix {
                None => self.sink.put(b" xmlns=\""),
                Some(p) => {
                    self.sink.put(b" xmlns:");
                    self.sink.put(p.as_bytes());
                    self.sink.put(b"=\"");
                }
            }
            escape_attribute(uri, self.sink);
            self.sink.put(b"\"");
        }
        for (qname, value) in &attributes {
            self.sink.put(b" ");
            self.sink.put(qname.as_bytes());
            self.sink.put(b"=\"");
            escape_attribute(value, self.sink);
            self.sink.put(b"\"");
        }
        self.sink.put(b">");
        self.rendered.extend(declarations);

        for child in node.children() {
            if child.is_element() {
                if !self.excluded.contains(&child.id()) {
                    self.element(child, false)?;
                }
            } else if child.is_text() {
                escape_text(child.text().unwrap_or(""), self.sink);
            } else if child.is_pi() || (child.is_comment() && self.comments) {
                self.leaf(child);
            }
        }
        self.sink.put(b"</");
        self.sink.put(qname.as_bytes());
        self.sink.put(b">");
        self.rendered.truncate(mark);
        Ok(())
    }

    /// The namespace declarations to render on `node`, sorted by prefix
    /// (the default namespace first).
    fn namespace_declarations(
        &self,
        node: Node<'a, 's>,
        qname: &'s str,
    ) -> Vec<(Option<&'a str>, &'a str)> {
        let mut out: Vec<(Option<&'a str>, &'a str)> = Vec::new();
        if self.method.is_exclusive() {
            // Exc-C14N 3: the namespaces visibly utilized by the element
            // (its own prefix, or the default namespace when it has none,
            // and its attributes' prefixes) plus the InclusiveNamespaces
            // PrefixList, each unless an output ancestor rendered it the same.
            let mut wanted: Vec<Option<&str>> = vec![prefix_of(qname)];
            for a in node.attributes() {
                let aq = &self.input[a.range_qname()];
                if let Some(p) = prefix_of(aq).filter(|p| *p != "xml") {
                    wanted.push(Some(p));
                }
            }
            for p in self.prefixes {
                wanted.push(p.as_deref());
            }
            for prefix in wanted {
                if out.iter().any(|(p, _)| p.as_deref() == prefix) {
                    continue;
                }
                let in_scope = node
                    .namespaces()
                    .find(|ns| ns.name() == prefix)
                    .map(|ns| (ns.name(), ns.uri()));
                match in_scope {
                    Some((p, uri)) if self.rendered_uri(p) != uri => out.push((p, uri)),
                    // A prefix of the list that is not in scope renders nothing.
                    Some(_) => {}
                    None if prefix.is_none() && !self.rendered_uri(None).is_empty() => {
                        out.push((None, ""))
                    }
                    None => {}
                }
            }
        } else {
            // C14N 1.0 2.3 / 4.7: every namespace node in scope that the
            // parent's output did not already give the same value; xmlns=""
            // when the element has no default namespace but its output
            // parent rendered one.
            let mut default_seen = false;
            for ns in node.namespaces() {
                let (p, uri) = (ns.name(), ns.uri());
                if p.is_none() {
                    default_seen = true;
                    if uri.is_empty() {
                        if !self.rendered_uri(None).is_empty() {
                            out.push((None, ""));
                        }
                        continue;
                    }
                }
                if self.rendered_uri(p) != uri {
                    out.push((p, uri));
                }
            }
            if !default_seen && !self.rendered_uri(None).is_empty() {
                out.push((None, ""));
            }
        }
        out.sort_by(|a, b| a.0.unwrap_or("").cmp(b.0.unwrap_or("")));
        out
    }

    /// The attributes to render, sorted by namespace URI then local name.
    /// At the apex of a subset, inclusive canonicalization also renders the
    /// `xml:` attributes of ancestors outside the set (C14N 1.0 2.4; C14N
    /// 1.1 2.4 limits this to xml:lang and xml:space and fixes up xml:base).
    fn attributes(&self, node: Node<'a, 's>, apex: bool) -> Result<Vec<(&'s str, &'a str)>, Error> {
        let mut attrs: Vec<(&str, &str, &'s str, &'a str)> = node
            .attributes()
            .map(|a| {
                (
                    a.namespace().unwrap_or(""),
                    a.name(),
                    &self.input[a.range_qname()],
                    a.value(),
                )
            })
            .collect();
        if apex && !self.method.is_exclusive() {
            for ancestor in node.ancestors().skip(1).filter(|n| n.is_element()) {
                for a in ancestor.attributes() {
                    if a.namespace() != Some(XML_NS) {
                        continue;
                    }
                    if self.method.is_11() {
                        if a.name() == "base" {
                            return Err(Error::invalid(
                                "XML document subset",
                                "Canonical XML 1.1 xml:base fix-up (2.4) for an ancestor outside the subset is not supported",
                            ));
                        }
                        if a.name() == "id" {
                            continue;
                        }
                    }
                    if !attrs
                        .iter()
                        .any(|(ns, n, _, _)| *ns == XML_NS && *n == a.name())
                    {
                        attrs.push((XML_NS, a.name(), &self.input[a.range_qname()], a.value()));
                    }
                }
            }
        }
        attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        Ok(attrs.into_iter().map(|(_, _, q, v)| (q, v)).collect())
    }

    /// A comment or processing instruction (C14N 1.0 2.3).
    fn leaf(&mut self, node: Node<'a, 's>) {
        if let Some(pi) = node.pi() {
            self.sink.put(b"<?");
            self.sink.put(pi.target.as_bytes());
            if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                self.sink.put(b" ");
                self.sink.put(value.as_bytes());
            }
            self.sink.put(b"?>");
        } else if node.is_comment() {
            self.sink.put(b"<!--");
            self.sink.put(node.text().unwrap_or("").as_bytes());
            self.sink.put(b"-->");
        }
    }
}

/// A non-empty URI reference without a scheme (RFC 3986 3.1).
fn is_relative(uri: &str) -> bool {
    if uri.is_empty() {
        return false;
    }
    match uri.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &uri[..colon];
            !(scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        }
    }
}

/// C14N 1.0 2.3: text nodes escape `&`, `<`, `>` and carriage return.
fn escape_text(text: &str, sink: &mut dyn Sink) {
    escape(text, sink, |c| match c {
        b'&' => Some(&b"&amp;"[..]),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// C14N 1.0 2.3: attribute values escape `&`, `<`, `"`, tab, line feed
/// and carriage return.
fn escape_attribute(text: &str, sink: &mut dyn Sink) {
    escape(text, sink, |c| match c {
        b'&' => Some(&b"&amp;"[..]),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

fn escape(text: &str, sink: &mut dyn Sink, replace: impl Fn(u8) -> Option<&'static [u8]>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(r) = replace(b) {
            sink.put(&bytes[start..i]);
            sink.put(r);
            start = i + 1;
        }
    }
    sink.put(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse::{XmlLimits, parse};

    fn c14n(xml: &str, method: C14nMethod) -> String {
        let doc = parse(xml, &XmlLimits::default()).unwrap();
        let set = NodeSet::subtree(doc.root(), true);
        String::from_utf8(canonical_bytes(xml, &set, method, &[]).unwrap()).unwrap()
    }

    #[test]
    fn escaping_and_ordering() {
        let xml = "<?pi  x ?><!--c--><a b=\"&lt;&quot;\t\" xmlns:z=\"urn:u\" xmlns=\"urn:d\" a=\"1\" z:c=\"2\"><e/>&gt;&#xD;</a><!--d-->";
        assert_eq!(
            c14n(xml, C14nMethod::Inclusive10WithComments),
            "<?pi x ?>\n<!--c-->\n<a xmlns=\"urn:d\" xmlns:z=\"urn:u\" a=\"1\" b=\"&lt;&quot; \" z:c=\"2\"><e></e>&gt;&#xD;</a>\n<!--d-->"
        );
        assert_eq!(
            c14n(xml, C14nMethod::Inclusive10),
            "<?pi x ?>\n<a xmlns=\"urn:d\" xmlns:z=\"urn:u\" a=\"1\" b=\"&lt;&quot; \" z:c=\"2\"><e></e>&gt;&#xD;</a>"
        );
    }

    #[test]
    fn subset_apex_inherits_namespaces_and_xml_attributes() {
        let xml = "<r xmlns=\"urn:d\" xmlns:p=\"urn:u\" xml:lang=\"en\" xml:id=\"i\"><p:x xmlns:q=\"urn:v\" q:a=\"1\"><y/></p:x></r>";
        let doc = parse(xml, &XmlLimits::default()).unwrap();
        let x = doc.descendants().find(|n| n.has_tag_name("x")).unwrap();
        let run = |m| {
            let set = NodeSet::subtree(x, false);
            String::from_utf8(canonical_bytes(xml, &set, m, &[]).unwrap()).unwrap()
        };
        assert_eq!(
            run(C14nMethod::Inclusive10),
            "<p:x xmlns=\"urn:d\" xmlns:p=\"urn:u\" xmlns:q=\"urn:v\" xml:id=\"i\" xml:lang=\"en\" q:a=\"1\"><y></y></p:x>"
        );
        assert_eq!(
            run(C14nMethod::Inclusive11),
            "<p:x xmlns=\"urn:d\" xmlns:p=\"urn:u\" xmlns:q=\"urn:v\" xml:lang=\"en\" q:a=\"1\"><y></y></p:x>"
        );
        assert_eq!(
            run(C14nMethod::Exclusive10),
            "<p:x xmlns:p=\"urn:u\" xmlns:q=\"urn:v\" q:a=\"1\"><y xmlns=\"urn:d\"></y></p:x>"
        );
        let set = NodeSet::subtree(x, false);
        let with_default = canonical_bytes(
            xml,
            &set,
            C14nMethod::Exclusive10,
            &prefix_list("#default  p"),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(with_default).unwrap(),
            "<p:x xmlns=\"urn:d\" xmlns:p=\"urn:u\" xmlns:q=\"urn:v\" q:a=\"1\"><y></y></p:x>"
        );
    }

    #[test]
    fn default_namespace_undeclaration() {
        let xml = "<a xmlns=\"urn:u\"><b xmlns=\"\"><c/></b></a>";
        for m in C14nMethod::ALL {
            assert_eq!(
                c14n(xml, m),
                "<a xmlns=\"urn:u\"><b xmlns=\"\"><c></c></b></a>",
                "{m:?}"
            );
        }
        // Nothing to undeclare: no xmlns="".
        assert_eq!(
            c14n("<a><b xmlns=\"\"/></a>", C14nMethod::Inclusive10),
            "<a><b></b></a>"
        );
    }

    #[test]
    fn excluded_subtrees_leave_their_whitespace() {
        let xml = "<a>\n  <s><t/></s>\n</a>";
        let doc = parse(xml, &XmlLimits::default()).unwrap();
        let mut set = NodeSet::subtree(doc.root(), false);
        set.excluded.insert(
            doc.descendants()
                .find(|n| n.has_tag_name("s"))
                .unwrap()
                .id(),
        );
        assert_eq!(
            canonical_bytes(xml, &set, C14nMethod::Inclusive10, &[]).unwrap(),
            b"<a>\n  \n</a>"
        );
    }
}
