//! `mfa_process`: a command from `~/.aws/config` that prints the one-time code (aws-vault's
//! key). Like aws-vault, it runs through `/bin/sh -c`, since it is the person's own command
//! line; the code only ever travels through its stdout.

use std::process::Command;

use super::process::{RunError, run};
use super::{CODE_TIMEOUT, CodeSource, check_code};
use crate::error::{Error, ErrorKind, Result};

/// The `mfa_process` of a profile.
pub struct MfaProcess {
    command: String,
    profile: String,
}

impl MfaProcess {
    /// The command line as written in the config file.
    pub fn new(command: String, profile: String) -> Self {
        MfaProcess { command, profile }
    }

    fn failed(&self, why: &str) -> Error {
        Error::new(
            ErrorKind::CodeCommandFailed,
            format!(
                "mfa_process of {} {why}: run it in a terminal to see why, or fix it in [profile {}] of ~/.aws/config",
                self.profile, self.profile
            ),
        )
    }
}

impl CodeSource for MfaProcess {
    fn progress(&self) -> &'static str {
        "Running mfa_process for the code…"
    }

    fn is_time_based(&self) -> bool {
        true
    }

    fn fetch(&self) -> Result<String> {
        let output = run(
            Command::new("/bin/sh").arg("-c").arg(&self.command),
            CODE_TIMEOUT,
        )
        .map_err(|e| match e {
            RunError::Start(err) => self.failed(&format!("could not start ({err})")),
            RunError::Timeout => self.failed(&format!(
                "did not finish within {} s",
                CODE_TIMEOUT.as_secs()
            )),
        })?;
        if output.status != Some(0) {
            let stderr = output.stderr.lines().rev().find(|l| !l.trim().is_empty());
            let why = match (output.status, stderr) {
                (Some(code), Some(line)) => format!("exited with status {code}: {}", line.trim()),
                (Some(code), None) => format!("exited with status {code}"),
                (None, _) => "was killed by a signal".to_string(),
            };
            return Err(self.failed(&why));
        }
        let code = output.stdout.trim().to_string();
        check_code(&code).map_err(|_| self.failed("did not print a 6-digit code"))?;
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetch(command: &str) -> Result<String> {
        MfaProcess::new(command.into(), "work".into()).fetch()
    }

    #[test]
    fn reads_the_code_from_stdout() {
        assert_eq!(fetch("echo 654321").unwrap(), "654321");
        assert_eq!(fetch("printf '  111222\\n\\n'").unwrap(), "111222");
    }

    #[test]
    fn failures_name_the_profile_and_never_echo_output() {
        let err = fetch("echo 'vault sealed' >&2; exit 3").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::CodeCommandFailed);
        assert!(
            err.message().contains("exited with status 3: vault sealed"),
            "{}",
            err.message()
        );
        let err = fetch("echo hunter2-secret").unwrap_err();
        assert!(err.message().contains("did not print a 6-digit code"));
        assert!(!err.message().contains("hunter2"));
    }
}
