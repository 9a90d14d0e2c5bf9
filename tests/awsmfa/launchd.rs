//! The launchd agent through the launchctl wrapper, on any platform: `install` and `remove`
//! run against the fake launchctl (`tests/support/fake-launchctl`), which records its calls
//! and answers as launchd does, in a home of the test's own.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use awsmfa::error::ErrorKind;
use awsmfa::reminders::schedule::launchd::{self, Installed, Launchctl};
use serde_json::Value;

use crate::support::{Home, REPO};

const PROGRAM: &str = "/opt/homebrew/bin/awsmfa";

/// A home with the fake linked in as `launchctl` in a folder of its own.
struct Mac {
    home: Home,
    launchctl: Launchctl,
}

impl Mac {
    fn new() -> Mac {
        let home = Home::new("", "");
        let fake = Path::new(REPO).join("tests/support/fake-launchctl");
        let path = home.bin_dir().join("launchctl");
        std::os::unix::fs::symlink(fake, &path).unwrap();
        Mac {
            home,
            launchctl: Launchctl::at(path),
        }
    }

    fn state(&self, name: &str) -> PathBuf {
        self.home.bin_dir().join(name)
    }

    /// Every call so far, as argument lists; and forgets them.
    fn calls(&self) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(self.state("launchctl.calls")).unwrap_or_default();
        let _ = std::fs::remove_file(self.state("launchctl.calls"));
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// What launchd has loaded: target → plist path.
    fn loaded(&self) -> Value {
        std::fs::read_to_string(self.state("launchctl.loaded"))
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap_or(Value::Object(Default::default()))
    }

    fn plist(&self) -> PathBuf {
        self.home
            .path()
            .join("Library/LaunchAgents/dev.awsmfa.reminders.plist")
    }

    fn gui(&self) -> String {
        format!("gui/{}", std::fs::metadata(self.home.path()).unwrap().uid())
    }

    fn install(&self, environment: &[(String, String)]) -> awsmfa::error::Result<Installed> {
        launchd::install(
            &self.home.env(),
            &self.launchctl,
            Path::new(PROGRAM),
            environment,
        )
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_agent_is_loaded_once_and_only_checked_while_unchanged() {
    let mac = Mac::new();
    let gui = mac.gui();
    let target = format!("{gui}/dev.awsmfa.reminders");
    let plist = mac.plist().to_string_lossy().into_owned();

    assert_eq!(mac.install(&[]).unwrap(), Installed::Written);
    assert_eq!(
        mac.calls(),
        [
            args(&["bootout", &target]),
            args(&["bootstrap", &gui, &plist])
        ]
    );
    assert_eq!(mac.loaded()[&target], plist.as_str());
    let written = std::fs::read_to_string(mac.plist()).unwrap();
    assert!(written.contains(PROGRAM), "{written}");

    // Unchanged and loaded: one question to launchd, nothing reloaded.
    assert_eq!(mac.install(&[]).unwrap(), Installed::InPlace);
    assert_eq!(mac.calls(), [args(&["print", &target])]);

    // Changed: written and reloaded (the old one booted out first, or bootstrap would fail).
    let vars = vec![("AWSMFA_REMIND".to_string(), "15m".to_string())];
    assert_eq!(mac.install(&vars).unwrap(), Installed::Written);
    assert_eq!(
        mac.calls(),
        [
            args(&["bootout", &target]),
            args(&["bootstrap", &gui, &plist])
        ]
    );
    assert!(
        std::fs::read_to_string(mac.plist())
            .unwrap()
            .contains("AWSMFA_REMIND")
    );
}

#[test]
fn an_agent_launchd_no_longer_has_is_loaded_again_although_its_file_is_unchanged() {
    let mac = Mac::new();
    let gui = mac.gui();
    let target = format!("{gui}/dev.awsmfa.reminders");
    assert_eq!(mac.install(&[]).unwrap(), Installed::Written);
    // The person (or launchd, after a failed run) unloaded it.
    let out = std::process::Command::new(mac.home.bin_dir().join("launchctl"))
        .args(["bootout", &target])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(mac.loaded(), serde_json::json!({}));
    mac.calls();

    assert_eq!(mac.install(&[]).unwrap(), Installed::Reloaded);
    let calls = mac.calls();
    assert_eq!(calls[0], args(&["print", &target]));
    assert_eq!(calls.last().unwrap()[0], "bootstrap");
    assert!(mac.loaded()[&target].is_string(), "loaded again");
    assert_eq!(mac.install(&[]).unwrap(), Installed::InPlace);
}

#[test]
fn a_bootstrap_launchd_refuses_is_tried_again_then_reported_with_its_words() {
    let mac = Mac::new();
    std::fs::write(mac.state("launchctl.fail"), "bootstrap").unwrap();
    let err = mac.install(&[]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RemindersSchedule);
    assert!(
        err.message().contains(" bootstrap gui/")
            && err
                .message()
                .ends_with("failed: Bootstrap failed: 5: Input/output error"),
        "{}",
        err.message()
    );
    let bootstraps = mac.calls().iter().filter(|c| c[0] == "bootstrap").count();
    assert_eq!(
        bootstraps, 5,
        "tried five times: launchd may be finishing a bootout"
    );
    // The file is written; the next login tries to load it again, as launchd still lacks it.
    assert!(mac.plist().is_file());
    std::fs::remove_file(mac.state("launchctl.fail")).unwrap();
    assert_eq!(mac.install(&[]).unwrap(), Installed::Reloaded);
}

#[test]
fn remove_unloads_and_deletes_the_agent_and_is_fine_without_one() {
    let mac = Mac::new();
    let gui = mac.gui();
    let target = format!("{gui}/dev.awsmfa.reminders");
    mac.install(&[]).unwrap();
    mac.calls();
    assert!(launchd::remove(&mac.home.env(), &mac.launchctl).unwrap());
    assert_eq!(mac.calls(), [args(&["bootout", &target])]);
    assert!(!mac.plist().exists());
    assert_eq!(mac.loaded(), serde_json::json!({}));
    assert!(!launchd::remove(&mac.home.env(), &mac.launchctl).unwrap());
    assert!(mac.calls().is_empty(), "no agent, no launchctl");
}

#[test]
fn a_missing_launchctl_is_an_error_that_names_it() {
    let mac = Mac::new();
    let missing = mac.home.bin_dir().join("no-launchctl");
    let err = launchd::install(
        &mac.home.env(),
        &Launchctl::at(&missing),
        Path::new(PROGRAM),
        &[],
    )
    .unwrap_err();
    assert!(
        err.message()
            .contains(&format!("cannot run {}", missing.display())),
        "{}",
        err.message()
    );
}
