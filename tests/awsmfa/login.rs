//! `awsmfa login` and `setup`: the real binary against moto's STS on loopback, the fake `op`
//! on PATH and the gnome-keyring of the private D-Bus session; the reused-code wait in this
//! process with a clock that does not wait. (Every way it can fail: `bad_inputs`.)

use std::time::Duration;

use awsmfa::cli::{Command, Login};
use awsmfa::launcher::Format;

use crate::support::{
    FakeClock, Home, MemoryKeychain, Moto, Recorded, json, private_session, run, run_in_process,
    stderr,
};

const SOURCE_KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// A credentials file shaped like a real one: comments, another tool's profile, CRLF-free.
fn credentials(profile: &str) -> String {
    format!(
        "# Long-term keys. Rotate every 90 days!\n[{profile}-mfa]\n{SOURCE_KEYS}\n; someone else's profile\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other/secret\nregion = ap-south-1\n"
    )
}

fn config(profile: &str) -> String {
    format!(
        "[profile {profile}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/{profile}\nawsmfa_op_item = AWS {profile}\n"
    )
}

fn home(profile: &str) -> Home {
    Home::new(&config(profile), &credentials(profile))
}

#[test]
fn login_writes_only_the_session_section_and_list_shows_it_valid() {
    let moto = Moto::shared();
    let home = home("login-basic");
    let before = home.read_credentials();
    let out = run(home
        .cmd()
        .args(["login", "login-basic", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", moto.url()));
    assert!(out.status.success(), "{}", stderr(&out));
    let result = json(&out);
    assert_eq!(result["profile"], "login-basic");
    let left = result["seconds_left"].as_i64().unwrap();
    assert!(
        (43_100..=43_200).contains(&left),
        "12 h by default, got {left}"
    );

    let after = home.read_credentials();
    assert!(
        after.starts_with(&before),
        "every byte before the new section stays:\n{after}"
    );
    let added = &after[before.len()..];
    assert!(
        added.starts_with("\n[login-basic]\naws_access_key_id = "),
        "{added:?}"
    );
    for key in [
        "aws_secret_access_key = ",
        "aws_session_token = ",
        "x_security_token_expires = ",
    ] {
        assert!(added.contains(key), "{key} missing: {added}");
    }
    let progress = stderr(&out);
    assert!(
        progress.contains("Fetching code from 1Password…"),
        "{progress}"
    );
    assert!(progress.contains("Calling AWS STS…"), "{progress}");

    let list = json(&run(home.cmd().args(["list", "--format", "json"])));
    let profiles = list["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 1, "source profiles are not listed: {list}");
    assert_eq!(profiles[0]["name"], "login-basic");
    assert_eq!(profiles[0]["status"], "valid");
    assert_eq!(profiles[0]["source_profile"], "login-basic-mfa");

    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(home.credentials_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_code_on_stdin_logs_in_and_is_never_echoed() {
    use std::io::Write;
    let moto = Moto::shared();
    let home = home("stdin-code");
    let mut child = home
        .cmd()
        .args(["login", "stdin-code", "--code-stdin", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"135790\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["profile"], "stdin-code");
    assert!(
        stderr(&out).contains("Using the code given on stdin…"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("135790"));
}

#[test]
fn a_second_login_replaces_the_session_in_place() {
    let moto = Moto::shared();
    let home = home("relogin");
    for code in ["111111", "222222"] {
        let out = run(home
            .cmd()
            .args(["login", "relogin", "--code", code])
            .env("AWS_ENDPOINT_URL_STS", moto.url()));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = home.read_credentials();
    assert_eq!(text.matches("[relogin]").count(), 1, "{text}");
    assert_eq!(text.matches("aws_session_token").count(), 1, "{text}");
}

#[test]
fn setup_then_login_reads_the_serial_from_the_keychain() {
    if !private_session("the OS keychain") {
        return;
    }
    let moto = Moto::shared();
    let name = format!("keychain-{}", std::process::id());
    // No mfa_serial in the config: the serial can only come from the keychain.
    let home = Home::new("", &credentials(&name));
    let serial = format!("arn:aws:iam::123456789012:mfa/{name}");
    let out = run(home.cmd().args([
        "setup",
        &name,
        "--serial",
        &serial,
        "--op-item",
        "AWS (work)",
        "--op-vault",
        "Private",
    ]));
    assert!(out.status.success(), "setup failed: {}", stderr(&out));
    let config = std::fs::read_to_string(home.config_path()).unwrap();
    assert_eq!(
        config,
        format!("[profile {name}]\nawsmfa_op_item = AWS (work)\nawsmfa_op_vault = Private\n")
    );
    crate::support::assert_stored_serial(&name, &serial);

    let argv_log = home.path().join("op-argv.log");
    let out = run(home
        .cmd()
        .args(["login", &name])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("FAKE_OP_ARGV_LOG", &argv_log));
    crate::support::forget_stored_serial(&name);
    assert!(out.status.success(), "login failed: {}", stderr(&out));
    let argv = std::fs::read_to_string(&argv_log).unwrap();
    assert_eq!(
        argv.trim(),
        r#"["item", "get", "--otp", "--vault", "Private", "--", "AWS (work)"]"#,
        "op gets the item as one argument, no shell"
    );
    let status = json(&run(home.cmd().args(["status", &name, "--format", "json"])));
    assert_eq!(status["status"], "valid");
}

#[test]
fn mfa_process_supplies_the_code() {
    let moto = Moto::shared();
    let home = Home::new(
        "[profile proc]\nmfa_serial = arn:aws:iam::123456789012:mfa/proc\nmfa_process = echo 135790\n",
        &credentials("proc"),
    );
    let out = run(home
        .cmd()
        .args(["login", "proc", "--duration", "1h", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", moto.url()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Running mfa_process for the code…"));
    let left = json(&out)["seconds_left"].as_i64().unwrap();
    assert!((3_500..=3_600).contains(&left), "{left}");
}

#[test]
fn a_yubikey_account_supplies_the_code_before_1password() {
    let moto = Moto::shared();
    // Both a YubiKey account and a 1Password item: the YubiKey's comes first.
    let home = Home::new(
        "[profile yk]\nmfa_serial = arn:aws:iam::123456789012:mfa/yk\n\
         awsmfa_ykman_account = AWS:yk\nawsmfa_op_item = AWS yk\n",
        &credentials("yk"),
    );
    let ykman_log = home.path().join("ykman-argv.jsonl");
    let op_log = home.path().join("op-argv.jsonl");
    let out = run(home
        .cmd()
        .args(["login", "yk", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("FAKE_YKMAN_ACCOUNTS", "AWS:yk,AWS:yk-old,GitHub:me")
        .env("FAKE_YKMAN_TOUCH", "AWS:yk")
        .env("FAKE_YKMAN_CODE", "246801")
        .env("FAKE_YKMAN_ARGV_LOG", &ykman_log)
        .env("FAKE_OP_ARGV_LOG", &op_log));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["profile"], "yk");
    assert_eq!(
        stderr(&out),
        "Reading the code from your YubiKey (touch it if it blinks)…\nCalling AWS STS…\n",
        "ykman's own touch prompt is not passed on"
    );
    let logged = std::fs::read_to_string(&ykman_log).unwrap();
    assert_eq!(
        logged.trim(),
        r#"["oath", "accounts", "code", "--single", "--", "AWS:yk"]"#,
        "the account as one argument after the options, no shell, no code"
    );
    assert!(!op_log.exists(), "1Password was not asked");
    assert!(
        home.read_credentials()
            .contains("\n[yk]\naws_access_key_id = ")
    );
    let status = run(home.cmd().args(["status", "yk"]));
    assert!(
        String::from_utf8_lossy(&status.stdout)
            .contains("  one-time code: YubiKey account \"AWS:yk\" (ykman)\n"),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    // The code's 30-second window is recorded as for any time-based code.
    let state = std::fs::read_to_string(home.cache_dir().join("last-code-window.json")).unwrap();
    assert!(
        state.contains("\"arn:aws:iam::123456789012:mfa/yk\": "),
        "{state}"
    );
}

/// Logs in to `window` in this process, with `clock`, against moto, the code from the fake op.
fn login_in_process(home: &Home, clock: &FakeClock, progress: &Recorded) -> awsmfa::Outcome {
    let mut env = home.env();
    env.aws_endpoint_url_sts = Some(Moto::shared().url().to_string());
    let login = Login {
        profile: "window".into(),
        duration: None,
        code: None,
        code_stdin: false,
        remind: None,
    };
    run_in_process(
        env,
        clock,
        &MemoryKeychain::default(),
        progress,
        Format::Json,
        Command::Login(login),
    )
}

#[test]
fn a_code_from_the_same_30_second_window_is_never_sent_twice() {
    let home = home("window");
    // 10 s into a window, and a code of this very window was sent a moment ago.
    let clock = FakeClock::at("2026-11-25T10:00:10Z");
    let window = 1_795_600_810 / 30;
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    std::fs::write(
        home.cache_dir().join("last-code-window.json"),
        format!("{{\"arn:aws:iam::123456789012:mfa/window\": {window}}}"),
    )
    .unwrap();
    let progress = Recorded::default();
    let outcome = login_in_process(&home, &clock, &progress);
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.stderr);
    assert_eq!(
        progress.lines(),
        [
            "Waiting 21 s for the next code (AWS rejects a reused one)…",
            "Fetching code from 1Password…",
            "Calling AWS STS…",
        ]
    );
    assert_eq!(
        clock.slept(),
        [Duration::from_secs(21)],
        "into the next window"
    );
    let state = std::fs::read_to_string(home.cache_dir().join("last-code-window.json")).unwrap();
    assert_eq!(
        state,
        format!(
            "{{\n  \"arn:aws:iam::123456789012:mfa/window\": {}\n}}\n",
            window + 1
        ),
        "the state file holds the window of the code sent, never a code"
    );

    // The next login, still in that window, waits again.
    let progress = Recorded::default();
    assert_eq!(login_in_process(&home, &clock, &progress).exit_code, 0);
    assert_eq!(clock.slept().len(), 2, "{:?}", progress.lines());
}

#[test]
fn a_code_window_recorded_a_day_ahead_never_makes_login_wait() {
    let home = home("window");
    let clock = FakeClock::at("2026-11-25T10:00:10Z");
    // Written by a clock that was a day ahead (or damaged): distrusted, not waited for.
    let day_ahead = 1_795_600_810 / 30 + 2880;
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    std::fs::write(
        home.cache_dir().join("last-code-window.json"),
        format!("{{\"arn:aws:iam::123456789012:mfa/window\": {day_ahead}}}"),
    )
    .unwrap();
    let progress = Recorded::default();
    let outcome = login_in_process(&home, &clock, &progress);
    assert_eq!(outcome.exit_code, 0, "{:?}", outcome.stderr);
    assert_eq!(
        clock.slept(),
        Vec::<Duration>::new(),
        "{:?}",
        progress.lines()
    );
}

#[test]
fn two_logins_at_once_never_send_a_code_of_the_same_window() {
    let home = home("window");
    // Two logins started in the same second, each with its own clock.
    let clocks = [
        FakeClock::at("2026-11-25T10:00:10Z"),
        FakeClock::at("2026-11-25T10:00:10Z"),
    ];
    let progress = [Recorded::default(), Recorded::default()];
    let outcomes: Vec<awsmfa::Outcome> = std::thread::scope(|scope| {
        let runs: Vec<_> = clocks
            .iter()
            .zip(&progress)
            .map(|(clock, p)| scope.spawn(|| login_in_process(&home, clock, p)))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for outcome in &outcomes {
        assert_eq!(outcome.exit_code, 0, "{:?}", outcome.stderr);
    }
    let waited = progress
        .iter()
        .filter(|p| p.lines()[0].starts_with("Waiting "))
        .count();
    assert_eq!(
        waited,
        1,
        "the second login waits for the next window: {:?}",
        [progress[0].lines(), progress[1].lines()]
    );
    let slept: Vec<Duration> = clocks.iter().flat_map(FakeClock::slept).collect();
    assert_eq!(slept, [Duration::from_secs(21)]);
}

#[test]
fn a_failed_setup_takes_its_serial_back_out_of_the_keychain() {
    let home = Home::new("", &credentials("restore"));
    crate::support::set_mode(&home.config_path(), 0o400);
    let keychain = MemoryKeychain::default();
    let clock = FakeClock::at("2026-11-25T10:00:10Z");
    let setup = awsmfa::cli::Setup {
        profile: Some("restore".into()),
        serial: Some("arn:aws:iam::123456789012:mfa/restore".into()),
        op_item: Some("AWS restore".into()),
        ..awsmfa::cli::Setup::default()
    };
    let outcome = run_in_process(
        home.env(),
        &clock,
        &keychain,
        &Recorded::default(),
        Format::Text,
        Command::Setup(setup),
    );
    assert_eq!(outcome.exit_code, 1, "{:?}", outcome.stderr);
    assert_eq!(
        outcome.stderr.as_deref(),
        Some(
            "awsmfa: ~/.aws/config is read-only: make it writable (chmod u+w ~/.aws/config) and try again"
        )
    );
    assert!(
        keychain.0.lock().unwrap().is_empty(),
        "the serial was taken back"
    );
}
