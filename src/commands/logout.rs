//! `awsmfa logout PROFILE`: removes the session keys and their expiry from `[PROFILE]`,
//! nothing else (the section header, other keys and every other byte stay).

use super::{Context, SESSION_KEYS, STALE_KEYS, guard_long_term_keys};
use crate::error::Result;
use crate::expiry::EXPIRY_KEY;
use crate::ini::Document;
use crate::profiles::AwsFiles;

/// Returns whether there were session keys to remove.
pub fn run(ctx: &Context<'_>, name: &str) -> Result<bool> {
    let files = AwsFiles::load(&ctx.env)?;
    files.require(&ctx.env, name, ctx.clock.now)?;
    guard_long_term_keys(&files, name)?;
    let remove: Vec<&str> = SESSION_KEYS
        .iter()
        .chain(STALE_KEYS.iter())
        .chain(std::iter::once(&EXPIRY_KEY))
        .copied()
        .collect();
    let path = files.credentials_path.clone();
    let env = &ctx.env;
    crate::store::edit(env, &path, |old| {
        let Some(old) = old else { return Ok(None) };
        let doc = crate::profiles::parse_file(env, &path, old.to_string())?;
        // Re-checked under the lock: the file may have changed since it was first read.
        let fresh = AwsFiles {
            credentials: doc.clone(),
            ..files.clone()
        };
        guard_long_term_keys(&fresh, name)?;
        Ok(Document::remove_keys(&doc, name, &remove))
    })
}
