//! `--format json`: the stable JSON the Raycast extension and scripts read (fields documented
//! in the README).

use serde::Serialize;
use serde_json::json;

use super::Report;
use crate::error::Error;
use crate::expiry;
use crate::profiles::Profile;

/// One profile as JSON.
#[derive(Serialize)]
struct ProfileJson<'a> {
    name: &'a str,
    via: Option<&'a str>,
    status: &'static str,
    expires_at: Option<String>,
    seconds_left: Option<i64>,
    source_profile: &'a str,
    region: Option<&'a str>,
    role_arn: Option<&'a str>,
    needs_setup: bool,
    setup_hint: Option<String>,
}

fn profile_json<'a>(p: &'a Profile<'_>) -> ProfileJson<'a> {
    ProfileJson {
        name: &p.name,
        via: p.via.as_deref(),
        status: p.status.as_str(),
        expires_at: p.expires_at.map(expiry::format),
        seconds_left: p.seconds_left,
        source_profile: &p.source_profile,
        region: p.region.as_deref(),
        role_arn: p.role_arn.as_deref(),
        needs_setup: p.needs_setup(),
        setup_hint: p.setup_hint(),
    }
}

pub(super) fn render(report: &Report) -> String {
    #[derive(Serialize)]
    struct List<'a> {
        profiles: Vec<ProfileJson<'a>>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        warnings: &'a [String],
    }
    #[derive(Serialize)]
    struct Status<'a> {
        #[serde(flatten)]
        profile: ProfileJson<'a>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        warnings: &'a [String],
    }
    let text = match report {
        Report::List {
            profiles, warnings, ..
        } => serde_json::to_string(&List {
            profiles: profiles.iter().map(profile_json).collect(),
            warnings,
        }),
        Report::Status {
            profile, warnings, ..
        } => serde_json::to_string(&Status {
            profile: profile_json(profile),
            warnings,
        }),
        Report::Keys {
            shape,
            session,
            region,
        } => {
            return super::keys::render(super::Format::Json, *shape, session, region.as_deref());
        }
        Report::Document(text) => return text.clone(),
        _ => Ok(render_value(report).to_string()),
    };
    text.unwrap_or_else(|_| "{}".into()) + "\n"
}

/// The reports whose field order does not matter to anyone.
fn render_value(report: &Report) -> serde_json::Value {
    match report {
        Report::List { .. } | Report::Status { .. } | Report::Keys { .. } | Report::Document(_) => {
            serde_json::Value::Null
        }
        Report::LoggedIn {
            profile,
            expires_at,
            now,
        } => json!({
            "profile": profile,
            "expires_at": expiry::format(*expires_at),
            "seconds_left": expires_at.as_second() - now.at.as_second(),
        }),
        Report::LoggedOut { profile, removed } => {
            json!({ "profile": profile, "logged_out": true, "had_session": removed })
        }
        Report::SetUp {
            profile,
            done,
            login,
        } => json!({
            "profile": profile,
            "done": done,
            "login": login.as_ref().map(|(expires_at, now)| json!({
                "expires_at": expiry::format(*expires_at),
                "seconds_left": expires_at.as_second() - now.at.as_second(),
            })),
        }),
        Report::SetupCandidates { candidates } => json!({ "candidates": candidates }),
        Report::SetupDevices { profile, devices } => json!({
            "profile": profile,
            "devices": devices.iter().enumerate().map(|(i, d)| json!({
                "serial": d.serial,
                "source": d.source,
                "proposed": i == 0,
            })).collect::<Vec<_>>(),
        }),
        Report::SetupOpItems {
            profile,
            items,
            hint,
        } => json!({
            "profile": profile,
            "items": items.iter().enumerate().map(|(i, item)| json!({
                "id": item.id,
                "title": item.title,
                "vault": item.vault.name,
                "urls": item.hrefs(),
                "proposed": i == 0,
            })).collect::<Vec<_>>(),
            "hint": hint,
        }),
        Report::Reminders { overview: o, .. } => json!({
            "enabled": o.enabled,
            "switch": o.switch_origin,
            "lead_seconds": o.default_lead.seconds,
            "lead_origin": o.default_lead.origin,
            "scheduler": o.scheduler,
            "upcoming": o.upcoming.iter().map(|r| json!({
                "profile": r.profile,
                "kind": r.kind,
                "due_at": expiry::format(r.due_at),
                "expires_at": expiry::format(r.expires_at),
            })).collect::<Vec<_>>(),
            "last_posted": o.last_posted.as_ref().map(|(profile, kind, at)| json!({
                "profile": profile,
                "kind": kind,
                "at": expiry::format(*at),
            })),
            "last_failure": o.last_failure.as_ref().map(|f| json!({
                "profile": f.profile,
                "message": f.message,
                "at": expiry::format(f.at),
            })),
            "problems": o.problems,
            "done": o.done,
        }),
        Report::NotifyDue {
            off, posted, next, ..
        } => json!({
            "enabled": off.is_none(),
            "switch": off,
            "posted": posted,
            "next_due_at": next.map(expiry::format),
        }),
        Report::Waited => json!({ "waited": true }),
        Report::Doctor { checks } => json!({
            "ok": crate::doctor::failure(checks).is_none(),
            "checks": checks,
        }),
    }
}

pub(super) fn render_error(error: &Error) -> String {
    json!({
        "error": {
            "kind": error.kind().name(),
            "message": error.message(),
            "retryable": error.is_retryable(),
        }
    })
    .to_string()
        + "\n"
}
