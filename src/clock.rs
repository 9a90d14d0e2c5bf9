//! The clock: wall time, the time zone times are shown in, and sleeping. Commands read it
//! through their [`Context`](crate::commands::Context) once (a [`Now`]) and pass that down,
//! so status math stays a pure function of it; the only sleeps (the reused-code wait, the
//! reminder waiter's tick) go through it too, so tests can pass a clock that does not wait.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Where the time comes from.
pub trait Clock: Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
    /// The time zone wall-clock times are shown in.
    fn time_zone(&self) -> &TimeZone;
    /// Waits `duration` (a test clock moves its time on instead).
    fn sleep(&self, duration: Duration);

    /// The time now, with the zone, to pass down.
    fn read(&self) -> Now {
        Now {
            at: self.now(),
            tz: self.time_zone().clone(),
        }
    }
}

/// One reading of the clock and the zone to show times in.
#[derive(Debug, Clone, PartialEq)]
pub struct Now {
    /// The time read.
    pub at: Timestamp,
    /// The zone for wall-clock times (`expires 18:42`).
    pub tz: TimeZone,
}

/// `ts` as a `SystemTime`, for APIs that take one (the SigV4 signer).
pub fn system_time(ts: Timestamp) -> std::time::SystemTime {
    let since_epoch = ts.as_duration();
    if since_epoch.is_negative() {
        std::time::UNIX_EPOCH
    } else {
        std::time::UNIX_EPOCH + since_epoch.unsigned_abs()
    }
}

/// The system clock.
#[derive(Debug, Clone)]
pub struct SystemClock {
    tz: TimeZone,
}

impl SystemClock {
    /// The system clock, showing times in `TZ` (the variable's value, read by
    /// [`Env`](crate::paths::Env)) or else the system's zone.
    pub fn new(tz_variable: Option<&str>) -> Self {
        SystemClock {
            tz: local_time_zone(tz_variable),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// The local time zone. With `TZ` unset, `/etc/localtime` is read directly: jiff's own
/// lookup also searches the whole zoneinfo folder for the zone's name, which costs `list`
/// (run on every keystroke) a few milliseconds, and only the offsets are needed here.
fn local_time_zone(tz_variable: Option<&str>) -> TimeZone {
    match tz_variable {
        None => {
            if let Ok(data) = std::fs::read("/etc/localtime")
                && let Ok(tz) = TimeZone::tzif("Local", &data)
            {
                return tz;
            }
            TimeZone::system()
        }
        Some(name) => {
            let name = name.strip_prefix(':').unwrap_or(name);
            TimeZone::get(name)
                .or_else(|_| TimeZone::posix(name))
                .unwrap_or_else(|_| TimeZone::system())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_names_and_posix_rules_are_read() {
        let utc = SystemClock::new(Some("UTC"));
        assert_eq!(utc.time_zone(), &TimeZone::UTC);
        let fixed = SystemClock::new(Some("XYZ-3"));
        let offset = fixed.time_zone().to_offset(Timestamp::UNIX_EPOCH);
        assert_eq!(offset, jiff::tz::offset(3));
    }
}
