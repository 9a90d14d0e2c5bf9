//! `reminders.json` in the state folder: the stored on/off switch, and per session (profile
//! and expiry) the lead time `login --remind` asked for and which reminders were posted. Only
//! names and times: no key, token or code.
//!
//! Reads need no lock (the file is only ever replaced whole, atomically); every change goes
//! through [`StateDir::edit`], which re-reads the file under the folder's lock. The file is
//! read leniently: a field that cannot be read is dropped on its own, and never takes the
//! stored "reminders off" with it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::due::Kind;
use crate::error::Result;
use crate::expiry;
use crate::paths::Env;
use crate::state_dir::{Change, StateDir};

/// The state file's name in the state folder.
pub const FILE_NAME: &str = "reminders.json";

/// What is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// `awsmfa reminders off` was run (and not `on` since).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub off: bool,
    /// Sessions with something to remember, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<Session>,
    /// The last reminder that could not be posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<Failure>,
}

/// One session: a profile and the expiry that identifies the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The session profile.
    pub profile: String,
    /// The session's expiry as recorded in the credentials file.
    #[serde(with = "timestamp")]
    pub expires_at: Timestamp,
    /// `login --remind` for this session, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_seconds: Option<u64>,
    /// When the early reminder was posted.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub early_posted_at: Option<Timestamp>,
    /// When the "expired" reminder was posted.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional")]
    pub expired_posted_at: Option<Timestamp>,
    /// The notification server's ID of the early reminder, so that the "expired" one replaces
    /// it on screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_id: Option<u32>,
}

/// A reminder that could not be posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// When it first failed this way.
    #[serde(with = "timestamp")]
    pub at: Timestamp,
    /// The session profile it was for.
    pub profile: String,
    /// What went wrong.
    pub message: String,
}

impl Session {
    fn new(profile: &str, expires_at: Timestamp) -> Self {
        Session {
            profile: profile.to_string(),
            expires_at,
            remind_seconds: None,
            early_posted_at: None,
            expired_posted_at: None,
            notification_id: None,
        }
    }

    /// Whether the reminder of this kind was posted for this session.
    pub fn posted(&self, kind: Kind) -> bool {
        match kind {
            Kind::Early => self.early_posted_at.is_some(),
            Kind::Expired => self.expired_posted_at.is_some(),
        }
    }
}

impl State {
    /// Parses the file's text; a missing, empty or damaged file reads as the default (a
    /// damaged one is replaced at the next change). Each field is read on its own, and each
    /// session too: one that cannot be read is dropped, the rest kept.
    pub fn parse(text: Option<&str>) -> State {
        let Some(value) = text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        else {
            return State::default();
        };
        let field = |name: &str| value.get(name).cloned();
        State {
            off: field("off").and_then(|v| v.as_bool()).unwrap_or(false),
            sessions: field("sessions")
                .and_then(|v| match v {
                    serde_json::Value::Array(items) => Some(items),
                    _ => None,
                })
                .unwrap_or_default()
                .into_iter()
                .filter_map(|item| serde_json::from_value(item).ok())
                .collect(),
            last_failure: field("last_failure").and_then(|v| serde_json::from_value(v).ok()),
        }
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into()) + "\n"
    }

    /// Reads the file (without a lock: it is only ever replaced whole). A state folder that
    /// does not exist yet holds the default.
    pub fn load(env: &Env) -> Result<State> {
        match StateDir::existing(env)? {
            Some(dir) => Ok(State::parse(dir.read(FILE_NAME)?.as_deref())),
            None => Ok(State::default()),
        }
    }

    /// Changes the file under the folder lock: `change` gets the state as it is on disk now.
    /// Returns what `change` returned.
    pub fn edit<T>(env: &Env, change: impl FnOnce(&mut State) -> T) -> Result<T> {
        StateDir::create(env)?.edit(FILE_NAME, |old| {
            let mut state = State::parse(old);
            let out = change(&mut state);
            Ok((Change::Write(state.to_text()), out))
        })
    }

    /// The record of one session, if any.
    pub fn session(&self, profile: &str, expires_at: Timestamp) -> Option<&Session> {
        self.sessions
            .iter()
            .find(|s| s.profile == profile && s.expires_at == expires_at)
    }

    /// The record of one session, added when missing.
    pub fn session_mut(&mut self, profile: &str, expires_at: Timestamp) -> &mut Session {
        let index = match self
            .sessions
            .iter()
            .position(|s| s.profile == profile && s.expires_at == expires_at)
        {
            Some(index) => index,
            None => {
                self.sessions.push(Session::new(profile, expires_at));
                self.sessions.len() - 1
            }
        };
        &mut self.sessions[index]
    }

    /// Whether the reminder of `kind` was posted for this session.
    pub fn posted(&self, profile: &str, expires_at: Timestamp, kind: Kind) -> bool {
        self.session(profile, expires_at)
            .is_some_and(|s| s.posted(kind))
    }

    /// Forgets sessions that expired longer ago than any reminder can come late: nothing can
    /// be posted for them any more, so their records only grow the file.
    pub fn prune(&mut self, now: Timestamp, late_limit_seconds: i64) {
        self.sessions
            .retain(|s| now.as_second() - s.expires_at.as_second() <= late_limit_seconds + 3600);
    }
}

/// RFC 3339 UTC text for timestamps in the file.
mod timestamp {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ts: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::expiry::format(*ts))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        super::expiry::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a time: {text}")))
    }
}

/// [`timestamp`] for optional fields.
mod optional {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ts: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match ts {
            Some(ts) => super::timestamp::serialize(ts, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| {
            super::expiry::parse(&t)
                .ok_or_else(|| serde::de::Error::custom(format!("not a time: {t}")))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn round_trips_through_its_text() {
        let mut state = State {
            off: true,
            ..State::default()
        };
        let session = state.session_mut("work", ts("2026-11-25T18:42:00Z"));
        session.remind_seconds = Some(900);
        session.early_posted_at = Some(ts("2026-11-25T18:27:03Z"));
        session.notification_id = Some(7);
        state.last_failure = Some(Failure {
            at: ts("2026-11-25T18:27:00Z"),
            profile: "work".into(),
            message: "no notification service".into(),
        });
        let text = state.to_text();
        assert!(
            text.contains("\"expires_at\": \"2026-11-25T18:42:00Z\""),
            "{text}"
        );
        assert_eq!(State::parse(Some(&text)), state);
        assert!(state.posted("work", ts("2026-11-25T18:42:00Z"), Kind::Early));
        assert!(!state.posted("work", ts("2026-11-25T18:42:00Z"), Kind::Expired));
        assert!(!state.posted("work", ts("2026-11-25T19:42:00Z"), Kind::Early));
    }

    #[test]
    fn a_missing_or_damaged_file_reads_as_the_default() {
        assert_eq!(State::parse(None), State::default());
        assert_eq!(State::parse(Some("")), State::default());
        assert_eq!(State::parse(Some("{\"sessions\": [1, 2")), State::default());
        assert_eq!(State::default().to_text(), "{}\n");
    }

    #[test]
    fn one_bad_field_does_not_take_reminders_off_or_the_other_sessions_with_it() {
        let state = State::parse(Some(
            r#"{"off": true, "sessions": [
                {"profile": "work", "expires_at": "2026-11-25T18:42:00Z"},
                {"profile": "bad", "expires_at": "not a time"},
                7
            ], "last_failure": {"at": 1}}"#,
        ));
        assert!(state.off);
        assert_eq!(state.sessions.len(), 1);
        assert_eq!(state.sessions[0].profile, "work");
        assert_eq!(state.last_failure, None);
    }

    #[test]
    fn prunes_only_sessions_no_reminder_can_come_for() {
        let mut state = State::default();
        state.session_mut("old", ts("2026-11-24T10:00:00Z"));
        state.session_mut("recent", ts("2026-11-25T00:00:00Z"));
        state.session_mut("future", ts("2026-11-26T00:00:00Z"));
        state.prune(ts("2026-11-25T12:00:00Z"), 12 * 3600);
        let names: Vec<&str> = state.sessions.iter().map(|s| s.profile.as_str()).collect();
        assert_eq!(names, ["recent", "future"]);
    }

    #[test]
    fn edits_under_the_lock_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let env = Env {
            home: Some(dir.path().to_path_buf()),
            cache_dir: Some(dir.path().join("cache")),
            ..Env::default()
        };
        assert_eq!(State::load(&env).unwrap(), State::default());
        let returned = State::edit(&env, |state| {
            state.off = true;
            42
        })
        .unwrap();
        assert_eq!(returned, 42);
        assert!(State::load(&env).unwrap().off);
    }
}
