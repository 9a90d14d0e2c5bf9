//! `awsmfa export PROFILE`: the session as `export AWS_…=…` lines for `eval`, or
//! (`--format json`) the `credential_process` JSON. It prints the keys because the person
//! asked for them; no other command does.

use super::{Context, Run, fresh};
use crate::cli::Export;
use crate::error::Result;
use crate::launcher::{Action, Report, keys::Shape};

impl Run for Export {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Session, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let min_valid = self.min_valid.min_valid.as_deref();
        fresh::keys_report(ctx, &self.profile, min_valid, Shape::Export)
    }
}
