//! Session status from the expiry recorded next to the session keys: pure functions of the
//! recorded text and a `now` read once per command.

use jiff::Timestamp;
use serde::Serialize;

/// Below this many seconds left a valid session counts as `expiring`.
pub const EXPIRING_SECONDS: i64 = 15 * 60;

/// The key awsmfa writes the expiry under (RFC 3339, UTC, `Z`). awsume, saml2aws and
/// aws-google use the same key, so their sessions show their status too.
pub const EXPIRY_KEY: &str = "x_security_token_expires";

/// Keys other tools record the expiry under, read after ours: aws-mfa's naive-UTC
/// `expiration`, aws-vault's and the SDKs' `aws_credential_expiration`, and two older forms.
pub const OTHER_EXPIRY_KEYS: [&str; 4] = [
    "aws_credential_expiration",
    "expiration",
    "aws_expiration",
    "aws_session_expiration",
];

/// A session profile's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// More than [`EXPIRING_SECONDS`] left.
    Valid,
    /// Still valid, less than [`EXPIRING_SECONDS`] left.
    Expiring,
    /// The recorded expiry has passed.
    Expired,
    /// No session keys, or none with a readable expiry.
    NoSession,
}

impl Status {
    /// The status name as in the JSON output (`no_session`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::NoSession => "no_session",
        }
    }
}

/// Status and seconds left (negative once expired) for an optional expiry.
pub fn status(expires_at: Option<Timestamp>, now: Timestamp) -> (Status, Option<i64>) {
    let Some(expires_at) = expires_at else {
        return (Status::NoSession, None);
    };
    let left = expires_at.as_second() - now.as_second();
    let status = if left <= 0 {
        Status::Expired
    } else if left < EXPIRING_SECONDS {
        Status::Expiring
    } else {
        Status::Valid
    };
    (status, Some(left))
}

/// Reads an expiry as written by awsmfa or another tool, leniently: RFC 3339 with `Z` or an
/// offset, with or without fractional seconds, a space instead of `T`, a naive date-time
/// (taken as UTC, as aws-mfa writes it), or whole seconds since 1970.
pub fn parse(text: &str) -> Option<Timestamp> {
    // awsmfa's own form as the files hold it (their reader trims values) first, before the
    // trims: two passes over the text that cost `list` 0.05 M instructions at 1,000
    // profiles (callgrind), for nothing nearly every time.
    if let Some(ts) = parse_written(text) {
        return Some(ts);
    }
    let text = text.trim().trim_matches('"');
    if text.is_empty() {
        return None;
    }
    if let Some(ts) = parse_written(text) {
        return Some(ts);
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let with_t = text.replacen(' ', "T", 1);
    if let Ok(ts) = with_t.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(naive) = with_t.parse::<jiff::civil::DateTime>() {
        return naive
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    if text.len() >= 9 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok());
    }
    None
}

/// The form awsmfa writes (`2026-11-25T18:42:00Z`), read without jiff's general parser:
/// `list` reads one per profile on every keystroke in Alfred, and this costs a tenth of it.
/// `None` for anything else (other forms, a day the month does not have, a leap second), which
/// [`parse`] then hands to jiff.
fn parse_written(text: &str) -> Option<Timestamp> {
    let b: &[u8; 20] = text.as_bytes().try_into().ok()?;
    let punctuation = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'Z'),
    ];
    if punctuation.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1..=12).contains(&month)
        && (1..=month_days[(month - 1) as usize]).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Timestamp::from_second(days * 86_400 + hour * 3600 + minute * 60 + second).ok()
}

/// The expiry as awsmfa writes it: `2026-11-25T18:42:00Z`.
pub fn format(ts: Timestamp) -> String {
    ts.round(jiff::Unit::Second)
        .unwrap_or(ts)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn status_boundaries_with_a_fixed_now() {
        let now = ts("2026-11-25T10:00:00Z");
        assert_eq!(status(None, now), (Status::NoSession, None));
        assert_eq!(
            status(Some(ts("2026-11-25T18:42:00Z")), now),
            (Status::Valid, Some(31_320))
        );
        assert_eq!(
            status(Some(ts("2026-11-25T10:15:00Z")), now),
            (Status::Valid, Some(900))
        );
        assert_eq!(
            status(Some(ts("2026-11-25T10:14:59Z")), now),
            (Status::Expiring, Some(899))
        );
        assert_eq!(
            status(Some(ts("2026-11-25T10:00:01Z")), now),
            (Status::Expiring, Some(1))
        );
        assert_eq!(status(Some(now), now), (Status::Expired, Some(0)));
        assert_eq!(
            status(Some(ts("2026-11-25T08:00:00Z")), now),
            (Status::Expired, Some(-7200))
        );
    }

    #[test]
    fn reads_every_tools_expiry_format() {
        let want = ts("2026-11-25T18:42:00Z");
        for text in [
            "2026-11-25T18:42:00Z",      // awsmfa, awsume
            "2026-11-25T18:42:00+00:00", // botocore isoformat
            "2026-11-25T19:42:00+01:00", // saml2aws, local offset
            "2026-11-25 18:42:00",       // aws-mfa, naive UTC
            "2026-11-25T18:42:00",       // naive with T
            "2026-11-25T18:42:00.000Z",  // fractional seconds
            "\"2026-11-25T18:42:00Z\"",  // quoted
            " 2026-11-25T18:42:00Z\t",   // padded (read by hand after the trims)
            "1795632120",                // epoch seconds
        ] {
            assert_eq!(parse(text), Some(want), "{text}");
        }
        for text in ["", "soon", "2026-13-40", "12"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn the_written_form_reads_as_jiff_reads_it() {
        let mut checked = 0;
        for year in [
            0, 1, 1600, 1969, 1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999,
        ] {
            for month in 0..=13 {
                for day in [0, 1, 15, 28, 29, 30, 31, 32] {
                    for (hour, minute, second) in [
                        (0, 0, 0),
                        (23, 59, 59),
                        (18, 42, 7),
                        (24, 0, 0),
                        (12, 60, 0),
                        (12, 0, 60),
                    ] {
                        let text = format!(
                            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
                        );
                        let fast = parse_written(&text);
                        if let Some(ts) = fast {
                            assert_eq!(Some(ts), text.parse::<Timestamp>().ok(), "{text}");
                            checked += 1;
                        } else {
                            // Left to jiff: never a date jiff reads the plain way with a
                            // second of 0-59.
                            assert!(second == 60 || text.parse::<Timestamp>().is_err(), "{text}");
                        }
                        assert_eq!(parse(&text), text.parse::<Timestamp>().ok(), "{text}");
                    }
                }
            }
        }
        assert!(checked > 2000, "{checked}");
        for other in [
            "2026-11-25T18:42:00z",
            "2026-11-25 18:42:00Z",
            "2026-11-25T18:42:0aZ",
            "+2026-11-25T18:42:00Z",
        ] {
            assert_eq!(parse_written(other), None, "{other}");
        }
    }

    #[test]
    fn formats_as_rfc3339_utc_with_z() {
        assert_eq!(format(ts("2026-11-25T18:42:00.4Z")), "2026-11-25T18:42:00Z");
    }
}
