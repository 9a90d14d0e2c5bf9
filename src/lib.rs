//! awsmfa keeps an MFA-protected AWS session alive: it reads the MFA serial from the OS
//! keychain, gets the one-time code from 1Password (or another source), exchanges it with
//! AWS STS for temporary credentials and writes them into one section of
//! `~/.aws/credentials`, leaving every other byte alone.
//!
//! `main.rs` parses arguments, builds the real adapters and calls [`run`].
#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod duration;
pub mod error;
pub mod expiry;
pub mod fuzzy;
pub mod iam;
pub mod ini;
pub mod keychain;
pub mod launcher;
pub mod log;
pub mod otp;
pub mod paths;
pub mod profiles;
pub mod reminders;
pub mod store;
pub mod sts;

use commands::Context;
use error::Error;
use launcher::{Format, Report};

/// What a command printed and how the process should exit.
pub struct Outcome {
    /// For stdout.
    pub stdout: String,
    /// The one line for stderr, on failure.
    pub stderr: Option<String>,
    /// The exit code.
    pub exit_code: i32,
}

/// Runs one parsed command line.
pub fn run(command: cli::Command, ctx: &Context<'_>) -> Outcome {
    use cli::Command as C;
    use launcher::Command as Kind;
    let format = format_of(&command);
    let (kind, profile) = match &command {
        C::List { .. } => (Kind::List, None),
        C::Status { profile, .. } => (Kind::List, Some(profile.clone())),
        C::Login { profile, .. } => (Kind::Login, Some(profile.clone())),
        C::Logout { profile, .. } => (Kind::Logout, Some(profile.clone())),
        C::Setup { profile, .. } => (Kind::Setup, Some(profile.clone())),
        C::Reminders { .. } | C::NotifyDue { .. } => (Kind::Reminders, None),
    };
    let result: Result<String, Error> = match command {
        C::List { query, .. } => {
            commands::list::run(ctx, query.as_deref().unwrap_or("")).map(|profiles| {
                launcher::render(
                    format,
                    &Report::List {
                        profiles: &profiles,
                        now: &ctx.clock,
                    },
                )
            })
        }
        C::Status { profile, .. } if format == Format::Text => {
            commands::status::with_reminders(ctx, &profile).map(|(p, reminders)| {
                let report = Report::Status {
                    profile: &p,
                    now: &ctx.clock,
                };
                launcher::render(format, &report) + &launcher::text::reminders_line(&reminders)
            })
        }
        C::Status { profile, .. } => commands::status::run(ctx, &profile).map(|p| {
            launcher::render(
                format,
                &Report::Status {
                    profile: &p,
                    now: &ctx.clock,
                },
            )
        }),
        C::Login {
            profile,
            duration,
            code,
            remind,
            ..
        } => commands::login::run(
            ctx,
            &profile,
            commands::login::Options {
                duration,
                code,
                remind,
            },
        )
        .map(|expires_at| {
            // Read again: the login took time, and the person reads "valid until" now.
            let after = expiry::Clock {
                now: jiff::Timestamp::now(),
                tz: ctx.clock.tz.clone(),
            };
            let report = Report::LoggedIn {
                profile: &profile,
                expires_at,
                now: &after,
            };
            launcher::render(format, &report)
        }),
        C::Logout { profile, .. } => commands::logout::run(ctx, &profile).map(|removed| {
            launcher::render(
                format,
                &Report::LoggedOut {
                    profile: &profile,
                    removed,
                },
            )
        }),
        C::Setup {
            profile,
            serial,
            op_item,
            op_vault,
            op_account,
            ..
        } => commands::setup::run(
            ctx,
            &profile,
            commands::setup::Options {
                serial,
                op_item,
                op_vault,
                op_account,
            },
        )
        .map(|done| {
            launcher::render(
                format,
                &Report::SetUp {
                    profile: &profile,
                    done: &done,
                },
            )
        }),
        C::Reminders { action } => commands::reminders::run(ctx, action).map(|overview| {
            launcher::render(
                format,
                &Report::Reminders {
                    overview: &overview,
                    now: &ctx.clock,
                },
            )
        }),
        C::NotifyDue { wait } => commands::notify_due::run(ctx, wait),
    };
    match result {
        Ok(stdout) => Outcome {
            stdout,
            stderr: None,
            exit_code: 0,
        },
        Err(error) => Outcome {
            stdout: launcher::render_error(format, kind, profile.as_deref(), &error)
                .unwrap_or_default(),
            stderr: Some(format!("awsmfa: {}", error.message())),
            exit_code: error.exit_code(),
        },
    }
}

/// The format a command was asked for (`--format`, or text for commands without one).
pub fn format_of(command: &cli::Command) -> Format {
    match command {
        cli::Command::List { format, .. }
        | cli::Command::Status { format, .. }
        | cli::Command::Login { format, .. }
        | cli::Command::Logout { format, .. }
        | cli::Command::Setup { format, .. } => *format,
        cli::Command::Reminders { action } => action.format(),
        cli::Command::NotifyDue { .. } => Format::Text,
    }
}
