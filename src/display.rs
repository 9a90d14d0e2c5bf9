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
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let (first, second) = match (d, h, m) {
        (0, 0, 0) => ((sec, 's'), None),
        (0, 0, m) if m < 10 && sec > 0 => ((m, 'm'), Some((sec, 's'))),
        (0, 0, m) => ((m, 'm'), None),
        (0, h, 0) => ((h, 'h'), None),
        (0, h, m) => ((h, 'h'), Some((m, 'm'))),
        (d, 0, _) => ((d, 'd'), None),
        (d, h, _) => ((d, 'd'), Some((h, 'h'))),
    };
    push_decimal(out, first.0);
    out.push(first.1);
    if let Some((n, unit)) = second {
        out.push(' ');
        push_decimal(out, n);
        out.push(unit);
    }
}

/// `00` to `99`, two digits each, for [`two_digits`].
const TWO_DIGITS: &str = {
    const BYTES: [u8; 200] = {
        let mut bytes = [0; 200];
        let mut n = 0;
        while n < 100 {
            bytes[2 * n] = b'0' + (n / 10) as u8;
            bytes[2 * n + 1] = b'0' + (n % 10) as u8;
            n += 1;
        }
        bytes
    };
    match std::str::from_utf8(&BYTES) {
        Ok(digits) => digits,
        Err(_) => panic!("digits are ASCII"),
    }
};

/// `n` (below 100) as two digits: `07`.
fn two_digits(n: usize) -> &'static str {
    &TWO_DIGITS[2 * n..2 * n + 2]
}

/// `n` in decimal, appended to `out`, as `write!(out, "{n}")` writes it. Two digits at a
/// time from a table: `list` writes a span and a time in every valid row, and `write!` cost
/// about 550 instructions a span and 300 a time; pushed digit by digit (each `push` a char's
/// UTF-8 and room check) 0.09 M of `list` at 1,000 profiles more than this (callgrind).
fn push_decimal(out: &mut String, n: u64) {
    if n >= 100 {
        push_decimal(out, n / 100);
        out.push_str(two_digits((n % 100) as usize));
    } else if n >= 10 {
        out.push_str(two_digits(n as usize));
    } else {
        out.push_str(&two_digits(n as usize)[1..]);
    }
}

/// `hour:minute` (`07:41`), appended to `out`; both below 100.
fn push_clock(out: &mut String, hour: i64, minute: i64) {
    let two = |n: i64| two_digits(n.rem_euclid(100) as usize);
    out.push_str(two(hour));
    out.push(':');
    out.push_str(two(minute));
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
    Clockface::for_one(now).clock_into(&mut out, ts);
    out
}

/// The status line people read: `valid · expires 18:42 (in 7h 58m)`, `expired 2h ago`,
/// `no session yet`.
pub fn describe(status: Status, expires_at: Option<Timestamp>, now: &Now) -> String {
    let mut out = String::new();
    Clockface::for_one(now).describe_into(&mut out, status, expires_at);
    out
}

/// `now` with today's date in the local time zone worked out once, for writing the times of
/// many profiles (`list` writes hundreds on every keystroke in Alfred).
pub struct Clockface<'a> {
    now: &'a Now,
    today: jiff::civil::Date,
    /// How long the offset of `now` holds (none for one time: finding out costs more than
    /// the one time saves).
    stretch: Option<Stretch>,
}

/// The zone's offset at `now` (seconds east of UTC), which holds until `until`, its next
/// transition (`None`: no transition ahead). A time in between (every session that has not
/// expired) reads off it with integer arithmetic instead of a look-up in the zone's rules and
/// a civil date (jiff's `to_datetime`): about 100 instructions a time against about 500,
/// measured at 1,000 profiles.
struct Stretch {
    offset: i64,
    until: Option<Timestamp>,
    /// Today as days since 1970-01-01 in the zone, for the same arithmetic.
    today_days: i64,
}

/// `ts` in whole seconds since 1970, rounded down (`as_second` rounds toward 1970).
fn floor_second(ts: Timestamp) -> i64 {
    ts.as_second() - i64::from(ts.subsec_nanosecond() < 0)
}

/// Short weekday names, Monday first.
const WEEKDAYS: [&str; 7] = ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "];

impl<'a> Clockface<'a> {
    /// Reads today's date off `now`, and how long its offset holds.
    pub fn new(now: &'a Now) -> Self {
        let offset = i64::from(now.tz.to_offset(now.at).seconds());
        Clockface {
            stretch: Some(Stretch {
                offset,
                until: now
                    .tz
                    .following(now.at)
                    .next()
                    .map(|transition| transition.timestamp()),
                today_days: (floor_second(now.at) + offset).div_euclid(86_400),
            }),
            ..Clockface::for_one(now)
        }
    }

    /// For writing one time or status line: today's date only.
    fn for_one(now: &'a Now) -> Self {
        Clockface {
            now,
            today: now.at.to_zoned_datetime(now.tz.clone()).date(),
            stretch: None,
        }
    }

    /// [`local_clock`], appended to `out`.
    pub fn clock_into(&self, out: &mut String, ts: Timestamp) {
        if let Some(stretch) = &self.stretch
            && ts >= self.now.at
            && stretch.until.is_none_or(|until| ts < until)
        {
            // Within the offset of `now` (see `Stretch`). 1970-01-01 was a Thursday.
            let local = floor_second(ts) + stretch.offset;
            let days = local.div_euclid(86_400);
            if days != stretch.today_days {
                out.push_str(WEEKDAYS[(days + 3).rem_euclid(7) as usize]);
            }
            let second = local.rem_euclid(86_400);
            push_clock(out, second / 3_600, second % 3_600 / 60);
        } else {
            self.clock_by_zone_rules(out, ts);
        }
    }

    /// [`Clockface::clock_into`] the plain way: jiff's civil time of `ts` in the zone.
    fn clock_by_zone_rules(&self, out: &mut String, ts: Timestamp) {
        let at = self.now.tz.to_datetime(ts);
        if at.date() != self.today {
            out.push_str(WEEKDAYS[at.weekday().to_monday_zero_offset() as usize]);
        }
        push_clock(out, i64::from(at.hour()), i64::from(at.minute()));
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

    /// `human` as it was written with `write!`, to hold the hand-written digits to.
    fn human_by_format(seconds: i64) -> String {
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

    #[test]
    fn spans_and_numbers_read_as_the_formatting_machinery_writes_them() {
        let spans = (-200_000..200_000).step_by(7).chain([
            0,
            59,
            60,
            3_600,
            86_400,
            86_400 * 3_000,
            i64::MAX,
            i64::MIN,
        ]);
        for seconds in spans {
            assert_eq!(human(seconds), human_by_format(seconds), "{seconds}");
        }
        for n in (0..1_000).chain([12_345, 100_000, u64::MAX / 10, u64::MAX]) {
            let mut out = String::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        for (hour, minute) in [(0, 0), (7, 41), (23, 59)] {
            let mut out = String::new();
            push_clock(&mut out, hour, minute);
            assert_eq!(out, format!("{hour:02}:{minute:02}"));
        }
    }

    #[test]
    fn clock_times_read_as_jiff_writes_them() {
        use jiff::tz::{TimeZone, offset};
        let zones = [
            TimeZone::UTC,
            TimeZone::fixed(jiff::tz::Offset::from_seconds(5 * 3_600 + 45 * 60).unwrap()),
            TimeZone::fixed(offset(-10)),
            // New York's rules (a transition an hour either way), and Lord Howe's (half an
            // hour), as POSIX TZ strings so that the test needs no zoneinfo files.
            TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap(),
            TimeZone::posix("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").unwrap(),
        ];
        // Just before New York's clocks go forward and back, an ordinary day with a
        // fraction of a second, and a fraction of a second before 1970.
        let nows = [
            ts("2026-03-08T06:59:00Z"),
            ts("2026-11-01T05:30:00Z"),
            ts("2026-11-25T10:00:00.5Z"),
            ts("1969-12-31T23:59:59.5Z"),
        ];
        for tz in &zones {
            for &at in &nows {
                let now = Now { at, tz: tz.clone() };
                let face = Clockface::new(&now);
                let today = at.to_zoned_datetime(tz.clone()).date();
                // From two days before `now` to four days after, in uneven steps.
                for step in -434..870 {
                    let time = at + jiff::SignedDuration::from_secs(step * 397);
                    let zoned = time.to_zoned_datetime(tz.clone());
                    let pattern = if zoned.date() == today {
                        "%H:%M"
                    } else {
                        "%a %H:%M"
                    };
                    let expected = zoned.strftime(pattern).to_string();
                    let mut clock = String::new();
                    face.clock_into(&mut clock, time);
                    assert_eq!(clock, expected, "{tz:?} {at} {time}");
                    // One time alone, without the offset's stretch.
                    assert_eq!(local_clock(time, &now), expected, "{tz:?} {at} {time}");
                }
            }
        }
    }
}
