//! `awsmfa setup` as a new user meets it: long-term keys in `[default]` itself, MFA enforced
//! by an IAM policy, the one-time password in 1Password. The real binary against the fake
//! `op` (whose `item list` and `item get --format json` answer like the real CLI's), moto's
//! IAM and STS on loopback, the private session's keychain, and a pseudo-terminal where a
//! person answers (`tests/support/with_terminal.py --typed`).

use crate::support::{
    Home, Moto, Want, assert_refused, at_terminal, json, ok, output_within, private_session, run,
    stderr,
};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

const KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/wendy";

/// A credentials file as people have them: comments, another tool's profile, the keys in
/// [default] with a region beside them.
fn credentials() -> String {
    format!(
        "# written by aws configure\n[default]\n{KEYS}region = eu-west-1\n\n; a colleague's\r\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n"
    )
}

/// The 1Password account: the AWS item has the one-time password, as has another one.
fn account() -> String {
    serde_json::json!([
        {"title": "Netflix", "urls": ["https://netflix.com"]},
        {"title": "GitHub", "otp": true, "urls": ["https://github.com"]},
        {"title": "AWS", "vault": "Work", "otp": true,
         "urls": ["https://123456789012.signin.aws.amazon.com/console"]},
    ])
    .to_string()
}

/// The ID the fake op gives the index-th item of [`account`].
fn item_id(home: &Home, title: &str) -> String {
    let out = ok(home
        .cmd()
        .args(["setup", "default", "--list-op-items", "--format", "json"])
        .env("FAKE_OP_ITEM_LIST", account()));
    let items: serde_json::Value = serde_json::from_str(&out).unwrap();
    items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == title)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn without_a_profile_setup_lists_what_can_be_set_up() {
    let home = Home::new(
        &format!("[profile work]\nmfa_serial = {SERIAL}\n[profile done]\nawsmfa_op_item = x\n"),
        &format!("{}[work-mfa]\n{KEYS}[done-mfa]\n{KEYS}", credentials()),
    );
    let out = json(&run(home.cmd().args(["setup", "--format", "json"])));
    assert_eq!(
        out,
        serde_json::json!({"candidates": [
            {"profile": "default", "state": "keys_in_profile",
             "detail": "[default] in ~/.aws/credentials holds long-term keys",
             "command": "awsmfa setup default --move-keys"},
            {"profile": "other", "state": "keys_in_profile",
             "detail": "[other] in ~/.aws/credentials holds long-term keys",
             "command": "awsmfa setup other --move-keys"},
            {"profile": "work", "state": "mfa_serial",
             "detail": "[profile work] in ~/.aws/config has mfa_serial; the keys are in [work-mfa]",
             "command": "awsmfa setup work"},
        ]})
    );
    let text = ok(home.cmd().arg("setup"));
    assert!(
        text.starts_with("default: [default] in ~/.aws/credentials holds long-term keys: awsmfa setup default --move-keys\n"),
        "{text}"
    );
    let alfred: serde_json::Value =
        serde_json::from_str(&ok(home.cmd().args(["setup", "--format", "alfred"]))).unwrap();
    assert_eq!(alfred["items"][0]["title"], "Set up default…");
    assert_eq!(alfred["items"][0]["arg"], "default");
    assert_eq!(
        alfred["items"][0]["variables"],
        serde_json::json!({"awsmfa_setup_profile": "default", "awsmfa_setup_move_keys": "1"})
    );
    assert_eq!(
        alfred["items"][2]["variables"]["awsmfa_setup_move_keys"],
        "0"
    );
}

#[test]
fn off_a_terminal_a_missing_answer_names_its_flag() {
    let home = Home::new("", &credentials());
    let mut cmd = home.cmd();
    cmd.args(["setup", "default", "--serial", SERIAL]);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "[default] in ~/.aws/credentials holds long-term keys, where awsmfa keeps default's session: run awsmfa setup default --move-keys to move them to [default-mfa] (nothing else in the file changes)",
            exit: 3,
            kind: "not_mfa_profile",
        },
    );
}

#[test]
fn move_keys_moves_the_two_keys_and_keeps_every_other_byte() {
    // No keychain here (AWSMFA_KEYCHAIN=off): the serial stays in the config file.
    let config = format!("# mine\n[default]\nmfa_serial = {SERIAL}\n");
    let home = Home::new(&config, &credentials());
    let out = run(home
        .cmd()
        .args([
            "setup",
            "default",
            "--move-keys",
            "--op-item",
            "abc",
            "--duration",
            "8h",
        ])
        .env("AWSMFA_KEYCHAIN", "off"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        home.read_credentials(),
        "# written by aws configure\n[default]\nregion = eu-west-1\n\n; a colleague's\r\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n\n[default-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    );
    let mode = std::fs::metadata(home.credentials_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(home.config_path()).unwrap(),
        format!("{config}awsmfa_op_item = abc\nawsmfa_duration = 8h\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "default: set up\n  long-term keys moved from [default] to [default-mfa] in ~/.aws/credentials\n  MFA serial {SERIAL} stays in ~/.aws/config (mfa_serial): the keychain is off (AWSMFA_KEYCHAIN=off)\n  1Password item \"abc\" recorded in ~/.aws/config\n  session length 8h recorded in ~/.aws/config (awsmfa_duration)\n  next: awsmfa login default\n"
        )
    );
    // Set up: no longer a candidate, and a second run moves nothing.
    let candidates = json(&run(home.cmd().args(["setup", "--format", "json"])));
    assert_eq!(candidates["candidates"][0]["profile"], "other");
    let again = run(home
        .cmd()
        .args(["setup", "default", "--move-keys"])
        .env("AWSMFA_KEYCHAIN", "off"));
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(home.read_credentials().ends_with("[default-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"));
}

/// Found trying it: with mfa_serial in the config but no keychain to reach, `setup --op-item
/// X` failed and recorded nothing. The keychain here is a D-Bus address nobody listens on.
#[test]
fn an_unreachable_keychain_keeps_the_serial_in_the_config_and_records_the_rest() {
    let config = format!("[profile work]\nmfa_serial = {SERIAL}\n");
    let home = Home::new(&config, &format!("[work-mfa]\n{KEYS}"));
    let out = run(home
        .cmd()
        .args(["setup", "work", "--op-item", "AWS work", "--format", "json"])
        .env_remove("AWSMFA_KEYCHAIN")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.root().display()),
        ));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json(&out)["done"][0],
        format!(
            "MFA serial {SERIAL} stays in ~/.aws/config (mfa_serial): the keychain cannot be reached"
        )
    );
    assert_eq!(
        std::fs::read_to_string(home.config_path()).unwrap(),
        format!("{config}awsmfa_op_item = AWS work\n")
    );
}

#[test]
fn list_op_items_gives_the_items_with_a_one_time_password_best_first() {
    let home = Home::new(
        &format!("[default]\nmfa_serial = {SERIAL}\n"),
        &credentials(),
    );
    let out = run(home
        .cmd()
        .args(["setup", "default", "--list-op-items", "--format", "json"])
        .env("FAKE_OP_ITEM_LIST", account()));
    assert!(out.status.success(), "{}", stderr(&out));
    let found = json(&out);
    let aws = item_id(&home, "AWS");
    assert_eq!(
        found,
        serde_json::json!({"profile": "default", "hint": null, "items": [
            {"id": aws, "title": "AWS", "vault": "Work",
             "urls": ["https://123456789012.signin.aws.amazon.com/console"], "proposed": true},
            {"id": item_id(&home, "GitHub"), "title": "GitHub", "vault": "Private",
             "urls": ["https://github.com"], "proposed": false},
        ]})
    );
    assert!(
        stderr(&out).contains("Looking for 1Password items with a one-time password…"),
        "{}",
        stderr(&out)
    );
    // The items' JSON holds their secrets: none of them is shown, even in the debug log.
    let logged = run(home
        .cmd()
        .args(["setup", "default", "--list-op-items", "--format", "json"])
        .env("AWSMFA_LOG", "debug")
        .env("FAKE_OP_CODE", "246810")
        .env("FAKE_OP_ITEM_LIST", account()));
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&logged.stdout),
        stderr(&logged)
    );
    for secret in ["JBSWY3DPEHPK3PXP", "246810", "correct horse battery staple"] {
        assert!(!everything.contains(secret), "{secret} shown: {everything}");
    }
    let alfred: serde_json::Value = serde_json::from_str(&ok(home
        .cmd()
        .args(["setup", "default", "--list-op-items", "--format", "alfred"])
        .env("FAKE_OP_ITEM_LIST", account())))
    .unwrap();
    assert_eq!(
        alfred["items"][0]["subtitle"],
        "Work · https://123456789012.signin.aws.amazon.com/console"
    );
    assert_eq!(
        alfred["items"][0]["variables"],
        serde_json::json!({"awsmfa_setup_profile": "default", "awsmfa_setup_op_item": aws})
    );

    // None with a one-time password: the hint says how to add one.
    let none = json(&run(home
        .cmd()
        .args(["setup", "default", "--list-op-items", "--format", "json"])
        .env("FAKE_OP_ITEM_LIST", r#"[{"title": "Netflix"}]"#)));
    assert_eq!(none["items"], serde_json::json!([]));
    assert!(
        none["hint"]
            .as_str()
            .unwrap()
            .starts_with("No 1Password item has a one-time password: in 1Password, edit the item"),
        "{none}"
    );

    // A locked 1Password: its error, as for a login.
    let mut locked = home.cmd();
    locked
        .args(["setup", "default", "--list-op-items", "--format", "json"])
        .env("FAKE_OP_MODE", "locked");
    let out = run(&mut locked);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(json(&out)["error"]["kind"], "op_locked");
}

#[test]
fn list_devices_gives_the_keychain_the_config_and_iam() {
    let moto = Moto::start();
    let seed = moto.seed_iam();
    let alice = &seed["alice"];
    let home = Home::new(
        &format!("[profile work]\nmfa_serial = {SERIAL}\n"),
        &format!("[work]\n{}", Moto::key_lines(alice)),
    );
    // The keys still in [work]: listing needs no move.
    let out = run(home
        .cmd()
        .args(["setup", "work", "--list-devices", "--format", "json"])
        .env("AWS_ENDPOINT_URL_IAM", moto.url()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json(&out),
        serde_json::json!({"profile": "work", "devices": [
            {"serial": SERIAL, "source": "config", "proposed": true},
            {"serial": alice["serial"], "source": "iam", "proposed": false},
        ]})
    );
    let alfred: serde_json::Value = serde_json::from_str(&ok(home
        .cmd()
        .args(["setup", "work", "--list-devices", "--format", "alfred"])
        .env("AWS_ENDPOINT_URL_IAM", moto.url())))
    .unwrap();
    assert_eq!(alfred["items"][1]["title"], alice["serial"]);
    assert_eq!(
        alfred["items"][1]["variables"],
        serde_json::json!({"awsmfa_setup_profile": "work", "awsmfa_setup_serial": alice["serial"]})
    );
}

/// On a terminal: the move is proposed, the item is a choice (the AWS one first), and the
/// person types 2 for the other one and declines the login.
#[test]
fn the_guided_setup_asks_what_it_lacks_with_a_proposed_answer() {
    let home = Home::new(
        &format!("[default]\nmfa_serial = {SERIAL}\n"),
        &credentials(),
    );
    let github = item_id(&home, "GitHub");
    let mut setup = home.cmd();
    setup
        .args(["setup", "default"])
        .env("AWSMFA_KEYCHAIN", "off")
        .env("FAKE_OP_ITEM_LIST", account());
    let out = output_within(
        &mut at_terminal(&setup, Some("\\n2\\nn\\n")),
        Duration::from_secs(60),
    );
    let shown = stderr(&out);
    assert!(out.status.success(), "{shown}");
    for asked in [
        "[default] in ~/.aws/credentials holds long-term keys, where awsmfa keeps default's session. Move them to [default-mfa]? [Y/n] ",
        "Looking for 1Password items with a one-time password…",
        "  1) \"AWS\" (Work, https://123456789012.signin.aws.amazon.com/console)\r\n  2) \"GitHub\" (Private, https://github.com)\r\n",
        "Which 1Password item has default's one-time password? [1-2, Enter: 1] ",
        "Log in to default now? [Y/n] ",
    ] {
        assert!(shown.contains(asked), "did not show {asked:?}:\n{shown}");
    }
    let config = std::fs::read_to_string(home.config_path()).unwrap();
    assert!(
        config.ends_with(&format!("awsmfa_op_item = {github}\n")),
        "{config}"
    );
    assert!(
        home.read_credentials()
            .contains("[default-mfa]\naws_access_key_id")
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "1Password item \"GitHub\" (ID {github}) in vault \"Private\" recorded in ~/.aws/config"
        )),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("  next: awsmfa login default\n"),
        "{stdout}"
    );
}

/// Declining the move on the terminal leaves everything as it was, and says which flag does
/// it later.
#[test]
fn declining_the_move_changes_nothing() {
    let home = Home::new(
        &format!("[default]\nmfa_serial = {SERIAL}\n"),
        &credentials(),
    );
    let mut setup = home.cmd();
    setup.args(["setup", "default", "--format", "json"]);
    let out = output_within(
        &mut at_terminal(&setup, Some("n\n")),
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(json(&out)["error"]["kind"], "not_mfa_profile");
    assert!(
        stderr(&out).contains("run awsmfa setup default --move-keys"),
        "{}",
        stderr(&out)
    );
    assert_eq!(home.read_credentials(), credentials());
}

/// The whole path of a new user with one MFA device (found through IAM) and one 1Password
/// item with a one-time password: Enter at every question, and the first session is there.
#[test]
fn pressing_enter_sets_a_new_user_up_and_logs_in() {
    if !private_session("the OS keychain") {
        return;
    }
    let moto = Moto::start();
    let seed = moto.seed_iam();
    let alice = &seed["alice"];
    let name = format!("enter-{}", std::process::id());
    let home = Home::new("", &format!("# mine\n[{name}]\n{}", Moto::key_lines(alice)));
    let mut setup = home.cmd();
    setup
        .args(["setup", &name])
        .env("AWS_ENDPOINT_URL_IAM", moto.url())
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env(
            "FAKE_OP_ITEM_LIST",
            r#"[{"title": "AWS", "otp": true}, {"title": "Netflix"}]"#,
        );
    let out = output_within(
        &mut at_terminal(&setup, Some("\\n\\n\\n")),
        Duration::from_secs(60),
    );
    let stored = keyring::Entry::new("awsmfa", &name)
        .unwrap()
        .get_password()
        .ok();
    let _ = keyring::Entry::new("awsmfa", &name)
        .unwrap()
        .delete_credential();
    let shown = stderr(&out);
    assert!(out.status.success(), "{shown}");
    let serial = alice["serial"].as_str().unwrap();
    assert_eq!(stored.as_deref(), Some(serial));
    for step in [
        "Move them to [",
        "Asking AWS IAM for your MFA devices…",
        &format!("Found MFA device {serial}"),
        "Use 1Password item \"AWS\" (Private) for",
        "Log in to ",
        "Calling AWS STS…",
    ] {
        assert!(shown.contains(step), "did not show {step:?}:\n{shown}");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let status = format!("{name}  valid · expires ");
    assert!(stdout.contains(&status), "{stdout}");
    let status = json(&run(home.cmd().args(["status", &name, "--format", "json"])));
    assert_eq!(status["status"], "valid");
    assert_eq!(status["source_profile"], format!("{name}-mfa"));
}

/// The move comes last; when it fails, the keychain and the config file get back what they
/// held, so a failed setup leaves nothing behind.
#[test]
fn a_failed_move_takes_back_the_serial_and_the_config() {
    use crate::support::{FakeClock, MemoryKeychain, Recorded, run_in_process, set_mode};
    use awsmfa::cli::{Command, Setup};
    let config = "# mine\n[profile x]\nregion = eu-west-1\n";
    let home = Home::new(config, &credentials());
    set_mode(&home.credentials_path(), 0o400);
    let keychain = MemoryKeychain::default();
    let outcome = run_in_process(
        home.env(),
        &FakeClock::at("2026-11-25T10:00:10Z"),
        &keychain,
        &Recorded::default(),
        awsmfa::launcher::Format::Json,
        Command::Setup(Setup {
            profile: Some("default".into()),
            serial: Some(SERIAL.into()),
            op_item: Some("AWS".into()),
            move_keys: true,
            ..Setup::default()
        }),
    );
    assert_eq!(outcome.exit_code, 1, "{:?}", outcome.stderr);
    assert_eq!(
        outcome.stderr.as_deref(),
        Some(
            "awsmfa: ~/.aws/credentials is read-only: make it writable (chmod u+w ~/.aws/credentials) and try again"
        )
    );
    assert!(
        keychain.0.lock().unwrap().is_empty(),
        "the serial was taken back"
    );
    assert_eq!(std::fs::read_to_string(home.config_path()).unwrap(), config);
    set_mode(&home.credentials_path(), 0o600);
    assert_eq!(home.read_credentials(), credentials());
}
