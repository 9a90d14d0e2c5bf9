//! `awsmfa notify-due [--wait | --test]`: posts the expiry reminders that are due now and
//! records them; with `--wait`, the background waiter's loop; with `--test`, one test
//! notification. The scheduler runs it; by hand it shows what is due.

use super::{Context, Run};
use crate::cli::NotifyDue;
use crate::error::{Error, ErrorKind, Result};
use crate::launcher::{Action, Report};
use crate::reminders::{self, notify, waiter};

impl Run for NotifyDue {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Reminders, None)
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let notifier = notify::desktop(&ctx.env);
        if self.test {
            return post_test(notifier.as_ref(), ctx);
        }
        if self.wait {
            waiter::run(&ctx.env, ctx.clock, notifier.as_ref())?;
            return Ok(Report::Waited);
        }
        let now = ctx.clock.read();
        let run = reminders::run_once(&ctx.env, &now, notifier.as_ref())?;
        if let Some((reminder, err)) = run.failed.first() {
            return Err(Error::new(
                ErrorKind::NotifyFailed,
                format!(
                    "could not post the reminder for {}: {}",
                    reminder.profile, err.message
                ),
            ));
        }
        Ok(Report::NotifyDue {
            off: run.off,
            posted: run.posted.into_iter().map(|(_, title)| title).collect(),
            next: run.next,
            now,
        })
    }
}

/// The title of `notify-due --test`'s notification.
pub const TEST_TITLE: &str = "awsmfa test notification";

/// `notify-due --test`: one notification, now, so the person sees where reminders appear.
fn post_test(notifier: &dyn notify::Notifier, ctx: &Context<'_>) -> Result<Report> {
    let body = if notifier.launchers() {
        "AWS session reminders appear like this, shown as Terminal's notifications."
    } else {
        "AWS session reminders appear like this."
    };
    let notification = notify::Notification {
        title: TEST_TITLE.to_string(),
        body: body.to_string(),
        replaces: None,
        refresh: None,
    };
    notifier.post(&notification).map_err(|err| {
        Error::new(
            ErrorKind::NotifyFailed,
            format!("could not post the test notification: {}", err.message),
        )
    })?;
    Ok(Report::NotifyDue {
        off: None,
        posted: vec![TEST_TITLE.to_string()],
        next: None,
        now: ctx.clock.read(),
    })
}
