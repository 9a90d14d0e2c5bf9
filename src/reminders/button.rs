//! The reminder before expiry with a Refresh button.
//!
//! `notify-due` runs every minute and must end at once, but the button waits for a click for
//! up to the lead time; and the notification servers that tell only the posting connection
//! about the click (dunst, KDE), like mac-notification-sys's blocking send, want the one who
//! posts to be the one who waits. So [`WithButton`] hands that reminder to a detached
//! `awsmfa reminder-button` (a session of its own, no terminal, stdin and stderr on
//! `/dev/null`), which posts it, says on its stdout whether it could ([`report_posted`]), and
//! then waits for the click on its own, until the session expires. `notify-due` waits only for
//! that one line, at most [`POST_LIMIT`]; one claim per reminder in `reminders.json` means one
//! such process per notification.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::notify::{Notification, Notifier, PostError};
use crate::expiry;
use crate::log;
use crate::paths::Env;

/// How long `notify-due` waits for the detached poster to say whether it posted: a
/// notification service's own limit (5 s) and the start of a process.
pub const POST_LIMIT: Duration = Duration::from_secs(10);

/// The hidden subcommand that posts a reminder with a Refresh button and waits for its click.
pub const SUBCOMMAND: &str = "reminder-button";

/// A [`Notifier`] that posts a reminder with a Refresh button through a detached awsmfa, and
/// every other notification itself.
pub struct WithButton<N> {
    program: Option<PathBuf>,
    env: Env,
    inner: N,
}

impl<N: Notifier> WithButton<N> {
    /// Around the platform's notifier.
    pub fn new(env: &Env, inner: N) -> Self {
        WithButton {
            program: env.program.clone(),
            env: env.clone(),
            inner,
        }
    }
}

impl<N: Notifier> Notifier for WithButton<N> {
    fn post(&self, notification: &Notification) -> Result<Option<u32>, PostError> {
        match (&notification.refresh, &self.program) {
            (Some(_), Some(program)) => self.hand_over(program, notification),
            _ => self.inner.post(notification),
        }
    }

    fn reachable(&self) -> bool {
        self.inner.reachable()
    }

    fn launchers(&self) -> bool {
        self.inner.launchers()
    }
}

impl<N: Notifier> WithButton<N> {
    /// Starts `awsmfa reminder-button` for `notification` and waits (at most [`POST_LIMIT`])
    /// for its line saying whether it posted.
    fn hand_over(
        &self,
        program: &std::path::Path,
        notification: &Notification,
    ) -> Result<Option<u32>, PostError> {
        let Some(refresh) = &notification.refresh else {
            return Err(failed("no session to refresh"));
        };
        let mut command = Command::new(program);
        command
            .arg(SUBCOMMAND)
            .arg(&refresh.profile)
            .args(["--expires-at", &expiry::format(refresh.expires_at)])
            .args(["--title", &notification.title])
            .args(["--body", &notification.body]);
        if let Some(id) = notification.replaces {
            command.args(["--replaces", &id.to_string()]);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .current_dir("/");
        // SAFETY: setsid is async-signal-safe and touches no memory of this process; it runs
        // in the forked child before exec, which is no process group leader yet. A session of
        // its own: no terminal, and not a job the scheduler or a shell ends with notify-due.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                // A binary moved by an upgrade still gets its reminder, without the button.
                log::debug(
                    &self.env,
                    &format!(
                        "cannot start {} {SUBCOMMAND} ({}): posting the reminder without its button",
                        program.display(),
                        crate::error::describe_io(&err)
                    ),
                );
                let plain = Notification {
                    refresh: None,
                    ..notification.clone()
                };
                return self.inner.post(&plain);
            }
        };
        let stdout = child.stdout.take();
        let (tell, line) = mpsc::channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(stdout) = stdout {
                let _ = BufReader::new(stdout).read_line(&mut text);
            }
            let _ = tell.send(text);
        });
        let answer = line.recv_timeout(POST_LIMIT);
        let outcome = match answer {
            Ok(text) => read_report(&text),
            Err(_) => {
                let _ = child.kill();
                Err(failed(&format!(
                    "the notification was not posted within {} s",
                    POST_LIMIT.as_secs()
                )))
            }
        };
        if let Err(err) = &outcome {
            let _ = child.kill();
            log::debug(&self.env, &format!("{SUBCOMMAND} failed: {}", err.message));
        }
        // Reaped when it ends, so that a long-lived waiter collects no zombies.
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        outcome
    }
}

fn failed(message: &str) -> PostError {
    PostError {
        message: message.to_string(),
        unreachable: false,
    }
}

/// The line `reminder-button` prints once it has posted (or could not).
pub fn report_posted(posted: &Result<Option<u32>, PostError>) -> String {
    match posted {
        Ok(Some(id)) => format!("posted {id}\n"),
        Ok(None) => "posted -\n".into(),
        Err(err) => format!(
            "failed {} {}\n",
            if err.unreachable {
                "unreachable"
            } else {
                "refused"
            },
            err.message
        ),
    }
}

/// Reads [`report_posted`]'s line; anything else (nothing at all: it crashed) is a failure.
pub fn read_report(line: &str) -> Result<Option<u32>, PostError> {
    let line = line.trim_end_matches('\n');
    if let Some(id) = line.strip_prefix("posted ") {
        return Ok(id.parse().ok());
    }
    if let Some(rest) = line.strip_prefix("failed ") {
        let (how, message) = rest.split_once(' ').unwrap_or((rest, ""));
        return Err(PostError {
            message: message.to_string(),
            unreachable: how == "unreachable",
        });
    }
    Err(failed(&format!("{SUBCOMMAND} ended without posting")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Records what it is asked to post.
    #[derive(Default)]
    struct Recorder(RefCell<Vec<Notification>>);

    impl Notifier for Recorder {
        fn post(&self, n: &Notification) -> Result<Option<u32>, PostError> {
            self.0.borrow_mut().push(n.clone());
            Ok(Some(7))
        }
        fn reachable(&self) -> bool {
            true
        }
        fn launchers(&self) -> bool {
            false
        }
    }

    #[test]
    fn without_a_program_to_start_the_reminder_comes_without_its_button() {
        let notification = Notification {
            title: "AWS work expires in 10 min".into(),
            body: "The session ends at 18:42: run awsmfa login work.".into(),
            replaces: None,
            refresh: Some(crate::reminders::notify::Refresh {
                profile: "work".into(),
                expires_at: "2026-11-25T18:42:00Z".parse().unwrap(),
            }),
        };
        for program in [None, Some(PathBuf::from("/nonexistent/awsmfa"))] {
            let notifier = WithButton {
                program,
                env: Env::default(),
                inner: Recorder::default(),
            };
            assert_eq!(notifier.post(&notification), Ok(Some(7)));
            let posted = notifier.inner.0.borrow();
            assert_eq!(posted.len(), 1);
            assert_eq!(posted[0].title, notification.title);
        }
    }

    #[test]
    fn the_posted_line_reads_back_as_it_was_written() {
        for posted in [
            Ok(Some(17)),
            Ok(None),
            Err(PostError {
                message: "no D-Bus session bus (x): notifications need a desktop session".into(),
                unreachable: true,
            }),
            Err(PostError {
                message: "the notification service refused the notification: Do Not Disturb".into(),
                unreachable: false,
            }),
        ] {
            assert_eq!(read_report(&report_posted(&posted)), posted);
        }
        let crashed = read_report("").unwrap_err();
        assert_eq!(crashed.message, "reminder-button ended without posting");
    }
}
