//! awsmfa keeps an MFA-protected AWS session alive: it reads the MFA serial from the OS
//! keychain, gets the one-time code from 1Password (or another source), exchanges it with
//! AWS STS for temporary credentials and writes them into one section of
//! `~/.aws/credentials`, leaving every other byte alone.
//!
//! `main.rs` parses arguments, builds the real adapters and calls [`run`]. Modules import
//! one way: `commands` → domain (`profiles`, `otp`, `sts`, `iam`, `reminders`, `doctor`,
//! `launcher`) → `store`, `ini`, `aws`, `paths`, `clock` → leaves (`error`, `quote`,
//! `display`, `expiry`, `duration`, `fuzzy`, `log`).
#![warn(missing_docs)]

pub mod aws;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod completion;
pub mod display;
pub mod doctor;
pub mod duration;
pub mod error;
pub mod expiry;
pub mod files;
pub mod fuzzy;
pub mod hardening;
pub mod iam;
pub mod ini;
pub mod keychain;
pub mod launcher;
pub mod log;
pub mod otp;
pub mod paths;
pub mod profiles;
pub mod quote;
pub mod reminders;
pub mod state_dir;
pub mod store;
pub mod sts;

use commands::{Context, Run};
use launcher::Format;

/// What a command printed and how the process should exit.
#[derive(Debug)]
pub struct Outcome {
    /// For stdout.
    pub stdout: String,
    /// The one line for stderr, on failure.
    pub stderr: Option<String>,
    /// Warnings for stderr (`awsmfa: warning: …`), printed before the output.
    pub warnings: Vec<String>,
    /// The exit code.
    pub exit_code: i32,
}

/// Runs one parsed command line.
pub fn run(cli: cli::Cli, ctx: &Context<'_>) -> Outcome {
    use cli::Command as C;
    let format = cli.output.format;
    match cli.command {
        C::List(command) => execute(command, format, ctx),
        C::Login(command) => execute(command, format, ctx),
        C::Status(command) => execute(command, format, ctx),
        C::Setup(command) => execute(command, format, ctx),
        C::Logout(command) => execute(command, format, ctx),
        C::Reminders(command) => execute(command, format, ctx),
        C::NotifyDue(command) => execute(command, format, ctx),
        C::ReminderButton(command) => execute(command, format, ctx),
        C::Doctor(command) => execute(command, format, ctx),
        C::CredentialProcess(command) => execute(command, format, ctx),
        C::Exec(command) => execute(command, format, ctx),
        C::Export(command) => execute(command, format, ctx),
        C::Completions(command) => execute(command, format, ctx),
        C::Man(command) => execute(command, format, ctx),
    }
}

/// Runs `command` and renders what it did, or its error, in `format`.
fn execute(command: impl Run, format: Format, ctx: &Context<'_>) -> Outcome {
    let (action, profile) = command.action();
    let profile = profile.map(str::to_string);
    match command.run(ctx) {
        Ok(report) => Outcome {
            stdout: launcher::render(format, &report),
            // A report that is also a failure (doctor's failed checks): shown, and exits so.
            stderr: report
                .failure()
                .map(|error| launcher::error_line(format, &error)),
            warnings: if format == Format::Text {
                report
                    .warnings()
                    .iter()
                    .map(|w| format!("awsmfa: warning: {w}"))
                    .collect()
            } else {
                Vec::new()
            },
            exit_code: report
                .failure()
                .map_or(error::exit::OK, |error| error.exit_code()),
        },
        Err(error) => Outcome {
            stdout: launcher::render_error(format, action, profile.as_deref(), &error)
                .unwrap_or_default(),
            stderr: Some(launcher::error_line(format, &error)),
            warnings: Vec::new(),
            exit_code: error.exit_code(),
        },
    }
}
