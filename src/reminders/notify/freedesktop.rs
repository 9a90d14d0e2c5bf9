//! Freedesktop notifications (`org.freedesktop.Notifications.Notify`) on the D-Bus session
//! bus, through zbus: the same zbus the keychain already uses, so nothing new is compiled.

use std::collections::HashMap;
use std::time::Duration;

use zbus::blocking::{Connection, connection};
use zbus::zvariant::Value;

use super::{Notification, Notifier, PostError};
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

impl Notifier for SessionBus {
    fn post(&self, notification: &Notification) -> Result<Option<u32>, PostError> {
        let connection = self.connect()?;
        let refused = |err: zbus::Error| PostError {
            message: describe(&err),
            unreachable: false,
        };
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
        let actions: Vec<&str> = Vec::new();
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
        let id: u32 = reply.body().deserialize().map_err(refused)?;
        Ok(Some(id))
    }

    fn reachable(&self) -> bool {
        self.connect().is_ok()
    }

    fn launchers(&self) -> bool {
        false
    }
}
