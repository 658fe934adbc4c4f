//! A small reader of DER-shaped TLVs (after [`super::ber::normalise`]),
//! borrowing from the input. CMS structures are walked with it so that every
//! part keeps its exact bytes (signed attributes are verified over the bytes
//! the signer encoded) and real-world deviations the strict `der` types
//! reject (unsorted SET OF, attribute certificates in the certificate set,
//! odd serials) can be read and reported instead of failing the message.

use std::fmt;

use der::asn1::ObjectIdentifier;

/// Universal and context tags used by CMS (identifier octets, X.690 8.1.2).
pub(crate) mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    /// `[0]` constructed.
    pub const CTX0: u8 = 0xa0;
    /// `[1]` constructed.
    pub const CTX1: u8 = 0xa1;
    /// `[0]` primitive.
    pub const CTX0_PRIMITIVE: u8 = 0x80;
}

/// One element: its first identifier octet, its contents and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The first identifier octet (high tag numbers keep 0x1f in the low bits).
    pub tag: u8,
    /// The contents octets.
    pub value: &'a [u8],
    /// Identifier, length and contents.
    pub raw: &'a [u8],
}

/// The outcome of reading: a value or a [`TlvError`].
pub(crate) type TlvResult<T> = Result<T, TlvError>;

/// Why DER-shaped input could not be read: the structures being read (as
/// the callers name them, outermost first) and the rule the bytes break.
/// Its text is the detail of [`crate::Error::Der`] or of a malformed-input
/// finding, whose code the structure's reader chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlvError {
    context: Vec<String>,
    problem: TlvProblem,
}

/// The rule broken (X.690 8.1 for the encoding itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TlvProblem {
    /// No element where one is expected.
    Truncated,
    /// The input ends inside a high tag number.
    TruncatedTag,
    /// A high tag number of more than five octets.
    TagTooLong,
    /// The input ends inside the length octets.
    TruncatedLength,
    /// The indefinite form (BER only; input is normalised to DER first).
    IndefiniteLength,
    /// A long-form length of more than eight octets.
    LengthFieldTooLong,
    /// A length that does not fit in memory addresses.
    LengthTooLarge,
    /// Contents longer than the input.
    PastEnd,
    /// Bytes after the one element expected.
    TrailingBytes,
    /// Elements left over at the end of a constructed element.
    TrailingElements(usize),
    /// An element of another type than the structure asks.
    UnexpectedTag { expected: u8, found: u8 },
    /// Not an OBJECT IDENTIFIER.
    NotOid,
    /// An OBJECT IDENTIFIER whose contents do not decode.
    BadOid(der::oid::Error),
    /// Not an INTEGER of 1 to 8 octets.
    NotSmallInteger,
    /// A negative INTEGER where the structure asks for a non-negative one.
    Negative,
    /// A rule of the structure being read (RFC 5652, RFC 3161,
    /// Authenticode), with its values.
    Structure(String),
}

impl TlvError {
    fn new(problem: TlvProblem) -> Self {
        TlvError {
            context: Vec::new(),
            problem,
        }
    }

    /// A rule of the structure being read, with its values.
    pub(crate) fn rule(detail: impl Into<String>) -> Self {
        TlvError::new(TlvProblem::Structure(detail.into()))
    }

    /// The error, inside the structure `what`.
    pub(crate) fn context(mut self, what: &str) -> Self {
        self.context.insert(0, what.to_string());
        self
    }

    /// The rule broken.
    #[cfg(test)]
    pub(crate) fn problem(&self) -> &TlvProblem {
        &self.problem
    }
}

impl From<TlvProblem> for TlvError {
    fn from(problem: TlvProblem) -> Self {
        TlvError::new(problem)
    }
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for what in &self.context {
            write!(f, "{what}: ")?;
        }
        match &self.problem {
            TlvProblem::Truncated => f.write_str("truncated: element expected"),
            TlvProblem::TruncatedTag => f.write_str("truncated tag"),
            TlvProblem::TagTooLong => f.write_str("tag number too long"),
            TlvProblem::TruncatedLength => f.write_str("truncated length"),
            TlvProblem::IndefiniteLength => f.write_str("indefinite length"),
            TlvProblem::LengthFieldTooLong => f.write_str("length field too long"),
            TlvProblem::LengthTooLarge => f.write_str("length too large"),
            TlvProblem::PastEnd => f.write_str("length runs past the end"),
            TlvProblem::TrailingBytes => f.write_str("trailing bytes"),
            TlvProblem::TrailingElements(n) => write!(f, "{n} unexpected trailing bytes"),
            TlvProblem::UnexpectedTag { expected, found } => {
                write!(f, "expected tag 0x{expected:02x}, found 0x{found:02x}")
            }
            TlvProblem::NotOid => f.write_str("not an OBJECT IDENTIFIER"),
            TlvProblem::BadOid(e) => write!(f, "{e}"),
            TlvProblem::NotSmallInteger => f.write_str("not a small INTEGER"),
            TlvProblem::Negative => f.write_str("negative"),
            TlvProblem::Structure(detail) => f.write_str(detail),
        }
    }
}

impl<'a> Tlv<'a> {
    /// The elements inside a constructed element.
    pub fn reader(&self) -> Reader<'a> {
        Reader::new(self.value)
    }

    /// Fails unless the tag is `expected`.
    pub fn expect(self, expected: u8, what: &str) -> TlvResult<Self> {
        if self.tag == expected {
            Ok(self)
        } else {
            Err(TlvError::from(TlvProblem::UnexpectedTag {
                expected,
                found: self.tag,
            })
            .context(what))
        }
    }

    /// The value as an OBJECT IDENTIFIER.
    pub fn oid(&self, what: &str) -> TlvResult<ObjectIdentifier> {
        if self.tag != tag::OID {
            return Err(TlvError::from(TlvProblem::NotOid).context(what));
        }
        ObjectIdentifier::from_bytes(self.value)
            .map_err(|e| TlvError::from(TlvProblem::BadOid(e)).context(what))
    }

    /// A small non-negative INTEGER.
    pub fn small_uint(&self, what: &str) -> TlvResult<u64> {
        if self.tag != tag::INTEGER || self.value.is_empty() || self.value.len() > 8 {
            return Err(TlvError::from(TlvProblem::NotSmallInteger).context(what));
        }
        if self.value[0] & 0x80 != 0 {
            return Err(TlvError::from(TlvProblem::Negative).context(what));
        }
        Ok(self
            .value
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }
}

/// Sequential reader over the contents of a constructed element.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// The next element.
    pub fn next(&mut self, what: &str) -> TlvResult<Tlv<'a>> {
        let (tlv, rest) = split(self.data).map_err(|e| e.context(what))?;
        self.data = rest;
        Ok(tlv)
    }

    /// The next element when it has tag `t`.
    pub fn optional(&mut self, t: u8, what: &str) -> TlvResult<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(t) {
            self.next(what).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The next element, which must have tag `t`.
    pub fn expect(&mut self, t: u8, what: &str) -> TlvResult<Tlv<'a>> {
        self.next(what)?.expect(t, what)
    }

    /// Fails when elements remain.
    pub fn finish(&self, what: &str) -> TlvResult<()> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(TlvError::from(TlvProblem::TrailingElements(self.data.len())).context(what))
        }
    }

    /// Every remaining element.
    pub fn all(mut self, what: &str) -> TlvResult<Vec<Tlv<'a>>> {
        let mut out = Vec::new();
        while !self.is_empty() {
            out.push(self.next(what)?);
        }
        Ok(out)
    }
}

/// Splits the first definite-length element off `data`.
pub(crate) fn split(data: &[u8]) -> TlvResult<(Tlv<'_>, &[u8])> {
    let first = *data.first().ok_or(TlvProblem::Truncated)?;
    let mut pos = 1;
    if first & 0x1f == 0x1f {
        loop {
            let b = *data.get(pos).ok_or(TlvProblem::TruncatedTag)?;
            pos += 1;
            if pos > 6 {
                return Err(TlvProblem::TagTooLong.into());
            }
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let lb = *data.get(pos).ok_or(TlvProblem::TruncatedLength)?;
    pos += 1;
    let len = if lb < 0x80 {
        usize::from(lb)
    } else if lb == 0x80 {
        return Err(TlvProblem::IndefiniteLength.into());
    } else {
        let n = usize::from(lb & 0x7f);
        if n > 8 {
            return Err(TlvProblem::LengthFieldTooLong.into());
        }
        let bytes = data.get(pos..pos + n).ok_or(TlvProblem::TruncatedLength)?;
        pos += n;
        let v = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        usize::try_from(v).map_err(|_| TlvProblem::LengthTooLarge)?
    };
    let end = pos
        .checked_add(len)
        .filter(|&end| end <= data.len())
        .ok_or(TlvProblem::PastEnd)?;
    Ok((
        Tlv {
            tag: first,
            value: &data[pos..end],
            raw: &data[..end],
        },
        &data[end..],
    ))
}

/// Parses exactly one element spanning `data`.
pub(crate) fn single<'a>(data: &'a [u8], what: &str) -> TlvResult<Tlv<'a>> {
    let (tlv, rest) = split(data).map_err(|e| e.context(what))?;
    if !rest.is_empty() {
        return Err(TlvError::from(TlvProblem::TrailingBytes).context(what));
    }
    Ok(tlv)
}

/// Encodes a TLV with a definite, minimal length.
pub(crate) fn encode(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_encodes() {
        let data = encode(tag::SEQUENCE, &[0x02, 0x01, 0x05, 0x05, 0x00]);
        let seq = single(&data, "x").unwrap();
        let mut r = seq.reader();
        assert_eq!(r.expect(tag::INTEGER, "i").unwrap().small_uint("i"), Ok(5));
        assert!(r.optional(tag::OID, "o").unwrap().is_none());
        assert_eq!(r.next("n").unwrap().tag, tag::NULL);
        r.finish("seq").unwrap();
        let long = encode(tag::OCTET_STRING, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(single(&long, "l").unwrap().value.len(), 300);
        let err = single(&[0x30, 0x80, 0, 0], "x").unwrap_err();
        assert_eq!(err.problem(), &TlvProblem::IndefiniteLength);
        assert_eq!(err.to_string(), "x: indefinite length");
        assert!(single(&[0x30, 0x03, 0x05, 0x00], "x").is_err());
        assert!(single(&[0x05, 0x00, 0x00], "x").is_err());
    }
}
