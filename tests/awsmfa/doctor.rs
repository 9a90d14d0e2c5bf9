//! `awsmfa doctor` on the real binary: each check's ok, warn and fail, against a fake op, the
//! private keyring session (or a bus without any keychain), a notification listener on a bus
//! of the test's own, AWS files with the problems the AWS CLI refuses, and the places the
//! launchers look for awsmfa; and the exit status, 0 only when nothing fails.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

use crate::support::dbus::{Bus, Listener};
use crate::support::{Home, json, private_session, run, set_mode, stderr};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const WORK: &str = "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_op_item = AWS work\n";

fn keys(profiles: &[&str]) -> String {
    profiles
        .iter()
        .map(|p| {
            format!(
                "[{p}-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n"
            )
        })
        .collect()
}

/// awsmfa with reminders on, posting on `bus`, and no keychain (`AWSMFA_KEYCHAIN=off`).
fn on_bus(home: &Home, bus: &Bus) -> Command {
    let mut cmd = home.cmd();
    cmd.env_remove("AWSMFA_REMINDERS")
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
        .env("AWSMFA_KEYCHAIN", "off");
    cmd
}

/// `doctor`, [`on_bus`].
fn doctor(home: &Home, bus: &Bus) -> Command {
    let mut cmd = on_bus(home, bus);
    cmd.arg("doctor");
    cmd
}

/// Links this awsmfa where the Raycast extension finds it (`~/.cargo/bin`) and installs the
/// Alfred workflow with it bundled, as a machine set up by the README has it.
fn install_launchers(home: &Home) {
    let this = env!("CARGO_BIN_EXE_awsmfa");
    let cargo_bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&cargo_bin).unwrap();
    std::os::unix::fs::symlink(this, cargo_bin.join("awsmfa")).unwrap();
    let workflow = home.write_file(
        "Library/Application Support/Alfred/Alfred.alfredpreferences/workflows/user.workflow.1234/awsmfa-alfred.sh",
        "#!/bin/bash\n",
    );
    std::os::unix::fs::symlink(this, workflow.with_file_name("awsmfa")).unwrap();
}

/// Each check's `check` (with `:PROFILE` for a profile's) and status.
fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let name = match c["profile"].as_str() {
                Some(profile) => format!("{}:{profile}", c["check"].as_str().unwrap()),
                None => c["check"].as_str().unwrap().to_string(),
            };
            (name, c["status"].as_str().unwrap().to_string())
        })
        .collect()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check: {report}"))
}

fn homebrew_has_awsmfa() -> bool {
    awsmfa::doctor::launchers::HOMEBREW
        .iter()
        .any(|p| std::path::Path::new(p).exists())
}

#[test]
fn a_machine_set_up_as_the_readme_says_passes() {
    if homebrew_has_awsmfa() {
        eprintln!("skipped: this machine has an awsmfa where Homebrew puts it");
        return;
    }
    let bus = Bus::start();
    let _listener = Listener::start(&bus);
    let home = Home::new(WORK, &keys(&["work"]));
    install_launchers(&home);

    let out = run(doctor(&home, &bus).args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["ok"], true);
    let want: BTreeMap<String, String> = [
        ("config_file", "ok"),
        ("credentials_file", "ok"),
        ("op_found", "ok"),
        ("op_answers", "ok"),
        ("keychain", "warn"),
        ("profile:work", "ok"),
        ("reminders", "ok"),
        ("notifications", "ok"),
        ("alfred", "ok"),
        ("raycast", "ok"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(statuses(&report), want, "{report:#}");
    let op = check(&report, "op_found");
    assert_eq!(
        op["detail"],
        format!("{}/op 2.30.0", home.bin_dir().display())
    );
    assert_eq!(op["title"], "1Password CLI found");
    assert_eq!(op["fix"], Value::Null);
    assert_eq!(
        check(&report, "op_answers")["detail"],
        "op vault list read 1 vault"
    );
    assert_eq!(
        check(&report, "profile")["detail"],
        "keys in [work-mfa] · serial arn:aws:iam::123456789012:mfa/work (mfa_serial) · code from 1Password item \"AWS work\""
    );
    assert_eq!(
        check(&report, "keychain")["fix"],
        "unset AWSMFA_KEYCHAIN to keep serials in the keychain"
    );
    assert_eq!(
        check(&report, "notifications")["detail"],
        "awsmfa-test-listener 1.0 (awsmfa) answers"
    );
    assert_eq!(check(&report, "raycast")["detail"], "~/.cargo/bin/awsmfa");
    let alfred = check(&report, "alfred")["detail"].as_str().unwrap();
    assert!(alfred.ends_with("/user.workflow.1234/awsmfa"), "{alfred}");

    // Text: one line per check, status first; the code never shows.
    let out = run(doctor(&home, &bus).env("FAKE_OP_CODE", "987654"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 10, "{text}");
    assert!(
        text.lines()
            .all(|l| l.starts_with("ok    ") || l.starts_with("warn  ")),
        "{text}"
    );
    assert!(
        text.contains("warn  Keychain answers: turned off (AWSMFA_KEYCHAIN=off)"),
        "{text}"
    );
    assert!(!text.contains("987654"), "{text}");

    // Alfred: one item per check, none acts on ↩, the fix under a warning.
    let out = run(doctor(&home, &bus).args(["--format", "alfred"]));
    let items = json(&out)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 10);
    assert!(items.iter().all(|i| i["valid"] == false));
    let keychain = items
        .iter()
        .find(|i| i["title"] == "Keychain answers")
        .unwrap();
    assert_eq!(keychain["icon"]["path"], "icons/expiring.png");
    assert_eq!(
        keychain["subtitle"],
        "unset AWSMFA_KEYCHAIN to keep serials in the keychain"
    );
    assert_eq!(items[0]["icon"]["path"], "icons/valid.png");
}

#[test]
fn every_failing_check_says_its_fix_and_the_doctor_exits_non_zero() {
    // No notification service on the bus, a config file the AWS CLI refuses, 1Password
    // locked, a profile with no serial, another copy of awsmfa where Raycast looks first.
    let bus = Bus::start();
    let home = Home::new(
        &format!(
            "{WORK}[profile home]\nawsmfa_op_item = AWS home\n[profile work]\nregion = eu-west-1\n"
        ),
        &keys(&["work", "home"]),
    );
    let other = home.write_file(".cargo/bin/awsmfa", "#!/bin/sh\nexit 0\n");
    set_mode(&other, 0o755);

    let out = run(doctor(&home, &bus)
        .env("FAKE_OP_MODE", "locked")
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["ok"], false);
    let statuses = statuses(&report);
    for (name, status) in [
        ("config_file", "fail"),
        ("credentials_file", "ok"),
        ("op_found", "ok"),
        ("op_answers", "fail"),
        ("profile:home", "fail"),
        ("profile:work", "fail"),
        ("reminders", "ok"),
        ("notifications", "fail"),
    ] {
        assert_eq!(statuses[name], status, "{name}: {report:#}");
    }
    let config = check(&report, "config_file");
    assert_eq!(
        config["title"],
        "~/.aws/config reads as the AWS CLI reads it"
    );
    assert_eq!(
        config["detail"],
        "it has [profile work] twice (lines 1 and 7)"
    );
    assert_eq!(
        config["fix"],
        "merge the two into one section: the AWS CLI and SDKs will not read the file until then"
    );
    let op = check(&report, "op_answers");
    assert_eq!(op["detail"], "1Password is locked");
    assert!(op["fix"].as_str().unwrap().starts_with("unlock it"), "{op}");
    let checks = report["checks"].as_array().unwrap();
    let home_check = checks.iter().find(|c| c["profile"] == "home").unwrap();
    assert_eq!(home_check["detail"], "no MFA serial for home");
    assert_eq!(
        home_check["fix"],
        "run awsmfa setup home --serial arn:aws:iam::ACCOUNT:mfa/DEVICE (IAM → Security credentials → MFA)"
    );
    let work_check = checks.iter().find(|c| c["profile"] == "work").unwrap();
    assert_eq!(
        work_check["detail"],
        "1Password item \"AWS work\" not read: 1Password did not answer"
    );
    let notifications = check(&report, "notifications");
    assert!(
        notifications["detail"]
            .as_str()
            .unwrap()
            .starts_with("no notification service runs on the D-Bus session bus"),
        "{notifications}"
    );
    assert_eq!(
        notifications["fix"],
        "start your desktop's notification daemon"
    );
    if !homebrew_has_awsmfa() {
        let raycast = check(&report, "raycast");
        assert_eq!(raycast["status"], "warn");
        assert_eq!(
            raycast["detail"],
            format!(
                "Raycast runs ~/.cargo/bin/awsmfa, this is {}",
                std::fs::canonicalize(env!("CARGO_BIN_EXE_awsmfa"))
                    .unwrap()
                    .display()
            )
        );
    }
    // One line on stderr names what failed (after a progress line, if op was slow); no
    // error object replaces the checks.
    let err = stderr(&out);
    let mut lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.pop(),
        Some(
            "awsmfa: 5 checks of 11 failed (~/.aws/config reads as the AWS CLI reads it; 1Password answers; home ready to log in; work ready to log in; Reminders can be posted): each says how to fix it"
        ),
        "{err}"
    );
    assert!(
        lines.iter().all(|l| l.starts_with("Waiting for 1Password")),
        "{err}"
    );
    assert_eq!(report.get("error"), None);
}

#[test]
fn op_missing_is_a_failure_only_when_a_profile_needs_it() {
    let bus = Bus::start();
    let _listener = Listener::start(&bus);
    let home = Home::new(WORK, &keys(&["work"]));
    let out = run(doctor(&home, &bus)
        .env("AWSMFA_OP", home.path().join("no-such-op"))
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let op = check(&report, "op_found");
    assert_eq!(op["status"], "fail");
    assert!(
        op["detail"]
            .as_str()
            .unwrap()
            .starts_with("AWSMFA_OP is set to ~/no-such-op")
            || op["detail"].as_str().unwrap().starts_with(&format!(
                "AWSMFA_OP is set to {}",
                home.path().join("no-such-op").display()
            )),
        "{op}"
    );
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["check"] != "op_answers"),
        "nothing to ask without op"
    );

    // A profile whose code comes from mfa_process needs no 1Password.
    home.write_file(
        ".aws/config",
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nmfa_process = echo 123456\n",
    );
    let out = run(doctor(&home, &bus)
        .env("AWSMFA_OP", home.path().join("no-such-op"))
        .args(["--format", "json"]));
    let report = json(&out);
    assert_eq!(check(&report, "op_found")["status"], "ok");
    assert_eq!(check(&report, "profile")["status"], "ok");
}

#[test]
fn reminders_off_is_a_warning_and_fine() {
    let bus = Bus::start();
    let _listener = Listener::start(&bus);
    let home = Home::new(WORK, &keys(&["work"]));
    let out = run(doctor(&home, &bus)
        .env("AWSMFA_REMINDERS", "off")
        .args(["--format", "json"]));
    let report = json(&out);
    let reminders = check(&report, "reminders");
    assert_eq!(reminders["status"], "warn");
    assert_eq!(reminders["detail"], "off (AWSMFA_REMINDERS)");
    assert_eq!(reminders["fix"], "unset AWSMFA_REMINDERS (or set it to on)");
}

#[test]
fn a_bus_without_a_keychain_fails_the_profiles_that_need_it() {
    if cfg!(target_os = "macos") {
        // The keychain there is the login Keychain, whatever the bus.
        return;
    }
    let bus = Bus::start();
    let _listener = Listener::start(&bus);
    let home = Home::new(
        "[profile work]\nawsmfa_op_item = AWS work\n",
        &keys(&["work"]),
    );
    let mut cmd = doctor(&home, &bus);
    cmd.env_remove("AWSMFA_KEYCHAIN").args(["--format", "json"]);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let keychain = check(&report, "keychain");
    assert_eq!(keychain["status"], "fail", "{keychain}");
    assert!(
        keychain["detail"]
            .as_str()
            .unwrap()
            .starts_with("cannot read the MFA serial of work in the keychain"),
        "{keychain}"
    );
    assert_eq!(check(&report, "profile")["status"], "fail");

    // With mfa_serial to fall back on, the same keychain is only a warning.
    home.write_file(".aws/config", WORK);
    let report = json(&run(&mut cmd));
    assert_eq!(check(&report, "keychain")["status"], "warn");
    assert_eq!(check(&report, "profile")["status"], "ok");
}

#[test]
fn the_keychain_answers_in_the_private_session_and_gives_the_serial() {
    if !private_session("the OS keychain") {
        return;
    }
    // A name no other test uses: the private session's keyring is shared by all of them.
    let name = format!("doctor-{}", std::process::id());
    let home = Home::new(
        &format!("[profile {name}]\nawsmfa_op_item = AWS work\n"),
        &keys(&[&name]),
    );
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if let Ok(entry) = keyring::Entry::new("awsmfa", &self.0) {
                let _ = entry.delete_credential();
            }
        }
    }
    let _cleanup = Cleanup(name.clone());
    let serial = "arn:aws:iam::123456789012:mfa/doctor";
    let out = run(home.cmd().args(["setup", &name, "--serial", serial]));
    assert!(out.status.success(), "{}", stderr(&out));

    let out = run(home.cmd().args(["doctor", "--format", "json"]));
    let report = json(&out);
    let keychain = check(&report, "keychain");
    assert_eq!(keychain["status"], "ok", "{keychain}");
    assert_eq!(keychain["detail"], "the Secret Service answers");
    let profile = check(&report, "profile");
    assert_eq!(profile["status"], "ok", "{profile}");
    assert!(
        profile["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("serial {serial} (keychain)")),
        "{profile}"
    );
}

#[test]
fn warnings_and_failures_of_the_less_common_kind() {
    // No credentials file; 1Password locked but needed by no profile (a YubiKey and an
    // mfa_process profile); a profile with temporary keys in its source; reminders off with
    // no notification service; the last reminder refused.
    let bus = Bus::start();
    let home = Home::new(
        "[profile key]\nmfa_serial = arn:aws:iam::123456789012:mfa/key\nawsmfa_ykman_account = AWS:key\n\
         [profile temp]\nmfa_serial = arn:aws:iam::123456789012:mfa/temp\nmfa_process = echo 123456\n\
         [profile temp]\n",
        "",
    );
    std::fs::remove_file(home.credentials_path()).unwrap();
    let out = run(doctor(&home, &bus)
        .env("FAKE_OP_MODE", "locked")
        .env("AWSMFA_REMINDERS", "off")
        .args(["--format", "json"]));
    let report = json(&out);
    let credentials = check(&report, "credentials_file");
    assert_eq!(credentials["status"], "fail", "{report:#}");
    assert_eq!(credentials["detail"], "~/.aws/credentials does not exist");
    assert_eq!(check(&report, "profiles")["status"], "fail");
    assert_eq!(
        check(&report, "notifications")["status"],
        "warn",
        "reminders are off"
    );

    home.write_file(
        ".aws/credentials",
        "[key-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n\
         [temp-mfa]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = t\n",
    );
    let out = run(doctor(&home, &bus)
        .env("FAKE_OP_MODE", "locked")
        .env("AWSMFA_REMINDERS", "off")
        .args(["--format", "json"]));
    let report = json(&out);
    assert_eq!(check(&report, "op_found")["status"], "ok");
    assert_eq!(
        check(&report, "op_answers")["status"],
        "warn",
        "no profile needs 1Password"
    );
    let checks = report["checks"].as_array().unwrap();
    let key = checks.iter().find(|c| c["profile"] == "key").unwrap();
    assert_eq!(key["status"], "ok", "{key}");
    assert!(
        key["detail"].as_str().unwrap().ends_with(&format!(
            "code from YubiKey account \"AWS:key\" ({}/ykman)",
            home.bin_dir().display()
        )),
        "{key}"
    );
    let temp = checks.iter().find(|c| c["profile"] == "temp").unwrap();
    assert_eq!(temp["status"], "fail");
    assert_eq!(
        temp["detail"],
        "[temp-mfa] holds temporary keys (ASIA…), but AWS only issues MFA sessions for long-term keys"
    );
    // The config file has [profile temp] twice, which the AWS CLI refuses.
    assert_eq!(check(&report, "config_file")["status"], "fail");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_last_reminder_that_could_not_be_posted_is_a_warning() {
    let bus = Bus::start();
    let at = awsmfa::expiry::format(
        jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 300).unwrap(),
    );
    let home = Home::new(
        WORK,
        &format!(
            "{}[work]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = {at}\n",
            keys(&["work"])
        ),
    );
    let refusing = Listener::with(
        &bus,
        crate::support::dbus::Answers {
            refuse: Some("Do Not Disturb".into()),
            ..Default::default()
        },
    );
    let out = run(on_bus(&home, &bus).arg("notify-due"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    drop(refusing);

    let _listener = Listener::start(&bus);
    let report = json(&run(doctor(&home, &bus).args(["--format", "json"])));
    let notifications = check(&report, "notifications");
    assert_eq!(notifications["status"], "warn", "{notifications}");
    let detail = notifications["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(
            "awsmfa-test-listener 1.0 (awsmfa) answers, but the reminder for work at "
        ),
        "{detail}"
    );
    assert!(
        detail.ends_with(
            "could not be posted: the notification service refused the notification: Do Not Disturb"
        ),
        "{detail}"
    );
}
