//! `awsmfa completions bash|zsh|fish`: the shell's registration script (see
//! [`crate::completion`]).

use super::{Context, Run};
use crate::cli::Completions;
use crate::completion::script;
use crate::error::Result;
use crate::launcher::{Action, Report};

impl Run for Completions {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Document, None)
    }

    fn run(self, _ctx: &Context<'_>) -> Result<Report> {
        Ok(Report::Document(script(self.shell)))
    }
}
