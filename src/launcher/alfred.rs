//! `--format alfred`: Alfred's Script Filter JSON for `list`/`status`, and its Run Script JSON
//! (`alfredworkflow`) for actions. Typed, so every field is spelled as Alfred documents it,
//! except the profile rows, which `list` writes on every keystroke in Alfred: those are
//! written by hand (`ProfileRows`), in the bytes serde_json would write for them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Action, DoctorRow, Format, NoMatch, Report};
use crate::clock::Now;
use crate::display::{Clockface, valid_until};
use crate::error::Error;
use crate::expiry::Status;
use crate::profiles::{Profile, SetupCandidate, SetupState};
use crate::quote::{plain_shell_word, push_shell_word};

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

/// `s` as the inside of a JSON string: `s` itself when it has nothing to escape (names and
/// status lines have not), else `s` escaped into `scratch`.
fn json_text<'s>(s: &'s str, scratch: &'s mut String) -> &'s str {
    if plain_json(s.as_bytes()) {
        s
    } else {
        scratch.clear();
        push_escaped(scratch, s);
        scratch
    }
}

/// The pieces appended to `out`, each by a `push_str` of its own: a literal piece then has
/// a length the compiler knows, and is copied by a few moves in place instead of a `memcpy`
/// call (a loop over a slice of pieces called it for every one: 0.27 M instructions of `list`
/// at 1,000 profiles, callgrind).
macro_rules! push_all {
    ($out:expr, [$($piece:expr),* $(,)?] $(,)?) => {{
        let out: &mut String = $out;
        $(out.push_str($piece);)*
    }};
}

/// Bytes of rows gathered before they go to stdout. `list` once built its whole output in
/// one String (687 KB at 1,000 profiles, 137 KB at 200: past glibc's 128 KiB mmap threshold,
/// a mapping of its own); a chunk this size stays on the heap and costs one write(2) each.
const CHUNK: usize = 32 * 1024;

/// The Script Filter of a profile list, written by hand: at a few hundred bytes a row, serde's
/// field-by-field path and the strings each row would otherwise build cost `list` more than
/// reading both AWS files does. The bytes are serde_json's for the same rows (the golden files,
/// the Alfred checks and `rows_are_what_serde_json_writes_for_them` hold the shape). Written in
/// chunks of [`CHUNK`] bytes as the rows are made.
struct ProfileRows<'a> {
    profiles: &'a [Profile<'a>],
    /// Profiles setup could set up that are not among `profiles`: rows after them.
    setup: &'a [SetupCandidate],
    face: Clockface<'a>,
    warnings: &'a [String],
    typed_code: bool,
    doctor: DoctorRow,
    /// A query that matched none of the profiles there are.
    no_match: Option<&'a NoMatch>,
    /// The constant text in a row that depends on its status, by `Status as usize`.
    joins: [Joins; 4],
    /// From the `profile` variable's value to the `alt` modifier's `arg` value.
    after_profile: &'static str,
    /// The rows not written yet.
    out: String,
    /// Scratch for one row's strings, reused from row to row.
    row: RowText,
}

/// The constant text of a profile's row between two of its strings, where the row's status
/// changes it: made once per list, so that a row copies one piece there instead of three.
struct Joins {
    /// From the status line in the subtitle to `arg`'s value: ` · ↩ to refresh","arg":"`.
    action: String,
    /// From `autocomplete`'s value to the shell word in `text.copy`: the icon.
    icon: String,
}

/// Every status, in the order of `Status as usize` (`ProfileRows::joins`).
const STATUSES: [Status; 4] = [
    Status::Valid,
    Status::Expiring,
    Status::Expired,
    Status::NoSession,
];

impl Joins {
    fn new(status: Status, typed_code: bool) -> Self {
        let action = match status {
            _ if typed_code => "↩ log in with the code you typed",
            Status::Valid => "↩ to refresh",
            Status::Expiring => "↩ to refresh now",
            Status::Expired | Status::NoSession => "↩ to log in",
        };
        Joins {
            action: format!(" · {action}\",\"arg\":\""),
            icon: format!(
                "\",\"valid\":true,\"icon\":{{\"path\":\"{}\"}},\"text\":{{\"copy\":\"export AWS_PROFILE=",
                icon_for(status).path
            ),
        }
    }
}

/// One row's strings, each made (and JSON-escaped) once and then copied where the row shows
/// it: a name appears 11 times in a row, its status line 3 times. Reused from row to row, so a
/// row allocates nothing. At 1,000 profiles the rows cost 5.35 M instructions when each
/// string was escaped (and the shell word and status line built) at every place it appears,
/// 1.58 M this way, writing them to stdout included (callgrind).
#[derive(Default)]
struct RowText {
    status: String,
    name_json: String,
    session_json: String,
    /// The name quoted for a shell (`export AWS_PROFILE=…`) when it needs quoting.
    word: String,
    word_json: String,
    hint_json: String,
}

impl ProfileRows<'_> {
    fn write(mut self, sink: &mut dyn Write) -> io::Result<()> {
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
            self.spill(sink)?;
        }
        for candidate in self.setup {
            if !std::mem::take(&mut first) {
                self.out.push(',');
            }
            self.other_item(&setup_item(candidate));
            self.spill(sink)?;
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
            self.spill(sink)?;
        }
        self.out.push_str("]}\n");
        sink.write_all(self.out.as_bytes())
    }

    /// Writes the rows gathered so far once they fill a chunk.
    fn spill(&mut self, sink: &mut dyn Write) -> io::Result<()> {
        if self.out.len() >= CHUNK {
            sink.write_all(self.out.as_bytes())?;
            self.out.clear();
        }
        Ok(())
    }

    fn any(&self, status: Status) -> bool {
        self.profiles.iter().any(|p| p.status == status)
    }

    /// A row that is not a profile's, through serde (there are few).
    fn other_item(&mut self, item: &Item<'_>) {
        self.out
            .push_str(&serde_json::to_string(item).unwrap_or_else(|_| "{}".into()));
    }

    /// The row of one profile. With `typed_code` (the person typed a code after the query)
    /// ↩ logs in with that code, so a profile without a code source of its own can log in
    /// too.
    fn row(&mut self, p: &Profile) {
        let text = &mut self.row;
        let name = json_text(&p.name, &mut text.name_json);
        let session = match &p.via {
            Some(base) => json_text(base, &mut text.session_json),
            None => name,
        };
        text.status.clear();
        if p.via.is_some() {
            // A role profile: the status is its base's session, which ↩ refreshes.
            text.status.push_str("via ");
            text.status.push_str(session);
            text.status.push_str(" · ");
        }
        // The rest of the status line has nothing to escape (`status_lines_are_plain_json`),
        // so it is not checked: 130 instructions a row, measured.
        self.face
            .describe_into(&mut text.status, p.status, p.expires_at);
        let status = text.status.as_str();
        let out = &mut self.out;
        push_all!(
            out,
            [
                "{\"uid\":\"",
                name,
                "\",\"title\":\"",
                name,
                "\",\"subtitle\":\"",
                status,
            ],
        );
        if let Some(hint) = p.setup_hint().filter(|_| !self.typed_code) {
            // ↩ continues the setup in Alfred: the MFA device, then the 1Password item.
            let hint = json_text(&hint, &mut text.hint_json);
            push_all!(
                out,
                [
                    " · needs setup: ↩ to choose its MFA device and 1Password item\",\"arg\":\"",
                    session,
                    "\",\"autocomplete\":\"",
                    name,
                    "\",\"valid\":true,\"icon\":{\"path\":\"",
                    icon_for(p.status).path,
                    "\"},\"text\":{\"copy\":\"",
                    hint,
                    "\",\"largetype\":\"",
                    hint,
                    "\"},\"variables\":{\"awsmfa_next\":\"setup\",\"awsmfa_setup_profile\":\"",
                    session,
                    "\",\"awsmfa_setup_move_keys\":\"0\"}}",
                ],
            );
            return;
        }
        // `export AWS_PROFILE=WORD`. A name a shell reads as itself is plain JSON too.
        let word = if plain_shell_word(&p.name) {
            name
        } else {
            text.word.clear();
            push_shell_word(&mut text.word, &p.name);
            json_text(&text.word, &mut text.word_json)
        };
        let joins = &self.joins[p.status as usize];
        push_all!(
            out,
            [
                &joins.action,
                name,
                "\",\"autocomplete\":\"",
                name,
                &joins.icon,
                word,
                "\",\"largetype\":\"",
                name,
                ": ",
                status,
                "\"},\"variables\":{\"profile\":\"",
                name,
                self.after_profile,
                session,
                "\",\"subtitle\":\"Log out of ",
                session,
                " (remove its session keys)\",\"valid\":true},\"cmd\":{\"arg\":\"export AWS_PROFILE=",
                word,
                "\",\"subtitle\":\"Copy export AWS_PROFILE=",
                word,
                "\",\"valid\":true},\"ctrl\":{\"arg\":\"",
                name,
                ": ",
                status,
                "\",\"subtitle\":\"Show status in Large Type\",\"valid\":true}}}",
            ],
        );
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
fn list<'a>(
    profiles: &'a [Profile<'a>],
    setup: &'a [SetupCandidate],
    now: &'a Now,
    warnings: &'a [String],
    typed_code: bool,
    doctor: DoctorRow,
    no_match: Option<&'a NoMatch>,
) -> ProfileRows<'a> {
    ProfileRows {
        profiles,
        setup,
        face: Clockface::new(now),
        warnings,
        typed_code,
        doctor,
        no_match,
        joins: STATUSES.map(|status| Joins::new(status, typed_code)),
        // The slot the workflow's entry script fills with a typed code, which awsmfa list
        // never sees. ↩ hands it to the login script as the variable `awsmfa_code`.
        after_profile: if typed_code {
            "\",\"awsmfa_code\":\"\"},\"mods\":{\"alt\":{\"arg\":\""
        } else {
            "\"},\"mods\":{\"alt\":{\"arg\":\""
        },
        // A chunk and a row or two past it, so that the buffer never grows.
        out: String::with_capacity(CHUNK + 2048),
        row: RowText::default(),
    }
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

/// Writes `report` to `sink`: the Script Filter of `list` and `status` in chunks as its rows
/// are made, every other report at once.
pub(super) fn write(report: &Report, sink: &mut dyn Write) -> io::Result<()> {
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
    let text = match report {
        Report::List {
            profiles,
            now,
            warnings,
            typed_code,
            doctor,
            setup,
            no_match,
        } => {
            return list(
                profiles,
                setup,
                now,
                warnings,
                *typed_code,
                *doctor,
                no_match.as_ref(),
            )
            .write(sink);
        }
        Report::Status {
            profile,
            now,
            warnings,
            ..
        } => {
            return list(
                std::slice::from_ref(profile),
                &[],
                now,
                warnings,
                false,
                DoctorRow::Hidden,
                None,
            )
            .write(sink);
        }
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
        Report::Document(text) => return sink.write_all(text.as_bytes()),
    };
    sink.write_all(text.as_bytes())
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
        let mut scratch = String::new();
        for case in cases {
            let escaped = format!("\"{}\"", json_text(&case, &mut scratch));
            assert_eq!(escaped, serde_json::to_string(&case).unwrap(), "{case:?}");
        }
    }

    /// The rows of profiles in every state, with names a shell or JSON must quote: valid
    /// (today and tomorrow), expiring, expired, no session, needing setup, role profiles.
    fn odd_profiles() -> Vec<Profile<'static>> {
        use crate::ini::Document;
        use crate::profiles::AwsFiles;
        let config = "\
[profile work]
awsmfa_op_item = AWS work
[profile 'my team']
awsmfa_op_item = AWS team
[profile \"it's\"]
mfa_process = ykman oath accounts code -s aws
[profile 'say \"hi\"']
awsmfa_op_item = AWS hi
[profile 'back\\slash']
awsmfa_op_item = AWS slash
[profile ünï·code]
awsmfa_op_item = AWS unicode
[profile team-admin]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = my team
[profile hi-admin]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = say \"hi\"
";
        let keys = "aws_access_key_id = AKIAX\naws_secret_access_key = s\n";
        let session = |expires: &str| {
            format!(
                "aws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = {expires}\n"
            )
        };
        let credentials = format!(
            "[work-mfa]\n{keys}[work]\n{}[my team-mfa]\n{keys}[my team]\n{}\
             [it's-mfa]\n{keys}[it's]\n{}[say \"hi\"-mfa]\n{keys}[say \"hi\"]\n{}\
             [back\\slash-mfa]\n{keys}[ünï·code-mfa]\n{keys}[needs-setup-mfa]\n{keys}",
            session("2026-11-25T17:58:00Z"),
            session("2026-11-26T06:41:00Z"),
            session("2026-11-25T10:09:30Z"),
            session("2026-11-25T08:00:00Z"),
        );
        let files = AwsFiles::new(
            Document::parse(config).unwrap(),
            Document::parse(&credentials).unwrap(),
            "/home/me/.aws/config".into(),
            "/home/me/.aws/credentials".into(),
        );
        files
            .listed_profiles(clock().at)
            .into_iter()
            .map(Profile::into_owned)
            .collect()
    }

    fn clock() -> Now {
        Now {
            at: "2026-11-25T10:00:00Z".parse().unwrap(),
            tz: jiff::tz::TimeZone::fixed(jiff::tz::offset(1)),
        }
    }

    /// A profile row as typed structs, for serde_json to write: the plain way of what
    /// `ProfileRows::row` writes by hand.
    #[derive(Serialize)]
    struct Row<'a> {
        uid: &'a str,
        title: &'a str,
        subtitle: String,
        arg: &'a str,
        autocomplete: &'a str,
        valid: bool,
        icon: Icon,
        text: Text<'a>,
        variables: Variables<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        mods: Option<Mods>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Variables<'a> {
        Login {
            profile: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            awsmfa_code: Option<&'a str>,
        },
        Setup(Next<'a>),
    }

    #[derive(Serialize)]
    struct Mods {
        alt: Mod,
        cmd: Mod,
        ctrl: Mod,
    }

    #[derive(Serialize)]
    struct Mod {
        arg: String,
        subtitle: String,
        valid: bool,
    }

    fn row_by_serde<'a>(p: &'a Profile, now: &Now, typed_code: bool) -> Row<'a> {
        let mut status = String::new();
        if let Some(base) = &p.via {
            status = format!("via {base} · ");
        }
        status.push_str(&crate::display::describe(p.status, p.expires_at, now));
        let (name, session) = (p.name.as_ref(), p.session_name());
        if let Some(hint) = p.setup_hint().filter(|_| !typed_code) {
            return Row {
                uid: name,
                title: name,
                subtitle: format!(
                    "{status} · needs setup: ↩ to choose its MFA device and 1Password item"
                ),
                arg: session,
                autocomplete: name,
                valid: true,
                icon: icon_for(p.status),
                text: Text {
                    copy: hint.clone().into(),
                    largetype: hint.into(),
                },
                variables: Variables::Setup(Next {
                    awsmfa_next: "setup",
                    awsmfa_setup_profile: Some(session),
                    awsmfa_setup_move_keys: Some("0"),
                }),
                mods: None,
            };
        }
        let action = match p.status {
            _ if typed_code => "↩ log in with the code you typed",
            Status::Valid => "↩ to refresh",
            Status::Expiring => "↩ to refresh now",
            Status::Expired | Status::NoSession => "↩ to log in",
        };
        let export = format!("export AWS_PROFILE={}", crate::quote::shell_word(name));
        let large = format!("{name}: {status}");
        let mods = Mods {
            alt: Mod {
                arg: session.to_string(),
                subtitle: format!("Log out of {session} (remove its session keys)"),
                valid: true,
            },
            cmd: Mod {
                arg: export.clone(),
                subtitle: format!("Copy {export}"),
                valid: true,
            },
            ctrl: Mod {
                arg: large.clone(),
                subtitle: "Show status in Large Type".into(),
                valid: true,
            },
        };
        Row {
            uid: name,
            title: name,
            subtitle: format!("{status} · {action}"),
            arg: name,
            autocomplete: name,
            valid: true,
            icon: icon_for(p.status),
            text: Text {
                copy: export.into(),
                largetype: large.into(),
            },
            variables: Variables::Login {
                profile: name,
                awsmfa_code: typed_code.then_some(""),
            },
            mods: Some(mods),
        }
    }

    fn list_report(profiles: Vec<Profile<'static>>, typed_code: bool) -> Report {
        Report::List {
            profiles,
            now: clock(),
            warnings: Vec::new(),
            typed_code,
            doctor: DoctorRow::Hidden,
            setup: Vec::new(),
            no_match: None,
        }
    }

    fn written(report: &Report) -> String {
        let mut out = Vec::new();
        write(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_are_what_serde_json_writes_for_them() {
        let profiles = odd_profiles();
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_ref()).collect();
        for name in [
            "my team",
            "it's",
            "say \"hi\"",
            "back\\slash",
            "hi-admin",
            "needs-setup",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        let statuses: Vec<Status> = profiles.iter().map(|p| p.status).collect();
        for status in [
            Status::Valid,
            Status::Expiring,
            Status::Expired,
            Status::NoSession,
        ] {
            assert!(statuses.contains(&status), "{status:?} in {statuses:?}");
        }
        assert!(profiles.iter().any(|p| p.needs_setup() && p.via.is_none()));
        for typed_code in [false, true] {
            let expected = ScriptFilter {
                rerun: Some(1.0),
                skipknowledge: true,
                items: profiles
                    .iter()
                    .map(|p| row_by_serde(p, &clock(), typed_code))
                    .collect::<Vec<_>>(),
            };
            let report = list_report(profiles.clone(), typed_code);
            assert_eq!(
                written(&report),
                serde_json::to_string(&expected).unwrap() + "\n",
                "typed_code {typed_code}"
            );
        }
        // `status`: the same row, alone.
        for p in &profiles {
            let report = Report::Status {
                profile: p.clone(),
                reminders: String::new(),
                now: clock(),
                warnings: Vec::new(),
            };
            let rerun = match p.status {
                Status::Expiring => Some(1.0),
                Status::Valid => Some(5.0),
                Status::Expired | Status::NoSession => None,
            };
            let expected = ScriptFilter {
                rerun,
                skipknowledge: true,
                items: [row_by_serde(p, &clock(), false)],
            };
            assert_eq!(
                written(&report),
                serde_json::to_string(&expected).unwrap() + "\n",
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn status_lines_are_plain_json() {
        let now = clock();
        let face = Clockface::new(&now);
        let at = |s: &str| Some(s.parse::<jiff::Timestamp>().unwrap());
        for (status, expires_at) in [
            (Status::Valid, at("2026-11-25T17:58:00Z")),
            (Status::Valid, at("2026-11-28T06:41:00Z")),
            (Status::Expiring, at("2026-11-25T10:09:30Z")),
            (Status::Expired, at("2026-11-25T08:00:00Z")),
            (Status::Expired, None),
            (Status::NoSession, None),
        ] {
            let mut line = String::new();
            face.describe_into(&mut line, status, expires_at);
            assert!(plain_json(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn statuses_are_in_their_index_order() {
        for (i, status) in STATUSES.into_iter().enumerate() {
            assert_eq!(status as usize, i, "{status:?}");
        }
    }

    /// A sink that keeps the size of each write, and fails once `fail_after` writes are in.
    struct Recording {
        writes: Vec<usize>,
        bytes: Vec<u8>,
        fail_after: usize,
    }

    impl Write for Recording {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.writes.len() == self.fail_after {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.writes.push(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn many_rows_go_out_in_chunks_and_stop_at_a_closed_pipe() {
        let one = odd_profiles();
        let profiles: Vec<Profile> = (0..40).flat_map(|_| one.iter().cloned()).collect();
        let report = list_report(profiles, false);
        let whole = written(&report);
        assert!(whole.len() > 3 * CHUNK, "{} bytes", whole.len());
        let mut sink = Recording {
            writes: Vec::new(),
            bytes: Vec::new(),
            fail_after: usize::MAX,
        };
        write(&report, &mut sink).unwrap();
        assert_eq!(String::from_utf8(sink.bytes).unwrap(), whole);
        assert!(sink.writes.len() > 3, "{:?}", sink.writes);
        // A chunk is written once it is full: at most a row past CHUNK.
        let longest_row = 2048;
        assert!(
            sink.writes.iter().all(|&n| n < CHUNK + longest_row),
            "{:?}",
            sink.writes
        );
        // The reader went away after the first chunk: the rest is not made.
        let mut closed = Recording {
            writes: Vec::new(),
            bytes: Vec::new(),
            fail_after: 1,
        };
        let error = write(&report, &mut closed).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(closed.writes.len(), 1);
    }
}
