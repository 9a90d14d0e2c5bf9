//! The 1Password checks: `op` found (where, which version), 1Password answering a real read
//! (`op vault list`), and each profile's item holding a one-time password (read, never shown).
//! Every op call is bounded: a locked 1Password whose prompt nobody answers is a failure with
//! its fix, not a hang.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Check, Status};
use crate::error::Error;
use crate::otp::onepassword::{self, OnePassword, OpError, vaults};
use crate::paths::Env;
use crate::quote::shell_word;

/// How long op may take to answer a check: long enough to unlock 1Password or answer its
/// Touch ID prompt, short of login's 90 s.
pub const OP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long `op --version` may take.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);

fn error(err: &OpError, profile: Option<&str>) -> Error {
    Error::new(err.kind(), err.message(profile.map(shell_word).as_deref()))
}

/// How much a 1Password problem matters: a failure when a profile gets its code from
/// 1Password (or has no code source yet, which `setup` makes 1Password), else a warning.
fn weight(needed: bool) -> Status {
    if needed { Status::Fail } else { Status::Warn }
}

/// `op_found`: where op is and its version. Returns the op to run, if there is one.
pub fn found(env: &Env, needed: bool) -> (Check, Option<PathBuf>) {
    const TITLE: &str = "1Password CLI found";
    match onepassword::find_op(env.op.as_deref(), env.path.as_deref()) {
        Ok(op) => {
            let detail = match vaults::version(&op, VERSION_TIMEOUT) {
                Ok(version) if !version.is_empty() => format!("{} {version}", op.display()),
                Ok(_) => format!("{} (op --version printed nothing)", op.display()),
                Err(err) => {
                    let check =
                        Check::from_error("op_found", TITLE, Status::Fail, &error(&err, None));
                    let detail = format!("{} does not run: {}", op.display(), check.detail);
                    return (
                        Check { detail, ..check }.problem(weight(needed), "reinstall it (brew install 1password-cli), or set AWSMFA_OP to an op that runs"),
                        None,
                    );
                }
            };
            (Check::ok("op_found", TITLE, detail), Some(op))
        }
        Err(_) if !needed => (
            Check::ok(
                "op_found",
                TITLE,
                "not installed, and no profile gets its one-time code from 1Password",
            ),
            None,
        ),
        Err(err) => (
            Check::from_error("op_found", TITLE, Status::Fail, &error(&err, None)),
            None,
        ),
    }
}

/// `op_answers`: a real read that needs no item (`op vault list`). Returns whether op answered.
pub fn answers(op: &Path, account: Option<&str>, needed: bool) -> (Check, bool) {
    const TITLE: &str = "1Password answers";
    match vaults::list(op, account, OP_TIMEOUT) {
        Ok(count) => {
            let vaults = if count == 1 { "vault" } else { "vaults" };
            (
                Check::ok(
                    "op_answers",
                    TITLE,
                    format!("op vault list read {count} {vaults}"),
                ),
                true,
            )
        }
        Err(err) => (
            Check::from_error("op_answers", TITLE, weight(needed), &error(&err, None)),
            false,
        ),
    }
}

/// Whether `item` gives a one-time code: it is read with op, and the code dropped at once.
pub fn item_gives_a_code(op: &Path, item: &OnePassword, profile: &str) -> Result<(), Error> {
    match item.fetch_code(op, OP_TIMEOUT) {
        Ok(code) => crate::otp::check_code(&code),
        Err(err) => Err(error(&err, Some(profile))),
    }
}
