//! The reminder checks: on and scheduled, and a notification service that answers (asked for
//! its name, so nothing is shown).

use jiff::Timestamp;

use super::{Check, Status};
use crate::clock::Now;
use crate::display::local_clock;
use crate::paths::Env;
use crate::reminders::schedule::Kind;
use crate::reminders::{self, SwitchOrigin, describe_lead, describe_switch, notify};

/// `reminders`: whether they are on, and what runs them. Returns whether they are on.
pub fn scheduled(env: &Env, now: Timestamp) -> (Check, bool) {
    const TITLE: &str = "Reminders on and scheduled";
    let overview = match reminders::overview(env, now) {
        Ok(overview) => overview,
        Err(err) => {
            return (
                Check::from_error("reminders", TITLE, Status::Warn, &err),
                true,
            );
        }
    };
    if !overview.enabled {
        let fix = match overview.switch_origin {
            SwitchOrigin::Environment => "unset AWSMFA_REMINDERS (or set it to on)",
            _ => "run awsmfa reminders on",
        };
        let detail = format!("off ({})", describe_switch(overview.switch_origin));
        return (
            Check::ok("reminders", TITLE, detail).problem(Status::Warn, fix),
            false,
        );
    }
    let lead = describe_lead(overview.default_lead.seconds);
    if !overview.problems.is_empty() {
        let detail = format!("on, but {}", overview.problems.join("; "));
        return (
            Check::ok("reminders", TITLE, detail)
                .problem(Status::Warn, "correct the setting, or unset it"),
            true,
        );
    }
    let check = match overview.scheduler.kind {
        Kind::None if !overview.upcoming.is_empty() => Check::ok(
            "reminders",
            TITLE,
            format!(
                "on ({lead}), but nothing runs them, and {} session(s) are due a reminder",
                overview.upcoming.len()
            ),
        )
        .problem(Status::Warn, "run awsmfa reminders on"),
        Kind::None => Check::ok(
            "reminders",
            TITLE,
            format!("on ({lead}); no session to remind of, and the next login schedules them"),
        ),
        _ => Check::ok(
            "reminders",
            TITLE,
            format!("on ({lead}) · {}", overview.scheduler.description),
        ),
    };
    (check, true)
}

/// `notifications`: a notification service answers; the last failure to post, if any.
/// A failure only while reminders are on.
pub fn can_post(env: &Env, enabled: bool, now: &Now) -> Check {
    const TITLE: &str = "Reminders can be posted";
    let status = if enabled { Status::Fail } else { Status::Warn };
    match notify::server(env) {
        Ok(server) => {
            let last = reminders::State::load(env)
                .ok()
                .and_then(|state| state.last_failure);
            match last {
                Some(failure) => Check::ok(
                    "notifications",
                    TITLE,
                    format!(
                        "{server}, but the reminder for {} at {} could not be posted: {}",
                        failure.profile,
                        local_clock(failure.at, now),
                        failure.message
                    ),
                )
                .problem(
                    Status::Warn,
                    "allow notifications from awsmfa (Terminal on macOS) and turn off Do Not Disturb; the next reminder tries again",
                ),
                None => Check::ok("notifications", TITLE, server),
            }
        }
        Err(err) => {
            let (detail, fix) = super::split_advice(&err.message);
            Check::ok("notifications", TITLE, detail).problem(
                status,
                fix.unwrap_or_else(|| "log in to a desktop session".into()),
            )
        }
    }
}
