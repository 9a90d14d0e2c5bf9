//! The one error type every command returns: a typed [`ErrorKind`] (whose wire name, exit
//! code and retryability are methods) and a one-line message that says what happened and
//! what to do.
//!
//! The kinds are declared once, in the table below. `error-kinds.json` at the top of the
//! repository is generated from it ([`catalogue_json`], checked by the test suite), and the
//! README's table, the Raycast extension's titles and the Alfred workflow's retry rule are
//! checked against that file.

use std::fmt;

/// Exit codes, documented in the README ("Exit codes and error kinds").
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Unexpected failure or an I/O error.
    pub const FAILURE: i32 = 1;
    /// Bad command-line usage (clap's own code).
    pub const USAGE: i32 = 2;
    /// A profile or configuration problem the person can fix in `~/.aws`.
    pub const CONFIG: i32 = 3;
    /// The one-time code could not be had (1Password, `mfa_process`, a YubiKey, a malformed
    /// code).
    pub const CODE: i32 = 4;
    /// AWS answered and refused.
    pub const AWS: i32 = 5;
    /// AWS could not be reached in time.
    pub const NETWORK: i32 = 6;
    /// The OS keychain could not be used.
    pub const KEYCHAIN: i32 = 7;
    /// `exec`: the command was found but cannot be run (the shell's code for it).
    pub const NOT_RUNNABLE: i32 = 126;
    /// `exec`: no such command (the shell's code for it).
    pub const NOT_FOUND: i32 = 127;

    /// Every exit code and what it means, for the catalogue.
    pub const ALL: [(i32, &str); 10] = [
        (OK, "ok"),
        (
            FAILURE,
            "unexpected failure, a file that cannot be read or written, reminders, doctor",
        ),
        (USAGE, "usage: an unknown or malformed option"),
        (
            CONFIG,
            "a profile or configuration problem to fix in ~/.aws",
        ),
        (CODE, "the one-time code could not be had"),
        (AWS, "AWS answered and refused"),
        (NETWORK, "AWS could not be reached in time"),
        (KEYCHAIN, "the OS keychain could not be used"),
        (NOT_RUNNABLE, "exec: the command cannot be run"),
        (NOT_FOUND, "exec: no such command"),
    ];
}

/// Declares [`ErrorKind`] and its table: variant, wire name, exit code, retryable, meaning.
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $exit:ident, $retry:literal, $meaning:literal;)+) => {
        /// What kind of failure an [`Error`] is. Its wire name is what `--format json` and
        /// the launchers see; it never changes for a kind that exists.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorKind {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorKind {
            /// Every kind, in the catalogue's order.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$variant,)+];

            /// The stable wire name, e.g. `op_locked`.
            pub fn name(self) -> &'static str {
                match self { $(ErrorKind::$variant => $name,)+ }
            }

            /// The process exit code.
            pub fn exit_code(self) -> i32 {
                match self { $(ErrorKind::$variant => exit::$exit,)+ }
            }

            /// Whether trying again unchanged (after the wait or unlock the message asks
            /// for) may succeed: the front ends offer a retry for these.
            pub fn is_retryable(self) -> bool {
                match self { $(ErrorKind::$variant => $retry,)+ }
            }

            /// What the kind means, for the catalogue and the README.
            pub fn meaning(self) -> &'static str {
                match self { $(ErrorKind::$variant => $meaning,)+ }
            }
        }
    };
}

kinds! {
    /// A file or folder could not be read or written.
    Io = "io", FAILURE, false, "a file or folder could not be read or written";
    /// Another program changed the file while awsmfa was writing it.
    FileChanged = "file_changed", FAILURE, true,
        "another program changed the file while awsmfa was writing it; its version was kept";
    /// Something that should not happen (an answer AWS never gives, no runtime).
    Internal = "internal", FAILURE, false, "something unexpected, such as an answer AWS never gives";
    /// A reminder could not be posted.
    NotifyFailed = "notify_failed", FAILURE, false, "a reminder could not be posted";
    /// launchctl or systemctl refused to schedule the reminders.
    RemindersSchedule = "reminders_schedule", FAILURE, false,
        "launchctl or systemctl refused to schedule the reminders";
    /// There is no desktop session to show reminders in.
    RemindersUnavailable = "reminders_unavailable", FAILURE, false,
        "reminders cannot be shown here: no desktop session";
    /// `awsmfa doctor` found a check that fails.
    DoctorFailed = "doctor_failed", FAILURE, false,
        "awsmfa doctor found a problem: each failed check says how to fix it";
    /// Another awsmfa has been refreshing the session for too long.
    RefreshBusy = "refresh_busy", FAILURE, true,
        "another awsmfa is still refreshing the session";
    /// An option is missing, malformed, or needs another one.
    InvalidOption = "invalid_option", USAGE, false, "an option is missing, malformed or needs another";
    /// No such profile.
    ProfileNotFound = "profile_not_found", CONFIG, false, "no profile of that name";
    /// The profile has no source profile with long-term keys.
    NotMfaProfile = "not_mfa_profile", CONFIG, false,
        "the profile has no source profile with long-term keys";
    /// An AWS file cannot be read as the AWS CLI reads it, or HOME is not set.
    ConfigInvalid = "config_invalid", CONFIG, false,
        "an AWS file has a line the AWS CLI cannot read either, or a section awsmfa must not touch";
    /// An endpoint URL setting is not an http(s) URL, or plain http to another host.
    InvalidEndpoint = "invalid_endpoint", CONFIG, false,
        "an endpoint setting is not an https URL (plain http only to this computer)";
    /// A session length that is not one, or out of AWS's range.
    InvalidDuration = "invalid_duration", CONFIG, false, "a session length AWS does not allow";
    /// A reminder lead time that is not one.
    InvalidRemind = "invalid_remind", CONFIG, false, "a reminder lead time that is not a length of time";
    /// No MFA serial is known for the profile.
    NoSerial = "no_serial", CONFIG, false, "no MFA device serial is known for the profile";
    /// The profile has no way to get a one-time code.
    NoCodeSource = "no_code_source", CONFIG, false, "the profile has no one-time code source";
    /// The source profile holds temporary keys.
    StsSessionCredentials = "sts_session_credentials", CONFIG, false,
        "the source profile holds temporary keys, not long-term ones";
    /// No 1Password CLI.
    OpNotInstalled = "op_not_installed", CODE, false, "the 1Password CLI (op) is not installed";
    /// The 1Password CLI has no usable account or cannot reach the app.
    OpNotSignedIn = "op_not_signed_in", CODE, false,
        "the 1Password CLI is not signed in or cannot reach the 1Password app";
    /// 1Password is locked and its prompt was dismissed.
    OpLocked = "op_locked", CODE, true, "1Password is locked";
    /// No such 1Password item (or vault).
    OpItemNotFound = "op_item_not_found", CODE, false, "no 1Password item (or vault) of that name";
    /// Several 1Password items of that name.
    OpItemAmbiguous = "op_item_ambiguous", CODE, false, "several 1Password items have that name";
    /// The 1Password item has no one-time password.
    OpNoOtp = "op_no_otp", CODE, false, "the 1Password item has no one-time password";
    /// 1Password did not answer in time.
    OpTimeout = "op_timeout", CODE, true, "1Password did not answer in time";
    /// The 1Password CLI failed otherwise.
    OpFailed = "op_failed", CODE, false, "the 1Password CLI failed in another way";
    /// No YubiKey Manager CLI.
    YkmanNotInstalled = "ykman_not_installed", CODE, false,
        "the YubiKey Manager CLI (ykman) is not installed";
    /// No YubiKey is plugged in, or several are and ykman cannot tell which to use.
    YubikeyNotInserted = "yubikey_not_inserted", CODE, true,
        "no YubiKey is plugged in, or more than one is";
    /// The YubiKey was not touched in time (or ykman did not finish).
    YubikeyTouchTimeout = "yubikey_touch_timeout", CODE, true,
        "the YubiKey was not touched in time";
    /// The YubiKey's OATH accounts have a password ykman does not remember.
    YubikeyPasswordRequired = "yubikey_password_required", CODE, false,
        "the YubiKey's OATH accounts have a password that ykman does not remember";
    /// No OATH account on the YubiKey matches the name.
    YkmanAccountNotFound = "ykman_account_not_found", CODE, false,
        "no OATH account on the YubiKey matches the name";
    /// Several OATH accounts on the YubiKey match the name.
    YkmanAccountAmbiguous = "ykman_account_ambiguous", CODE, false,
        "several OATH accounts on the YubiKey match the name";
    /// The YubiKey Manager CLI failed otherwise.
    YkmanFailed = "ykman_failed", CODE, false, "the YubiKey Manager CLI (ykman) failed in another way";
    /// `mfa_process` failed.
    CodeCommandFailed = "code_command_failed", CODE, false, "the profile's mfa_process failed";
    /// A one-time code that is not six digits.
    InvalidCode = "invalid_code", CODE, false, "a one-time code that is not 6 digits";
    /// AWS rejected the one-time code.
    StsInvalidCode = "sts_invalid_code", AWS, true, "AWS rejected the one-time code";
    /// AWS could not check the code against the serial.
    StsInvalidSerial = "sts_invalid_serial", AWS, false, "AWS rejected the MFA device serial";
    /// AWS does not accept the access key.
    StsInvalidKey = "sts_invalid_key", AWS, false, "AWS does not accept the source profile's access key";
    /// The source profile's keys have expired.
    StsExpiredKey = "sts_expired_key", AWS, false, "the source profile's keys have expired";
    /// AWS denied the request.
    StsAccessDenied = "sts_access_denied", AWS, false, "AWS denied or refused the request";
    /// AWS is throttling.
    StsThrottled = "sts_throttled", AWS, true, "AWS is throttling requests";
    /// IAM did not allow listing the MFA devices.
    IamAccessDenied = "iam_access_denied", AWS, false, "IAM did not list the MFA devices";
    /// AWS refused a request signed with this computer's time.
    ClockOff = "clock_off", AWS, false, "this computer's clock is too far off for AWS";
    /// AWS answered with a server error.
    AwsUnavailable = "aws_unavailable", AWS, true, "AWS answered with a server error";
    /// AWS cannot be reached.
    Network = "network", NETWORK, true, "AWS cannot be reached, or something else answered";
    /// AWS did not answer in time.
    Timeout = "timeout", NETWORK, true, "AWS did not answer in time";
    /// The OS keychain could not be used.
    Keychain = "keychain", KEYCHAIN, false, "the OS keychain could not be used";
    /// The OS keychain did not answer in time.
    KeychainTimeout = "keychain_timeout", KEYCHAIN, true, "the OS keychain did not answer in time";
    /// `exec`: the command exists but cannot be run.
    CommandNotRunnable = "command_not_runnable", NOT_RUNNABLE, false,
        "exec: the command exists but cannot be run";
    /// `exec`: there is no such command.
    CommandNotFound = "command_not_found", NOT_FOUND, false, "exec: there is no such command";
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failure as the person sees it.
///
/// `message` never contains a secret (no key, no session token, no one-time code) and is
/// always one line: control characters are shown escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// A new error of `kind` with its message: what happened, then what to do. The retry
    /// itself ("press ↩", "run the same command again") is the renderer's to word.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: one_line(message.into()),
        }
    }

    /// A file could not be read or written.
    pub fn io(what: impl fmt::Display, err: &std::io::Error) -> Self {
        Error::new(ErrorKind::Io, format!("{what}: {}", describe_io(err)))
    }

    /// Names the profile in advice written for any profile (`awsmfa setup PROFILE …`).
    pub fn for_profile(mut self, profile: &str) -> Self {
        if self.message.contains("PROFILE") {
            self.message = self
                .message
                .replace("PROFILE", &crate::quote::shell_word(profile));
        }
        self
    }

    /// Masks `secret` where it stands as a word of its own in the message, for text quoted
    /// from elsewhere (an STS error that quotes the one-time code back). Inside a longer
    /// word it is something else: `123456` in the account ID `123456789012` stays.
    pub fn masking(mut self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let in_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let message = &self.message;
        let mut masked = String::with_capacity(message.len());
        let mut copied = 0;
        for (at, _) in message.match_indices(secret) {
            let end = at + secret.len();
            if in_word(message[..at].chars().next_back()) || in_word(message[end..].chars().next())
            {
                continue;
            }
            masked.push_str(&message[copied..at]);
            masked.push_str(&"•".repeat(secret.chars().count()));
            copied = end;
        }
        masked.push_str(&message[copied..]);
        self.message = masked;
        self
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The one line shown to the person (without the front end's retry wording).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }

    /// Whether trying again unchanged may succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// `text` as one line: line breaks and other control characters escaped (`\n`), so that a
/// profile name or a quoted message can never start a second line.
fn one_line(text: String) -> String {
    if !text.contains(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `errno` for "Too many levels of symbolic links".
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const ELOOP: i32 = 62;
/// `errno` for "Too many levels of symbolic links".
#[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "freebsd")))]
const ELOOP: i32 = 40;

/// `std::io::Error`'s text without the "(os error 13)" suffix, with advice for common cases.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind as Io;
    match err.kind() {
        Io::PermissionDenied => "permission denied: check the file's owner and mode (ls -l)".into(),
        Io::NotFound => "not found".into(),
        Io::StorageFull => "the disk is full: free some space and try again".into(),
        Io::ReadOnlyFilesystem => "the file system is read-only".into(),
        Io::IsADirectory => "is a folder, not a file: move it away".into(),
        Io::NotADirectory => "a part of the path is a file, not a folder".into(),
        // `ErrorKind::FilesystemLoop` is not stable yet: ELOOP by number.
        _ if err.raw_os_error() == Some(ELOOP) => {
            "it is a loop of symbolic links: check where they point (ls -l)".into()
        }
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// The catalogue of exit codes and error kinds as JSON, the text of `error-kinds.json`.
pub fn catalogue_json() -> String {
    let exit_codes: Vec<serde_json::Value> = exit::ALL
        .iter()
        .map(|(code, meaning)| serde_json::json!({ "code": code, "meaning": meaning }))
        .collect();
    let kinds: Vec<serde_json::Value> = ErrorKind::ALL
        .iter()
        .map(|kind| {
            serde_json::json!({
                "kind": kind.name(),
                "exit": kind.exit_code(),
                "retryable": kind.is_retryable(),
                "meaning": kind.meaning(),
            })
        })
        .collect();
    let catalogue = serde_json::json!({
        "about": "Generated from ErrorKind in src/error.rs by the test suite \
                  (AWSMFA_BLESS=1 ./scripts/test rewrites it); do not edit by hand.",
        "exit_codes": exit_codes,
        "kinds": kinds,
    });
    serde_json::to_string_pretty(&catalogue).unwrap_or_default() + "\n"
}

/// The README's table of exit codes and kinds, generated from the same table.
pub fn catalogue_markdown() -> String {
    let mut out =
        String::from("| exit | meaning | kinds (retryable in bold) |\n| --- | --- | --- |\n");
    for (code, meaning) in exit::ALL {
        let kinds: Vec<String> = ErrorKind::ALL
            .iter()
            .filter(|k| k.exit_code() == code)
            .map(|k| {
                if k.is_retryable() {
                    format!("**`{}`**", k.name())
                } else {
                    format!("`{}`", k.name())
                }
            })
            .collect();
        let kinds = if code == exit::USAGE {
            std::iter::once("(clap)".to_string())
                .chain(kinds)
                .collect::<Vec<_>>()
        } else {
            kinds
        };
        out.push_str(&format!("| {code} | {meaning} | {} |\n", kinds.join(", ")));
    }
    out
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case_and_meanings_are_set() {
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        for name in &names {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name}"
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            ErrorKind::ALL.len(),
            "a wire name is used twice"
        );
        assert!(ErrorKind::ALL.iter().all(|k| !k.meaning().is_empty()));
        assert!(ErrorKind::ALL.iter().all(|k| k.exit_code() != exit::OK));
    }

    #[test]
    fn a_message_is_always_one_line() {
        let err = Error::new(ErrorKind::ProfileNotFound, "no profile called a\nb\r\tc");
        assert_eq!(err.message(), "no profile called a\\nb\\r\\tc");
    }

    #[test]
    fn masking_leaves_longer_words_alone() {
        let err = Error::new(ErrorKind::StsAccessDenied, "Value '123456' in 123456789012")
            .masking("123456");
        assert_eq!(err.message(), "Value '••••••' in 123456789012");
    }
}
