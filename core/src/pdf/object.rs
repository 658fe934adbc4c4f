//! PDF objects (ISO 32000-1 7.3): the values the reader hands on.

/// An indirect object's number and generation (ISO 32000-1 7.3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ObjRef {
    pub num: u32,
    pub generation: u16,
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} R", self.num, self.generation)
    }
}

/// A string with where its token lies in the file (absolute offsets of the
/// first and one past the last byte, delimiters included), so that a
/// signature's `/Contents` can be matched with its ByteRange gap.
#[derive(Debug, Clone)]
pub(crate) struct PdfString {
    pub bytes: Vec<u8>,
    pub hex: bool,
    pub span: (u64, u64),
}

/// Strings compare by value: the same text in hex or literal form is the
/// same string (ISO 32000-1 7.3.4.1).
impl PartialEq for PdfString {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

/// A dictionary, keys in file order (ISO 32000-1 7.3.7).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Dict(pub Vec<(Vec<u8>, Object)>);

impl Dict {
    /// The value of `key`; `None` when absent or null (7.3.7: a null value
    /// is the same as an absent entry).
    pub fn get(&self, key: &[u8]) -> Option<&Object> {
        self.0
            .iter()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Object::Null))
    }

    /// The name value of `key`.
    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    /// Entries with a non-null value, for comparisons.
    pub fn entries(&self) -> impl Iterator<Item = (&[u8], &Object)> {
        self.0
            .iter()
            .filter(|(_, v)| !matches!(v, Object::Null))
            .map(|(k, v)| (k.as_slice(), v))
    }
}

/// A stream: its dictionary and where its raw (encoded) data lies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stream {
    pub dict: Dict,
    /// Absolute offset of the first data byte.
    pub data_offset: u64,
    /// The data length (`/Length`, resolved).
    pub data_len: u64,
    /// The indirect object it is: its number and generation make the
    /// key of an encrypted stream (ISO 32000-1 7.6.2).
    pub owner: ObjRef,
}

/// A PDF value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Object {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Str(PdfString),
    Name(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(ObjRef),
    Stream(Stream),
}

impl Object {
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Object::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Option<ObjRef> {
        match self {
            Object::Ref(r) => Some(*r),
            _ => None,
        }
    }

    /// The kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Null => "null",
            Object::Bool(_) => "boolean",
            Object::Int(_) => "integer",
            Object::Real(_) => "real",
            Object::Str(_) => "string",
            Object::Name(_) => "name",
            Object::Array(_) => "array",
            Object::Dict(_) => "dictionary",
            Object::Ref(_) => "reference",
            Object::Stream(_) => "stream",
        }
    }
}

/// A name as text, for messages (`/Name`).
pub(crate) fn name_text(name: &[u8]) -> String {
    format!("/{}", String::from_utf8_lossy(name))
}
