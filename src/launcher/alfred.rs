//! `--format alfred`: Alfred's Script Filter JSON for `list`/`status`, and its Run Script JSON
//! (`alfredworkflow`) for actions. Typed, so every field is spelled as Alfred documents it,
//! except the profile rows, which `list` writes on every keystroke in Alfred: those are
//! written by hand (`ProfileRows`), in the bytes serde_json would write for them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::{Action, DoctorRow, Format, NoMatch, Report};
use crate::clock::Now;
use crate::display::{Clockface, valid_until};
use crate::error::Error;
use crate::expiry::Status;
use crate::profiles::{Profile, SetupCandidate, SetupState};
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

/// A JSON string literal of `parts` (one string, in pieces) appended to `out`, escaped as
/// serde_json escapes it (`"`, `\\`, and control characters; nothing else).
fn push_json_string(out: &mut String, parts: &[&str]) {
    out.push('"');
    for part in parts {
        if plain_json(part.as_bytes()) {
            out.push_str(part);
        } else {
            push_escaped(out, part);
        }
    }
    out.push('"');
}

/// Whether `bytes` holds nothing JSON escapes: no `"`, `\\` or byte below 0x20. Eight bytes
/// at a time (names and status lines are plain; this runs for every string of every row).
fn plain_json(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `word` is below `n` (n ≤ 0x80): the classic bit trick; a byte with
    // its high bit set never counts.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let special = below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        if special != 0 {
            return false;
        }
    }
    !chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// `s` escaped for a JSON string, appended to `out`.
fn push_escaped(out: &mut String, s: &str) {
    let mut clean = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[clean..i]);
        if escape.is_empty() {
            use std::fmt::Write;
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        clean = i + 1;
    }
    out.push_str(&s[clean..]);
}

/// The Script Filter of a profile list, written by hand: at a few hundred bytes a row, serde's
/// field-by-field path and the strings each row would otherwise build cost `list` more than
/// reading both AWS files does. The bytes are serde_json's for the same rows (the golden files
/// and the Alfred checks hold the shape).
struct ProfileRows<'a> {
    profiles: &'a [Profile],
    /// Profiles setup could set up that are not among `profiles`: rows after them.
    setup: &'a [SetupCandidate],
    face: Clockface<'a>,
    warnings: &'a [String],
    typed_code: bool,
    doctor: DoctorRow,
    /// A query that matched none of the profiles there are.
    no_match: Option<&'a NoMatch>,
    out: String,
    /// Scratch for one row's status line, reused from row to row.
    status: String,
}

impl ProfileRows<'_> {
    fn write(mut self) -> String {
        let rerun = if self.any(Status::Expiring) {
            "{\"rerun\":1.0,"
        } else if self.any(Status::Valid) {
            "{\"rerun\":5.0,"
        } else {
            "{"
        };
        self.out.push_str(rerun);
        self.out.push_str("\"skipknowledge\":true,\"items\":[");
        let mut first = true;
        if self.doctor == DoctorRow::First {
            self.other_item(&doctor_item());
            first = false;
        }
        if let Some(no_match) = self.no_match {
            self.other_item(&Item {
                title: no_match.title().into(),
                subtitle: no_match.hint().into(),
                valid: false,
                icon: error_icon(),
                ..Item::default()
            });
            first = false;
        } else if self.profiles.is_empty()
            && self.setup.is_empty()
            && self.doctor == DoctorRow::Hidden
        {
            self.other_item(&Item {
                title: "No MFA profiles found".into(),
                subtitle: "Add [NAME-mfa] with your long-term keys to ~/.aws/credentials, then run awsmfa setup NAME".into(),
                valid: false,
                icon: error_icon(),
                ..Item::default()
            });
            first = false;
        }
        for profile in self.profiles {
            if !std::mem::take(&mut first) {
                self.out.push(',');
            }
            self.row(profile);
        }
        for candidate in self.setup {
            if !std::mem::take(&mut first) {
                self.out.push(',');
            }
            self.other_item(&setup_item(candidate));
        }
        if self.doctor == DoctorRow::Last {
            if !std::mem::take(&mut first) {
                self.out.push(',');
            }
            self.other_item(&doctor_item());
        }
        // Last, so that ↩ on the best match still logs in.
        for warning in self.warnings {
            if !std::mem::take(&mut first) {
                self.out.push(',');
            }
            let (what, fix) = warning.rsplit_once(": ").unwrap_or((warning, ""));
            self.other_item(&Item {
                title: what.into(),
                subtitle: fix.into(),
                valid: false,
                icon: error_icon(),
                text: Some(Text {
                    copy: warning.as_str().into(),
                    largetype: warning.as_str().into(),
                }),
                ..Item::default()
            });
        }
        self.out.push_str("]}\n");
        self.out
    }

    fn any(&self, status: Status) -> bool {
        self.profiles.iter().any(|p| p.status == status)
    }

    /// A row that is not a profile's, through serde (there are few).
    fn other_item(&mut self, item: &Item<'_>) {
        self.out
            .push_str(&serde_json::to_string(item).unwrap_or_else(|_| "{}".into()));
    }

    /// `,"key":` (as given) then the string of `parts`.
    fn field(&mut self, key: &str, parts: &[&str]) {
        self.out.push_str(key);
        push_json_string(&mut self.out, parts);
    }

    /// The row of one profile. With `typed_code` (the person typed a code after the query)
    /// ↩ logs in with that code, so a profile without a code source of its own can log in
    /// too.
    fn row(&mut self, p: &Profile) {
        let mut status = std::mem::take(&mut self.status);
        status.clear();
        if let Some(base) = &p.via {
            // A role profile: the status is its base's session, which ↩ refreshes.
            status.push_str("via ");
            status.push_str(base);
            status.push_str(" · ");
        }
        self.face.describe_into(&mut status, p.status, p.expires_at);
        let name = p.name.as_str();
        let icon = icon_for(p.status).path;
        self.field("{\"uid\":", &[name]);
        self.field(",\"title\":", &[name]);
        if let Some(hint) = p.setup_hint().filter(|_| !self.typed_code) {
            // ↩ continues the setup in Alfred: the MFA device, then the 1Password item.
            let hint = hint.as_str();
            let session = p.session_name();
            self.field(
                ",\"subtitle\":",
                &[
                    &status,
                    " · needs setup: ↩ to choose its MFA device and 1Password item",
                ],
            );
            self.field(",\"arg\":", &[session]);
            self.field(",\"autocomplete\":", &[name]);
            self.field(",\"valid\":true,\"icon\":{\"path\":", &[icon]);
            self.field("},\"text\":{\"copy\":", &[hint]);
            self.field(",\"largetype\":", &[hint]);
            self.field(
                "},\"variables\":{\"awsmfa_next\":\"setup\",\"awsmfa_setup_profile\":",
                &[session],
            );
            self.out.push_str(",\"awsmfa_setup_move_keys\":\"0\"}}");
            self.status = status;
            return;
        }
        let action = match p.status {
            _ if self.typed_code => "↩ log in with the code you typed",
            Status::Valid => "↩ to refresh",
            Status::Expiring => "↩ to refresh now",
            Status::Expired | Status::NoSession => "↩ to log in",
        };
        let quoted = shell_word(name);
        let export = ["export AWS_PROFILE=", &quoted];
        let large = [name, ": ", &status];
        let session = p.session_name();
        self.field(",\"subtitle\":", &[&status, " · ", action]);
        self.field(",\"arg\":", &[name]);
        self.field(",\"autocomplete\":", &[name]);
        self.field(",\"valid\":true,\"icon\":{\"path\":", &[icon]);
        self.field("},\"text\":{\"copy\":", &export);
        self.field(",\"largetype\":", &large);
        self.field("},\"variables\":{\"profile\":", &[name]);
        if self.typed_code {
            // The slot the workflow's entry script fills with the code, which awsmfa list
            // never sees. ↩ hands it to the login script as the variable `awsmfa_code`.
            self.out.push_str(",\"awsmfa_code\":\"\"");
        }
        self.field("},\"mods\":{\"alt\":{\"arg\":", &[session]);
        self.field(
            ",\"subtitle\":",
            &["Log out of ", session, " (remove its session keys)"],
        );
        self.field(",\"valid\":true},\"cmd\":{\"arg\":", &export);
        self.field(",\"subtitle\":", &["Copy ", export[0], export[1]]);
        self.field(",\"valid\":true},\"ctrl\":{\"arg\":", &large);
        self.out
            .push_str(",\"subtitle\":\"Show status in Large Type\",\"valid\":true}}}");
        self.status = status;
    }
}

/// A row that is not a profile's (an error, a warning).
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
    /// Where ↩ goes instead of logging in, for the workflow (see [`Next`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Next<'a>>,
}

/// The workflow variables of a row whose ↩ does something else than log in.
#[derive(Serialize, Debug)]
pub struct Next<'a> {
    /// `setup` (the workflow's setup steps) or `doctor`.
    pub awsmfa_next: &'static str,
    /// The profile the setup steps set up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awsmfa_setup_profile: Option<&'a str>,
    /// `1` when setting up moves the profile's own long-term keys to `[P-mfa]` (`--move-keys`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awsmfa_setup_move_keys: Option<&'static str>,
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

/// The row of a profile `awsmfa setup` could set up that is not listed yet: ↩ continues the
/// setup in Alfred as on a profile that needs setup (the shape of `setup --format alfred`).
fn setup_item(c: &SetupCandidate) -> Item<'_> {
    let name = c.profile.as_str();
    Item {
        uid: Some(name),
        title: format!("Set up {name}…").into(),
        subtitle: format!("{} · ↩ to set it up", c.detail).into(),
        arg: Some(name),
        autocomplete: Some(name),
        valid: true,
        icon: icon_for(Status::NoSession),
        text: Some(Text {
            copy: c.command.as_str().into(),
            largetype: c.command.as_str().into(),
        }),
        variables: Some(Next {
            awsmfa_next: "setup",
            awsmfa_setup_profile: Some(name),
            awsmfa_setup_move_keys: Some(if c.state == SetupState::KeysInProfile {
                "1"
            } else {
                "0"
            }),
        }),
    }
}

/// The row that hands `aws mfa doctor` on: ↩ shows every check of `awsmfa doctor`.
fn doctor_item() -> Item<'static> {
    Item {
        uid: Some("awsmfa doctor"),
        title: "Check the awsmfa setup".into(),
        subtitle: "↩ to run awsmfa doctor: 1Password CLI, keychain, each profile, reminders".into(),
        arg: Some("doctor"),
        valid: true,
        icon: Icon { path: "icon.png" },
        variables: Some(Next {
            awsmfa_next: "doctor",
            awsmfa_setup_profile: None,
            awsmfa_setup_move_keys: None,
        }),
        ..Item::default()
    }
}

/// The Script Filter for a list of profiles (and the rows after them); `typed_code` as in
/// [`ProfileRows::row`].
fn list(
    profiles: &[Profile],
    setup: &[SetupCandidate],
    now: &Now,
    warnings: &[String],
    typed_code: bool,
    doctor: DoctorRow,
    no_match: Option<&NoMatch>,
) -> String {
    ProfileRows {
        profiles,
        setup,
        face: Clockface::new(now),
        warnings,
        typed_code,
        doctor,
        no_match,
        // About the size of a row, so the buffer does not double its way up.
        out: String::with_capacity(700 * (profiles.len() + 1)),
        status: String::new(),
    }
    .write()
}

fn to_json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::with_capacity(1024);
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
            doctor,
            setup,
            no_match,
        } => list(
            profiles,
            setup,
            now,
            warnings,
            *typed_code,
            *doctor,
            no_match.as_ref(),
        ),
        Report::Status {
            profile,
            now,
            warnings,
            ..
        } => list(
            std::slice::from_ref(profile),
            &[],
            now,
            warnings,
            false,
            DoctorRow::Hidden,
            None,
        ),
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
        Report::SetUp {
            profile,
            done,
            login,
        } => {
            let mut text = format!("{profile}: {}", done.join("; "));
            if let Some((expires_at, now)) = login {
                text.push_str(&format!("; {}", valid_until(*expires_at, now)));
            }
            ok("awsmfa set up", profile, text)
        }
        Report::SetupCandidates { candidates } => to_json(&setup_choices(
            candidates
                .iter()
                .map(|c| Choice {
                    title: format!("Set up {}…", c.profile),
                    subtitle: c.detail.clone(),
                    arg: c.profile.clone(),
                    variables: BTreeMap::from([
                        ("awsmfa_setup_profile", c.profile.clone()),
                        (
                            "awsmfa_setup_move_keys",
                            if c.state == crate::profiles::SetupState::KeysInProfile {
                                "1"
                            } else {
                                "0"
                            }
                            .to_string(),
                        ),
                    ]),
                })
                .collect(),
            "Nothing to set up",
            "Every profile with long-term keys in ~/.aws/credentials is set up",
        )),
        Report::SetupDevices { profile, devices } => to_json(&setup_choices(
            devices
                .iter()
                .map(|d| Choice {
                    title: d.serial.clone(),
                    subtitle: d.source.describe().to_string(),
                    arg: d.serial.clone(),
                    variables: BTreeMap::from([
                        ("awsmfa_setup_profile", profile.clone()),
                        ("awsmfa_setup_serial", d.serial.clone()),
                    ]),
                })
                .collect(),
            "No MFA device found",
            "Assign one in IAM → Security credentials, or pass --serial ARN",
        )),
        Report::SetupOpItems {
            profile,
            items,
            hint,
        } => to_json(&setup_choices(
            items
                .iter()
                .map(|item| Choice {
                    title: item.title.clone(),
                    subtitle: match item.hrefs().first() {
                        Some(url) => format!("{} · {url}", item.vault.name),
                        None => item.vault.name.clone(),
                    },
                    arg: item.id.clone(),
                    variables: BTreeMap::from([
                        ("awsmfa_setup_profile", profile.clone()),
                        ("awsmfa_setup_op_item", item.id.clone()),
                    ]),
                })
                .collect(),
            "No 1Password item has a one-time password",
            hint.as_deref().unwrap_or_default(),
        )),
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
        Report::Doctor { checks } => to_json(&doctor(checks)),
        Report::Keys {
            shape,
            session,
            region,
        } => super::keys::render(Format::Alfred, *shape, session, region.as_deref()),
        Report::Document(text) => text.clone(),
    }
}

/// `doctor`'s Script Filter: one item per check, its icon by status, the fix (else the
/// detail) under it; no item acts on ↩.
pub fn doctor(checks: &[crate::doctor::Check]) -> ScriptFilter<Vec<Item<'_>>> {
    use crate::doctor::Status;
    let items = checks
        .iter()
        .map(|check| {
            let line = check.line();
            Item {
                title: check.title.as_str().into(),
                subtitle: check.fix.as_deref().unwrap_or(&check.detail).into(),
                valid: false,
                icon: Icon {
                    path: match check.status {
                        Status::Ok => "icons/valid.png",
                        Status::Warn => "icons/expiring.png",
                        Status::Fail => "icons/error.png",
                    },
                },
                text: Some(Text {
                    copy: line.clone().into(),
                    largetype: line.into(),
                }),
                ..Item::default()
            }
        })
        .collect();
    ScriptFilter {
        rerun: None,
        skipknowledge: true,
        items,
    }
}

/// One row of a setup choice (`setup` without a profile, `--list-devices`,
/// `--list-op-items`): ↩ passes `arg` on, with the variables the workflow's next step reads.
#[derive(Serialize, Debug)]
pub struct Choice {
    /// The main text.
    pub title: String,
    /// The line under it.
    pub subtitle: String,
    /// Passed on by ↩.
    pub arg: String,
    /// Workflow variables set by ↩.
    pub variables: BTreeMap<&'static str, String>,
}

/// The Script Filter of setup choices; none → one row that says why (`title`, `subtitle`),
/// which ↩ does nothing on.
fn setup_choices(choices: Vec<Choice>, title: &str, subtitle: &str) -> serde_json::Value {
    let items: Vec<serde_json::Value> = if choices.is_empty() {
        vec![serde_json::json!({
            "title": title,
            "subtitle": subtitle,
            "valid": false,
            "icon": error_icon(),
            "text": { "copy": subtitle, "largetype": subtitle },
        })]
    } else {
        choices
            .into_iter()
            .map(|c| {
                serde_json::json!({
                    "uid": c.arg,
                    "title": c.title,
                    "subtitle": c.subtitle,
                    "arg": c.arg,
                    "valid": true,
                    "variables": c.variables,
                })
            })
            .collect()
    };
    serde_json::json!({ "skipknowledge": true, "items": items })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut cases: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        // Special bytes at every offset of an eight-byte chunk, and beyond one.
        for offset in 0..17 {
            for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', 'é', '·'] {
                let mut s = "x".repeat(offset);
                s.push(special);
                s.push_str("tail ↩");
                cases.push(s);
            }
        }
        cases.push(String::new());
        cases.push("plain profile-name.with_dots".into());
        for case in cases {
            let mut out = String::new();
            push_json_string(&mut out, &[&case]);
            assert_eq!(out, serde_json::to_string(&case).unwrap(), "{case:?}");
            // In pieces, the same.
            let (head, tail) = case.split_at(case.floor_char_boundary(case.len() / 2));
            let mut pieces = String::new();
            push_json_string(&mut pieces, &[head, tail]);
            assert_eq!(pieces, out, "{case:?}");
        }
    }
}
