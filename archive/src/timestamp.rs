//! RFC 3339 timestamps, stored as integer microseconds since the Unix epoch.
//!
//! The archive keeps time as one sortable `INTEGER` column: comparisons and
//! `ORDER BY` then work on plain integers and use the timestamp index. The
//! text form is RFC 3339 in UTC (`2022-11-28T22:44:18Z`), with the fraction
//! printed only when it is not zero.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const MICROS_PER_SECOND: i64 = 1_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z: RFC 3339 section 5.6 has four-digit years.
const MIN_MICROS: i64 = -62_167_219_200 * MICROS_PER_SECOND;
/// 9999-12-31T23:59:59.999999Z.
const MAX_MICROS: i64 = 253_402_300_800 * MICROS_PER_SECOND - 1;

/// A point in time in UTC with microsecond precision, between years 0000 and 9999.
///
/// ```
/// use validate_archive::Timestamp;
/// let t: Timestamp = "2022-11-18T23:44:12+01:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2022-11-18T22:44:12Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    micros: i64,
}

/// Why a string is not an RFC 3339 timestamp the archive can hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not an RFC 3339 timestamp: {reason}")]
pub struct TimestampError {
    input: String,
    reason: &'static str,
}

/// How digits finer than a microsecond are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SubMicros {
    /// Refuse a value that would lose precision (stored entries).
    Reject,
    /// Round down (an inclusive upper bound keeps exactly the same entries).
    Floor,
    /// Round up (an inclusive lower bound keeps exactly the same entries).
    Ceil,
}

impl Timestamp {
    /// The timestamp `micros` microseconds after 1970-01-01T00:00:00Z, if it
    /// lies in years 0000 to 9999.
    pub fn from_unix_micros(micros: i64) -> Option<Self> {
        (MIN_MICROS..=MAX_MICROS)
            .contains(&micros)
            .then_some(Timestamp { micros })
    }

    /// Microseconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_micros(self) -> i64 {
        self.micros
    }

    /// Parses an RFC 3339 `date-time` (any offset, converted to UTC). Digits
    /// finer than a microsecond must be zero. Leap seconds (`:60`) are refused.
    pub fn parse_rfc3339(input: &str) -> Result<Self, TimestampError> {
        Self::parse_with(input, SubMicros::Reject)
    }

    pub(crate) fn parse_with(input: &str, sub: SubMicros) -> Result<Self, TimestampError> {
        let fail = |reason| TimestampError {
            input: input.to_owned(),
            reason,
        };
        let b = input.as_bytes();
        if b.len() < 20 {
            return Err(fail("too short; expected YYYY-MM-DDTHH:MM:SSZ"));
        }
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            digits.iter().try_fold(0i64, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
            })
        };
        let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return Err(fail("expected YYYY-MM-DDTHH:MM:SS"));
        }
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
            num(0..4),
            num(5..7),
            num(8..10),
            num(11..13),
            num(14..16),
            num(17..19),
        ) else {
            return Err(fail("date and time fields must be digits"));
        };
        if !(1..=12).contains(&month) {
            return Err(fail("month out of range"));
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(fail("day out of range for the month"));
        }
        if hour > 23 || minute > 59 {
            return Err(fail("hour or minute out of range"));
        }
        if second == 60 {
            return Err(fail("leap seconds are not supported"));
        }
        if second > 59 {
            return Err(fail("second out of range"));
        }
        // RFC 3339 time-secfrac: "." 1*DIGIT
        let mut i = 19;
        let mut micros = 0i64;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            let mut finer_nonzero = false;
            while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                let pos = i - start;
                if pos < 6 {
                    micros = micros * 10 + i64::from(d - b'0');
                } else if *d != b'0' {
                    finer_nonzero = true;
                }
                i += 1;
            }
            let n = i - start;
            if n == 0 {
                return Err(fail("a '.' must be followed by digits"));
            }
            for _ in n..6 {
                micros *= 10;
            }
            if finer_nonzero {
                match sub {
                    SubMicros::Reject => {
                        return Err(fail("precision finer than a microsecond is not stored"));
                    }
                    SubMicros::Floor => {}
                    SubMicros::Ceil => micros += 1,
                }
            }
        }
        // RFC 3339 time-offset: "Z" / ("+" / "-") HH ":" MM
        let offset_seconds = match b.get(i..) {
            Some(b"Z") | Some(b"z") => 0,
            Some([s @ (b'+' | b'-'), _, _, b':', _, _]) => {
                let (Some(h), Some(m)) = (num(i + 1..i + 3), num(i + 4..i + 6)) else {
                    return Err(fail("offset must be digits"));
                };
                if h > 23 || m > 59 {
                    return Err(fail("offset out of range"));
                }
                let sign = if *s == b'-' { -1 } else { 1 };
                sign * (h * 3600 + m * 60)
            }
            _ => return Err(fail("expected 'Z' or an offset like +01:00 after the time")),
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset_seconds;
        Timestamp::from_unix_micros(seconds * MICROS_PER_SECOND + micros)
            .ok_or_else(|| fail("outside years 0000 to 9999 in UTC"))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.micros.div_euclid(MICROS_PER_SECOND);
        let frac = self.micros.rem_euclid(MICROS_PER_SECOND);
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let sod = seconds.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )?;
        if frac != 0 {
            let digits = format!("{frac:06}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse_rfc3339(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (400-year eras).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_utc() {
        let t = Timestamp::parse_rfc3339("2022-11-28T22:44:18Z").unwrap();
        assert_eq!(t.unix_micros(), 1_669_675_458 * MICROS_PER_SECOND);
        assert_eq!(t.to_string(), "2022-11-28T22:44:18Z");
        let e = Timestamp::parse_rfc3339("1970-01-01T00:00:00Z").unwrap();
        assert_eq!(e.unix_micros(), 0);
    }

    #[test]
    fn offsets_and_fractions() {
        let t = Timestamp::parse_rfc3339("2022-11-19T00:44:18.25+02:00").unwrap();
        assert_eq!(t.to_string(), "2022-11-18T22:44:18.25Z");
        let t = Timestamp::parse_rfc3339("1969-12-31t23:59:59.000001z").unwrap();
        assert_eq!(t.unix_micros(), -MICROS_PER_SECOND + 1);
        assert_eq!(t.to_string(), "1969-12-31T23:59:59.000001Z");
    }

    #[test]
    fn round_trips_the_whole_range() {
        for text in [
            "0000-01-01T00:00:00Z",
            "0000-03-01T00:00:00Z",
            "1600-02-29T12:00:00Z",
            "2000-02-29T23:59:59.5Z",
            "2024-12-31T23:59:59Z",
            "9999-12-31T23:59:59.999999Z",
        ] {
            let t = Timestamp::parse_rfc3339(text).unwrap();
            assert_eq!(t.to_string(), text);
        }
        // Every day of four centuries survives a round trip.
        let mut prev = None;
        for days in -146_097 * 2..146_097 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d >= 1 && d <= days_in_month(y, m));
            if let Some(p) = prev {
                assert!((y, m, d) > p);
            }
            prev = Some((y, m, d));
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2022-11-28",
            "2022-11-28T22:44:18",
            "2022-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2022-11-28T24:00:00Z",
            "2022-11-28T22:44:60Z",
            "2022-11-28T22:44:18.Z",
            "2022-11-28T22:44:18+0100",
            "2022-11-28T22:44:18+24:00",
            "2022/11/28T22:44:18Z",
            "2022-11-28T22:44:18Zjunk",
            "+022-11-28T22:44:18Z",
            "0000-01-01T00:00:00+00:01",
            "9999-12-31T23:59:59-00:01",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sub_microsecond_digits() {
        let s = "2022-11-28T22:44:18.0000001Z";
        assert!(Timestamp::parse_rfc3339(s).is_err());
        let base = Timestamp::parse_rfc3339("2022-11-28T22:44:18Z").unwrap();
        let floor = Timestamp::parse_with(s, SubMicros::Floor).unwrap();
        let ceil = Timestamp::parse_with(s, SubMicros::Ceil).unwrap();
        assert_eq!(floor, base);
        assert_eq!(ceil.unix_micros(), base.unix_micros() + 1);
        // Trailing zeros beyond microseconds lose nothing.
        assert_eq!(
            Timestamp::parse_rfc3339("2022-11-28T22:44:18.000000000Z").unwrap(),
            base
        );
    }
}
