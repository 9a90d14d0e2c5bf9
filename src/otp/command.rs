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
                "mfa_process of {} {why}: run it in a terminal to see its whole output, or fix it in [profile {}] of ~/.aws/config",
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
                (Some(code), Some(line)) => format!("exited with status {code}: {}", cleaned(line)),
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

/// The longest piece of a helper's stderr shown.
const SHOWN_CHARS: usize = 120;

/// A line of a code helper's stderr made fit to show: what looks like a secret masked
/// (`secret=…`-like values, long base32 runs as a TOTP seed is written, long runs of letters
/// and digits as keys and tokens are), and cut short. A helper run with `set -x` prints its
/// command lines, seed included.
fn cleaned(line: &str) -> String {
    const SECRET_NAMES: [&str; 7] = [
        "secret", "seed", "token", "password", "passwd", "key", "otp",
    ];
    let mut out = String::new();
    let mut hide_next = false;
    for (i, word) in line
        .trim()
        .split_inclusive(|c: char| !is_secret_char(c))
        .enumerate()
    {
        let (body, end) = word.split_at(word.trim_end_matches(|c: char| !is_secret_char(c)).len());
        if body.is_empty() {
            out.push_str(end);
            continue;
        }
        let lower = body.to_ascii_lowercase();
        let looks_secret = hide_next
            || (body.len() >= 16 && is_base32(body))
            || (body.len() >= 20
                && body.bytes().any(|b| b.is_ascii_digit())
                && body.bytes().any(|b| b.is_ascii_alphabetic()));
        if looks_secret {
            out.push_str("•••");
        } else {
            out.push_str(body);
        }
        out.push_str(end);
        // `secret=VALUE`, `--password VALUE`, `token: VALUE`: the value is a secret.
        let name = lower.trim_start_matches('-');
        hide_next = SECRET_NAMES.iter().any(|n| {
            name == *n || name.ends_with(&format!("_{n}")) || name.ends_with(&format!("-{n}"))
        });
        if i > 200 {
            break;
        }
    }
    match out.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &out[..at]),
        None => out,
    }
}

/// Whether `word` is written like a base32 TOTP seed: upper case (`JBSWY3DPEHPK3PXP`), or
/// lower case with digits (`jbswy3dpehpk3pxp`); a long plain word is not.
fn is_base32(word: &str) -> bool {
    let upper = word
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b"234567=".contains(&b));
    let lower = word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b"234567=".contains(&b))
        && word.bytes().any(|b| b.is_ascii_digit());
    upper || lower
}

/// Characters a secret is written with (base32, base64, hex, URL-safe tokens).
fn is_secret_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+/_-".contains(c)
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
    fn what_looks_like_a_secret_in_its_stderr_is_masked() {
        for (line, shown) in [
            (
                "+ gen otpauth://totp/AWS?secret=JBSWY3DPEHPK3PXP&issuer=AWS",
                "+ gen otpauth://totp/AWS?secret=•••&issuer=AWS",
            ),
            (
                "+ oathtool --totp -b JBSWY3DPEHPK3PXP",
                "+ oathtool --totp -b •••",
            ),
            ("token: abc", "token: •••"),
            ("--password hunter2", "--password •••"),
            (
                "key AKIAIOSFODNN7EXAMPLEEXTRA0123 refused",
                "key ••• refused",
            ),
            ("no YubiKey found", "no YubiKey found"),
        ] {
            assert_eq!(cleaned(line), shown, "{line}");
        }
        assert_eq!(
            cleaned("internationalization failed"),
            "internationalization failed"
        );
        let long = "the helper failed ".repeat(30);
        assert_eq!(cleaned(&long).chars().count(), SHOWN_CHARS + 1);
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
