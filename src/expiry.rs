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
    let text = text.trim().trim_matches('"');
    if text.is_empty() {
        return None;
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
            "1795632120",                // epoch seconds
        ] {
            assert_eq!(parse(text), Some(want), "{text}");
        }
        for text in ["", "soon", "2026-13-40", "12"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn formats_as_rfc3339_utc_with_z() {
        assert_eq!(format(ts("2026-11-25T18:42:00.4Z")), "2026-11-25T18:42:00Z");
    }
}
