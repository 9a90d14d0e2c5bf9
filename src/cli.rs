//! The command line, all in one place (clap derive). `--help` texts here are the reference
//! the README quotes.

use clap::{Parser, Subcommand};

use crate::launcher::Format;

const AFTER_HELP: &str = "\
Exit codes: 0 ok · 1 unexpected or I/O error · 2 usage · 3 profile/config problem ·
4 one-time code (1Password, mfa_process, malformed code) · 5 AWS refused · 6 network/timeout ·
7 keychain.

Environment: AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM,
AWSMFA_OP (path to op), AWSMFA_DURATION (default session length), AWSMFA_CACHE_DIR,
AWSMFA_REMIND (reminder lead time), AWSMFA_REMINDERS=off, AWSMFA_LOG=debug.";

/// Keep an MFA-protected AWS session alive: one-time code from 1Password, AWS STS, and
/// ~/.aws/credentials, from Alfred, Raycast or a terminal.
#[derive(Parser, Debug)]
#[command(name = "awsmfa", version, after_help = AFTER_HELP, arg_required_else_help = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List MFA profiles and their session status (no network, no keychain, no 1Password).
    #[command(after_help = "Examples:\n  awsmfa list\n  awsmfa list stg --format json")]
    List {
        /// Only profiles matching this (fuzzy: `stg` finds `staging`), best match first.
        query: Option<String>,
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Get a new session for PROFILE: one-time code → AWS STS → ~/.aws/credentials.
    #[command(
        after_help = "Examples:\n  awsmfa login work\n  awsmfa login work --duration 8h\n  awsmfa login work --code 123456 --format json"
    )]
    Login {
        /// The session profile (its long-term keys live in PROFILE-mfa).
        profile: String,
        /// Session length: 8h, 90m, 1h30m or seconds (15m to 36h; roles 15m to 12h).
        /// Default: awsmfa_duration in the profile, AWSMFA_DURATION, else 12h (roles: 1h).
        #[arg(long)]
        duration: Option<String>,
        /// Use this one-time code instead of asking 1Password or mfa_process.
        #[arg(long, value_name = "CODE")]
        code: Option<String>,
        /// Remind this long before the new session expires (0: only at expiry).
        /// Default: awsmfa_remind in the profile, AWSMFA_REMIND, else 10m.
        #[arg(long, value_name = "LEAD")]
        remind: Option<String>,
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one profile's session status and settings (files only).
    #[command(after_help = "Example:\n  awsmfa status work --format json")]
    Status {
        /// The session profile.
        profile: String,
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Store PROFILE's MFA serial in the keychain and record its 1Password item.
    #[command(
        after_help = "Examples:\n  awsmfa setup work --serial arn:aws:iam::123456789012:mfa/me --op-item \"AWS (work)\"\n  awsmfa setup work --op-item abcdefghijklmnopqrstuvwxyz --op-vault Private\n\nWithout --serial: mfa_serial from ~/.aws/config, else the devices IAM lists for the\nsource profile's keys."
    )]
    Setup {
        /// The session profile.
        profile: String,
        /// The MFA device ARN (IAM → Security credentials → MFA).
        #[arg(long, value_name = "ARN")]
        serial: Option<String>,
        /// The 1Password item (name or ID) holding the one-time password.
        #[arg(long, value_name = "ITEM")]
        op_item: Option<String>,
        /// The item's vault, when the name is not unique across vaults.
        #[arg(long, value_name = "VAULT")]
        op_vault: Option<String>,
        /// The 1Password account (sign-in address or ID), when you have several.
        #[arg(long, value_name = "ACCOUNT")]
        op_account: Option<String>,
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Remove PROFILE's session keys from ~/.aws/credentials (nothing else).
    #[command(after_help = "Example:\n  awsmfa logout work")]
    Logout {
        /// The session profile.
        profile: String,
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Turn expiry reminders on or off, or show how they are scheduled.
    #[command(
        after_help = "Examples:\n  awsmfa reminders status\n  awsmfa reminders off\n  awsmfa reminders status --format json\n\nAfter each login awsmfa posts a notification 10 min before the session expires\n(login --remind, awsmfa_remind in [profile NAME], AWSMFA_REMIND; 0: only at expiry)\nand one when it has. AWSMFA_REMINDERS=off|on overrides `reminders on|off`."
    )]
    Reminders {
        /// What to do.
        #[command(subcommand)]
        action: RemindersAction,
    },
    /// Post the expiry reminders that are due now, and exit (the scheduler runs this).
    #[command(
        after_help = "Example:\n  awsmfa notify-due\n\nRun every minute by the launchd agent (macOS) or the systemd user timer (Linux)\nthat login installs; by hand it posts and shows what is due."
    )]
    NotifyDue {
        /// Keep running: check at least every 30 s until no reminder is left to post (the
        /// background waiter login starts where there is no launchd or systemd).
        #[arg(long)]
        wait: bool,
    },
}

/// `awsmfa reminders on|off|status`.
#[derive(Subcommand, Debug, Clone, Copy)]
pub enum RemindersAction {
    /// Turn reminders on and make sure they are scheduled.
    On {
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Turn reminders off and remove their schedule.
    Off {
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show whether reminders are on, what schedules them, and what comes next.
    Status {
        /// Output format (default: text).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

impl RemindersAction {
    /// The format asked for.
    pub fn format(self) -> Format {
        match self {
            RemindersAction::On { format }
            | RemindersAction::Off { format }
            | RemindersAction::Status { format } => format,
        }
    }
}
