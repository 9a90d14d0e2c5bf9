//! The MFA serial in the OS keychain: macOS Keychain, the Secret Service (e.g. GNOME
//! Keyring) elsewhere, both through the `keyring` crate. Service `awsmfa`, account = profile.

use crate::error::{Error, ErrorKind, Result};

/// The keychain service name every entry is stored under.
pub const SERVICE: &str = "awsmfa";

/// Where MFA serials are kept, per profile.
pub trait SerialStore {
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

impl SerialStore for OsKeychain {
    fn get(&self, profile: &str) -> Result<Option<String>> {
        let entry = keyring::Entry::new(SERVICE, profile)
            .map_err(|e| keychain_error("read", profile, &e))?;
        match entry.get_password() {
            Ok(serial) => Ok(Some(serial)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(keychain_error("read", profile, &err)),
        }
    }

    fn set(&self, profile: &str, serial: &str) -> Result<()> {
        let entry = keyring::Entry::new(SERVICE, profile)
            .map_err(|e| keychain_error("store", profile, &e))?;
        entry
            .set_password(serial)
            .map_err(|e| keychain_error("store", profile, &e))
    }

    fn delete(&self, profile: &str) -> Result<()> {
        let entry = keyring::Entry::new(SERVICE, profile)
            .map_err(|e| keychain_error("remove", profile, &e))?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(keychain_error("remove", profile, &err)),
        }
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
