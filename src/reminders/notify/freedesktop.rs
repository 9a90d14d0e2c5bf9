//! Freedesktop notifications (`org.freedesktop.Notifications.Notify`) on the D-Bus session
//! bus, through zbus: the same zbus the keychain already uses, so nothing new is compiled.
//!
//! A notification with a Refresh button ([`Prompt`]) is posted and listened to on one
//! connection: servers such as dunst and KDE's send `ActionInvoked` and `NotificationClosed`
//! only to the connection that posted the notification.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use zbus::blocking::{Connection, MessageIterator, connection};
use zbus::zvariant::Value;

use super::{Answer, Notification, Notifier, PostError, REFRESH_ACTION, REFRESH_LABEL};
use crate::paths::Env;

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// A notification service that does not answer within this is treated as absent.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// The session bus named by `DBUS_SESSION_BUS_ADDRESS` (else `$XDG_RUNTIME_DIR/bus`).
pub struct SessionBus {
    address: Option<String>,
}

impl SessionBus {
    /// The bus of this environment.
    pub fn new(env: &Env) -> Self {
        SessionBus {
            address: env.dbus_session_bus_address.clone(),
        }
    }

    fn connect(&self) -> Result<Connection, PostError> {
        let builder = match &self.address {
            Some(address) => connection::Builder::address(address.as_str()),
            None => connection::Builder::session(),
        };
        builder
            .and_then(|b| b.method_timeout(CALL_TIMEOUT).build())
            .map_err(|err| PostError {
                message: format!(
                    "no D-Bus session bus ({err}): notifications need a desktop session"
                ),
                unreachable: true,
            })
    }

    /// The notification server's name and version (`GetServerInformation`): whether one
    /// answers, without showing anything.
    pub fn server(&self) -> Result<String, PostError> {
        let connection = self.connect()?;
        let (name, vendor, version, _spec): (String, String, String, String) = connection
            .call_method(
                Some(SERVICE),
                PATH,
                Some(SERVICE),
                "GetServerInformation",
                &(),
            )
            .and_then(|reply| reply.body().deserialize())
            .map_err(refused)?;
        let vendor = if vendor.is_empty() || vendor == name {
            String::new()
        } else {
            format!(" ({vendor})")
        };
        Ok(format!("{name} {version}{vendor}").trim().to_string())
    }

    /// A notification with a Refresh button, posted and listened to on one connection.
    pub fn prompt(&self) -> Result<Prompt, PostError> {
        let connection = self.connect()?;
        // Subscribed before anything is posted: a click cannot come before the listening.
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(SERVICE)
            .and_then(|b| b.path(PATH))
            .map(|b| b.build())
            .map_err(refused)?;
        let signals =
            MessageIterator::for_match_rule(rule, &connection, Some(64)).map_err(refused)?;
        let (tell, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for message in signals {
                let Ok(message) = message else { break };
                let header = message.header();
                let member = header.member().map(|m| m.to_string()).unwrap_or_default();
                let signal = match member.as_str() {
                    "ActionInvoked" => message
                        .body()
                        .deserialize::<(u32, String)>()
                        .ok()
                        .map(|(id, action)| Signal::Action(id, action)),
                    "NotificationClosed" => message
                        .body()
                        .deserialize::<(u32, u32)>()
                        .ok()
                        .map(|(id, _reason)| Signal::Closed(id)),
                    _ => None,
                };
                if let Some(signal) = signal
                    && tell.send(signal).is_err()
                {
                    break;
                }
            }
            // The bus is gone (the desktop session ended): the channel closes.
        });
        Ok(Prompt {
            connection,
            answers,
            id: None,
        })
    }
}

/// A signal about a notification.
enum Signal {
    /// `ActionInvoked(id, action_key)`.
    Action(u32, String),
    /// `NotificationClosed(id, reason)`.
    Closed(u32),
}

fn refused(err: zbus::Error) -> PostError {
    PostError {
        message: describe(&err),
        unreachable: false,
    }
}

/// What went wrong, in words: no service at all, or the service's own error text.
fn describe(err: &zbus::Error) -> String {
    match err {
        zbus::Error::MethodError(name, _, _)
            if matches!(
                name.as_str(),
                "org.freedesktop.DBus.Error.ServiceUnknown"
                    | "org.freedesktop.DBus.Error.NameHasNoOwner"
            ) =>
        {
            format!(
                "no notification service runs on the D-Bus session bus (nothing owns {SERVICE}): start your desktop's notification daemon"
            )
        }
        zbus::Error::MethodError(name, detail, _) => format!(
            "the notification service refused the notification: {}",
            detail.as_deref().unwrap_or(name.as_str())
        ),
        other => format!("the notification service did not answer: {other}"),
    }
}

/// `Notify` on `connection`, with these action keys and labels; returns the server's ID.
fn notify(
    connection: &Connection,
    notification: &Notification,
    actions: &[&str],
) -> Result<u32, PostError> {
    // The body is markup on servers that say so: escape what would be read as a tag.
    let capabilities: Vec<String> = connection
        .call_method(Some(SERVICE), PATH, Some(SERVICE), "GetCapabilities", &())
        .and_then(|reply| reply.body().deserialize())
        .map_err(refused)?;
    let body = if capabilities.iter().any(|c| c == "body-markup") {
        crate::quote::xml_text(&notification.body)
    } else {
        notification.body.clone()
    };
    let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
    hints.insert("urgency", Value::U8(1));
    let reply = connection
        .call_method(
            Some(SERVICE),
            PATH,
            Some(SERVICE),
            "Notify",
            &(
                "awsmfa",
                notification.replaces.unwrap_or(0),
                "",
                notification.title.as_str(),
                body.as_str(),
                actions,
                hints,
                -1i32,
            ),
        )
        .map_err(refused)?;
    reply.body().deserialize().map_err(refused)
}

impl Notifier for SessionBus {
    fn post(&self, notification: &Notification) -> Result<Option<u32>, PostError> {
        let connection = self.connect()?;
        notify(&connection, notification, &[]).map(Some)
    }

    fn reachable(&self) -> bool {
        self.connect().is_ok()
    }

    fn launchers(&self) -> bool {
        false
    }
}

/// A reminder with a Refresh button, and the connection that listens for its click.
pub struct Prompt {
    connection: Connection,
    answers: mpsc::Receiver<Signal>,
    id: Option<u32>,
}

impl super::Prompt for Prompt {
    fn show(&mut self, notification: &Notification) -> Result<Option<u32>, PostError> {
        let id = notify(
            &self.connection,
            notification,
            &[REFRESH_ACTION, REFRESH_LABEL],
        )?;
        self.id = Some(id);
        Ok(Some(id))
    }

    fn answer(&mut self, until: Instant) -> Answer {
        let Some(id) = self.id else {
            return Answer::Gone;
        };
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(left) {
                Ok(Signal::Action(at, action)) if at == id && action == REFRESH_ACTION => {
                    return Answer::Refresh;
                }
                Ok(Signal::Closed(at)) if at == id => return Answer::Dismissed,
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => return Answer::TimedOut,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Answer::Gone,
            }
        }
    }

    fn follow_up(&mut self, notification: &Notification) -> Result<Option<u32>, PostError> {
        let replacing = Notification {
            replaces: self.id.or(notification.replaces),
            ..notification.clone()
        };
        notify(&self.connection, &replacing, &[]).map(Some)
    }
}
