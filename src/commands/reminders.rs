//! `awsmfa reminders on|off|status`: the global switch for expiry reminders, stored in the
//! state folder, and an overview of how they are scheduled.

use super::Context;
use crate::cli::RemindersAction;
use crate::error::Result;
use crate::reminders::{self, Overview, State, SwitchOrigin, schedule, settings};

/// Carries out `action` and returns the overview afterwards.
pub fn run(ctx: &Context<'_>, action: RemindersAction) -> Result<Overview> {
    let env = &ctx.env;
    let mut done = Vec::new();
    match action {
        RemindersAction::On { .. } => {
            State::edit(env, |state| state.off = false)?;
            let (enabled, origin, _) = settings::switch(env.reminders.as_deref(), false);
            if enabled {
                done.push(schedule::ensure(env)?);
            } else if origin == SwitchOrigin::Environment {
                done.push(
                    "AWSMFA_REMINDERS=off in this environment still turns them off here".into(),
                );
            }
        }
        RemindersAction::Off { .. } => {
            State::edit(env, |state| state.off = true)?;
            done.extend(schedule::remove(env)?);
        }
        RemindersAction::Status { .. } => {}
    }
    let mut overview = reminders::overview(env, ctx.clock.now)?;
    overview.done = done;
    Ok(overview)
}
