//! Posting a notification: one small interface, one file per platform. macOS: Notification
//! Center (`macos.rs`); elsewhere: the freedesktop notification service on the D-Bus session
//! bus (`freedesktop.rs`). Tests on Linux point the real binary at their own bus with a
//! listener that records every call.

#[cfg(not(target_os = "macos"))]
pub mod freedesktop;
#[cfg(target_os = "macos")]
pub mod macos;

use crate::paths::Env;

/// What is shown. Never holds a secret: profile names, times and a command, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// One line: `AWS work expires in 10 min`.
    pub title: String,
    /// What to do.
    pub body: String,
    /// The ID of an earlier notification this one replaces on screen, where supported.
    pub replaces: Option<u32>,
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

/// The platform's notification service: Notification Center.
#[cfg(target_os = "macos")]
pub fn desktop(_env: &Env) -> Box<dyn Notifier> {
    Box::new(macos::NotificationCenter)
}

/// The platform's notification service: the session bus of this environment.
#[cfg(not(target_os = "macos"))]
pub fn desktop(env: &Env) -> Box<dyn Notifier> {
    Box::new(freedesktop::SessionBus::new(env))
}
