//! The command line, all in one place (clap derive): one struct of arguments per subcommand,
//! each run by its file in `commands/`, and `--format`, declared once for all of them.
//! `--help` texts here are the reference the README quotes.

use clap::{Args, Parser, Subcommand};
use clap_complete::ArgValueCandidates;

use crate::completion::{Shell, profile_candidates};

use crate::launcher::Format;

const AFTER_HELP: &str = "\
Exit codes: 0 ok · 1 unexpected or I/O error · 2 usage · 3 profile/config problem ·
4 one-time code (1Password, mfa_process, YubiKey, malformed code) · 5 AWS refused ·
6 network/timeout · 7 keychain · 126/127 exec: the command cannot run / does not exist (else
its own status).

Environment: AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM,
AWS_ENDPOINT_URL, AWSMFA_OP (path to op), AWSMFA_YKMAN (path to ykman),
AWSMFA_DURATION (default session length), AWSMFA_CACHE_DIR, AWSMFA_REMIND (reminder lead time),
AWSMFA_REMINDERS=off, AWSMFA_KEYCHAIN=off (mfa_serial only), AWSMFA_LOG=debug.";

/// Keep an MFA-protected AWS session alive: one-time code from 1Password, AWS STS, and
/// ~/.aws/credentials, from Alfred, Raycast or a terminal.
#[derive(Parser, Debug)]
#[command(name = "awsmfa", version, after_help = AFTER_HELP, arg_required_else_help = true)]
pub struct Cli {
    /// How every command prints.
    #[command(flatten)]
    pub output: Output,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// `awsmfa list [QUERY]`, without --with-typed-code.
fn list(query: Option<&str>) -> Command {
    Command::List(List {
        query: query.map(str::to_string),
        with_typed_code: false,
    })
}

impl Cli {
    /// The command line of this process, parsed.
    pub fn from_process() -> Self {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        Self::keystroke(&args).unwrap_or_else(Cli::parse)
    }

    /// The two command lines run most often, read without clap: Alfred's keystroke,
    /// `awsmfa list --format alfred [-- QUERY]` as `awsmfa-alfred-list` writes it, and
    /// `awsmfa credential-process PROFILE` as `setup --process-profile` writes it for every
    /// AWS tool. Building clap's tree of every command and option costs each of them as many
    /// instructions as listing ten profiles, and 0.7 MiB of `list`'s peak memory. Any other
    /// command line is `None`, for clap. (A unit test holds the two to the same result.)
    pub fn keystroke(args: &[std::ffi::OsString]) -> Option<Cli> {
        let words: Vec<&str> = args
            .get(1..)?
            .iter()
            .map(|arg| arg.to_str())
            .collect::<Option<_>>()?;
        let (format, command) = match words.as_slice() {
            ["list", "--format", "alfred"] => (Format::Alfred, list(None)),
            ["list", "--format", "alfred", "--", query] => (Format::Alfred, list(Some(query))),
            ["credential-process", profile] if !profile.starts_with('-') => (
                Format::Text,
                Command::CredentialProcess(CredentialProcess {
                    profile: (*profile).to_string(),
                    min_valid: MinValid { min_valid: None },
                }),
            ),
            _ => return None,
        };
        Some(Cli {
            output: Output { format },
            command,
        })
    }
}

/// The output options every command shares.
#[derive(Args, Debug, Clone, Copy)]
pub struct Output {
    /// Output format: text for people, json for scripts and Raycast, alfred for Alfred.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List MFA profiles and their session status (no network, no keychain, no 1Password).
    #[command(
        after_help = "Examples:\n  awsmfa list\n  awsmfa list stg --format json\n  awsmfa list stg --format alfred --with-typed-code"
    )]
    List(List),
    /// Get a new session for PROFILE: one-time code → AWS STS → ~/.aws/credentials.
    #[command(
        after_help = "Examples:\n  awsmfa login work\n  awsmfa login work --duration 8h\n  awsmfa login work --code 123456 --format json\n  printf '%s\\n' 123456 | awsmfa login work --code-stdin"
    )]
    Login(Login),
    /// Show one profile's session status and settings (files only).
    #[command(after_help = "Example:\n  awsmfa status work --format json")]
    Status(Status),
    /// Set PROFILE up: its MFA serial in the keychain, its 1Password item recorded; on a
    /// terminal it asks, proposing an answer that Enter accepts. Without PROFILE: what can be
    /// set up.
    #[command(
        after_help = "Examples:\n  awsmfa setup\n  awsmfa setup default\n  awsmfa setup default --move-keys --login\n  awsmfa setup work --serial arn:aws:iam::123456789012:mfa/me --op-item \"AWS (work)\"\n  awsmfa setup work --op-item abcdefghijklmnopqrstuvwxyz --op-vault Private\n  awsmfa setup work --list-op-items --format json\n  awsmfa setup work --process-profile work-auto\n\nWithout --serial: the keychain's, else mfa_serial from ~/.aws/config, else the devices\nIAM lists for the long-term keys (several: a choice on a terminal).\nWithout --op-item, on a terminal: the 1Password items with a one-time password\n(op item list, op item get), AWS, the account ID and PROFILE ranked first; the item's\nID is recorded. Off a terminal an answer setup needs comes from its flag, or setup\nsays which flag to pass."
    )]
    Setup(Setup),
    /// Remove PROFILE's session keys from ~/.aws/credentials (nothing else).
    #[command(after_help = "Example:\n  awsmfa logout work")]
    Logout(Logout),
    /// Turn expiry reminders on or off, or show how they are scheduled.
    #[command(
        after_help = "Examples:\n  awsmfa reminders status\n  awsmfa reminders off\n  awsmfa reminders status --format json\n\nAfter each login awsmfa posts a notification 10 min before the session expires\n(login --remind, awsmfa_remind in [profile NAME], AWSMFA_REMIND; 0: only at expiry),\nwith a Refresh button that logs in again, and one when it has. AWSMFA_REMINDERS=off|on overrides `reminders on|off`."
    )]
    Reminders(Reminders),
    /// Print PROFILE's session as AWS credential_process JSON, refreshing it when it is about
    /// to expire.
    #[command(
        name = "credential-process",
        after_help = "Example, in ~/.aws/config (awsmfa setup work --process-profile work-auto writes it):\n  [profile work-auto]\n  credential_process = /opt/homebrew/bin/awsmfa credential-process work\n\nServes the stored session of [work] in ~/.aws/credentials while it has more than\n--min-valid left (files only: no network, no keychain, no 1Password); otherwise logs in\nexactly as `awsmfa login work` does. One refresh at a time per profile: other callers\nwait for it. stdout carries only the JSON; progress and errors go to stderr."
    )]
    CredentialProcess(CredentialProcess),
    /// Run COMMAND with PROFILE's session in its environment, refreshing it first when it is
    /// about to expire.
    #[command(
        after_help = "Examples:\n  awsmfa exec work -- aws s3 ls\n  awsmfa exec work --min-valid 1h -- terraform apply\n\nSets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,\nAWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION (when the profile has a\nregion), removes AWS_PROFILE and AWS_DEFAULT_PROFILE, and runs COMMAND without a shell\nin awsmfa's place: its exit status is COMMAND's."
    )]
    Exec(Exec),
    /// Print PROFILE's session as shell export lines (or JSON), refreshing it when it is
    /// about to expire.
    #[command(
        after_help = "Examples:\n  eval \"$(awsmfa export work)\"\n  awsmfa export work --format json\n\nPrints the session's keys: keep the output out of logs and shared terminals."
    )]
    Export(Export),
    /// Check everything a login needs, one line per check with its fix; exit 0 only when
    /// none fails.
    #[command(
        after_help = "Examples:\n  awsmfa doctor\n  awsmfa doctor --format json\n\nChecks: the AWS files read as the AWS CLI reads them; op found (path, version);\n1Password answers (op vault list: a real read, as `op whoami` reports \"not signed in\"\nunder the app integration while reads work); the keychain answers; each MFA profile ready\n(long-term keys, MFA serial, one-time code source: a 1Password item is read, its code\nnever shown); reminders on, scheduled and able to post; and whether Alfred and Raycast\nrun this awsmfa. 1Password gets 30 s to answer (unlock it or answer Touch ID meanwhile).\nExit status 0 when no check fails (warnings are fine), else 1 (doctor_failed)."
    )]
    Doctor(Doctor),
    /// Post the expiry reminders that are due now, and exit (the scheduler runs this).
    #[command(
        after_help = "Examples:\n  awsmfa notify-due\n  awsmfa notify-due --test\n\nRun every minute by the launchd agent (macOS) or the systemd user timer (Linux)\nthat login installs; by hand it posts and shows what is due. Notification Center shows\nawsmfa's notifications as Terminal's: if --test shows nothing, allow notifications for\nTerminal in System Settings > Notifications."
    )]
    NotifyDue(NotifyDue),
    /// Posts one reminder with a Refresh button and waits for its click (started by
    /// notify-due, detached; not for people).
    #[command(name = "reminder-button", hide = true)]
    ReminderButton(ReminderButton),
    /// Print the shell completion script for bash, zsh or fish (PROFILE arguments complete
    /// to your profiles).
    #[command(
        after_help = "Examples:\n  awsmfa completions bash > ~/.local/share/bash-completion/completions/awsmfa\n  awsmfa completions zsh > \"${fpath[1]}/_awsmfa\"\n  awsmfa completions fish > ~/.config/fish/completions/awsmfa.fish\n\nHomebrew installs all three. The script asks awsmfa on PATH at each TAB\n(AWSMFA_COMPLETE=SHELL awsmfa -- WORDS): subcommands, options and the profile names\nawsmfa list shows (files only)."
    )]
    Completions(Completions),
    /// Print the manual page (roff), for man(1).
    #[command(
        after_help = "Examples:\n  awsmfa man | man -l -\n  awsmfa man > /usr/local/share/man/man1/awsmfa.1\n\nHomebrew installs it: man awsmfa."
    )]
    Man(Man),
}

/// `awsmfa list [QUERY]`.
#[derive(Args, Debug, Clone)]
pub struct List {
    /// Only profiles matching this (fuzzy: `stg` finds `staging`), best match first.
    pub query: Option<String>,
    /// For Alfred: the person typed a one-time code after the query, which the workflow keeps
    /// (it is never passed to awsmfa list). Each row's ↩ then logs in with that code, also
    /// for profiles without a code source, and carries an empty `awsmfa_code` variable for
    /// the workflow to fill in. Text and JSON output are the same as without it.
    #[arg(long)]
    pub with_typed_code: bool,
}

/// `awsmfa login PROFILE`.
#[derive(Args, Debug, Clone)]
pub struct Login {
    /// The session profile (its long-term keys live in PROFILE-mfa).
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// Session length: 8h, 90m, 1h30m or seconds (15m to 36h; roles 15m to 12h).
    /// Default: awsmfa_duration in the profile, AWSMFA_DURATION, else 12h (roles: 1h).
    #[arg(long)]
    pub duration: Option<String>,
    /// Use this one-time code instead of asking mfa_process, a YubiKey or 1Password.
    #[arg(long, value_name = "CODE", conflicts_with = "code_stdin")]
    pub code: Option<String>,
    /// Read the one-time code from stdin (one line), so that it appears in no argument list.
    #[arg(long)]
    pub code_stdin: bool,
    /// Remind this long before the new session expires (0: only at expiry).
    /// Default: awsmfa_remind in the profile, AWSMFA_REMIND, else 10m.
    #[arg(long, value_name = "LEAD")]
    pub remind: Option<String>,
}

/// How much of the stored session must be left for it to be served as it is.
#[derive(Args, Debug, Clone)]
pub struct MinValid {
    /// Serve the stored session only while it has more than this left (15m, 1h, 900);
    /// otherwise log in first. Default 15m, when botocore would ask again anyway.
    #[arg(long, value_name = "DURATION")]
    pub min_valid: Option<String>,
}

/// `awsmfa credential-process PROFILE`.
#[derive(Args, Debug, Clone)]
pub struct CredentialProcess {
    /// The session profile.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// How fresh the session must be.
    #[command(flatten)]
    pub min_valid: MinValid,
}

/// `awsmfa exec PROFILE -- COMMAND [ARG…]`.
#[derive(Args, Debug, Clone)]
pub struct Exec {
    /// The session profile.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// How fresh the session must be.
    #[command(flatten)]
    pub min_valid: MinValid,
    /// The command to run, and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

/// `awsmfa export PROFILE`.
#[derive(Args, Debug, Clone)]
pub struct Export {
    /// The session profile.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// How fresh the session must be.
    #[command(flatten)]
    pub min_valid: MinValid,
}

/// `awsmfa status PROFILE`.
#[derive(Args, Debug, Clone)]
pub struct Status {
    /// The session profile.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
}

/// `awsmfa setup [PROFILE]`.
#[derive(Args, Debug, Clone, Default)]
pub struct Setup {
    /// The session profile (without it: the profiles that can be set up, each with its
    /// command).
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: Option<String>,
    /// The MFA device ARN (IAM → Security credentials → MFA).
    #[arg(long, value_name = "ARN")]
    pub serial: Option<String>,
    /// The 1Password item (name or ID) holding the one-time password.
    #[arg(long, value_name = "ITEM")]
    pub op_item: Option<String>,
    /// The item's vault, when the name is not unique across vaults.
    #[arg(long, value_name = "VAULT")]
    pub op_vault: Option<String>,
    /// The 1Password account (sign-in address or ID), when you have several.
    #[arg(long, value_name = "ACCOUNT")]
    pub op_account: Option<String>,
    /// Also write [profile NAME] with `credential_process = awsmfa credential-process
    /// PROFILE` (and PROFILE's region): a profile every AWS tool refreshes by itself.
    #[arg(long, value_name = "NAME")]
    pub process_profile: Option<String>,
    /// Move the long-term keys that PROFILE's own section of ~/.aws/credentials holds to
    /// the section PROFILE-mfa (one edit, nothing else in the file changes), so that
    /// PROFILE's session can go where they were.
    #[arg(long)]
    pub move_keys: bool,
    /// PROFILE's session length, recorded as awsmfa_duration (8h, 90m, 1h30m; 15m to 36h).
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Log in once set up, and show the session's status.
    #[arg(long)]
    pub login: bool,
    /// Only print the MFA devices to choose from (the keychain's, mfa_serial, IAM's).
    #[arg(long, requires = "profile", conflicts_with = "list_op_items")]
    pub list_devices: bool,
    /// Only print the 1Password items with a one-time password to choose from, best first.
    #[arg(long, requires = "profile")]
    pub list_op_items: bool,
}

/// `awsmfa logout PROFILE`.
#[derive(Args, Debug, Clone)]
pub struct Logout {
    /// The session profile.
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
}

/// `awsmfa reminders on|off|status`.
#[derive(Args, Debug, Clone)]
pub struct Reminders {
    /// What to do.
    #[command(subcommand)]
    pub action: RemindersAction,
}

/// What `awsmfa reminders` does.
#[derive(Subcommand, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemindersAction {
    /// Turn reminders on and make sure they are scheduled.
    On,
    /// Turn reminders off and remove their schedule.
    Off,
    /// Show whether reminders are on, what schedules them, and what comes next.
    Status,
}

/// `awsmfa notify-due [--wait | --test]`.
#[derive(Args, Debug, Clone)]
pub struct NotifyDue {
    /// Keep running: check at least every 30 s until no reminder is left to post (the
    /// background waiter login starts where there is no launchd or systemd).
    #[arg(long)]
    pub wait: bool,
    /// Post one test notification now, whatever is due and whether reminders are on: shows
    /// whether reminders can reach you (on a Mac they come from Terminal, whose notifications
    /// must be allowed).
    #[arg(long, conflicts_with = "wait")]
    pub test: bool,
}

/// `awsmfa doctor`.
#[derive(Args, Debug, Clone)]
pub struct Doctor {}

/// `awsmfa reminder-button PROFILE`: the detached poster of a reminder with a Refresh button.
#[derive(Args, Debug, Clone)]
pub struct ReminderButton {
    /// The session profile the button logs in to again.
    pub profile: String,
    /// The session's expiry (RFC 3339): the button is offered until then.
    #[arg(long, value_name = "TIME")]
    pub expires_at: String,
    /// The notification's title.
    #[arg(long)]
    pub title: String,
    /// The notification's body.
    #[arg(long)]
    pub body: String,
    /// The notification it replaces on screen.
    #[arg(long, value_name = "ID")]
    pub replaces: Option<u32>,
}
/// `awsmfa completions bash|zsh|fish`.
#[derive(Args, Debug, Clone)]
pub struct Completions {
    /// The shell to print the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `awsmfa man`.
#[derive(Args, Debug, Clone)]
pub struct Man {}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<std::ffi::OsString> {
        std::iter::once("awsmfa")
            .chain(words.iter().copied())
            .map(Into::into)
            .collect()
    }

    #[test]
    fn the_keystroke_reads_as_clap_reads_it() {
        let keystrokes: [&[&str]; 8] = [
            &["list", "--format", "alfred"],
            &["list", "--format", "alfred", "--", "stg"],
            &["list", "--format", "alfred", "--", "--format"],
            &["list", "--format", "alfred", "--", ""],
            &["list", "--format", "alfred", "--", "ops team ↩"],
            &["credential-process", "work"],
            &["credential-process", "ops team"],
            &["credential-process", ""],
        ];
        for words in keystrokes {
            let fast = Cli::keystroke(&args(words)).expect("a keystroke");
            let clap = Cli::try_parse_from(args(words)).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{clap:?}"), "{words:?}");
        }
        // Everything else is clap's.
        let others: [&[&str]; 12] = [
            &["credential-process", "--min-valid", "1h", "work"],
            &["credential-process", "-h"],
            &["credential-process", "--help"],
            &["credential-process", "work", "--format", "json"],
            &["list"],
            &["list", "--format", "json"],
            &["list", "--format", "alfred", "stg"],
            &[
                "list",
                "--format",
                "alfred",
                "--with-typed-code",
                "--",
                "stg",
            ],
            &["--format", "alfred", "list"],
            &["list", "--format=alfred"],
            &["list", "--format", "alfred", "--", "a", "b"],
            &["status", "--format", "alfred"],
        ];
        for words in others {
            assert!(Cli::keystroke(&args(words)).is_none(), "{words:?}");
        }
    }
}
