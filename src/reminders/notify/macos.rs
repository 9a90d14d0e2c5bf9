//! macOS Notification Center, through mac-notification-sys.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use mac_notification_sys::{MainButton, NotificationResponse};

use super::{Answer, Notification, Notifier, PostError, REFRESH_LABEL};

/// Notification Center of the logged-in user (the launchd agent runs in their GUI session).
pub struct NotificationCenter;

fn refused(err: impl std::fmt::Debug) -> PostError {
    PostError {
        message: format!("Notification Center refused the notification: {err:?}"),
        unreachable: false,
    }
}

fn set_application() {
    // Shown as coming from Terminal, where `awsmfa login` runs; this also spares the
    // crate's AppleScript lookup of a default app. Only the first call per process
    // counts, so a second reminder in the same run reports "already set": ignored.
    let _ = mac_notification_sys::set_application("com.apple.Terminal");
}

impl Notifier for NotificationCenter {
    fn post(&self, notification: &Notification) -> Result<Option<u32>, PostError> {
        set_application();
        mac_notification_sys::send_notification(&notification.title, None, &notification.body, None)
            .map(|_| None)
            .map_err(refused)
    }

    fn reachable(&self) -> bool {
        true
    }

    fn launchers(&self) -> bool {
        true
    }
}

/// How long `show` waits for Notification Center to refuse at once; after that the
/// notification is on screen and the send waits for the person.
const REFUSAL_WAIT: Duration = Duration::from_millis(500);

/// A notification with a Refresh button. mac-notification-sys's send blocks until the person
/// answers a notification that has a button, so it runs on a thread of its own.
#[derive(Default)]
pub struct Prompt {
    answers: Option<mpsc::Receiver<Result<NotificationResponse, PostError>>>,
    early: Option<NotificationResponse>,
}

impl super::Prompt for Prompt {
    fn show(&mut self, notification: &Notification) -> Result<Option<u32>, PostError> {
        set_application();
        let (tell, answers) = mpsc::channel();
        let (title, body) = (notification.title.clone(), notification.body.clone());
        std::thread::spawn(move || {
            let mut options = mac_notification_sys::Notification::new();
            options
                .main_button(MainButton::SingleAction(REFRESH_LABEL))
                .close_button("Close");
            let sent = mac_notification_sys::send_notification(&title, None, &body, Some(&options))
                .map_err(refused);
            let _ = tell.send(sent);
        });
        match answers.recv_timeout(REFUSAL_WAIT) {
            Ok(Err(err)) => return Err(err),
            Ok(Ok(response)) => self.early = Some(response),
            Err(_) => self.answers = Some(answers),
        }
        Ok(None)
    }

    fn answer(&mut self, until: Instant) -> Answer {
        let response = match (self.early.take(), &self.answers) {
            (Some(response), _) => response,
            (None, Some(answers)) => {
                match answers.recv_timeout(until.saturating_duration_since(Instant::now())) {
                    Ok(Ok(response)) => response,
                    Ok(Err(_)) => return Answer::Gone,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Answer::TimedOut,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Answer::Gone,
                }
            }
            (None, None) => return Answer::Gone,
        };
        match response {
            NotificationResponse::ActionButton(_) => Answer::Refresh,
            _ => Answer::Dismissed,
        }
    }

    fn follow_up(&mut self, notification: &Notification) -> Result<Option<u32>, PostError> {
        NotificationCenter.post(notification)
    }
}
