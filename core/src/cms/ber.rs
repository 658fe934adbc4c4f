//! BER to DER normalisation of the encoding (X.690 8 vs 10), bounded.
//!
//! Real signers emit BER: `openssl smime -stream`, Java and Windows produce
//! indefinite lengths and constructed (chunked) OCTET STRINGs; `der` 0.8 is
//! DER-only. [`normalise`] rewrites the *encoding* only: every length becomes
//! definite and minimal (X.690 10.1), every constructed string becomes
//! primitive with its chunks concatenated (X.690 10.2). Values are never
//! reordered (SET OF order is kept: the signature over signed attributes is
//! over the order the signer encoded) and primitive contents are copied as
//! they are. Input that is already DER-shaped is returned borrowed, so the
//! common case costs one scan and no copy.

use std::borrow::Cow;

/// Deepest nesting accepted. CMS nests about 12 levels (ContentInfo,
/// SignedData, SignerInfo, attributes, a timestamp token holding another
/// SignedData, certificates with extensions): 64 leaves room for
/// countersignatures of countersignatures while bounding the recursion.
pub(crate) const MAX_DEPTH: usize = 64;

/// Most TLV elements in one input. A message with 50 certificates has about
/// 25,000; the limit only stops inputs built to cost memory (each element
/// costs about 64 bytes while normalising).
pub(crate) const MAX_ELEMENTS: usize = 4_000_000;

/// Why an input is not BER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BerError {
    /// Byte offset of the element concerned.
    pub offset: usize,
    /// What is wrong.
    pub reason: &'static str,
}

impl std::fmt::Display for BerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.reason, self.offset)
    }
}

fn err<T>(offset: usize, reason: &'static str) -> Result<T, BerError> {
    Err(BerError { offset, reason })
}

/// Universal string types whose constructed form X.690 8.21 / 8.6 / 8.7
/// allows and DER forbids: BIT STRING, OCTET STRING, the character strings,
/// UTCTime and GeneralizedTime.
fn is_string_tag(number: u32) -> bool {
    matches!(number, 3 | 4 | 12 | 18..=22 | 23 | 24 | 25..=30)
}

/// One decoded identifier and length.
#[derive(Debug, Clone, Copy)]
struct Header {
    /// Offset of the identifier octets.
    start: usize,
    /// Identifier octets are `start..id_end`.
    id_end: usize,
    /// Offset of the contents.
    content: usize,
    /// Definite content length, `None` for indefinite.
    len: Option<usize>,
    class: u8,
    constructed: bool,
    number: u32,
}

fn header(input: &[u8], start: usize) -> Result<Header, BerError> {
    let first = *input.get(start).ok_or(BerError {
        offset: start,
        reason: "truncated: identifier expected",
    })?;
    let class = first >> 6;
    let constructed = first & 0x20 != 0;
    let mut pos = start + 1;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        // X.690 8.1.2.4: high tag number in base 128; four octets are more
        // than any standard uses.
        number = 0;
        loop {
            let b = *input.get(pos).ok_or(BerError {
                offset: pos,
                reason: "truncated tag number",
            })?;
            pos += 1;
            if pos - start > 5 {
                return err(start, "tag number too long");
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let id_end = pos;
    let lb = *input.get(pos).ok_or(BerError {
        offset: pos,
        reason: "truncated: length expected",
    })?;
    pos += 1;
    let len = if lb < 0x80 {
        Some(usize::from(lb))
    } else if lb == 0x80 {
        if !constructed {
            return err(start, "indefinite length on a primitive element");
        }
        None
    } else {
        let n = usize::from(lb & 0x7f);
        if n > 8 || lb == 0xff {
            return err(start, "length field too long");
        }
        let bytes = input.get(pos..pos + n).ok_or(BerError {
            offset: pos,
            reason: "truncated length",
        })?;
        pos += n;
        let mut v: u64 = 0;
        for b in bytes {
            v = (v << 8) | u64::from(*b);
        }
        Some(usize::try_from(v).map_err(|_| BerError {
            offset: start,
            reason: "length too large",
        })?)
    };
    if let Some(len) = len
        && input.len().saturating_sub(pos) < len
    {
        return err(start, "length runs past the end of the input");
    }
    Ok(Header {
        start,
        id_end,
        content: pos,
        len,
        class,
        constructed,
        number,
    })
}

/// True when the element at `h` is encoded with a minimal definite length.
fn minimal_length(input: &[u8], h: &Header) -> bool {
    let Some(len) = h.len else { return false };
    let lb = input[h.id_end];
    match lb {
        0..=0x7f => true,
        0x81 => len >= 0x80,
        _ => {
            let n = usize::from(lb & 0x7f);
            input[h.id_end + 1] != 0 && n == length_octets(len) - 1
        }
    }
}

/// Octets needed to encode a definite length (the initial octet included).
fn length_octets(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    }
}

struct Budget {
    elements: usize,
}

impl Budget {
    fn take(&mut self, offset: usize) -> Result<(), BerError> {
        if self.elements == 0 {
            return err(offset, "too many elements");
        }
        self.elements -= 1;
        Ok(())
    }
}

/// Returns the DER-shaped encoding of the single BER element `input`
/// (trailing bytes are an error), borrowed when it is already DER-shaped.
pub(crate) fn normalise(input: &[u8]) -> Result<Cow<'_, [u8]>, BerError> {
    let mut budget = Budget {
        elements: MAX_ELEMENTS,
    };
    let (der_shaped, end) = scan(input, 0, 0, &mut budget)?;
    if end != input.len() {
        return err(end, "trailing bytes after the element");
    }
    if der_shaped {
        return Ok(Cow::Borrowed(input));
    }
    let mut budget = Budget {
        elements: MAX_ELEMENTS,
    };
    let (node, _) = parse(input, 0, 0, &mut budget)?;
    let mut out = Vec::with_capacity(node.encoded_len());
    node.write(&mut out);
    Ok(Cow::Owned(out))
}

/// The length of the BER element that starts `input` (identifier, length,
/// contents and, for an indefinite length, the end-of-contents octets):
/// how a reader frames one element of several without decoding it.
pub(crate) fn element_len(input: &[u8]) -> Result<usize, BerError> {
    let mut budget = Budget {
        elements: MAX_ELEMENTS,
    };
    scan(input, 0, 0, &mut budget).map(|(_, end)| end)
}

/// The identifier octet of the first element inside the constructed
/// element that starts `input`, read from the identifier and length octets
/// alone (definite or indefinite length, even when the input is truncated
/// after them); `None` when there is no such element. A CMS ContentInfo is
/// a SEQUENCE whose first element is an OBJECT IDENTIFIER; a Certificate
/// is a SEQUENCE whose first element is a SEQUENCE.
pub(crate) fn first_inner_tag(input: &[u8]) -> Option<u8> {
    let first = *input.first()?;
    // Low tag numbers only: the outer element of both is a SEQUENCE.
    if first & 0x20 == 0 || first & 0x1f == 0x1f {
        return None;
    }
    let length = *input.get(1)?;
    let content = match length {
        0..=0x80 => 2,
        _ => 2 + usize::from(length & 0x7f),
    };
    input.get(content).copied()
}

/// Validates the BER structure of the element at `start`; returns whether
/// it is already DER-shaped and where it ends.
fn scan(
    input: &[u8],
    start: usize,
    depth: usize,
    budget: &mut Budget,
) -> Result<(bool, usize), BerError> {
    if depth > MAX_DEPTH {
        return err(start, "nesting too deep");
    }
    budget.take(start)?;
    let h = header(input, start)?;
    let mut der = minimal_length(input, &h);
    if h.constructed && h.class == 0 && is_string_tag(h.number) {
        der = false;
    }
    if !h.constructed {
        // header() checked the length fits.
        return Ok((der, h.content + h.len.unwrap_or(0)));
    }
    let mut pos = h.content;
    match h.len {
        Some(len) => {
            let end = h.content + len;
            while pos < end {
                let (child_der, child_end) = scan(&input[..end], pos, depth + 1, budget)?;
                der &= child_der;
                pos = child_end;
            }
            Ok((der, end))
        }
        None => loop {
            if input.get(pos..pos + 2) == Some(&[0, 0]) {
                return Ok((false, pos + 2));
            }
            if pos >= input.len() {
                return err(h.start, "indefinite length without end-of-contents");
            }
            let (_, child_end) = scan(input, pos, depth + 1, budget)?;
            pos = child_end;
        },
    }
}

/// A parsed element, borrowing its contents from the input.
enum Node<'a> {
    Primitive {
        id: Vec<u8>,
        pieces: Vec<&'a [u8]>,
        /// Leading octet for a flattened BIT STRING (its unused-bits count).
        prefix: Option<u8>,
        len: usize,
    },
    Constructed {
        id: &'a [u8],
        children: Vec<Node<'a>>,
        len: usize,
    },
}

impl Node<'_> {
    fn content_len(&self) -> usize {
        match self {
            Node::Primitive { len, .. } | Node::Constructed { len, .. } => *len,
        }
    }

    fn encoded_len(&self) -> usize {
        let id = match self {
            Node::Primitive { id, .. } => id.len(),
            Node::Constructed { id, .. } => id.len(),
        };
        id + length_octets(self.content_len()) + self.content_len()
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Node::Primitive {
                id,
                pieces,
                prefix,
                len,
            } => {
                out.extend_from_slice(id);
                write_length(out, *len);
                if let Some(p) = prefix {
                    out.push(*p);
                }
                for piece in pieces {
                    out.extend_from_slice(piece);
                }
            }
            Node::Constructed { id, children, len } => {
                out.extend_from_slice(id);
                write_length(out, *len);
                for child in children {
                    child.write(out);
                }
            }
        }
    }
}

fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let n = length_octets(len) - 1;
        out.push(0x80 | n as u8);
        for i in (0..n).rev() {
            out.push((len >> (8 * i)) as u8);
        }
    }
}

/// The children of a constructed element (definite or indefinite).
fn children<'a>(
    input: &'a [u8],
    h: &Header,
    depth: usize,
    budget: &mut Budget,
) -> Result<(Vec<Node<'a>>, usize), BerError> {
    let mut nodes = Vec::new();
    let mut pos = h.content;
    match h.len {
        Some(len) => {
            let end = h.content + len;
            while pos < end {
                let (node, next) = parse(&input[..end], pos, depth + 1, budget)?;
                nodes.push(node);
                pos = next;
            }
            Ok((nodes, end))
        }
        None => loop {
            if input.get(pos..pos + 2) == Some(&[0, 0]) {
                return Ok((nodes, pos + 2));
            }
            if pos >= input.len() {
                return err(h.start, "indefinite length without end-of-contents");
            }
            let (node, next) = parse(input, pos, depth + 1, budget)?;
            nodes.push(node);
            pos = next;
        },
    }
}

fn parse<'a>(
    input: &'a [u8],
    start: usize,
    depth: usize,
    budget: &mut Budget,
) -> Result<(Node<'a>, usize), BerError> {
    if depth > MAX_DEPTH {
        return err(start, "nesting too deep");
    }
    budget.take(start)?;
    let h = header(input, start)?;
    let id = &input[h.start..h.id_end];
    if !h.constructed {
        let len = h.len.unwrap_or(0);
        let node = Node::Primitive {
            id: id.to_vec(),
            pieces: vec![&input[h.content..h.content + len]],
            prefix: None,
            len,
        };
        return Ok((node, h.content + len));
    }
    let (kids, end) = children(input, &h, depth, budget)?;
    if h.class == 0 && is_string_tag(h.number) {
        // X.690 8.6.4 / 8.7.3: the value is the concatenation of the
        // segments, each of the same type (possibly constructed again).
        let mut pieces = Vec::new();
        let mut unused = 0u8;
        flatten(&kids, h.number, &mut pieces, &mut unused, h.start)?;
        let mut id = id.to_vec();
        id[0] &= !0x20;
        let (prefix, len) = if h.number == 3 {
            (
                Some(unused),
                1 + pieces.iter().map(|p| p.len()).sum::<usize>(),
            )
        } else {
            (None, pieces.iter().map(|p| p.len()).sum())
        };
        return Ok((
            Node::Primitive {
                id,
                pieces,
                prefix,
                len,
            },
            end,
        ));
    }
    let len = kids.iter().map(Node::encoded_len).sum();
    Ok((
        Node::Constructed {
            id,
            children: kids,
            len,
        },
        end,
    ))
}

fn flatten<'a>(
    kids: &[Node<'a>],
    number: u32,
    pieces: &mut Vec<&'a [u8]>,
    unused: &mut u8,
    offset: usize,
) -> Result<(), BerError> {
    for (i, kid) in kids.iter().enumerate() {
        match kid {
            Node::Primitive {
                id,
                pieces: p,
                prefix,
                ..
            } => {
                if id.len() != 1 || u32::from(id[0]) != number {
                    return err(offset, "segment of a constructed string has another type");
                }
                if number == 3 {
                    // BIT STRING segments: leading unused-bits octet; only the
                    // last segment may have unused bits (X.690 8.6.4).
                    let bytes: &[u8] = match (prefix, p.as_slice()) {
                        (None, [single]) => single,
                        _ => return err(offset, "malformed BIT STRING segment"),
                    };
                    let Some((&u, rest)) = bytes.split_first() else {
                        return err(offset, "empty BIT STRING segment");
                    };
                    if u > 7 || (u != 0 && i + 1 != kids.len()) {
                        return err(offset, "unused bits in a BIT STRING segment");
                    }
                    *unused = u;
                    pieces.push(rest);
                } else {
                    pieces.extend_from_slice(p);
                }
            }
            Node::Constructed { .. } => {
                return err(offset, "segment of a constructed string is not a string");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(input: &[u8]) -> Result<Vec<u8>, BerError> {
        normalise(input).map(|c| c.into_owned())
    }

    #[test]
    fn der_input_is_borrowed() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa];
        assert!(matches!(normalise(&der), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn indefinite_lengths_and_chunked_strings() {
        // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { "ab", "c" }, NULL }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x05,
            0x00, 0x00, 0x00,
        ];
        assert_eq!(
            norm(&ber).unwrap(),
            [0x30, 0x07, 0x04, 0x03, b'a', b'b', b'c', 0x05, 0x00]
        );
        // Non-minimal long length.
        assert_eq!(norm(&[0x04, 0x81, 0x01, 0x07]).unwrap(), [0x04, 0x01, 0x07]);
        assert_eq!(
            norm(&[0x04, 0x82, 0x00, 0x01, 0x07]).unwrap(),
            [0x04, 0x01, 0x07]
        );
        // Constructed BIT STRING: unused bits from the last segment.
        let bits = [
            0x23, 0x80, 0x03, 0x02, 0x00, 0xff, 0x03, 0x02, 0x04, 0xf0, 0x00, 0x00,
        ];
        assert_eq!(norm(&bits).unwrap(), [0x03, 0x03, 0x04, 0xff, 0xf0]);
        // A context-specific constructed element is not a string: kept.
        assert_eq!(
            norm(&[0xa0, 0x80, 0x05, 0x00, 0x00, 0x00]).unwrap(),
            [0xa0, 0x02, 0x05, 0x00]
        );
    }

    #[test]
    fn long_content_gets_long_lengths() {
        let mut ber = vec![0x24, 0x80];
        for _ in 0..300 {
            ber.extend([0x04, 0x01, 0x42]);
        }
        ber.extend([0, 0]);
        let der = norm(&ber).unwrap();
        assert_eq!(&der[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(der.len(), 4 + 300);
    }

    #[test]
    fn malformed_inputs_are_errors() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x80],
            &[0x30, 0x80, 0x05, 0x00],
            &[0x04, 0x80, 0x00, 0x00],
            &[0x04, 0x05, 0x01],
            &[0x04, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            &[0x24, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00],
            &[
                0x23, 0x80, 0x03, 0x02, 0x04, 0xff, 0x03, 0x01, 0x00, 0x00, 0x00,
            ],
            &[0x05, 0x00, 0x05, 0x00],
            &[0x1f, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00],
        ] {
            assert!(norm(bad).is_err(), "{bad:02x?}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let mut deep = Vec::new();
        for _ in 0..(MAX_DEPTH + 2) {
            deep.extend([0x30, 0x80]);
        }
        for _ in 0..(MAX_DEPTH + 2) {
            deep.extend([0x00, 0x00]);
        }
        assert_eq!(norm(&deep).unwrap_err().reason, "nesting too deep");
    }

    /// A value tree, encoded as DER and as BER with random choices.
    #[derive(Debug, Clone)]
    enum Tree {
        Octets(Vec<u8>),
        Seq(Vec<Tree>),
    }

    fn tree() -> impl proptest::strategy::Strategy<Value = Tree> {
        use proptest::prelude::*;
        let leaf = proptest::collection::vec(any::<u8>(), 0..300).prop_map(Tree::Octets);
        leaf.prop_recursive(4, 40, 6, |inner| {
            proptest::collection::vec(inner, 0..6).prop_map(Tree::Seq)
        })
    }

    fn der(t: &Tree) -> Vec<u8> {
        match t {
            Tree::Octets(v) => super::super::tlv::encode(0x04, v),
            Tree::Seq(c) => {
                super::super::tlv::encode(0x30, &c.iter().flat_map(der).collect::<Vec<_>>())
            }
        }
    }

    /// BER: `choice` bits pick indefinite lengths, chunked strings and
    /// non-minimal long lengths.
    fn ber(t: &Tree, choice: &mut impl Iterator<Item = u8>) -> Vec<u8> {
        let c = choice.next().unwrap_or(0);
        let with_len = |tag: u8, content: Vec<u8>, c: u8| -> Vec<u8> {
            if c & 1 != 0 {
                let mut out = vec![tag | 0x20, 0x80];
                out.extend(content);
                out.extend([0, 0]);
                out
            } else if c & 2 != 0 {
                let mut out = vec![tag, 0x84];
                out.extend((content.len() as u32).to_be_bytes());
                out.extend(content);
                out
            } else {
                super::super::tlv::encode(tag, &content)
            }
        };
        match t {
            Tree::Octets(v) if c & 1 != 0 && !v.is_empty() => {
                // Constructed OCTET STRING with chunks of `c` bytes.
                let size = usize::from(c >> 2).max(1);
                let chunks: Vec<u8> = v
                    .chunks(size)
                    .flat_map(|ch| ber(&Tree::Octets(ch.to_vec()), &mut std::iter::empty()))
                    .collect();
                with_len(0x04, chunks, c)
            }
            Tree::Octets(v) => with_len(0x04, v.clone(), c & !1),
            Tree::Seq(children) => {
                let content = children.iter().flat_map(|k| ber(k, choice)).collect();
                with_len(0x30, content, c)
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ber_normalises_to_der(t in tree(), choices in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let der_bytes = der(&t);
            let mut it = choices.into_iter();
            let ber_bytes = ber(&t, &mut it);
            proptest::prop_assert_eq!(norm(&ber_bytes).unwrap(), der_bytes.clone());
            // DER input comes back borrowed and unchanged.
            proptest::prop_assert!(matches!(normalise(&der_bytes), Ok(Cow::Borrowed(_))));
        }

        #[test]
        fn never_panics(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = normalise(&input);
        }
    }
}
