//! What runs `awsmfa notify-due`: a launchd agent on macOS; on Linux a systemd user timer
//! where a user manager runs, else a detached waiter. Installed by `login` (cheaply: files
//! are compared first, `launchctl`/`systemctl` run only when one changed) and by
//! `awsmfa reminders on`; removed by `awsmfa reminders off`.

pub mod detached;
pub mod launchd;
pub mod systemd;

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::log;
use crate::paths::{self, Env};
use crate::reminders::waiter;

/// Which scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The LaunchAgent `dev.awsmfa.reminders` (macOS).
    Launchd,
    /// The systemd user timer `awsmfa-reminders.timer` (Linux).
    Systemd,
    /// A detached `awsmfa notify-due --wait`.
    Waiter,
    /// None is installed or running.
    None,
}

/// The scheduler in place now, for `status` and `reminders status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scheduler {
    /// Which one.
    pub kind: Kind,
    /// One line for people: `systemd user timer awsmfa-reminders.timer (every minute)`.
    pub description: String,
    /// Its file, if it has one.
    pub path: Option<PathBuf>,
    /// The waiter's process ID.
    pub pid: Option<u32>,
}

impl Scheduler {
    /// A few words: `launchd agent`, `systemd user timer`, `background waiter`, `none`.
    pub fn short(&self) -> &'static str {
        match self.kind {
            Kind::Launchd => "launchd agent",
            Kind::Systemd => "systemd user timer",
            Kind::Waiter => "background waiter",
            Kind::None => "not scheduled",
        }
    }
}

/// The absolute path of the running program, which the scheduler runs.
pub fn program(env: &Env) -> Result<PathBuf> {
    env.program.clone().ok_or_else(|| {
        Error::new(
            ErrorKind::Io,
            "cannot find the path of the awsmfa program, which the reminder scheduler runs",
        )
    })
}

/// The variables the scheduled `notify-due` needs to see the same files and settings as
/// this process: the ones set here that `notify-due` reads, paths made absolute.
pub fn job_environment(env: &Env) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    let mut path = |name: &str, set: bool, resolved: Result<PathBuf>| {
        if let (true, Ok(p)) = (set, resolved)
            && let Ok(p) = std::path::absolute(p)
        {
            vars.push((name.to_string(), p.to_string_lossy().into_owned()));
        }
    };
    path(
        "AWS_CONFIG_FILE",
        env.aws_config_file.is_some(),
        env.config_file(),
    );
    path(
        "AWS_SHARED_CREDENTIALS_FILE",
        env.aws_credentials_file.is_some(),
        env.credentials_file(),
    );
    path("AWSMFA_CACHE_DIR", env.cache_dir.is_some(), env.cache_dir());
    if !cfg!(target_os = "macos")
        && let Some(dir) = env.xdg_cache_home.as_ref().filter(|d| d.is_absolute())
    {
        vars.push((
            "XDG_CACHE_HOME".to_string(),
            dir.to_string_lossy().into_owned(),
        ));
    }
    // Settings are copied only when they are valid: the job would ignore an invalid one, and
    // what no setting can hold (a line break) has no business in a unit file.
    if let Some(lead) = &env.remind
        && super::settings::parse_lead(lead, super::settings::LEAD_VARIABLE).is_ok()
    {
        vars.push((
            super::settings::LEAD_VARIABLE.to_string(),
            lead.trim().to_string(),
        ));
    }
    if let Some(switch) = &env.reminders
        && super::settings::switch(Some(switch), false).2.is_none()
    {
        vars.push((
            super::settings::SWITCH_VARIABLE.to_string(),
            switch.trim().to_string(),
        ));
    }
    vars
}

/// Whether a notification could reach a desktop from here (always on macOS): a D-Bus
/// session bus is named or at its usual place. Without one, a timer would only fail every
/// minute.
fn session_bus_known(env: &Env) -> bool {
    cfg!(target_os = "macos")
        || env.dbus_session_bus_address.is_some()
        || env
            .xdg_runtime_dir
            .as_ref()
            .is_some_and(|d| d.is_absolute() && d.join("bus").exists())
}

/// Makes sure a scheduler runs `notify-due`. Returns a line saying what it did.
pub fn ensure(env: &Env) -> Result<String> {
    let program = program(env)?;
    let vars = job_environment(env);
    #[cfg(target_os = "macos")]
    match launchd::install(
        env,
        &launchd::Launchctl::at(launchd::Launchctl::SYSTEM),
        &program,
        &vars,
    ) {
        Ok(done) => return Ok(launchd_done(done)),
        Err(err) => log::debug(
            env,
            &format!("launchd agent not installed, starting a waiter instead: {err}"),
        ),
    }
    if !session_bus_known(env) {
        return Err(Error::new(
            ErrorKind::RemindersUnavailable,
            "reminders cannot be shown here: there is no desktop session (no D-Bus session bus); log in to one and run awsmfa reminders on there",
        ));
    }
    if systemd::available(env) {
        match systemd::install(env, &program, &vars) {
            Ok(true) => {
                return Ok(format!(
                    "installed the systemd user timer {}",
                    systemd::TIMER
                ));
            }
            Ok(false) => {
                return Ok(format!(
                    "the systemd user timer {} is in place",
                    systemd::TIMER
                ));
            }
            Err(err) => log::debug(
                env,
                &format!("systemd timer not installed, starting a waiter instead: {err}"),
            ),
        }
    }
    match detached::spawn(env, &program)? {
        (pid, true) => Ok(format!("started a background waiter (pid {pid})")),
        (pid, false) => Ok(format!("a background waiter runs (pid {pid})")),
    }
}

/// What `ensure` says after installing the launchd agent.
pub fn launchd_done(done: launchd::Installed) -> String {
    match done {
        launchd::Installed::Written => format!("installed the launchd agent {}", launchd::LABEL),
        launchd::Installed::Reloaded => format!(
            "loaded the launchd agent {} again (launchd no longer had it loaded)",
            launchd::LABEL
        ),
        launchd::Installed::InPlace => format!("the launchd agent {} is in place", launchd::LABEL),
    }
}

/// Removes the installed scheduler. Returns a line per thing removed. A running waiter sees
/// the switch on its next tick and ends.
pub fn remove(env: &Env) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    #[cfg(target_os = "macos")]
    if launchd::remove(env, &launchd::Launchctl::at(launchd::Launchctl::SYSTEM))? {
        removed.push("removed the launchd agent dev.awsmfa.reminders".to_string());
    }
    if systemd::remove(env)? {
        removed.push(format!("removed the systemd user timer {}", systemd::TIMER));
    }
    if let Some(pid) = waiter::running(env) {
        removed.push(format!(
            "the background waiter (pid {pid}) ends within {} s",
            waiter::TICK.as_secs()
        ));
    }
    Ok(removed)
}

/// The scheduler in place now: files and the waiter lock only, no `launchctl`/`systemctl`.
pub fn current(env: &Env) -> Scheduler {
    if cfg!(target_os = "macos") && launchd::installed(env) {
        let path = launchd::plist_path(env).ok();
        return Scheduler {
            kind: Kind::Launchd,
            description: format!(
                "launchd agent {} (every {} s){}",
                launchd::LABEL,
                launchd::START_INTERVAL_SECONDS,
                path.as_ref()
                    .map(|p| format!(", {}", paths::display(env, p)))
                    .unwrap_or_default()
            ),
            path,
            pid: None,
        };
    }
    if systemd::installed(env) {
        let path = systemd::unit_dir(env).ok().map(|d| d.join(systemd::TIMER));
        let state = if systemd::available(env) {
            ""
        } else {
            " (no systemd user manager answers right now)"
        };
        return Scheduler {
            kind: Kind::Systemd,
            description: format!(
                "systemd user timer {} (every minute){state}",
                systemd::TIMER
            ),
            path,
            pid: None,
        };
    }
    if let Some(pid) = waiter::running(env) {
        return Scheduler {
            kind: Kind::Waiter,
            description: format!(
                "background waiter awsmfa notify-due --wait (pid {pid}, checks every {} s)",
                waiter::TICK.as_secs()
            ),
            path: None,
            pid: Some(pid),
        };
    }
    Scheduler {
        kind: Kind::None,
        description: "none running: the next awsmfa login (or awsmfa reminders on) starts one"
            .into(),
        path: None,
        pid: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_job_sees_the_files_and_settings_this_process_sees() {
        let env = Env {
            home: Some("/home/me".into()),
            aws_config_file: Some("~/work/config".into()),
            aws_credentials_file: Some("/srv/creds".into()),
            remind: Some("15m".into()),
            log: Some("debug".into()),
            op: Some("/usr/bin/op".into()),
            ..Env::default()
        };
        let vars = job_environment(&env);
        let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "AWS_CONFIG_FILE",
                "AWS_SHARED_CREDENTIALS_FILE",
                "AWSMFA_REMIND"
            ]
        );
        assert_eq!(vars[0].1, "/home/me/work/config");
        assert_eq!(vars[1].1, "/srv/creds");
        assert!(job_environment(&Env::default()).is_empty());
    }

    #[test]
    fn only_valid_settings_are_copied_into_the_job() {
        let env = Env {
            remind: Some("15m\rExecStartPre=/bin/evil".into()),
            reminders: Some("off\n[Install]".into()),
            ..Env::default()
        };
        assert!(job_environment(&env).is_empty());
        let env = Env {
            remind: Some("15m".into()),
            reminders: Some("on".into()),
            ..Env::default()
        };
        let names: Vec<String> = job_environment(&env).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["AWSMFA_REMIND", "AWSMFA_REMINDERS"]);
    }

    #[test]
    fn the_program_path_is_absolute() {
        let program = program(&Env::from_process()).unwrap();
        assert!(program.is_absolute());
        assert!(super::program(&Env::default()).is_err());
    }
}
