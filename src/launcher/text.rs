//! `--format text`: lines for people at a terminal.

use super::Report;
use crate::clock::Now;
use crate::display::{describe, human, local_clock, valid_until};
use crate::quote::shell_word;
use crate::reminders::{Kind, Overview, describe_lead, describe_switch};

pub(super) fn render(report: &Report) -> String {
    match report {
        Report::List {
            profiles,
            now,
            no_match,
            ..
        } => {
            if let Some(no_match) = no_match {
                return format!(
                    "no profile matches “{}” ({} in all)\n",
                    no_match.query,
                    no_match.count()
                );
            }
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
                let mut line = describe(p.status, p.expires_at, now);
                match &p.via {
                    // A role profile: its base's status, and its base's row says what to set up.
                    Some(base) => line = format!("via {base} · {line}"),
                    None => {
                        if let Some(hint) = p.setup_hint() {
                            line.push_str(&format!(" · needs setup: {hint}"));
                        }
                    }
                }
                let pad = width - p.name.chars().count();
                out.push_str(&format!("{}{}  {line}\n", p.name, " ".repeat(pad)));
            }
            out
        }
        Report::Status {
            profile,
            reminders,
            now,
            ..
        } => {
            let mut out = format!(
                "{}: {}\n",
                profile.name,
                describe(profile.status, profile.expires_at, now)
            );
            match &profile.via {
                Some(base) => out.push_str(&format!(
                    "  rides on: {base}'s session (AWS tools assume the role with it; awsmfa login {} refreshes it)\n",
                    shell_word(base)
                )),
                None => {
                    out.push_str(&format!("  source profile: {}\n", profile.source_profile));
                }
            }
            if let Some(region) = &profile.region {
                out.push_str(&format!("  region: {region}\n"));
            }
            if let Some(role) = &profile.role_arn {
                out.push_str(&format!("  role: {role}\n"));
            }
            let source = match (
                &profile.mfa_process,
                &profile.ykman_account,
                &profile.op_item,
            ) {
                (Some(_), _, _) => "mfa_process".to_string(),
                (None, Some(account), _) => format!("YubiKey account \"{account}\" (ykman)"),
                (None, None, Some(item)) => format!("1Password item \"{item}\""),
                (None, None, None) => "none (needs setup)".to_string(),
            };
            out.push_str(&format!("  one-time code: {source}\n"));
            if let Some(hint) = profile.setup_hint() {
                out.push_str(&format!("  set up with: {hint}\n"));
            }
            out.push_str(&format!("  reminders: {reminders}\n"));
            out
        }
        Report::LoggedIn {
            profile,
            expires_at,
            now,
        } => format!("{profile}: {}\n", valid_until(*expires_at, now)),
        Report::LoggedOut { profile, removed } => {
            if *removed {
                format!("{profile}: logged out (session keys removed)\n")
            } else {
                format!("{profile}: no session keys to remove\n")
            }
        }
        Report::SetUp {
            profile,
            done,
            login,
        } => {
            let mut out = format!("{profile}: set up\n");
            for line in done.iter() {
                out.push_str(&format!("  {line}\n"));
            }
            match login {
                Some((expires_at, now)) => out.push_str(&format!(
                    "{profile}  {}\n",
                    describe(crate::expiry::Status::Valid, Some(*expires_at), now)
                )),
                None => {
                    out.push_str(&format!("  next: awsmfa login {}\n", shell_word(profile)));
                }
            }
            out
        }
        Report::SetupCandidates { candidates } => {
            if candidates.is_empty() {
                return "nothing to set up: every profile with long-term keys is set up (add a profile's keys to ~/.aws/credentials first)\n".into();
            }
            let mut out = String::new();
            for c in candidates {
                out.push_str(&format!("{}: {}: {}\n", c.profile, c.detail, c.command));
            }
            out
        }
        Report::SetupDevices { devices, .. } => devices
            .iter()
            .map(|d| format!("{}  ({})\n", d.serial, d.source.describe()))
            .collect(),
        Report::SetupOpItems { items, hint, .. } => {
            let mut out: String = items
                .iter()
                .map(|item| {
                    let url = item.hrefs().into_iter().next().unwrap_or_default();
                    format!("{}  {} · {} {url}\n", item.id, item.title, item.vault.name)
                        .replace(" \n", "\n")
                })
                .collect();
            if let Some(hint) = hint {
                out.push_str(&format!("{hint}\n"));
            }
            out
        }
        Report::Reminders { overview, now } => reminders(overview, now),
        Report::NotifyDue {
            off,
            posted,
            next,
            now,
        } => {
            if let Some(origin) = off {
                return format!(
                    "reminders are off ({}): awsmfa reminders on turns them on\n",
                    describe_switch(*origin)
                );
            }
            let mut out = String::new();
            for title in posted {
                out.push_str(&format!("posted: {title}\n"));
            }
            if posted.is_empty() {
                out.push_str("nothing due\n");
            }
            if let Some(next) = next {
                out.push_str(&format!(
                    "next reminder due at {} (in {})\n",
                    local_clock(*next, now),
                    human(next.as_second() - now.at.as_second())
                ));
            }
            out
        }
        Report::Waited => String::new(),
        Report::Doctor { checks } => checks.iter().map(|c| c.line() + "\n").collect(),
        Report::Keys {
            shape,
            session,
            region,
        } => super::keys::render(super::Format::Text, *shape, session, region.as_deref()),
        Report::Document(text) => text.clone(),
    }
}

/// `awsmfa reminders …`: what was done, then the switch, the scheduler and what comes next.
fn reminders(o: &Overview, now: &Now) -> String {
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
        let when = if r.due_at <= now.at {
            "due now".to_string()
        } else {
            format!("at {}", local_clock(r.due_at, now))
        };
        out.push_str(&format!(
            "next: {} {what} {when} (session ends {})\n",
            r.profile,
            local_clock(r.expires_at, now)
        ));
    }
    if let Some((profile, kind, at)) = &o.last_posted {
        let what = match kind {
            Kind::Early => "before expiry",
            Kind::Expired => "at expiry",
        };
        out.push_str(&format!(
            "last posted: {profile} {what}, {}\n",
            local_clock(*at, now)
        ));
    }
    if let Some(f) = &o.last_failure {
        out.push_str(&format!(
            "last failure: {} ({}): {}\n",
            local_clock(f.at, now),
            f.profile,
            f.message
        ));
    }
    for problem in &o.problems {
        out.push_str(&format!("problem: {problem}\n"));
    }
    out
}
