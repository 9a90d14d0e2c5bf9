//! Session lengths as people write them: `8h`, `90m`, `1h30m`, `3600`, `3600s`, `1d`.

use crate::error::{Error, ErrorKind, Result};

/// The shortest session STS grants.
pub const MIN_SECONDS: u32 = 900;
/// The longest GetSessionToken session (36 h).
pub const MAX_SESSION_SECONDS: u32 = 129_600;
/// The longest AssumeRole session (12 h, and only if the role allows it).
pub const MAX_ROLE_SECONDS: u32 = 43_200;
/// The default GetSessionToken session: 12 h.
pub const DEFAULT_SESSION_SECONDS: u32 = 43_200;
/// The default AssumeRole session: 1 h, what every role allows.
pub const DEFAULT_ROLE_SECONDS: u32 = 3_600;

/// Parses `text` into seconds. Bare numbers are seconds.
pub fn parse_seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(seconds);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            ' ' => {}
            'd' | 'h' | 'm' | 's' => {
                let n: u64 = number.parse().ok()?;
                number.clear();
                let unit = match c {
                    'd' => 86_400,
                    'h' => 3_600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
            }
            _ => return None,
        }
    }
    number.is_empty().then_some(total)
}

/// Parses and range-checks a session length for STS, naming `origin` (e.g. `--duration`)
/// in the error.
pub fn session_seconds(text: &str, origin: &str, role: bool) -> Result<u32> {
    let max = if role {
        MAX_ROLE_SECONDS
    } else {
        MAX_SESSION_SECONDS
    };
    let invalid = |why: String| Error::new(ErrorKind::InvalidDuration, why);
    let seconds = parse_seconds(text).ok_or_else(|| {
        invalid(format!(
            "{origin} `{text}` is not a length of time: write it like 8h, 90m, 1h30m or 3600"
        ))
    })?;
    if seconds < u64::from(MIN_SECONDS) || seconds > u64::from(max) {
        let what = if role { "a role session" } else { "a session" };
        return Err(invalid(format!(
            "{origin} `{text}` is out of range: AWS allows {what} of 15m to {}",
            crate::display::human(i64::from(max))
        )));
    }
    Ok(seconds as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_write() {
        for (text, want) in [
            ("8h", 28_800),
            ("3600", 3_600),
            ("3600s", 3_600),
            ("90m", 5_400),
            ("1h30m", 5_400),
            ("1h 30m", 5_400),
            ("1d", 86_400),
        ] {
            assert_eq!(parse_seconds(text), Some(want), "{text}");
        }
        for text in ["", "h", "8x", "-1", "1.5h", "8h3"] {
            assert_eq!(parse_seconds(text), None, "{text}");
        }
    }

    #[test]
    fn checks_the_range_sts_accepts() {
        assert_eq!(session_seconds("12h", "--duration", false).unwrap(), 43_200);
        assert_eq!(
            session_seconds("36h", "--duration", false).unwrap(),
            129_600
        );
        let err = session_seconds("37h", "--duration", false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidDuration);
        assert_eq!(
            err.message(),
            "--duration `37h` is out of range: AWS allows a session of 15m to 1d 12h"
        );
        assert!(session_seconds("14m", "--duration", false).is_err());
        assert!(session_seconds("13h", "awsmfa_duration", true).is_err());
        let err = session_seconds("soon", "AWSMFA_DURATION", false).unwrap_err();
        assert!(
            err.message()
                .starts_with("AWSMFA_DURATION `soon` is not a length")
        );
    }
}
