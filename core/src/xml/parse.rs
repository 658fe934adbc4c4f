//! Hardened reading of XML input: character decoding, the size, node,
//! depth and attribute budgets, and DTD refusal.

use crate::error::Error;

/// Budgets on one XML document. Reaching one is an `Err` naming the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct XmlLimits {
    /// Largest input in bytes, checked before parsing. 64 MiB: EU trusted
    /// lists, the largest signed XML documents met in practice, are under
    /// 10 MiB; the parsed tree costs a few times the input, so this bounds
    /// memory to well under a GiB.
    pub max_size: usize,
    /// Most nodes (elements, texts, comments, processing instructions),
    /// counted by the parser while it reads. 4 million: a 10 MiB trusted
    /// list has about 300,000.
    pub max_nodes: u32,
    /// Deepest element nesting. Real documents (SAML, UBL, XAdES) stay
    /// under 30 levels; 256 keeps every recursive walk of ours shallow.
    pub max_depth: usize,
    /// Most attributes on one element (real elements carry under 20).
    pub max_attributes: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_size: 64 * 1024 * 1024,
            max_nodes: 4_000_000,
            max_depth: 256,
            max_attributes: 1024,
        }
    }
}

/// Decodes XML bytes to text: UTF-8 (with or without a byte order mark),
/// UTF-16 LE/BE (XML 1.0 appendix F: by its byte order mark or its first
/// `<?`), or ISO-8859-1 / US-ASCII when the XML declaration names them.
/// Anything else is refused rather than guessed.
pub(crate) fn decode(bytes: &[u8], limits: &XmlLimits) -> Result<String, Error> {
    if bytes.len() > limits.max_size {
        return Err(Error::TooLarge {
            what: "an XML document",
            size: bytes.len(),
            limit: limits.max_size,
        });
    }
    let utf16 = |body: &[u8], little: bool| -> Result<String, Error> {
        if !body.len().is_multiple_of(2) {
            return Err(Error::invalid(
                "XML document",
                "UTF-16 input has an odd number of bytes",
            ));
        }
        let units = body.chunks_exact(2).map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| Error::invalid("XML document", format!("invalid UTF-16: {e}")))
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => return utf8(rest),
        [0xFF, 0xFE, rest @ ..] => return utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => return utf16(rest, false),
        [0x3C, 0x00, 0x3F, 0x00, ..] => return utf16(bytes, true),
        [0x00, 0x3C, 0x00, 0x3F, ..] => return utf16(bytes, false),
        _ => {}
    }
    let declared = declared_encoding(bytes);
    match declared.map(|e| e.to_ascii_uppercase()) {
        None => utf8(bytes),
        Some(e) if e == "UTF-8" || e == "UTF8" => utf8(bytes),
        Some(e) if e == "US-ASCII" || e == "ASCII" => {
            if bytes.is_ascii() {
                utf8(bytes)
            } else {
                Err(Error::invalid(
                    "XML document",
                    "declared US-ASCII but holds non-ASCII bytes",
                ))
            }
        }
        Some(e) if e == "ISO-8859-1" || e == "LATIN1" || e == "ISO_8859-1" => {
            Ok(bytes.iter().map(|&b| char::from(b)).collect())
        }
        Some(_) => Err(Error::invalid(
            "XML document",
            format!(
                "encoding '{}' is not supported (UTF-8, UTF-16, ISO-8859-1 and US-ASCII are)",
                declared.unwrap_or_default()
            ),
        )),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, Error> {
    String::from_utf8(bytes.to_vec())
        .map_err(|e| Error::invalid("XML document", format!("not UTF-8: {e}")))
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of
/// `bytes` (ASCII-compatible encodings only).
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = bytes.strip_prefix(b"<?xml")?;
    let end = head.iter().position(|&b| b == b'>')?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    value.find(quote).map(|close| &value[..close])
}

/// Parses decoded text into a tree. DTDs (and so every entity declaration,
/// external or internal: "billion laughs", XXE) are refused: roxmltree's
/// `allow_dtd: false` makes any `<!DOCTYPE` an error before anything in it
/// is read. Nodes are counted while parsing; depth and attributes per
/// element are checked on the finished tree before anything walks it.
pub(crate) fn parse<'i>(
    text: &'i str,
    limits: &XmlLimits,
) -> Result<roxmltree::Document<'i>, Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.max_nodes,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => Error::invalid(
            "XML document",
            "a DOCTYPE (DTD) is present; DTDs and entity declarations are refused",
        ),
        roxmltree::Error::NodesLimitReached => Error::invalid(
            "XML document",
            format!("more than {} nodes", limits.max_nodes),
        ),
        other => Error::invalid("XML document", format!("not well-formed: {other}")),
    })?;
    check_shape(&doc, limits)?;
    Ok(doc)
}

/// Depth and attribute budgets, walked without recursion.
fn check_shape(doc: &roxmltree::Document<'_>, limits: &XmlLimits) -> Result<(), Error> {
    let mut depth = 0usize;
    let mut node = Some(doc.root());
    // Iterative pre-order walk tracking depth: down to the first child,
    // else across to the next sibling, else up until a sibling exists.
    while let Some(n) = node {
        if n.is_element() && n.attributes().len() > limits.max_attributes {
            return Err(Error::invalid(
                "XML document",
                format!(
                    "element <{}> has {} attributes, over the limit of {}",
                    n.tag_name().name(),
                    n.attributes().len(),
                    limits.max_attributes
                ),
            ));
        }
        if let Some(child) = n.first_child() {
            depth += 1;
            if depth > limits.max_depth {
                return Err(Error::invalid(
                    "XML document",
                    format!("elements nest deeper than {} levels", limits.max_depth),
                ));
            }
            node = Some(child);
            continue;
        }
        let mut up = Some(n);
        node = None;
        while let Some(u) = up {
            if let Some(next) = u.next_sibling() {
                node = Some(next);
                break;
            }
            up = u.parent();
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_bytes(bytes: &[u8]) -> Result<(), Error> {
        let limits = XmlLimits::default();
        let text = decode(bytes, &limits)?;
        parse(&text, &limits).map(|_| ())
    }

    #[test]
    fn encodings() {
        assert!(parse_bytes(b"\xEF\xBB\xBF<a/>").is_ok());
        let utf16le: Vec<u8> = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>\u{e9}</a>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let limits = XmlLimits::default();
        assert!(
            decode(&utf16le, &limits)
                .unwrap()
                .ends_with("<a>\u{e9}</a>")
        );
        let utf16be: Vec<u8> = "<?xml version=\"1.0\"?><a/>"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(parse_bytes(&utf16be).is_ok());
        assert_eq!(
            decode(
                b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>",
                &limits
            )
            .unwrap(),
            "<?xml version='1.0' encoding='ISO-8859-1'?><a>\u{e9}</a>"
        );
        let err = parse_bytes(b"<?xml version='1.0' encoding='Shift_JIS'?><a/>").unwrap_err();
        assert!(err.to_string().contains("Shift_JIS"), "{err}");
        assert!(parse_bytes(b"<a>\xFF</a>").is_err());
    }

    #[test]
    fn dtds_are_refused() {
        for doc in [
            &b"<!DOCTYPE a><a/>"[..],
            b"<!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><a>&e;</a>",
            b"<!DOCTYPE a [<!ENTITY x 'xx'><!ENTITY y '&x;&x;'>]><a>&y;</a>",
        ] {
            let err = parse_bytes(doc).unwrap_err();
            assert!(err.to_string().contains("DOCTYPE"), "{err}");
        }
        // An undeclared entity is not well-formed.
        assert!(parse_bytes(b"<a>&e;</a>").is_err());
    }

    #[test]
    fn budgets() {
        let limits = XmlLimits {
            max_depth: 10,
            max_nodes: 50,
            max_attributes: 3,
            max_size: 1000,
        };
        let check =
            |s: String| decode(s.as_bytes(), &limits).and_then(|t| parse(&t, &limits).map(|_| ()));
        let deep = format!("{}{}", "<a>".repeat(11), "</a>".repeat(11));
        assert!(check(deep).unwrap_err().to_string().contains("deeper"));
        let ok = format!("{}{}", "<a>".repeat(9), "</a>".repeat(9));
        assert!(check(ok).is_ok());
        let many = format!("<a>{}</a>", "<b/>".repeat(60));
        assert!(check(many).unwrap_err().to_string().contains("nodes"));
        assert!(
            check("<a x='1' y='2' z='3' w='4'/>".into())
                .unwrap_err()
                .to_string()
                .contains("attributes")
        );
        assert!(matches!(
            check("<a>".repeat(400)),
            Err(Error::TooLarge { .. })
        ));
    }
}
