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
        Report::Reminders { overview, now } => reminders(overview, now),
    }
}

/// The line `awsmfa status` adds to a profile's text: `  reminders: 10 min before expiry
/// and at expiry (default) · launchd agent`.
pub fn reminders_line(summary: &str) -> String {
    format!("  reminders: {summary}\n")
}

/// `awsmfa reminders …`: what was done, then the switch, the scheduler and what comes next.
fn reminders(o: &crate::reminders::Overview, now: &crate::expiry::Clock) -> String {
    use crate::reminders::{Kind, describe_lead, describe_switch};
    let mut out = String::new();
    for line in &o.done {
        out.push_str(&format!("{line}\n"));
    }
    if o.enabled {
        out.push_str(&format!(
            "reminders: on · {} ({})\n",
            describe_lead(o.default_lead.seconds),
            o.default_lead.origin.describe()
        ));
    } else {
        out.push_str(&format!(
            "reminders: off ({})\n",
            describe_switch(o.switch_origin)
        ));
    }
    out.push_str(&format!("scheduler: {}\n", o.scheduler.description));
    for r in &o.upcoming {
        let what = match r.kind {
            Kind::Early => "reminder before expiry",
            Kind::Expired => "reminder at expiry",
        };
        let when = if r.due_at <= now.now {
            "due now".to_string()
        } else {
            format!("at {}", expiry::local_clock(r.due_at, now))
        };
        out.push_str(&format!(
            "next: {} {what} {when} (session ends {})\n",
            r.profile,
            expiry::local_clock(r.expires_at, now)
        ));
    }
    if let Some((profile, kind, at)) = &o.last_posted {
        let what = match kind {
            Kind::Early => "before expiry",
            Kind::Expired => "at expiry",
        };
        out.push_str(&format!(
            "last posted: {profile} {what}, {}\n",
            expiry::local_clock(*at, now)
        ));
    }
    if let Some(f) = &o.last_failure {
        out.push_str(&format!(
            "last failure: {} ({}): {}\n",
            expiry::local_clock(f.at, now),
            f.profile,
            f.message
        ));
    }
    for problem in &o.problems {
        out.push_str(&format!("problem: {problem}\n"));
    }
    out
}

/// `session valid until 06:41 (12h)`.
pub fn logged_in_line(expires_at: jiff::Timestamp, now: &crate::expiry::Clock) -> String {
    format!(
        "session valid until {} ({})",
        expiry::local_clock(expires_at, now),
        expiry::human(expires_at.as_second() - now.now.as_second())
    )
}
