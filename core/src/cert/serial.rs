//! Certificate serial numbers (RFC 5280 4.1.2.2), kept as their encoded
//! two's-complement bytes so that non-conforming serials (negative, zero,
//! longer than 20 octets) survive and can be reported.

use std::fmt::Write as _;

/// Longest serial, in content octets, that [`SerialNumber::to_decimal`]
/// renders in decimal: 64, over three times the 20 octets RFC 5280
/// 4.1.2.2 allows (a longer serial is reported as a profile finding).
/// Conversion to decimal costs the square of the length (a 64 KiB serial
/// took 25 s); a longer serial is given in hexadecimal with a `0x` prefix,
/// linear in its length.
pub const MAX_DECIMAL_SERIAL_OCTETS: usize = 64;

/// A serial number as encoded in the certificate.
///
/// ```
/// use validate::cert::SerialNumber;
/// let s = SerialNumber::from_bytes(vec![0x00, 0xFF]);
/// assert_eq!(s.to_hex(), "00FF");
/// assert_eq!(s.to_hex_value(), "FF");
/// assert_eq!(s.to_decimal(), "255");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SerialNumber(Vec<u8>);

impl SerialNumber {
    /// Wraps the content octets of a DER INTEGER.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        SerialNumber(bytes)
    }

    /// The content octets of the INTEGER (big-endian two's complement).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// True when the sign bit is set (RFC 5280 4.1.2.2 requires a positive serial).
    pub fn is_negative(&self) -> bool {
        self.0.first().is_some_and(|b| b & 0x80 != 0)
    }

    /// Uppercase hex of the encoded octets, leading zero octet included, as
    /// .NET's `X509Certificate2.SerialNumber` prints it (the record's `SerialNumber`).
    pub fn to_hex(&self) -> String {
        hex_upper(&self.0)
    }

    /// Uppercase hex of the integer's value without leading zero octets, with
    /// a `-` for a negative serial, as OpenSSL's `-serial` prints it (the
    /// report's `serialNumberH` uses the lowercase form of this).
    pub fn to_hex_value(&self) -> String {
        let (negative, magnitude) = self.magnitude();
        let trimmed: &[u8] = match magnitude.iter().position(|&b| b != 0) {
            Some(i) => &magnitude[i..],
            None => &[0],
        };
        let sign = if negative { "-" } else { "" };
        format!("{sign}{}", hex_upper(trimmed))
    }

    /// The value in decimal (`-` for a negative serial), as the report's
    /// `serialNumber`; a serial over [`MAX_DECIMAL_SERIAL_OCTETS`] octets is
    /// given as [`to_hex_value`](Self::to_hex_value) with a `0x` prefix
    /// after the sign (`-0xFF..`), so that the cost stays linear.
    ///
    /// ```
    /// use validate::cert::SerialNumber;
    /// let long = SerialNumber::from_bytes(vec![0xFF; 65]);
    /// assert_eq!(long.to_decimal(), format!("-0x01"));
    /// let long = SerialNumber::from_bytes([vec![0x01], vec![0; 64]].concat());
    /// assert_eq!(long.to_decimal(), format!("0x01{}", "00".repeat(64)));
    /// ```
    pub fn to_decimal(&self) -> String {
        if self.0.len() > MAX_DECIMAL_SERIAL_OCTETS {
            let hex = self.to_hex_value();
            return match hex.strip_prefix('-') {
                Some(digits) => format!("-0x{digits}"),
                None => format!("0x{hex}"),
            };
        }
        let (negative, mut magnitude) = self.magnitude();
        let mut digits = Vec::new();
        while magnitude.iter().any(|&b| b != 0) {
            // Divide the big-endian magnitude by 10 in place, keeping the remainder.
            let mut rem = 0u32;
            for byte in magnitude.iter_mut() {
                let cur = (rem << 8) | u32::from(*byte);
                *byte = (cur / 10) as u8;
                rem = cur % 10;
            }
            digits.push(b'0' + rem as u8);
        }
        if digits.is_empty() {
            return "0".to_string();
        }
        if negative {
            digits.push(b'-');
        }
        digits.reverse();
        String::from_utf8_lossy(&digits).into_owned()
    }

    /// Sign and magnitude (two's complement undone for negative values).
    fn magnitude(&self) -> (bool, Vec<u8>) {
        if !self.is_negative() {
            return (false, self.0.clone());
        }
        // Negate: invert every bit and add one.
        let mut m: Vec<u8> = self.0.iter().map(|b| !b).collect();
        for byte in m.iter_mut().rev() {
            let (v, carry) = byte.overflowing_add(1);
            *byte = v;
            if !carry {
                break;
            }
        }
        (true, m)
    }
}

/// Uppercase hex of bytes, no separators.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_of_long_and_negative_serials() {
        // 2^64 = 18446744073709551616
        let s = SerialNumber::from_bytes(vec![0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(s.to_decimal(), "18446744073709551616");
        let neg = SerialNumber::from_bytes(vec![0xFF]);
        assert!(neg.is_negative());
        assert_eq!(neg.to_decimal(), "-1");
        assert_eq!(neg.to_hex_value(), "-01");
        let neg = SerialNumber::from_bytes(vec![0x80, 0x00]);
        assert_eq!(neg.to_decimal(), "-32768");
        assert_eq!(SerialNumber::from_bytes(vec![0]).to_decimal(), "0");
        assert_eq!(SerialNumber::from_bytes(vec![0]).to_hex_value(), "00");
    }

    #[test]
    fn decimal_up_to_the_cap_then_hex() {
        // 2^(8*63) has 152 decimal digits; at 64 octets still decimal.
        let at_cap = SerialNumber::from_bytes([vec![0x01], vec![0; 63]].concat());
        let d = at_cap.to_decimal();
        assert!(d.starts_with("52374249726338269") && d.len() == 152, "{d}");
        // A 64 KiB negative serial: hex, every octet rendered.
        let mut bytes = vec![0xAB; 64 * 1024];
        bytes[0] = 0x80;
        let long = SerialNumber::from_bytes(bytes);
        let d = long.to_decimal();
        assert!(d.starts_with("-0x7F5454"), "{}", &d[..12]);
        assert_eq!(d.len(), 3 + 2 * 64 * 1024);
    }
}
