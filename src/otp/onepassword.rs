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

/// Where `op` is looked for when neither `AWSMFA_OP` nor `PATH` has it, in this order:
/// Homebrew on Apple silicon, then Homebrew on Intel and 1Password's own installer.
/// Alfred and Raycast start programs without the login shell's `PATH`.
pub const KNOWN_OP_PATHS: [&str; 2] = ["/opt/homebrew/bin/op", "/usr/local/bin/op"];

/// Longest quote of op's own error message in [`OpError::Failed`] and friends.
const MAX_QUOTE_CHARS: usize = 300;

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
    /// Runs `op item get ITEM --otp [--vault V] [--account A]` and returns the 6-digit code.
    ///
    /// `op` runs without a shell, with stdin closed and the environment of this process.
    /// While the 1Password app shows its Touch ID or password prompt op waits; after
    /// `timeout` it is killed and [`OpError::Timeout`] returned.
    pub fn fetch_code(&self, op: &Path, timeout: Duration) -> Result<String, OpError> {
        self.run(Command::new(op), timeout)
    }

    /// The argv passed to op, for docs/debug log (contains no secret).
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "item".to_owned(),
            "get".to_owned(),
            self.item.clone(),
            "--otp".to_owned(),
        ];
        if let Some(vault) = &self.vault {
            args.extend(["--vault".to_owned(), vault.clone()]);
        }
        if let Some(account) = &self.account {
            args.extend(["--account".to_owned(), account.clone()]);
        }
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
    let known = KNOWN_OP_PATHS.map(Path::new);
    find_op_in(override_path, path_var, &known)
}

fn find_op_in(
    override_path: Option<&Path>,
    path_var: Option<&OsStr>,
    known: &[&Path],
) -> Result<PathBuf, OpError> {
    if let Some(path) = override_path {
        return if is_executable(path) {
            Ok(path.to_path_buf())
        } else {
            Err(OpError::NotExecutable {
                path: path.to_path_buf(),
            })
        };
    }
    let on_path = path_var
        .into_iter()
        .flat_map(std::env::split_paths)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("op"));
    on_path
        .chain(known.iter().map(|path| path.to_path_buf()))
        .find(|candidate| is_executable(candidate))
        .ok_or(OpError::NotInstalled)
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
        let printed = stdout.strip_suffix('\n').unwrap_or(stdout);
        let printed = printed.strip_suffix('\r').unwrap_or(printed);
        if printed.len() == 6 && printed.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(printed.to_owned());
        }
        if printed.trim().is_empty() {
            // op succeeded and had no code to print.
            return Err(OpError::NoOtp {
                item: item.to_owned(),
            });
        }
        return Err(OpError::NotACode);
    }

    let message = op_message(stderr);
    let lower = message.to_lowercase();
    if lower.contains("more than one item matches") {
        return Err(OpError::Ambiguous {
            item: item.to_owned(),
            ids: ambiguous_ids(stderr),
        });
    }
    if lower.contains("isn't a vault") {
        return Err(OpError::VaultNotFound {
            vault: first_quoted(&message).unwrap_or_default().to_owned(),
        });
    }
    if lower.contains("isn't an item") {
        return Err(OpError::ItemNotFound {
            item: item.to_owned(),
        });
    }
    if lower.contains("one-time password") {
        return Err(OpError::NoOtp {
            item: item.to_owned(),
        });
    }
    if lower.contains("authorization prompt dismissed")
        || lower.contains("connecting to desktop app timed out")
    {
        return Err(OpError::Locked);
    }
    if let Some(at) = lower.find("connecting to desktop app:") {
        let reason = message[at + "connecting to desktop app:".len()..].trim();
        // op goes on with a long ", make sure 1Password CLI is installed correctly, …".
        let reason = reason.split(", make sure").next().unwrap_or(reason);
        return Err(OpError::AppUnreachable {
            reason: quote(reason.trim_end_matches('.')),
        });
    }
    for marker in [
        "found no accounts for filter",
        "no account found for filter",
    ] {
        if let Some(at) = lower.find(marker) {
            let filter = message[at + marker.len()..].trim().trim_matches('"').trim();
            if !filter.is_empty() {
                return Err(OpError::UnknownAccount {
                    account: filter.to_owned(),
                });
            }
            return Err(OpError::NotSignedIn {
                reason: sign_in_reason(&message),
            });
        }
    }
    if lower.contains("not currently signed in")
        || lower.contains("account is not signed in")
        || lower.contains("no accounts configured")
    {
        return Err(OpError::NotSignedIn {
            reason: sign_in_reason(&message),
        });
    }

    let message = if !message.is_empty() {
        quote(&message)
    } else {
        match code {
            Some(code) => format!("op exited with status {code} and printed no error"),
            None => "op was stopped by a signal".to_owned(),
        }
    };
    Err(OpError::Failed { message })
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
    /// The stable error kind the launchers and `--format json` see.
    pub fn kind(&self) -> &'static str {
        match self {
            OpError::NotInstalled | OpError::NotExecutable { .. } => "op_not_installed",
            OpError::NotSignedIn { .. }
            | OpError::UnknownAccount { .. }
            | OpError::AppUnreachable { .. } => "op_not_signed_in",
            OpError::Locked => "op_locked",
            OpError::ItemNotFound { .. } | OpError::VaultNotFound { .. } => "op_item_not_found",
            OpError::Ambiguous { .. } => "op_item_ambiguous",
            OpError::NoOtp { .. } => "op_no_otp",
            OpError::Timeout { .. } => "op_timeout",
            OpError::NotACode => "invalid_code",
            OpError::CannotRun { .. } | OpError::Failed { .. } => "op_failed",
        }
    }

    /// Whether trying again as it is can work: after unlocking 1Password or answering its
    /// prompt. Everything else needs a change first.
    pub fn retryable(&self) -> bool {
        matches!(self, OpError::Locked | OpError::Timeout { .. })
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
            OpError::NotExecutable { path } => format!(
                "AWSMFA_OP is set to {}, which is not an executable file: point it at the \
                 1Password CLI (op), or unset it to use the op on PATH",
                path.display()
            ),
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
            OpError::Locked => "1Password is locked: unlock it and press ↩ to try again (with \
                 the app integration, op asks for Touch ID itself)"
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
                 prompt, then press ↩ to try again"
            ),
            OpError::Failed { message } => format!(
                "1Password CLI failed: {message} (run `op whoami` in a terminal to check op)"
            ),
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

/// `text` shortened to [`MAX_QUOTE_CHARS`] characters.
fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
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

fn whole_seconds(duration: Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.metadata().is_ok_and(|meta| meta.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::time::Instant;

    /// A fixture's stderr: the file without its `#` comment lines, byte for byte otherwise.
    fn stderr_of(fixture: &str) -> String {
        fixture
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect()
    }

    fn failed(fixture: &str, item: &str) -> OpError {
        interpret(Some(1), "", &stderr_of(fixture), item).expect_err("op failed")
    }

    #[test]
    fn six_digits_and_a_newline_is_the_code() {
        assert_eq!(
            interpret(Some(0), "123456\n", "", "AWS"),
            Ok("123456".to_owned())
        );
        assert_eq!(
            interpret(Some(0), "012345\r\n", "", "AWS"),
            Ok("012345".to_owned())
        );
        assert_eq!(
            interpret(Some(0), "654321", "", "AWS"),
            Ok("654321".to_owned())
        );
    }

    #[test]
    fn anything_else_on_stdout_is_not_a_code_and_is_never_repeated() {
        for stdout in [
            "12345\n",
            "1234567\n",
            " 123456\n",
            "123456 \n",
            "123456\n\n",
            "12345a\n",
            "１２３４５６\n",
            "otpauth://totp/AWS?secret=JBSWY3DPEHPK3PXP\n",
        ] {
            let err = interpret(Some(0), stdout, "", "AWS").expect_err(stdout);
            assert_eq!(err, OpError::NotACode, "{stdout:?}");
            assert_eq!(err.kind(), "invalid_code");
            let shown = format!("{err} {err:?}");
            let printed = stdout.trim();
            assert!(!shown.contains(printed), "{shown} repeats {printed:?}");
        }
    }

    #[test]
    fn success_with_nothing_printed_means_the_item_has_no_code() {
        let err = interpret(Some(0), "\n", "", "AWS").unwrap_err();
        assert_eq!(err, OpError::NoOtp { item: "AWS".into() });
    }

    #[test]
    fn a_code_on_stdout_of_a_failed_run_is_not_used_or_shown() {
        let err = interpret(Some(1), "123456\n", "", "AWS").unwrap_err();
        assert_eq!(
            err,
            OpError::Failed {
                message: "op exited with status 1 and printed no error".into()
            }
        );
        assert!(!format!("{err}{err:?}").contains("123456"));
    }

    #[test]
    fn killed_by_a_signal() {
        let err = interpret(None, "", "", "AWS").unwrap_err();
        assert_eq!(err.kind(), "op_failed");
        assert!(err.to_string().contains("stopped by a signal"), "{err}");
    }

    #[test]
    fn not_signed_in() {
        let err = failed(
            include_str!("../../tests/fixtures/op/not-signed-in.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::NotSignedIn {
                reason: "You are not currently signed in. Please run `op signin --help` for instructions"
                    .into()
            }
        );
        assert_eq!(err.kind(), "op_not_signed_in");
        assert!(!err.retryable());
        assert!(
            err.to_string().contains("Integrate with 1Password CLI"),
            "{err}"
        );
    }

    #[test]
    fn account_not_signed_in() {
        let err = failed(
            include_str!("../../tests/fixtures/op/account-not-signed-in.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::NotSignedIn {
                reason: "account is not signed in".into()
            }
        );
    }

    #[test]
    fn no_accounts_configured_without_a_prefix() {
        let err = failed(
            include_str!("../../tests/fixtures/op/no-accounts-configured.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::NotSignedIn {
                reason: "No accounts configured for use with 1Password CLI.".into()
            }
        );
    }

    #[test]
    fn no_account_for_an_empty_filter_means_no_account_at_all() {
        let err = failed(
            include_str!("../../tests/fixtures/op/no-account-for-empty-filter.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::NotSignedIn {
                reason: "no account found for filter".into()
            }
        );
    }

    #[test]
    fn unknown_account() {
        let err = failed(
            include_str!("../../tests/fixtures/op/no-account-for-filter.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::UnknownAccount {
                account: "5GHHPJK5HZC5BAT7WDUXW57G44".into()
            }
        );
        let err = failed(
            include_str!("../../tests/fixtures/op/found-no-accounts-for-filter.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::UnknownAccount {
                account: "nonexistent.1password.com".into()
            }
        );
        assert_eq!(err.kind(), "op_not_signed_in");
        assert_eq!(
            err.message(Some("work")),
            "1Password CLI has no account \"nonexistent.1password.com\": see the accounts with \
             `op account list`, then run `awsmfa setup work --op-account ACCOUNT`"
        );
    }

    #[test]
    fn dismissed_prompt_is_locked_and_retryable() {
        let err = failed(
            include_str!("../../tests/fixtures/op/authorization-dismissed.txt"),
            "AWS",
        );
        assert_eq!(err, OpError::Locked);
        assert_eq!(err.kind(), "op_locked");
        assert!(err.retryable());
        assert_eq!(
            err.to_string(),
            "1Password is locked: unlock it and press ↩ to try again (with the app integration, \
             op asks for Touch ID itself)"
        );
    }

    #[test]
    fn app_connection_timing_out_is_locked() {
        let err = failed(
            include_str!("../../tests/fixtures/op/desktop-app-timed-out.txt"),
            "AWS",
        );
        assert_eq!(err, OpError::Locked);
    }

    #[test]
    fn app_connection_refused_is_a_setup_problem() {
        let err = failed(
            include_str!("../../tests/fixtures/op/desktop-app-connection-reset.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::AppUnreachable {
                reason: "read: connection reset".into()
            }
        );
        assert_eq!(err.kind(), "op_not_signed_in");
        assert!(!err.retryable());
        let err = failed(
            include_str!("../../tests/fixtures/op/desktop-app-certificate.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::AppUnreachable {
                reason: "The timestamp signature and/or certificate could not be verified or is malformed"
                    .into()
            }
        );
    }

    #[test]
    fn item_not_found() {
        for fixture in [
            include_str!("../../tests/fixtures/op/item-not-found.txt"),
            include_str!("../../tests/fixtures/op/item-not-found-in-vault.txt"),
        ] {
            let err = failed(fixture, "AWS work");
            assert_eq!(
                err,
                OpError::ItemNotFound {
                    item: "AWS work".into()
                }
            );
            assert_eq!(err.kind(), "op_item_not_found");
        }
        assert_eq!(
            failed(
                include_str!("../../tests/fixtures/op/item-not-found.txt"),
                "AWS work"
            )
            .to_string(),
            "1Password has no item \"AWS work\": check the name with `op item list`, or run \
             `awsmfa setup PROFILE --op-item ID`"
        );
    }

    #[test]
    fn vault_not_found() {
        let err = failed(
            include_str!("../../tests/fixtures/op/vault-not-found.txt"),
            "AWS",
        );
        assert_eq!(
            err,
            OpError::VaultNotFound {
                vault: "Invalid Vault".into()
            }
        );
        assert_eq!(err.kind(), "op_item_not_found");
        assert!(
            err.message(Some("prod"))
                .contains("awsmfa setup prod --op-vault VAULT")
        );
    }

    #[test]
    fn ambiguous_lists_the_ids() {
        let err = failed(
            include_str!("../../tests/fixtures/op/ambiguous.txt"),
            "Delete Me",
        );
        assert_eq!(
            err,
            OpError::Ambiguous {
                item: "Delete Me".into(),
                ids: vec![
                    "dmm2ybtxxjlxtv23puevxw5ydy".into(),
                    "vwyt5in4gempt67i7d2mpao6c4".into()
                ],
            }
        );
        assert_eq!(err.kind(), "op_item_ambiguous");
        assert_eq!(
            err.message(Some("work")),
            "more than one 1Password item is called \"Delete Me\": use its ID (one of: \
             dmm2ybtxxjlxtv23puevxw5ydy, vwyt5in4gempt67i7d2mpao6c4) with `awsmfa setup work \
             --op-item ID`"
        );
    }

    #[test]
    fn no_one_time_password() {
        let err = failed(
            include_str!("../../tests/fixtures/op/no-otp.txt"),
            "AWS work",
        );
        assert_eq!(
            err,
            OpError::NoOtp {
                item: "AWS work".into()
            }
        );
        assert_eq!(err.kind(), "op_no_otp");
    }

    #[test]
    fn unrecognised_failures_quote_op_without_its_prefix() {
        let cases = [
            (
                include_str!("../../tests/fixtures/op/context-deadline-exceeded.txt"),
                "read: context deadline exceeded",
            ),
            (
                include_str!("../../tests/fixtures/op/unknown-flag.txt"),
                "unknown flag: --output",
            ),
            (
                include_str!("../../tests/fixtures/op/unknown-command.txt"),
                "unknown command \"list\" for \"op\"",
            ),
        ];
        for (fixture, message) in cases {
            let err = failed(fixture, "AWS");
            assert_eq!(
                err,
                OpError::Failed {
                    message: message.into()
                }
            );
            assert_eq!(err.kind(), "op_failed");
            assert_eq!(
                err.to_string(),
                format!(
                    "1Password CLI failed: {message} (run `op whoami` in a terminal to check op)"
                )
            );
        }
    }

    #[test]
    fn long_messages_are_cut() {
        let stderr = format!("[ERROR] 2024/01/01 00:00:00 {}\n", "é".repeat(1000));
        let OpError::Failed { message } = interpret(Some(1), "", &stderr, "AWS").unwrap_err()
        else {
            panic!("not Failed")
        };
        assert_eq!(message.chars().count(), MAX_QUOTE_CHARS + 1);
    }

    #[test]
    fn every_message_is_one_line_and_says_what_to_do() {
        let all = [
            OpError::NotInstalled,
            OpError::NotExecutable {
                path: "/nope/op".into(),
            },
            OpError::CannotRun {
                path: "/x/op".into(),
                reason: "Permission denied".into(),
            },
            OpError::NotSignedIn {
                reason: "account is not signed in".into(),
            },
            OpError::UnknownAccount {
                account: "acme".into(),
            },
            OpError::AppUnreachable {
                reason: "read: connection reset".into(),
            },
            OpError::Locked,
            OpError::ItemNotFound { item: "AWS".into() },
            OpError::VaultNotFound {
                vault: "Work".into(),
            },
            OpError::Ambiguous {
                item: "AWS".into(),
                ids: vec!["abc".into(), "def".into()],
            },
            OpError::Ambiguous {
                item: "AWS".into(),
                ids: vec![],
            },
            OpError::NoOtp { item: "AWS".into() },
            OpError::NotACode,
            OpError::Timeout { seconds: 90 },
            OpError::Failed {
                message: "boom".into(),
            },
        ];
        for err in all {
            let text = err.to_string();
            assert!(!text.contains('\n'), "{text}");
            assert!(text.contains(": "), "no advice in {text}");
            assert!(!err.message(Some("work")).contains("PROFILE"), "{text}");
        }
        assert_eq!(
            OpError::NotInstalled.to_string(),
            "1Password CLI (op) is not installed: install it (brew install 1password-cli) and \
             turn on 'Integrate with 1Password CLI' in the 1Password app's Developer settings"
        );
        assert_eq!(
            OpError::Ambiguous {
                item: "AWS".into(),
                ids: vec!["abc".into(), "def".into()]
            }
            .to_string(),
            "more than one 1Password item is called \"AWS\": use its ID (one of: abc, def) with \
             `awsmfa setup PROFILE --op-item ID`"
        );
    }

    #[test]
    fn kinds_and_retries() {
        assert_eq!(OpError::NotInstalled.kind(), "op_not_installed");
        assert_eq!(
            OpError::NotExecutable { path: "/x".into() }.kind(),
            "op_not_installed"
        );
        assert_eq!(OpError::Timeout { seconds: 1 }.kind(), "op_timeout");
        assert!(OpError::Timeout { seconds: 1 }.retryable());
        assert!(!OpError::NotACode.retryable());
        assert!(!OpError::ItemNotFound { item: "x".into() }.retryable());
    }

    #[test]
    fn argv_keeps_each_value_one_argument() {
        let op = OnePassword {
            item: "AWS \"work\" 'prod' $(rm -rf)".into(),
            vault: Some("Private Vault".into()),
            account: Some("my team.1password.com".into()),
        };
        assert_eq!(
            op.args(),
            [
                "item",
                "get",
                "AWS \"work\" 'prod' $(rm -rf)",
                "--otp",
                "--vault",
                "Private Vault",
                "--account",
                "my team.1password.com"
            ]
        );
        let bare = OnePassword {
            item: "x".into(),
            vault: None,
            account: None,
        };
        assert_eq!(bare.args(), ["item", "get", "x", "--otp"]);
    }

    #[cfg(unix)]
    fn write_file(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::write(path, "#!/bin/sh\n").unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn find_op_prefers_the_override_then_path_then_known_places() {
        let dir = tempfile::tempdir().unwrap();
        let (plain, first, second, known) = (
            dir.path().join("plain"),
            dir.path().join("first"),
            dir.path().join("second"),
            dir.path().join("known"),
        );
        for d in [&plain, &first, &second, &known] {
            fs::create_dir(d).unwrap();
        }
        write_file(&plain.join("op"), 0o644); // not executable: skipped
        fs::create_dir(first.join("op")).unwrap(); // a folder called op: skipped
        write_file(&second.join("op"), 0o755);
        write_file(&known.join("op"), 0o755);
        let known_op = known.join("op");
        let known_paths = [known_op.as_path()];

        let path = std::env::join_paths([&plain, &first, Path::new("relative"), &second]).unwrap();
        assert_eq!(
            find_op_in(None, Some(&path), &known_paths),
            Ok(second.join("op"))
        );

        let no_op = std::env::join_paths([&plain, &first]).unwrap();
        assert_eq!(
            find_op_in(None, Some(&no_op), &known_paths),
            Ok(known_op.clone())
        );
        assert_eq!(find_op_in(None, None, &known_paths), Ok(known_op.clone()));
        assert_eq!(
            find_op_in(None, Some(&no_op), &[]),
            Err(OpError::NotInstalled)
        );

        let override_op = second.join("op");
        assert_eq!(
            find_op_in(Some(&override_op), Some(&no_op), &[]),
            Ok(override_op)
        );
        let not_executable = plain.join("op");
        assert_eq!(
            find_op_in(Some(&not_executable), Some(&path), &known_paths),
            Err(OpError::NotExecutable {
                path: not_executable.clone()
            })
        );
        let missing = dir.path().join("missing");
        assert_eq!(
            find_op_in(Some(&missing), Some(&path), &known_paths),
            Err(OpError::NotExecutable { path: missing })
        );
        // Relative PATH entries are never used, even when they hold an op.
        let cwd_relative = std::env::join_paths([Path::new("."), Path::new("")]).unwrap();
        assert_eq!(
            find_op_in(None, Some(&cwd_relative), &[]),
            Err(OpError::NotInstalled)
        );
        // The public function falls back to the known places on this machine.
        assert_eq!(find_op(None, Some(&path)), Ok(second.join("op")));
    }

    /// The fake `op` the integration tests use, which behaves like the real CLI.
    fn fake_op() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake-op")
    }

    fn aws_work() -> OnePassword {
        OnePassword {
            item: "AWS work".into(),
            vault: Some("Private".into()),
            account: None,
        }
    }

    /// Runs the fake op with `vars` set, through the same code as `fetch_code`.
    fn run_fake(
        item: &OnePassword,
        vars: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<String, OpError> {
        let mut command = Command::new(fake_op());
        command
            .env_remove("FAKE_OP_MODE")
            .envs(vars.iter().copied());
        item.run(command, timeout)
    }

    #[test]
    fn fetch_code_from_op() {
        // Through the public function, in this process's environment.
        if std::env::var_os("FAKE_OP_MODE").is_none() && std::env::var_os("FAKE_OP_ITEMS").is_none()
        {
            assert_eq!(
                aws_work().fetch_code(&fake_op(), Duration::from_secs(30)),
                Ok("123456".into())
            );
        }
        assert_eq!(
            run_fake(
                &aws_work(),
                &[("FAKE_OP_CODE", "004711")],
                Duration::from_secs(30)
            ),
            Ok("004711".into())
        );
    }

    #[test]
    fn fetch_code_passes_item_vault_and_account_and_never_the_code() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("argv.jsonl");
        let item = OnePassword {
            item: "AWS \"work\" prod".into(),
            vault: Some("Team Vault".into()),
            account: Some("acme.1password.com".into()),
        };
        let vars = [
            ("FAKE_OP_CODE", "987654"),
            ("FAKE_OP_ARGV_LOG", log.to_str().unwrap()),
        ];
        assert_eq!(
            run_fake(&item, &vars, Duration::from_secs(30)),
            Ok("987654".into())
        );
        let logged = fs::read_to_string(&log).unwrap();
        let expected: Vec<String> = item
            .args()
            .iter()
            .map(|a| format!("\"{}\"", a.replace('"', "\\\"")))
            .collect();
        assert_eq!(logged.trim(), format!("[{}]", expected.join(", ")));
        assert!(!logged.contains("987654"));
    }

    #[test]
    fn fetch_code_when_locked() {
        for mode in ["locked", "dismissed"] {
            let err = run_fake(
                &aws_work(),
                &[("FAKE_OP_MODE", mode)],
                Duration::from_secs(30),
            )
            .unwrap_err();
            assert_eq!(err, OpError::Locked, "{mode}");
        }
    }

    #[test]
    fn fetch_code_when_not_signed_in() {
        let vars = [("FAKE_OP_MODE", "not_signed_in")];
        let err = run_fake(&aws_work(), &vars, Duration::from_secs(30)).unwrap_err();
        let reason =
            "You are not currently signed in. Please run `op signin --help` for instructions";
        assert_eq!(
            err,
            OpError::NotSignedIn {
                reason: reason.into()
            }
        );
        assert!(!err.to_string().contains("[ERROR]"), "{err}");
    }

    #[test]
    fn fetch_code_when_ambiguous() {
        let item = OnePassword {
            item: "AWS".into(),
            vault: None,
            account: None,
        };
        let err = run_fake(
            &item,
            &[("FAKE_OP_ITEMS", "AWS,Other,AWS")],
            Duration::from_secs(30),
        )
        .unwrap_err();
        let OpError::Ambiguous { item, ids } = err else {
            panic!("{err:?}")
        };
        assert_eq!(item, "AWS");
        assert_eq!(ids.len(), 2);
        assert!(ids.iter().all(|id| id.len() == 26), "{ids:?}");
    }

    #[test]
    fn fetch_code_other_failures() {
        let wait = Duration::from_secs(30);
        let cases: [(&[(&str, &str)], OpError); 4] = [
            (
                &[("FAKE_OP_MODE", "not_found")],
                OpError::ItemNotFound {
                    item: "AWS work".into(),
                },
            ),
            (
                &[("FAKE_OP_MODE", "no_otp")],
                OpError::NoOtp {
                    item: "AWS work".into(),
                },
            ),
            (&[("FAKE_OP_MODE", "garbage")], OpError::NotACode),
            (
                &[("FAKE_OP_MODE", "crash")],
                OpError::Failed {
                    message: "read: context deadline exceeded".into(),
                },
            ),
        ];
        for (vars, expected) in cases {
            assert_eq!(run_fake(&aws_work(), vars, wait), Err(expected));
        }
        let vault = run_fake(&aws_work(), &[("FAKE_OP_VAULTS", "Work")], wait);
        assert_eq!(
            vault,
            Err(OpError::VaultNotFound {
                vault: "Private".into()
            })
        );
        let account = OnePassword {
            account: Some("acme".into()),
            ..aws_work()
        };
        let unknown = run_fake(&account, &[("FAKE_OP_ACCOUNTS", "other")], wait);
        assert_eq!(
            unknown,
            Err(OpError::UnknownAccount {
                account: "acme".into()
            })
        );
    }

    #[test]
    fn fetch_code_gives_up_on_an_unanswered_prompt() {
        let started = Instant::now();
        let err = run_fake(
            &aws_work(),
            &[("FAKE_OP_MODE", "hang")],
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert_eq!(err, OpError::Timeout { seconds: 1 });
        assert!(err.retryable());
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_timed_out_op_is_stopped() {
        let marker = format!("FAKE_OP_TEST_MARKER={}", std::process::id());
        let (name, value) = marker.split_once('=').unwrap();
        let vars = [("FAKE_OP_MODE", "hang"), (name, value)];
        let err = run_fake(&aws_work(), &vars, Duration::from_millis(300)).unwrap_err();
        assert_eq!(err, OpError::Timeout { seconds: 1 });
        let still_running = fs::read_dir("/proc")
            .unwrap()
            .filter_map(|entry| fs::read(entry.ok()?.path().join("environ")).ok())
            .any(|environ| {
                environ
                    .split(|b| *b == 0)
                    .any(|var| var == marker.as_bytes())
            });
        assert!(
            !still_running,
            "the fake op is still running after the timeout"
        );
    }

    #[test]
    fn fetch_code_without_op() {
        let dir = tempfile::tempdir().unwrap();
        let err = aws_work()
            .fetch_code(&dir.path().join("op"), Duration::from_secs(5))
            .unwrap_err();
        assert_eq!(err, OpError::NotInstalled);
    }

    #[cfg(unix)]
    #[test]
    fn fetch_code_with_an_op_that_cannot_run() {
        // A file that exists but is not executable: the OS refuses it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("op");
        write_file(&path, 0o644);
        let err = aws_work()
            .fetch_code(&path, Duration::from_secs(5))
            .unwrap_err();
        assert!(
            matches!(&err, OpError::CannotRun { path: p, .. } if *p == path),
            "{err:?}"
        );
        assert_eq!(err.kind(), "op_failed");
    }
}
