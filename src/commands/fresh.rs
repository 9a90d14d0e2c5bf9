//! A session fresh enough for a tool that asks for one as it runs (`credential-process`,
//! `exec`, `export`): the stored one while it has more than `--min-valid` left, read from
//! the files alone (no network, no keychain, no 1Password: the same budget as `list`), else
//! a new one, logged in exactly as `login` does.
//!
//! Terraform and the SDKs start many clients at once, each running the credential process:
//! one refresh per profile at a time. A caller that finds a refresh under way waits for it
//! (under a lock in the state folder) and then uses what it wrote, so twenty callers on an
//! expired session make one 1Password call and one STS call.

use std::borrow::Cow;
use std::fs::File;
use std::time::Duration;

use jiff::Timestamp;

use super::Context;
use crate::cli::Login;
use crate::duration;
use crate::error::{Error, ErrorKind, Result};
use crate::launcher::{Report, keys::Shape};
use crate::profiles::AwsFiles;
use crate::state_dir::StateDir;
use crate::sts::Session;

/// How long a served session must still last by default: botocore refreshes credentials
/// with less than 15 minutes left, and calls the process again at once for such a session.
pub const DEFAULT_MIN_VALID_SECONDS: u64 = 15 * 60;

/// The longest `--min-valid` that makes sense: a session lasts 36 h at the most.
const MAX_MIN_VALID_SECONDS: u64 = 36 * 3600;

/// How long a caller waits for another one's refresh: a login's worst case (a Touch ID
/// prompt waiting for its 90 s, the next code window, STS's 20 s) and some.
pub const REFRESH_WAIT: Duration = Duration::from_secs(170);

/// A session to hand to a tool, and the profile's region.
#[derive(Debug)]
pub struct Fresh {
    /// The keys and when they expire.
    pub session: Session,
    /// The session profile's region, if it has one.
    pub region: Option<String>,
}

/// The report of `credential-process` and `export`: the fresh session's keys, in `shape`.
pub fn keys_report(
    ctx: &Context<'_>,
    name: &str,
    min_valid_text: Option<&str>,
    shape: Shape,
) -> Result<Report> {
    let command = match shape {
        Shape::CredentialProcess => "credential-process",
        Shape::Export => "export",
    };
    let fresh = session(ctx, name, min_valid(min_valid_text)?, command)?;
    Ok(Report::Keys {
        shape,
        session: fresh.session,
        region: fresh.region,
    })
}

/// Parses `--min-valid` (`15m`, `1h`, `900`), naming the option in the error.
pub fn min_valid(text: Option<&str>) -> Result<u64> {
    let Some(text) = text else {
        return Ok(DEFAULT_MIN_VALID_SECONDS);
    };
    match duration::parse_seconds(text) {
        Some(seconds) if seconds <= MAX_MIN_VALID_SECONDS => Ok(seconds),
        Some(_) => Err(Error::new(
            ErrorKind::InvalidDuration,
            format!("--min-valid `{text}` is longer than any session (36h at the most)"),
        )),
        None => Err(Error::new(
            ErrorKind::InvalidDuration,
            format!("--min-valid `{text}` is not a length of time: write it like 15m, 1h or 900"),
        )),
    }
}

/// The stored session of `name` when it lasts more than `min_valid` seconds, else a new one.
/// `command` names the command asking, for the message about a role profile.
pub fn session(ctx: &Context<'_>, name: &str, min_valid: u64, command: &str) -> Result<Fresh> {
    if let Some(fresh) = stored(ctx, name, min_valid, command)? {
        return Ok(fresh);
    }
    let state = StateDir::create(&ctx.env)?;
    let _lock = refresh_lock(ctx, &state, name)?;
    // Another caller may have refreshed while this one waited for the lock.
    if let Some(fresh) = stored(ctx, name, min_valid, command)? {
        return Ok(fresh);
    }
    let session = super::login::login(
        ctx,
        Login {
            profile: name.to_string(),
            duration: None,
            code: None,
            code_stdin: false,
            remind: None,
        },
    )?;
    let files = AwsFiles::load(&ctx.env)?;
    let region = files
        .require(&ctx.env, name, ctx.clock.now())?
        .region
        .map(Cow::into_owned);
    Ok(Fresh { session, region })
}

/// The session in `[name]` of the credentials file, when it has all three keys and lasts
/// more than `min_valid` seconds.
fn stored(ctx: &Context<'_>, name: &str, min_valid: u64, command: &str) -> Result<Option<Fresh>> {
    let files = AwsFiles::load(&ctx.env)?;
    let now = ctx.clock.now();
    let profile = files.require_session(&ctx.env, name, now, command)?;
    let key = |key: &str| files.credentials_value(name, key).map(str::to_string);
    let (Some(access_key_id), Some(secret_access_key), Some(session_token), Some(expiration)) = (
        key("aws_access_key_id"),
        key("aws_secret_access_key"),
        key("aws_session_token"),
        profile.expires_at,
    ) else {
        return Ok(None);
    };
    let left = expiration.as_second() - now.as_second();
    if left <= i64::try_from(min_valid).unwrap_or(i64::MAX) {
        return Ok(None);
    }
    Ok(Some(Fresh {
        session: Session {
            access_key_id,
            secret_access_key,
            session_token,
            expiration,
        },
        region: profile.region.map(Cow::into_owned),
    }))
}

/// Holds the refresh lock of `name`, waiting at most [`REFRESH_WAIT`] for a caller that has
/// it; released when the file is dropped.
fn refresh_lock(ctx: &Context<'_>, state: &StateDir, name: &str) -> Result<File> {
    let file = state.open_lock_file(&refresh_lock_name(name))?;
    let started = ctx.clock.now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(err)) => {
                return Err(Error::io(
                    format!(
                        "cannot lock the refresh of {name} in {}",
                        state_shown(state)
                    ),
                    &err,
                ));
            }
        }
        if waited(started, ctx.clock.now()) >= REFRESH_WAIT {
            return Err(Error::new(
                ErrorKind::RefreshBusy,
                format!(
                    "another awsmfa has been refreshing {name} for {} s and has not finished: let it finish, or end it",
                    REFRESH_WAIT.as_secs()
                ),
            ));
        }
        if !said {
            ctx.progress
                .step(&format!("Waiting for another awsmfa to refresh {name}…"));
            said = true;
        }
        ctx.clock.sleep(Duration::from_millis(200));
    }
}

fn waited(since: Timestamp, now: Timestamp) -> Duration {
    Duration::from_secs(u64::try_from(now.as_second() - since.as_second()).unwrap_or(0))
}

fn state_shown(state: &StateDir) -> String {
    crate::paths::display(state.env(), state.path())
}

/// The lock file of one profile's refresh: named by a hash of the profile name, which may
/// hold any character.
pub fn refresh_lock_name(name: &str) -> String {
    use std::hash::Hasher;
    let mut hash = crate::ini::Fnv::default();
    hash.write(name.as_bytes());
    format!("refresh-{:016x}.lock", hash.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_valid_reads_lengths_and_refuses_what_no_session_lasts() {
        assert_eq!(min_valid(None).unwrap(), 900);
        assert_eq!(min_valid(Some("1h")).unwrap(), 3600);
        assert_eq!(min_valid(Some("0")).unwrap(), 0);
        let err = min_valid(Some("2d")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidDuration);
        assert!(err.message().contains("longer than any session"));
        assert!(min_valid(Some("soon")).is_err());
    }

    #[test]
    fn lock_names_are_plain_file_names_for_any_profile_name() {
        for name in ["work", "ops team", "../../etc/passwd", "a/b", "ünï"] {
            let lock = refresh_lock_name(name);
            assert!(lock.starts_with("refresh-") && lock.ends_with(".lock"));
            assert!(
                lock.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
            );
        }
        assert_ne!(refresh_lock_name("a"), refresh_lock_name("b"));
    }
}
