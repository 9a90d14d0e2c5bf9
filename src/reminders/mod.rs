//! Expiry reminders: a notification some minutes before a session expires and one when it
//! has, each at most once per session, however often the check runs.
//!
//! Nothing sleeps for the length of a session. A scheduler ([`schedule`]) runs
//! `awsmfa notify-due` about once a minute; each run reads the sessions from the AWS files,
//! asks [`due::due`] what is due at that moment, posts it ([`notify`]) and records it in
//! `reminders.json` ([`state`]) under the profile and the session's expiry. A session
//! replaced by a new login has a new expiry, so nothing stale is posted; a machine that slept
//! through a due time posts on its next run after waking.

pub mod button;
pub mod check;
pub mod due;
pub mod notify;
pub mod schedule;
pub mod settings;
pub mod state;
pub mod waiter;

use jiff::Timestamp;

use crate::error::Result;
use crate::log;
use crate::paths::Env;
use crate::profiles::{AwsFiles, Profile};

pub use check::{Plan, Run, plan, run_once};
pub use due::{Kind, Reminder};
pub use settings::{Lead, Settings, SwitchOrigin};
pub use state::State;

/// After a successful login: stores `--remind` with the new session and makes sure a
/// scheduler runs. Never fails the login: problems go to the debug log.
pub fn after_login(
    env: &Env,
    profile: &str,
    expires_at: Timestamp,
    remind: Option<u64>,
    now: Timestamp,
) {
    let stored_off = State::load(env)
        .map(|state| state.off)
        .unwrap_or_else(|err| {
            log::debug(env, &format!("reminders state unreadable: {err}"));
            false
        });
    let (enabled, origin, _) = settings::switch(env.reminders.as_deref(), stored_off);
    if !enabled {
        log::debug(
            env,
            &format!("reminders are off ({})", describe_switch(origin)),
        );
        return;
    }
    if let Some(seconds) = remind {
        let stored = State::edit(env, |state| {
            state.session_mut(profile, expires_at).remind_seconds = Some(seconds);
            state.prune(now, settings::LATE_LIMIT_SECONDS);
        });
        if let Err(err) = stored {
            log::debug(env, &format!("could not store --remind: {err}"));
        }
    }
    match schedule::ensure(env) {
        Ok(line) => log::debug(env, &format!("reminders: {line}")),
        Err(err) => log::debug(env, &format!("reminders not scheduled: {err}")),
    }
}

/// How the switch was set, for messages: `AWSMFA_REMINDERS`, `awsmfa reminders off`.
pub fn describe_switch(origin: SwitchOrigin) -> &'static str {
    match origin {
        SwitchOrigin::Default => "default",
        SwitchOrigin::Environment => "AWSMFA_REMINDERS",
        SwitchOrigin::Stored => "awsmfa reminders on|off",
    }
}

/// Everything `awsmfa reminders status` shows.
#[derive(Debug, Clone)]
pub struct Overview {
    /// Whether reminders are on.
    pub enabled: bool,
    /// Where the switch came from.
    pub switch_origin: SwitchOrigin,
    /// The lead time of profiles without their own.
    pub default_lead: Lead,
    /// The scheduler in place.
    pub scheduler: schedule::Scheduler,
    /// Each session's next reminder.
    pub upcoming: Vec<Reminder>,
    /// The last reminder posted: profile, kind, when.
    pub last_posted: Option<(String, Kind, Timestamp)>,
    /// The last failure to post, until a post succeeds.
    pub last_failure: Option<state::Failure>,
    /// Settings that are ignored because they are invalid.
    pub problems: Vec<String>,
    /// What `reminders on|off` did, one line each.
    pub done: Vec<String>,
}

/// The overview at `now`.
pub fn overview(env: &Env, now: Timestamp) -> Result<Overview> {
    let plan = plan(env, now)?;
    let last_posted = plan
        .state
        .sessions
        .iter()
        .flat_map(|s| {
            [
                s.early_posted_at
                    .map(|at| (s.profile.clone(), Kind::Early, at)),
                s.expired_posted_at
                    .map(|at| (s.profile.clone(), Kind::Expired, at)),
            ]
        })
        .flatten()
        .max_by_key(|(_, _, at)| *at);
    Ok(Overview {
        enabled: plan.settings.enabled,
        switch_origin: plan.settings.switch_origin,
        default_lead: plan.settings.default_lead,
        scheduler: schedule::current(env),
        upcoming: plan.upcoming,
        last_posted,
        last_failure: plan.state.last_failure,
        problems: plan.settings.problems,
        done: Vec::new(),
    })
}

/// `10 min before expiry and at expiry`, `at expiry only`.
pub fn describe_lead(seconds: u64) -> String {
    if seconds == 0 {
        "at expiry only".into()
    } else {
        format!(
            "{} before expiry and at expiry",
            crate::display::minutes(i64::try_from(seconds).unwrap_or(i64::MAX))
        )
    }
}

/// One line on `profile`'s reminders for `awsmfa status`: `10 min before expiry and at
/// expiry · systemd user timer`, or `off (AWSMFA_REMINDERS)`.
pub fn summary_line(env: &Env, files: &AwsFiles, profile: &Profile) -> String {
    let state = match State::load(env) {
        Ok(state) => state,
        Err(err) => return err.message().to_string(),
    };
    let settings = Settings::load(env, state.off, files, std::slice::from_ref(profile));
    if !settings.enabled {
        return format!("off ({})", describe_switch(settings.switch_origin));
    }
    let flag = profile
        .expires_at
        .and_then(|at| state.session(&profile.name, at))
        .and_then(|s| s.remind_seconds);
    let lead = settings.lead_for(&profile.name, flag);
    let scheduler = schedule::current(env);
    format!(
        "{} ({}) · {}",
        describe_lead(lead.seconds),
        lead.origin.describe(),
        scheduler.short()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_lead_times() {
        assert_eq!(describe_lead(600), "10 min before expiry and at expiry");
        assert_eq!(describe_lead(0), "at expiry only");
    }
}
