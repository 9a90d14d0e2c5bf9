//! Without launchd or a systemd user manager: a detached `awsmfa notify-due --wait` (the
//! loop itself is [`crate::reminders::waiter`]).

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::paths::Env;
use crate::reminders::waiter::running;

/// Starts a waiter unless one runs. Returns its process ID and whether this call started it.
pub fn spawn(env: &Env, program: &Path) -> Result<(u32, bool)> {
    if let Some(pid) = running(env) {
        return Ok((pid, false));
    }
    let child = Command::new(program)
        .args(["notify-due", "--wait"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .current_dir("/")
        // Its own process group: not a job of the shell, so closing the terminal or ^C in
        // it does not end the waiter.
        .process_group(0)
        .spawn()
        .map_err(|e| Error::io(format!("cannot start {}", program.display()), &e))?;
    Ok((child.id(), true))
}
