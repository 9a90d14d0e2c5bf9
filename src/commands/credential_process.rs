//! `awsmfa credential-process PROFILE`: the session as AWS `credential_process` JSON, for
//! `[profile NAME] credential_process = awsmfa credential-process PROFILE`. It never reads
//! stdin or prompts: a credential process has no terminal.

use super::{Context, Run, fresh};
use crate::cli::CredentialProcess;
use crate::error::Result;
use crate::launcher::{Action, Report, keys::Shape};

impl Run for CredentialProcess {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Session, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let min_valid = self.min_valid.min_valid.as_deref();
        fresh::keys_report(ctx, &self.profile, min_valid, Shape::CredentialProcess)
    }
}
