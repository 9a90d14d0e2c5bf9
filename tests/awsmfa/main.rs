//! awsmfa's integration tests: one test binary (one link of the AWS SDK), one harness
//! (`support`), a module per topic. Each behaviour is tested once at the lowest level that
//! proves it (the unit tests in `src/`), plus the end-to-end cases here, which run the real
//! binary against real local services: moto's STS and IAM on loopback, a fake `op` on PATH,
//! a gnome-keyring in a private D-Bus session, a notification listener on a bus of its own.

mod support;

/// The editor under test, where the checks `ini_properties` shares with the fuzz targets look
/// for it (`crate::ini`).
mod ini {
    pub use awsmfa::ini::*;
}

mod architecture;
mod bad_inputs;
mod catalogue;
mod completions;
mod concurrency;
mod crash_safety;
mod credential_process;
mod doctor;
mod golden;
mod iam;
mod ini_properties;
mod keychain;
mod launchd;
mod list;
mod login;
mod macos;
mod manual;
mod profile_files;
mod regression;
mod reminders;
mod role_profiles;
mod secrets;
mod setup;
