//! One-time codes from 1Password: runs `op item get ITEM --otp` and reads what it says.
//!
//! Spawning ([`OnePassword::fetch_code`]) is kept apart from reading the result
//! ([`interpret`]), which is a pure function of op's exit code, stdout and stderr, so every
//! failure the real CLI reports can be tested with its exact wording
//! (`tests/fixtures/op/*.txt`).
//!
//! The code itself only ever travels in the `Ok` value: no error, message or `Debug` output
//! here contains it, and it is never put in any process's argv.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::process::{self, RunError};
use super::program::{Missing, Program, printed_code, quote, whole_seconds};
use crate::error::ErrorKind;

pub mod vaults;

/// Where `op` is looked for when neither `AWSMFA_OP` nor `PATH` has it, in this order:
/// Homebrew on Apple silicon, then Homebrew on Intel and 1Password's own installer.
/// Alfred and Raycast start programs without the login shell's `PATH`.
pub const KNOWN_OP_PATHS: [&str; 2] = ["/opt/homebrew/bin/op", "/usr/local/bin/op"];

/// `op` as the messages name it.
const OP: Program = Program {
    name: "op",
    variable: "AWSMFA_OP",
    title: "1Password CLI (op)",
    known: KNOWN_OP_PATHS,
};

/// The 1Password item that holds an AWS MFA device's one-time password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnePassword {
    /// The item's name, ID or sharing link, as `op item get` takes it.
    pub item: String,
    /// The vault to look in (`--vault`); without it op searches every vault.
    pub vault: Option<String>,
    /// The 1Password account (`--account`: sign-in address, ID or shorthand); without it op
    /// uses `OP_ACCOUNT` or the account it used last.
    pub account: Option<String>,
}

impl OnePassword {
    /// The item `profile` records (`awsmfa_op_item`, with `awsmfa_op_vault` and
    /// `awsmfa_op_account`), if it records one.
    pub fn of(profile: &crate::profiles::Profile<'_>) -> Option<Self> {
        let text = |value: &Option<std::borrow::Cow<'_, str>>| value.as_deref().map(str::to_string);
        Some(OnePassword {
            item: text(&profile.op_item)?,
            vault: text(&profile.op_vault),
            account: text(&profile.op_account),
        })
    }

    /// Runs `op item get ITEM --otp [--vault V] [--account A]` and returns the 6-digit code.
    ///
    /// `op` runs without a shell, with stdin closed and the environment of this process.
    /// While the 1Password app shows its Touch ID or password prompt op waits; after
    /// `timeout` it is killed and [`OpError::Timeout`] returned.
    pub fn fetch_code(&self, op: &Path, timeout: Duration) -> Result<String, OpError> {
        self.run(Command::new(op), timeout)
    }

    /// The argv passed to op, for docs/debug log (contains no secret). The flags come first
    /// and the item last, after `--`, so that an item whose name starts with `-` stays an
    /// item (op's Cobra parser takes `--` as the end of the flags).
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["item".to_owned(), "get".to_owned(), "--otp".to_owned()];
        if let Some(vault) = &self.vault {
            args.extend(["--vault".to_owned(), vault.clone()]);
        }
        if let Some(account) = &self.account {
            args.extend(["--account".to_owned(), account.clone()]);
        }
        args.extend(["--".to_owned(), self.item.clone()]);
        args
    }

    /// Runs `command` (op, with whatever environment the caller gave it) with our argv.
    fn run(&self, mut command: Command, timeout: Duration) -> Result<String, OpError> {
        let program = PathBuf::from(command.get_program());
        match process::run(command.args(self.args()), timeout) {
            Ok(out) => interpret(out.status, &out.stdout, &out.stderr, &self.item),
            Err(RunError::Start(err)) => Err(spawn_error(&program, &err)),
            // Nobody answered 1Password's prompt: op was stopped so it does not linger.
            Err(RunError::Timeout) => Err(OpError::Timeout {
                seconds: whole_seconds(timeout),
            }),
        }
    }
}

/// Where `op` is: `override_path` (from env AWSMFA_OP) if set (error if not executable),
/// else the first executable `op` on `path_var` (PATH), else /opt/homebrew/bin/op,
/// else /usr/local/bin/op. Launchers do not get the login shell's PATH.
///
/// Empty and relative `PATH` entries are skipped: a launcher's working folder is no place
/// to pick up an `op` from.
pub fn find_op(override_path: Option<&Path>, path_var: Option<&OsStr>) -> Result<PathBuf, OpError> {
    OP.find(override_path, path_var).map_err(OpError::from)
}

#[cfg(test)]
fn find_op_in(
    override_path: Option<&Path>,
    path_var: Option<&OsStr>,
    known: &[&Path],
) -> Result<PathBuf, OpError> {
    super::program::find("op", override_path, path_var, known).map_err(OpError::from)
}

/// Pure: classify a finished op run. `code` is the exit code (None if killed by a signal).
///
/// On success stdout must be exactly six ASCII digits and a newline. Failures are told
/// apart by op's stderr, whose wording is documented by the fixtures in
/// `tests/fixtures/op/`; anything unrecognised becomes [`OpError::Failed`] quoting op.
pub fn interpret(
    code: Option<i32>,
    stdout: &str,
    stderr: &str,
    item: &str,
) -> Result<String, OpError> {
    if code == Some(0) {
        if let Some(code) = printed_code(stdout) {
            return Ok(code.to_owned());
        }
        if stdout.trim().is_empty() {
            // op succeeded and had no code to print.
            return Err(OpError::NoOtp {
                item: item.to_owned(),
            });
        }
        return Err(OpError::NotACode);
    }
    Err(failure(code, stderr, item))
}

/// Pure: what a failed op run (any command) means, from its exit code and stderr; `item` is
/// the item it was asked about, for the messages that name it.
pub fn failure(code: Option<i32>, stderr: &str, item: &str) -> OpError {
    let message = op_message(stderr);
    let lower = message.to_lowercase();
    if lower.contains("more than one item matches") {
        return OpError::Ambiguous {
            item: item.to_owned(),
            ids: ambiguous_ids(stderr),
        };
    }
    if lower.contains("isn't a vault") {
        return OpError::VaultNotFound {
            vault: first_quoted(&message).unwrap_or_default().to_owned(),
        };
    }
    if lower.contains("isn't an item") {
        return OpError::ItemNotFound {
            item: item.to_owned(),
        };
    }
    if lower.contains("one-time password") {
        return OpError::NoOtp {
            item: item.to_owned(),
        };
    }
    if lower.contains("authorization prompt dismissed")
        || lower.contains("connecting to desktop app timed out")
    {
        return OpError::Locked;
    }
    if let Some(at) = lower.find("connecting to desktop app:") {
        let reason = message[at + "connecting to desktop app:".len()..].trim();
        // op goes on with a long ", make sure 1Password CLI is installed correctly, …".
        let reason = reason.split(", make sure").next().unwrap_or(reason);
        return OpError::AppUnreachable {
            reason: quote(reason.trim_end_matches('.')),
        };
    }
    for marker in [
        "found no accounts for filter",
        "no account found for filter",
    ] {
        if let Some(at) = lower.find(marker) {
            let filter = message[at + marker.len()..].trim().trim_matches('"').trim();
            if !filter.is_empty() {
                return OpError::UnknownAccount {
                    account: filter.to_owned(),
                };
            }
            return OpError::NotSignedIn {
                reason: sign_in_reason(&message),
            };
        }
    }
    if lower.contains("not currently signed in")
        || lower.contains("account is not signed in")
        || lower.contains("no accounts configured")
    {
        return OpError::NotSignedIn {
            reason: sign_in_reason(&message),
        };
    }

    OpError::Failed {
        message: OP.said(&message, code),
    }
}

/// Why no one-time code could be had from 1Password.
///
/// Neither `Display` nor `Debug` ever contains a code or anything else op printed on stdout.
/// `Display` is one line saying what happened and what to do; where that involves
/// `awsmfa setup`, it says `PROFILE` — [`OpError::message`] puts in the real profile name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    /// No `op` on `PATH`, in /opt/homebrew/bin or in /usr/local/bin.
    NotInstalled,
    /// `AWSMFA_OP` names something that is not an executable file.
    NotExecutable {
        /// The path `AWSMFA_OP` gave.
        path: PathBuf,
    },
    /// `AWSMFA_OP` is a relative path (not a bare command name).
    RelativePath {
        /// The path `AWSMFA_OP` gave.
        path: PathBuf,
    },
    /// `op` was found but could not be started.
    CannotRun {
        /// The op that was tried.
        path: PathBuf,
        /// What the operating system said.
        reason: String,
    },
    /// op has no account to use: the app integration is off, no account has been added,
    /// or the CLI is signed out.
    NotSignedIn {
        /// op's own message, without its `[ERROR] date time` prefix.
        reason: String,
    },
    /// The `--account` given matches no account op knows.
    UnknownAccount {
        /// The account filter op could not match.
        account: String,
    },
    /// op could not talk to the 1Password app (integration off, app too old, …).
    AppUnreachable {
        /// op's description of the connection failure.
        reason: String,
    },
    /// 1Password is locked and its unlock prompt was dismissed or not answered.
    Locked,
    /// No item has that name, ID or domain (in the vault, if one was given).
    ItemNotFound {
        /// The item as it was asked for.
        item: String,
    },
    /// The vault given with `--vault` does not exist in the account.
    VaultNotFound {
        /// The vault as op quoted it.
        vault: String,
    },
    /// Several items have that name.
    Ambiguous {
        /// The item as it was asked for.
        item: String,
        /// The IDs of the items op found, as op listed them.
        ids: Vec<String>,
    },
    /// The item has no one-time password field.
    NoOtp {
        /// The item as it was asked for.
        item: String,
    },
    /// op succeeded but printed something other than a 6-digit code.
    NotACode,
    /// op was still waiting (for Touch ID or a password) when time ran out, and was stopped.
    Timeout {
        /// How long awsmfa waited.
        seconds: u64,
    },
    /// op failed in a way not recognised above.
    Failed {
        /// op's message, without its `[ERROR] date time` prefix.
        message: String,
    },
}

impl OpError {
    /// The error kind the launchers and `--format json` see. Only a locked 1Password and an
    /// unanswered prompt are retryable: everything else needs a change first.
    pub fn kind(&self) -> ErrorKind {
        match self {
            OpError::NotInstalled
            | OpError::NotExecutable { .. }
            | OpError::RelativePath { .. } => ErrorKind::OpNotInstalled,
            OpError::NotSignedIn { .. }
            | OpError::UnknownAccount { .. }
            | OpError::AppUnreachable { .. } => ErrorKind::OpNotSignedIn,
            OpError::Locked => ErrorKind::OpLocked,
            OpError::ItemNotFound { .. } | OpError::VaultNotFound { .. } => {
                ErrorKind::OpItemNotFound
            }
            OpError::Ambiguous { .. } => ErrorKind::OpItemAmbiguous,
            OpError::NoOtp { .. } => ErrorKind::OpNoOtp,
            OpError::Timeout { .. } => ErrorKind::OpTimeout,
            OpError::NotACode => ErrorKind::InvalidCode,
            OpError::CannotRun { .. } | OpError::Failed { .. } => ErrorKind::OpFailed,
        }
    }

    /// The one-line message, with `profile` in the `awsmfa setup` advice (`PROFILE` if None).
    pub fn message(&self, profile: Option<&str>) -> String {
        let profile = profile.unwrap_or("PROFILE");
        match self {
            OpError::NotInstalled => {
                "1Password CLI (op) is not installed: install it (brew install \
                 1password-cli) and turn on 'Integrate with 1Password CLI' in the 1Password app's \
                 Developer settings"
                    .to_owned()
            }
            OpError::NotExecutable { path } => OP.not_executable(path),
            OpError::RelativePath { path } => OP.relative_path(path),
            OpError::CannotRun { path, reason } => format!(
                "the 1Password CLI at {} could not be started ({reason}): reinstall it (brew \
                 install 1password-cli), or set AWSMFA_OP to an op that runs",
                path.display()
            ),
            OpError::NotSignedIn { reason } => format!(
                "1Password CLI is not signed in ({reason}): turn on 'Integrate with 1Password \
                 CLI' in the 1Password app's Developer settings, or run `op signin`, then try \
                 again"
            ),
            OpError::UnknownAccount { account } => format!(
                "1Password CLI has no account \"{account}\": see the accounts with `op account \
                 list`, then run `awsmfa setup {profile} --op-account ACCOUNT`"
            ),
            OpError::AppUnreachable { reason } => format!(
                "op cannot connect to the 1Password app ({reason}): open 1Password, turn on \
                 'Integrate with 1Password CLI' in its Developer settings, update both if that \
                 does not help, then try again"
            ),
            OpError::Locked => "1Password is locked: unlock it (with the app integration, op \
                 asks for Touch ID itself)"
                .to_owned(),
            OpError::ItemNotFound { item } => format!(
                "1Password has no item \"{item}\": check the name with `op item list`, or run \
                 `awsmfa setup {profile} --op-item ID`"
            ),
            OpError::VaultNotFound { vault } => format!(
                "1Password has no vault \"{vault}\": check the name with `op vault list`, or run \
                 `awsmfa setup {profile} --op-vault VAULT`"
            ),
            OpError::Ambiguous { item, ids } => {
                let ids = if ids.is_empty() {
                    "see `op item list`".to_owned()
                } else {
                    format!("one of: {}", ids.join(", "))
                };
                format!(
                    "more than one 1Password item is called \"{item}\": use its ID ({ids}) with \
                     `awsmfa setup {profile} --op-item ID`"
                )
            }
            OpError::NoOtp { item } => format!(
                "1Password item \"{item}\" has no one-time password: add the AWS MFA device's \
                 secret to it as a one-time password, or run `awsmfa setup {profile} --op-item \
                 ID` with the item that has one"
            ),
            OpError::NotACode => "1Password's one-time password for this item is not a 6-digit \
                 code: make it the AWS MFA device's (TOTP, 6 digits, 30 seconds)"
                .to_owned(),
            OpError::Timeout { seconds } => format!(
                "1Password did not answer within {seconds} s: unlock it or answer its Touch ID \
                 prompt"
            ),
            OpError::Failed { message } => format!(
                "1Password CLI failed: {message} (run `op whoami` in a terminal to check op)"
            ),
        }
    }
}

impl From<Missing> for OpError {
    fn from(missing: Missing) -> Self {
        match missing {
            Missing::NotInstalled => OpError::NotInstalled,
            Missing::NotExecutable(path) => OpError::NotExecutable { path },
            Missing::RelativePath(path) => OpError::RelativePath { path },
        }
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(None))
    }
}

/// op's stderr as one line: each `[ERROR] YYYY/MM/DD HH:MM:SS ` prefix removed, and the usage
/// text op adds after some errors left out when there is an `[ERROR]` line.
fn op_message(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let error_lines: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("[ERROR]"))
        .map(|rest| strip_timestamp(rest.trim_start()).trim())
        .collect();
    if error_lines.is_empty() {
        lines.join(" ")
    } else {
        error_lines.join(" ")
    }
}

/// `YYYY/MM/DD HH:MM:SS rest` → `rest`; anything else unchanged.
fn strip_timestamp(text: &str) -> &str {
    let shape = b"dddd/dd/dd dd:dd:dd";
    let bytes = text.as_bytes();
    let matches = bytes.len() >= shape.len()
        && shape.iter().zip(bytes).all(|(want, got)| match want {
            b'd' => got.is_ascii_digit(),
            other => other == got,
        });
    if matches { &text[shape.len()..] } else { text }
}

/// op's sign-in complaint without the "error initializing client: " it sometimes leads with.
fn sign_in_reason(message: &str) -> String {
    quote(
        message
            .strip_prefix("error initializing client: ")
            .unwrap_or(message),
    )
}

/// The IDs in op's `\t* for the item "X" in vault V: ID` lines.
fn ambiguous_ids(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("* for the item"))
        .filter_map(|line| line.rsplit_once(": "))
        .map(|(_, id)| id.trim())
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_owned)
        .collect()
}

/// The text between the first pair of double quotes.
fn first_quoted(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once('"')?;
    let (quoted, _) = rest.split_once('"')?;
    Some(quoted)
}

fn spawn_error(program: &Path, err: &io::Error) -> OpError {
    match err.kind() {
        io::ErrorKind::NotFound => OpError::NotInstalled,
        _ => OpError::CannotRun {
            path: program.to_path_buf(),
            reason: err.to_string(),
        },
    }
}

pub mod items;

#[cfg(test)]
mod tests;
