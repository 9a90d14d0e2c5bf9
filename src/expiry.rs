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

/// The clock, read once per command, and the time zone times are shown in.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    /// Now.
    pub now: Timestamp,
    /// The zone for wall-clock times (`expires 18:42`).
    pub tz: jiff::tz::TimeZone,
}

impl Clock {
    /// The system clock and time zone (`TZ`, else the system setting).
    pub fn system() -> Self {
        Clock {
            now: Timestamp::now(),
            tz: local_time_zone(),
        }
    }
}

/// The local time zone. With `TZ` unset, `/etc/localtime` is read directly: jiff's own
/// lookup also searches the whole zoneinfo folder for the zone's name, which costs `list`
/// (run on every keystroke) a few milliseconds, and only the offsets are needed here.
fn local_time_zone() -> jiff::tz::TimeZone {
    if std::env::var_os("TZ").is_none()
        && let Ok(data) = std::fs::read("/etc/localtime")
        && let Ok(tz) = jiff::tz::TimeZone::tzif("Local", &data)
    {
        return tz;
    }
    jiff::tz::TimeZone::system()
}

/// A span of seconds for people: `7h 58m`, `42m`, `3m 20s`, `2d 4h`.
pub fn human(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, m) if m < 10 && sec > 0 => format!("{m}m {sec}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// The wall-clock time of `ts` in the local time zone: `18:42`, or `Thu 18:42` on another day.
pub fn local_clock(ts: Timestamp, clock: &Clock) -> String {
    let at = ts.to_zoned_datetime(clock.tz.clone());
    let today = clock.now.to_zoned_datetime(clock.tz.clone());
    // Formatted by hand: strftime parses its pattern on every call, once per listed profile.
    let clock = format!("{:02}:{:02}", at.hour(), at.minute());
    if at.date() == today.date() {
        clock
    } else {
        let day = match at.weekday() {
            jiff::civil::Weekday::Monday => "Mon",
            jiff::civil::Weekday::Tuesday => "Tue",
            jiff::civil::Weekday::Wednesday => "Wed",
            jiff::civil::Weekday::Thursday => "Thu",
            jiff::civil::Weekday::Friday => "Fri",
            jiff::civil::Weekday::Saturday => "Sat",
            jiff::civil::Weekday::Sunday => "Sun",
        };
        format!("{day} {clock}")
    }
}

/// The status line people read: `valid · expires 18:42 (in 7h 58m)`, `expired 2h ago`,
/// `no session yet`.
pub fn describe(status: Status, expires_at: Option<Timestamp>, clock: &Clock) -> String {
    let now = clock.now;
    match (status, expires_at) {
        (Status::Valid | Status::Expiring, Some(at)) => {
            let left = at.as_second() - now.as_second();
            let word = if status == Status::Expiring {
                "expiring"
            } else {
                "valid"
            };
            format!(
                "{word} · expires {} (in {})",
                local_clock(at, clock),
                human(left)
            )
        }
        (Status::Expired, Some(at)) => {
            format!("expired {} ago", human(now.as_second() - at.as_second()))
        }
        _ => "no session yet".to_string(),
    }
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

    #[test]
    fn human_spans() {
        assert_eq!(human(28_680), "7h 58m");
        assert_eq!(human(42 * 60), "42m");
        assert_eq!(human(200), "3m 20s");
        assert_eq!(human(-7200), "2h");
        assert_eq!(human(59), "59s");
        assert_eq!(human(86_400 * 2 + 3_600 * 4), "2d 4h");
        assert_eq!(human(12 * 3_600), "12h");
    }

    #[test]
    fn describe_reads_like_a_sentence() {
        let now = Clock {
            now: ts("2026-11-25T10:00:00Z"),
            tz: jiff::tz::TimeZone::fixed(jiff::tz::offset(1)),
        };
        assert_eq!(
            describe(Status::Expired, Some(ts("2026-11-25T08:00:00Z")), &now),
            "expired 2h ago"
        );
        assert_eq!(describe(Status::NoSession, None, &now), "no session yet");
        let valid = describe(Status::Valid, Some(ts("2026-11-25T12:00:00Z")), &now);
        assert_eq!(valid, "valid · expires 13:00 (in 2h)");
        let tomorrow = describe(Status::Valid, Some(ts("2026-11-26T06:41:00Z")), &now);
        assert_eq!(tomorrow, "valid · expires Thu 07:41 (in 20h 41m)");
    }
}
