//! Posting a notification: one small interface, one file per platform. macOS: Notification
//! Center (`macos.rs`); elsewhere: the freedesktop notification service on the D-Bus session
//! bus (`freedesktop.rs`). Tests on Linux point the real binary at their own bus with a
//! listener that records every call.
//!
//! The reminder before expiry offers a Refresh button ([`Prompt`]): waiting for its click takes
//! minutes, so a detached awsmfa of its own posts it and waits (`super::button`), and the
//! scheduled `notify-due` only starts that one.

#[cfg(not(target_os = "macos"))]
pub mod freedesktop;
#[cfg(target_os = "macos")]
pub mod macos;

use std::time::Instant;

use jiff::Timestamp;

use crate::paths::Env;

/// The key of the Refresh button (a freedesktop action key).
pub const REFRESH_ACTION: &str = "refresh";

/// What the Refresh button says.
pub const REFRESH_LABEL: &str = "Refresh";

/// What is shown. Never holds a secret: profile names, times and a command, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// One line: `AWS work expires in 10 min`.
    pub title: String,
    /// What to do.
    pub body: String,
    /// The ID of an earlier notification this one replaces on screen, where supported.
    pub replaces: Option<u32>,
    /// The session a Refresh button on it logs in to again, if it has one.
    pub refresh: Option<Refresh>,
}

/// The session a Refresh button refreshes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refresh {
    /// The session profile.
    pub profile: String,
    /// The session's expiry: the button is offered until then.
    pub expires_at: Timestamp,
}

/// Why a notification could not be posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostError {
    /// One sentence, for the debug log and `awsmfa reminders status`.
    pub message: String,
    /// The notification service cannot be reached at all (no session bus): waiting for it
    /// is pointless until the person logs in to a desktop again.
    pub unreachable: bool,
}

/// Posts notifications.
pub trait Notifier {
    /// Shows `notification`; returns the ID the notification service gave it, if any.
    fn post(&self, notification: &Notification) -> Result<Option<u32>, PostError>;

    /// Whether the notification service can be reached now (checked by the waiter on each
    /// tick, so that it ends with the desktop session it was started in).
    fn reachable(&self) -> bool;

    /// Whether the text may mention Alfred (macOS, where the launchers run).
    fn launchers(&self) -> bool;
}

/// What the person did with a notification that has a Refresh button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Pressed Refresh.
    Refresh,
    /// Closed it, or it went away.
    Dismissed,
    /// Nothing, until the deadline.
    TimedOut,
    /// The notification service went away (the desktop session ended).
    Gone,
}

/// One notification with a Refresh button: posted, waited on, and followed by the result.
pub trait Prompt {
    /// Posts `notification` with the button; returns its ID, if the service gives one.
    fn show(&mut self, notification: &Notification) -> Result<Option<u32>, PostError>;
    /// Waits until `until` for the person's answer.
    fn answer(&mut self, until: Instant) -> Answer;
    /// Posts what came of it, in place of the first notification where supported.
    fn follow_up(&mut self, notification: &Notification) -> Result<Option<u32>, PostError>;
}

/// The platform's notification service: Notification Center; the reminder before expiry is
/// handed to a detached awsmfa that offers its Refresh button.
#[cfg(target_os = "macos")]
pub fn desktop(env: &Env) -> Box<dyn Notifier> {
    Box::new(super::button::WithButton::new(
        env,
        macos::NotificationCenter,
    ))
}

/// The platform's notification service: the session bus of this environment; the reminder
/// before expiry is handed to a detached awsmfa that offers its Refresh button.
#[cfg(not(target_os = "macos"))]
pub fn desktop(env: &Env) -> Box<dyn Notifier> {
    Box::new(super::button::WithButton::new(
        env,
        freedesktop::SessionBus::new(env),
    ))
}

/// A notification with a Refresh button on the platform's service.
#[cfg(target_os = "macos")]
pub fn prompt(_env: &Env) -> Result<Box<dyn Prompt>, PostError> {
    Ok(Box::new(macos::Prompt::default()))
}

/// A notification with a Refresh button on the platform's service.
#[cfg(not(target_os = "macos"))]
pub fn prompt(env: &Env) -> Result<Box<dyn Prompt>, PostError> {
    Ok(Box::new(freedesktop::SessionBus::new(env).prompt()?))
}

/// Whether notifications can be posted, without posting one, in words. Notification Center
/// cannot be asked without showing something: only the last failure to post tells.
#[cfg(target_os = "macos")]
pub fn server(_env: &Env) -> Result<String, PostError> {
    Ok("Notification Center (not asked: that would show a notification)".into())
}

/// Whether notifications can be posted, without posting one, in words: which service
/// answers.
#[cfg(not(target_os = "macos"))]
pub fn server(env: &Env) -> Result<String, PostError> {
    freedesktop::SessionBus::new(env)
        .server()
        .map(|server| format!("{server} answers"))
}
