//! RFC 3339 timestamps: checked, and normalised to UTC for STAC, which asks
//! for UTC times (`...Z`).
//!
//! No clock is read here (the crate builds for WebAssembly, where there is
//! none): a front end that wants "now" passes the seconds since the Unix
//! epoch to [`Timestamp::from_unix`].
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use std::fmt;

/// A moment, as RFC 3339 (section 5.6) writes it: `2025-01-13T10:33:09Z`,
/// `2025-01-13T11:33:09.024+01:00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    given: String,
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
    /// The fraction of a second as written, without the dot ("" for none).
    fraction: String,
}

impl Timestamp {
    /// Parses an RFC 3339 date-time with a time zone (`Z` or `±HH:MM`).
    /// Leap seconds (`:60`) are refused, since they cannot be converted
    /// without a table of them.
    ///
    /// ```
    /// use zarr_links_export::time::Timestamp;
    /// let t = Timestamp::parse("2025-01-13T11:33:09.5+01:00").unwrap();
    /// assert_eq!(t.utc(), "2025-01-13T10:33:09.5Z");
    /// assert!(Timestamp::parse("2025-02-30T00:00:00Z").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        let bad = |why: &str| {
            format!("{s:?} is not an RFC 3339 date-time such as 2025-01-13T10:33:09Z: {why}")
        };
        let b = s.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Result<i64, String> {
            let part = b.get(range).ok_or_else(|| bad("it is too short"))?;
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
            } else {
                Err(bad("a digit is missing"))
            }
        };
        let sep = |at: usize, allowed: &[u8]| -> Result<(), String> {
            match b.get(at) {
                Some(c) if allowed.contains(c) => Ok(()),
                _ => Err(bad("a separator is missing or wrong")),
            }
        };
        let year = digits(0..4)?;
        sep(4, b"-")?;
        let month = digits(5..7)?;
        sep(7, b"-")?;
        let day = digits(8..10)?;
        sep(10, b"Tt")?;
        let hour = digits(11..13)?;
        sep(13, b":")?;
        let minute = digits(14..16)?;
        sep(16, b":")?;
        let second = digits(17..19)?;
        let mut at = 19;
        let mut fraction = String::new();
        if b.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            if at == start {
                return Err(bad("the fraction of a second has no digits"));
            }
            fraction = s[start..at].to_string();
        }
        let offset = match b.get(at) {
            Some(b'Z' | b'z') if at + 1 == b.len() => 0,
            Some(sign @ (b'+' | b'-')) if at + 6 == b.len() => {
                let h = digits(at + 1..at + 3)?;
                sep(at + 3, b":")?;
                let m = digits(at + 4..at + 6)?;
                if h > 23 || m > 59 {
                    return Err(bad("the time zone offset is out of range"));
                }
                let minutes = h * 60 + m;
                if *sign == b'-' {
                    -minutes
                } else {
                    minutes
                }
            }
            _ => return Err(bad("the time zone (`Z` or `+HH:MM`) is missing or wrong")),
        };
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad("there is no such day"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(bad(
                "the time of day is out of range (leap seconds are not accepted)",
            ));
        }
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
                - offset * 60;
        let t = Timestamp {
            given: s.to_string(),
            seconds,
            fraction,
        };
        let utc_year = civil_from_days(seconds.div_euclid(86_400)).0;
        if !(0..=9999).contains(&utc_year) {
            return Err(bad("in UTC it falls outside the years 0000 to 9999"));
        }
        Ok(t)
    }

    /// The moment `seconds` after 1970-01-01T00:00:00Z, in whole seconds.
    pub fn from_unix(seconds: i64) -> Timestamp {
        let mut t = Timestamp {
            given: String::new(),
            seconds,
            fraction: String::new(),
        };
        t.given = t.utc();
        t
    }

    /// The timestamp as given.
    pub fn as_str(&self) -> &str {
        &self.given
    }

    /// The same moment in UTC, with the fraction of a second as given:
    /// `2025-01-13T10:33:09Z`.
    pub fn utc(&self) -> String {
        let (y, mo, d) = civil_from_days(self.seconds.div_euclid(86_400));
        let s = self.seconds.rem_euclid(86_400);
        let fraction = if self.fraction.is_empty() {
            String::new()
        } else {
            format!(".{}", self.fraction)
        };
        format!(
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{fraction}Z",
            s / 3600,
            s % 3600 / 60,
            s % 60
        )
    }

    /// Whether `self` is not later than `other`.
    pub fn not_after(&self, other: &Timestamp) -> bool {
        let frac = |t: &Timestamp| format!("{:0<9}", t.fraction);
        (self.seconds, frac(self)) <= (other.seconds, frac(other))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

/// The time a STAC Item describes: one moment, or an interval
/// (`START/END`), which STAC writes as `datetime: null` with
/// `start_datetime` and `end_datetime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// One moment.
    Instant(Timestamp),
    /// From the first moment to the second, inclusive.
    Interval(Timestamp, Timestamp),
}

impl When {
    /// Parses `2025-01-13T10:33:09Z` or `2014-01-01T00:00:00Z/2014-12-31T23:59:59Z`.
    pub fn parse(s: &str) -> Result<When, String> {
        match s.split_once('/') {
            None => Timestamp::parse(s).map(When::Instant),
            Some((a, b)) => {
                let (a, b) = (Timestamp::parse(a)?, Timestamp::parse(b)?);
                if a.not_after(&b) {
                    Ok(When::Interval(a, b))
                } else {
                    Err(format!("the interval {s:?} ends before it starts"))
                }
            }
        }
    }
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01 (the inverse of
/// [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        for (given, utc) in [
            ("2025-01-13T10:33:09Z", "2025-01-13T10:33:09Z"),
            ("2025-01-13t10:33:09z", "2025-01-13T10:33:09Z"),
            ("2025-01-13T10:33:09.024Z", "2025-01-13T10:33:09.024Z"),
            ("2025-01-01T00:30:00+01:00", "2024-12-31T23:30:00Z"),
            ("2024-02-29T23:00:00-02:00", "2024-03-01T01:00:00Z"),
            ("1970-01-01T00:00:00+00:00", "1970-01-01T00:00:00Z"),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ] {
            let t = Timestamp::parse(given).unwrap();
            assert_eq!(t.utc(), utc, "{given}");
            assert_eq!(t.as_str(), given);
        }
        assert_eq!(Timestamp::from_unix(0).utc(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_unix(1_736_764_389).utc(),
            "2025-01-13T10:33:09Z"
        );
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for s in [
            "",
            "2025-01-13",
            "2025-01-13T10:33:09",
            "2025-01-13 10:33:09Z",
            "2025-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2025-01-13T24:00:00Z",
            "2025-01-13T23:59:60Z",
            "2025-01-13T10:33:09.Z",
            "2025-01-13T10:33:09+0100",
            "2025-01-13T10:33:09+24:00",
            "2025-01-13T10:33:09Zjunk",
            "0000-01-01T00:00:00+01:00",
            "２０２５-01-13T10:33:09Z",
        ] {
            assert!(Timestamp::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn intervals() {
        let w = When::parse("2014-01-01T00:00:00Z/2014-12-31T23:59:59Z").unwrap();
        assert!(matches!(w, When::Interval(..)));
        assert!(When::parse("2014-12-31T00:00:00Z/2014-01-01T00:00:00Z").is_err());
        assert!(When::parse("2014-01-01T00:00:00.5Z/2014-01-01T00:00:00.25Z").is_err());
        assert!(When::parse("2014-01-01T00:00:00.25Z/2014-01-01T00:00:00.5Z").is_ok());
    }

    #[test]
    fn calendar_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
