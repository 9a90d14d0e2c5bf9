//! The MFA serial in the OS keychain: macOS Keychain, the Secret Service (e.g. GNOME
//! Keyring) elsewhere, both through the `keyring` crate. Service `awsmfa`, account = profile.

use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// The keychain service name every entry is stored under.
pub const SERVICE: &str = "awsmfa";

/// Where MFA serials are kept, per profile.
pub trait SerialStore: Sync {
    /// The serial stored for `profile`, `None` when there is none.
    fn get(&self, profile: &str) -> Result<Option<String>>;
    /// Stores `serial` for `profile`, replacing an earlier one.
    fn set(&self, profile: &str, serial: &str) -> Result<()>;
    /// Removes the serial stored for `profile`; fine when there is none.
    fn delete(&self, profile: &str) -> Result<()>;
}

/// The OS keychain.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeychain;

/// No serial for `profile` anywhere: what to run.
pub fn no_serial(profile: &str) -> Error {
    Error::new(
        ErrorKind::NoSerial,
        format!(
            "no MFA serial for {profile}: run awsmfa setup {} --serial arn:aws:iam::ACCOUNT:mfa/DEVICE (IAM → Security credentials → MFA)",
            crate::quote::shell_word(profile)
        ),
    )
}

fn keychain_error(action: &str, profile: &str, err: &keyring::Error) -> Error {
    let detail = match err {
        // The keyring crate could not set up its store: no Secret Service on Linux.
        keyring::Error::NoStorageAccess(_) | keyring::Error::NoDefaultStore => {
            "the keychain is locked or not reachable: unlock it (on Linux, start a Secret Service such as gnome-keyring)"
                .to_string()
        }
        keyring::Error::PlatformFailure(inner) => format!("the keychain failed: {inner}"),
        other => other.to_string(),
    };
    Error::new(
        ErrorKind::Keychain,
        format!(
            "cannot {action} the MFA serial of {profile} in the keychain ({detail}); or put mfa_serial = ARN in [profile {profile}] of ~/.aws/config"
        ),
    )
}

/// No keychain at all (`AWSMFA_KEYCHAIN=off`): nothing is read or stored, so serials come
/// from `mfa_serial` alone. For machines without a keychain, and for tests that must not
/// touch the machine's own.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoKeychain;

impl SerialStore for NoKeychain {
    fn get(&self, _profile: &str) -> Result<Option<String>> {
        Ok(None)
    }

    fn set(&self, profile: &str, _serial: &str) -> Result<()> {
        Err(Error::new(
            ErrorKind::Keychain,
            format!(
                "the keychain is turned off (AWSMFA_KEYCHAIN=off), so the MFA serial cannot be stored there: put mfa_serial = ARN in [profile {profile}] of ~/.aws/config, or unset AWSMFA_KEYCHAIN"
            ),
        ))
    }

    fn delete(&self, _profile: &str) -> Result<()> {
        Ok(())
    }
}

/// How long a keychain call may take. A Secret Service that never answers, or a macOS
/// Keychain permission prompt nobody sees, would otherwise hang `login` without a word.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Runs one keychain call on a thread of its own, giving up after [`TIMEOUT`] (the thread is
/// left to the process's end: a stuck call cannot be cancelled).
fn bounded<T: Send + 'static>(
    action: &'static str,
    profile: &str,
    call: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tell, answer) = mpsc::channel();
    let started = std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = tell.send(call());
        });
    if started.is_err() {
        return Err(Error::new(
            ErrorKind::Internal,
            "cannot start a thread for the keychain: try again",
        ));
    }
    answer.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::KeychainTimeout,
            format!(
                "the keychain did not answer within {} s when asked to {action} the MFA serial of {profile} (it may be waiting for you to allow access, or its service is stuck): answer its prompt or unlock it, or put mfa_serial = ARN in [profile {profile}] of ~/.aws/config",
                TIMEOUT.as_secs()
            ),
        ))
    })
}

impl SerialStore for OsKeychain {
    fn get(&self, profile: &str) -> Result<Option<String>> {
        let name = profile.to_string();
        bounded("read", profile, move || {
            let entry = keyring::Entry::new(SERVICE, &name)
                .map_err(|e| keychain_error("read", &name, &e))?;
            match entry.get_password() {
                Ok(serial) => Ok(Some(serial)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(err) => Err(keychain_error("read", &name, &err)),
            }
        })
    }

    fn set(&self, profile: &str, serial: &str) -> Result<()> {
        let (name, serial) = (profile.to_string(), serial.to_string());
        bounded("store", profile, move || {
            let entry = keyring::Entry::new(SERVICE, &name)
                .map_err(|e| keychain_error("store", &name, &e))?;
            entry
                .set_password(&serial)
                .map_err(|e| keychain_error("store", &name, &e))
        })
    }

    fn delete(&self, profile: &str) -> Result<()> {
        let name = profile.to_string();
        bounded("remove", profile, move || {
            let entry = keyring::Entry::new(SERVICE, &name)
                .map_err(|e| keychain_error("remove", &name, &e))?;
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(err) => Err(keychain_error("remove", &name, &err)),
            }
        })
    }
}

/// Whether `serial` looks like an MFA device ARN (virtual, U2F or hardware) or a hardware
/// token's serial number (e.g. `GAHT12345678`), the two forms STS accepts.
pub fn is_valid_serial(serial: &str) -> bool {
    let arn = serial.starts_with("arn:aws")
        && serial.contains(":mfa/")
        && !serial.contains(char::is_whitespace);
    let hardware = !serial.starts_with("arn:")
        && (9..=256).contains(&serial.len())
        && serial
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "=,.@:/-".contains(c));
    arn || hardware
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keychain_that_cannot_be_set_up_gets_the_friendly_message() {
        let err = keychain_error("read", "work", &keyring::Error::NoDefaultStore);
        assert_eq!(err.kind(), ErrorKind::Keychain);
        assert_eq!(
            err.message(),
            "cannot read the MFA serial of work in the keychain (the keychain is locked or not reachable: unlock it (on Linux, start a Secret Service such as gnome-keyring)); or put mfa_serial = ARN in [profile work] of ~/.aws/config"
        );
        assert!(!err.message().contains("No default store"));
    }

    #[test]
    fn no_keychain_reads_nothing_and_says_where_a_serial_goes_instead() {
        assert_eq!(NoKeychain.get("work").unwrap(), None);
        assert!(NoKeychain.delete("work").is_ok());
        let err = NoKeychain
            .set("work", "arn:aws:iam::123456789012:mfa/me")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Keychain);
        assert!(err.message().contains("AWSMFA_KEYCHAIN=off"), "{err}");
    }

    #[test]
    fn serial_shapes() {
        assert!(is_valid_serial("arn:aws:iam::123456789012:mfa/me"));
        assert!(is_valid_serial(
            "arn:aws-us-gov:iam::123456789012:mfa/my.phone"
        ));
        assert!(is_valid_serial("GAHT12345678"));
        assert!(!is_valid_serial("arn:aws:iam::123456789012:user/me"));
        assert!(!is_valid_serial("123"));
        assert!(!is_valid_serial("arn:aws:iam::1:mfa/has space"));
    }
}
