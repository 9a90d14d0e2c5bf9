//! What reminders do, from the settings in force: the on/off switch and the lead time.
//!
//! The switch: `AWSMFA_REMINDERS` (`on`/`off`) when set, else what `awsmfa reminders on|off`
//! stored in the state file, else on. The lead time of a session: `login --remind` (stored
//! with that session), else `awsmfa_remind` in `[profile NAME]`, else `AWSMFA_REMIND`, else
//! 10 min; `0` means only the reminder at expiry.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::duration;
use crate::error::{Error, ErrorKind, Result};
use crate::paths::Env;
use crate::profiles::{AwsFiles, Profile};

/// The lead time when nothing else is set.
pub const DEFAULT_LEAD_SECONDS: u64 = 10 * 60;

/// The longest lead time: the longest session AWS grants.
pub const MAX_LEAD_SECONDS: u64 = duration::MAX_SESSION_SECONDS as u64;

/// An "expired" reminder this late (the machine slept through the expiry and long after) is
/// dropped: by then the person knows.
pub const LATE_LIMIT_SECONDS: i64 = 12 * 3600;

/// The profile key for the lead time.
pub const PROFILE_KEY: &str = "awsmfa_remind";

/// The environment variable for the lead time.
pub const LEAD_VARIABLE: &str = "AWSMFA_REMIND";

/// The environment variable for the switch.
pub const SWITCH_VARIABLE: &str = "AWSMFA_REMINDERS";

/// Where a lead time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadOrigin {
    /// `login --remind`, stored with the session.
    Flag,
    /// `awsmfa_remind` in the profile.
    ProfileKey,
    /// `AWSMFA_REMIND`.
    Environment,
    /// Nothing set: 10 min.
    Default,
}

impl LeadOrigin {
    /// How the origin is named in messages: `--remind`, `awsmfa_remind`, …
    pub fn describe(self) -> &'static str {
        match self {
            LeadOrigin::Flag => "login --remind",
            LeadOrigin::ProfileKey => PROFILE_KEY,
            LeadOrigin::Environment => LEAD_VARIABLE,
            LeadOrigin::Default => "default",
        }
    }
}

/// How long before expiry the early reminder comes, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lead {
    /// Seconds before expiry; 0: no early reminder.
    pub seconds: u64,
    /// Where the value came from.
    pub origin: LeadOrigin,
}

/// Where the on/off switch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchOrigin {
    /// Nothing set: on.
    Default,
    /// `AWSMFA_REMINDERS`.
    Environment,
    /// `awsmfa reminders on|off`, stored in the state file.
    Stored,
}

/// Parses a lead time (`10m`, `1h`, `90s`, `600`, `0`), naming `origin` in the error.
pub fn parse_lead(text: &str, origin: &str) -> Result<u64> {
    let invalid = |why: String| Error::new(ErrorKind::InvalidRemind, why);
    let seconds = duration::parse_seconds(text).ok_or_else(|| {
        invalid(format!(
            "{origin} `{text}` is not a length of time: write it like 10m, 1h or 90s, or 0 for a reminder only at expiry"
        ))
    })?;
    if seconds > MAX_LEAD_SECONDS {
        return Err(invalid(format!(
            "{origin} `{text}` is too long: the longest AWS session is {}",
            crate::display::human(MAX_LEAD_SECONDS as i64)
        )));
    }
    Ok(seconds)
}

/// Reads the switch: `AWSMFA_REMINDERS` wins over the stored `reminders off`. Returns whether
/// reminders are on, where that came from, and a problem to show when the variable holds
/// something other than on/off (then it is ignored).
pub fn switch(variable: Option<&str>, stored_off: bool) -> (bool, SwitchOrigin, Option<String>) {
    let stored = if stored_off {
        (false, SwitchOrigin::Stored)
    } else {
        (true, SwitchOrigin::Default)
    };
    let Some(value) = variable.map(str::trim).filter(|v| !v.is_empty()) else {
        return (stored.0, stored.1, None);
    };
    match value.to_ascii_lowercase().as_str() {
        "off" | "0" | "false" | "no" => (false, SwitchOrigin::Environment, None),
        "on" | "1" | "true" | "yes" => (true, SwitchOrigin::Environment, None),
        _ => (
            stored.0,
            stored.1,
            Some(format!(
                "{SWITCH_VARIABLE}=`{value}` is neither on nor off, so it is ignored: set it to off or on"
            )),
        ),
    }
}

/// The settings `notify-due` decides with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Whether reminders are on at all.
    pub enabled: bool,
    /// Where the switch came from.
    pub switch_origin: SwitchOrigin,
    /// The lead time for profiles without `awsmfa_remind`: `AWSMFA_REMIND` or 10 min.
    pub default_lead: Lead,
    /// `awsmfa_remind` per profile, where it is set and valid.
    pub profile_leads: BTreeMap<String, u64>,
    /// How late an "expired" reminder may still come.
    pub late_limit_seconds: i64,
    /// Settings that were ignored because they are invalid, one sentence each.
    pub problems: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            switch_origin: SwitchOrigin::Default,
            default_lead: Lead {
                seconds: DEFAULT_LEAD_SECONDS,
                origin: LeadOrigin::Default,
            },
            profile_leads: BTreeMap::new(),
            late_limit_seconds: LATE_LIMIT_SECONDS,
            problems: Vec::new(),
        }
    }
}

impl Settings {
    /// The settings from the environment, the stored switch and the profiles' keys. An invalid
    /// value is skipped (the next source applies) and reported in `problems`: a background
    /// job has nobody to show an error to, and `awsmfa reminders status` shows them.
    pub fn load(env: &Env, stored_off: bool, files: &AwsFiles, profiles: &[Profile]) -> Self {
        let mut settings = Settings::default();
        let (enabled, origin, problem) = switch(env.reminders.as_deref(), stored_off);
        settings.enabled = enabled;
        settings.switch_origin = origin;
        settings.problems.extend(problem);
        if let Some(text) = env.remind.as_deref() {
            match parse_lead(text, LEAD_VARIABLE) {
                Ok(seconds) => {
                    settings.default_lead = Lead {
                        seconds,
                        origin: LeadOrigin::Environment,
                    }
                }
                Err(err) => settings.problems.push(err.message().to_string()),
            }
        }
        for profile in profiles {
            let Some(text) = files.setting(&profile.name, PROFILE_KEY) else {
                continue;
            };
            let origin = format!("{PROFILE_KEY} in [profile {}]", profile.name);
            match parse_lead(text, &origin) {
                Ok(seconds) => {
                    settings
                        .profile_leads
                        .insert(profile.name.to_string(), seconds);
                }
                Err(err) => settings.problems.push(err.message().to_string()),
            }
        }
        settings
    }

    /// The lead time for `profile`'s session, given the `--remind` stored with it.
    pub fn lead_for(&self, profile: &str, flag: Option<u64>) -> Lead {
        if let Some(seconds) = flag {
            return Lead {
                seconds,
                origin: LeadOrigin::Flag,
            };
        }
        match self.profile_leads.get(profile) {
            Some(&seconds) => Lead {
                seconds,
                origin: LeadOrigin::ProfileKey,
            },
            None => self.default_lead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ini::Document;

    fn files(config: &str) -> AwsFiles {
        AwsFiles::new(
            Document::parse(config).unwrap(),
            Document::parse(
                "[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
                 [home-mfa]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n",
            )
            .unwrap(),
            "/h/.aws/config".into(),
            "/h/.aws/credentials".into(),
        )
    }

    fn load(env: &Env, stored_off: bool, config: &str) -> Settings {
        let files = files(config);
        let profiles = files.session_profiles("2026-11-25T10:00:00Z".parse().unwrap());
        Settings::load(env, stored_off, &files, &profiles)
    }

    #[test]
    fn parses_lead_times_people_write() {
        assert_eq!(parse_lead("10m", "--remind").unwrap(), 600);
        assert_eq!(parse_lead("1h30m", "--remind").unwrap(), 5400);
        assert_eq!(parse_lead("0", "--remind").unwrap(), 0);
        assert_eq!(parse_lead("90", "--remind").unwrap(), 90);
        let err = parse_lead("ten minutes", "--remind").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRemind);
        assert_eq!(
            err.message(),
            "--remind `ten minutes` is not a length of time: write it like 10m, 1h or 90s, or 0 for a reminder only at expiry"
        );
        let err = parse_lead("2d", "AWSMFA_REMIND").unwrap_err();
        assert!(err.message().contains("too long"), "{}", err.message());
    }

    #[test]
    fn the_environment_switch_wins_over_the_stored_one() {
        assert_eq!(switch(None, false), (true, SwitchOrigin::Default, None));
        assert_eq!(switch(None, true), (false, SwitchOrigin::Stored, None));
        assert_eq!(
            switch(Some("off"), false),
            (false, SwitchOrigin::Environment, None)
        );
        assert_eq!(
            switch(Some("OFF"), false),
            (false, SwitchOrigin::Environment, None)
        );
        assert_eq!(
            switch(Some("on"), true),
            (true, SwitchOrigin::Environment, None)
        );
        assert_eq!(switch(Some(" "), true), (false, SwitchOrigin::Stored, None));
        let (on, origin, problem) = switch(Some("sometimes"), true);
        assert_eq!((on, origin), (false, SwitchOrigin::Stored));
        assert!(problem.unwrap().starts_with("AWSMFA_REMINDERS=`sometimes`"));
    }

    #[test]
    fn lead_precedence_flag_then_profile_key_then_environment_then_default() {
        let config = "[profile work]\nawsmfa_remind = 30m\n";
        let plain = load(&Env::default(), false, config);
        assert_eq!(
            plain.lead_for("home", None),
            Lead {
                seconds: 600,
                origin: LeadOrigin::Default
            }
        );
        assert_eq!(
            plain.lead_for("work", None),
            Lead {
                seconds: 1800,
                origin: LeadOrigin::ProfileKey
            }
        );
        assert_eq!(
            plain.lead_for("work", Some(0)),
            Lead {
                seconds: 0,
                origin: LeadOrigin::Flag
            }
        );

        let env = Env {
            remind: Some("5m".into()),
            ..Env::default()
        };
        let with_env = load(&env, false, config);
        assert_eq!(
            with_env.lead_for("home", None),
            Lead {
                seconds: 300,
                origin: LeadOrigin::Environment
            }
        );
        assert_eq!(with_env.lead_for("work", None).seconds, 1800);
        assert!(with_env.problems.is_empty());
    }

    #[test]
    fn invalid_values_fall_through_to_the_next_source_and_are_reported() {
        let env = Env {
            remind: Some("soon".into()),
            reminders: Some("maybe".into()),
            ..Env::default()
        };
        let settings = load(&env, false, "[profile work]\nawsmfa_remind = 15 minutes\n");
        assert!(settings.enabled);
        assert_eq!(settings.lead_for("work", None).origin, LeadOrigin::Default);
        assert_eq!(settings.lead_for("work", None).seconds, 600);
        assert_eq!(settings.problems.len(), 3, "{:?}", settings.problems);
        assert!(
            settings.problems[2].starts_with("awsmfa_remind in [profile work] `15 minutes`"),
            "{:?}",
            settings.problems
        );
    }

    #[test]
    fn stored_off_and_environment_off_turn_reminders_off() {
        assert!(!load(&Env::default(), true, "").enabled);
        let env = Env {
            reminders: Some("off".into()),
            ..Env::default()
        };
        let settings = load(&env, false, "");
        assert!(!settings.enabled);
        assert_eq!(settings.switch_origin, SwitchOrigin::Environment);
    }
}
