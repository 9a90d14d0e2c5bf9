//! `awsmfa doctor`: what a login needs, checked one thing at a time, each check ok, warn or
//! fail, and each problem with its fix. The checks themselves live beside what they check
//! (1Password in [`onepassword`], the launchers in [`launchers`], reminders in
//! [`reminders`]); `commands/doctor.rs` runs them all, each on its own, so that one failing
//! or slow check never stops the others.

pub mod launchers;
pub mod onepassword;
pub mod reminders;

use serde::Serialize;

use crate::error::{Error, ErrorKind};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing to do.
    Ok,
    /// Works, but worth a look (the fix says what to do).
    Warn,
    /// A login, or a reminder, will not work until the fix is done.
    Fail,
}

impl Status {
    /// `ok`, `warn`, `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One check's outcome: the JSON object `awsmfa doctor --format json` prints per check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked, a stable name: `op_found`, `op_answers`, `keychain`, `profile`, …
    pub check: &'static str,
    /// ok, warn or fail.
    pub status: Status,
    /// The profile it is about, for per-profile checks.
    pub profile: Option<String>,
    /// What it checks, for people: `1Password CLI found`.
    pub title: String,
    /// What was found: `/opt/homebrew/bin/op 2.30.0`.
    pub detail: String,
    /// What to do, for a warning or a failure.
    pub fix: Option<String>,
}

impl Check {
    /// A check that passed.
    pub fn ok(check: &'static str, title: impl Into<String>, detail: impl Into<String>) -> Self {
        Check {
            check,
            status: Status::Ok,
            profile: None,
            title: title.into(),
            detail: detail.into(),
            fix: None,
        }
    }

    /// The same check with a problem: `status`, and the fix.
    pub fn problem(mut self, status: Status, fix: impl Into<String>) -> Self {
        self.status = status;
        self.fix = Some(fix.into()).filter(|fix| !fix.is_empty());
        self
    }

    /// A check that came out as `error` says: its message split into what happened (the
    /// detail) and what to do (the fix).
    pub fn from_error(
        check: &'static str,
        title: impl Into<String>,
        status: Status,
        error: &Error,
    ) -> Self {
        let (detail, fix) = split_advice(error.message());
        Check::ok(check, title, detail).problem(status, fix.unwrap_or_default())
    }

    /// About `profile`.
    pub fn for_profile(mut self, profile: &str) -> Self {
        self.profile = Some(profile.to_string());
        self
    }

    /// The line a terminal shows: `fail  1Password answers: 1Password is locked — fix: unlock it`.
    pub fn line(&self) -> String {
        let mut line = format!(
            "{:<4}  {}: {}",
            self.status.as_str(),
            self.title,
            self.detail
        );
        if let Some(fix) = &self.fix {
            line.push_str(" — fix: ");
            line.push_str(fix);
        }
        line
    }
}

/// A message of the form "what happened: what to do" split at its first `: ` outside
/// parentheses and quotes (the advice); a message without one is all "what happened".
pub fn split_advice(message: &str) -> (String, Option<String>) {
    let mut depth = 0i32;
    let mut quoted = false;
    let bytes = message.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'"' | b'`' => quoted = !quoted,
            b':' if depth <= 0 && !quoted && bytes.get(at + 1) == Some(&b' ') => {
                let fix = message[at + 2..].trim();
                if !fix.is_empty() {
                    return (message[..at].to_string(), Some(fix.to_string()));
                }
            }
            _ => {}
        }
    }
    (message.to_string(), None)
}

/// The failure that makes `awsmfa doctor` exit non-zero: the checks that failed, if any.
pub fn failure(checks: &[Check]) -> Option<Error> {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| match &c.profile {
            Some(profile) if !c.title.contains(profile.as_str()) => {
                format!("{} ({profile})", c.title)
            }
            _ => c.title.clone(),
        })
        .collect();
    if failed.is_empty() {
        return None;
    }
    let count = match failed.len() {
        1 => "1 check".to_string(),
        n => format!("{n} checks"),
    };
    Some(Error::new(
        ErrorKind::DoctorFailed,
        format!(
            "{count} of {} failed ({}): each says how to fix it",
            checks.len(),
            failed.join("; ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_is_split_at_the_first_colon_outside_parentheses_and_quotes() {
        assert_eq!(
            split_advice("1Password is locked: unlock it (op asks: Touch ID)"),
            (
                "1Password is locked".to_string(),
                Some("unlock it (op asks: Touch ID)".to_string())
            )
        );
        assert_eq!(
            split_advice(
                "1Password CLI is not signed in (error initializing client: no): turn on the integration"
            ),
            (
                "1Password CLI is not signed in (error initializing client: no)".to_string(),
                Some("turn on the integration".to_string())
            )
        );
        assert_eq!(
            split_advice("1Password has no item \"a: b\": check it"),
            (
                "1Password has no item \"a: b\"".to_string(),
                Some("check it".to_string())
            )
        );
        assert_eq!(
            split_advice("all is well"),
            ("all is well".to_string(), None)
        );
    }

    #[test]
    fn only_a_failed_check_fails_the_doctor() {
        let ok = Check::ok("op_found", "1Password CLI found", "/usr/bin/op 2.30.0");
        let warn = Check::ok("reminders", "Reminders on and scheduled", "off")
            .problem(Status::Warn, "run awsmfa reminders on");
        assert_eq!(failure(&[ok.clone(), warn.clone()]), None);
        let fail = Check::ok("profile", "work ready to log in", "no MFA serial")
            .problem(Status::Fail, "run awsmfa setup work --serial ARN")
            .for_profile("work");
        let err = failure(&[ok, warn, fail.clone()]).unwrap();
        assert_eq!(err.kind(), ErrorKind::DoctorFailed);
        assert_eq!(
            err.message(),
            "1 check of 3 failed (work ready to log in): each says how to fix it"
        );
        assert_eq!(
            fail.line(),
            "fail  work ready to log in: no MFA serial — fix: run awsmfa setup work --serial ARN"
        );
    }
}
