//! Where the one-time code comes from: a typed `--code`, the profile's `mfa_process`, or
//! 1Password's `op` CLI. Codes are checked to be six digits before anything sends them.

pub mod command;
pub mod onepassword;
pub mod process;
pub mod window;

use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::paths::Env;
use crate::profiles::Profile;
use crate::quote::shell_word;

/// How long `op` or `mfa_process` may take: the 1Password app may be waiting for Touch ID.
pub const CODE_TIMEOUT: Duration = Duration::from_secs(90);

/// A source of one-time codes.
pub trait CodeSource {
    /// What the progress line says while the code is fetched: "Fetching code from 1Password…".
    fn progress(&self) -> &'static str;
    /// Whether each call yields the code of the current 30-second window (so a second call in
    /// the same window would repeat a code AWS already accepted).
    fn is_time_based(&self) -> bool;
    /// Fetches one code.
    fn fetch(&self) -> Result<String>;
}

/// A code the person typed.
pub struct Typed(pub String);

impl CodeSource for Typed {
    fn progress(&self) -> &'static str {
        "Using the code given with --code…"
    }
    fn is_time_based(&self) -> bool {
        false
    }
    fn fetch(&self) -> Result<String> {
        check_code(&self.0)?;
        Ok(self.0.clone())
    }
}

/// Refuses anything but exactly six ASCII digits, without repeating what was given.
pub fn check_code(code: &str) -> Result<()> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidCode,
            "the one-time code must be exactly 6 digits: check it and try again",
        ))
    }
}

/// 1Password through `op`, found on PATH or in Homebrew's folders.
pub struct OnePasswordSource {
    item: onepassword::OnePassword,
    env: Env,
    profile: String,
}

impl CodeSource for OnePasswordSource {
    fn progress(&self) -> &'static str {
        "Fetching code from 1Password…"
    }
    fn is_time_based(&self) -> bool {
        true
    }
    fn fetch(&self) -> Result<String> {
        let op = onepassword::find_op(self.env.op.as_deref(), self.env.path.as_deref())
            .map_err(|e| op_error(&e, &self.profile))?;
        crate::log::debug(
            &self.env,
            &format!("running {} {}", op.display(), self.item.args().join(" ")),
        );
        let code = self
            .item
            .fetch_code(&op, CODE_TIMEOUT)
            .map_err(|e| op_error(&e, &self.profile))?;
        check_code(&code)?;
        Ok(code)
    }
}

fn op_error(err: &onepassword::OpError, profile: &str) -> Error {
    Error::new(err.kind(), err.message(Some(&shell_word(profile))))
}

/// Picks the code source for a login: `--code`, then `mfa_process`, then 1Password.
pub fn source_for(
    profile: &Profile,
    typed: Option<String>,
    env: &Env,
) -> Result<Box<dyn CodeSource>> {
    if let Some(code) = typed {
        return Ok(Box::new(Typed(code)));
    }
    if let Some(process) = &profile.mfa_process {
        return Ok(Box::new(command::MfaProcess::new(
            process.clone(),
            profile.name.clone(),
        )));
    }
    if let Some(item) = &profile.op_item {
        return Ok(Box::new(OnePasswordSource {
            item: onepassword::OnePassword {
                item: item.clone(),
                vault: profile.op_vault.clone(),
                account: profile.op_account.clone(),
            },
            env: env.clone(),
            profile: profile.name.clone(),
        }));
    }
    let name = shell_word(&profile.name);
    Err(Error::new(
        ErrorKind::NoCodeSource,
        format!(
            "{} has no one-time code source: run awsmfa setup {name} --op-item \"ITEM\" (the 1Password item with the one-time password), or pass --code",
            profile.name
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_six_digits_pass_and_the_error_does_not_echo_the_input() {
        assert!(check_code("012345").is_ok());
        for bad in ["12345", "1234567", "12345a", " 12345", "１２３４５６", ""] {
            let err = check_code(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidCode);
            assert!(bad.is_empty() || !err.message().contains(bad), "{bad}");
        }
    }
}
