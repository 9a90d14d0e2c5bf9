//! Every file location and environment variable awsmfa honours, in one place.
//!
//! [`Env`] is the environment, read once at start-up by `main`; nothing else in the crate
//! reads the process environment. Tests build an `Env` (or point `HOME` and the variables
//! below at a temporary folder for the real binary).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// The environment awsmfa reads, captured once at start-up so that commands stay pure.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `AWS_CONFIG_FILE`.
    pub aws_config_file: Option<PathBuf>,
    /// `AWS_SHARED_CREDENTIALS_FILE`.
    pub aws_credentials_file: Option<PathBuf>,
    /// `AWS_ENDPOINT_URL`: the endpoint of every AWS service.
    pub aws_endpoint_url: Option<String>,
    /// `AWS_ENDPOINT_URL_STS`.
    pub aws_endpoint_url_sts: Option<String>,
    /// `AWS_ENDPOINT_URL_IAM`.
    pub aws_endpoint_url_iam: Option<String>,
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`: `true` ignores every endpoint setting.
    pub aws_ignore_configured_endpoint_urls: Option<String>,
    /// `AWSMFA_CACHE_DIR`.
    pub cache_dir: Option<PathBuf>,
    /// `XDG_CACHE_HOME` (not used on macOS).
    pub xdg_cache_home: Option<PathBuf>,
    /// `AWSMFA_OP`: the 1Password CLI to run instead of looking for `op`.
    pub op: Option<PathBuf>,
    /// `AWSMFA_YKMAN`: the YubiKey Manager CLI to run instead of looking for `ykman`.
    pub ykman: Option<PathBuf>,
    /// `PATH`, searched for `op` and `ykman`.
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
    /// `AWSMFA_KEYCHAIN`: `off` keeps awsmfa away from the OS keychain (MFA serials then come
    /// from `mfa_serial` only).
    pub keychain: Option<String>,
    /// `TZ`: the time zone times are shown in.
    pub tz: Option<String>,
    /// The absolute path of the running awsmfa, which the reminder scheduler runs.
    pub program: Option<PathBuf>,
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
            aws_endpoint_url: var_string("AWS_ENDPOINT_URL"),
            aws_endpoint_url_sts: var_string("AWS_ENDPOINT_URL_STS"),
            aws_endpoint_url_iam: var_string("AWS_ENDPOINT_URL_IAM"),
            aws_ignore_configured_endpoint_urls: var_string("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
            cache_dir: var_path("AWSMFA_CACHE_DIR"),
            xdg_cache_home: var_path("XDG_CACHE_HOME"),
            op: var_path("AWSMFA_OP"),
            ykman: var_path("AWSMFA_YKMAN"),
            path: std::env::var_os("PATH"),
            duration: var_string("AWSMFA_DURATION"),
            log: var_string("AWSMFA_LOG"),
            remind: var_string("AWSMFA_REMIND"),
            reminders: var_string("AWSMFA_REMINDERS"),
            xdg_config_home: var_path("XDG_CONFIG_HOME"),
            xdg_runtime_dir: var_path("XDG_RUNTIME_DIR"),
            dbus_session_bus_address: var_string("DBUS_SESSION_BUS_ADDRESS"),
            keychain: var_string("AWSMFA_KEYCHAIN"),
            tz: std::env::var("TZ").ok(),
            program: std::env::current_exe()
                .ok()
                .and_then(|exe| std::path::absolute(exe).ok()),
        }
    }

    /// `HOME`, or an error saying what it is needed for and what else would do.
    pub fn home_for(&self, needed_for: &str) -> Result<PathBuf> {
        self.home.clone().ok_or_else(|| {
            Error::new(
                ErrorKind::ConfigInvalid,
                format!("HOME is not set: set HOME{needed_for}"),
            )
        })
    }

    fn home(&self) -> Result<PathBuf> {
        self.home_for(", or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE")
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

    /// `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`.
    pub fn systemd_user_dir(&self) -> Result<PathBuf> {
        let config = match &self.xdg_config_home {
            Some(dir) if dir.is_absolute() => dir.clone(),
            _ => self
                .home_for(" (the systemd user units go into ~/.config/systemd/user)")?
                .join(".config"),
        };
        Ok(config.join("systemd/user"))
    }

    /// `~/Library/LaunchAgents`.
    pub fn launch_agents_dir(&self) -> Result<PathBuf> {
        Ok(self
            .home_for(" (the reminder agent goes into ~/Library/LaunchAgents)")?
            .join("Library/LaunchAgents"))
    }

    /// Whether `AWSMFA_KEYCHAIN=off` keeps awsmfa away from the OS keychain.
    pub fn keychain_off(&self) -> bool {
        self.keychain.as_deref().is_some_and(|v| {
            ["off", "0", "false", "no"].contains(&v.trim().to_ascii_lowercase().as_str())
        })
    }

    /// Whether `AWSMFA_LOG=debug` asked for the debug log.
    pub fn debug(&self) -> bool {
        self.log
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("debug"))
    }

    fn expand(&self, path: &Path) -> Result<PathBuf> {
        match path.strip_prefix("~") {
            Ok(rest) => Ok(self.home()?.join(rest)),
            Err(_) => Ok(path.to_path_buf()),
        }
    }
}

/// `path` with the home folder shown as `~`, for messages.
pub fn display(env: &Env, path: &Path) -> String {
    if let Some(home) = &env.home
        && let Ok(rest) = path.strip_prefix(home)
    {
        return format!("~/{}", rest.display());
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_live_in_the_users_config() {
        let env = Env {
            home: Some("/home/me".into()),
            ..Env::default()
        };
        assert_eq!(
            env.systemd_user_dir().unwrap(),
            Path::new("/home/me/.config/systemd/user")
        );
        let xdg = Env {
            xdg_config_home: Some("/cfg".into()),
            ..env.clone()
        };
        assert_eq!(
            xdg.systemd_user_dir().unwrap(),
            Path::new("/cfg/systemd/user")
        );
        let relative = Env {
            xdg_config_home: Some("cfg".into()),
            ..env.clone()
        };
        assert_eq!(
            relative.systemd_user_dir().unwrap(),
            Path::new("/home/me/.config/systemd/user")
        );
        assert_eq!(
            env.launch_agents_dir().unwrap(),
            Path::new("/home/me/Library/LaunchAgents")
        );
    }

    #[test]
    fn the_keychain_is_off_only_when_asked() {
        let with = |v: &str| Env {
            keychain: Some(v.into()),
            ..Env::default()
        };
        assert!(
            with("off").keychain_off() && with("OFF").keychain_off() && with("0").keychain_off()
        );
        assert!(!with("on").keychain_off() && !Env::default().keychain_off());
    }

    #[test]
    fn one_message_when_home_is_missing() {
        let err = Env::default().credentials_file().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConfigInvalid);
        assert_eq!(
            err.message(),
            "HOME is not set: set HOME, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE"
        );
        let err = Env::default().systemd_user_dir().unwrap_err();
        assert!(
            err.message().starts_with("HOME is not set: set HOME ("),
            "{err}"
        );
    }
}
