//! The Mac's own reminder services for real, on the macOS CI machine only
//! ([`macos_services`]): `reminders on` loads the real LaunchAgent into launchd (the runner's
//! GUI domain), an agent launchd lost is loaded again, `reminders off` removes it, and
//! `notify-due --test` posts through Notification Center (mac-notification-sys). Elsewhere
//! they are skipped with a printed reason; the launchctl wrapper itself is tested everywhere
//! against a fake (`launchd.rs`), and freedesktop notifications in `reminders.rs`.

use std::os::unix::fs::MetadataExt;
use std::process::Command;

use crate::support::{Home, macos_services, ok, run};

const LAUNCHCTL: &str = "/bin/launchctl";

/// `gui/UID/dev.awsmfa.reminders` of this user; booted out when dropped, so that the
/// runner keeps no agent of a test's.
struct Agent(String);

impl Agent {
    fn of(home: &Home) -> Agent {
        let uid = std::fs::metadata(home.path()).unwrap().uid();
        Agent(format!("gui/{uid}/dev.awsmfa.reminders"))
    }

    /// `launchctl print`: whether launchd has it loaded, and what it says of it.
    fn print(&self) -> (bool, String) {
        let out = run(Command::new(LAUNCHCTL).args(["print", &self.0]));
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = Command::new(LAUNCHCTL).args(["bootout", &self.0]).output();
    }
}

/// `awsmfa reminders ACTION` with reminders as a person has them.
fn reminders(home: &Home, action: &str) -> String {
    ok(home
        .cmd()
        .env_remove("AWSMFA_REMINDERS")
        .args(["reminders", action]))
}

#[test]
fn reminders_on_loads_the_launch_agent_and_one_launchd_lost_is_loaded_again() {
    if !macos_services("launchd") {
        return;
    }
    let home = Home::new("", "");
    let agent = Agent::of(&home);
    let plist = home
        .path()
        .join("Library/LaunchAgents/dev.awsmfa.reminders.plist");

    let out = reminders(&home, "on");
    assert!(
        out.starts_with("installed the launchd agent dev.awsmfa.reminders\n"),
        "{out}"
    );
    let (loaded, said) = agent.print();
    assert!(loaded, "launchd has it: {said}");
    assert!(
        said.contains(&plist.to_string_lossy().into_owned()),
        "{said}"
    );

    let out = reminders(&home, "on");
    assert!(
        out.starts_with("the launchd agent dev.awsmfa.reminders is in place\n"),
        "{out}"
    );

    // Unloaded behind awsmfa's back, its file unchanged: loaded again.
    let out = run(Command::new(LAUNCHCTL).args(["bootout", &agent.0]));
    assert!(out.status.success());
    assert!(!agent.print().0);
    let out = reminders(&home, "on");
    assert!(
        out.starts_with("loaded the launchd agent dev.awsmfa.reminders again"),
        "{out}"
    );
    assert!(agent.print().0);

    let out = reminders(&home, "off");
    assert!(
        out.contains("removed the launchd agent dev.awsmfa.reminders"),
        "{out}"
    );
    assert!(!agent.print().0, "unloaded");
    assert!(!plist.exists(), "and deleted");
}

#[test]
fn notify_due_test_posts_through_notification_center() {
    if !macos_services("Notification Center") {
        return;
    }
    let home = Home::new("", "");
    let out = ok(home.cmd().args(["notify-due", "--test"]));
    assert_eq!(out, "posted: awsmfa test notification\n");
}
