//! `awsmfa exec PROFILE -- COMMAND [ARG…]`: COMMAND in awsmfa's place (no shell), with the
//! session's keys in its environment, so its exit status and signals are its own.

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;

use super::{Context, Run, fresh};
use crate::cli::Exec;
use crate::error::{Error, ErrorKind, Result};
use crate::launcher::keys::{PROFILE_VARIABLES, variables};
use crate::launcher::{Action, Report};
use crate::quote::one_line;

impl Run for Exec {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Session, Some(&self.profile))
    }

    fn run(self, ctx: &Context<'_>) -> Result<Report> {
        let min_valid = fresh::min_valid(self.min_valid.min_valid.as_deref())?;
        let Some((program, args)) = self.command.split_first() else {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "exec needs a command to run: awsmfa exec PROFILE -- COMMAND [ARG…]",
            ));
        };
        // A mistyped command should not cost a login (and a Touch ID prompt) first.
        if !may_exist(program, ctx.env.path.as_deref()) {
            return Err(not_found(program));
        }
        let fresh = fresh::session(ctx, &self.profile, min_valid, "exec")?;
        let mut command = std::process::Command::new(program);
        command.args(args);
        for name in PROFILE_VARIABLES {
            command.env_remove(name);
        }
        command.envs(variables(&fresh.session, fresh.region.as_deref()));
        crate::hardening::give_back_core_dumps();
        // Only returns when COMMAND could not be started.
        let err = command.exec();
        crate::hardening::no_core_dumps();
        let shown = one_line(&program.to_string_lossy());
        Err(match err.kind() {
            std::io::ErrorKind::NotFound => not_found(program),
            std::io::ErrorKind::PermissionDenied => Error::new(
                ErrorKind::CommandNotRunnable,
                format!("{shown} cannot be run: it is not executable (chmod +x) or not a program"),
            ),
            _ => Error::new(
                ErrorKind::CommandNotRunnable,
                format!("{shown} cannot be run: {}", crate::error::describe_io(&err)),
            ),
        })
    }
}

fn not_found(program: &OsStr) -> Error {
    Error::new(
        ErrorKind::CommandNotFound,
        format!(
            "there is no command called {}: check its name, or give its full path",
            one_line(&program.to_string_lossy())
        ),
    )
}

/// Whether `program` may be found when it is run: a path (what is wrong with it, `exec`
/// says), or a bare name some folder of `PATH` has.
fn may_exist(program: &OsStr, path: Option<&OsStr>) -> bool {
    use std::os::unix::ffi::OsStrExt;
    program.as_bytes().contains(&b'/')
        || path
            .into_iter()
            .flat_map(std::env::split_paths)
            .any(|dir| dir.join(program).is_file())
}
