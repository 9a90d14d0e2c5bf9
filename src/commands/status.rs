//! `awsmfa status PROFILE`: one profile's status and settings, from the files only.

use super::{Context, Run};
use crate::cli::Status;
use crate::error::Result;
use crate::launcher::{Action, Report};
use crate::profiles::AwsFiles;

impl Run for Status {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::List, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let now = ctx.clock.read();
        let files = AwsFiles::load(&ctx.env)?;
        let profile = files.require(&ctx.env, &self.profile, now.at)?.into_owned();
        let reminders = crate::reminders::summary_line(&ctx.env, &files, &profile);
        let mut warnings = files.role_notes(&profile, now.at);
        warnings.extend(files.cli_warnings(&ctx.env));
        Ok(Report::Status {
            profile,
            reminders,
            now,
            warnings,
        })
    }
}
