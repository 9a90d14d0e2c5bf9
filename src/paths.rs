//! Every file location and environment override awsmfa honours, in one place.
//!
//! Tests point `HOME` (or the variables below) at a temporary folder; nothing else in the
//! crate reads the environment for paths.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// The environment awsmfa reads, captured once at start-up so that commands stay pure.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `AWS_CONFIG_FILE`.
    pub aws_config_file: Option<PathBuf>,
    /// `AWS_SHARED_CREDENTIALS_FILE`.
    pub aws_credentials_file: Option<PathBuf>,
    /// `AWSMFA_CACHE_DIR`.
    pub cache_dir: Option<PathBuf>,
    /// `XDG_CACHE_HOME` (not used on macOS).
    pub xdg_cache_home: Option<PathBuf>,
    /// `AWSMFA_OP`: the 1Password CLI to run instead of looking for `op`.
    pub op: Option<PathBuf>,
    /// `PATH`, searched for `op`.
    pub path: Option<OsString>,
    /// `AWSMFA_DURATION`: the default session length.
    pub duration: Option<String>,
    /// `AWSMFA_LOG`: `debug` turns on the debug log on stderr.
    pub log: Option<String>,
    /// `AWSMFA_REMIND`: how long before expiry the first reminder comes (`0`: only at expiry).
    pub remind: Option<String>,
    /// `AWSMFA_REMINDERS`: `off` turns expiry reminders off, `on` on.
    pub reminders: Option<String>,
    /// `XDG_CONFIG_HOME` (systemd user units; not used on macOS).
    pub xdg_config_home: Option<PathBuf>,
    /// `XDG_RUNTIME_DIR` (finds a systemd user manager and the session bus; not on macOS).
    pub xdg_runtime_dir: Option<PathBuf>,
    /// `DBUS_SESSION_BUS_ADDRESS`: the bus notifications are posted on (not on macOS).
    pub dbus_session_bus_address: Option<String>,
}

fn var_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn var_string(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Env {
    /// Reads the process environment.
    pub fn from_process() -> Self {
        Env {
            home: var_path("HOME"),
            aws_config_file: var_path("AWS_CONFIG_FILE"),
            aws_credentials_file: var_path("AWS_SHARED_CREDENTIALS_FILE"),
            cache_dir: var_path("AWSMFA_CACHE_DIR"),
            xdg_cache_home: var_path("XDG_CACHE_HOME"),
            op: var_path("AWSMFA_OP"),
            path: std::env::var_os("PATH"),
            duration: var_string("AWSMFA_DURATION"),
            log: var_string("AWSMFA_LOG"),
            remind: var_string("AWSMFA_REMIND"),
            reminders: var_string("AWSMFA_REMINDERS"),
            xdg_config_home: var_path("XDG_CONFIG_HOME"),
            xdg_runtime_dir: var_path("XDG_RUNTIME_DIR"),
            dbus_session_bus_address: var_string("DBUS_SESSION_BUS_ADDRESS"),
        }
    }

    fn home(&self) -> Result<PathBuf> {
        self.home.clone().ok_or_else(|| {
            Error::config(
                "config_invalid",
                "HOME is not set: set HOME, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE",
            )
        })
    }

    /// `~/.aws/config`, or `AWS_CONFIG_FILE` (with `~/` expanded as the AWS CLI does).
    pub fn config_file(&self) -> Result<PathBuf> {
        match &self.aws_config_file {
            Some(p) => self.expand(p),
            None => Ok(self.home()?.join(".aws").join("config")),
        }
    }

    /// `~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`.
    pub fn credentials_file(&self) -> Result<PathBuf> {
        match &self.aws_credentials_file {
            Some(p) => self.expand(p),
            None => Ok(self.home()?.join(".aws").join("credentials")),
        }
    }

    /// The folder for awsmfa's small state files (last code window, reminders).
    pub fn cache_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.cache_dir {
            return self.expand(dir);
        }
        if cfg!(target_os = "macos") {
            return Ok(self.home()?.join("Library/Caches/awsmfa"));
        }
        match &self.xdg_cache_home {
            Some(dir) if dir.is_absolute() => Ok(dir.join("awsmfa")),
            _ => Ok(self.home()?.join(".cache/awsmfa")),
        }
    }

    /// Whether `AWSMFA_LOG=debug` asked for the debug log.
    pub fn debug(&self) -> bool {
        self.log
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("debug"))
    }

    fn expand(&self, path: &std::path::Path) -> Result<PathBuf> {
        match path.strip_prefix("~") {
            Ok(rest) => Ok(self.home()?.join(rest)),
            Err(_) => Ok(path.to_path_buf()),
        }
    }
}

/// `path` with the home folder shown as `~`, for messages.
pub fn display(env: &Env, path: &std::path::Path) -> String {
    if let Some(home) = &env.home
        && let Ok(rest) = path.strip_prefix(home)
    {
        return format!("~/{}", rest.display());
    }
    path.display().to_string()
}
