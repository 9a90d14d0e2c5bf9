//! `awsmfa notify-due [--wait]`: posts the expiry reminders that are due now and records
//! them; with `--wait`, the background waiter's loop. The scheduler runs it; by hand it shows
//! what is due.

use super::Context;
use crate::error::{Error, Result, exit};
use crate::expiry;
use crate::reminders::{self, notify, schedule::waiter};

/// Runs once (or, with `wait`, until nothing is left) and returns the lines to print.
pub fn run(ctx: &Context<'_>, wait: bool) -> Result<String> {
    let notifier = notify::desktop(&ctx.env);
    if wait {
        waiter::run(&ctx.env, ctx.clock.tz.clone(), notifier.as_ref())?;
        return Ok(String::new());
    }
    let run = reminders::run_once(&ctx.env, &ctx.clock, notifier.as_ref())?;
    if let Some(origin) = run.off {
        return Ok(format!(
            "reminders are off ({}): awsmfa reminders on turns them on\n",
            reminders::describe_switch(origin)
        ));
    }
    if let Some((reminder, err)) = run.failed.first() {
        return Err(Error::new(
            "notify_failed",
            exit::FAILURE,
            format!(
                "could not post the reminder for {}: {}",
                reminder.profile, err.message
            ),
        ));
    }
    let mut out = String::new();
    for (_, title) in &run.posted {
        out.push_str(&format!("posted: {title}\n"));
    }
    if run.posted.is_empty() {
        out.push_str("nothing due\n");
    }
    if let Some(next) = run.next {
        out.push_str(&format!(
            "next reminder due at {} (in {})\n",
            expiry::local_clock(next, &ctx.clock),
            expiry::human(next.as_second() - ctx.clock.now.as_second())
        ));
    }
    Ok(out)
}
