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

use std::io::{self, Write};

use commands::{Context, Run};
use launcher::{Format, Report};

/// What a command printed and how the process should exit.
#[derive(Debug)]
pub struct Outcome {
    /// For stdout, rendered as it is written: see [`Outcome::write_stdout`].
    stdout: Printed,
    /// The one line for stderr, on failure.
    pub stderr: Option<String>,
    /// Warnings for stderr (`awsmfa: warning: …`), printed before the output.
    pub warnings: Vec<String>,
    /// The exit code.
    pub exit_code: i32,
}

/// What goes to stdout.
#[derive(Debug)]
enum Printed {
    /// A command's report, rendered in its format when written.
    Report(Format, Box<Report>),
    /// A failure, rendered (nothing, in text).
    Failure(String),
}

impl Outcome {
    /// Writes what the command prints to `sink` (main passes stdout), rendering it as it
    /// goes: `list --format alfred` writes its rows in chunks of 32 KiB as it makes them
    /// rather than building all of its output (687 KB at 1,000 profiles) first. An error
    /// from `sink` (a closed pipe) ends the writing and is returned.
    pub fn write_stdout(&self, sink: &mut dyn Write) -> io::Result<()> {
        match &self.stdout {
            Printed::Report(format, report) => launcher::write(*format, report, sink),
            Printed::Failure(text) => sink.write_all(text.as_bytes()),
        }
    }

    /// What [`Outcome::write_stdout`] writes, as one String (for tests, and callers that
    /// want the text).
    pub fn stdout_text(&self) -> String {
        match &self.stdout {
            Printed::Report(format, report) => launcher::render(*format, report),
            Printed::Failure(text) => text.clone(),
        }
    }
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

/// Runs `command`: what it did, or its error, for stdout in `format`.
fn execute(command: impl Run, format: Format, ctx: &Context<'_>) -> Outcome {
    let (action, profile) = command.action();
    let profile = profile.map(str::to_string);
    match command.run(ctx) {
        Ok(report) => {
            // A report that is also a failure (doctor's failed checks): shown, and exits so.
            let failure = report.failure();
            Outcome {
                stderr: failure
                    .as_ref()
                    .map(|error| launcher::error_line(format, error)),
                warnings: if format == Format::Text {
                    report
                        .warnings()
                        .iter()
                        .map(|w| format!("awsmfa: warning: {w}"))
                        .collect()
                } else {
                    Vec::new()
                },
                exit_code: failure.map_or(error::exit::OK, |error| error.exit_code()),
                stdout: Printed::Report(format, Box::new(report)),
            }
        }
        Err(error) => Outcome {
            stdout: Printed::Failure(
                launcher::render_error(format, action, profile.as_deref(), &error)
                    .unwrap_or_default(),
            ),
            stderr: Some(launcher::error_line(format, &error)),
            warnings: Vec::new(),
            exit_code: error.exit_code(),
        },
    }
}
