//! `awsmfa login` end to end: the real binary against moto's STS on loopback, the fake `op`
//! on PATH, the gnome-keyring of the private D-Bus session, and real STS error XML served
//! over HTTP for the AccessDenied cases moto cannot produce.

mod support;

use std::net::TcpListener;
use std::process::Output;

use serde_json::Value;
use support::{Home, Moto, sts_answering};

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

fn run(cmd: &mut std::process::Command) -> Output {
    cmd.output().expect("run awsmfa")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
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
    let stored = keyring::Entry::new("awsmfa", &name).unwrap().get_password();
    assert_eq!(stored.ok().as_deref(), Some(serial.as_str()));

    let argv_log = home.path().join("op-argv.log");
    let out = run(home
        .cmd()
        .args(["login", &name])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("FAKE_OP_ARGV_LOG", &argv_log));
    let _ = keyring::Entry::new("awsmfa", &name)
        .unwrap()
        .delete_credential();
    assert!(out.status.success(), "login failed: {}", stderr(&out));
    let argv = std::fs::read_to_string(&argv_log).unwrap();
    assert_eq!(
        argv.trim(),
        r#"["item", "get", "AWS (work)", "--otp", "--vault", "Private"]"#,
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
fn a_code_from_the_same_30_second_window_is_never_sent_twice() {
    let moto = Moto::shared();
    let home = home("window");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // As if a code of this window had just been sent for this serial.
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    std::fs::write(
        home.cache_dir().join("last-code-window.json"),
        format!("{{\"arn:aws:iam::123456789012:mfa/window\": {}}}", now / 30),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = run(home
        .cmd()
        .args(["login", "window"])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("FAKE_OP_CODE", "864209"));
    assert!(out.status.success(), "{}", stderr(&out));
    let progress = stderr(&out);
    assert!(
        progress.contains("s for the next code (AWS rejects a reused one)…"),
        "{progress}"
    );
    let waited = started.elapsed().as_secs();
    let window_end = (now / 30 + 1) * 30;
    assert!(
        now + waited >= window_end,
        "logged in before the next window"
    );
    let state = std::fs::read_to_string(home.cache_dir().join("last-code-window.json")).unwrap();
    assert!(
        !state.contains("864209"),
        "the state file holds windows, not codes: {state}"
    );
}

struct Failure {
    what: &'static str,
    kind: &'static str,
    says: &'static str,
    exit: i32,
}

/// Every failure: one line on stderr, a JSON error on stdout, the right exit code, and a
/// credentials file (and config) that did not change by a single byte.
fn assert_fails_cleanly(home: &Home, cmd: &mut std::process::Command, want: Failure) {
    let credentials = std::fs::read(home.credentials_path()).unwrap();
    let config = std::fs::read(home.config_path()).unwrap();
    let out = run(cmd);
    let what = want.what;
    assert_eq!(
        out.status.code(),
        Some(want.exit),
        "{what}: {}",
        stderr(&out)
    );
    let error = json(&out)["error"].clone();
    assert_eq!(error["kind"], want.kind, "{what}: {error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(want.says), "{what}: {message}");
    let last = stderr(&out).lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        format!("awsmfa: {message}"),
        "{what}: one line on stderr"
    );
    assert_eq!(
        std::fs::read(home.credentials_path()).unwrap(),
        credentials,
        "{what}: credentials changed"
    );
    assert_eq!(
        std::fs::read(home.config_path()).unwrap(),
        config,
        "{what}: config changed"
    );
}

#[test]
fn every_1password_failure_leaves_the_files_untouched() {
    let moto = Moto::shared();
    let home = home("opfail");
    let cases = [
        ("locked", "op_locked", "1Password is locked", 4),
        ("dismissed", "op_locked", "1Password is locked", 4),
        ("not_signed_in", "op_not_signed_in", "signed in", 4),
        ("no_otp", "op_no_otp", "one-time password", 4),
        ("not_found", "op_item_not_found", "AWS opfail", 4),
        ("ambiguous", "op_item_ambiguous", "ID", 4),
        ("garbage", "invalid_code", "6 digits", 4),
    ];
    for (mode, kind, says, exit) in cases {
        let mut cmd = home.cmd();
        cmd.args(["login", "opfail", "--format", "json"])
            .env("AWS_ENDPOINT_URL_STS", moto.url())
            .env("FAKE_OP_MODE", mode);
        assert_fails_cleanly(
            &home,
            &mut cmd,
            Failure {
                what: mode,
                kind,
                says,
                exit,
            },
        );
    }
    std::fs::remove_file(home.bin_dir().join("op")).unwrap();
    let mut cmd = home.cmd();
    cmd.args(["login", "opfail", "--format", "json"]);
    assert_fails_cleanly(
        &home,
        &mut cmd,
        Failure {
            what: "no op",
            kind: "op_not_installed",
            says: "brew install 1password-cli",
            exit: 4,
        },
    );
}

#[test]
fn sts_refusals_leave_the_files_untouched() {
    let home = home("stsfail");
    let cases = [
        (
            include_str!("fixtures/sts/invalid-code.xml"),
            "sts_invalid_code",
            "wait for the next code",
        ),
        (
            include_str!("fixtures/sts/wrong-serial.xml"),
            "sts_invalid_serial",
            "awsmfa setup stsfail --serial",
        ),
        (
            include_str!("fixtures/sts/invalid-key.xml"),
            "sts_invalid_key",
            "create a new access key",
        ),
        (
            include_str!("fixtures/sts/expired-token.xml"),
            "sts_expired_key",
            "expired",
        ),
    ];
    for (xml, kind, says) in cases {
        let url = sts_answering(403, xml);
        let mut cmd = home.cmd();
        cmd.args(["login", "stsfail", "--code", "246802", "--format", "json"])
            .env("AWS_ENDPOINT_URL_STS", &url);
        assert_fails_cleanly(
            &home,
            &mut cmd,
            Failure {
                what: kind,
                kind,
                says,
                exit: 5,
            },
        );
    }
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut cmd = home.cmd();
    cmd.args(["login", "stsfail", "--code", "246802", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", format!("http://{closed}"));
    assert_fails_cleanly(
        &home,
        &mut cmd,
        Failure {
            what: "no network",
            kind: "network",
            says: "cannot reach AWS STS",
            exit: 6,
        },
    );
}

#[test]
fn bad_inputs_are_refused_before_anything_is_sent() {
    let moto = Moto::shared();
    let home = home("bad");
    let cases: [(&[&str], &str, &str, i32); 5] = [
        (
            &["login", "nope"],
            "profile_not_found",
            "MFA profiles: bad",
            3,
        ),
        (
            &["login", "bad", "--code", "12345"],
            "invalid_code",
            "exactly 6 digits",
            4,
        ),
        (
            &["login", "bad", "--duration", "40h"],
            "invalid_duration",
            "out of range",
            3,
        ),
        (
            &["login", "bad", "--duration", "soon"],
            "invalid_duration",
            "not a length of time",
            3,
        ),
        (&["login", "other"], "not_mfa_profile", "[other-mfa]", 3),
    ];
    for (args, kind, says, exit) in cases {
        let mut cmd = home.cmd();
        cmd.args(args)
            .args(["--format", "json"])
            .env("AWS_ENDPOINT_URL_STS", moto.url());
        assert_fails_cleanly(
            &home,
            &mut cmd,
            Failure {
                what: args[1],
                kind,
                says,
                exit,
            },
        );
    }
}

#[test]
fn source_profiles_with_session_keys_and_sessions_over_long_term_keys_are_refused() {
    let moto = Moto::shared();
    let home = Home::new(
        "[profile temp]\nmfa_serial = arn:aws:iam::1:mfa/t\n[profile real]\nmfa_serial = arn:aws:iam::1:mfa/r\n",
        "[temp-mfa]\naws_access_key_id = ASIATEMP\naws_secret_access_key = s\naws_session_token = t\n\
         [real-mfa]\naws_access_key_id = AKIAREAL\naws_secret_access_key = s\n\
         [real]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = keep-me\n",
    );
    let mut cmd = home.cmd();
    cmd.args(["login", "temp", "--code", "123456", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", moto.url());
    assert_fails_cleanly(
        &home,
        &mut cmd,
        Failure {
            what: "ASIA source",
            kind: "sts_session_credentials",
            says: "AKIA",
            exit: 3,
        },
    );
    let attempts: [&[&str]; 2] = [&["login", "real", "--code", "123456"], &["logout", "real"]];
    for args in attempts {
        let mut cmd = home.cmd();
        cmd.args(args)
            .args(["--format", "json"])
            .env("AWS_ENDPOINT_URL_STS", moto.url());
        assert_fails_cleanly(
            &home,
            &mut cmd,
            Failure {
                what: args[0],
                kind: "config_invalid",
                says: "will not overwrite",
                exit: 3,
            },
        );
    }
}

#[test]
fn a_malformed_credentials_file_names_the_line() {
    let home = Home::new(
        "",
        "[work-mfa]\naws_access_key_id = AKIA\nthis line is broken\n",
    );
    let mut cmd = home.cmd();
    cmd.args(["list", "--format", "json"]);
    assert_fails_cleanly(
        &home,
        &mut cmd,
        Failure {
            what: "malformed",
            kind: "config_invalid",
            says: "credentials line 3: expected `key = value`",
            exit: 3,
        },
    );
}

#[test]
fn secrets_never_reach_argv_output_or_logs() {
    let moto = Moto::shared();
    let home = home("hygiene");
    let code = "975310";
    let argv_log = home.path().join("op-argv.log");
    let out = run(home
        .cmd()
        .args(["login", "hygiene", "--format", "json"])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("AWSMFA_LOG", "debug")
        .env("FAKE_OP_CODE", code)
        .env("FAKE_OP_ARGV_LOG", &argv_log));
    assert!(out.status.success(), "{}", stderr(&out));
    let credentials = home.read_credentials();
    let session_secret = credentials
        .lines()
        .skip_while(|l| *l != "[hygiene]")
        .find_map(|l| l.strip_prefix("aws_secret_access_key = "))
        .unwrap()
        .to_string();
    let session_token = credentials
        .lines()
        .find_map(|l| l.strip_prefix("aws_session_token = "))
        .unwrap()
        .to_string();
    let secrets = [
        code,
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        session_secret.as_str(),
        session_token.as_str(),
    ];
    let list = run(home.cmd().args(["list", "--format", "json"]));
    let status = run(home.cmd().args(["status", "hygiene", "--format", "json"]));
    let alfred = run(home.cmd().args(["list", "--format", "alfred"]));
    let mut places = vec![
        ("op argv", std::fs::read_to_string(&argv_log).unwrap()),
        (
            "login stdout",
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ),
        ("login stderr + debug log", stderr(&out)),
        ("list", String::from_utf8_lossy(&list.stdout).into_owned()),
        (
            "status",
            String::from_utf8_lossy(&status.stdout).into_owned(),
        ),
        (
            "alfred",
            String::from_utf8_lossy(&alfred.stdout).into_owned(),
        ),
    ];
    for entry in std::fs::read_dir(home.cache_dir()).unwrap().flatten() {
        places.push(("state file", std::fs::read_to_string(entry.path()).unwrap()));
    }
    assert!(stderr(&out).contains("debug:"), "the debug log was on");
    for (place, text) in places {
        for secret in secrets {
            assert!(!text.contains(secret), "a secret reached {place}: {text}");
        }
    }
}

#[test]
fn concurrent_logins_of_different_profiles_keep_every_section() {
    let moto = Moto::shared();
    let names: Vec<String> = (0..8).map(|i| format!("team{i}")).collect();
    let mut config = String::new();
    let mut creds = String::from("# shared file\n");
    for name in &names {
        config.push_str(&format!(
            "[profile {name}]\nmfa_serial = arn:aws:iam::1:mfa/{name}\n"
        ));
        creds.push_str(&format!("[{name}-mfa]\n{SOURCE_KEYS}\n"));
    }
    let home = Home::new(&config, &creds);
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            home.cmd()
                .args(["login", name, "--code", "123456"])
                .env("AWS_ENDPOINT_URL_STS", moto.url())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = home.read_credentials();
    assert!(
        text.starts_with(&creds),
        "the long-term sections are intact"
    );
    let list = json(&run(home.cmd().args(["list", "--format", "json"])));
    let valid = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] == "valid")
        .count();
    assert_eq!(valid, names.len(), "{text}");
}

#[test]
fn setup_refuses_incomplete_or_malformed_options_without_touching_anything() {
    let home = Home::new("", &credentials("setupbad"));
    let cases: [(&[&str], &str, &str, i32); 3] = [
        (
            &[
                "setup",
                "setupbad",
                "--serial",
                "arn:aws:iam::123456789012:mfa/x",
                "--op-vault",
                "Private",
            ],
            "invalid_option",
            "--op-vault and --op-account go with --op-item: add --op-item ITEM",
            2,
        ),
        (
            &[
                "setup",
                "setupbad",
                "--serial",
                "arn:aws:iam::123456789012:mfa/x",
                "--op-item",
                " ",
            ],
            "invalid_option",
            "--op-item needs the item's name or ID",
            2,
        ),
        (
            &[
                "setup",
                "setupbad",
                "--serial",
                "arn:aws:iam::123456789012:user/me",
            ],
            "no_serial",
            "is not an MFA device ARN",
            3,
        ),
    ];
    for (args, kind, says, exit) in cases {
        let mut cmd = home.cmd();
        cmd.args(args).args(["--format", "json"]);
        assert_fails_cleanly(
            &home,
            &mut cmd,
            Failure {
                what: args[args.len() - 1],
                kind,
                says,
                exit,
            },
        );
    }
    let stored = keyring::Entry::new("awsmfa", "setupbad")
        .unwrap()
        .get_password();
    assert!(stored.is_err(), "nothing may reach the keychain");
}
