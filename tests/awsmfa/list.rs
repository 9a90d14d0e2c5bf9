//! `awsmfa list` and `status` as the launchers run them: the real binary on fixture files,
//! with nothing but the files to go on (no keychain, no 1Password, no network).

use crate::support::Home;
use serde_json::Value;

fn stdout_json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

const CREDENTIALS: &str = "\u{feff}# exported by hand\r\n[work-mfa]\r\naws_access_key_id = AKIA1\r\naws_secret_access_key = s\r\n\r\n[work]\r\naws_access_key_id = ASIA1\r\naws_secret_access_key = s\r\naws_session_token = t\r\nx_security_token_expires = 2099-01-01T00:00:00Z\r\n\r\n[staging-long-term]\r\naws_access_key_id = AKIA2\r\naws_secret_access_key = s\r\n[staging]\r\naws_access_key_id = ASIA2\r\naws_secret_access_key = s\r\naws_session_token = t\r\nexpiration = 2001-01-01 00:00:00\r\n";

#[test]
fn lists_with_a_bom_and_crlf_and_ranks_fuzzy_matches() {
    let home = Home::new("[profile work]\nawsmfa_op_item = AWS\n", CREDENTIALS);
    let all = stdout_json(
        &home
            .cmd()
            .args(["list", "--format", "json"])
            .output()
            .unwrap(),
    );
    let names: Vec<&str> = all["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["staging", "work"]);
    assert_eq!(all["profiles"][0]["status"], "expired");
    assert_eq!(all["profiles"][1]["status"], "valid");
    assert_eq!(all["profiles"][1]["expires_at"], "2099-01-01T00:00:00Z");
    let stg = stdout_json(
        &home
            .cmd()
            .args(["list", "stg", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(stg["profiles"].as_array().unwrap().len(), 1);
    assert_eq!(stg["profiles"][0]["name"], "staging");
}

/// A query that matches none of the profiles says so, and how many there are; it is not "no
/// profiles", which would send the person to add some. The keystroke's own command line (read
/// without clap) and the one clap reads give the same rows.
#[test]
fn a_query_that_matches_nothing_says_so() {
    let home = Home::new(
        "[profile work]\nawsmfa_op_item = AWS\n",
        "[work-mfa]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n\
         [staging-mfa]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
    );
    for args in [
        &["list", "--format", "alfred", "--", "zzz"][..],
        &["list", "zzz", "--format", "alfred"][..],
    ] {
        let out = home.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let json = stdout_json(&out);
        let items = json["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{json}");
        assert_eq!(items[0]["title"], "No profile matches “zzz”");
        assert_eq!(
            items[0]["subtitle"],
            "2 profiles in all: delete some of the query to see them"
        );
        assert_eq!(items[0]["valid"], false);
    }
    let text = home.cmd().args(["list", "zzz"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        "no profile matches “zzz” (2 profiles in all)\n"
    );
    // Blank is no query at all.
    let blank = stdout_json(
        &home
            .cmd()
            .args(["list", "--format", "alfred", "--", "  "])
            .output()
            .unwrap(),
    );
    assert_eq!(blank["items"].as_array().unwrap().len(), 2, "{blank}");
}

#[test]
fn honours_aws_config_file_and_aws_shared_credentials_file() {
    let home = Home::new("", "");
    let elsewhere = home.write_file(
        "elsewhere/creds",
        "[moved-mfa]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
    );
    let out = home
        .cmd()
        .args(["list", "--format", "json"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &elsewhere)
        .output()
        .unwrap();
    assert_eq!(stdout_json(&out)["profiles"][0]["name"], "moved");
}

#[test]
fn no_aws_folder_at_all_is_an_empty_list_that_says_what_to_do() {
    let home = Home::new("", "");
    std::fs::remove_dir_all(home.path().join(".aws")).unwrap();
    let json = stdout_json(
        &home
            .cmd()
            .args(["list", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(json, serde_json::json!({ "profiles": [] }));
    let text = home.cmd().arg("list").output().unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout).starts_with("no MFA profiles found: add [NAME-mfa]")
    );
    let alfred = stdout_json(
        &home
            .cmd()
            .args(["list", "--format", "alfred"])
            .output()
            .unwrap(),
    );
    assert_eq!(alfred["items"][0]["title"], "No MFA profiles found");
    assert_eq!(alfred["items"][0]["valid"], false);
}

#[test]
fn with_typed_code_changes_only_the_alfred_rows() {
    let home = Home::new("[profile work]\nawsmfa_op_item = AWS\n", CREDENTIALS);
    let run = |args: &[&str]| home.cmd().args(args).output().unwrap();
    let alfred = stdout_json(&run(&[
        "list",
        "--format",
        "alfred",
        "--with-typed-code",
        "--",
        "stg",
    ]));
    // staging has no code source: with a typed code its ↩ logs in all the same.
    let staging = &alfred["items"][0];
    assert_eq!(staging["uid"], "staging");
    assert_eq!(staging["valid"], true);
    let subtitle = staging["subtitle"].as_str().unwrap();
    assert!(
        subtitle.starts_with("expired ")
            && subtitle.ends_with(" · ↩ log in with the code you typed"),
        "{subtitle}"
    );
    assert_eq!(
        staging["variables"],
        serde_json::json!({ "profile": "staging", "awsmfa_code": "" })
    );
    // The two runs are a moment apart, and `seconds_left` (or a span in the text) may tick
    // in between: digits aside, the outputs are the same.
    let digits_aside = |out: &[u8]| -> String {
        String::from_utf8_lossy(out)
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    for format in ["json", "text"] {
        let with = run(&["list", "--format", format, "--with-typed-code"]);
        let without = run(&["list", "--format", format]);
        assert!(
            with.status.success() && without.status.success(),
            "{format}"
        );
        assert_eq!(
            digits_aside(&with.stdout),
            digits_aside(&without.stdout),
            "{format}"
        );
    }
}

#[test]
fn list_needs_no_keychain_no_1password_and_no_network() {
    let home = Home::new("[profile work]\nawsmfa_op_item = AWS\n", CREDENTIALS);
    std::fs::remove_file(home.bin_dir().join("op")).unwrap();
    let out = home
        .cmd()
        .args(["list", "--format", "alfred"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("AWS_ENDPOINT_URL_STS", "http://192.0.2.1:9")
        .output()
        .unwrap();
    let json = stdout_json(&out);
    let items = json["items"].as_array().unwrap();
    // Both profiles, then the warning that the AWS CLI will not read a file with a BOM.
    assert_eq!(items.len(), 3, "{json}");
    assert!(
        items[2]["title"]
            .as_str()
            .unwrap()
            .contains("byte-order mark"),
        "{json}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn alfred_errors_are_items_and_status_explains_a_missing_profile() {
    let home = Home::new("", "[work-mfa]\nnot a setting\n");
    let out = home
        .cmd()
        .args(["list", "--format", "alfred"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["items"][0]["icon"]["path"], "icons/error.png");
    assert!(
        json["items"][0]["title"]
            .as_str()
            .unwrap()
            .contains("credentials line 2")
    );

    let home = Home::new(
        "",
        "[work-mfa]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
    );
    let out = home.cmd().args(["status", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "awsmfa: no profile called nope: MFA profiles: work\n"
    );
    assert!(
        out.stdout.is_empty(),
        "text format prints errors on stderr only"
    );
}

#[test]
fn logout_removes_the_session_keys_and_nothing_else() {
    let credentials = "# top\n[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\n[work]\n# written by awsmfa\nregion = eu-west-1\naws_access_key_id = ASIA1\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2099-01-01T00:00:00Z\n\n[other]\nk = v\n";
    let home = Home::new("", credentials);
    let out = home
        .cmd()
        .args(["logout", "work", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(stdout_json(&out)["had_session"], true);
    assert_eq!(
        home.read_credentials(),
        "# top\n[work-mfa]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n\n[work]\n# written by awsmfa\nregion = eu-west-1\n\n[other]\nk = v\n"
    );
    let again = home.cmd().args(["logout", "work"]).output().unwrap();
    assert!(again.status.success());
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "work: no session keys to remove\n"
    );
    let status = stdout_json(
        &home
            .cmd()
            .args(["status", "work", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(status["status"], "no_session");
}

#[test]
fn help_and_version_exist_for_every_command() {
    let home = Home::new("", "");
    for command in ["list", "login", "status", "setup", "logout"] {
        let out = home.cmd().args([command, "--help"]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Example"),
            "{command} --help has an example:\n{text}"
        );
    }
    let out = home.cmd().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("awsmfa {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = home.cmd().args(["login"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}
