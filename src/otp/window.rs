//! Never submit the same code twice: AWS rejects a one-time code it has already accepted.
//! The 30-second TOTP window of the last code sent is remembered per MFA serial in a small
//! state file (`last-code-window.json` in the state folder); a login in the same window
//! waits for the next one first. Only the window number is stored, never the code.
//!
//! The window is read and claimed under one lock, so two logins at the same moment never both
//! send a code of the same window: the second waits for the next one. The wait is never
//! longer than one window (31 s): a window recorded in the future (by a clock that was ahead,
//! or a damaged file) is distrusted, since a code for this computer's current time is not the
//! code of that window.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::paths::Env;
use crate::state_dir::{Change, StateDir};

/// TOTP's step.
pub const STEP_SECONDS: i64 = 30;

/// The state file's name.
pub const FILE_NAME: &str = "last-code-window.json";

/// The remembered windows.
#[derive(Debug)]
pub struct Windows {
    dir: StateDir,
    /// Whether opening it made the state folder.
    made_dir: bool,
}

/// What [`Windows::claim`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The window of `now` is recorded as this login's: fetch the code. `previous` is what
    /// was recorded before, for [`Windows::release`].
    Claimed {
        /// The window claimed.
        window: i64,
        /// The window recorded before.
        previous: Option<i64>,
        /// Whether the state file existed before.
        file_existed: bool,
    },
    /// A code of this window was already sent: wait this many seconds, then claim again.
    Wait(i64),
}

/// The TOTP window a Unix time falls in.
pub fn window_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Seconds to wait at `now` so that a code is not from `last_window`: until the next window
/// when `last_window` is the current one, else 0 (a window recorded in the future is not
/// trusted). Never more than one window and a second.
pub fn wait_seconds(last_window: Option<i64>, now_unix: i64) -> i64 {
    match last_window {
        Some(last) if last == window_of(now_unix) => (last + 1) * STEP_SECONDS - now_unix + 1,
        _ => 0,
    }
}

fn parse(text: Option<&str>) -> BTreeMap<String, i64> {
    text.and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

fn text(map: &BTreeMap<String, i64>) -> String {
    serde_json::to_string_pretty(map).unwrap_or_default() + "\n"
}

impl Windows {
    /// The state file in the state folder (made and checked here).
    pub fn open(env: &Env) -> Result<Self> {
        let (dir, made_dir) = StateDir::create_noting(env)?;
        Ok(Windows { dir, made_dir })
    }

    /// The window of the last code sent for `serial`.
    pub fn last(&self, serial: &str) -> Result<Option<i64>> {
        Ok(parse(self.dir.read(FILE_NAME)?.as_deref())
            .get(serial)
            .copied())
    }

    /// Under the state folder's lock: when a code of `now`'s window was already sent for
    /// `serial`, how long to wait; otherwise records `now`'s window as sent.
    pub fn claim(&self, serial: &str, now_unix: i64) -> Result<Claim> {
        self.dir.edit(FILE_NAME, |old| {
            let file_existed = old.is_some();
            let mut map = parse(old);
            let previous = map.get(serial).copied();
            let wait = wait_seconds(previous, now_unix);
            if wait > 0 {
                return Ok((Change::Keep, Claim::Wait(wait)));
            }
            let window = window_of(now_unix);
            map.insert(serial.to_string(), window);
            let claim = Claim::Claimed {
                window,
                previous,
                file_existed,
            };
            Ok((Change::Write(text(&map)), claim))
        })
    }

    /// Gives a claimed window back when no code was sent (1Password was locked): the retry
    /// then need not wait for the next window, and a failed login leaves the state as it
    /// found it (no file, no folder it made). Only while the claim is still the last record.
    pub fn release(&self, serial: &str, claim: Claim) -> Result<()> {
        let Claim::Claimed {
            window,
            previous,
            file_existed,
        } = claim
        else {
            return Ok(());
        };
        self.dir.edit(FILE_NAME, |old| {
            let mut map = parse(old);
            if map.get(serial) != Some(&window) {
                return Ok((Change::Keep, ()));
            }
            match previous {
                Some(previous) => map.insert(serial.to_string(), previous),
                None => map.remove(serial),
            };
            if map.is_empty() && !file_existed {
                return Ok((Change::Remove, ()));
            }
            Ok((Change::Write(text(&map)), ()))
        })?;
        if self.made_dir {
            self.dir.remove_if_empty();
        }
        Ok(())
    }

    /// Records that the code sent was of `window` (a fetch can end in the window after the
    /// one claimed), unless a later one is recorded.
    pub fn advance(&self, serial: &str, window: i64) -> Result<()> {
        self.dir.edit(FILE_NAME, |old| {
            let mut map = parse(old);
            if map.get(serial).is_some_and(|&w| w >= window) {
                return Ok((Change::Keep, ()));
            }
            map.insert(serial.to_string(), window);
            Ok((Change::Write(text(&map)), ()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_only_inside_the_same_window_and_never_longer_than_one() {
        // 1_800_000_010 is 10 s into window 60_000_000.
        let now = 1_800_000_010;
        assert_eq!(window_of(now), 60_000_000);
        assert_eq!(wait_seconds(None, now), 0);
        assert_eq!(wait_seconds(Some(59_999_999), now), 0);
        assert_eq!(wait_seconds(Some(60_000_000), now), 21);
        // A window recorded in the future (a clock that was ahead, garbage) is distrusted.
        assert_eq!(wait_seconds(Some(60_000_001), now), 0);
        assert_eq!(wait_seconds(Some(60_000_000 + 2880), now), 0);
        assert_eq!(wait_seconds(Some(i64::MAX), now), 0);
        for second in 0..STEP_SECONDS {
            let at = 60_000_000 * STEP_SECONDS + second;
            assert!((1..=31).contains(&wait_seconds(Some(60_000_000), at)));
        }
    }

    fn env_in(dir: &tempfile::TempDir) -> Env {
        Env {
            cache_dir: Some(dir.path().join("cache")),
            home: Some(dir.path().to_path_buf()),
            ..Env::default()
        }
    }

    #[test]
    fn claims_per_serial_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(&dir);
        let windows = Windows::open(&env).unwrap();
        let now = 1_800_000_010;
        assert_eq!(windows.last("arn:a").unwrap(), None);
        let claimed = |window, previous, file_existed| Claim::Claimed {
            window,
            previous,
            file_existed,
        };
        let first = windows.claim("arn:a", now).unwrap();
        assert_eq!(first, claimed(60_000_000, None, false));
        assert_eq!(windows.claim("arn:a", now + 5).unwrap(), Claim::Wait(16));
        let b = windows.claim("arn:b", now).unwrap();
        assert_eq!(b, claimed(60_000_000, None, true));
        let again = windows.claim("arn:a", now + 21).unwrap();
        assert_eq!(again, claimed(60_000_001, Some(60_000_000), true));
        assert_eq!(windows.last("arn:a").unwrap(), Some(60_000_001));
        // No code was sent after all: the window goes back, so a retry need not wait.
        windows.release("arn:a", again).unwrap();
        assert_eq!(windows.last("arn:a").unwrap(), Some(60_000_000));
        windows.release("arn:b", b).unwrap();
        assert_eq!(windows.last("arn:b").unwrap(), None);
        windows.advance("arn:a", 59_999_999).unwrap();
        assert_eq!(windows.last("arn:a").unwrap(), Some(60_000_000));
        windows.advance("arn:b", 60_000_002).unwrap();
        assert_eq!(windows.last("arn:b").unwrap(), Some(60_000_002));
    }

    #[test]
    fn a_claim_given_back_leaves_no_file_and_no_folder_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(&dir);
        let windows = Windows::open(&env).unwrap();
        let claim = windows.claim("arn:a", 1_800_000_010).unwrap();
        windows.release("arn:a", claim).unwrap();
        assert!(!dir.path().join("cache").exists());
    }
}
