//! One run of `awsmfa notify-due`: reads the sessions from the AWS files, asks
//! [`super::due::due`] what is due at that moment, posts it and records it in
//! `reminders.json`.

use jiff::Timestamp;

use super::due::{self, Kind, Reminder};
use super::notify;
use super::settings::{Settings, SwitchOrigin};
use super::state::{self, State};
use crate::clock::Now;
use crate::error::Result;
use crate::log;
use crate::paths::Env;
use crate::profiles::{AwsFiles, Profile};

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
pub fn run_once(env: &Env, clock: &Now, notifier: &dyn notify::Notifier) -> Result<Run> {
    let now = clock.at;
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
            let clock = Now {
                at: now.parse().unwrap(),
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
}
