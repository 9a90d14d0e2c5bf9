//! What the front ends read: output formats for terminals, Raycast (JSON) and Alfred.

pub mod alfred;
pub mod json;
pub mod text;

use jiff::Timestamp;

use crate::expiry::Clock;

use crate::error::Error;
use crate::profiles::Profile;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for people (the default on a terminal).
    Text,
    /// Stable JSON for scripts and the Raycast extension.
    Json,
    /// Alfred's Script Filter / Run Script JSON.
    Alfred,
}

/// The output of one command, rendered by the chosen format.
pub enum Report<'a> {
    /// `list`: profiles in display order.
    List {
        /// The profiles, best match first.
        profiles: &'a [Profile],
        /// The clock the statuses were computed with.
        now: &'a Clock,
    },
    /// `status`: one profile.
    Status {
        /// The profile.
        profile: &'a Profile,
        /// The clock.
        now: &'a Clock,
    },
    /// `login` succeeded.
    LoggedIn {
        /// The session profile.
        profile: &'a str,
        /// When the new session expires.
        expires_at: Timestamp,
        /// The clock, read after STS answered.
        now: &'a Clock,
    },
    /// `logout` finished.
    LoggedOut {
        /// The session profile.
        profile: &'a str,
        /// Whether there were session keys to remove.
        removed: bool,
    },
    /// `setup` finished.
    SetUp {
        /// The session profile.
        profile: &'a str,
        /// What was stored, one line each.
        done: &'a [String],
    },
    /// `reminders on|off|status`.
    Reminders {
        /// The switch, the scheduler, what comes next, and what the command did.
        overview: &'a crate::reminders::Overview,
        /// The clock.
        now: &'a Clock,
    },
}

/// Renders `report` for stdout (with a trailing newline).
pub fn render(format: Format, report: &Report<'_>) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => json::render(report),
        Format::Alfred => alfred::render(report),
    }
}

/// Renders a failure for stdout; `None` when the format prints nothing there (text).
pub fn render_error(
    format: Format,
    command: Command,
    profile: Option<&str>,
    error: &Error,
) -> Option<String> {
    match format {
        Format::Text => None,
        Format::Json => Some(json::render_error(error)),
        Format::Alfred => Some(alfred::render_error(command, profile, error)),
    }
}

/// Which command failed, for formats that answer differently per command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `list` and `status`: a Script Filter.
    List,
    /// `login`: a Run Script action.
    Login,
    /// `logout`: a Run Script action.
    Logout,
    /// `setup`: a Run Script action.
    Setup,
    /// `reminders`: a Run Script action.
    Reminders,
}

/// `name` quoted for a POSIX shell only when it needs it, for commands shown to people.
pub fn shell_word(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/@+=%".contains(c));
    if plain {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_word("work"), "work");
        assert_eq!(shell_word("my profile"), "'my profile'");
        assert_eq!(shell_word("a'b;rm -rf"), r"'a'\''b;rm -rf'");
        assert_eq!(shell_word("$(x)"), "'$(x)'");
    }
}
