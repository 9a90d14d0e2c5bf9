//! The program of a code source (`op`, `ykman`): found as the launchers need it found, named
//! in messages, and what it printed quoted.
//!
//! Alfred and Raycast start programs without the login shell's `PATH`, so after an override
//! from the environment (`AWSMFA_OP`, `AWSMFA_YKMAN`) and `PATH` come the folders Homebrew
//! installs into.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Why no program was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// Not on `PATH` nor in any of the known places.
    NotInstalled,
    /// The override names something that is not an executable file.
    NotExecutable(PathBuf),
    /// The override is a relative path (not a bare command name).
    RelativePath(PathBuf),
}

/// Where the program `name` is: `override_path` if set (an error if it is not executable),
/// else the first executable `name` on `path_var` (`PATH`), else the first of `known`.
///
/// A bare name as the override is a command to look up on `PATH`, as a shell would; any other
/// relative override, and empty or relative `PATH` entries, would depend on the folder awsmfa
/// happens to run in, so they are refused or skipped.
pub fn find(
    name: &str,
    override_path: Option<&Path>,
    path_var: Option<&OsStr>,
    known: &[&Path],
) -> Result<PathBuf, Missing> {
    let on_path = |name: &Path| -> Vec<PathBuf> {
        path_var
            .into_iter()
            .flat_map(std::env::split_paths)
            .filter(|dir| dir.is_absolute())
            .map(|dir| dir.join(name))
            .collect()
    };
    if let Some(path) = override_path {
        if !path.is_absolute() && path.components().count() == 1 {
            return on_path(path)
                .into_iter()
                .find(|candidate| is_executable(candidate))
                .ok_or_else(|| Missing::NotExecutable(path.to_path_buf()));
        }
        if !path.is_absolute() {
            return Err(Missing::RelativePath(path.to_path_buf()));
        }
        return if is_executable(path) {
            Ok(path.to_path_buf())
        } else {
            Err(Missing::NotExecutable(path.to_path_buf()))
        };
    }
    on_path(Path::new(name))
        .into_iter()
        .chain(known.iter().map(|path| path.to_path_buf()))
        .find(|candidate| is_executable(candidate))
        .ok_or(Missing::NotInstalled)
}

/// A code source's program, as awsmfa's messages name it.
pub struct Program {
    /// Its command name: `op`.
    pub name: &'static str,
    /// The environment variable that says which one to run: `AWSMFA_OP`.
    pub variable: &'static str,
    /// What it is called for people: `1Password CLI (op)`.
    pub title: &'static str,
    /// Where it is looked for after `PATH`: Homebrew on Apple silicon first.
    pub known: [&'static str; 2],
}

impl Program {
    /// Where it is: [`find`] with its [`Program::known`] places.
    pub fn find(
        &self,
        override_path: Option<&Path>,
        path_var: Option<&OsStr>,
    ) -> Result<PathBuf, Missing> {
        find(
            self.name,
            override_path,
            path_var,
            &self.known.map(Path::new),
        )
    }

    /// The message for [`Missing::NotExecutable`].
    pub fn not_executable(&self, path: &Path) -> String {
        format!(
            "{} is set to {}, which is not an executable file: point it at the {}, or unset it \
             to use the {} on PATH",
            self.variable,
            path.display(),
            self.title,
            self.name
        )
    }

    /// The message for [`Missing::RelativePath`].
    pub fn relative_path(&self, path: &Path) -> String {
        format!(
            "{} is set to {}, a relative path, which would depend on the folder awsmfa runs in: \
             set it to the absolute path of {} (for example {}), or unset it to use the {} on \
             PATH",
            self.variable,
            path.display(),
            self.name,
            self.known[0],
            self.name
        )
    }

    /// What the program said on failing (`message`, already one line), quoted; or, when it
    /// said nothing, how it ended (`code`: its exit code, None for a signal).
    pub fn said(&self, message: &str, code: Option<i32>) -> String {
        match (message.is_empty(), code) {
            (false, _) => quote(message),
            (true, Some(code)) => {
                format!(
                    "{} exited with status {code} and printed no error",
                    self.name
                )
            }
            (true, None) => format!("{} was stopped by a signal", self.name),
        }
    }
}

/// The code a program printed on stdout when that is exactly six ASCII digits and a line end.
pub fn printed_code(stdout: &str) -> Option<&str> {
    let printed = stdout.strip_suffix('\n').unwrap_or(stdout);
    let printed = printed.strip_suffix('\r').unwrap_or(printed);
    (printed.len() == 6 && printed.bytes().all(|b| b.is_ascii_digit())).then_some(printed)
}

/// Longest quote of a program's own error message (`op`'s, `ykman`'s).
pub const MAX_QUOTE_CHARS: usize = 300;

/// `text` shortened to [`MAX_QUOTE_CHARS`] characters.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A timeout in whole seconds, rounded up, for messages.
pub fn whole_seconds(duration: std::time::Duration) -> u64 {
    let seconds = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.metadata().is_ok_and(|meta| meta.is_file())
}
