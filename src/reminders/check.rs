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
    pub profiles: Vec<Profile<'static>>,
    /// Each session's next reminder, due now or later.
    pub upcoming: Vec<Reminder>,
    /// When the next one is due.
    pub next: Option<Timestamp>,
}

/// Looks at the files, the state and the settings at `now`.
pub fn plan(env: &Env, now: Timestamp) -> Result<Plan> {
    let files = AwsFiles::load(env)?;
    let profiles: Vec<Profile<'static>> = files
        .session_profiles(now)
        .into_iter()
        .map(Profile::into_owned)
        .collect();
    let state = State::load(env)?;
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

/// Marks `reminder` as posted at `now` (or, with `None`, as not posted).
fn mark(state: &mut State, reminder: &Reminder, at: Option<Timestamp>) {
    let session = state.session_mut(&reminder.profile, reminder.expires_at);
    match reminder.kind {
        Kind::Early => session.early_posted_at = at,
        Kind::Expired => session.expired_posted_at = at,
    }
}

/// One run of `notify-due`: posts what is due at `clock.at`, recorded first.
///
/// The decision is made twice: once without a lock (the usual "nothing due" costs no write),
/// then again under the state file's lock with the files re-read, where each due reminder is
/// recorded as posted before anything is posted, so that two runs at the same moment (the
/// timer and a person typing `awsmfa notify-due`) never post the same reminder twice, a
/// session a login replaced a moment ago gets nothing, and a reminder that could not be
/// recorded (a read-only or full state folder) is not posted at all, rather than again every
/// minute. The notifications are posted after the lock is let go: a notification service
/// that does not answer must not hold up every login waiting for that lock. A post that fails
/// is recorded as not posted again, to be tried on the next run.
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
    let (claimed, off) = State::edit(env, |state| -> Result<_> {
        let files = AwsFiles::load(env)?;
        let profiles = files.session_profiles(now);
        let settings = Settings::load(env, state.off, &files, &profiles);
        if !settings.enabled {
            return Ok((Vec::new(), Some(settings.switch_origin)));
        }
        let due = due::due(&profiles, state, now, &settings);
        for reminder in &due {
            mark(state, reminder, Some(now));
        }
        state.prune(now, settings.late_limit_seconds);
        Ok((due, None))
    })??;
    if let Some(origin) = off {
        return Ok(Run {
            off: Some(origin),
            ..Run::default()
        });
    }

    let mut run = Run::default();
    let mut ids = Vec::new();
    for reminder in claimed {
        let notification = notify::Notification {
            title: reminder.title(now),
            body: reminder.body(clock, notifier.launchers()),
            replaces: reminder.replaces,
            refresh: (reminder.kind == Kind::Early).then(|| notify::Refresh {
                profile: reminder.profile.clone(),
                expires_at: reminder.expires_at,
            }),
        };
        match notifier.post(&notification) {
            Ok(id) => {
                log::debug(env, &format!("posted: {}", notification.title));
                ids.push((reminder.clone(), id));
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
                run.failed.push((reminder, err));
            }
        }
    }

    let recorded = State::edit(env, |state| {
        for (reminder, id) in &ids {
            if reminder.kind == Kind::Early {
                state
                    .session_mut(&reminder.profile, reminder.expires_at)
                    .notification_id = *id;
            }
        }
        if !ids.is_empty() {
            state.last_failure = None;
        }
        for (reminder, err) in &run.failed {
            // Not posted after all: tried again on the next run.
            mark(state, reminder, None);
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
        }
    });
    if let Err(err) = recorded {
        // What was posted stays recorded as posted: nothing is posted twice.
        log::debug(env, &format!("could not record what was posted: {err}"));
    }
    run.next = plan(env, now).ok().and_then(|plan| plan.next);
    Ok(run)
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
            !m.env
                .cache_dir()
                .unwrap()
                .join(crate::reminders::state::FILE_NAME)
                .exists(),
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
        let failure = State::load(&m.env).unwrap().last_failure.unwrap();
        assert_eq!(failure.profile, "work");
        assert_eq!(failure.message, "no notification service");

        let desk = Recorder::default();
        assert_eq!(m.run("2026-11-25T18:36:00Z", &desk).posted.len(), 1);
        assert_eq!(State::load(&m.env).unwrap().last_failure, None);
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

    /// A notification service that, while it is asked to post, checks whether the state
    /// folder's lock is free: another process (a login) must be able to take it meanwhile.
    struct LockProbe {
        env: Env,
        lock_was_free: RefCell<Vec<bool>>,
    }

    impl Notifier for LockProbe {
        fn post(&self, _: &Notification) -> std::result::Result<Option<u32>, PostError> {
            let dir = self.env.cache_dir().unwrap();
            let (tell, answer) = std::sync::mpsc::channel();
            // Another open file description, as another process would have.
            std::thread::spawn(move || {
                let folder = std::fs::File::open(dir).unwrap();
                let _ = tell.send(folder.try_lock().is_ok());
            });
            let free = answer
                .recv_timeout(std::time::Duration::from_secs(10))
                .unwrap();
            self.lock_was_free.borrow_mut().push(free);
            Ok(None)
        }
        fn reachable(&self) -> bool {
            true
        }
        fn launchers(&self) -> bool {
            false
        }
    }

    #[test]
    fn notifications_are_posted_outside_the_state_folders_lock() {
        let m = Machine::new("2026-11-25T18:42:00Z");
        let probe = LockProbe {
            env: m.env.clone(),
            lock_was_free: RefCell::new(Vec::new()),
        };
        let clock = Now {
            at: "2026-11-25T18:35:00Z".parse().unwrap(),
            tz: jiff::tz::TimeZone::UTC,
        };
        let run = run_once(&m.env, &clock, &probe).unwrap();
        assert_eq!(run.posted.len(), 1);
        assert_eq!(*probe.lock_was_free.borrow(), [true]);
    }

    #[test]
    fn a_reminder_that_cannot_be_recorded_is_not_posted_again_every_minute() {
        let m = Machine::new("2026-11-25T18:42:00Z");
        // Something stands where the state file's new version is written: every write fails,
        // as on a read-only or full file system.
        let dir = m.env.cache_dir().unwrap();
        std::fs::create_dir_all(dir.join(format!(
            ".{}.awsmfa-{}.tmp/blocker",
            crate::reminders::state::FILE_NAME,
            std::process::id()
        )))
        .unwrap();
        let desk = Recorder::default();
        for minute in ["18:35", "18:36", "18:37"] {
            let clock = Now {
                at: format!("2026-11-25T{minute}:00Z").parse().unwrap(),
                tz: jiff::tz::TimeZone::UTC,
            };
            assert!(run_once(&m.env, &clock, &desk).is_err(), "{minute}");
        }
        assert!(
            desk.shown.borrow().is_empty(),
            "nothing posted that could not be recorded"
        );
    }
}
