//! `--format alfred`: Alfred's Script Filter JSON for `list`/`status`, and its Run Script JSON
//! (`alfredworkflow`) for actions. Typed, so every field is spelled as Alfred documents it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::{Action, Format, Report};
use crate::clock::Now;
use crate::display::{describe, valid_until};
use crate::error::Error;
use crate::expiry::Status;
use crate::profiles::Profile;
use crate::quote::shell_word;

/// A Script Filter response.
#[derive(Serialize, Debug, Default)]
pub struct ScriptFilter<I> {
    /// Re-run the script after this many seconds (0.1–5.0) while the window is open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rerun: Option<f64>,
    /// Keep our order instead of Alfred's learned one.
    pub skipknowledge: bool,
    /// The rows.
    pub items: I,
}

/// The rows of a profile list, each built as it is written and dropped right after, so
/// `list` (on Alfred's keystroke path) never holds hundreds of rows in memory at once.
pub struct ProfileItems<'a> {
    profiles: &'a [Profile],
    now: &'a Now,
    warnings: &'a [String],
    typed_code: bool,
}

impl Serialize for ProfileItems<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq =
            serializer.serialize_seq(Some(self.profiles.len().max(1) + self.warnings.len()))?;
        if self.profiles.is_empty() {
            seq.serialize_element(&Item {
                title: "No MFA profiles found".into(),
                subtitle: "Add [NAME-mfa] with your long-term keys to ~/.aws/credentials, then run awsmfa setup NAME".into(),
                valid: false,
                icon: error_icon(),
                ..Item::default()
            })?;
        }
        for profile in self.profiles {
            seq.serialize_element(&profile_item(profile, self.now, self.typed_code))?;
        }
        // Last, so that ↩ on the best match still logs in.
        for warning in self.warnings {
            let (what, fix) = warning.rsplit_once(": ").unwrap_or((warning, ""));
            seq.serialize_element(&Item {
                title: what.into(),
                subtitle: fix.into(),
                valid: false,
                icon: error_icon(),
                text: Some(Text {
                    copy: warning.as_str().into(),
                    largetype: warning.as_str().into(),
                }),
                ..Item::default()
            })?;
        }
        seq.end()
    }
}

/// One row. Strings borrow from the profile where they can: `list` builds hundreds of these.
#[derive(Serialize, Debug, Default)]
pub struct Item<'a> {
    /// Stable ID (not used for ordering since `skipknowledge` is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<&'a str>,
    /// The main text.
    pub title: Cow<'a, str>,
    /// The line under it.
    pub subtitle: Cow<'a, str>,
    /// Passed to the next object on ↩.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arg: Option<&'a str>,
    /// Text put in the search field on ⇥.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<&'a str>,
    /// Whether ↩ acts on the row.
    pub valid: bool,
    /// The row's icon.
    pub icon: Icon,
    /// ⌘C and Large Type texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Text<'a>>,
    /// Workflow variables set when the row is actioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Variables<'a>>,
    /// What the row does with a modifier key held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mods: Option<Mods<'a>>,
}

/// An icon file relative to the workflow folder.
#[derive(Serialize, Debug, Default)]
pub struct Icon {
    /// e.g. `icons/valid.png`.
    pub path: &'static str,
}

/// `text` of an item.
#[derive(Serialize, Debug)]
pub struct Text<'a> {
    /// Copied with ⌘C.
    pub copy: Cow<'a, str>,
    /// Shown with ⌘L.
    pub largetype: Cow<'a, str>,
}

/// The workflow variables a profile row sets.
#[derive(Serialize, Debug)]
pub struct Variables<'a> {
    /// The profile's name, for the actions after the Script Filter.
    pub profile: &'a str,
    /// With a typed code (`list --with-typed-code`): `""`, the slot the workflow's entry
    /// script fills with the code, which awsmfa list never sees. ↩ hands it to the login
    /// script as the environment variable `awsmfa_code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awsmfa_code: Option<&'static str>,
}

/// The modifier keys of a profile row.
#[derive(Serialize, Debug)]
pub struct Mods<'a> {
    /// ⌥↩: log out.
    pub alt: Modifier<'a>,
    /// ⌘↩: copy `export AWS_PROFILE=…`.
    pub cmd: Modifier<'a>,
    /// ⌃↩: status in Large Type.
    pub ctrl: Modifier<'a>,
}

/// A modifier's behaviour.
#[derive(Serialize, Debug)]
pub struct Modifier<'a> {
    /// Passed on instead of the item's `arg`.
    pub arg: Cow<'a, str>,
    /// Shown while the key is held.
    pub subtitle: Cow<'a, str>,
    /// Whether the modified ↩ acts.
    pub valid: bool,
}

/// The icon for a status.
pub fn icon_for(status: Status) -> Icon {
    Icon {
        path: match status {
            Status::Valid => "icons/valid.png",
            Status::Expiring => "icons/expiring.png",
            Status::Expired => "icons/expired.png",
            Status::NoSession => "icons/no_session.png",
        },
    }
}

fn error_icon() -> Icon {
    Icon {
        path: "icons/error.png",
    }
}

/// The row of one profile. With `typed_code` (the person typed a code after the query) ↩
/// logs in with that code, so a profile without a code source of its own can log in too.
pub fn profile_item<'a>(p: &'a Profile, now: &Now, typed_code: bool) -> Item<'a> {
    let mut status_line = describe(p.status, p.expires_at, now);
    if let Some(base) = &p.via {
        // A role profile: the status is its base's session, which ↩ refreshes.
        status_line = format!("via {base} · {status_line}");
    }
    let name = p.name.as_str();
    let session = p.session_name();
    if let Some(hint) = p.setup_hint().filter(|_| !typed_code) {
        return Item {
            uid: Some(name),
            title: name.into(),
            subtitle: format!("{status_line} · needs setup: run {hint} in a terminal").into(),
            autocomplete: Some(name),
            valid: false,
            icon: icon_for(p.status),
            text: Some(Text {
                copy: hint.clone().into(),
                largetype: hint.into(),
            }),
            ..Item::default()
        };
    }
    let export = format!("export AWS_PROFILE={}", shell_word(name));
    let action = match p.status {
        _ if typed_code => "↩ log in with the code you typed",
        Status::Valid => "↩ to refresh",
        Status::Expiring => "↩ to refresh now",
        Status::Expired | Status::NoSession => "↩ to log in",
    };
    let large = format!("{name}: {status_line}");
    Item {
        uid: Some(name),
        title: name.into(),
        subtitle: format!("{status_line} · {action}").into(),
        arg: Some(name),
        autocomplete: Some(name),
        valid: true,
        icon: icon_for(p.status),
        mods: Some(Mods {
            alt: Modifier {
                arg: session.into(),
                subtitle: format!("Log out of {session} (remove its session keys)").into(),
                valid: true,
            },
            cmd: Modifier {
                arg: export.clone().into(),
                subtitle: format!("Copy {export}").into(),
                valid: true,
            },
            ctrl: Modifier {
                arg: large.clone().into(),
                subtitle: "Show status in Large Type".into(),
                valid: true,
            },
        }),
        text: Some(Text {
            copy: export.into(),
            largetype: large.into(),
        }),
        variables: Some(Variables {
            profile: name,
            awsmfa_code: typed_code.then_some(""),
        }),
    }
}

/// The Script Filter for a list of profiles; `typed_code` as in [`profile_item`].
pub fn list<'a>(
    profiles: &'a [Profile],
    now: &'a Now,
    warnings: &'a [String],
    typed_code: bool,
) -> ScriptFilter<ProfileItems<'a>> {
    let counting = |s: Status| profiles.iter().any(|p| p.status == s);
    let rerun = if counting(Status::Expiring) {
        Some(1.0)
    } else if counting(Status::Valid) {
        Some(5.0)
    } else {
        None
    };
    ScriptFilter {
        rerun,
        skipknowledge: true,
        items: ProfileItems {
            profiles,
            now,
            warnings,
            typed_code,
        },
    }
}

fn to_json<T: Serialize>(value: &T) -> String {
    to_json_sized(value, 1024)
}

/// Serialises into a buffer of about the expected size, so it does not double (and copy)
/// its way up from a few bytes.
fn to_json_sized<T: Serialize>(value: &T, capacity: usize) -> String {
    let mut out = Vec::with_capacity(capacity);
    if serde_json::to_writer(&mut out, value).is_err() {
        return "{}\n".into();
    }
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_else(|_| "{}\n".into())
}

/// Run Script output: `{"alfredworkflow": {"arg": …, "variables": {…}}}`.
fn action(arg: String, variables: BTreeMap<&str, String>) -> String {
    to_json(&serde_json::json!({ "alfredworkflow": { "arg": arg, "variables": variables } }))
}

pub(super) fn render(report: &Report) -> String {
    let ok = |title: &str, profile: &str, arg: String| {
        action(
            arg,
            BTreeMap::from([
                ("awsmfa_ok", "1".to_string()),
                ("awsmfa_title", title.to_string()),
                ("awsmfa_profile", profile.to_string()),
                ("awsmfa_error_kind", String::new()),
                ("awsmfa_retryable", "0".to_string()),
            ]),
        )
    };
    match report {
        Report::List {
            profiles,
            now,
            warnings,
            typed_code,
        } => to_json_sized(
            &list(profiles, now, warnings, *typed_code),
            1024 * (profiles.len() + 1),
        ),
        Report::Status {
            profile,
            now,
            warnings,
            ..
        } => to_json(&list(std::slice::from_ref(profile), now, warnings, false)),
        Report::LoggedIn {
            profile,
            expires_at,
            now,
        } => ok(
            "AWS session refreshed",
            profile,
            format!("{profile}: {}", valid_until(*expires_at, now)),
        ),
        Report::LoggedOut { profile, removed } => ok(
            "AWS session removed",
            profile,
            if *removed {
                format!("{profile}: logged out")
            } else {
                format!("{profile}: there was no session to remove")
            },
        ),
        Report::SetUp { profile, done } => ok(
            "awsmfa set up",
            profile,
            format!("{profile}: {}", done.join("; ")),
        ),
        Report::Reminders { overview, .. } => ok(
            if overview.enabled {
                "AWS expiry reminders on"
            } else {
                "AWS expiry reminders off"
            },
            "",
            if overview.done.is_empty() {
                overview.scheduler.description.clone()
            } else {
                overview.done.join("; ")
            },
        ),
        Report::NotifyDue { off, posted, .. } => ok(
            if off.is_some() {
                "AWS expiry reminders off"
            } else {
                "AWS expiry reminders"
            },
            "",
            if posted.is_empty() {
                "nothing due".to_string()
            } else {
                posted.join("; ")
            },
        ),
        Report::Waited => ok("AWS expiry reminders", "", String::new()),
        Report::Keys {
            shape,
            session,
            region,
        } => super::keys::render(Format::Alfred, *shape, session, region.as_deref()),
        Report::Document(text) => text.clone(),
    }
}

pub(super) fn render_error(command: Action, profile: Option<&str>, error: &Error) -> String {
    let message = super::shown(Format::Alfred, error);
    match command {
        Action::List => to_json(&ScriptFilter {
            rerun: None,
            skipknowledge: true,
            items: vec![Item {
                title: message.as_str().into(),
                subtitle: format!("awsmfa could not list the profiles ({})", error.kind()).into(),
                valid: false,
                icon: error_icon(),
                text: Some(Text {
                    copy: message.as_str().into(),
                    largetype: message.as_str().into(),
                }),
                ..Item::default()
            }],
        }),
        Action::Login
        | Action::Logout
        | Action::Setup
        | Action::Reminders
        | Action::Session
        | Action::Document => action(
            message.clone(),
            BTreeMap::from([
                ("awsmfa_ok", "0".to_string()),
                (
                    "awsmfa_title",
                    match command {
                        Action::Logout => "AWS logout failed",
                        Action::Setup => "awsmfa setup failed",
                        Action::Reminders => "awsmfa reminders failed",
                        Action::Session => "AWS session failed",
                        Action::Document => "awsmfa failed",
                        _ => "AWS login failed",
                    }
                    .to_string(),
                ),
                ("awsmfa_profile", profile.unwrap_or_default().to_string()),
                ("awsmfa_error_kind", error.kind().name().to_string()),
                (
                    "awsmfa_retryable",
                    if error.is_retryable() { "1" } else { "0" }.to_string(),
                ),
            ]),
        ),
    }
}
