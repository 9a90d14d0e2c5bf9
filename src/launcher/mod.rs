//! What the front ends read: a command's [`Report`] (or its error) rendered for a terminal
//! (`text`), for scripts and the Raycast extension (`json`), or for Alfred (`alfred`). Each
//! renderer also words the retry of a retryable error for its front end.

pub mod alfred;
pub mod json;
pub mod keys;
pub mod text;

use jiff::Timestamp;

use crate::clock::Now;
use crate::error::Error;
use crate::profiles::Profile;
use crate::reminders::{Overview, SwitchOrigin};

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for people (the default).
    Text,
    /// Stable JSON for scripts and the Raycast extension.
    Json,
    /// Alfred's Script Filter / Run Script JSON.
    Alfred,
}

/// What a command did, for the chosen format to render.
#[derive(Debug)]
pub enum Report {
    /// `list`: profiles in display order.
    List {
        /// The profiles, best match first.
        profiles: Vec<Profile<'static>>,
        /// The clock the statuses were computed with.
        now: Now,
        /// What makes the AWS CLI refuse one of the files, one line each.
        warnings: Vec<String>,
        /// The launcher holds a one-time code the person typed (`--with-typed-code`):
        /// Alfred's rows log in with it.
        typed_code: bool,
        /// Where Alfred shows the row that hands `aws mfa doctor` on to `awsmfa doctor`.
        doctor: DoctorRow,
        /// Profiles `awsmfa setup` could set up that are not among `profiles` (their long-term
        /// keys still in `[P]` itself), best match first: Alfred lists them after the profiles.
        setup: Vec<crate::profiles::SetupCandidate>,
        /// A query that matched none of the profiles there are: the list says so, rather than
        /// that there are none.
        no_match: Option<NoMatch>,
    },
    /// `status`: one profile.
    Status {
        /// The profile.
        profile: Profile<'static>,
        /// A line on its expiry reminders (shown in text).
        reminders: String,
        /// The clock.
        now: Now,
        /// What makes the AWS CLI refuse one of the files, one line each.
        warnings: Vec<String>,
    },
    /// `login` succeeded.
    LoggedIn {
        /// The session profile.
        profile: String,
        /// When the new session expires.
        expires_at: Timestamp,
        /// The clock, read after STS answered.
        now: Now,
    },
    /// `logout` finished.
    LoggedOut {
        /// The session profile.
        profile: String,
        /// Whether there were session keys to remove.
        removed: bool,
    },
    /// `setup` finished.
    SetUp {
        /// The session profile.
        profile: String,
        /// What was stored, one line each.
        done: Vec<String>,
        /// With `--login` (or a yes on the terminal): when the first session expires, and
        /// the clock read after it was written.
        login: Option<(Timestamp, Now)>,
    },
    /// `setup` without a profile: what can be set up.
    SetupCandidates {
        /// The profiles, by name.
        candidates: Vec<crate::profiles::SetupCandidate>,
    },
    /// `setup PROFILE --list-devices`: the MFA devices to choose from, the proposed first.
    SetupDevices {
        /// The session profile.
        profile: String,
        /// The devices.
        devices: Vec<crate::iam::Device>,
    },
    /// `setup PROFILE --list-op-items`: the 1Password items with a one-time password, the
    /// proposed (most likely) first.
    SetupOpItems {
        /// The session profile.
        profile: String,
        /// The items.
        items: Vec<crate::otp::onepassword::items::Listed>,
        /// Without items: how to give one a one-time password.
        hint: Option<String>,
    },
    /// `reminders on|off|status`.
    Reminders {
        /// The switch, the scheduler, what comes next, and what the command did.
        overview: Overview,
        /// The clock.
        now: Now,
    },
    /// `notify-due`: one run.
    NotifyDue {
        /// Set when reminders are off (so nothing was looked at).
        off: Option<SwitchOrigin>,
        /// The titles of the reminders posted.
        posted: Vec<String>,
        /// When the next reminder is due.
        next: Option<Timestamp>,
        /// The clock.
        now: Now,
    },
    /// `notify-due --wait` ended: nothing is left to remind of (and `reminder-button`).
    Waited,
    /// `doctor`: every check, in order.
    Doctor {
        /// The checks.
        checks: Vec<crate::doctor::Check>,
    },
    /// `credential-process` and `export`: a session's keys, for the tool that asked (the
    /// only report that carries secrets; see [`keys`]).
    Keys {
        /// How they were asked for.
        shape: keys::Shape,
        /// The session.
        session: crate::sts::Session,
        /// The session profile's region.
        region: Option<String>,
    },
    /// `completions` and `man`: a script or a page, printed as it is in every format.
    Document(String),
}

impl Report {
    /// The warnings a terminal shows on stderr (the other formats carry them on stdout).
    pub fn warnings(&self) -> &[String] {
        match self {
            Report::List { warnings, .. } | Report::Status { warnings, .. } => warnings,
            _ => &[],
        }
    }

    /// The failure a report also is: `doctor`'s failed checks (shown on stderr, and the exit
    /// status).
    pub fn failure(&self) -> Option<Error> {
        match self {
            Report::Doctor { checks } => crate::doctor::failure(checks),
            _ => None,
        }
    }
}

/// A query that matched none of the profiles `list` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatch {
    /// What was typed, trimmed.
    pub query: String,
    /// How many profiles (and setup rows) there are without it.
    pub profiles: usize,
}

impl NoMatch {
    /// `No profile matches “stg”`.
    pub fn title(&self) -> String {
        format!("No profile matches “{}”", self.query)
    }

    /// `3 profiles in all: delete some of the query to see them`.
    pub fn hint(&self) -> String {
        format!(
            "{} in all: delete some of the query to see them",
            self.count()
        )
    }

    /// `3 profiles`.
    pub fn count(&self) -> String {
        let n = self.profiles;
        format!("{n} {}", if n == 1 { "profile" } else { "profiles" })
    }
}

/// Where `list --format alfred` shows the row whose ↩ runs `awsmfa doctor`: typing
/// `aws mfa doctor` in Alfred hands the query on to it, so the workflow needs no second keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoctorRow {
    /// The query is not (the start of) `doctor`.
    Hidden,
    /// The query is `doctor`: the row comes first, so ↩ runs it.
    First,
    /// The query is the start of `doctor` (`doc`, `doct`): the row comes after the profiles.
    Last,
}

impl DoctorRow {
    /// The row's place for what the person typed after the keyword.
    pub fn for_query(query: &str) -> Self {
        let query = query.trim().to_ascii_lowercase();
        if query == "doctor" {
            DoctorRow::First
        } else if query.len() >= 3 && "doctor".starts_with(&query) {
            DoctorRow::Last
        } else {
            DoctorRow::Hidden
        }
    }
}

/// Which command failed, for formats that answer differently per command (Alfred).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `list` and `status`: a Script Filter.
    List,
    /// `login`: a Run Script action.
    Login,
    /// `logout`: a Run Script action.
    Logout,
    /// `setup`: a Run Script action.
    Setup,
    /// `reminders` and `notify-due`: a Run Script action.
    Reminders,
    /// `credential-process`, `exec` and `export`: a tool asking for a session.
    Session,
    /// `completions` and `man`: a document for a file.
    Document,
}

/// Writes `report` for stdout to `sink` (with a trailing newline where it prints anything):
/// Alfred's profile rows as they are made, in chunks (see `alfred::CHUNK`); the other
/// formats and reports are small, and rendered whole first.
pub fn write(
    format: Format,
    report: &Report,
    sink: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => sink.write_all(text::render(report).as_bytes()),
        Format::Json => sink.write_all(json::render(report).as_bytes()),
        Format::Alfred => alfred::write(report, sink),
    }
}

/// What [`write()`] writes, as one String.
pub fn render(format: Format, report: &Report) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => json::render(report),
        Format::Alfred => {
            let mut out = Vec::new();
            // Writing to memory does not fail, and every renderer writes UTF-8.
            let _ = alfred::write(report, &mut out);
            String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
        }
    }
}

/// Renders a failure for stdout; `None` when the format prints nothing there (text).
pub fn render_error(
    format: Format,
    action: Action,
    profile: Option<&str>,
    error: &Error,
) -> Option<String> {
    match format {
        Format::Text => None,
        Format::Json => Some(json::render_error(error)),
        Format::Alfred => Some(alfred::render_error(action, profile, error)),
    }
}

/// The one line on stderr for a failure: `awsmfa: ` and the message as the front end shows
/// it.
pub fn error_line(format: Format, error: &Error) -> String {
    format!("awsmfa: {}", shown(format, error))
}

/// How each front end words "try again" after the message's own advice. JSON has none: its
/// reader words it (the Raycast extension offers its Try Again action).
pub fn retry_advice(format: Format) -> Option<&'static str> {
    match format {
        Format::Text => Some(", then run the same command again"),
        Format::Alfred => Some(", then press ↩ to try again"),
        Format::Json => None,
    }
}

/// The error's message, with the front end's retry advice when trying again may work.
pub fn shown(format: Format, error: &Error) -> String {
    match retry_advice(format) {
        Some(advice) if error.is_retryable() => format!("{}{advice}", error.message()),
        _ => error.message().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn only_doctor_and_its_start_hand_the_query_on_to_doctor() {
        assert_eq!(DoctorRow::for_query(" Doctor "), DoctorRow::First);
        assert_eq!(DoctorRow::for_query("doc"), DoctorRow::Last);
        assert_eq!(DoctorRow::for_query("docto"), DoctorRow::Last);
        for query in ["", "do", "docs", "doctors", "work"] {
            assert_eq!(DoctorRow::for_query(query), DoctorRow::Hidden, "{query}");
        }
    }

    #[test]
    fn each_front_end_words_the_retry_and_only_for_retryable_errors() {
        let locked = Error::new(ErrorKind::OpLocked, "1Password is locked: unlock it");
        assert_eq!(
            error_line(Format::Text, &locked),
            "awsmfa: 1Password is locked: unlock it, then run the same command again"
        );
        assert_eq!(
            shown(Format::Alfred, &locked),
            "1Password is locked: unlock it, then press ↩ to try again"
        );
        assert_eq!(
            shown(Format::Json, &locked),
            "1Password is locked: unlock it"
        );
        let missing = Error::new(
            ErrorKind::ProfileNotFound,
            "no profile called x: MFA profiles: a",
        );
        assert_eq!(
            error_line(Format::Text, &missing),
            "awsmfa: no profile called x: MFA profiles: a"
        );
    }
}
