//! How times and spans read for people: `7h 58m`, `18:42`, `Thu 07:41`, `10 min`, and a
//! status line `valid · expires 18:42 (in 7h 58m)`. Pure functions of a [`Now`]; the text
//! and Alfred renderers and the reminder notifications use them.

use jiff::Timestamp;

use crate::clock::Now;
use crate::expiry::Status;

/// A span of seconds for people: `7h 58m`, `42m`, `3m 20s`, `2d 4h`.
pub fn human(seconds: i64) -> String {
    let mut out = String::new();
    human_into(&mut out, seconds);
    out
}

/// [`human`], appended to `out`.
pub fn human_into(out: &mut String, seconds: i64) {
    use std::fmt::Write;
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let _ = match (d, h, m) {
        (0, 0, 0) => write!(out, "{sec}s"),
        (0, 0, m) if m < 10 && sec > 0 => write!(out, "{m}m {sec}s"),
        (0, 0, m) => write!(out, "{m}m"),
        (0, h, 0) => write!(out, "{h}h"),
        (0, h, m) => write!(out, "{h}h {m}m"),
        (d, 0, _) => write!(out, "{d}d"),
        (d, h, _) => write!(out, "{d}d {h}h"),
    };
}

/// Whole minutes, rounded up, for reminders: `10 min`, `1 h 30 min`.
pub fn minutes(seconds: i64) -> String {
    let total = ((seconds.max(1) + 59) / 60).max(1);
    let (h, m) = (total / 60, total % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The wall-clock time of `ts` in the local time zone: `18:42`, or `Thu 18:42` on another day.
pub fn local_clock(ts: Timestamp, now: &Now) -> String {
    let mut out = String::new();
    Clockface::new(now).clock_into(&mut out, ts);
    out
}

/// The status line people read: `valid · expires 18:42 (in 7h 58m)`, `expired 2h ago`,
/// `no session yet`.
pub fn describe(status: Status, expires_at: Option<Timestamp>, now: &Now) -> String {
    let mut out = String::new();
    Clockface::new(now).describe_into(&mut out, status, expires_at);
    out
}

/// `now` with today's date in the local time zone worked out once, for writing the times of
/// many profiles (`list` writes hundreds on every keystroke in Alfred).
pub struct Clockface<'a> {
    now: &'a Now,
    today: jiff::civil::Date,
}

impl<'a> Clockface<'a> {
    /// Reads today's date off `now`.
    pub fn new(now: &'a Now) -> Self {
        Clockface {
            now,
            today: now.at.to_zoned_datetime(now.tz.clone()).date(),
        }
    }

    /// [`local_clock`], appended to `out`.
    pub fn clock_into(&self, out: &mut String, ts: Timestamp) {
        use std::fmt::Write;
        let at = self.now.tz.to_datetime(ts);
        if at.date() != self.today {
            out.push_str(match at.weekday() {
                jiff::civil::Weekday::Monday => "Mon ",
                jiff::civil::Weekday::Tuesday => "Tue ",
                jiff::civil::Weekday::Wednesday => "Wed ",
                jiff::civil::Weekday::Thursday => "Thu ",
                jiff::civil::Weekday::Friday => "Fri ",
                jiff::civil::Weekday::Saturday => "Sat ",
                jiff::civil::Weekday::Sunday => "Sun ",
            });
        }
        // By hand: strftime parses its pattern on every call.
        let _ = write!(out, "{:02}:{:02}", at.hour(), at.minute());
    }

    /// [`describe`], appended to `out`.
    pub fn describe_into(&self, out: &mut String, status: Status, expires_at: Option<Timestamp>) {
        let now = self.now.at.as_second();
        match (status, expires_at) {
            (Status::Valid | Status::Expiring, Some(at)) => {
                out.push_str(if status == Status::Expiring {
                    "expiring · expires "
                } else {
                    "valid · expires "
                });
                self.clock_into(out, at);
                out.push_str(" (in ");
                human_into(out, at.as_second() - now);
                out.push(')');
            }
            (Status::Expired, Some(at)) => {
                out.push_str("expired ");
                human_into(out, now - at.as_second());
                out.push_str(" ago");
            }
            _ => out.push_str("no session yet"),
        }
    }
}

/// `session valid until 06:41 (12h)`.
pub fn valid_until(expires_at: Timestamp, now: &Now) -> String {
    format!(
        "session valid until {} ({})",
        local_clock(expires_at, now),
        human(expires_at.as_second() - now.at.as_second())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
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
    fn minutes_round_up() {
        assert_eq!(minutes(600), "10 min");
        assert_eq!(minutes(599), "10 min");
        assert_eq!(minutes(5), "1 min");
        assert_eq!(minutes(-3), "1 min");
        assert_eq!(minutes(3600), "1 h");
        assert_eq!(minutes(5400), "1 h 30 min");
    }

    #[test]
    fn describe_reads_like_a_sentence() {
        let now = Now {
            at: ts("2026-11-25T10:00:00Z"),
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
        assert_eq!(
            valid_until(ts("2026-11-25T22:00:00Z"), &now),
            "session valid until 23:00 (12h)"
        );
    }
}
