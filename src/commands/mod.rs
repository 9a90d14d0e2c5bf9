//! One file per subcommand: each implements [`Run`] for its arguments in [`crate::cli`],
//! takes a [`Context`] (environment, clock, keychain, progress) and returns the
//! [`Report`] the renderer shows, or an [`Error`].

pub mod completions;
pub mod credential_process;
pub mod doctor;
pub mod exec;
pub mod export;
pub mod fresh;
pub mod list;
pub mod login;
pub mod logout;
pub mod man;
pub mod notify_due;
pub mod reminder_button;
pub mod reminders;
pub mod setup;
pub mod status;

use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::expiry::OTHER_EXPIRY_KEYS;
use crate::keychain::SerialStore;
use crate::launcher::{Action, Report};
use crate::paths::Env;
use crate::profiles::AwsFiles;

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
    /// The clock: read once per command (`clock.read()`), and every sleep goes through it.
    pub clock: &'a dyn Clock,
    /// The keychain holding MFA serials.
    pub keychain: &'a dyn SerialStore,
    /// Where progress lines go.
    pub progress: &'a dyn Progress,
}

/// A subcommand: its arguments, run once.
pub trait Run {
    /// Which command this is and the profile it is about, for renderers that word a failure
    /// per command (Alfred's notification titles).
    fn action(&self) -> (Action, Option<&str>);

    /// Carries the command out.
    fn run(self, ctx: &Context<'_>) -> Result<Report>;
}

/// Keys a session section holds that `login` replaces and `logout` removes.
pub const SESSION_KEYS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// The old name of the session token key, which boto2-era tools still write.
pub const OLD_TOKEN_KEY: &str = "aws_security_token";

/// Stale keys removed from a session section on login and logout: the old token name and
/// the expiry keys other tools write, which would otherwise outlive the session.
pub fn stale_keys() -> Vec<&'static str> {
    std::iter::once(OLD_TOKEN_KEY)
        .chain(OTHER_EXPIRY_KEYS)
        .collect()
}

/// Refuses to touch `[NAME]` when it holds long-term keys (AKIA…) without a session token:
/// those are somebody's real keys, not a session awsmfa wrote.
pub fn guard_long_term_keys(files: &AwsFiles, name: &str) -> Result<()> {
    let key = files
        .credentials_value(name, "aws_access_key_id")
        .unwrap_or("");
    let has_token = files.credentials_value(name, "aws_session_token").is_some();
    if key.starts_with("AKIA") && !has_token {
        return Err(Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "[{name}] in the credentials file holds long-term keys (AKIA…), which awsmfa will not overwrite: move them to [{name}-mfa] and try again"
            ),
        ));
    }
    Ok(())
}
