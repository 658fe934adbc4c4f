//! The PDF token and object syntax (ISO 32000-1 7.2, 7.3) over a window of
//! the file. The window may end inside an object: the parser then answers
//! [`Syntax::Incomplete`] and the caller retries with a larger window (up
//! to its budget), so no object is read past what it needs.

use super::object::{Dict, ObjRef, Object, PdfString};

/// Why a parse stopped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Syntax {
    /// The window ended before the object did.
    Incomplete,
    /// The bytes break the syntax; the offset is absolute.
    Bad(u64, String),
    /// Arrays and dictionaries nest deeper than the budget.
    TooDeep(u64),
}

pub(crate) type SyntaxResult<T> = Result<T, Syntax>;

/// ISO 32000-1 7.2.2 table 1: white-space characters.
pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// ISO 32000-1 7.2.2 table 2: delimiters.
pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// A cursor over `data`, which starts at absolute offset `base` in the file.
/// `at_eof` says the window reaches the end of the file (running out is
/// then a syntax error, not a reason to read more).
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pub pos: usize,
    base: u64,
    at_eof: bool,
    max_depth: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8], base: u64, at_eof: bool, max_depth: usize) -> Self {
        Lexer {
            data,
            pos: 0,
            base,
            at_eof,
            max_depth,
        }
    }

    /// Absolute offset of the cursor.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn bad<T>(&self, what: impl Into<String>) -> SyntaxResult<T> {
        Err(Syntax::Bad(self.offset(), what.into()))
    }

    fn end<T>(&self, what: &str) -> SyntaxResult<T> {
        if self.at_eof {
            self.bad(format!("end of file inside {what}"))
        } else {
            Err(Syntax::Incomplete)
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Skips white space and comments (7.2.3).
    pub fn skip_white(&mut self) -> SyntaxResult<()> {
        loop {
            match self.peek() {
                Some(b) if is_white(b) => self.pos += 1,
                Some(b'%') => {
                    while let Some(b) = self.peek() {
                        if b == b'\r' || b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.peek().is_none() && !self.at_eof {
                        return Err(Syntax::Incomplete);
                    }
                }
                Some(_) => return Ok(()),
                None if self.at_eof => return Ok(()),
                None => return Err(Syntax::Incomplete),
            }
        }
    }

    /// The next run of regular characters (a keyword or number), without
    /// consuming it.
    fn peek_word(&self) -> SyntaxResult<&'a [u8]> {
        let start = self.pos;
        let mut end = start;
        while let Some(&b) = self.data.get(end) {
            if !is_regular(b) {
                return Ok(&self.data[start..end]);
            }
            end += 1;
        }
        if self.at_eof {
            Ok(&self.data[start..end])
        } else {
            Err(Syntax::Incomplete)
        }
    }

    /// Consumes the keyword `word` (after white space), or fails.
    pub fn keyword(&mut self, word: &[u8]) -> SyntaxResult<()> {
        self.skip_white()?;
        let w = self.peek_word()?;
        if w == word {
            self.pos += w.len();
            Ok(())
        } else if w.is_empty() && self.peek().is_none() {
            self.end(&String::from_utf8_lossy(word))
        } else {
            self.bad(format!(
                "expected '{}', found '{}'",
                String::from_utf8_lossy(word),
                String::from_utf8_lossy(&w[..w.len().min(20)])
            ))
        }
    }

    /// True (and consumed) when the next token is the keyword `word`.
    pub fn try_keyword(&mut self, word: &[u8]) -> SyntaxResult<bool> {
        self.skip_white()?;
        let w = self.peek_word()?;
        if w == word {
            self.pos += w.len();
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// A non-negative integer token (xref numbers, object headers).
    pub fn unsigned(&mut self, what: &str) -> SyntaxResult<u64> {
        self.skip_white()?;
        let w = self.peek_word()?;
        if w.is_empty() || w.len() > 19 || !w.iter().all(u8::is_ascii_digit) {
            if w.is_empty() && self.peek().is_none() {
                return self.end(what);
            }
            return self.bad(format!("{what}: expected an unsigned integer"));
        }
        self.pos += w.len();
        Ok(w.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')))
    }

    /// Reads one object (7.3), references `N G R` included.
    pub fn object(&mut self) -> SyntaxResult<Object> {
        self.object_at_depth(0)
    }

    fn object_at_depth(&mut self, depth: usize) -> SyntaxResult<Object> {
        if depth > self.max_depth {
            return Err(Syntax::TooDeep(self.offset()));
        }
        self.skip_white()?;
        let Some(b) = self.peek() else {
            return self.end("an object");
        };
        match b {
            b'/' => Ok(Object::Name(self.name()?)),
            b'(' => self.literal_string().map(Object::Str),
            b'<' => {
                if self.data.get(self.pos + 1).is_none() && !self.at_eof {
                    return Err(Syntax::Incomplete);
                }
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.dict(depth).map(Object::Dict)
                } else {
                    self.hex_string().map(Object::Str)
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white()?;
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        Some(_) => items.push(self.object_at_depth(depth + 1)?),
                        None => return self.end("an array"),
                    }
                }
            }
            b')' | b'>' | b']' | b'{' | b'}' => self.bad(format!("unexpected '{}'", b as char)),
            _ => self.word_object(),
        }
    }

    /// A number, `true`, `false`, `null`, or `N G R`.
    fn word_object(&mut self) -> SyntaxResult<Object> {
        let w = self.peek_word()?;
        match w {
            b"true" => {
                self.pos += 4;
                return Ok(Object::Bool(true));
            }
            b"false" => {
                self.pos += 5;
                return Ok(Object::Bool(false));
            }
            b"null" => {
                self.pos += 4;
                return Ok(Object::Null);
            }
            _ => {}
        }
        let number = parse_number(w).ok_or_else(|| {
            Syntax::Bad(
                self.offset(),
                format!(
                    "'{}' is not an object",
                    String::from_utf8_lossy(&w[..w.len().min(20)])
                ),
            )
        })?;
        self.pos += w.len();
        // `N G R`: two unsigned integers and the keyword R (7.3.10).
        if let Object::Int(num) = number
            && num >= 0
        {
            let save = self.pos;
            if let Some(r) = self.try_reference(num)? {
                return Ok(Object::Ref(r));
            }
            self.pos = save;
        }
        Ok(number)
    }

    fn try_reference(&mut self, num: i64) -> SyntaxResult<Option<ObjRef>> {
        self.skip_white()?;
        let w = self.peek_word()?;
        if w.is_empty() || !w.iter().all(u8::is_ascii_digit) || w.len() > 5 {
            return Ok(None);
        }
        let generation: u32 = w.iter().fold(0, |a, d| a * 10 + u32::from(d - b'0'));
        self.pos += w.len();
        self.skip_white()?;
        if self.peek_word()? != b"R" {
            return Ok(None);
        }
        self.pos += 1;
        match (u32::try_from(num), u16::try_from(generation)) {
            (Ok(num), Ok(generation)) => Ok(Some(ObjRef { num, generation })),
            _ => self.bad("object reference out of range"),
        }
    }

    /// `/Name` with `#xx` escapes (7.3.5).
    pub fn name(&mut self) -> SyntaxResult<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Some(b'#') => {
                    let (Some(h), Some(l)) = (
                        self.data.get(self.pos + 1).copied().and_then(hex_value),
                        self.data.get(self.pos + 2).copied().and_then(hex_value),
                    ) else {
                        if self.pos + 2 >= self.data.len() && !self.at_eof {
                            return Err(Syntax::Incomplete);
                        }
                        return self.bad("bad #xx escape in a name");
                    };
                    out.push(h << 4 | l);
                    self.pos += 3;
                }
                Some(b) if is_regular(b) => {
                    out.push(b);
                    self.pos += 1;
                }
                Some(_) => return Ok(out),
                None if self.at_eof => return Ok(out),
                None => return Err(Syntax::Incomplete),
            }
        }
    }

    /// `(...)` with balanced parentheses and escapes (7.3.4.2).
    fn literal_string(&mut self) -> SyntaxResult<PdfString> {
        let start = self.offset();
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            let Some(b) = self.peek() else {
                return self.end("a string");
            };
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' if depth == 0 => {
                    return Ok(PdfString {
                        bytes: out,
                        hex: false,
                        span: (start, self.offset()),
                    });
                }
                b')' => {
                    depth -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return self.end("a string");
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    Some(_) => break,
                                    None => return self.end("a string"),
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        // A backslash before an end of line continues the line.
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                // 7.3.4.2: an unescaped end of line is read as \n.
                b'\r' => {
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                other => out.push(other),
            }
        }
    }

    /// `<hex>` (7.3.4.3); white space is allowed, an odd final digit is
    /// followed by 0.
    fn hex_string(&mut self) -> SyntaxResult<PdfString> {
        let start = self.offset();
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                return self.end("a hexadecimal string");
            };
            self.pos += 1;
            if b == b'>' {
                if let Some(h) = high {
                    out.push(h << 4);
                }
                return Ok(PdfString {
                    bytes: out,
                    hex: true,
                    span: (start, self.offset()),
                });
            }
            if is_white(b) {
                continue;
            }
            let Some(v) = hex_value(b) else {
                return self.bad(format!("'{}' in a hexadecimal string", b as char));
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
    }

    /// `<< /Key value ... >>` (7.3.7).
    fn dict(&mut self, depth: usize) -> SyntaxResult<Dict> {
        self.pos += 2;
        let mut entries: Vec<(Vec<u8>, Object)> = Vec::new();
        loop {
            self.skip_white()?;
            match self.peek() {
                Some(b'>') => {
                    if self.data.get(self.pos + 1).is_none() && !self.at_eof {
                        return Err(Syntax::Incomplete);
                    }
                    if self.data.get(self.pos + 1) != Some(&b'>') {
                        return self.bad("'>' inside a dictionary");
                    }
                    self.pos += 2;
                    return Ok(Dict(entries));
                }
                Some(b'/') => {
                    let key_at = self.offset();
                    let key = self.name()?;
                    let value = self.object_at_depth(depth + 1)?;
                    // A key given twice is ambiguous: readers disagree on
                    // which value wins, which is how shadow attacks hide
                    // content. Refused.
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(Syntax::Bad(
                            key_at,
                            format!(
                                "key {} appears twice in a dictionary",
                                super::object::name_text(&key)
                            ),
                        ));
                    }
                    entries.push((key, value));
                }
                Some(_) => return self.bad("a dictionary key must be a name"),
                None => return self.end("a dictionary"),
            }
        }
    }

    /// After the `stream` keyword: the end of line that must follow it
    /// (7.3.8.1: CRLF or LF, not CR alone). Returns the data offset.
    pub fn stream_start(&mut self) -> SyntaxResult<u64> {
        match (self.peek(), self.data.get(self.pos + 1)) {
            (Some(b'\n'), _) => self.pos += 1,
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            (None, _) | (Some(b'\r'), None) if !self.at_eof => return Err(Syntax::Incomplete),
            _ => return self.bad("'stream' not followed by CRLF or LF (ISO 32000-1 7.3.8.1)"),
        }
        Ok(self.offset())
    }

    /// The rest of the window from the cursor.
    pub fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }
}

pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Integers and reals (7.3.3): optional sign, digits, at most one point.
fn parse_number(w: &[u8]) -> Option<Object> {
    let (sign, digits) = match w.first()? {
        b'+' => (1, &w[1..]),
        b'-' => (-1, &w[1..]),
        _ => (1, w),
    };
    if digits.is_empty() || digits.len() > 40 {
        return None;
    }
    let points = digits.iter().filter(|&&c| c == b'.').count();
    if points > 1 || !digits.iter().all(|c| c.is_ascii_digit() || *c == b'.') || digits == b"." {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    if points == 0 {
        text.parse::<i64>().ok().map(|v| Object::Int(sign * v))
    } else {
        text.parse::<f64>()
            .ok()
            .map(|v| Object::Real(sign as f64 * v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> SyntaxResult<Object> {
        Lexer::new(s.as_bytes(), 100, true, 8).object()
    }

    #[test]
    fn objects() {
        assert_eq!(parse(" 12 ").unwrap(), Object::Int(12));
        assert_eq!(parse("-3.5").unwrap(), Object::Real(-3.5));
        assert_eq!(parse("12 0 R").unwrap().as_ref().unwrap().num, 12);
        assert_eq!(parse("/A#20B").unwrap(), Object::Name(b"A B".to_vec()));
        let Object::Str(s) = parse("(a\\(b\\)\\101\\\n(c))").unwrap() else {
            panic!()
        };
        assert_eq!(s.bytes, b"a(b)A(c)");
        assert_eq!(s.span, (100, 117));
        let Object::Str(s) = parse("<41 4>").unwrap() else {
            panic!()
        };
        assert_eq!(s.bytes, b"A@");
        assert!(s.hex);
        let d = parse("<</A [1 2 0 R null] /B<</C true>>>>").unwrap();
        let d = d.as_dict().unwrap();
        assert!(matches!(d.get(b"A"), Some(Object::Array(a)) if a.len() == 3));
        assert_eq!(
            parse("<</A 1 /A 2>>").unwrap_err(),
            Syntax::Bad(107, "key /A appears twice in a dictionary".into())
        );
    }

    #[test]
    fn incomplete_windows_and_limits() {
        let mut l = Lexer::new(b"<</A [1 2", 0, false, 8);
        assert_eq!(l.object(), Err(Syntax::Incomplete));
        let mut l = Lexer::new(b"<</A [1 2", 0, true, 8);
        assert!(matches!(l.object(), Err(Syntax::Bad(..))));
        let deep = "[".repeat(20) + &"]".repeat(20);
        assert!(matches!(parse(&deep), Err(Syntax::TooDeep(_))));
        assert!(matches!(parse("<zz>"), Err(Syntax::Bad(..))));
        assert!(matches!(parse("1.2.3"), Err(Syntax::Bad(..))));
        assert!(matches!(parse(")"), Err(Syntax::Bad(..))));
    }
}
