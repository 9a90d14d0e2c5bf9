//! The reminder waiter, `awsmfa notify-due --wait`: what runs the checks where there is no
//! launchd or systemd user manager (`schedule::detached` starts it in the background).
//!
//! It posts what is due, sleeps at most [`TICK`] (less when a reminder is due sooner), reads
//! the wall clock again and repeats, so a machine that slept through a due time posts within
//! one tick of waking. It ends when nothing is left to remind of, when reminders are turned
//! off, or when the desktop session's bus it was started in is gone. A lock on
//! `reminders-waiter.pid` in the state folder keeps it to one per user; the file holds the
//! waiter's process ID for `awsmfa reminders status`.

use std::fs::{File, TryLockError};
use std::io::Read;
use std::time::Duration;

use jiff::Timestamp;

use super::check;
use super::notify::Notifier;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::log;
use crate::paths::{self, Env};
use crate::state_dir::{self, StateDir};

/// The lock and process-ID file's name in the state folder.
pub const FILE_NAME: &str = "reminders-waiter.pid";

/// The longest sleep between two looks at the clock.
pub const TICK: Duration = Duration::from_secs(30);

/// How long a starting waiter retries a taken lock: a status check holds it for a moment,
/// another waiter for good.
const LOCK_PATIENCE: Duration = Duration::from_secs(1);

/// Failed runs in a row (files unreadable, state folder not writable) after which it gives up.
const MAX_FAILED_RUNS: u32 = 10;

/// The process ID of the running waiter, if one runs. Takes the lock shared for a moment, so
/// that it never blocks a starting waiter for more than a moment.
pub fn running(env: &Env) -> Option<u32> {
    let dir = StateDir::existing(env).ok()??;
    let mut file = dir.open_existing(FILE_NAME)?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Some(text.trim().parse().unwrap_or(0))
        }
        Err(TryLockError::Error(_)) => None,
    }
}

/// Holds the waiter lock while the waiter runs.
struct Lock {
    file: File,
}

impl Lock {
    /// Takes the lock, waiting up to `patience` for a status check to let go of it; `None`
    /// when another waiter holds it.
    fn take(env: &Env, patience: Duration) -> Result<Option<Lock>> {
        let dir = StateDir::create(env)?;
        let file = dir.open_lock_file(FILE_NAME)?;
        let shown = paths::display(env, &dir.path().join(FILE_NAME));
        let deadline = std::time::Instant::now() + patience;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => return Ok(None),
                Err(TryLockError::Error(e)) => {
                    return Err(Error::io(format!("cannot lock {shown}"), &e));
                }
            }
        }
        let mut lock = Lock { file };
        let _ = state_dir::rewrite(&mut lock.file, &format!("{}\n", std::process::id()));
        Ok(Some(lock))
    }
}

/// Whether any reminder is still to come, looked at without posting.
fn pending(env: &Env, now: Timestamp) -> bool {
    check::plan(env, now).is_ok_and(|plan| plan.next.is_some())
}

/// The waiter's loop (`awsmfa notify-due --wait`). Returns when nothing is left to do.
pub fn run(env: &Env, clock: &dyn Clock, notifier: &dyn Notifier) -> Result<()> {
    // Looked at before the lock, whose file it would otherwise create for nothing.
    if !pending(env, clock.now()) {
        log::debug(env, "no reminder to wait for");
        return Ok(());
    }
    let Some(mut lock) = Lock::take(env, LOCK_PATIENCE)? else {
        log::debug(env, "another reminder waiter runs: leaving it to that one");
        return Ok(());
    };
    let mut failed_runs = 0;
    loop {
        if !notifier.reachable() {
            log::debug(
                env,
                "the notification service's bus is gone: the reminder waiter ends",
            );
            return Ok(());
        }
        let now = clock.read();
        let wait = match check::run_once(env, &now, notifier) {
            Ok(run) => {
                failed_runs = 0;
                if run.off.is_some() {
                    log::debug(env, "reminders are off: the reminder waiter ends");
                    return Ok(());
                }
                if run.failed.iter().any(|(_, err)| err.unreachable) {
                    log::debug(env, "no notification service: the reminder waiter ends");
                    return Ok(());
                }
                match run.next {
                    // A failed post is retried on the next tick, not at once.
                    Some(_) if !run.failed.is_empty() => TICK,
                    Some(next) => until(next, clock.now()).min(TICK),
                    None => {
                        // Let go, then look once more: a login that found the lock taken
                        // a moment ago counts on this waiter seeing its new session.
                        drop(lock);
                        if pending(env, clock.now())
                            && let Some(again) = Lock::take(env, Duration::ZERO)?
                        {
                            lock = again;
                            continue;
                        }
                        log::debug(env, "no reminder left: the reminder waiter ends");
                        return Ok(());
                    }
                }
            }
            Err(err) => {
                failed_runs += 1;
                log::debug(env, &format!("reminder check failed: {err}"));
                if failed_runs >= MAX_FAILED_RUNS {
                    return Err(err);
                }
                TICK
            }
        };
        clock.sleep(wait);
    }
}

/// The time from `now` until `at` (a little past it, so the reminder is due on waking), at
/// least a second.
fn until(at: Timestamp, now: Timestamp) -> Duration {
    let millis = at.as_millisecond() - now.as_millisecond() + 50;
    Duration::from_millis(millis.max(1000) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn env_in(dir: &Path) -> Env {
        Env {
            home: Some(dir.to_path_buf()),
            cache_dir: Some(dir.join("cache")),
            ..Env::default()
        }
    }

    #[test]
    fn one_waiter_at_a_time_and_status_sees_it() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        assert_eq!(running(&env), None, "no file yet");
        let first = Lock::take(&env, Duration::ZERO).unwrap().expect("free");
        assert_eq!(running(&env), Some(std::process::id()));
        assert!(
            Lock::take(&env, Duration::from_millis(100))
                .unwrap()
                .is_none(),
            "a second waiter gives way"
        );
        drop(first);
        assert_eq!(running(&env), None);
        assert!(Lock::take(&env, Duration::ZERO).unwrap().is_some());
    }

    #[test]
    fn sleeps_until_the_due_time_but_at_least_a_second() {
        let now: Timestamp = "2026-11-25T18:00:00Z".parse().unwrap();
        let soon = now + jiff::SignedDuration::from_secs(5);
        assert_eq!(until(soon, now), Duration::from_millis(5050));
        assert_eq!(until(now, now), Duration::from_secs(1));
    }
}
