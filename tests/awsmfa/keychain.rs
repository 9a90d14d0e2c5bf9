//! The keychain seam, for real: the `keyring` crate against the Secret Service of the
//! gnome-keyring daemon that `./scripts/test` starts in a private D-Bus session.
//!
//! They run only inside that private session (never against this machine's own keychain);
//! `./scripts/test` sets `AWSMFA_TEST_NO_SKIP`, so there a missing session fails them rather
//! than skipping them: a keychain that silently goes untested is how the MFA serial lookup
//! breaks unnoticed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::process::Command;

use keyring::Entry;

use crate::support::private_session;

const RUN_THROUGH_SCRIPT: &str = "run the tests through ./scripts/test, which starts a private \
     D-Bus session with an unlocked gnome-keyring (or wrap one command: \
     scripts/lib/keyring-session cargo test --test keychain)";

/// A service name no other test run uses, so runs never see each other's items.
fn unique_service() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("awsmfa-test-{:016x}", hasher.finish())
}

/// An entry in the Secret Service, or a panic that says how to get one.
fn entry(service: &str, account: &str) -> Entry {
    Entry::new(service, account).unwrap_or_else(|err| {
        panic!(
            "no Secret Service is reachable ({err}; store: {:?}): {RUN_THROUGH_SCRIPT}",
            Entry::store_status()
        )
    })
}

/// The value of a keychain call, or a panic that names the call and says what to do.
fn ok<T>(what: &str, result: keyring::Result<T>) -> T {
    result.unwrap_or_else(|err| {
        panic!(
            "{what}: {err} ({err:?}); the Secret Service needs an unlocked default \
             (\"login\") collection: {RUN_THROUGH_SCRIPT}"
        )
    })
}

/// Deletes the item when a test ends, passed or not, so the keyring holds no leftovers.
struct Cleanup<'a>(&'a Entry);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = self.0.delete_credential();
    }
}

#[test]
fn set_get_delete_round_trip() {
    if !private_session("the OS keychain") {
        return;
    }
    let service = unique_service();
    let entry = entry(&service, "default");
    let _cleanup = Cleanup(&entry);

    assert!(
        matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
        "a fresh service name must have no item yet"
    );

    let serial = "arn:aws:iam::123456789012:mfa/alice";
    ok("store a password", entry.set_password(serial));
    assert_eq!(ok("read it back", entry.get_password()), serial);

    // A second entry object for the same service and account finds the same item.
    let again = self::entry(&service, "default");
    assert_eq!(
        ok("read through a second entry", again.get_password()),
        serial
    );

    ok("delete it", entry.delete_credential());
    assert!(
        matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
        "the item must be gone after delete"
    );
    assert!(
        matches!(entry.delete_credential(), Err(keyring::Error::NoEntry)),
        "deleting twice reports that nothing is there"
    );
}

#[test]
fn set_replaces_the_password_and_accounts_stay_apart() {
    if !private_session("the OS keychain") {
        return;
    }
    let service = unique_service();
    let work = entry(&service, "work");
    let home = entry(&service, "home");
    let _cleanup = (Cleanup(&work), Cleanup(&home));

    let (old, new) = (
        "arn:aws:iam::111111111111:mfa/old",
        "arn:aws:iam::111111111111:mfa/new",
    );
    let other = "arn:aws:iam::222222222222:mfa/ünïcödé";
    ok("store", work.set_password(old));
    ok("replace", work.set_password(new));
    ok("store", home.set_password(other));

    assert_eq!(ok("read", work.get_password()), new);
    assert_eq!(ok("read", home.get_password()), other);

    ok("delete", work.delete_credential());
    assert!(matches!(work.get_password(), Err(keyring::Error::NoEntry)));
    assert_eq!(
        ok("read", home.get_password()),
        other,
        "deleting one account must leave the other"
    );
}

/// `secret-tool` is how shell checks and a person debugging see the keychain: an item
/// written through `keyring` must be the one `secret-tool` finds by `service` and `username`.
#[test]
fn items_are_visible_to_secret_tool() {
    if !crate::support::linux_only("secret-tool (libsecret)") || !private_session("the OS keychain")
    {
        return;
    }
    let service = unique_service();
    let entry = entry(&service, "default");
    let _cleanup = Cleanup(&entry);
    let serial = "arn:aws:iam::123456789012:mfa/bob";
    ok("store", entry.set_password(serial));

    let output = Command::new("secret-tool")
        .args(["lookup", "service", &service, "username", "default"])
        .output()
        .unwrap_or_else(|err| {
            panic!("cannot run secret-tool ({err}): it comes with libsecret-tools; {RUN_THROUGH_SCRIPT}")
        });
    assert!(
        output.status.success(),
        "secret-tool lookup failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), serial);
}
