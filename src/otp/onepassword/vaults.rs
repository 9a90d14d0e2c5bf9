//! Whether 1Password answers at all, without reading any item: `op vault list --format json`
//! (for `awsmfa doctor`). Under the app integration `op whoami` says "not signed in" even while
//! reads work, so only a real read tells; a vault list is one that needs no item and prints no
//! secret.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::{OpError, interpret, spawn_error};
use crate::otp::process::{self, RunError};
use crate::otp::program::whole_seconds;

/// The argv of the vault list, for the given account (`--account`).
pub fn args(account: Option<&str>) -> Vec<String> {
    let mut args: Vec<String> = ["vault", "list", "--format", "json"]
        .map(str::to_owned)
        .into();
    if let Some(account) = account {
        args.extend(["--account".to_owned(), account.to_owned()]);
    }
    args
}

/// Runs `op vault list --format json [--account A]`, stopped after `timeout`; returns how many
/// vaults op can read.
pub fn list(op: &Path, account: Option<&str>, timeout: Duration) -> Result<usize, OpError> {
    match process::run(Command::new(op).args(args(account)), timeout) {
        Ok(out) => interpret_list(out.status, &out.stdout, &out.stderr),
        Err(RunError::Start(err)) => Err(spawn_error(op, &err)),
        Err(RunError::Timeout) => Err(OpError::Timeout {
            seconds: whole_seconds(timeout),
        }),
    }
}

/// Pure: classify a finished vault list. A failure reads as it does for `op item get` (locked,
/// not signed in, the app unreachable, …).
pub fn interpret_list(code: Option<i32>, stdout: &str, stderr: &str) -> Result<usize, OpError> {
    if code != Some(0) {
        return interpret(code, "", stderr, "").map(|_| 0);
    }
    match serde_json::from_str::<serde_json::Value>(stdout) {
        Ok(serde_json::Value::Array(vaults)) => Ok(vaults.len()),
        _ => Err(OpError::Failed {
            message: "op vault list printed something other than a list of vaults".into(),
        }),
    }
}

/// `op --version`, e.g. `2.30.0`, stopped after `timeout`.
pub fn version(op: &Path, timeout: Duration) -> Result<String, OpError> {
    match process::run(Command::new(op).arg("--version"), timeout) {
        Ok(out) if out.status == Some(0) => Ok(out.stdout.trim().to_owned()),
        Ok(out) => Err(interpret(out.status, "", &out.stderr, "").unwrap_err()),
        Err(RunError::Start(err)) => Err(spawn_error(op, &err)),
        Err(RunError::Timeout) => Err(OpError::Timeout {
            seconds: whole_seconds(timeout),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_vaults_and_reads_failures_as_item_reads_do() {
        let listed = r#"[{"id":"abc","name":"Private"},{"id":"def","name":"Work"}]"#;
        assert_eq!(interpret_list(Some(0), listed, ""), Ok(2));
        assert_eq!(interpret_list(Some(0), "[]", ""), Ok(0));
        assert!(matches!(
            interpret_list(Some(0), "Private\n", ""),
            Err(OpError::Failed { .. })
        ));
        let locked = "[ERROR] 2026/11/25 10:00:00 connecting to desktop app timed out\n";
        assert_eq!(interpret_list(Some(1), "", locked), Err(OpError::Locked));
        let signed_out = "[ERROR] 2026/11/25 10:00:00 error initializing client: You are not currently signed in. Please run `op signin --help` for instructions\n";
        assert!(matches!(
            interpret_list(Some(1), "", signed_out),
            Err(OpError::NotSignedIn { .. })
        ));
    }

    #[test]
    fn the_account_goes_last() {
        assert_eq!(args(None), ["vault", "list", "--format", "json"]);
        assert_eq!(
            args(Some("my.1password.com")),
            [
                "vault",
                "list",
                "--format",
                "json",
                "--account",
                "my.1password.com"
            ]
        );
    }
}
