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
use std::borrow::Cow;
use std::ops::Range;

use hashbrown::HashTable;

use crate::ini::{Document, NameSet, Sections, Slots};
use crate::paths::{self, Env};
use crate::store;

/// Suffixes that mark a source profile, in the order they are tried.
pub const SOURCE_SUFFIXES: [&str; 2] = ["-mfa", "-long-term"];

/// `name` without the [`SOURCE_SUFFIXES`] suffix it ends with, if it ends with one (it
/// cannot end with both: their last letters differ). The last byte first: `list` asks this
/// of every section of the credentials file, and most end in neither suffix's last letter
/// (two `ends_with` a section; with the search from the last managed name in
/// [`AwsFiles::candidates_with_keys_in_place`], 0.13 M instructions of `list` at 1,000
/// profiles, callgrind).
fn source_base(name: &str) -> Option<&str> {
    source_split(name).map(|(base, _)| base)
}

/// [`source_base`], and which of the [`SOURCE_SUFFIXES`] `name` ends with.
fn source_split(name: &str) -> Option<(&str, usize)> {
    let last = name.as_bytes().last()?;
    SOURCE_SUFFIXES
        .iter()
        .enumerate()
        .filter(|(_, suffix)| suffix.as_bytes().last() == Some(last))
        .find_map(|(i, suffix)| Some((name.strip_suffix(suffix)?, i)))
}

/// A name that may be a session profile, found by walking the files, with the credentials
/// sections that may be its source by suffix: section indexes, by [`SOURCE_SUFFIXES`]
/// ([`NO_SECTION`]: there is none of that name, as the walk saw every section).
#[derive(Debug, Clone, Copy)]
struct Candidate<'a> {
    name: &'a str,
    by_suffix: [usize; SOURCE_SUFFIXES.len()],
}

/// No section, in [`Candidate::by_suffix`].
const NO_SECTION: usize = usize::MAX;

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
    config_profiles: ConfigProfiles,
}

/// The keys a profile's status and code source are read from: each a slot of a [`Read`].
/// (Named as the keys are, `aws_secret_access_key` included.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
enum Key {
    SourceProfile,
    Expires,
    CredentialExpiration,
    Expiration,
    AwsExpiration,
    SessionExpiration,
    SessionToken,
    AccessKeyId,
    SecretAccessKey,
    MfaDevice,
    Region,
    MfaSerial,
    AwsmfaRoleArn,
    RoleArn,
    Duration,
    DurationSeconds,
    MfaProcess,
    YkmanAccount,
    OpItem,
    OpVault,
    OpAccount,
}

/// How many [`Key`]s there are.
const KEYS: usize = Key::OpAccount as usize + 1;

/// The key names, in [`Key`] order, as awsmfa and the AWS CLI spell them (lower case).
const KEY_NAMES: [&str; KEYS] = [
    "awsmfa_source_profile",
    expiry::EXPIRY_KEY,
    expiry::OTHER_EXPIRY_KEYS[0],
    expiry::OTHER_EXPIRY_KEYS[1],
    expiry::OTHER_EXPIRY_KEYS[2],
    expiry::OTHER_EXPIRY_KEYS[3],
    "aws_session_token",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_mfa_device",
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
];

impl Key {
    /// Every key, in slot order.
    const ALL: [Key; KEYS] = [
        Key::SourceProfile,
        Key::Expires,
        Key::CredentialExpiration,
        Key::Expiration,
        Key::AwsExpiration,
        Key::SessionExpiration,
        Key::SessionToken,
        Key::AccessKeyId,
        Key::SecretAccessKey,
        Key::MfaDevice,
        Key::Region,
        Key::MfaSerial,
        Key::AwsmfaRoleArn,
        Key::RoleArn,
        Key::Duration,
        Key::DurationSeconds,
        Key::MfaProcess,
        Key::YkmanAccount,
        Key::OpItem,
        Key::OpVault,
        Key::OpAccount,
    ];

    /// [`Key::of_bytes`] of a `str`.
    #[cfg(test)]
    fn of(name: &str) -> Option<Key> {
        Key::of_bytes(name.as_bytes())
    }

    /// The key a setting's name is, matched as the AWS CLI matches keys (ASCII letters in
    /// either case). `list` reads every setting of hundreds of profiles per keystroke: a
    /// table slot from the name's length and two of its letters gives the one key it can be,
    /// so one comparison rules it in or out (a scan of the keys cost 3 times as much).
    fn of_bytes(bytes: &[u8]) -> Option<Key> {
        let (last, middle) = (*bytes.last()?, bytes[bytes.len() / 2]);
        // Keys are nearly always written in lower case, as the table has them: the slot of
        // the bytes as written, and those bytes, first. Only a key that is not one as
        // written is looked up again in lower case (lower-casing two bytes of every key first
        // cost `list` 0.15 M instructions at 1,000 profiles, callgrind).
        let i = usize::from(KEY_TABLE[key_slot(bytes.len(), last, middle)]);
        if let Some(&key) = Key::ALL.get(i)
            && same_bytes(KEY_NAMES[i].as_bytes(), bytes)
        {
            return Some(key);
        }
        let slot = key_slot(
            bytes.len(),
            last.to_ascii_lowercase(),
            middle.to_ascii_lowercase(),
        );
        let i = usize::from(KEY_TABLE[slot]);
        let key = *Key::ALL.get(i)?;
        KEY_NAMES[i]
            .as_bytes()
            .eq_ignore_ascii_case(bytes)
            .then_some(key)
    }
}

/// Whether `a` and `b` are the same bytes, as `a == b` has it: eight at a time and without a
/// call. Keys are 6 to 24 bytes long, and for those `memcmp`'s call and set-up cost `list`
/// more than the comparison did (0.06 M instructions at 1,000 profiles, callgrind).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len < 8 {
        // Two overlapping four-byte words (`region` is six bytes): `a == b` called `bcmp`.
        if len >= 4 {
            let word = |s: &[u8], at: usize| {
                u32::from_le_bytes(s[at..at + 4].try_into().expect("four bytes"))
            };
            return word(a, 0) == word(b, 0) && word(a, len - 4) == word(b, len - 4);
        }
        return a == b;
    }
    let word = |s: &[u8; 8]| u64::from_le_bytes(*s);
    let (words, _) = a.as_chunks::<8>();
    let (other, _) = b.as_chunks::<8>();
    // Then the last eight bytes, overlapping the words before.
    let last = |s: &[u8]| u64::from_le_bytes(s[len - 8..].try_into().expect("eight bytes"));
    words.iter().zip(other).all(|(x, y)| word(x) == word(y)) && last(a) == last(b)
}

/// The slot of [`KEY_TABLE`] for a name of `len` bytes ending in `last`, with `middle` at
/// `len / 2` (both in lower case).
const fn key_slot(len: usize, last: u8, middle: u8) -> usize {
    (len * 3 + last as usize * 31 + middle as usize) % KEY_SLOTS
}

/// How many slots [`KEY_TABLE`] has.
const KEY_SLOTS: usize = 64;

/// Slot → the [`Key`] whose name has it (`u8::MAX`: none). Built at compile time, which fails
/// if two keys share a slot (then change the factors of [`key_slot`]).
const KEY_TABLE: [u8; KEY_SLOTS] = {
    let mut table = [u8::MAX; KEY_SLOTS];
    let mut i = 0;
    while i < KEYS {
        let name = KEY_NAMES[i].as_bytes();
        let slot = key_slot(name.len(), name[name.len() - 1], name[name.len() / 2]);
        assert!(table[slot] == u8::MAX, "two keys share a slot of KEY_TABLE");
        table[slot] = i as u8;
        i += 1;
    }
    table
};

/// The [`Key`]s of one profile in one file, read in one walk over its sections: each as
/// configparser reads it, the section's own value, else `[DEFAULT]`'s; an empty value (kept,
/// so that it hides `[DEFAULT]`'s) reads as none.
#[derive(Debug, Clone, Copy)]
struct Read<'a>(Slots<'a, KEYS>);

impl<'a> Read<'a> {
    /// No key at all.
    const NONE: Self = Read(Slots::EMPTY);

    /// Reads `own`, then `defaults`, into `self`. In place: a `Read` returned by value was
    /// copied with a `memcpy` call on every read, four a profile, 0.45 M instructions of
    /// `list` at 1,000 profiles (callgrind).
    fn fill(&mut self, own: Sections<'a>, defaults: Sections<'a>) {
        self.0.clear();
        let slot_of = |name: &[u8]| Key::of_bytes(name).map(|key| key as usize);
        // Only sections there are: a call that finds none still saves and restores six
        // registers, and most of `list`'s reads have no `[DEFAULT]` to read (0.05 M
        // instructions at 1,000 profiles, callgrind).
        if own.exist() {
            own.fill(&mut self.0, slot_of);
        }
        if defaults.exist() {
            defaults.fill(&mut self.0, slot_of);
        }
    }

    /// `key`'s value, if it is set and not empty.
    fn get(&self, key: Key) -> Option<&'a str> {
        self.0.get(key as usize)
    }

    /// Whether both long-term keys are there.
    fn has_long_term_keys(&self) -> bool {
        self.get(Key::AccessKeyId).is_some() && self.get(Key::SecretAccessKey).is_some()
    }
}

/// One profile's settings, read once: its sections in both files, with the `[DEFAULT]`
/// sections that give them defaults (none when the profile has no section there).
#[derive(Clone, Copy)]
struct Lookup<'a> {
    credentials: Read<'a>,
    config: Read<'a>,
}

impl<'a> Lookup<'a> {
    /// No setting at all.
    const NONE: Self = Lookup {
        credentials: Read::NONE,
        config: Read::NONE,
    };

    /// A setting as the AWS CLI reads it: from the credentials file, else the config file.
    fn setting(&self, key: Key) -> Option<&'a str> {
        self.credentials.get(key).or(self.config.get(key))
    }

    /// [`Lookup::setting`], as a profile holds it.
    fn text(&self, key: Key) -> Option<Cow<'a, str>> {
        self.setting(key).map(Cow::Borrowed)
    }
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
        let config_profiles = ConfigProfiles::of(&config);
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

    /// Reads `profile`'s settings once.
    fn lookup(&self, profile: &str) -> Lookup<'_> {
        let mut me = Lookup::NONE;
        self.lookup_into(profile, &mut me);
        me
    }

    /// [`AwsFiles::lookup`] into `me` (see [`Read::fill`]).
    fn lookup_into<'s>(&'s self, profile: &str, me: &mut Lookup<'s>) {
        self.credentials_into(profile, &mut me.credentials);
        self.config_into(profile, &mut me.config);
    }

    /// `profile`'s settings in the credentials file.
    fn credentials_read(&self, profile: &str) -> Read<'_> {
        let mut read = Read::NONE;
        self.credentials_into(profile, &mut read);
        read
    }

    /// [`AwsFiles::credentials_read`] into `read` (see [`Read::fill`]).
    fn credentials_into<'s>(&'s self, profile: &str, read: &mut Read<'s>) {
        let (own, defaults) = sections_in(&self.credentials, Some(profile));
        read.fill(own, defaults);
    }

    /// `profile`'s settings in the config file, into `read` (see [`Read::fill`]).
    fn config_into<'s>(&'s self, profile: &str, read: &mut Read<'s>) {
        let (own, defaults) = self.config_sections(profile);
        read.fill(own, defaults);
    }

    /// A key of `profile`'s section of the config file, as the AWS CLI finds that section,
    /// else of the file's `[DEFAULT]` section.
    pub fn config_value(&self, profile: &str, key: &str) -> Option<&str> {
        let (own, defaults) = self.config_sections(profile);
        with_defaults(own, defaults, key)
    }

    /// `profile`'s sections of the config file, and the `[DEFAULT]` ones when it has some.
    fn config_sections(&self, profile: &str) -> (Sections<'_>, Sections<'_>) {
        match self.config_profiles.get(&self.config, profile) {
            Some(i) => (self.config.sections_through(i), self.config.defaults()),
            None => (Sections::none(&self.config), Sections::none(&self.config)),
        }
    }

    /// A setting of `profile` as the AWS CLI reads it: from the credentials file, else the
    /// config file.
    pub fn setting(&self, profile: &str, key: &str) -> Option<&str> {
        self.credentials_value(profile, key)
            .or_else(|| self.config_value(profile, key))
    }

    /// The header of the config section to write `profile`'s settings into: the one the AWS
    /// CLI reads them from, else a new one it will read (`[profile "ops team"]`).
    pub fn config_section_of(&self, profile: &str) -> String {
        self.config_profiles
            .get(&self.config, profile)
            .map(|i| self.config.section(i).name.to_string())
            .unwrap_or_else(|| new_config_section(profile))
    }

    /// A key of `[NAME]` in the credentials file, else of the file's `[DEFAULT]` section.
    pub fn credentials_value(&self, profile: &str, key: &str) -> Option<&str> {
        let (own, defaults) = sections_in(&self.credentials, Some(profile));
        with_defaults(own, defaults, key)
    }

    /// The source profile for `name`, if one with keys exists.
    pub fn source_of(&self, name: &str) -> Option<&str> {
        let mut src = Read::NONE;
        self.source_with(&self.lookup(name), &mut src, self.suffixed(name))
    }

    /// The credentials sections called `name` plus suffix `i` of [`SOURCE_SUFFIXES`],
    /// looked up by name.
    fn suffixed<'s>(&'s self, name: &str) -> impl FnMut(usize) -> Sections<'s> {
        let mut candidate = String::with_capacity(name.len() + 10);
        candidate.push_str(name);
        let base = name.len();
        move |i| {
            candidate.truncate(base);
            candidate.push_str(SOURCE_SUFFIXES[i]);
            self.credentials.sections_called(&candidate)
        }
    }

    /// [`AwsFiles::source_of`] with the profile's settings already read (`me`): the source's
    /// name (as the files have it), its settings in the credentials file read into `src` (see
    /// [`Read::fill`]). `by_suffix(i)` gives the sections of the name with suffix `i` of
    /// [`SOURCE_SUFFIXES`]: looked up by name ([`AwsFiles::suffixed`]), or, in `list`, known
    /// from its walk over the file (a name built and looked up for each of 1,000 profiles
    /// cost it 0.17 M instructions more, callgrind).
    fn source_with<'s>(
        &'s self,
        me: &Lookup<'s>,
        src: &mut Read<'s>,
        mut by_suffix: impl FnMut(usize) -> Sections<'s>,
    ) -> Option<&'s str> {
        if let Some(explicit) = me.setting(Key::SourceProfile) {
            self.credentials_into(explicit, src);
            return Some(explicit);
        }
        for i in 0..SOURCE_SUFFIXES.len() {
            // Keys come from `[DEFAULT]` only where the section exists.
            let own = by_suffix(i);
            if !own.exist() {
                continue;
            }
            src.fill(own, self.credentials.defaults());
            if src.has_long_term_keys() {
                return own.name();
            }
        }
        None
    }

    /// Every MFA-managed session profile, sorted by name.
    pub fn session_profiles(&self, now: Timestamp) -> Vec<Profile<'_>> {
        self.sessions_and_roles(now).0
    }

    /// [`AwsFiles::session_profiles`], and the config profiles with `role_arn` (the role
    /// profiles among them ride on a session: see [`AwsFiles::listed_profiles`]), found in
    /// one walk over the config profiles (a walk for each, each key looked up on its own,
    /// cost `list` 0.23 M instructions more at 1,000 profiles).
    fn sessions_and_roles(&self, now: Timestamp) -> (Vec<Profile<'_>>, Vec<&str>) {
        // Names borrowed from the files: no string per candidate. Duplicates go after the
        // sort below: a set of the names seen and one of the sources (below) cost `list`
        // about 0.5 M instructions at 1,000 profiles (callgrind).
        let mut names: Vec<Candidate> = Vec::with_capacity(self.credentials.sections().len());
        names.extend(
            self.credentials
                .sections()
                .enumerate()
                .filter_map(|(i, section)| {
                    let (name, suffix) = source_split(section.name)?;
                    let mut by_suffix = [NO_SECTION; SOURCE_SUFFIXES.len()];
                    by_suffix[suffix] = i;
                    Some(Candidate { name, by_suffix })
                }),
        );
        let mut roles: Vec<&str> = Vec::new();
        let defaults = self.config.defaults();
        for (name, i) in self.config_profiles.iter(&self.config) {
            let own = self.config.sections_through(i);
            let [source, role] = own.get_many(&["awsmfa_source_profile", "role_arn"]);
            let set = |value: Option<&str>, key| {
                value
                    .or_else(|| defaults.get(key))
                    .is_some_and(|v| !v.is_empty())
            };
            if set(source, "awsmfa_source_profile") {
                names.push(Candidate {
                    name,
                    by_suffix: [NO_SECTION; SOURCE_SUFFIXES.len()],
                });
            }
            if set(role, "role_arn") {
                roles.push(name);
            }
        }
        // Names sorted, so the profiles come out sorted: a profile is a few hundred bytes,
        // and sorting those moved them about at the cost of reading them.
        names.sort_unstable_by(|a, b| a.name.cmp(b.name));
        // One candidate a name, with every source section the walk found for it.
        names.dedup_by(|later, kept| {
            let same = later.name == kept.name;
            if same {
                for (kept, later) in kept.by_suffix.iter_mut().zip(later.by_suffix) {
                    if later != NO_SECTION {
                        *kept = later;
                    }
                }
            }
            same
        });
        names.retain(|c| !c.name.is_empty() && c.name != DEFAULTS_SECTION);
        // Each name's settings and source, read once (into the same two reads, see
        // [`Read::fill`]), straight into its profile. Room for every name at once: grown by
        // doubling, the list of profiles (a few hundred bytes each) was copied over and over.
        let mut profiles: Vec<Profile> = Vec::with_capacity(names.len());
        let (mut me, mut src) = (Lookup::NONE, Read::NONE);
        let creds = &self.credentials;
        for Candidate { name, by_suffix } in names {
            self.lookup_into(name, &mut me);
            let known = |i: usize| match by_suffix[i] {
                NO_SECTION => Sections::none(creds),
                section => creds.sections_named_as(section),
            };
            if let Some(source) = self.source_with(&me, &mut src, known) {
                profiles.push(self.profile_from(Cow::Borrowed(name), &me, source, &src, now));
            }
        }
        // A profile that is another one's source is no session profile (rare: `a-mfa` that
        // has an `a-mfa-mfa`). A source by suffix is found by its base name among the sorted
        // profiles, so only sources by another name (`awsmfa_source_profile`, rare) go into
        // a set.
        let named: NameSet<&str> = profiles
            .iter()
            .filter(|p| {
                !p.source_profile
                    .strip_prefix(p.name.as_ref())
                    .is_some_and(|suffix| SOURCE_SUFFIXES.contains(&suffix))
            })
            .map(|p| p.source_profile.as_ref())
            .collect();
        let is_source = |p: &Profile| {
            let by_suffix = source_base(&p.name).is_some_and(|base| {
                profiles
                    .binary_search_by(|q| q.name.as_ref().cmp(base))
                    .is_ok_and(|i| profiles[i].source_profile == p.name)
            });
            by_suffix || (!named.is_empty() && named.contains(p.name.as_ref()))
        };
        let keep: Vec<bool> = profiles.iter().map(|p| !is_source(p)).collect();
        drop(named);
        let mut keep = keep.into_iter();
        profiles.retain(|_| keep.next().unwrap_or(true));
        debug_assert!(profiles.is_sorted_by(|a, b| a.name < b.name));
        (profiles, roles)
    }

    /// The session profile `name`, if it is MFA-managed (has a source profile), or the role
    /// profile `name` riding on one.
    pub fn profile(&self, name: &str, now: Timestamp) -> Option<Profile<'_>> {
        let me = self.lookup(name);
        let mut src = Read::NONE;
        match self.source_with(&me, &mut src, self.suffixed(name)) {
            Some(source) => {
                let name = Cow::Owned(name.to_string());
                Some(self.profile_from(name, &me, source, &src, now))
            }
            None => self.role_profile(name, now),
        }
    }

    /// Every session profile, each followed by the role profiles that ride on it (by name).
    pub fn listed_profiles(&self, now: Timestamp) -> Vec<Profile<'_>> {
        // Sorted by name, so a name is found by bisection.
        let (sessions, roles) = self.sessions_and_roles(now);
        let session = |name: &str| {
            sessions
                .binary_search_by(|s| s.name.as_ref().cmp(name))
                .ok()
                .map(|i| &sessions[i])
        };
        let mut roles: Vec<Profile<'_>> = roles
            .into_iter()
            .filter(|name| session(name).is_none())
            .filter_map(|name| self.role_on(Cow::Borrowed(name), |base| session(base).cloned()))
            .collect();
        if roles.is_empty() {
            return sessions;
        }
        roles.sort_by(|a, b| a.name.cmp(&b.name));
        let mut listed = Vec::with_capacity(sessions.len() + roles.len());
        for session in sessions {
            let riding: Vec<Profile<'_>> = roles
                .iter()
                .filter(|r| r.via.as_deref() == Some(session.name.as_ref()))
                .cloned()
                .collect();
            listed.push(session);
            listed.extend(riding);
        }
        listed
    }

    /// The role profile `name`: `role_arn` and `source_profile = BASE` in its config
    /// section, BASE a session profile, and no long-term keys of its own.
    fn role_profile(&self, name: &str, now: Timestamp) -> Option<Profile<'_>> {
        self.role_on(Cow::Owned(name.to_string()), |base| {
            let me = self.lookup(base);
            let mut src = Read::NONE;
            let source = self.source_with(&me, &mut src, self.suffixed(base))?;
            Some(self.profile_from(Cow::Borrowed(base), &me, source, &src, now))
        })
    }

    /// `name` as a role profile on the session profile `session_of(BASE)` gives.
    fn role_on<'s>(
        &'s self,
        name: Cow<'s, str>,
        session_of: impl FnOnce(&'s str) -> Option<Profile<'s>>,
    ) -> Option<Profile<'s>> {
        let role_arn = self.config_value(&name, "role_arn")?;
        let base_name = self.config_value(&name, "source_profile")?;
        if base_name == name {
            return None;
        }
        let base = session_of(base_name)?;
        let own = |key: &str| self.config_value(&name, key).map(Cow::Borrowed);
        Some(Profile {
            via: Some(base.name.clone()),
            source_profile: base.name.clone(),
            // Its own only: the AWS CLI does not take the region from source_profile.
            region: own("region"),
            // Its own only: with one, the AWS CLI asks for a code itself (see `status`).
            mfa_serial: own("mfa_serial"),
            role_arn: Some(Cow::Borrowed(role_arn)),
            duration: None,
            duration_seconds: own("duration_seconds"),
            name,
            ..base
        })
    }

    /// The session profile `name`, whose settings are `me`, on `source` (its name and its
    /// settings in the credentials file).
    fn profile_from<'s>(
        &'s self,
        name: Cow<'s, str>,
        me: &Lookup<'s>,
        source: &'s str,
        src: &Read<'s>,
        now: Timestamp,
    ) -> Profile<'s> {
        let own = |key| me.credentials.get(key);
        // The session's expiry: the earliest of those recorded, since another tool refreshing
        // the keys (aws-mfa adds `expiration`) may leave an older, later one behind; never
        // more time than the shortest record.
        let expires_at = [
            Key::Expires,
            Key::CredentialExpiration,
            Key::Expiration,
            Key::AwsExpiration,
            Key::SessionExpiration,
        ]
        .into_iter()
        .filter_map(|key| own(key).and_then(expiry::parse))
        .min();
        let has_keys = own(Key::SessionToken).is_some() || own(Key::AccessKeyId).is_some();
        let (status, seconds_left) = expiry::status(expires_at.filter(|_| has_keys), now);
        // The source's settings: its credentials section (aws-mfa's device only there), else
        // its config section.
        // Read only where the source has a config section (`[profile NAME-mfa]` is rare): an
        // empty read for each profile cost `list` 0.12 M instructions at 1,000 profiles.
        let (own, defaults) = self.config_sections(source);
        let src_config = own.exist().then(|| {
            let mut read = Read::NONE;
            read.fill(own, defaults);
            read
        });
        let either = |key| {
            me.setting(key)
                .or_else(|| src.get(key))
                .or_else(|| src_config.as_ref().and_then(|read| read.get(key)))
                .map(Cow::Borrowed)
        };
        Profile {
            name,
            via: None,
            region: either(Key::Region),
            mfa_serial: either(Key::MfaSerial)
                .or_else(|| src.get(Key::MfaDevice).map(Cow::Borrowed)),
            role_arn: me.text(Key::AwsmfaRoleArn).or(me.text(Key::RoleArn)),
            duration: me.text(Key::Duration),
            duration_seconds: me.text(Key::DurationSeconds),
            mfa_process: either(Key::MfaProcess),
            ykman_account: me.text(Key::YkmanAccount),
            op_item: me.text(Key::OpItem),
            op_vault: me.text(Key::OpVault),
            op_account: me.text(Key::OpAccount),
            source_profile_has_keys: src.has_long_term_keys(),
            source_profile: Cow::Borrowed(source),
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
            .chain(
                self.config_profiles
                    .iter(&self.config)
                    .map(|(name, _)| name.to_string()),
            )
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
    ) -> Result<Profile<'_>> {
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
    pub fn require(&self, env: &Env, name: &str, now: Timestamp) -> Result<Profile<'_>> {
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
            .map(|p| p.name.into_owned())
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
        let read = self.credentials_read(name);
        read.has_long_term_keys()
            && read.get(Key::SessionToken).is_none()
            && !read
                .get(Key::AccessKeyId)
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
            let name = profile.name.as_ref();
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
                profile: profile.name.to_string(),
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
        // The few after the last found first: sections are mostly in order of name, with
        // the names that have no section of their own in between (bisecting whenever the
        // next one was not it cost `list` 0.12 M instructions more at 1,000 profiles).
        let mut next = 0;
        let mut is_managed = |name: &str| {
            let mut ahead = managed.get(next..).unwrap_or_default().iter().take(3);
            if let Some(skip) = ahead.position(|p| p.name == name) {
                next += skip + 1;
                return true;
            }
            match managed.binary_search_by(|p| p.name.as_ref().cmp(name)) {
                Ok(i) => {
                    next = i + 1;
                    true
                }
                Err(_) => false,
            }
        };
        let has_suffix = |name: &str| source_base(name).is_some();
        // Sources by another name (`awsmfa_source_profile`); those by suffix go by their name.
        let named_sources: Vec<&str> = managed
            .iter()
            .map(|p| p.source_profile.as_ref())
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

/// The profile `header` names when it is `profile NAME` with NAME a plain word (nothing a
/// shell splits words at or unquotes), as nearly every header is: one look at each byte of
/// NAME. The general way below looks at the header four times (0.24 M instructions of
/// `list` at 1,000 profiles, callgrind).
fn plain_profile_name(header: &str) -> Option<&str> {
    let name = header.strip_prefix("profile ")?;
    let plain = !name.is_empty()
        && !name
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\'' | b'"' | b'\\'));
    plain.then_some(name)
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
/// `default`; anything else (`sso-session`, `services`, `[foo]`) is no profile. Part of the
/// header unless it is quoted.
fn profile_name_of_config_section(section: &str) -> Option<Cow<'_, str>> {
    if let Some(name) = plain_profile_name(section) {
        return Some(Cow::Borrowed(name));
    }
    if section.starts_with("profile") {
        let bytes = section.as_bytes();
        if !bytes.iter().any(|b| matches!(b, b'\'' | b'"' | b'\\')) {
            // Nothing quoted (nearly every file): the words are what lies between blanks, as
            // shell_split finds them. Found byte by byte (the blanks are ASCII), without a
            // list of words for each of hundreds of headers.
            let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
            let first_end = bytes.iter().position(blank)?;
            let start = first_end + bytes[first_end..].iter().position(|b| !blank(b))?;
            let end = bytes[start..]
                .iter()
                .position(blank)
                .map_or(bytes.len(), |i| start + i);
            return bytes[end..]
                .iter()
                .all(blank)
                .then(|| Cow::Borrowed(&section[start..end]));
        }
        return match crate::quote::shell_split(section)?.as_slice() {
            [_, name] => Some(Cow::Owned(name.clone())),
            _ => None,
        };
    }
    (section == "default").then_some(Cow::Borrowed(section))
}

/// The profiles of a config file by name, each the index of the section the AWS CLI reads it
/// from (the last of that name). A name is kept as the place in its section's header where it
/// is (`work` in `profile work`), copied only when quoted: `list` builds this table for
/// hundreds of profiles per keystroke, and a string per name cost it more than the lookups.
#[derive(Debug, Clone, Default)]
struct ConfigProfiles {
    table: HashTable<ConfigProfile>,
}

#[derive(Debug, Clone)]
struct ConfigProfile {
    section: usize,
    name: ProfileName,
}

/// Where a profile's name is.
#[derive(Debug, Clone)]
enum ProfileName {
    /// These bytes of the config file's text (in its section's header): one slice of the
    /// text to compare, where a range of the header was a slice of a slice (with the
    /// comparison's `memcmp` call, 0.06 M instructions of `list` at 1,000 profiles).
    InText(Range<usize>),
    /// Unquoted from its header.
    Unquoted(Box<str>),
}

fn profile_name_hash(name: &str) -> u64 {
    crate::ini::hash_name(name)
}

impl ConfigProfile {
    fn name<'a>(&'a self, config: &'a Document) -> &'a str {
        match &self.name {
            ProfileName::InText(range) => &config.text()[range.clone()],
            ProfileName::Unquoted(name) => name,
        }
    }
}

impl ConfigProfiles {
    fn of(config: &Document) -> Self {
        let mut table: HashTable<ConfigProfile> = HashTable::with_capacity(config.sections().len());
        for (i, section) in config.sections().enumerate() {
            let header = section.name;
            let Some(found) = profile_name_of_config_section(header) else {
                continue;
            };
            let hash = profile_name_hash(&found);
            let same = table.find_mut(hash, |p| {
                same_bytes(p.name(config).as_bytes(), found.as_bytes())
            });
            let profile = ConfigProfile {
                section: i,
                name: match &found {
                    Cow::Borrowed(name) => {
                        let start = name.as_ptr() as usize - config.text().as_ptr() as usize;
                        ProfileName::InText(start..start + name.len())
                    }
                    Cow::Owned(name) => ProfileName::Unquoted(name.as_str().into()),
                },
            };
            match same {
                // A later section of the same profile replaces the earlier one.
                Some(earlier) => *earlier = profile,
                None => {
                    table.insert_unique(hash, profile, |p| profile_name_hash(p.name(config)));
                }
            }
        }
        ConfigProfiles { table }
    }

    /// The section profile `name` is read from.
    fn get(&self, config: &Document, name: &str) -> Option<usize> {
        self.table
            .find(profile_name_hash(name), |p| {
                same_bytes(p.name(config).as_bytes(), name.as_bytes())
            })
            .map(|p| p.section)
    }

    /// Every profile's name and section, in no particular order.
    fn iter<'a>(&'a self, config: &'a Document) -> impl Iterator<Item = (&'a str, usize)> + 'a {
        self.table.iter().map(move |p| (p.name(config), p.section))
    }
}

/// A session profile and what awsmfa knows about it without asking anything but the files.
/// Its text is borrowed from the files where it can be (`'a`, [`AwsFiles`]'s lifetime):
/// `list` builds hundreds per keystroke, and five strings of each cost it 1 M instructions
/// at 1,000 profiles, most of them in `malloc` (callgrind). [`Profile::into_owned`] gives one
/// that outlives the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile<'a> {
    /// The session profile's name.
    pub name: Cow<'a, str>,
    /// For a role profile (`role_arn` and `source_profile = BASE` in its config section,
    /// BASE a session profile): BASE, whose session it rides on. Its status, expiry and code
    /// source are BASE's; logging in to it logs in to BASE.
    pub via: Option<Cow<'a, str>>,
    /// The profile holding the long-term keys (for a role profile: BASE, as the AWS CLI's
    /// `source_profile`).
    pub source_profile: Cow<'a, str>,
    /// Whether the source profile has both long-term keys.
    pub source_profile_has_keys: bool,
    /// `region`.
    pub region: Option<Cow<'a, str>>,
    /// `mfa_serial` (or aws-mfa's `aws_mfa_device` in the source section).
    pub mfa_serial: Option<Cow<'a, str>>,
    /// `awsmfa_role_arn` or `role_arn`: assume this role instead of GetSessionToken.
    pub role_arn: Option<Cow<'a, str>>,
    /// `awsmfa_duration`.
    pub duration: Option<Cow<'a, str>>,
    /// `duration_seconds` (the AWS CLI's key for role sessions).
    pub duration_seconds: Option<Cow<'a, str>>,
    /// `mfa_process`: a command that prints the code (aws-vault's key).
    pub mfa_process: Option<Cow<'a, str>>,
    /// `awsmfa_ykman_account`: the OATH account on a YubiKey that gives the code (`ykman`).
    pub ykman_account: Option<Cow<'a, str>>,
    /// `awsmfa_op_item`: the 1Password item with the one-time password.
    pub op_item: Option<Cow<'a, str>>,
    /// `awsmfa_op_vault`.
    pub op_vault: Option<Cow<'a, str>>,
    /// `awsmfa_op_account`.
    pub op_account: Option<Cow<'a, str>>,
    /// The recorded expiry of the session keys.
    pub expires_at: Option<Timestamp>,
    /// Status at `now`.
    pub status: Status,
    /// Seconds left at `now` (negative once expired).
    pub seconds_left: Option<i64>,
}

impl Profile<'_> {
    /// The same profile with text of its own.
    pub fn into_owned(self) -> Profile<'static> {
        let own = |text: Option<Cow<'_, str>>| text.map(|t| Cow::Owned(t.into_owned()));
        Profile {
            name: Cow::Owned(self.name.into_owned()),
            via: own(self.via),
            source_profile: Cow::Owned(self.source_profile.into_owned()),
            source_profile_has_keys: self.source_profile_has_keys,
            region: own(self.region),
            mfa_serial: own(self.mfa_serial),
            role_arn: own(self.role_arn),
            duration: own(self.duration),
            duration_seconds: own(self.duration_seconds),
            mfa_process: own(self.mfa_process),
            ykman_account: own(self.ykman_account),
            op_item: own(self.op_item),
            op_vault: own(self.op_vault),
            op_account: own(self.op_account),
            expires_at: self.expires_at,
            status: self.status,
            seconds_left: self.seconds_left,
        }
    }

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
            .map(|p| p.name.into_owned())
            .collect()
    }

    #[test]
    fn config_headers_split_into_words_as_shell_split_splits_them() {
        for header in [
            "profile work",
            "profile  work ",
            "profile\twork\r",
            "profile",
            "profile ",
            "profile a b",
            "profilework",
            "profiled work",
            " profile work",
            "profile w\u{e9}rk",
            "profile \u{a0}work",
            "profile 'ops team'",
            "profile \"a\\\"b\"",
            "profile a'b",
            "profile a\\b",
            "profile a\"",
            "profile -",
            "default",
            "defaults",
        ] {
            let expected = if header.starts_with("profile") {
                match crate::quote::shell_split(header).as_deref() {
                    Some([_, name]) => Some(name.clone()),
                    _ => None,
                }
            } else {
                (header == "default").then(|| "default".to_string())
            };
            assert_eq!(
                profile_name_of_config_section(header).map(Cow::into_owned),
                expected,
                "{header:?}"
            );
            // The plain form names what the words name, or is not taken for one.
            if let Some(plain) = plain_profile_name(header) {
                assert_eq!(Some(plain.to_string()), expected, "{header:?}");
            }
        }
    }

    #[test]
    fn the_last_section_that_names_a_profile_is_the_profile_however_written() {
        let config = Document::parse(
            "[profile a]\nregion = 1\n[profile\ta]\nregion = 2\n\
             [profile b]\nregion = 3\n[profile 'b']\nregion = 4\n[profile b]\nregion = 5\n\
             [default]\nregion = 6\n[profile default]\nregion = 7\n\
             [profile 'ops team']\nregion = 8\n[profile ops team]\nregion = 9\n\
             [profile c]\nregion = 10\n[profile c]\nmfa_serial = x\n[sso-session c]\n",
        )
        .unwrap();
        let profiles = ConfigProfiles::of(&config);
        let region = |i: usize| config.sections_through(i).get("region");
        let mut found: Vec<(&str, Option<&str>)> = profiles
            .iter(&config)
            .map(|(name, i)| (name, region(i)))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("a", Some("2")),
                ("b", Some("5")),
                ("c", Some("10")),
                ("default", Some("7")),
                ("ops team", Some("8")),
            ]
        );
        for (name, region) in found {
            let i = profiles.get(&config, name).unwrap();
            assert_eq!(config.sections_through(i).get("region"), region, "{name}");
        }
        assert_eq!(profiles.get(&config, "ops"), None);
        assert_eq!(profiles.get(&config, "team"), None);
        assert_eq!(profiles.get(&config, "sso-session c"), None);
        assert_eq!(profiles.get(&config, ""), None);
    }

    #[test]
    fn keys_are_found_as_the_aws_cli_matches_them() {
        for key in Key::ALL {
            let name = KEY_NAMES[key as usize];
            assert_eq!(Key::of(name), Some(key), "{name}");
            assert_eq!(Key::of(&name.to_ascii_uppercase()), Some(key), "{name}");
            let mixed: String = name
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            assert_eq!(Key::of(&mixed), Some(key), "{mixed}");
            // Upper case only where the table looks (the middle byte, the last one).
            for at in [name.len() / 2, name.len() - 1] {
                let mut one = name.to_string();
                one.replace_range(at..=at, &name[at..=at].to_ascii_uppercase());
                assert_eq!(Key::of(&one), Some(key), "{one}");
            }
            assert_eq!(Key::of(&name[1..]), None, "{name}");
            assert_eq!(Key::of(&format!("{name}x")), None, "{name}");
        }
        // As eq_ignore_ascii_case: only ASCII letters fold; nothing else is a key.
        for other in [
            "",
            "regioN ",
            "r\u{e9}gion",
            "REGİON",
            "aws_access_key_id_",
            &"x".repeat(40),
        ] {
            let expected = KEY_NAMES
                .iter()
                .position(|k| k.eq_ignore_ascii_case(other))
                .map(|i| Key::ALL[i]);
            assert_eq!(Key::of(other), expected, "{other:?}");
        }
    }

    #[test]
    fn sources_found_by_walking_the_file_are_those_found_by_name() {
        // Duplicate sections (the last one's keys win, merged with the earlier ones'), an
        // `-mfa` without keys before a `-long-term` with them, and `[DEFAULT]`'s keys, which
        // count only where the section exists.
        let f = files(
            "",
            "[DEFAULT]\naws_secret_access_key = d\n\
             [dup-mfa]\nregion = x\n[other]\nk = v\n[dup-mfa]\naws_access_key_id = AKIA1\n\
             [both-long-term]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n\
             [both-mfa]\nregion = z\n\
             [both-mfa]\nregion = y\n\
             [defaults-mfa]\naws_access_key_id = AKIA4\n",
        );
        let now = NOW.parse().unwrap();
        let listed: Vec<(String, String)> = f
            .session_profiles(now)
            .iter()
            .map(|p| (p.name.to_string(), p.source_profile.to_string()))
            .collect();
        let by_name: Vec<(String, String)> = ["both", "defaults", "dup"]
            .iter()
            .filter_map(|name| f.profile(name, now))
            .map(|p| (p.name.to_string(), p.source_profile.to_string()))
            .collect();
        assert_eq!(listed, by_name);
        assert_eq!(
            listed,
            [
                ("both".to_string(), "both-long-term".to_string()),
                ("defaults".to_string(), "defaults-mfa".to_string()),
                ("dup".to_string(), "dup-mfa".to_string()),
            ]
        );
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
    fn same_bytes_is_equality() {
        let texts = [
            "",
            "a",
            "region",
            "regioN",
            "mfa_serial",
            "aws_access_key_id",
        ];
        let mut cases: Vec<Vec<u8>> = texts.iter().map(|t| t.as_bytes().to_vec()).collect();
        // Every length up to 40, with one byte changed at every place.
        for len in 0..40 {
            let plain: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            for at in 0..len {
                let mut changed = plain.clone();
                changed[at] ^= 1;
                cases.push(changed);
            }
            cases.push(plain);
        }
        for a in &cases {
            for b in &cases {
                assert_eq!(same_bytes(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_profile_that_is_another_ones_source_is_no_session_profile() {
        let keys = "aws_access_key_id = AKIA1\naws_secret_access_key = s\n";
        // `a-mfa` has a source of its own (`a-mfa-mfa`) but is `a`'s source; `shared-mfa`
        // is `team`'s source by `awsmfa_source_profile`, though it ends like a suffix;
        // `ops-mfa` is `ops`'s source by name (`awsmfa_source_profile = ops-mfa`).
        let f = files(
            "[profile team]\nawsmfa_source_profile = shared-mfa\n\
             [profile ops]\nawsmfa_source_profile = ops-mfa\n",
            &format!(
                "[a-mfa]\n{keys}[a-mfa-mfa]\n{keys}[shared-mfa]\n{keys}[shared-mfa-mfa]\n{keys}\
                 [ops-mfa]\n{keys}[ops-mfa-long-term]\n{keys}[b-mfa]\n{keys}"
            ),
        );
        assert_eq!(names(&f), ["a", "b", "ops", "shared", "team"]);
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
            .map(|p| p.name.into_owned())
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
