//! Budgets of the PDF reader: every number that bounds the work a hostile
//! file can cause, with where it comes from.

/// Limits on what one PDF may make the reader do; reaching one is a
/// [`LimitExceeded`](super::PdfCode::LimitExceeded) error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PdfLimits {
    /// Largest file, in bytes. 4 GiB: signed PDFs of scanned archives reach
    /// hundreds of MiB; the file is never held whole, so the limit only
    /// bounds the hashing time (about 4 s at 1 GB/s).
    pub max_file_size: u64,
    /// Most revisions (xref sections followed through /Prev). A document
    /// signed and timestamped many times has a few dozen; 1,000 is far above.
    pub max_revisions: usize,
    /// Most object entries in all cross-reference sections together
    /// (ISO 32000-1 C.2 gives 8,388,607 as the practical maximum object number).
    pub max_objects: usize,
    /// Largest single object read as syntax (a dictionary or array, not a
    /// stream's data), in bytes. Real dictionaries are under 64 KiB; 32 MiB
    /// leaves room for huge /Kids arrays.
    pub max_object_size: usize,
    /// Deepest nesting of arrays and dictionaries (ISO 32000-1 C.2: 28 for
    /// q/Q; Acrobat handles about 100 levels of objects).
    pub max_depth: usize,
    /// Largest decoded stream (xref streams, object streams, DSS data), in
    /// bytes: 64 MiB (an object stream holds at most a few MiB of objects).
    pub max_decoded_size: usize,
    /// Most bytes decoded per encoded byte, above 1 MiB of output. Deflate
    /// reaches 1032:1 only on runs of one byte; real object streams
    /// compress 3-20:1, so 200:1 stops bombs and admits real data.
    pub max_inflate_ratio: u64,
    /// Most bytes decoded in one document, all streams together: 512 MiB.
    pub max_decoded_total: u64,
    /// Most form fields visited (a long form has a few thousand).
    pub max_fields: usize,
    /// Most objects compared per revision by the modification analysis.
    pub max_compared_objects: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_file_size: 4 << 30,
            max_revisions: 1000,
            max_objects: 8_388_607,
            max_object_size: 32 << 20,
            max_depth: 100,
            max_decoded_size: 64 << 20,
            max_inflate_ratio: 200,
            max_decoded_total: 512 << 20,
            max_fields: 10_000,
            max_compared_objects: 1_000_000,
        }
    }
}
