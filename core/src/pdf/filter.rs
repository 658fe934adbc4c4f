//! Stream filters the reader decodes (ISO 32000-1 7.4): FlateDecode with
//! the PNG and TIFF predictors of 7.4.4.4. Enough for cross-reference
//! streams, object streams and the DSS; content streams are compared
//! encoded and never decoded.

use std::cell::Cell;

use super::findings::{PdfError, PdfResult};
use super::limits::PdfLimits;
use super::object::{Dict, Object, name_text};

/// Decoded bytes left for the whole document (`max_decoded_total`).
pub(crate) struct DecodeBudget {
    left: Cell<u64>,
}

impl DecodeBudget {
    pub fn new(limits: &PdfLimits) -> Self {
        DecodeBudget {
            left: Cell::new(limits.max_decoded_total),
        }
    }
}

/// The filters of a stream, as names (`/Filter` is a name or an array).
fn filters(dict: &Dict) -> PdfResult<Vec<Vec<u8>>> {
    match dict.get(b"Filter") {
        None => Ok(Vec::new()),
        Some(Object::Name(n)) => Ok(vec![n.clone()]),
        Some(Object::Array(a)) => a
            .iter()
            .map(|o| match o {
                Object::Name(n) => Ok(n.clone()),
                other => Err(PdfError::malformed(format!(
                    "/Filter array holds a {}",
                    other.kind()
                ))),
            })
            .collect(),
        Some(other) => Err(PdfError::malformed(format!(
            "/Filter is a {}",
            other.kind()
        ))),
    }
}

fn parms(dict: &Dict, index: usize) -> Option<&Dict> {
    match dict.get(b"DecodeParms") {
        Some(Object::Dict(d)) if index == 0 => Some(d),
        Some(Object::Array(a)) => a.get(index).and_then(Object::as_dict),
        _ => None,
    }
}

/// Decodes `raw`, the data of a stream with dictionary `dict`.
pub(crate) fn decode(
    dict: &Dict,
    raw: &[u8],
    limits: &PdfLimits,
    budget: &DecodeBudget,
) -> PdfResult<Vec<u8>> {
    let mut data = raw.to_vec();
    for (i, f) in filters(dict)?.iter().enumerate() {
        match f.as_slice() {
            b"FlateDecode" | b"Fl" => {
                data = inflate(&data, limits, budget)?;
                if let Some(p) = parms(dict, i) {
                    data = predict(p, data)?;
                }
            }
            other => {
                return Err(PdfError::malformed(format!(
                    "stream filter {} is not supported here (FlateDecode only)",
                    name_text(other)
                )));
            }
        }
    }
    Ok(data)
}

/// zlib inflate (RFC 1950) under the size, ratio and total budgets.
fn inflate(input: &[u8], limits: &PdfLimits, budget: &DecodeBudget) -> PdfResult<Vec<u8>> {
    let by_ratio = (input.len() as u64)
        .saturating_mul(limits.max_inflate_ratio)
        .max(1 << 20);
    let limit = by_ratio
        .min(limits.max_decoded_size as u64)
        .min(budget.left.get()) as usize;
    let out = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(input, limit).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => PdfError::limit(format!(
                "a FlateDecode stream of {} bytes inflates past {limit} bytes (size {} / ratio {}:1 / document total budget)",
                input.len(),
                limits.max_decoded_size,
                limits.max_inflate_ratio
            )),
            status => PdfError::malformed(format!("FlateDecode data is not zlib: {status:?}")),
        },
    )?;
    budget
        .left
        .set(budget.left.get().saturating_sub(out.len() as u64));
    Ok(out)
}

/// ISO 32000-1 7.4.4.4 table 8: /Predictor 1 (none), 2 (TIFF), 10-15 (PNG,
/// the filter type given per row).
fn predict(parms: &Dict, data: Vec<u8>) -> PdfResult<Vec<u8>> {
    let int = |key: &[u8], default: i64| parms.get(key).and_then(Object::as_int).unwrap_or(default);
    let predictor = int(b"Predictor", 1);
    if predictor == 1 {
        return Ok(data);
    }
    let colors = int(b"Colors", 1);
    let bpc = int(b"BitsPerComponent", 8);
    let columns = int(b"Columns", 1);
    if !(1..=32).contains(&colors)
        || ![1, 2, 4, 8, 16].contains(&bpc)
        || !(1..=1 << 20).contains(&columns)
    {
        return Err(PdfError::malformed(format!(
            "predictor parameters /Colors {colors} /BitsPerComponent {bpc} /Columns {columns}"
        )));
    }
    let bpp = ((colors * bpc + 7) / 8) as usize;
    let row = ((colors * bpc * columns + 7) / 8) as usize;
    match predictor {
        2 => {
            if bpc != 8 {
                return Err(PdfError::malformed(
                    "TIFF predictor with other than 8 bits per component",
                ));
            }
            let mut out = data;
            for line in out.chunks_mut(row) {
                for i in bpp..line.len() {
                    line[i] = line[i].wrapping_add(line[i - bpp]);
                }
            }
            Ok(out)
        }
        10..=15 => png(&data, row, bpp),
        other => Err(PdfError::malformed(format!("/Predictor {other}"))),
    }
}

/// PNG row filters (RFC 2083 6): each row starts with its filter type.
fn png(data: &[u8], row: usize, bpp: usize) -> PdfResult<Vec<u8>> {
    if !data.len().is_multiple_of(row + 1) {
        return Err(PdfError::malformed(format!(
            "PNG-predicted data of {} bytes is not whole rows of {} + 1",
            data.len(),
            row
        )));
    }
    let mut out: Vec<u8> = Vec::with_capacity(data.len() / (row + 1) * row);
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let kind = chunk[0];
        let mut cur = chunk[1..].to_vec();
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = match kind {
                0 => cur[i],
                1 => cur[i].wrapping_add(a),
                2 => cur[i].wrapping_add(b),
                3 => cur[i].wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => cur[i].wrapping_add(paeth(a, b, c)),
                other => {
                    return Err(PdfError::malformed(format!("PNG filter type {other}")));
                }
            };
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(entries: Vec<(&str, Object)>) -> Dict {
        Dict(
            entries
                .into_iter()
                .map(|(k, v)| (k.as_bytes().to_vec(), v))
                .collect(),
        )
    }

    #[test]
    fn flate_with_png_up_predictor() {
        // Two rows of 3 bytes, PNG "Up" (2): second row adds the first.
        let raw = [2u8, 1, 2, 3, 2, 1, 1, 1];
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);
        let d = dict(vec![
            ("Filter", Object::Name(b"FlateDecode".to_vec())),
            (
                "DecodeParms",
                Object::Dict(dict(vec![
                    ("Predictor", Object::Int(12)),
                    ("Columns", Object::Int(3)),
                ])),
            ),
        ]);
        let limits = PdfLimits::default();
        let out = decode(&d, &z, &limits, &DecodeBudget::new(&limits)).unwrap();
        assert_eq!(out, [1, 2, 3, 2, 3, 4]);
    }

    #[test]
    fn bombs_and_bad_data_are_refused() {
        let zeros = vec![0u8; 8 << 20];
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 9);
        let d = dict(vec![("Filter", Object::Name(b"FlateDecode".to_vec()))]);
        let limits = PdfLimits::default();
        let e = decode(&d, &z, &limits, &DecodeBudget::new(&limits)).unwrap_err();
        assert_eq!(e.code, super::super::PdfCode::LimitExceeded);
        let e = decode(&d, b"not zlib", &limits, &DecodeBudget::new(&limits)).unwrap_err();
        assert_eq!(e.code, super::super::PdfCode::Malformed);
        let lzw = dict(vec![("Filter", Object::Name(b"LZWDecode".to_vec()))]);
        assert!(decode(&lzw, b"", &limits, &DecodeBudget::new(&limits)).is_err());
    }
}
