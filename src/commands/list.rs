//! `awsmfa list [QUERY]`: every MFA profile with its status, each followed by the role
//! profiles that ride on it (best match first for a query).
//!
//! On Alfred's keystroke path: reads two files and the clock, nothing else (no network, no
//! keychain, no 1Password). After the profiles come those `awsmfa setup` could set up that
//! are not listed yet, from the same files.

use super::{Context, Run};
use crate::cli::List;
use crate::error::Result;
use crate::launcher::{Action, DoctorRow, NoMatch, Report};
use crate::profiles::AwsFiles;

impl Run for List {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::List, None)
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let now = ctx.clock.read();
        // Left to the end of the process, which comes right after printing: the profiles
        // borrow their text from the files (a string each cost `list`, on Alfred's
        // keystroke path, more than reading them), and freeing every parsed line one by one
        // would cost more than reading the files did.
        let files: &'static AwsFiles = Box::leak(Box::new(AwsFiles::load(&ctx.env)?));
        let profiles = files.listed_profiles(now.at);
        let warnings = files.cli_warnings(&ctx.env);
        // The profiles with their keys still in [P]: every other candidate is a session
        // profile that needs setup, a row of the list already.
        let setup = files.candidates_with_keys_in_place(&ctx.env, &profiles);
        let query = self.query.as_deref().unwrap_or("");
        let all = profiles.len() + setup.len();
        let profiles = crate::fuzzy::rank(profiles, query, |p| &p.name);
        let setup = crate::fuzzy::rank(setup, query, |c| &c.profile);
        let doctor = DoctorRow::for_query(query);
        let typed = query.trim();
        let no_match = (!typed.is_empty()
            && doctor == DoctorRow::Hidden
            && profiles.is_empty()
            && setup.is_empty()
            && all > 0)
            .then(|| NoMatch {
                query: typed.to_string(),
                profiles: all,
            });
        Ok(Report::List {
            profiles,
            setup,
            now,
            warnings,
            typed_code: self.with_typed_code,
            doctor,
            no_match,
        })
    }
}
