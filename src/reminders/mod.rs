//! Expiry reminders: a notification some minutes before a session expires and one when it
//! has, each at most once per session, however often the check runs.
//!
//! Nothing sleeps for the length of a session. A scheduler ([`schedule`]) runs
//! `awsmfa notify-due` about once a minute; each run reads the sessions from the AWS files,
//! asks [`due::due`] what is due at that moment, posts it ([`notify`]) and records it in
//! `reminders.json` ([`state`]) under the profile and the session's expiry. A session
//! replaced by a new login has a new expiry, so nothing stale is posted; a machine that slept
//! through a due time posts on its next run after waking.

pub mod due;
pub mod notify;
pub mod schedule;
pub mod settings;
pub mod state;

use jiff::Timestamp;

use crate::error::Result;
use crate::expiry::Clock;
use crate::log;
use crate::paths::Env;
use crate::profiles::{AwsFiles, Profile};

pub use due::{Kind, Reminder};
pub use settings::{Lead, Settings, SwitchOrigin};
pub use state::State;

/// What one run of `notify-due` did.
#[derive(Debug, Default)]
pub struct Run {
    /// Set when reminders are off (and so nothing was looked at).
    pub off: Option<SwitchOrigin>,
    /// Reminders posted, with the title shown.
    pub posted: Vec<(Reminder, String)>,
    /// Reminders that could not be posted (they are tried again on the next run).
    pub failed: Vec<(Reminder, notify::PostError)>,
    /// When the next reminder is due, if any is still to come.
    pub next: Option<Timestamp>,
}

/// The sessions and settings at `now`, without posting anything.
pub struct Plan {
    /// The stored state.
    pub state: State,
    /// The settings in force.
    pub settings: Settings,
    /// Every MFA session profile.
    pub profiles: Vec<Profile>,
    /// Each session's next reminder, due now or later.
    pub upcoming: Vec<Reminder>,
    /// When the next one is due.
    pub next: Option<Timestamp>,
}

/// Looks at the files, the state and the settings at `now`.
pub fn plan(env: &Env, now: Timestamp) -> Result<Plan> {
    let files = AwsFiles::load(env)?;
    let profiles = files.session_profiles(now);
    let state = State::load(env);
    let settings = Settings::load(env, state.off, &files, &profiles);
    let upcoming = due::upcoming(&profiles, &state, now, &settings);
    let next = upcoming.iter().map(|r| r.due_at).min();
    Ok(Plan {
        state,
        settings,
        profiles,
        upcoming,
        next,
    })
}

/// One run of `notify-due`: posts what is due at `clock.now` and records it.
///
/// The decision is made twice: once without a lock (the usual "nothing due" costs no write),
/// then again under the state file's lock with the files re-read, so that two runs at the
/// same moment (the timer and a person typing `awsmfa notify-due`) never post the same
/// reminder twice, and a session a login replaced a moment ago gets nothing.
pub fn run_once(env: &Env, clock: &Clock, notifier: &dyn notify::Notifier) -> Result<Run> {
    let now = clock.now;
    let first = plan(env, now)?;
    if !first.settings.enabled {
        return Ok(Run {
            off: Some(first.settings.switch_origin),
            ..Run::default()
        });
    }
    if !first.upcoming.iter().any(|r| r.due_at <= now) {
        return Ok(Run {
            next: first.next,
            ..Run::default()
        });
    }
    State::edit(env, |state| -> Result<Run> {
        let files = AwsFiles::load(env)?;
        let profiles = files.session_profiles(now);
        let settings = Settings::load(env, state.off, &files, &profiles);
        let mut run = Run::default();
        if !settings.enabled {
            run.off = Some(settings.switch_origin);
            return Ok(run);
        }
        for reminder in due::due(&profiles, state, now, &settings) {
            let notification = notify::Notification {
                title: reminder.title(now),
                body: reminder.body(clock, notifier.launchers()),
                replaces: reminder.replaces,
            };
            match notifier.post(&notification) {
                Ok(id) => {
                    let session = state.session_mut(&reminder.profile, reminder.expires_at);
                    match reminder.kind {
                        Kind::Early => {
                            session.early_posted_at = Some(now);
                            session.notification_id = id;
                        }
                        Kind::Expired => session.expired_posted_at = Some(now),
                    }
                    state.last_failure = None;
                    log::debug(env, &format!("posted: {}", notification.title));
                    run.posted.push((reminder, notification.title));
                }
                Err(err) => {
                    log::debug(
                        env,
                        &format!(
                            "could not post the reminder for {}: {}",
                            reminder.profile, err.message
                        ),
                    );
                    let same = state
                        .last_failure
                        .as_ref()
                        .is_some_and(|f| f.profile == reminder.profile && f.message == err.message);
                    if !same {
                        state.last_failure = Some(state::Failure {
                            at: now,
                            profile: reminder.profile.clone(),
                            message: err.message.clone(),
                        });
                    }
                    run.failed.push((reminder, err));
                }
            }
        }
        state.prune(now, settings.late_limit_seconds);
        run.next = due::next_due(&profiles, state, now, &settings);
        Ok(run)
    })?
}

/// After a successful login: stores `--remind` with the new session and makes sure a
/// scheduler runs. Never fails the login: problems go to the debug log.
pub fn after_login(
    env: &Env,
    profile: &str,
    expires_at: Timestamp,
    remind: Option<u64>,
    now: Timestamp,
) {
    let stored = State::load(env);
    let (enabled, origin, _) = settings::switch(env.reminders.as_deref(), stored.off);
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
            due::minutes(i64::try_from(seconds).unwrap_or(i64::MAX))
        )
    }
}

/// One line on `profile`'s reminders for `awsmfa status`: `10 min before expiry and at
/// expiry · systemd user timer`, or `off (AWSMFA_REMINDERS)`.
pub fn summary_line(env: &Env, files: &AwsFiles, profile: &Profile) -> String {
    let state = State::load(env);
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
    use std::cell::RefCell;

    use super::*;
    use notify::{Notification, Notifier, PostError};

    /// Records what would have been shown; fails while `refuse` is set.
    #[derive(Default)]
    struct Recorder {
        shown: RefCell<Vec<Notification>>,
        refuse: Option<&'static str>,
    }

    impl Notifier for Recorder {
        fn post(&self, n: &Notification) -> std::result::Result<Option<u32>, PostError> {
            if let Some(message) = self.refuse {
                return Err(PostError {
                    message: message.into(),
                    unreachable: false,
                });
            }
            let mut shown = self.shown.borrow_mut();
            shown.push(n.clone());
            Ok(Some(shown.len() as u32))
        }
        fn reachable(&self) -> bool {
            true
        }
        fn launchers(&self) -> bool {
            false
        }
    }

    struct Machine {
        _dir: tempfile::TempDir,
        env: Env,
    }

    impl Machine {
        fn new(expires: &str) -> Machine {
            let dir = tempfile::tempdir().unwrap();
            let env = Env {
                home: Some(dir.path().to_path_buf()),
                cache_dir: Some(dir.path().join("cache")),
                ..Env::default()
            };
            let m = Machine { _dir: dir, env };
            m.expires(expires);
            m
        }

        fn expires(&self, at: &str) {
            let path = self.env.credentials_file().unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(
                path,
                format!(
                    "[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
                     [work]\naws_access_key_id = ASIA1\naws_secret_access_key = s\n\
                     aws_session_token = t\nx_security_token_expires = {at}\n"
                ),
            )
            .unwrap();
        }

        fn run(&self, now: &str, notifier: &Recorder) -> Run {
            let clock = Clock {
                now: now.parse().unwrap(),
                tz: jiff::tz::TimeZone::UTC,
            };
            run_once(&self.env, &clock, notifier).unwrap()
        }
    }

    #[test]
    fn posts_once_records_and_replaces_the_early_one_at_expiry() {
        let m = Machine::new("2026-11-25T18:42:00Z");
        let desk = Recorder::default();
        let run = m.run("2026-11-25T18:00:00Z", &desk);
        assert!(run.posted.is_empty());
        assert_eq!(run.next, Some("2026-11-25T18:32:00Z".parse().unwrap()));
        assert!(
            !State::path(&m.env).unwrap().exists(),
            "nothing due writes nothing"
        );

        let run = m.run("2026-11-25T18:33:00Z", &desk);
        assert_eq!(run.posted.len(), 1);
        assert_eq!(run.posted[0].1, "AWS work expires in 9 min");
        assert_eq!(m.run("2026-11-25T18:34:00Z", &desk).posted.len(), 0);

        let run = m.run("2026-11-25T18:42:30Z", &desk);
        assert_eq!(run.posted[0].1, "AWS work session expired");
        assert_eq!(run.next, None);
        let shown = desk.shown.borrow();
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[1].replaces, Some(1), "replaces the early one");
        assert_eq!(shown[1].body, "It ended at 18:42: run awsmfa login work.");
    }

    #[test]
    fn a_failure_is_recorded_and_retried() {
        let m = Machine::new("2026-11-25T18:42:00Z");
        let broken = Recorder {
            refuse: Some("no notification service"),
            ..Recorder::default()
        };
        let run = m.run("2026-11-25T18:35:00Z", &broken);
        assert_eq!(run.failed.len(), 1);
        let failure = State::load(&m.env).last_failure.unwrap();
        assert_eq!(failure.profile, "work");
        assert_eq!(failure.message, "no notification service");

        let desk = Recorder::default();
        assert_eq!(m.run("2026-11-25T18:36:00Z", &desk).posted.len(), 1);
        assert_eq!(State::load(&m.env).last_failure, None);
    }

    #[test]
    fn a_missing_credentials_file_means_nothing_to_do() {
        let m = Machine::new("2026-11-25T18:42:00Z");
        std::fs::remove_file(m.env.credentials_file().unwrap()).unwrap();
        let run = m.run("2026-11-25T18:42:00Z", &Recorder::default());
        assert!(run.posted.is_empty() && run.next.is_none());
        assert!(!m.env.cache_dir().unwrap().exists(), "nothing created");
    }

    #[test]
    fn off_posts_nothing() {
        let m = Machine::new("2026-11-25T18:42:00Z");
        State::edit(&m.env, |s| s.off = true).unwrap();
        let desk = Recorder::default();
        let run = m.run("2026-11-25T18:42:00Z", &desk);
        assert_eq!(run.off, Some(SwitchOrigin::Stored));
        assert!(desk.shown.borrow().is_empty());
    }

    #[test]
    fn describes_lead_times() {
        assert_eq!(describe_lead(600), "10 min before expiry and at expiry");
        assert_eq!(describe_lead(0), "at expiry only");
    }
}
