//! Finds the MFA-managed session profiles in `~/.aws/config` and `~/.aws/credentials`.
//!
//! A session profile `NAME` is the one other tools use; its long-term keys live in a source
//! profile: `awsmfa_source_profile` in `[profile NAME]`, else `NAME-mfa`, else
//! `NAME-long-term` (aws-mfa's convention). Only names with such a source are listed, each
//! followed by the role profiles that ride on it (`role_arn` and `source_profile = NAME`);
//! the source profiles themselves are not.
//!
//! Profiles are found as the AWS CLI (botocore) finds them. In the config file a section is
//! a profile when its header starts with `profile` and splits, as a shell splits words, into
//! exactly two words (`[profile work]`, `[profile\twork]`, `[profile "ops team"]`; not
//! `[profile in valid]`), or is `[default]`; when several sections name one profile
//! (`[default]` and `[profile default]`), the last one is the profile. In the credentials
//! file the section name is the profile name, as written. A profile's settings are its keys
//! in the credentials file, else in the config file, as the AWS CLI merges the two; in each
//! file `[DEFAULT]` gives defaults to every section and is no profile (configparser's rule).

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::aws::{ProfileEndpoints, Service};
use crate::error::{Error, ErrorKind, Result};
use crate::expiry::{self, Status};
use crate::ini::{Document, NameMap, NameSet, Sections};
use crate::paths::{self, Env};
use crate::store;

/// Suffixes that mark a source profile, in the order they are tried.
pub const SOURCE_SUFFIXES: [&str; 2] = ["-mfa", "-long-term"];

/// Both AWS files, parsed.
#[derive(Debug, Clone)]
pub struct AwsFiles {
    /// `~/.aws/config` (empty when it does not exist).
    pub config: Document,
    /// `~/.aws/credentials` (empty when it does not exist).
    pub credentials: Document,
    /// Where the config file is.
    pub config_path: PathBuf,
    /// Where the credentials file is.
    pub credentials_path: PathBuf,
    /// Profile name → the config section the AWS CLI reads it from (the last of that name).
    config_profiles: NameMap<usize>,
}

/// Where one profile's settings are, found once: its sections in both files, and the
/// `[DEFAULT]` sections that give them defaults (none when the profile has no section there).
#[derive(Clone, Copy)]
struct Lookup<'a> {
    credentials: Sections<'a>,
    credentials_defaults: Sections<'a>,
    config: Sections<'a>,
    config_defaults: Sections<'a>,
}

impl<'a> Lookup<'a> {
    fn credentials_value(&self, key: &str) -> Option<&'a str> {
        with_defaults(self.credentials, self.credentials_defaults, key)
    }

    fn config_value(&self, key: &str) -> Option<&'a str> {
        with_defaults(self.config, self.config_defaults, key)
    }

    fn setting(&self, key: &str) -> Option<&'a str> {
        self.credentials_value(key)
            .or_else(|| self.config_value(key))
    }

    /// [`Lookup::credentials_value`] of several keys at once.
    fn credentials_values<const N: usize>(&self, keys: &[&str; N]) -> [Option<&'a str>; N] {
        many_with_defaults(self.credentials, self.credentials_defaults, keys)
    }

    /// [`Lookup::config_value`] of several keys at once.
    fn config_values<const N: usize>(&self, keys: &[&str; N]) -> [Option<&'a str>; N] {
        many_with_defaults(self.config, self.config_defaults, keys)
    }

    /// [`Lookup::setting`] of several keys at once.
    fn settings<const N: usize>(&self, keys: &[&str; N]) -> [Option<&'a str>; N] {
        let mut values = self.credentials_values(keys);
        if values.iter().any(Option::is_none) {
            for (value, config) in values.iter_mut().zip(self.config_values(keys)) {
                *value = value.or(config);
            }
        }
        values
    }
}

/// Whether a credentials section holds both long-term keys.
fn has_long_term_keys(own: Sections<'_>, defaults: Sections<'_>) -> bool {
    ["aws_access_key_id", "aws_secret_access_key"]
        .iter()
        .all(|key| with_defaults(own, defaults, key).is_some())
}

/// Parses one AWS file, naming the file and line in the error.
pub fn parse_file(env: &Env, path: &Path, text: String) -> Result<Document> {
    Document::parse(text).map_err(|err| {
        Error::new(
            ErrorKind::ConfigInvalid,
            format!(
                "{} {err}: fix that line and try again",
                paths::display(env, path)
            ),
        )
    })
}

impl AwsFiles {
    /// Reads both files; a missing file reads as empty.
    pub fn load(env: &Env) -> Result<Self> {
        let config_path = env.config_file()?;
        let credentials_path = env.credentials_file()?;
        let config = store::read_optional(env, &config_path)?.unwrap_or_default();
        let credentials = store::read_optional(env, &credentials_path)?.unwrap_or_default();
        Ok(AwsFiles::new(
            parse_file(env, &config_path, config)?,
            parse_file(env, &credentials_path, credentials)?,
            config_path,
            credentials_path,
        ))
    }

    /// The two files, already parsed.
    pub fn new(
        config: Document,
        credentials: Document,
        config_path: PathBuf,
        credentials_path: PathBuf,
    ) -> Self {
        let mut config_profiles = NameMap::default();
        for (i, section) in config.sections().enumerate() {
            if let Some(name) = profile_name_of_config_section(section.name) {
                // A later section of the same profile replaces the earlier one.
                config_profiles.insert(name, i);
            }
        }
        AwsFiles {
            config,
            credentials,
            config_path,
            credentials_path,
            config_profiles,
        }
    }

    /// The same files with another version of the credentials file.
    pub fn with_credentials(&self, credentials: Document) -> Self {
        AwsFiles {
            credentials,
            ..self.clone()
        }
    }

    /// Finds `profile`'s sections once.
    fn lookup(&self, profile: &str) -> Lookup<'_> {
        let (credentials, credentials_defaults) = sections_in(&self.credentials, Some(profile));
        let (config, config_defaults) = self.config_sections(profile);
        Lookup {
            credentials,
            credentials_defaults,
            config,
            config_defaults,
        }
    }

    /// A key of `profile`'s section of the config file, as the AWS CLI finds that section,
    /// else of the file's `[DEFAULT]` section.
    pub fn config_value(&self, profile: &str, key: &str) -> Option<&str> {
        let (own, defaults) = self.config_sections(profile);
        with_defaults(own, defaults, key)
    }

    /// `profile`'s sections of the config file, and the `[DEFAULT]` ones when it has some.
    fn config_sections(&self, profile: &str) -> (Sections<'_>, Sections<'_>) {
        match self.config_profiles.get(profile) {
            Some(&i) => (self.config.sections_through(i), self.config.defaults()),
            None => (Sections::none(&self.config), Sections::none(&self.config)),
        }
    }

    /// A setting of `profile` as the AWS CLI reads it: from the credentials file, else the
    /// config file.
    pub fn setting(&self, profile: &str, key: &str) -> Option<&str> {
        self.lookup(profile).setting(key)
    }

    /// The header of the config section to write `profile`'s settings into: the one the AWS
    /// CLI reads them from, else a new one it will read (`[profile "ops team"]`).
    pub fn config_section_of(&self, profile: &str) -> String {
        self.config_profiles
            .get(profile)
            .map(|&i| self.config.section(i).name.to_string())
            .unwrap_or_else(|| new_config_section(profile))
    }

    /// A key of `[NAME]` in the credentials file, else of the file's `[DEFAULT]` section.
    pub fn credentials_value(&self, profile: &str, key: &str) -> Option<&str> {
        let (own, defaults) = sections_in(&self.credentials, Some(profile));
        with_defaults(own, defaults, key)
    }

    fn has_long_term_keys(&self, profile: &str) -> bool {
        let (own, defaults) = sections_in(&self.credentials, Some(profile));
        has_long_term_keys(own, defaults)
    }

    /// The source profile for `name`, if one with keys exists.
    pub fn source_of(&self, name: &str) -> Option<String> {
        self.source_with(&self.lookup(name), name)
    }

    /// [`AwsFiles::source_of`] with `name`'s sections already found.
    fn source_with(&self, me: &Lookup<'_>, name: &str) -> Option<String> {
        if let Some(explicit) = me.setting("awsmfa_source_profile") {
            return Some(explicit.to_string());
        }
        let mut candidate = String::with_capacity(name.len() + 10);
        for suffix in SOURCE_SUFFIXES {
            candidate.clear();
            candidate.push_str(name);
            candidate.push_str(suffix);
            if self.has_long_term_keys(&candidate) {
                return Some(candidate);
            }
        }
        None
    }

    /// Every MFA-managed session profile, sorted by name.
    pub fn session_profiles<'s>(&'s self, now: Timestamp) -> Vec<Profile> {
        // Names borrowed from the files: no string per candidate.
        let mut seen: NameSet<&str> = NameSet::default();
        let mut names: Vec<&str> = Vec::new();
        let mut add = |name: &'s str| {
            if !name.is_empty() && name != DEFAULTS_SECTION && seen.insert(name) {
                names.push(name);
            }
        };
        for section in self.credentials.sections() {
            for suffix in SOURCE_SUFFIXES {
                if let Some(base) = section.name.strip_suffix(suffix) {
                    add(base);
                }
            }
        }
        let mut configured: Vec<&str> = self
            .config_profiles
            .iter()
            .filter(|&(_, &i)| {
                let own = self.config.sections_through(i);
                with_defaults(own, self.config.defaults(), "awsmfa_source_profile").is_some()
            })
            .map(|(name, _)| name.as_str())
            .collect();
        configured.sort_unstable();
        for name in configured {
            add(name);
        }
        // Each name's sections and source, found once.
        let with_sources: Vec<(&str, Lookup<'_>, String)> = names
            .into_iter()
            .filter_map(|name| {
                let me = self.lookup(name);
                self.source_with(&me, name).map(|source| (name, me, source))
            })
            .collect();
        let sources: NameSet<&str> = with_sources
            .iter()
            .map(|(_, _, source)| source.as_str())
            .collect();
        let mut profiles: Vec<Profile> = with_sources
            .iter()
            .filter(|(name, _, _)| !sources.contains(name))
            .map(|(name, me, source)| self.profile_from(name, *me, source.clone(), now))
            .collect();
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        profiles
    }

    /// The session profile `name`, if it is MFA-managed (has a source profile), or the role
    /// profile `name` riding on one.
    pub fn profile(&self, name: &str, now: Timestamp) -> Option<Profile> {
        match self.source_of(name) {
            Some(source) => Some(self.profile_with_source(name, source, now)),
            None => self.role_profile(name, now),
        }
    }

    /// Every session profile, each followed by the role profiles that ride on it (by name).
    pub fn listed_profiles(&self, now: Timestamp) -> Vec<Profile> {
        // Sorted by name, so a name is found by bisection.
        let sessions = self.session_profiles(now);
        let session = |name: &str| {
            sessions
                .binary_search_by(|s| s.name.as_str().cmp(name))
                .ok()
                .map(|i| &sessions[i])
        };
        let mut roles: Vec<Profile> = self
            .config_profiles
            .keys()
            .filter(|name| session(name).is_none())
            .filter_map(|name| self.role_on(name, |base| session(base).cloned()))
            .collect();
        roles.sort_by(|a, b| a.name.cmp(&b.name));
        let mut listed = Vec::with_capacity(sessions.len() + roles.len());
        for session in sessions {
            let name = session.name.clone();
            listed.push(session);
            listed.extend(
                roles
                    .iter()
                    .filter(|r| r.via.as_deref() == Some(&name))
                    .cloned(),
            );
        }
        listed
    }

    /// The role profile `name`: `role_arn` and `source_profile = BASE` in its config
    /// section, BASE a session profile, and no long-term keys of its own.
    fn role_profile(&self, name: &str, now: Timestamp) -> Option<Profile> {
        self.role_on(name, |base| {
            let source = self.source_of(base)?;
            Some(self.profile_with_source(base, source, now))
        })
    }

    /// `name` as a role profile on the session profile `session_of(BASE)` gives.
    fn role_on(
        &self,
        name: &str,
        session_of: impl FnOnce(&str) -> Option<Profile>,
    ) -> Option<Profile> {
        let role_arn = self.config_value(name, "role_arn")?;
        let base_name = self.config_value(name, "source_profile")?;
        if base_name == name {
            return None;
        }
        let base = session_of(base_name)?;
        let own = |key: &str| self.config_value(name, key).map(str::to_string);
        Some(Profile {
            name: name.to_string(),
            via: Some(base.name.clone()),
            source_profile: base.name.clone(),
            // Its own only: the AWS CLI does not take the region from source_profile.
            region: own("region"),
            // Its own only: with one, the AWS CLI asks for a code itself (see `status`).
            mfa_serial: own("mfa_serial"),
            role_arn: Some(role_arn.to_string()),
            duration: None,
            duration_seconds: own("duration_seconds"),
            ..base
        })
    }

    fn profile_with_source(&self, name: &str, source: String, now: Timestamp) -> Profile {
        self.profile_from(name, self.lookup(name), source, now)
    }

    /// The session profile `name`, whose sections are `me`, on `source`.
    fn profile_from(&self, name: &str, me: Lookup<'_>, source: String, now: Timestamp) -> Profile {
        // The expiry keys below, one by one.
        const _: () = assert!(expiry::OTHER_EXPIRY_KEYS.len() == 4);
        let src = self.lookup(&source);
        let [
            expires,
            credential_expiration,
            expiration,
            aws_expiration,
            token_expires,
            session_token,
            access_key_id,
        ] = me.credentials_values(&[
            expiry::EXPIRY_KEY,
            expiry::OTHER_EXPIRY_KEYS[0],
            expiry::OTHER_EXPIRY_KEYS[1],
            expiry::OTHER_EXPIRY_KEYS[2],
            expiry::OTHER_EXPIRY_KEYS[3],
            "aws_session_token",
            "aws_access_key_id",
        ]);
        // The session's expiry: the earliest of those recorded, since another tool refreshing
        // the keys (aws-mfa adds `expiration`) may leave an older, later one behind; never
        // more time than the shortest record.
        let expires_at = [
            expires,
            credential_expiration,
            expiration,
            aws_expiration,
            token_expires,
        ]
        .into_iter()
        .filter_map(|value| value.and_then(expiry::parse))
        .min();
        let has_keys = session_token.is_some() || access_key_id.is_some();
        let (status, seconds_left) = expiry::status(expires_at.filter(|_| has_keys), now);
        let [
            region,
            mfa_serial,
            awsmfa_role_arn,
            role_arn,
            duration,
            duration_seconds,
            mfa_process,
            ykman_account,
            op_item,
            op_vault,
            op_account,
        ] = me
            .settings(&[
                "region",
                "mfa_serial",
                "awsmfa_role_arn",
                "role_arn",
                "awsmfa_duration",
                "duration_seconds",
                "mfa_process",
                "awsmfa_ykman_account",
                "awsmfa_op_item",
                "awsmfa_op_vault",
                "awsmfa_op_account",
            ])
            .map(|value| value.map(str::to_string));
        // The source's settings (credentials file, else config) and its keys and aws-mfa's
        // device (credentials file only), in one walk over its credentials section.
        let [
            src_region,
            src_mfa_serial,
            src_mfa_process,
            src_device,
            src_key_id,
            src_secret,
        ] = src.credentials_values(&[
            "region",
            "mfa_serial",
            "mfa_process",
            "aws_mfa_device",
            "aws_access_key_id",
            "aws_secret_access_key",
        ]);
        let [config_region, config_mfa_serial, config_mfa_process] =
            src.config_values(&["region", "mfa_serial", "mfa_process"]);
        let either = |own: Option<String>, src: Option<&str>, config: Option<&str>| {
            own.or_else(|| src.or(config).map(str::to_string))
        };
        Profile {
            name: name.to_string(),
            via: None,
            region: either(region, src_region, config_region),
            mfa_serial: either(mfa_serial, src_mfa_serial, config_mfa_serial)
                .or_else(|| src_device.map(str::to_string)),
            role_arn: awsmfa_role_arn.or(role_arn),
            duration,
            duration_seconds,
            mfa_process: either(mfa_process, src_mfa_process, config_mfa_process),
            ykman_account,
            op_item,
            op_vault,
            op_account,
            source_profile_has_keys: src_key_id.is_some() && src_secret.is_some(),
            source_profile: source,
            expires_at: if has_keys { expires_at } else { None },
            status,
            seconds_left,
        }
    }

    /// What makes the AWS CLI refuse one of the two files (though awsmfa reads it), one
    /// line each, with the fix.
    pub fn cli_warnings(&self, env: &Env) -> Vec<String> {
        let mut out = Vec::new();
        for (doc, path) in [
            (&self.config, &self.config_path),
            (&self.credentials, &self.credentials_path),
        ] {
            let problems = doc.cli_problems();
            let Some(first) = problems.first() else {
                continue;
            };
            let more = match problems.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            out.push(format!(
                "{} {}{more}, so the AWS CLI and SDKs will not read it: {}",
                paths::display(env, path),
                first.what,
                first.fix
            ));
        }
        out
    }

    /// The endpoint settings of `profile`'s section of the config file for `service`: its
    /// `endpoint_url`, the service's `endpoint_url` in the `services` section it names, and
    /// `ignore_configured_endpoint_urls` (read by [`crate::aws::endpoint`]).
    pub fn endpoints(&self, env: &Env, profile: &str, service: Service) -> ProfileEndpoints {
        let section = self.config_section_of(profile);
        let own = |key: &str| {
            self.setting(profile, key)
                .filter(|v| !v.trim().is_empty())
                .map(str::to_string)
        };
        let service_endpoint_url = own("services").and_then(|name| {
            self.config
                .nested(
                    &format!("services {name}"),
                    service.config_key(),
                    "endpoint_url",
                )
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        });
        ProfileEndpoints {
            origin: format!("[{section}] of {}", paths::display(env, &self.config_path)),
            service_endpoint_url,
            endpoint_url: own("endpoint_url"),
            ignore_configured_endpoint_urls: own("ignore_configured_endpoint_urls"),
        }
    }

    /// Every profile name in either file, for "which profiles do exist" messages.
    pub fn all_profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .credentials
            .sections()
            .map(|s| s.name.to_string())
            .filter(|name| name != DEFAULTS_SECTION)
            .chain(self.config_profiles.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Looks up a profile with a session of its own (not a role profile), for the commands
    /// that write or hand out that session; `what` names the command for the message.
    pub fn require_session(
        &self,
        env: &Env,
        name: &str,
        now: Timestamp,
        what: &str,
    ) -> Result<Profile> {
        let profile = self.require(env, name, now)?;
        match &profile.via {
            None => Ok(profile),
            Some(base) => Err(Error::new(
                ErrorKind::NotMfaProfile,
                format!(
                    "{name} has no session of its own: AWS tools assume its role with {base}'s session (source_profile = {base}) when given --profile {}; for {base}'s session, run awsmfa {what} {}",
                    crate::quote::shell_word(name),
                    crate::quote::shell_word(base)
                ),
            )),
        }
    }

    /// What `status` says of a role profile besides its status: a `mfa_serial` that makes
    /// the AWS CLI ask for a code itself, and a session that is a role session already
    /// (role chaining, which AWS limits to 1 h).
    pub fn role_notes(&self, profile: &Profile, now: Timestamp) -> Vec<String> {
        let Some(base) = &profile.via else {
            return Vec::new();
        };
        let mut notes = Vec::new();
        if profile.mfa_serial.is_some() {
            notes.push(format!(
                "[{}] has mfa_serial, so the AWS CLI asks for a one-time code for it itself: remove mfa_serial from it ({base}'s session already carries MFA)",
                self.config_section_of(&profile.name)
            ));
        }
        if self
            .profile(base, now)
            .is_some_and(|b| b.role_arn.is_some())
        {
            notes.push(format!(
                "{base}'s session is a role session itself, so AWS allows {} sessions of at most 1 h (role chaining)",
                profile.name
            ));
        }
        notes
    }

    /// Looks a session profile up, or explains what exists instead.
    pub fn require(&self, env: &Env, name: &str, now: Timestamp) -> Result<Profile> {
        if name == DEFAULTS_SECTION {
            // A session written there would be every profile's keys for the AWS CLI.
            return Err(Error::new(
                ErrorKind::ProfileNotFound,
                format!(
                    "{DEFAULTS_SECTION} is no profile for the AWS CLI (its settings are the defaults of every section): use another name"
                ),
            ));
        }
        if let Some(profile) = self.profile(name, now) {
            return Ok(profile);
        }
        let managed: Vec<String> = self
            .session_profiles(now)
            .into_iter()
            .map(|p| p.name)
            .collect();
        let creds = paths::display(env, &self.credentials_path);
        if self.holds_long_term_keys(name) {
            return Err(keys_in_place(name, &creds));
        }
        if self.all_profile_names().iter().any(|n| n == name) {
            return Err(Error::new(
                ErrorKind::NotMfaProfile,
                format!(
                    "{name} has no source profile with long-term keys: add [{name}-mfa] with aws_access_key_id and aws_secret_access_key to {creds}, or set awsmfa_source_profile in [profile {name}]"
                ),
            ));
        }
        let known = if managed.is_empty() {
            format!(
                "there are no MFA profiles yet: add [{name}-mfa] with your long-term keys to {creds}"
            )
        } else {
            format!("MFA profiles: {}", managed.join(", "))
        };
        Err(Error::new(
            ErrorKind::ProfileNotFound,
            format!("no profile called {name}: {known}"),
        ))
    }
}

/// Why a profile can be set up (`awsmfa setup` without a profile lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupState {
    /// `[P]` itself holds long-term keys and there is no `[P-mfa]`: `setup P --move-keys`.
    KeysInProfile,
    /// P's source profile holds long-term keys; no code source is recorded for P.
    SourceKeys,
    /// As [`SetupState::SourceKeys`], and `[profile P]` in the config file has `mfa_serial`.
    MfaSerial,
}

/// A profile that can be set up, with what was found and the command that does it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SetupCandidate {
    /// The profile's name.
    pub profile: String,
    /// Why it can be set up.
    pub state: SetupState,
    /// What was found, for people: `[default] in ~/.aws/credentials holds long-term keys`.
    pub detail: String,
    /// The command that sets it up.
    pub command: String,
}

impl AwsFiles {
    /// Whether `[name]` of the credentials file holds long-term keys itself: both keys, no
    /// session token, and not a session's key (`ASIA…`).
    pub fn holds_long_term_keys(&self, name: &str) -> bool {
        self.has_long_term_keys(name)
            && self.credentials_value(name, "aws_session_token").is_none()
            && !self
                .credentials_value(name, "aws_access_key_id")
                .is_some_and(|key| key.starts_with("ASIA"))
    }

    /// The source profile `setup --move-keys` moves `[name]`'s keys to.
    pub fn move_target(name: &str) -> String {
        format!("{name}{}", SOURCE_SUFFIXES[0])
    }

    /// Whether a code source is recorded for `name` in either file.
    fn has_code_source(&self, name: &str) -> bool {
        ["awsmfa_op_item", "mfa_process", "awsmfa_ykman_account"]
            .iter()
            .any(|key| self.setting(name, key).is_some())
    }

    /// The profiles that can be set up, by name: sections of the credentials file holding
    /// long-term keys that are no other profile's source, and session profiles without a
    /// code source. Files only: no network, keychain or 1Password.
    pub fn setup_candidates(&self, env: &Env, now: Timestamp) -> Vec<SetupCandidate> {
        let creds = paths::display(env, &self.credentials_path);
        let config = paths::display(env, &self.config_path);
        let sessions = self.session_profiles(now);
        let mut out: Vec<SetupCandidate> = Vec::new();
        for profile in &sessions {
            if !profile.needs_setup() {
                continue;
            }
            let name = profile.name.as_str();
            let command = format!("awsmfa setup {}", crate::quote::shell_word(name));
            let (state, detail) = match self.config_value(name, "mfa_serial") {
                Some(_) => (
                    SetupState::MfaSerial,
                    format!(
                        "[{}] in {config} has mfa_serial; the keys are in [{}]",
                        self.config_section_of(name),
                        profile.source_profile
                    ),
                ),
                None => (
                    SetupState::SourceKeys,
                    format!(
                        "[{}] in {creds} holds long-term keys",
                        profile.source_profile
                    ),
                ),
            };
            out.push(SetupCandidate {
                profile: profile.name.clone(),
                state,
                detail,
                command,
            });
        }
        out.extend(self.candidates_with_keys_in_place(env, &sessions));
        out.sort_by(|a, b| a.profile.cmp(&b.profile));
        out
    }

    /// The [`SetupState::KeysInProfile`] candidates, in file order: sections of the credentials
    /// file holding long-term keys that are no source of `sessions` (the session profiles, as
    /// [`AwsFiles::session_profiles`] or `listed_profiles` gives them) and no profile's source
    /// by name. `list` passes the profiles it already has, so it does not find them twice.
    pub fn candidates_with_keys_in_place(
        &self,
        env: &Env,
        sessions: &[Profile],
    ) -> Vec<SetupCandidate> {
        // The session profiles (role rows ride on them), by name as `session_profiles` sorts
        // them, so a name is found by bisection. A session profile has a source: known
        // without looking it up again.
        let managed: Vec<&Profile> = sessions.iter().filter(|p| p.via.is_none()).collect();
        debug_assert!(managed.is_sorted_by(|a, b| a.name <= b.name));
        let is_managed = |name: &str| {
            managed
                .binary_search_by(|p| p.name.as_str().cmp(name))
                .is_ok()
        };
        let has_suffix = |name: &str| SOURCE_SUFFIXES.iter().any(|suffix| name.ends_with(suffix));
        // Sources by another name (`awsmfa_source_profile`); those by suffix go by their name.
        let named_sources: Vec<&str> = managed
            .iter()
            .map(|p| p.source_profile.as_str())
            .filter(|source| !has_suffix(source))
            .collect();
        let mut out: Vec<SetupCandidate> = Vec::new();
        let mut seen: NameSet<&str> = NameSet::default();
        // On Alfred's keystroke path: the checks by name first, the lookups last.
        for section in self.credentials.sections() {
            let name = section.name;
            if name.is_empty()
                || name == DEFAULTS_SECTION
                || has_suffix(name)
                || is_managed(name)
                || named_sources.contains(&name)
                || !seen.insert(name)
                || self.source_of(name).is_some()
                || self.credentials.has_section(&AwsFiles::move_target(name))
                || !self.holds_long_term_keys(name)
                || self.has_code_source(name)
            {
                continue;
            }
            let creds = paths::display(env, &self.credentials_path);
            out.push(SetupCandidate {
                profile: name.to_string(),
                state: SetupState::KeysInProfile,
                detail: format!("[{name}] in {creds} holds long-term keys"),
                command: format!(
                    "awsmfa setup {} --move-keys",
                    crate::quote::shell_word(name)
                ),
            });
        }
        out
    }
}

/// `[name]` of the credentials file (shown as `creds`) holds long-term keys itself, where
/// awsmfa would keep the session: what `setup --move-keys` is for.
pub fn keys_in_place(name: &str, creds: &str) -> Error {
    Error::new(
        ErrorKind::NotMfaProfile,
        format!(
            "[{name}] in {creds} holds long-term keys, where awsmfa keeps {name}'s session: run awsmfa setup {} --move-keys to move them to [{}] (nothing else in the file changes)",
            crate::quote::shell_word(name),
            AwsFiles::move_target(name)
        ),
    )
}

/// Python's configparser, which the AWS CLI reads the files with, takes `[DEFAULT]` as the
/// defaults of every other section of the same file, and as no section (so no profile) of its
/// own.
pub use crate::ini::DEFAULTS_SECTION;

/// The sections called `name` in `doc` (none for no name, or `DEFAULT`, which is no profile),
/// and the `[DEFAULT]` sections that give them defaults (none when they do not exist).
fn sections_in<'a>(doc: &'a Document, name: Option<&str>) -> (Sections<'a>, Sections<'a>) {
    let own = match name {
        Some(name) if name != DEFAULTS_SECTION => doc.sections_called(name),
        _ => Sections::none(doc),
    };
    let defaults = if own.exist() {
        doc.defaults()
    } else {
        Sections::none(doc)
    };
    (own, defaults)
}

/// `key` as configparser reads it: the section's own value, else the one in `[DEFAULT]`. An
/// empty value is none.
fn with_defaults<'a>(own: Sections<'a>, defaults: Sections<'a>, key: &str) -> Option<&'a str> {
    own.get(key)
        .or_else(|| defaults.get(key))
        .filter(|v| !v.is_empty())
}

/// [`with_defaults`] of several keys, in one walk over each section's settings.
fn many_with_defaults<'a, const N: usize>(
    own: Sections<'a>,
    defaults: Sections<'a>,
    keys: &[&str; N],
) -> [Option<&'a str>; N] {
    let mut values = own.get_many(keys);
    if defaults.exist() && values.iter().any(Option::is_none) {
        for (value, default) in values.iter_mut().zip(defaults.get_many(keys)) {
            *value = value.or(default);
        }
    }
    values.map(|value| value.filter(|v| !v.is_empty()))
}

/// The header of a new config section for `profile`, one the AWS CLI reads as that profile:
/// `default`, `profile work`, or the name quoted as a shell word (`profile 'ops team'`).
pub fn new_config_section(profile: &str) -> String {
    if profile == "default" {
        return "default".to_string();
    }
    let plain = !profile.is_empty()
        && !profile
            .chars()
            .any(|c| c.is_whitespace() || "'\"\\".contains(c));
    if plain {
        format!("profile {profile}")
    } else {
        format!("profile {}", crate::quote::shell_word(profile))
    }
}

/// The profile a config section is, as botocore decides it: a header starting with
/// `profile` that splits into exactly two shell words names the second; `default` is
/// `default`; anything else (`sso-session`, `services`, `[foo]`) is no profile.
fn profile_name_of_config_section(section: &str) -> Option<String> {
    if section.starts_with("profile") {
        if !section.contains(['\'', '"', '\\']) {
            // Nothing quoted (nearly every file): the words are what lies between blanks, as
            // shell_split finds them, without a list of words for each of hundreds of headers.
            let mut words = section
                .split([' ', '\t', '\r', '\n'])
                .filter(|word| !word.is_empty());
            return match (words.next(), words.next(), words.next()) {
                (Some(_), Some(name), None) => Some(name.to_string()),
                _ => None,
            };
        }
        return match crate::quote::shell_split(section)?.as_slice() {
            [_, name] => Some(name.clone()),
            _ => None,
        };
    }
    (section == "default").then(|| "default".to_string())
}

/// A session profile and what awsmfa knows about it without asking anything but the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The session profile's name.
    pub name: String,
    /// For a role profile (`role_arn` and `source_profile = BASE` in its config section,
    /// BASE a session profile): BASE, whose session it rides on. Its status, expiry and code
    /// source are BASE's; logging in to it logs in to BASE.
    pub via: Option<String>,
    /// The profile holding the long-term keys (for a role profile: BASE, as the AWS CLI's
    /// `source_profile`).
    pub source_profile: String,
    /// Whether the source profile has both long-term keys.
    pub source_profile_has_keys: bool,
    /// `region`.
    pub region: Option<String>,
    /// `mfa_serial` (or aws-mfa's `aws_mfa_device` in the source section).
    pub mfa_serial: Option<String>,
    /// `awsmfa_role_arn` or `role_arn`: assume this role instead of GetSessionToken.
    pub role_arn: Option<String>,
    /// `awsmfa_duration`.
    pub duration: Option<String>,
    /// `duration_seconds` (the AWS CLI's key for role sessions).
    pub duration_seconds: Option<String>,
    /// `mfa_process`: a command that prints the code (aws-vault's key).
    pub mfa_process: Option<String>,
    /// `awsmfa_ykman_account`: the OATH account on a YubiKey that gives the code (`ykman`).
    pub ykman_account: Option<String>,
    /// `awsmfa_op_item`: the 1Password item with the one-time password.
    pub op_item: Option<String>,
    /// `awsmfa_op_vault`.
    pub op_vault: Option<String>,
    /// `awsmfa_op_account`.
    pub op_account: Option<String>,
    /// The recorded expiry of the session keys.
    pub expires_at: Option<Timestamp>,
    /// Status at `now`.
    pub status: Status,
    /// Seconds left at `now` (negative once expired).
    pub seconds_left: Option<i64>,
}

impl Profile {
    /// Whether no way to get a one-time code is configured.
    pub fn needs_setup(&self) -> bool {
        self.op_item.is_none() && self.mfa_process.is_none() && self.ykman_account.is_none()
    }

    /// The profile whose session this one is: its own name, or for a role profile BASE.
    pub fn session_name(&self) -> &str {
        self.via.as_deref().unwrap_or(&self.name)
    }

    /// The command that sets the profile up (BASE, for a role profile), when it needs it.
    pub fn setup_hint(&self) -> Option<String> {
        self.needs_setup().then(|| {
            format!(
                "awsmfa setup {} --op-item \"ITEM\"",
                crate::quote::shell_word(self.session_name())
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(config: &str, credentials: &str) -> AwsFiles {
        AwsFiles::new(
            Document::parse(config).unwrap(),
            Document::parse(credentials).unwrap(),
            "/h/.aws/config".into(),
            "/h/.aws/credentials".into(),
        )
    }

    const NOW: &str = "2026-11-25T10:00:00Z";

    fn names(f: &AwsFiles) -> Vec<String> {
        f.session_profiles(NOW.parse().unwrap())
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    #[test]
    fn finds_sessions_by_every_source_convention_and_hides_sources() {
        let f = files(
            "[profile custom]\nawsmfa_source_profile = keys\n[sso-session corp]\nsso_region = x\n",
            "[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
             [old-long-term]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n\
             [keys]\naws_access_key_id = AKIA3\naws_secret_access_key = s\n\
             [half-mfa]\naws_access_key_id = AKIA4\n\
             [plain]\naws_access_key_id = AKIA5\naws_secret_access_key = s\n",
        );
        assert_eq!(names(&f), ["custom", "old", "work"]);
        let custom = f.profile("custom", NOW.parse().unwrap()).unwrap();
        assert_eq!(custom.source_profile, "keys");
    }

    #[test]
    fn settings_come_from_the_session_then_the_source_profile() {
        let f = files(
            "[profile work]\nregion = eu-west-1\nawsmfa_op_item = AWS work\n\
             [profile work-mfa]\nmfa_serial = arn:aws:iam::1:mfa/me\nregion = us-east-2\n",
            "[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
             [work]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\n\
             x_security_token_expires = 2026-11-25T18:42:00Z\n",
        );
        let p = f.profile("work", NOW.parse().unwrap()).unwrap();
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
        assert_eq!(p.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/me"));
        assert_eq!(p.status, Status::Valid);
        assert_eq!(p.seconds_left, Some(31_320));
        assert!(!p.needs_setup());
    }

    #[test]
    fn reads_aws_mfa_files_as_aws_mfa_writes_them() {
        let f = files(
            "",
            "[dev-long-term]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
             aws_mfa_device = arn:aws:iam::1:mfa/dev\n\
             [dev]\nassumed_role = False\naws_access_key_id = ASIA\naws_secret_access_key = s\n\
             aws_session_token = t\naws_security_token = t\nexpiration = 2026-11-25 08:00:00\n",
        );
        let p = f.profile("dev", NOW.parse().unwrap()).unwrap();
        assert_eq!(p.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/dev"));
        assert_eq!(p.status, Status::Expired);
        assert!(p.needs_setup());
        assert_eq!(
            p.setup_hint().unwrap(),
            "awsmfa setup dev --op-item \"ITEM\""
        );
    }

    #[test]
    fn a_yubikey_account_is_a_code_source() {
        let f = files(
            "[profile yk]\nawsmfa_ykman_account = AWS:yk\n",
            "[yk-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n",
        );
        let p = f.profile("yk", NOW.parse().unwrap()).unwrap();
        assert_eq!(p.ykman_account.as_deref(), Some("AWS:yk"));
        assert!(!p.needs_setup());
        assert_eq!(p.setup_hint(), None);
    }

    #[test]
    fn setup_candidates_are_keys_in_place_and_profiles_without_a_code_source() {
        let f = files(
            "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n\
             [profile done]\nawsmfa_op_item = abc\n",
            "[default]\naws_access_key_id = AKIA0\naws_secret_access_key = s\n\
             [work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\
             [work]\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\n\
             [dev-mfa]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n\
             [done-mfa]\naws_access_key_id = AKIA3\naws_secret_access_key = s\n\
             [session]\naws_access_key_id = ASIA2\naws_secret_access_key = s\naws_session_token = t\n\
             [half]\naws_access_key_id = AKIA4\n",
        );
        let env = Env {
            home: Some("/h".into()),
            ..Env::default()
        };
        let found = f.setup_candidates(&env, NOW.parse().unwrap());
        let got: Vec<(&str, SetupState, &str, &str)> = found
            .iter()
            .map(|c| {
                (
                    c.profile.as_str(),
                    c.state,
                    c.detail.as_str(),
                    c.command.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "default",
                    SetupState::KeysInProfile,
                    "[default] in ~/.aws/credentials holds long-term keys",
                    "awsmfa setup default --move-keys"
                ),
                (
                    "dev",
                    SetupState::SourceKeys,
                    "[dev-mfa] in ~/.aws/credentials holds long-term keys",
                    "awsmfa setup dev"
                ),
                (
                    "work",
                    SetupState::MfaSerial,
                    "[profile work] in ~/.aws/config has mfa_serial; the keys are in [work-mfa]",
                    "awsmfa setup work"
                ),
            ]
        );
    }

    #[test]
    fn require_says_which_profiles_exist() {
        let f = files(
            "",
            "[work-mfa]\naws_access_key_id = A\naws_secret_access_key = s\n[plain]\na = b\n",
        );
        let env = Env::default();
        let now = NOW.parse().unwrap();
        let err = f.require(&env, "nope", now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ProfileNotFound);
        assert_eq!(err.message(), "no profile called nope: MFA profiles: work");
        let err = f.require(&env, "plain", now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotMfaProfile);
        assert!(err.message().contains("[plain-mfa]"), "{}", err.message());
    }

    #[test]
    fn default_sections_are_defaults_of_their_file_as_configparser_reads_them() {
        let f = files(
            "[DEFAULT]
region = eu-central-1
mfa_serial = arn:aws:iam::1:mfa/all
[profile work]
region = eu-west-1
[profile bare]
region =
",
            "[DEFAULT]
aws_mfa_device = x
[work-mfa]
aws_access_key_id = A
aws_secret_access_key = s
[DEFAULT-mfa]
aws_access_key_id = A
aws_secret_access_key = s
",
        );
        assert_eq!(f.setting("work", "region"), Some("eu-west-1"));
        assert_eq!(
            f.setting("work", "mfa_serial"),
            Some("arn:aws:iam::1:mfa/all")
        );
        assert_eq!(
            f.setting("bare", "region"),
            None,
            "an empty own value shadows the default"
        );
        assert_eq!(f.credentials_value("work-mfa", "aws_mfa_device"), Some("x"));
        assert_eq!(f.credentials_value("nope", "aws_mfa_device"), None);
        assert_eq!(f.credentials_value("DEFAULT", "aws_mfa_device"), None);
        let now = NOW.parse().unwrap();
        let names: Vec<String> = f
            .session_profiles(now)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["work"], "[DEFAULT] is no profile");
        assert!(!f.all_profile_names().iter().any(|n| n == "DEFAULT"));
        let err = f.require(&Env::default(), "DEFAULT", now).unwrap_err();
        assert!(
            err.message().starts_with("DEFAULT is no profile"),
            "{}",
            err.message()
        );
    }
}
