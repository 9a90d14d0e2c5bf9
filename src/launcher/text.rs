//! `--format text`: lines for people at a terminal.

use super::Report;
use crate::expiry;

pub(super) fn render(report: &Report<'_>) -> String {
    match report {
        Report::List { profiles, now } => {
            if profiles.is_empty() {
                return "no MFA profiles found: add [NAME-mfa] with your long-term keys to ~/.aws/credentials, then run awsmfa setup NAME\n".into();
            }
            let width = profiles
                .iter()
                .map(|p| p.name.chars().count())
                .max()
                .unwrap_or(0);
            let mut out = String::new();
            for p in profiles.iter() {
                let mut line = expiry::describe(p.status, p.expires_at, now);
                if let Some(hint) = p.setup_hint() {
                    line.push_str(&format!(" · needs setup: {hint}"));
                }
                let pad = width - p.name.chars().count();
                out.push_str(&format!("{}{}  {line}\n", p.name, " ".repeat(pad)));
            }
            out
        }
        Report::Status { profile, now } => {
            let mut out = format!(
                "{}: {}\n",
                profile.name,
                expiry::describe(profile.status, profile.expires_at, now)
            );
            out.push_str(&format!("  source profile: {}\n", profile.source_profile));
            if let Some(region) = &profile.region {
                out.push_str(&format!("  region: {region}\n"));
            }
            if let Some(role) = &profile.role_arn {
                out.push_str(&format!("  role: {role}\n"));
            }
            let source = match (&profile.mfa_process, &profile.op_item) {
                (Some(_), _) => "mfa_process".to_string(),
                (None, Some(item)) => format!("1Password item \"{item}\""),
                (None, None) => "none (needs setup)".to_string(),
            };
            out.push_str(&format!("  one-time code: {source}\n"));
            if let Some(hint) = profile.setup_hint() {
                out.push_str(&format!("  set up with: {hint}\n"));
            }
            out
        }
        Report::LoggedIn {
            profile,
            expires_at,
            now,
        } => format!("{profile}: {}\n", logged_in_line(*expires_at, now)),
        Report::LoggedOut { profile, removed } => {
            if *removed {
                format!("{profile}: logged out (session keys removed)\n")
            } else {
                format!("{profile}: no session keys to remove\n")
            }
        }
        Report::SetUp { profile, done } => {
            let mut out = format!("{profile}: set up\n");
            for line in done.iter() {
                out.push_str(&format!("  {line}\n"));
            }
            out.push_str(&format!(
                "  next: awsmfa login {}\n",
                super::shell_word(profile)
            ));
            out
        }
    }
}

/// `session valid until 06:41 (12h)`.
pub fn logged_in_line(expires_at: jiff::Timestamp, now: &crate::expiry::Clock) -> String {
    format!(
        "session valid until {} ({})",
        expiry::local_clock(expires_at, now),
        expiry::human(expires_at.as_second() - now.now.as_second())
    )
}
