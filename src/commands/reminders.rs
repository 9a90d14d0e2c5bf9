//! `awsmfa reminders on|off|status`: the global switch for expiry reminders, stored in the
//! state folder, and an overview of how they are scheduled.

use super::{Context, Run};
use crate::cli::{Reminders, RemindersAction};
use crate::error::Result;
use crate::launcher::{Action, Report};
use crate::reminders::{self, State, SwitchOrigin, schedule, settings};

impl Run for Reminders {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Reminders, None)
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let env = &ctx.env;
        let mut done = Vec::new();
        match self.action {
            RemindersAction::On => {
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
            RemindersAction::Off => {
                State::edit(env, |state| state.off = true)?;
                done.extend(schedule::remove(env)?);
            }
            RemindersAction::Status => {}
        }
        let now = ctx.clock.read();
        let mut overview = reminders::overview(env, now.at)?;
        overview.done = done;
        Ok(Report::Reminders { overview, now })
    }
}
