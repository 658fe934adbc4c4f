//! Points in time: the validation time, certificate validity bounds, CRL and
//! OCSP update times.
//!
//! [`Timestamp`] counts whole seconds since 1970-01-01T00:00:00Z (negative
//! before), so it covers every date an X.509 UTCTime or GeneralizedTime can
//! hold, including the 1950-1969 range of UTCTime that `der::DateTime` cannot.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A UTC instant with one-second resolution.
///
/// ```
/// use validate::Timestamp;
/// let t: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
/// assert_eq!(t.unix_seconds(), 1_704_067_200);
/// assert_eq!(t.to_string(), "2024-01-01T00:00:00Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `seconds` after the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// The current time of the system clock.
    ///
    /// The core never calls this itself (validation takes its time as a
    /// parameter); it is here for callers such as the CLI.
    pub fn now() -> Self {
        let secs = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Timestamp(secs)
    }

    /// Builds a timestamp from calendar fields (UTC), checking each range.
    pub fn from_civil(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Timestamp(
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        ))
    }

    /// Calendar fields (year, month, day, hour, minute, second) in UTC.
    pub fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // rem_euclid keeps secs in 0..86_400, so these casts cannot truncate.
        let secs = secs as u32;
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// `YYYY-MM-DD hh:mm:ss UTC`, the seed's `notBeforeS` / `notAfterS` form.
    pub fn to_seed_string(self) -> String {
        let (y, mo, d, h, mi, s) = self.to_civil();
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
    }
}

/// RFC 3339 in UTC, e.g. `2024-01-01T00:00:00Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// Parses RFC 3339 (`2024-01-01T00:00:00Z`, `2024-01-01T02:00:00+02:00`,
/// fractional seconds ignored) or a bare date (`2024-01-01`, midnight UTC).
impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        parse_rfc3339(s.trim()).ok_or_else(|| {
            Error::invalid(
                "time",
                format!("'{s}' is not an RFC 3339 time such as 2024-01-01T00:00:00Z"),
            )
        })
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if b.len() == 10 {
        return Timestamp::from_civil(i64::from(year), month, day, 0, 0, 0);
    }
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return None;
        }
        rest = &rest[1 + frac..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2])?;
            let om = digits(&[*m1, *m2])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let off = i64::from(oh * 3600 + om * 60);
            if *sign == b'+' { off } else { -off }
        }
        _ => return None,
    };
    let local = Timestamp::from_civil(i64::from(year), month, day, hour, minute, second)?;
    Some(Timestamp(local.0 - offset))
}

/// Parses ASCII decimal digits; `None` on anything else.
pub(crate) fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_across_eras() {
        for secs in [
            -2_208_988_800i64, // 1900-01-01
            -631_152_000,      // 1950-01-01
            0,
            951_782_400, // 2000-02-29
            4_102_444_799,
            253_402_300_799, // 9999-12-31T23:59:59Z
        ] {
            let t = Timestamp(secs);
            let (y, mo, d, h, mi, s) = t.to_civil();
            assert_eq!(Timestamp::from_civil(y, mo, d, h, mi, s), Some(t), "{t}");
        }
        assert_eq!(Timestamp(951_782_400).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(Timestamp(-631_152_000).to_string(), "1950-01-01T00:00:00Z");
    }

    #[test]
    fn rfc3339_forms() {
        let z: Timestamp = "2024-06-01T12:30:00Z".parse().unwrap();
        let off: Timestamp = "2024-06-01T14:30:00.123+02:00".parse().unwrap();
        assert_eq!(z, off);
        let day: Timestamp = "2024-06-01".parse().unwrap();
        assert_eq!(day.to_string(), "2024-06-01T00:00:00Z");
        for bad in [
            "",
            "2024-13-01",
            "2024-02-30T00:00:00Z",
            "2024-06-01T12:30:00",
            "yesterday",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }
}
