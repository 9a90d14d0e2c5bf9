//! `awsmfa list [QUERY]`: every MFA profile with its status, best match first.
//!
//! On Alfred's keystroke path: reads two files and the clock, nothing else (no network, no
//! keychain, no 1Password).

use super::Context;
use crate::error::Result;
use crate::profiles::{AwsFiles, Profile};

/// The MFA profiles matching `query`, best match first, then by name.
pub fn run(ctx: &Context<'_>, query: &str) -> Result<Vec<Profile>> {
    let files = AwsFiles::load(&ctx.env)?;
    let profiles = files.session_profiles(ctx.clock.now);
    // The process ends right after printing: freeing every parsed line one by one would
    // cost `list` (on Alfred's keystroke path) more than reading the files did.
    std::mem::forget(files);
    Ok(crate::fuzzy::rank(profiles, query, |p| &p.name))
}
