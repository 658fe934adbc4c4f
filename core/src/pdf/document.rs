//! The document as each revision sees it: objects resolved through that
//! revision's cross-reference sections and the older ones, object streams
//! included, each object parsed once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::crypt::Decryptor;
use super::filter::{DecodeBudget, decode};
use super::findings::{PdfError, PdfResult};
use super::lexer::{Lexer, Syntax};
use super::limits::PdfLimits;
use super::object::{Dict, ObjRef, Object, Stream};
use super::source::Source;
use super::xref::{Revision, XrefEntry, read_revisions, syntax, with_window};

/// Where an object's definition lies: the identity of what a revision sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Definition {
    /// At this byte offset.
    At(u64),
    /// In the object stream defined at this offset, at this index.
    InStream(u64, u32),
}

/// An object parsed at its definition, with its byte span when it has one.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub object: Object,
    /// `[offset of "N G obj", end of "endobj")` for an uncompressed object.
    pub span: Option<(u64, u64)>,
}

/// A read PDF: its revisions and a cache of parsed objects.
pub(crate) struct Document<'r> {
    pub source: Source<'r>,
    pub limits: PdfLimits,
    pub revisions: Vec<Revision>,
    budget: DecodeBudget,
    cache: RefCell<HashMap<Definition, Rc<Parsed>>>,
    streams: RefCell<HashMap<u64, Rc<ObjectStream>>>,
    /// The key of an encrypted file, once opened (`crypt::unlock`).
    crypt: Option<Decryptor>,
}

/// A decoded object stream (7.5.7): its objects' numbers and offsets.
struct ObjectStream {
    data: Vec<u8>,
    first: usize,
    offsets: Vec<(u32, usize)>,
}

impl<'r> Document<'r> {
    /// Reads the revisions of the file (the objects are read on demand).
    pub fn open(source: Source<'r>, limits: PdfLimits) -> PdfResult<Self> {
        if source.len > limits.max_file_size {
            return Err(PdfError::limit(format!(
                "the file is {} bytes, over the limit of {}",
                source.len, limits.max_file_size
            )));
        }
        let budget = DecodeBudget::new(&limits);
        let revisions = read_revisions(&source, &limits, &budget)?;
        Ok(Document {
            source,
            limits,
            revisions,
            budget,
            cache: RefCell::new(HashMap::new()),
            streams: RefCell::new(HashMap::new()),
            crypt: None,
        })
    }

    /// From now on, decrypt strings and streams with `d`; what was read
    /// before (the encryption dictionary) is read again.
    pub fn set_decryptor(&mut self, d: Decryptor) {
        self.crypt = Some(d);
        self.cache.borrow_mut().clear();
        self.streams.borrow_mut().clear();
    }

    /// The last revision's index.
    pub fn last(&self) -> usize {
        self.revisions.len() - 1
    }

    /// The entry of object `num` as revision `rev` sees it, with the
    /// revision that wrote it.
    pub fn entry(&self, num: u32, rev: usize) -> Option<(usize, XrefEntry)> {
        (0..=rev)
            .rev()
            .find_map(|r| self.revisions[r].entries.get(&num).map(|e| (r, *e)))
    }

    /// Object `r` as revision `rev` sees it; `None` when free or absent
    /// (7.3.10: a reference to a missing object is the null object).
    pub fn get(&self, r: ObjRef, rev: usize) -> PdfResult<Option<Rc<Parsed>>> {
        let Some((_, entry)) = self.entry(r.num, rev) else {
            return Ok(None);
        };
        match entry {
            XrefEntry::Free => Ok(None),
            XrefEntry::InUse { offset, generation } => {
                if generation != r.generation {
                    return Ok(None);
                }
                self.at_offset(r, offset, rev).map(Some)
            }
            XrefEntry::Compressed { stream, index } => {
                // 7.5.7: compressed objects have generation 0.
                if r.generation != 0 {
                    return Ok(None);
                }
                self.in_stream(r, stream, index, rev).map(Some)
            }
        }
    }

    /// The object `o`, following a reference at revision `rev`.
    pub fn resolve(&self, o: &Object, rev: usize) -> PdfResult<Option<Object>> {
        match o {
            Object::Ref(r) => Ok(self.get(*r, rev)?.map(|p| p.object.clone())),
            Object::Null => Ok(None),
            other => Ok(Some(other.clone())),
        }
    }

    /// The dictionary `o` is or refers to.
    pub fn dict(&self, o: &Object, rev: usize) -> PdfResult<Option<Dict>> {
        Ok(self.resolve(o, rev)?.and_then(|o| match o {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(s.dict),
            _ => None,
        }))
    }

    fn at_offset(&self, r: ObjRef, offset: u64, rev: usize) -> PdfResult<Rc<Parsed>> {
        let def = Definition::At(offset);
        if let Some(p) = self.cache.borrow().get(&def) {
            return Ok(p.clone());
        }
        let what = format!("object {r} at byte {offset}");
        let (object, stream_at, end) =
            with_window(&self.source, offset, &self.limits, &what, |l| {
                let num = l.unsigned("object number")?;
                let generation = l.unsigned("generation")?;
                if num != u64::from(r.num) || generation != u64::from(r.generation) {
                    return Err(Syntax::Bad(
                        offset,
                        format!("the cross-reference table points to {num} {generation} obj"),
                    ));
                }
                l.keyword(b"obj")?;
                let object = l.object()?;
                if matches!(object, Object::Dict(_)) && l.try_keyword(b"stream")? {
                    let data = l.stream_start()?;
                    return Ok((object, Some(data), 0));
                }
                l.keyword(b"endobj")?;
                Ok((object, None, l.offset()))
            })?;
        let (object, end) = match (object, stream_at) {
            (Object::Dict(dict), Some(data_offset)) => {
                let len = match dict.get(b"Length") {
                    Some(Object::Int(n)) => Some(*n),
                    // 7.3.8.2: /Length may be indirect, resolved in the same revision.
                    Some(Object::Ref(lr)) if *lr != r => {
                        self.get(*lr, rev)?.and_then(|p| p.object.as_int())
                    }
                    _ => None,
                }
                .and_then(|n| u64::try_from(n).ok())
                .filter(|&n| data_offset + n <= self.source.len)
                .ok_or_else(|| {
                    PdfError::malformed(format!("{what}: stream /Length missing or past the file"))
                })?;
                let end = with_window(&self.source, data_offset + len, &self.limits, &what, |l| {
                    l.keyword(b"endstream")?;
                    l.keyword(b"endobj")?;
                    Ok(l.offset())
                })
                .map_err(|e| {
                    PdfError::malformed(format!(
                        "{what}: no endstream after /Length {len} bytes ({})",
                        e.detail
                    ))
                })?;
                (
                    Object::Stream(Stream {
                        dict,
                        data_offset,
                        data_len: len,
                        owner: r,
                    }),
                    end,
                )
            }
            (o, _) => (o, end),
        };
        let mut object = object;
        if let Some(c) = &self.crypt {
            c.decrypt_object(r, &mut object)?;
        }
        let parsed = Rc::new(Parsed {
            object,
            span: Some((offset, end)),
        });
        self.cache.borrow_mut().insert(def, parsed.clone());
        Ok(parsed)
    }

    fn in_stream(&self, r: ObjRef, stream: u32, index: u32, rev: usize) -> PdfResult<Rc<Parsed>> {
        let what = format!("object {r} (in object stream {stream})");
        let Some((
            _,
            XrefEntry::InUse {
                offset,
                generation: 0,
            },
        )) = self.entry(stream, rev)
        else {
            return Err(PdfError::malformed(format!(
                "{what}: the object stream is not an uncompressed object of generation 0 (ISO 32000-1 7.5.7)"
            )));
        };
        let def = Definition::InStream(offset, index);
        if let Some(p) = self.cache.borrow().get(&def) {
            return Ok(p.clone());
        }
        let os = self.object_stream(stream, offset, rev)?;
        let (num, at) = *os.offsets.get(index as usize).ok_or_else(|| {
            PdfError::malformed(format!("{what}: index {index} past the stream's /N"))
        })?;
        if num != r.num {
            return Err(PdfError::malformed(format!(
                "{what}: entry {index} of the object stream is object {num}"
            )));
        }
        let start = os.first + at;
        let data = os
            .data
            .get(start..)
            .ok_or_else(|| PdfError::malformed(format!("{what}: offset past the stream's data")))?;
        let mut l = Lexer::new(data, 0, true, self.limits.max_depth);
        let object = l.object().map_err(|e| syntax(e, &what))?;
        if matches!(object, Object::Stream(_) | Object::Ref(_)) {
            return Err(PdfError::malformed(format!(
                "{what}: a {} in an object stream",
                object.kind()
            )));
        }
        let parsed = Rc::new(Parsed { object, span: None });
        self.cache.borrow_mut().insert(def, parsed.clone());
        Ok(parsed)
    }

    fn object_stream(&self, num: u32, offset: u64, rev: usize) -> PdfResult<Rc<ObjectStream>> {
        if let Some(s) = self.streams.borrow().get(&offset) {
            return Ok(s.clone());
        }
        let what = format!("object stream {num}");
        let parsed = self.at_offset(ObjRef { num, generation: 0 }, offset, rev)?;
        let Object::Stream(s) = &parsed.object else {
            return Err(PdfError::malformed(format!("{what} is not a stream")));
        };
        if s.dict.name(b"Type") != Some(b"ObjStm") {
            return Err(PdfError::malformed(format!(
                "{what} is not of /Type /ObjStm"
            )));
        }
        let data = self.stream_data(s)?;
        let n = s.dict.get(b"N").and_then(Object::as_int).unwrap_or(-1);
        let first = s.dict.get(b"First").and_then(Object::as_int).unwrap_or(-1);
        let (Ok(n), Ok(first)) = (usize::try_from(n), usize::try_from(first)) else {
            return Err(PdfError::malformed(format!("{what}: /N or /First missing")));
        };
        if first > data.len() || n > data.len() / 2 {
            return Err(PdfError::malformed(format!(
                "{what}: /N {n} /First {first} do not fit its data"
            )));
        }
        let mut l = Lexer::new(&data[..first], 0, true, 1);
        let mut offsets = Vec::with_capacity(n);
        for _ in 0..n {
            let obj = l.unsigned("object number").map_err(|e| syntax(e, &what))?;
            let at = l.unsigned("offset").map_err(|e| syntax(e, &what))?;
            offsets.push((
                u32::try_from(obj)
                    .map_err(|_| PdfError::malformed(format!("{what}: object number")))?,
                usize::try_from(at).map_err(|_| PdfError::malformed(format!("{what}: offset")))?,
            ));
        }
        let os = Rc::new(ObjectStream {
            data,
            first,
            offsets,
        });
        self.streams.borrow_mut().insert(offset, os.clone());
        Ok(os)
    }

    /// The raw (encoded) data of a stream.
    pub fn raw_data(&self, s: &Stream) -> PdfResult<Vec<u8>> {
        if s.data_len > self.limits.max_decoded_size as u64 {
            return Err(PdfError::limit(format!(
                "a stream of {} bytes is over the {} byte budget",
                s.data_len, self.limits.max_decoded_size
            )));
        }
        self.source.read_at(s.data_offset, s.data_len as usize)
    }

    /// The decoded data of a stream (decrypted first in an encrypted file).
    pub fn stream_data(&self, s: &Stream) -> PdfResult<Vec<u8>> {
        let mut raw = self.raw_data(s)?;
        if let Some(c) = &self.crypt {
            raw = c.decrypt_stream(s.owner, &s.dict, raw)?;
        }
        decode(&s.dict, &raw, &self.limits, &self.budget)
    }

    /// The trailer of revision `rev`.
    pub fn trailer(&self, rev: usize) -> &Dict {
        &self.revisions[rev].trailer
    }

    /// The catalog (/Root) of revision `rev`.
    pub fn catalog(&self, rev: usize) -> PdfResult<Dict> {
        let root = self
            .trailer(rev)
            .get(b"Root")
            .ok_or_else(|| {
                PdfError::malformed(format!("revision {rev}: the trailer has no /Root"))
            })?
            .clone();
        self.dict(&root, rev)?.ok_or_else(|| {
            PdfError::malformed(format!("revision {rev}: /Root is not a dictionary"))
        })
    }
}
