//! Expiry reminders end to end: the real binary posts to a real freedesktop notification
//! service — a listener on a private D-Bus session bus of each test's own — and is scheduled
//! through the same files and commands as on a person's machine.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::dbus::{Answers, Bus, Listener};
use crate::support::{Home, Moto, linux_only, ok, run};
use jiff::Timestamp;
use serde_json::Value;

/// What these tests post to and schedule with (macOS: `macos.rs`).
const DESKTOP: &str = "a freedesktop notification service on a D-Bus session bus";

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_SECRET: &str = "session/secret/never/shown";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

/// A time `seconds` from now, whole seconds, as awsmfa writes it.
fn in_seconds(seconds: i64) -> String {
    let at = Timestamp::from_second(Timestamp::now().as_second() + seconds).unwrap();
    awsmfa::expiry::format(at)
}

/// A credentials file with `work`'s long-term keys and, per `(profile, expiry)`, a session.
fn credentials(sessions: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (profile, _) in sessions {
        text.push_str(&format!(
            "[{profile}-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n"
        ));
    }
    for (profile, expires) in sessions {
        text.push_str(&format!(
            "[{profile}]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = {SESSION_SECRET}\n\
             aws_session_token = {SESSION_TOKEN}\nx_security_token_expires = {expires}\n"
        ));
    }
    text
}

/// A bus with a listener: one person's desktop.
struct Desktop {
    listener: Listener,
    bus: Bus,
}

impl Desktop {
    fn start() -> Desktop {
        let bus = Bus::start();
        Desktop {
            listener: Listener::start(&bus),
            bus,
        }
    }

    fn summaries(&self) -> Vec<String> {
        self.listener
            .notifications()
            .iter()
            .map(|n| n["summary"].as_str().unwrap().to_string())
            .collect()
    }
}

/// The binary on `home` with reminders as a person has them (not turned off as for every
/// other test), posting on `bus`.
fn on(home: &Home, bus: &Bus) -> Command {
    let mut cmd = home.cmd();
    cmd.env_remove("AWSMFA_REMINDERS")
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address());
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = ok(cmd);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn notify_due(home: &Home, desktop: &Desktop) -> String {
    ok(on(home, &desktop.bus).arg("notify-due"))
}

/// Ends the background waiter a test's commands started, and waits until it is gone.
fn stop_waiter(home: &Home) {
    let pid_file = home.cache_dir().join("reminders-waiter.pid");
    let Ok(pid) = std::fs::read_to_string(&pid_file) else {
        return;
    };
    let pid = pid.trim();
    if pid.is_empty() || !Path::new(&format!("/proc/{pid}")).exists() {
        return;
    }
    let _ = Command::new("kill").arg(pid).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_session_gets_one_reminder_before_one_at_expiry_and_none_once_refreshed() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(300))]));

    let out = notify_due(&home, &desktop);
    assert!(
        out.starts_with("posted: AWS work expires in 5 min\n"),
        "{out}"
    );
    let shown = desktop.listener.notifications();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0]["app_name"], "awsmfa");
    assert_eq!(shown[0]["replaces_id"], 0);
    let body = shown[0]["body"].as_str().unwrap();
    assert!(body.contains("run awsmfa login work"), "{body}");

    let again = notify_due(&home, &desktop);
    assert!(again.starts_with("nothing due\n"), "{again}");
    assert_eq!(desktop.listener.notifications().len(), 1, "not twice");

    home.write_file(
        ".aws/credentials",
        &credentials(&[("work", &in_seconds(-60))]),
    );
    let out = notify_due(&home, &desktop);
    assert_eq!(out, "posted: AWS work session expired\n");
    // The expiry moved, so to awsmfa this is another session: its own "expired" and
    // nothing more (the waiter test lets real time pass over one session instead).
    assert_eq!(desktop.summaries().len(), 2);
    assert_eq!(notify_due(&home, &desktop), "nothing due\n");

    // A new login: a new expiry, 12 h away. Nothing stale, nothing yet.
    home.write_file(
        ".aws/credentials",
        &credentials(&[("work", &in_seconds(12 * 3600))]),
    );
    let out = notify_due(&home, &desktop);
    assert!(
        out.starts_with("nothing due\nnext reminder due at "),
        "{out}"
    );
    assert_eq!(desktop.listener.notifications().len(), 2);

    for call in desktop.listener.calls() {
        let text = call.to_string();
        for secret in [SECRET, SESSION_SECRET, SESSION_TOKEN] {
            assert!(
                !text.contains(secret),
                "a secret reached a notification: {text}"
            );
        }
    }
}

#[test]
fn a_machine_that_slept_through_both_posts_only_expired_and_not_hours_late() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let home = Home::new(
        "",
        &credentials(&[
            ("work", &in_seconds(-20 * 60)),
            ("old", &in_seconds(-13 * 3600)),
        ]),
    );
    assert_eq!(
        notify_due(&home, &desktop),
        "posted: AWS work session expired\n"
    );
    let shown = desktop.listener.notifications();
    assert_eq!(shown.len(), 1, "{shown:?}");
    let body = shown[0]["body"].as_str().unwrap();
    assert!(body.contains("(20m ago)"), "{body}");
}

#[test]
fn reminders_off_by_environment_or_command_post_nothing() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(300))]));

    let out = ok(on(&home, &desktop.bus)
        .arg("notify-due")
        .env("AWSMFA_REMINDERS", "off"));
    assert_eq!(
        out,
        "reminders are off (AWSMFA_REMINDERS): awsmfa reminders on turns them on\n"
    );

    let out = ok(on(&home, &desktop.bus).args(["reminders", "off"]));
    assert!(
        out.contains("reminders: off (awsmfa reminders on|off)"),
        "{out}"
    );
    assert!(notify_due(&home, &desktop).starts_with("reminders are off"));
    let status = json(on(&home, &desktop.bus).args(["reminders", "status", "--format", "json"]));
    assert_eq!(status["enabled"], false);
    assert_eq!(status["switch"], "stored");
    assert_eq!(status["upcoming"], Value::Array(vec![]));
    assert!(desktop.listener.notifications().is_empty());

    // On again: a waiter starts (no systemd here) and posts what is due, once, however
    // many checks run at the same time.
    let out = ok(on(&home, &desktop.bus).args(["reminders", "on"]));
    assert!(out.contains("background waiter (pid "), "{out}");
    let _ = notify_due(&home, &desktop);
    let shown = desktop.listener.wait_for(1, Duration::from_secs(10));
    assert_eq!(
        desktop.summaries(),
        ["AWS work expires in 5 min"],
        "{shown:?}"
    );
    let status = json(on(&home, &desktop.bus).args(["reminders", "status", "--format", "json"]));
    assert_eq!(status["enabled"], true);
    assert_eq!(status["scheduler"]["kind"], "waiter");
    assert_eq!(status["last_posted"]["profile"], "work");
    assert_eq!(status["last_posted"]["kind"], "early");
    assert_eq!(status["upcoming"][0]["kind"], "expired");
    stop_waiter(&home);
    assert_eq!(desktop.listener.notifications().len(), 1);
}

#[test]
fn lead_time_from_the_profile_and_zero_means_only_at_expiry() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let home = Home::new(
        "[profile work]\nawsmfa_remind = 30m\n[profile home]\nawsmfa_remind = 0\n",
        &credentials(&[("work", &in_seconds(20 * 60)), ("home", &in_seconds(120))]),
    );
    assert_eq!(
        notify_due(&home, &desktop).lines().next(),
        Some("posted: AWS work expires in 20 min")
    );
    assert_eq!(desktop.summaries(), ["AWS work expires in 20 min"]);

    // AWSMFA_REMIND applies to profiles without their own key; invalid values are reported.
    let status = ok(on(&home, &desktop.bus)
        .args(["reminders", "status"])
        .env("AWSMFA_REMIND", "soon"));
    assert!(
        status.contains("problem: AWSMFA_REMIND `soon` is not a length of time"),
        "{status}"
    );
    let text = ok(on(&home, &desktop.bus).args(["status", "home"]));
    assert!(
        text.contains("  reminders: at expiry only (awsmfa_remind) · not scheduled\n"),
        "{text}"
    );
}

#[test]
fn a_refused_notification_is_recorded_and_posted_on_a_later_run() {
    if !linux_only(DESKTOP) {
        return;
    }
    let bus = Bus::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(300))]));

    // No notification service on the bus at all.
    let out = run(on(&home, &bus).arg("notify-due"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "awsmfa: could not post the reminder for work: no notification service runs on the D-Bus session bus (nothing owns org.freedesktop.Notifications): start your desktop's notification daemon\n"
    );

    let refusing = Listener::with(
        &bus,
        Answers {
            refuse: Some("Do Not Disturb".into()),
            ..Answers::default()
        },
    );
    let out = run(on(&home, &bus).arg("notify-due"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "awsmfa: could not post the reminder for work: the notification service refused the notification: Do Not Disturb\n"
    );
    let status = json(on(&home, &bus).args(["reminders", "status", "--format", "json"]));
    assert_eq!(status["last_failure"]["profile"], "work");
    assert!(
        status["last_failure"]["message"]
            .as_str()
            .unwrap()
            .contains("Do Not Disturb")
    );
    drop(refusing);

    let listener = Listener::with(
        &bus,
        Answers {
            markup: true,
            ..Answers::default()
        },
    );
    let out = ok(on(&home, &bus).arg("notify-due"));
    assert!(out.starts_with("posted: AWS work expires in "), "{out}");
    assert_eq!(listener.notifications().len(), 1);
    let status = json(on(&home, &bus).args(["reminders", "status", "--format", "json"]));
    assert_eq!(status["last_failure"], Value::Null);
}

#[test]
fn markup_in_a_profile_name_is_escaped_for_servers_that_read_markup() {
    if !linux_only(DESKTOP) {
        return;
    }
    let bus = Bus::start();
    let listener = Listener::with(
        &bus,
        Answers {
            markup: true,
            ..Answers::default()
        },
    );
    let home = Home::new("", &credentials(&[("r&d<b>", &in_seconds(60))]));
    ok(on(&home, &bus).arg("notify-due"));
    let shown = listener.notifications();
    let body = shown[0]["body"].as_str().unwrap();
    assert!(
        body.contains("awsmfa login 'r&amp;d&lt;b&gt;'"),
        "escaped for markup: {body}"
    );
}

#[test]
fn the_waiter_posts_on_time_then_ends_and_only_one_runs() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(4))]));
    let started = Instant::now();
    let mut waiter = on(&home, &desktop.bus)
        .args(["notify-due", "--wait"])
        .spawn()
        .expect("start the waiter");
    desktop.listener.wait_for(1, Duration::from_secs(10));
    // A second waiter finds the first and leaves (after a second's patience).
    let second_started = Instant::now();
    let second = run(on(&home, &desktop.bus).args(["notify-due", "--wait"]));
    assert!(second.status.success());
    assert!(
        second_started.elapsed() < Duration::from_secs(3),
        "the second waiter left"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = waiter.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the waiter did not end");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    assert_eq!(
        desktop.summaries(),
        ["AWS work expires in 1 min", "AWS work session expired"]
    );
    let shown = desktop.listener.notifications();
    assert_eq!(
        shown[1]["replaces_id"], shown[0]["id"],
        "the expired reminder replaces the early one on screen"
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(15),
        "posted the expiry on time and ended: {took:?}"
    );
}

#[test]
fn a_waiter_without_a_desktop_bus_ends_at_once() {
    if !linux_only(DESKTOP) {
        return;
    }
    let mut desktop = Desktop::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(3600))]));
    desktop.bus.stop();
    let started = Instant::now();
    let out = run(on(&home, &desktop.bus).args(["notify-due", "--wait"]));
    assert!(out.status.success());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn login_starts_a_waiter_that_reminds_of_the_new_session() {
    if !linux_only(DESKTOP) {
        return;
    }
    let moto = Moto::shared();
    let desktop = Desktop::start();
    let home = Home::new(
        "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\n",
        &format!(
            "[work-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n"
        ),
    );
    let out = ok(on(&home, &desktop.bus)
        .args([
            "login",
            "work",
            "--code",
            "123456",
            "--duration",
            "15m",
            "--remind",
            "15m",
        ])
        .env("AWS_ENDPOINT_URL_STS", moto.url()));
    assert!(out.starts_with("work: session valid until "), "{out}");
    // The new session is 15 min long and the lead 15 min: due at once.
    desktop.listener.wait_for(1, Duration::from_secs(10));
    assert_eq!(desktop.summaries(), ["AWS work expires in 15 min"]);
    let status = json(on(&home, &desktop.bus).args(["reminders", "status", "--format", "json"]));
    assert_eq!(status["scheduler"]["kind"], "waiter");
    assert_eq!(status["upcoming"][0]["profile"], "work");
    assert_eq!(status["upcoming"][0]["kind"], "expired");
    let text = ok(on(&home, &desktop.bus).args(["status", "work"]));
    assert!(
        text.contains(
            "  reminders: 15 min before expiry and at expiry (login --remind) · background waiter\n"
        ),
        "{text}"
    );
    stop_waiter(&home);

    let bad = run(
        on(&home, &desktop.bus).args(["login", "work", "--code", "123456", "--remind", "soon"])
    );
    assert_eq!(bad.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "awsmfa: --remind `soon` is not a length of time: write it like 10m, 1h or 90s, or 0 for a reminder only at expiry\n"
    );
}

/// A `systemctl` that does what the real one does to the files (`enable` links the timer
/// into `timers.target.wants`, `disable` unlinks it) and logs its arguments.
const FAKE_SYSTEMCTL: &str = r#"#!/bin/sh
echo "$*" >> "$FAKE_SYSTEMCTL_LOG"
dir="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
case "$2" in
    enable) mkdir -p "$dir/timers.target.wants" && ln -sf "../$3" "$dir/timers.target.wants/$3" ;;
    disable) rm -f "$dir/timers.target.wants/$4" ;;
esac
"#;

#[test]
fn a_systemd_user_timer_is_installed_once_updated_on_change_and_removed() {
    if !linux_only(DESKTOP) {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let desktop = Desktop::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(3600))]));
    let runtime = home.path().join("run");
    std::fs::create_dir_all(runtime.join("systemd")).unwrap();
    std::fs::write(runtime.join("systemd/private"), "").unwrap();
    let fake = home.bin_dir().join("systemctl");
    std::fs::write(&fake, FAKE_SYSTEMCTL).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = home.path().join("systemctl.log");
    let calls = || std::fs::read_to_string(&log).unwrap_or_default();
    let cmd = || {
        let mut cmd = on(&home, &desktop.bus);
        cmd.env("XDG_RUNTIME_DIR", &runtime)
            .env("FAKE_SYSTEMCTL_LOG", &log);
        cmd
    };

    let out = ok(cmd().args(["reminders", "on"]));
    assert!(
        out.starts_with("installed the systemd user timer awsmfa-reminders.timer\n"),
        "{out}"
    );
    assert_eq!(
        calls(),
        "--user daemon-reload\n--user enable awsmfa-reminders.timer\n--user restart awsmfa-reminders.timer\n"
    );
    let units = home.path().join(".config/systemd/user");
    let service = std::fs::read_to_string(units.join("awsmfa-reminders.service")).unwrap();
    let program = env!("CARGO_BIN_EXE_awsmfa");
    assert!(
        service.contains(&format!("ExecStart=\"{program}\" notify-due\n")),
        "{service}"
    );
    assert!(
        service.contains(&format!(
            "Environment=\"AWS_SHARED_CREDENTIALS_FILE={}\"\n",
            home.credentials_path().display()
        )),
        "{service}"
    );
    assert!(units.join("awsmfa-reminders.timer").is_file());

    // Unchanged: nothing to do, no systemctl.
    let out = ok(cmd().args(["reminders", "on"]));
    assert!(out.starts_with("the systemd user timer awsmfa-reminders.timer is in place\n"));
    assert_eq!(calls().lines().count(), 3);
    let status = json(cmd().args(["reminders", "status", "--format", "json"]));
    assert_eq!(status["scheduler"]["kind"], "systemd");
    let text = ok(cmd().args(["status", "work"]));
    assert!(
        text.contains(
            "  reminders: 10 min before expiry and at expiry (default) · systemd user timer\n"
        ),
        "{text}"
    );

    // A setting the job must see changed: the unit is rewritten and reloaded.
    ok(cmd().args(["reminders", "on"]).env("AWSMFA_REMIND", "15m"));
    assert_eq!(calls().lines().count(), 6);
    let service = std::fs::read_to_string(units.join("awsmfa-reminders.service")).unwrap();
    assert!(
        service.contains("Environment=\"AWSMFA_REMIND=15m\"\n"),
        "{service}"
    );

    let out = ok(cmd().args(["reminders", "off"]));
    assert!(
        out.starts_with("removed the systemd user timer awsmfa-reminders.timer\n"),
        "{out}"
    );
    assert!(
        calls().ends_with("--user disable --now awsmfa-reminders.timer\n--user daemon-reload\n")
    );
    assert!(!units.join("awsmfa-reminders.service").exists());
    assert!(!units.join("awsmfa-reminders.timer").exists());
    assert!(
        units
            .join("timers.target.wants/awsmfa-reminders.timer")
            .symlink_metadata()
            .is_err()
    );
    assert!(desktop.listener.notifications().is_empty());
}

#[test]
fn notify_due_test_posts_one_test_notification_even_with_reminders_off() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let home = Home::new("", &credentials(&[("work", &in_seconds(300))]));
    let out = ok(on(&home, &desktop.bus)
        .args(["notify-due", "--test"])
        .env("AWSMFA_REMINDERS", "off"));
    assert_eq!(out, "posted: awsmfa test notification\n");
    let shown = desktop.listener.wait_for(1, Duration::from_secs(10));
    assert_eq!(desktop.summaries(), ["awsmfa test notification"]);
    assert_eq!(shown[0]["body"], "AWS session reminders appear like this.");
    // Only the test: the reminder due for work is still due.
    assert!(notify_due(&home, &desktop).starts_with("posted: AWS work expires in 5 min\n"));

    // No desktop to post to: a failure that says so.
    let mut gone = Desktop::start();
    gone.bus.stop();
    let out = run(on(&home, &gone.bus).args(["notify-due", "--test", "--format", "json"]));
    assert_eq!(out.status.code(), Some(1));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["error"]["kind"], "notify_failed");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("could not post the test notification: "),
        "{answer}"
    );
}

#[test]
fn help_explains_the_reminder_commands() {
    let home = Home::new("", "");
    for args in [vec!["reminders", "--help"], vec!["notify-due", "--help"]] {
        let out = ok(home.cmd().args(&args));
        assert!(out.contains("Example"), "{args:?}:\n{out}");
    }
}

/// `work` set up with a 1Password item (the fake op's) and an MFA serial in the config file.
const WORK_WITH_OP_ITEM: &str = "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_op_item = AWS work\n";

/// Posts the reminder before expiry of `home`'s session through `notify-due` (with `env` for
/// it and the waiting poster it leaves behind), and returns the notification's ID.
fn post_reminder_with_button(home: &Home, desktop: &Desktop, env: &[(&str, &str)]) -> u64 {
    let mut cmd = on(home, &desktop.bus);
    cmd.arg("notify-due").envs(env.iter().copied());
    let out = ok(&mut cmd);
    assert!(
        out.starts_with("posted: AWS work expires in 5 min\n"),
        "{out}"
    );
    let shown = desktop.listener.notifications();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(
        shown[0]["actions"],
        serde_json::json!(["refresh", "Refresh"]),
        "the reminder before expiry offers Refresh"
    );
    shown[0]["id"].as_u64().unwrap()
}

#[test]
fn refresh_on_the_reminder_logs_in_and_posts_the_new_expiry_in_its_place() {
    if !linux_only(DESKTOP) {
        return;
    }
    let moto = Moto::shared();
    let desktop = Desktop::start();
    let home = Home::new(
        WORK_WITH_OP_ITEM,
        &credentials(&[("work", &in_seconds(300))]),
    );
    let id = post_reminder_with_button(
        &home,
        &desktop,
        &[
            ("AWS_ENDPOINT_URL_STS", moto.url()),
            ("FAKE_OP_CODE", "987654"),
        ],
    );

    desktop.listener.invoke(id, "refresh");
    let shown = desktop.listener.wait_for(2, Duration::from_secs(60));
    assert_eq!(shown.len(), 2, "the result is posted: {shown:?}");
    assert_eq!(shown[1]["summary"], "AWS work session refreshed");
    assert_eq!(shown[1]["replaces_id"], id, "in place of the reminder");
    assert_eq!(shown[1]["actions"], serde_json::json!([]));
    let body = shown[1]["body"].as_str().unwrap();
    assert!(body.starts_with("The session valid until "), "{body}");
    // The same connection posted both, and heard the click.
    assert_eq!(shown[1]["sender"], shown[0]["sender"]);

    // The login happened: a new session from STS, 12 h long, the long-term keys kept.
    let credentials = home.read_credentials();
    assert!(!credentials.contains(SESSION_TOKEN), "{credentials}");
    assert!(credentials.contains(SECRET));
    let status = json(home.cmd().args(["status", "work", "--format", "json"]));
    assert_eq!(status["status"], "valid");
    assert!(
        status["seconds_left"].as_i64().unwrap() > 11 * 3600,
        "{status}"
    );
    for call in desktop.listener.calls() {
        let text = call.to_string();
        assert!(
            !text.contains("987654"),
            "the code reached a notification: {text}"
        );
    }
}

#[test]
fn a_refresh_that_fails_says_why_in_place_of_the_reminder() {
    if !linux_only(DESKTOP) {
        return;
    }
    let desktop = Desktop::start();
    let before = credentials(&[("work", &in_seconds(300))]);
    let home = Home::new(WORK_WITH_OP_ITEM, &before);
    let id = post_reminder_with_button(&home, &desktop, &[("FAKE_OP_MODE", "locked")]);

    desktop.listener.invoke(id, "refresh");
    let shown = desktop.listener.wait_for(2, Duration::from_secs(60));
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(shown[1]["summary"], "AWS work refresh failed");
    assert_eq!(shown[1]["replaces_id"], id);
    let body = shown[1]["body"].as_str().unwrap();
    assert!(body.starts_with("1Password is locked: unlock it"), "{body}");
    assert_eq!(home.read_credentials(), before, "nothing written");
}

#[test]
fn refresh_waits_for_a_login_already_running_and_does_not_log_in_again() {
    if !linux_only(DESKTOP) {
        return;
    }
    let (sts, requests) = crate::support::sts_counting(500, "");
    let desktop = Desktop::start();
    let home = Home::new(
        WORK_WITH_OP_ITEM,
        &credentials(&[("work", &in_seconds(300))]),
    );
    let id = post_reminder_with_button(&home, &desktop, &[("AWS_ENDPOINT_URL_STS", &sts)]);

    // Another awsmfa is refreshing work: it holds the profile's refresh lock.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(
            home.cache_dir()
                .join(awsmfa::commands::fresh::refresh_lock_name("work")),
        )
        .unwrap();
    lock.lock().unwrap();
    desktop.listener.invoke(id, "refresh");
    // It writes its new session and lets go; the click is served with that one.
    let later = in_seconds(8 * 3600);
    home.write_file(".aws/credentials", &credentials(&[("work", &later)]));
    lock.unlock().unwrap();

    let shown = desktop.listener.wait_for(2, Duration::from_secs(60));
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(shown[1]["summary"], "AWS work session refreshed");
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no second login"
    );
}
