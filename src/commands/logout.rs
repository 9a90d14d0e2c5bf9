//! `awsmfa logout PROFILE`: removes the session keys and their expiry from `[PROFILE]`,
//! nothing else (the section header, other keys and every other byte stay).

use super::{Context, Run, SESSION_KEYS, guard_long_term_keys, stale_keys};
use crate::cli::Logout;
use crate::error::Result;
use crate::expiry::EXPIRY_KEY;
use crate::ini::Document;
use crate::launcher::{Action, Report};
use crate::profiles::AwsFiles;

impl Run for Logout {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Logout, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let name = self.profile.as_str();
        let files = AwsFiles::load(&ctx.env)?;
        files.require_session(&ctx.env, name, ctx.clock.now(), "logout")?;
        guard_long_term_keys(&files, name)?;
        let mut remove: Vec<&str> = SESSION_KEYS.to_vec();
        remove.extend(stale_keys());
        remove.push(EXPIRY_KEY);
        let path = files.credentials_path.clone();
        let env = &ctx.env;
        let removed = crate::store::edit(env, &path, |old| {
            let Some(old) = old else { return Ok(None) };
            let doc = crate::profiles::parse_file(env, &path, old.to_string())?;
            // Re-checked under the lock: the file may have changed since it was first read.
            let fresh = files.with_credentials(doc.clone());
            guard_long_term_keys(&fresh, name)?;
            Ok(Document::remove_keys(&doc, name, &remove))
        })?;
        Ok(Report::LoggedOut {
            profile: self.profile,
            removed,
        })
    }
}
