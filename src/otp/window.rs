//! Never submit the same code twice: AWS rejects a one-time code it has already accepted.
//! The 30-second TOTP window of the last code sent is remembered per MFA serial in a small
//! state file (`last-code-window.json` in the cache folder); a login in the same window
//! waits for the next one first. Only the window number is stored, never the code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::paths::Env;

/// TOTP's step.
pub const STEP_SECONDS: i64 = 30;

/// The state file's name.
pub const FILE_NAME: &str = "last-code-window.json";

/// The remembered windows.
#[derive(Debug)]
pub struct Windows {
    path: PathBuf,
}

/// The TOTP window a Unix time falls in.
pub fn window_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// Seconds to wait at `now` so that a code is not from `last_window`; 0 when it is not.
pub fn wait_seconds(last_window: Option<i64>, now_unix: i64) -> i64 {
    match last_window {
        Some(last) if window_of(now_unix) <= last => (last + 1) * STEP_SECONDS - now_unix + 1,
        _ => 0,
    }
}

impl Windows {
    /// The state file in the cache folder.
    pub fn open(env: &Env) -> Result<Self> {
        Ok(Windows {
            path: env.cache_dir()?.join(FILE_NAME),
        })
    }

    fn read(path: &Path) -> BTreeMap<String, i64> {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// The window of the last code sent for `serial`.
    pub fn last(&self, serial: &str) -> Option<i64> {
        Self::read(&self.path).get(serial).copied()
    }

    /// Records that a code of `window` was sent for `serial`. Best effort: a cache folder that
    /// cannot be written must not fail a login whose session is already written.
    pub fn record(&self, env: &Env, serial: &str, window: i64) {
        let result = crate::store::edit(env, &self.path, |old| {
            let mut map: BTreeMap<String, i64> = old
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_default();
            map.insert(serial.to_string(), window);
            Ok(Some(
                serde_json::to_string_pretty(&map).unwrap_or_default() + "\n",
            ))
        });
        if let Err(err) = result {
            crate::log::debug(env, &format!("could not record the code window: {err}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_only_inside_the_same_window() {
        // 1_800_000_010 is 10 s into window 60_000_000.
        let now = 1_800_000_010;
        assert_eq!(window_of(now), 60_000_000);
        assert_eq!(wait_seconds(None, now), 0);
        assert_eq!(wait_seconds(Some(59_999_999), now), 0);
        assert_eq!(wait_seconds(Some(60_000_000), now), 21);
        // A clock that went backwards still waits until after the recorded window.
        assert_eq!(wait_seconds(Some(60_000_001), now), 51);
    }

    #[test]
    fn remembers_per_serial() {
        let dir = tempfile::tempdir().unwrap();
        let env = Env {
            cache_dir: Some(dir.path().join("cache")),
            home: Some(dir.path().to_path_buf()),
            ..Env::default()
        };
        let windows = Windows::open(&env).unwrap();
        assert_eq!(windows.last("arn:a"), None);
        windows.record(&env, "arn:a", 7);
        windows.record(&env, "arn:b", 9);
        assert_eq!(windows.last("arn:a"), Some(7));
        assert_eq!(windows.last("arn:b"), Some(9));
    }
}
