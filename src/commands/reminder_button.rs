//! `awsmfa reminder-button PROFILE` (hidden): started detached by `notify-due` for the
//! reminder before expiry. Posts it with a Refresh button, says on stdout whether it could
//! (the one line `notify-due` waits for), then waits for the click until the session expires.
//! On Refresh it logs in as `login` does, through the refresh lock that `credential-process`
//! and `exec` share (a login already running for the profile is waited for, not repeated),
//! and posts the result in place of the reminder.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{Context, Run, fresh};
use crate::cli::ReminderButton;
use crate::display::valid_until;
use crate::error::{Error, ErrorKind, Result};
use crate::expiry;
use crate::launcher::{Action, Report};
use crate::log;
use crate::reminders::button::report_posted;
use crate::reminders::notify::{self, Answer, Notification, Refresh};

impl Run for ReminderButton {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Reminders, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let env = &ctx.env;
        let expires_at = expiry::parse(&self.expires_at).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOption,
                format!("--expires-at `{}` is not a time", self.expires_at),
            )
        })?;
        let notification = Notification {
            title: self.title,
            body: self.body,
            replaces: self.replaces,
            refresh: Some(Refresh {
                profile: self.profile.clone(),
                expires_at,
            }),
        };
        let mut prompt = notify::prompt(env);
        let posted = match &mut prompt {
            Ok(prompt) => prompt.show(&notification),
            Err(err) => Err(err.clone()),
        };
        // The one line notify-due waits for; nothing else is ever written to stdout.
        let mut stdout = std::io::stdout();
        let _ = stdout.write_all(report_posted(&posted).as_bytes());
        let _ = stdout.flush();
        let (mut prompt, id) = match (prompt, posted) {
            (Ok(prompt), Ok(id)) => (prompt, id),
            (_, Err(err)) => {
                return Err(Error::new(
                    ErrorKind::NotifyFailed,
                    format!(
                        "could not post the reminder for {}: {}",
                        self.profile, err.message
                    ),
                ));
            }
            (Err(err), Ok(_)) => return Err(Error::new(ErrorKind::NotifyFailed, err.message)),
        };
        let left = expires_at.as_second() - ctx.clock.now().as_second();
        let until = Instant::now() + Duration::from_secs(u64::try_from(left).unwrap_or(0));
        let answer = prompt.answer(until);
        log::debug(
            env,
            &format!("reminder {id:?} for {}: {answer:?}", self.profile),
        );
        if answer != Answer::Refresh {
            return Ok(Report::Waited);
        }
        let result = refresh(ctx, &self.profile, expires_at);
        let now = ctx.clock.read();
        let follow_up = match &result {
            Ok(fresh) => Notification {
                title: format!("AWS {} session refreshed", self.profile),
                body: format!("The {}.", valid_until(*fresh, &now)),
                replaces: id,
                refresh: None,
            },
            Err(err) => Notification {
                title: format!("AWS {} refresh failed", self.profile),
                body: err.message().to_string(),
                replaces: id,
                refresh: None,
            },
        };
        if let Err(err) = prompt.follow_up(&follow_up) {
            log::debug(
                env,
                &format!("could not post the refresh's result: {}", err.message),
            );
        }
        result.map(|_| Report::Waited)
    }
}

/// A session for `profile` that lasts beyond `expires_at` (the one reminded of): one another
/// awsmfa has written meanwhile, or a new login. Returns its expiry.
fn refresh(
    ctx: &Context<'_>,
    profile: &str,
    expires_at: jiff::Timestamp,
) -> Result<jiff::Timestamp> {
    let left = expires_at.as_second() - ctx.clock.now().as_second();
    let min_valid = u64::try_from(left).unwrap_or(0);
    fresh::session(ctx, profile, min_valid, "login").map(|fresh| fresh.session.expiration)
}
