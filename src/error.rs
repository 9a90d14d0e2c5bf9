//! The one error type every command returns: a stable `kind` for the launchers, a one-line
//! message that says what happened and what to do, and the process exit code.

use std::fmt;

/// Exit codes, documented in the README ("Exit codes").
pub mod exit {
    /// Unexpected failure or an I/O error.
    pub const FAILURE: i32 = 1;
    /// Bad command-line usage (clap's own code).
    pub const USAGE: i32 = 2;
    /// A profile or configuration problem the person can fix in `~/.aws`.
    pub const CONFIG: i32 = 3;
    /// The one-time code could not be had (1Password, `mfa_process`, a malformed code).
    pub const CODE: i32 = 4;
    /// AWS answered and refused.
    pub const AWS: i32 = 5;
    /// AWS could not be reached in time.
    pub const NETWORK: i32 = 6;
    /// The OS keychain could not be used.
    pub const KEYCHAIN: i32 = 7;
}

/// A failure as the person sees it.
///
/// `message` never contains a secret: no key, no session token, no one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: &'static str,
    message: String,
    exit_code: i32,
    retryable: bool,
}

impl Error {
    /// A new error of a stable `kind` (see the README's list) with its message and exit code.
    pub fn new(kind: &'static str, exit_code: i32, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            exit_code,
            retryable: false,
        }
    }

    /// Marks the error as one where trying again may succeed (a locked 1Password, throttling).
    pub fn retryable(mut self) -> Self {
        self.retryable = true;
        self
    }

    /// A problem with `~/.aws/config` or `~/.aws/credentials`, or a profile.
    pub fn config(kind: &'static str, message: impl Into<String>) -> Self {
        Error::new(kind, exit::CONFIG, message)
    }

    /// A file could not be read or written.
    pub fn io(what: impl fmt::Display, err: &std::io::Error) -> Self {
        Error::new("io", exit::FAILURE, format!("{what}: {}", describe_io(err)))
    }

    /// Names the profile in advice written for any profile (`awsmfa setup PROFILE …`).
    pub fn for_profile(mut self, profile: &str) -> Self {
        if self.message.contains("PROFILE") {
            self.message = self
                .message
                .replace("PROFILE", &crate::launcher::shell_word(profile));
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

    /// The stable kind, e.g. `op_locked`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The one line shown to the person.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }

    /// Whether trying again unchanged may succeed.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// `errno` for "Too many levels of symbolic links".
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const ELOOP: i32 = 62;
/// `errno` for "Too many levels of symbolic links".
#[cfg(not(any(target_os = "macos", target_os = "ios", target_os = "freebsd")))]
const ELOOP: i32 = 40;

/// `std::io::Error`'s text without the "(os error 13)" suffix, with advice for common cases.
fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::PermissionDenied => {
            "permission denied: check the file's owner and mode (ls -l)".into()
        }
        ErrorKind::NotFound => "not found".into(),
        ErrorKind::StorageFull => "the disk is full: free some space and try again".into(),
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        ErrorKind::IsADirectory => "is a folder, not a file: move it away".into(),
        ErrorKind::NotADirectory => "a part of the path is a file, not a folder".into(),
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

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
