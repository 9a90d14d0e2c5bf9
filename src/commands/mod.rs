//! One file per subcommand. Each takes a [`Context`] (environment, clock, keychain, progress)
//! and returns a [`Report`](crate::launcher::Report) or an [`Error`](crate::error::Error).

pub mod list;
pub mod login;
pub mod logout;
pub mod notify_due;
pub mod reminders;
pub mod setup;
pub mod status;

use crate::expiry::Clock;

use crate::keychain::SerialStore;
use crate::paths::Env;

/// Where progress lines go ("Fetching code from 1Password…"), one per step, as they happen.
pub trait Progress {
    /// Reports one step.
    fn step(&self, line: &str);
}

/// Progress on stderr, for terminals and for the launchers, which read it line by line.
pub struct Stderr;

impl Progress for Stderr {
    fn step(&self, line: &str) {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
        let _ = err.flush();
    }
}

/// What every command gets from `main`.
pub struct Context<'a> {
    /// The environment, read once.
    pub env: Env,
    /// The clock, read once, and the time zone to show times in.
    pub clock: Clock,
    /// The keychain holding MFA serials.
    pub keychain: &'a dyn SerialStore,
    /// Where progress lines go.
    pub progress: &'a dyn Progress,
}

/// Keys a session section holds that `login` replaces and `logout` removes.
pub const SESSION_KEYS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// Stale keys removed from a session section on login and logout: the old token name and
/// the expiry keys other tools write, which would otherwise outlive the session.
pub const STALE_KEYS: [&str; 5] = [
    "aws_security_token",
    "aws_credential_expiration",
    "expiration",
    "aws_expiration",
    "aws_session_expiration",
];

/// Refuses to touch `[NAME]` when it holds long-term keys (AKIA…) without a session token:
/// those are somebody's real keys, not a session awsmfa wrote.
pub fn guard_long_term_keys(
    files: &crate::profiles::AwsFiles,
    name: &str,
) -> crate::error::Result<()> {
    let key = files
        .credentials_value(name, "aws_access_key_id")
        .unwrap_or("");
    let has_token = files.credentials_value(name, "aws_session_token").is_some();
    if key.starts_with("AKIA") && !has_token {
        return Err(crate::error::Error::config(
            "config_invalid",
            format!(
                "[{name}] in the credentials file holds long-term keys (AKIA…), which awsmfa will not overwrite: move them to [{name}-mfa] and try again"
            ),
        ));
    }
    Ok(())
}
