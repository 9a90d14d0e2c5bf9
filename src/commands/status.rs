//! `awsmfa status PROFILE`: one profile's status and settings, from the files only.

use super::Context;
use crate::error::Result;
use crate::profiles::{AwsFiles, Profile};

/// The profile called `name`, or an error that lists the ones that exist.
pub fn run(ctx: &Context<'_>, name: &str) -> Result<Profile> {
    let files = AwsFiles::load(&ctx.env)?;
    files.require(&ctx.env, name, ctx.clock.now)
}

/// The profile called `name` and a line on its expiry reminders, for the text output.
pub fn with_reminders(ctx: &Context<'_>, name: &str) -> Result<(Profile, String)> {
    let files = AwsFiles::load(&ctx.env)?;
    let profile = files.require(&ctx.env, name, ctx.clock.now)?;
    let line = crate::reminders::summary_line(&ctx.env, &files, &profile);
    Ok((profile, line))
}
