//! macOS Notification Center, through mac-notification-sys.

use super::{Notification, Notifier, PostError};

/// Notification Center of the logged-in user (the launchd agent runs in their GUI session).
pub struct NotificationCenter;

impl Notifier for NotificationCenter {
    fn post(&self, notification: &Notification) -> Result<Option<u32>, PostError> {
        // Shown as coming from Terminal, where `awsmfa login` runs; this also spares the
        // crate's AppleScript lookup of a default app. Only the first call per process
        // counts, so a second reminder in the same run reports "already set": ignored.
        let _ = mac_notification_sys::set_application("com.apple.Terminal");
        mac_notification_sys::send_notification(&notification.title, None, &notification.body, None)
            .map(|_| None)
            .map_err(|err| PostError {
                message: format!("Notification Center refused the notification: {err:?}"),
                unreachable: false,
            })
    }

    fn reachable(&self) -> bool {
        true
    }

    fn launchers(&self) -> bool {
        true
    }
}
