//! One-time codes from a YubiKey: runs `ykman oath accounts code --single -- ACCOUNT` (the
//! YubiKey Manager CLI) and reads what it says.
//!
//! As for 1Password, spawning ([`Ykman::fetch_code`]) is kept apart from reading the result
//! ([`interpret`]), a pure function of ykman's exit code, stdout and stderr, tested with the
//! wording of `tests/fixtures/ykman/` (its README says where each came from).
//!
//! ykman runs without a shell, with stdin closed and in a session of its own, so without a
//! controlling terminal: for a YubiKey whose OATH accounts have a password it does not
//! remember, ykman asks for it, finds nobody to ask, and gives up at once instead of waiting on
//! awsmfa's terminal. The code only ever travels in the `Ok` value: no error, message or
//! `Debug` output here contains it, and it is in no process's argv.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::process::{self, RunError};
use super::program::{Missing, Program, printed_code, quote, whole_seconds};
use crate::error::ErrorKind;

/// Where `ykman` is looked for when neither `AWSMFA_YKMAN` nor `PATH` has it, in this order:
/// Homebrew on Apple silicon, then /usr/local/bin (Homebrew on Intel, and where Yubico's
/// documentation finds ykman on macOS).
pub const KNOWN_YKMAN_PATHS: [&str; 2] = ["/opt/homebrew/bin/ykman", "/usr/local/bin/ykman"];

/// `ykman` as the messages name it.
const YKMAN: Program = Program {
    name: "ykman",
    variable: "AWSMFA_YKMAN",
    title: "YubiKey Manager CLI (ykman)",
    known: KNOWN_YKMAN_PATHS,
};

/// What ykman prints on stderr before it waits for a touch.
const TOUCH_PROMPT: &str = "Touch your YubiKey...";

/// Where Python's traceback starts in ykman's "An unexpected error has occurred" (ykman prints
/// no line break before it).
const TRACEBACK: &str = "Traceback (most recent call last):";

/// The OATH account on a YubiKey that holds an AWS MFA device's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ykman {
    /// The account as `ykman oath accounts list` shows it (`AWS:work`), or a part of its name
    /// that only it has; a whole name always wins over names it is a part of.
    pub account: String,
}

impl Ykman {
    /// Runs `ykman oath accounts code --single -- ACCOUNT` and returns the 6-digit code.
    ///
    /// While the YubiKey waits for a touch ykman waits (the key gives up by itself after a
    /// while); after `timeout` ykman and everything it started are killed and
    /// [`YkmanError::Timeout`] returned.
    pub fn fetch_code(&self, ykman: &Path, timeout: Duration) -> Result<String, YkmanError> {
        self.run(Command::new(ykman), timeout)
    }

    /// The argv passed to ykman (contains no secret). The account comes last, after `--`, so
    /// that one whose name starts with `-` stays an account (click takes `--` as the end of
    /// the options).
    pub fn args(&self) -> Vec<String> {
        ["oath", "accounts", "code", "--single", "--"]
            .into_iter()
            .map(str::to_owned)
            .chain([self.account.clone()])
            .collect()
    }

    /// Runs `command` (ykman, with whatever environment the caller gave it) with our argv.
    fn run(&self, mut command: Command, timeout: Duration) -> Result<String, YkmanError> {
        let program = PathBuf::from(command.get_program());
        match process::run_in_new_session(command.args(self.args()), timeout) {
            Ok(out) => interpret(out.status, &out.stdout, &out.stderr, &self.account),
            Err(RunError::Start(err)) => Err(spawn_error(&program, &err)),
            Err(RunError::Timeout) => Err(YkmanError::Timeout {
                seconds: whole_seconds(timeout),
            }),
        }
    }
}

/// Where `ykman` is: `override_path` (from `AWSMFA_YKMAN`) if set (an error if it is not
/// executable), else the first executable `ykman` on `path_var` (`PATH`), else
/// /opt/homebrew/bin/ykman, else /usr/local/bin/ykman, as [`super::program::find`] looks.
pub fn find_ykman(
    override_path: Option<&Path>,
    path_var: Option<&OsStr>,
) -> Result<PathBuf, YkmanError> {
    YKMAN
        .find(override_path, path_var)
        .map_err(YkmanError::from)
}

/// Pure: classify a finished ykman run. `code` is the exit code (None if killed by a signal).
///
/// On success stdout must be exactly six ASCII digits and a newline (`--single` prints the
/// code alone). Failures are told apart by ykman's stderr, in the wording of ykman 5
/// (`ERROR: …`) and 4 (`Error: …`); anything unrecognised becomes [`YkmanError::Failed`]
/// quoting ykman.
pub fn interpret(
    code: Option<i32>,
    stdout: &str,
    stderr: &str,
    account: &str,
) -> Result<String, YkmanError> {
    let account = account.to_owned();
    if code == Some(0) {
        return match printed_code(stdout) {
            Some(code) => Ok(code.to_owned()),
            None => Err(YkmanError::NotACode { account }),
        };
    }

    // click's usage error (exit status 2): this ykman has no `oath accounts code --single`.
    if code == Some(2) && stderr.lines().any(|line| line.starts_with("Usage: ")) {
        let reason = stderr
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("Error: "))
            .unwrap_or("it printed its usage");
        return Err(YkmanError::TooOld {
            reason: quote(reason),
        });
    }

    let message = ykman_message(stderr);
    let lower = message.to_lowercase();
    // First: the account names ykman lists after it could hold any words.
    if lower.contains("multiple matches") {
        return Err(YkmanError::Ambiguous {
            account,
            matches: listed_matches(stderr),
        });
    }
    if lower.contains("no yubikey detected") {
        return Err(YkmanError::NoYubiKey { account });
    }
    if lower.contains("multiple yubikeys detected") {
        return Err(YkmanError::SeveralYubiKeys { account });
    }
    if lower.contains("touch account timed out") {
        return Err(YkmanError::TouchTimedOut { account });
    }
    // ykman prompted for the OATH password (and found no terminal to read it from), or was
    // given a wrong one.
    if lower.contains("enter the password") || lower.contains("wrong password") {
        return Err(YkmanError::PasswordRequired);
    }
    if lower.contains("no matching account found") {
        return Err(YkmanError::AccountNotFound { account });
    }

    Err(YkmanError::Failed {
        message: YKMAN.said(&message, code),
    })
}

/// Why no one-time code could be had from the YubiKey.
///
/// Neither `Display` nor `Debug` ever contains a code or anything else ykman printed on
/// stdout. `Display` is one line saying what happened and what to do; where that names the
/// profile's section, it says `PROFILE` — [`YkmanError::message`] puts in the real name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YkmanError {
    /// No `ykman` on `PATH`, in /opt/homebrew/bin or in /usr/local/bin.
    NotInstalled,
    /// `AWSMFA_YKMAN` names something that is not an executable file.
    NotExecutable {
        /// The path `AWSMFA_YKMAN` gave.
        path: PathBuf,
    },
    /// `AWSMFA_YKMAN` is a relative path (not a bare command name).
    RelativePath {
        /// The path `AWSMFA_YKMAN` gave.
        path: PathBuf,
    },
    /// `ykman` was found but could not be started.
    CannotRun {
        /// The ykman that was tried.
        path: PathBuf,
        /// What the operating system said.
        reason: String,
    },
    /// No YubiKey is plugged in (`No YubiKey detected!`).
    NoYubiKey {
        /// The account asked for.
        account: String,
    },
    /// Several YubiKeys are plugged in (`Multiple YubiKeys detected:`).
    SeveralYubiKeys {
        /// The account asked for.
        account: String,
    },
    /// The account requires a touch and nobody touched the key (`Touch account timed out!`).
    TouchTimedOut {
        /// The account asked for.
        account: String,
    },
    /// ykman was still running when time ran out, and was stopped.
    Timeout {
        /// How long awsmfa waited.
        seconds: u64,
    },
    /// The OATH accounts have a password that ykman does not remember: it asked for it.
    PasswordRequired,
    /// No account matches (`No matching account found.`).
    AccountNotFound {
        /// The account asked for.
        account: String,
    },
    /// Several accounts match (`Multiple matches, make the query more specific.`).
    Ambiguous {
        /// The account asked for.
        account: String,
        /// The accounts ykman listed.
        matches: Vec<String>,
    },
    /// ykman succeeded but printed something other than a 6-digit code (an 8-digit account).
    NotACode {
        /// The account asked for.
        account: String,
    },
    /// This ykman does not know `oath accounts code --single` (click's usage error).
    TooOld {
        /// click's `Error: …` line, without `Error: `.
        reason: String,
    },
    /// ykman failed in a way not recognised above.
    Failed {
        /// ykman's message, without its `ERROR: ` prefix.
        message: String,
    },
}

impl YkmanError {
    /// The error kind the launchers and `--format json` see. No YubiKey (or several) and a
    /// touch that did not come are retryable: plug it in or touch it and try again.
    pub fn kind(&self) -> ErrorKind {
        match self {
            YkmanError::NotInstalled
            | YkmanError::NotExecutable { .. }
            | YkmanError::RelativePath { .. } => ErrorKind::YkmanNotInstalled,
            YkmanError::NoYubiKey { .. } | YkmanError::SeveralYubiKeys { .. } => {
                ErrorKind::YubikeyNotInserted
            }
            YkmanError::TouchTimedOut { .. } | YkmanError::Timeout { .. } => {
                ErrorKind::YubikeyTouchTimeout
            }
            YkmanError::PasswordRequired => ErrorKind::YubikeyPasswordRequired,
            YkmanError::AccountNotFound { .. } => ErrorKind::YkmanAccountNotFound,
            YkmanError::Ambiguous { .. } => ErrorKind::YkmanAccountAmbiguous,
            YkmanError::NotACode { .. } => ErrorKind::InvalidCode,
            YkmanError::CannotRun { .. }
            | YkmanError::TooOld { .. }
            | YkmanError::Failed { .. } => ErrorKind::YkmanFailed,
        }
    }

    /// The one-line message, with `profile` in the config advice (`PROFILE` if None).
    pub fn message(&self, profile: Option<&str>) -> String {
        let profile = profile.unwrap_or("PROFILE");
        match self {
            YkmanError::NotInstalled => "YubiKey Manager CLI (ykman) is not installed: install \
                 it (brew install ykman), or set AWSMFA_YKMAN to the ykman to run"
                .to_owned(),
            YkmanError::NotExecutable { path } => YKMAN.not_executable(path),
            YkmanError::RelativePath { path } => YKMAN.relative_path(path),
            YkmanError::CannotRun { path, reason } => format!(
                "the YubiKey Manager CLI at {} could not be started ({reason}): reinstall it \
                 (brew reinstall ykman), or set AWSMFA_YKMAN to a ykman that runs",
                path.display()
            ),
            YkmanError::NoYubiKey { account } => format!(
                "no YubiKey is plugged in: plug in the YubiKey with the OATH account \
                 \"{account}\""
            ),
            YkmanError::SeveralYubiKeys { account } => format!(
                "more than one YubiKey is plugged in, and ykman cannot tell which to use: leave \
                 only the one with the OATH account \"{account}\" plugged in"
            ),
            YkmanError::TouchTimedOut { account } => format!(
                "the YubiKey was not touched in time (its OATH account \"{account}\" requires a \
                 touch): touch the YubiKey when it blinks"
            ),
            YkmanError::Timeout { seconds } => format!(
                "ykman did not finish within {seconds} s: touch the YubiKey if it blinks, or \
                 unplug it and plug it in again"
            ),
            YkmanError::PasswordRequired => "the YubiKey's OATH accounts are protected by a \
                 password that ykman does not remember: run `ykman oath access remember` once in \
                 a terminal, so that ykman remembers it on this computer, then try again"
                .to_owned(),
            YkmanError::AccountNotFound { account } => format!(
                "the YubiKey has no OATH account matching \"{account}\": see its accounts with \
                 `ykman oath accounts list`, then set awsmfa_ykman_account in [profile \
                 {profile}] of ~/.aws/config to one of them (or plug in the YubiKey that has it)"
            ),
            YkmanError::Ambiguous { account, matches } => {
                let matches = if matches.is_empty() {
                    "see `ykman oath accounts list`".to_owned()
                } else {
                    quote(&matches.join(", "))
                };
                format!(
                    "more than one OATH account on the YubiKey matches \"{account}\" \
                     ({matches}): set awsmfa_ykman_account in [profile {profile}] of \
                     ~/.aws/config to the whole name of one"
                )
            }
            YkmanError::NotACode { account } => format!(
                "the YubiKey's OATH account \"{account}\" does not give a 6-digit code: make it \
                 the AWS MFA device's (TOTP, 6 digits, 30 seconds)"
            ),
            YkmanError::TooOld { reason } => format!(
                "this ykman does not take `ykman oath accounts code --single` ({reason}): update \
                 it (brew upgrade ykman); awsmfa needs ykman 4.0 or later"
            ),
            YkmanError::Failed { message } => format!(
                "ykman failed: {message} (run `ykman info` in a terminal to check ykman and the \
                 YubiKey)"
            ),
        }
    }
}

impl From<Missing> for YkmanError {
    fn from(missing: Missing) -> Self {
        match missing {
            Missing::NotInstalled => YkmanError::NotInstalled,
            Missing::NotExecutable(path) => YkmanError::NotExecutable { path },
            Missing::RelativePath(path) => YkmanError::RelativePath { path },
        }
    }
}

impl fmt::Display for YkmanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(None))
    }
}

/// ykman's stderr as one line: each `ERROR: ` (ykman 5) or `Error: ` (ykman 4, click)
/// prefix removed, its `WARNING: …` lines and the touch prompt left out (unless there is
/// nothing else), and of an unexpected error's traceback only the exception.
fn ykman_message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    if let Some(at) = lines.iter().position(|line| line.contains(TRACEBACK)) {
        let head = strip_level(lines[at].split(TRACEBACK).next().unwrap_or_default());
        return match lines.last().filter(|_| lines.len() > at + 1) {
            Some(exception) => format!("{head} ({exception})"),
            None => head.to_owned(),
        };
    }
    let said: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| !line.starts_with("WARNING:") && *line != TOUCH_PROMPT)
        .collect();
    let said = if said.is_empty() { lines } else { said };
    said.into_iter()
        .map(strip_level)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line without the level ykman or click put before it.
fn strip_level(line: &str) -> &str {
    ["ERROR: ", "Error: "]
        .iter()
        .find_map(|prefix| line.strip_prefix(prefix))
        .unwrap_or(line)
        .trim()
}

/// The accounts ykman lists after `Multiple matches, …` and a blank line, one a line.
fn listed_matches(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|line| !line.to_lowercase().contains("multiple matches"))
        .skip(1)
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("WARNING:"))
        .map(str::to_owned)
        .collect()
}

fn spawn_error(program: &Path, err: &io::Error) -> YkmanError {
    match err.kind() {
        io::ErrorKind::NotFound => YkmanError::NotInstalled,
        _ => YkmanError::CannotRun {
            path: program.to_path_buf(),
            reason: err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests;
