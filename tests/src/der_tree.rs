//! A DER tree for tests that edit real messages: add an unsigned attribute
//! to a SignerInfo OpenSSL made, flip a byte inside a given element. Only
//! definite lengths (what `openssl cms -outform DER` writes without -stream).

/// One element.
#[derive(Debug, Clone)]
pub struct Node {
    /// The identifier octet.
    pub tag: u8,
    /// Contents of a primitive element.
    pub value: Vec<u8>,
    /// Children of a constructed element.
    pub children: Vec<Node>,
}

impl Node {
    /// Parses one element (panics on malformed input: test data only).
    pub fn parse(data: &[u8]) -> Node {
        let (node, rest) = parse_one(data);
        assert!(rest.is_empty(), "trailing bytes");
        node
    }

    /// A primitive element.
    pub fn primitive(tag: u8, value: &[u8]) -> Node {
        Node {
            tag,
            value: value.to_vec(),
            children: Vec::new(),
        }
    }

    /// A constructed element.
    pub fn constructed(tag: u8, children: Vec<Node>) -> Node {
        Node {
            tag,
            value: Vec::new(),
            children,
        }
    }

    /// The DER encoding.
    pub fn encode(&self) -> Vec<u8> {
        let content = if self.tag & 0x20 != 0 {
            self.children.iter().flat_map(Node::encode).collect()
        } else {
            self.value.clone()
        };
        let mut out = vec![self.tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
        out.extend(content);
        out
    }

    /// A BER encoding as streaming encoders write it: constructed elements
    /// less than `levels` deep get indefinite lengths (X.690 8.1.3.6, ended
    /// by two zero octets); deeper ones stay DER (a certificate inside a
    /// bundle keeps its signed bytes).
    pub fn encode_indefinite(&self, levels: usize) -> Vec<u8> {
        if levels == 0 || self.tag & 0x20 == 0 {
            return self.encode();
        }
        let mut out = vec![self.tag, 0x80];
        for child in &self.children {
            out.extend(child.encode_indefinite(levels - 1));
        }
        out.extend([0, 0]);
        out
    }

    /// The SignerInfo at `index` of a ContentInfo { SignedData }.
    pub fn signer_info_mut(&mut self, index: usize) -> &mut Node {
        let signed_data = &mut self.children[1].children[0];
        let infos = signed_data.children.last_mut().unwrap();
        &mut infos.children[index]
    }
}

fn parse_one(data: &[u8]) -> (Node, &[u8]) {
    let tag = data[0];
    let (len, hdr) = if data[1] < 0x80 {
        (data[1] as usize, 2)
    } else {
        let n = (data[1] & 0x7f) as usize;
        assert!(n > 0, "indefinite length");
        let len = data[2..2 + n]
            .iter()
            .fold(0usize, |a, b| (a << 8) | *b as usize);
        (len, 2 + n)
    };
    let content = &data[hdr..hdr + len];
    let rest = &data[hdr + len..];
    if tag & 0x20 != 0 {
        let mut children = Vec::new();
        let mut c = content;
        while !c.is_empty() {
            let (child, r) = parse_one(c);
            children.push(child);
            c = r;
        }
        (Node::constructed(tag, children), rest)
    } else {
        (Node::primitive(tag, content), rest)
    }
}

/// Encodes a dotted OID as a DER OBJECT IDENTIFIER element.
pub fn oid(dotted: &str) -> Node {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut stack = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            stack.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        out.extend(stack.iter().rev());
    }
    Node::primitive(0x06, &out)
}

/// Adds the unsigned attribute `attr_oid` with one value (`value_der`) to
/// SignerInfo `index` of a DER ContentInfo, creating `[1] unsignedAttrs`.
pub fn add_unsigned_attribute(
    cms: &[u8],
    index: usize,
    attr_oid: &str,
    value_der: &[u8],
) -> Vec<u8> {
    let mut root = Node::parse(cms);
    let si = root.signer_info_mut(index);
    let attr = Node::constructed(
        0x30,
        vec![
            oid(attr_oid),
            Node::constructed(0x31, vec![Node::parse(value_der)]),
        ],
    );
    match si.children.last_mut() {
        Some(last) if last.tag == 0xa1 => last.children.push(attr),
        _ => si.children.push(Node::constructed(0xa1, vec![attr])),
    }
    root.encode()
}
