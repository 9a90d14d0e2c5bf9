//! Role profiles on top of an awsmfa session: `[profile admin] role_arn = … source_profile =
//! work`, listed under `work`, refreshed through it, and used by boto3 against moto's
//! AssumeRole once `work` has a session.

use serde_json::Value;

use crate::support::{Home, Moto, in_12_hours, json, python, run, stderr};

const SOURCE_KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

fn home(base: &str, extra_config: &str, session: bool) -> Home {
    let config = format!(
        "[profile {base}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/{base}\nawsmfa_op_item = AWS {base}\n{extra_config}"
    );
    let mut credentials = format!("[{base}-mfa]\n{SOURCE_KEYS}");
    if session {
        credentials.push_str(&format!(
            "[{base}]\naws_access_key_id = ASIASESSION\naws_secret_access_key = session/secret\naws_session_token = session-token\nx_security_token_expires = {}\n",
            in_12_hours()
        ));
    }
    Home::new(&config, &credentials)
}

fn role(name: &str, base: &str) -> String {
    format!(
        "[profile {name}]\nrole_arn = arn:aws:iam::123456789012:role/{name}\nsource_profile = {base}\n"
    )
}

#[test]
fn role_profiles_are_listed_under_the_session_they_ride_on() {
    let home = home(
        "base",
        &format!("{}{}", role("base-admin", "base"), role("auditor", "base")),
        true,
    );
    let list = json(&run(home.cmd().args(["list", "--format", "json"])));
    let rows: Vec<(&str, &Value)> = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), &p["via"]))
        .collect();
    assert_eq!(
        rows,
        [
            ("base", &Value::Null),
            ("auditor", &Value::from("base")),
            ("base-admin", &Value::from("base"))
        ]
    );
    let admin = &list["profiles"][2];
    assert_eq!(admin["status"], "valid", "the base's session");
    assert_eq!(admin["expires_at"], list["profiles"][0]["expires_at"]);
    assert_eq!(
        admin["role_arn"],
        "arn:aws:iam::123456789012:role/base-admin"
    );
    assert_eq!(
        admin["region"],
        Value::Null,
        "its own: the AWS CLI takes no region from source_profile"
    );
    let text = String::from_utf8_lossy(&run(home.cmd().arg("list")).stdout).into_owned();
    assert!(
        text.contains("\nauditor     via base · valid · expires "),
        "{text}"
    );
    let alfred = json(&run(home.cmd().args(["list", "--format", "alfred"])));
    let item = &alfred["items"][1];
    assert_eq!(item["title"], "auditor");
    assert!(
        item["subtitle"]
            .as_str()
            .unwrap()
            .starts_with("via base · valid · expires "),
        "{item}"
    );
    assert_eq!(
        item["mods"]["alt"]["arg"], "base",
        "⌥ logs out of the session"
    );
}

#[test]
fn a_profile_that_is_no_role_on_a_session_is_not_listed() {
    let home = home(
        "lone",
        // A role on a profile awsmfa does not manage, and one without source_profile.
        "[profile other-admin]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = other\n[profile bare]\nrole_arn = arn:aws:iam::1:role/y\n",
        false,
    );
    let list = json(&run(home.cmd().args(["list", "--format", "json"])));
    let names: Vec<&str> = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lone"]);
}

#[test]
fn status_says_which_session_a_role_rides_on_and_what_would_break_it() {
    let home = home(
        "chain",
        &format!(
            "awsmfa_role_arn = arn:aws:iam::123456789012:role/base\n{}mfa_serial = arn:aws:iam::123456789012:mfa/me\n",
            role("chain-admin", "chain")
        ),
        true,
    );
    let status = json(&run(home.cmd().args([
        "status",
        "chain-admin",
        "--format",
        "json",
    ])));
    assert_eq!(status["via"], "chain");
    assert_eq!(
        status["warnings"],
        serde_json::json!([
            "[profile chain-admin] has mfa_serial, so the AWS CLI asks for a one-time code for it itself: remove mfa_serial from it (chain's session already carries MFA)",
            "chain's session is a role session itself, so AWS allows chain-admin sessions of at most 1 h (role chaining)"
        ])
    );
    let text = run(home.cmd().args(["status", "chain-admin"]));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(
        out.contains("  rides on: chain's session (AWS tools assume the role with it; awsmfa login chain refreshes it)\n"),
        "{out}"
    );
    assert!(
        stderr(&text).contains("awsmfa: warning: [profile chain-admin] has mfa_serial"),
        "{}",
        stderr(&text)
    );
}

#[test]
fn logging_in_to_a_role_profile_refreshes_the_session_it_rides_on() {
    let moto = Moto::shared();
    let home = home("ride", &role("ride-admin", "ride"), false);
    let out = run(home
        .cmd()
        .args([
            "login",
            "ride-admin",
            "--code",
            "123456",
            "--format",
            "json",
        ])
        .env("AWS_ENDPOINT_URL_STS", moto.url()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("ride-admin uses ride's session: logging in to ride…\n"),
        "{}",
        stderr(&out)
    );
    let credentials = home.read_credentials();
    assert!(credentials.contains("\n[ride]\n"), "{credentials}");
    assert!(!credentials.contains("[ride-admin]"), "{credentials}");
}

#[test]
fn commands_on_a_session_of_its_own_say_a_role_profile_has_none() {
    let home = home("own", &role("own-admin", "own"), true);
    for command in ["logout", "credential-process", "export"] {
        let out = run(home.cmd().args([command, "own-admin", "--format", "json"]));
        assert_eq!(out.status.code(), Some(3), "{command}: {}", stderr(&out));
        assert_eq!(json(&out)["error"]["kind"], "not_mfa_profile");
        assert_eq!(
            json(&out)["error"]["message"],
            format!(
                "own-admin has no session of its own: AWS tools assume its role with own's session (source_profile = own) when given --profile own-admin; for own's session, run awsmfa {command} own"
            )
        );
    }
}

/// boto3 assumes the role with the session awsmfa wrote: moto's AssumeRole answers.
#[test]
fn boto3_assumes_the_role_with_the_awsmfa_session() {
    let moto = Moto::shared();
    let home = home("sdk", &role("sdk-admin", "sdk"), true);
    let script = "import boto3, os; s = boto3.Session(profile_name='sdk-admin'); print(s.client('sts', endpoint_url=os.environ['AWS_ENDPOINT_URL_STS']).get_caller_identity()['Arn'])";
    let out = run(home
        .other(python())
        .args(["-c", script])
        .env("AWS_ENDPOINT_URL_STS", moto.url())
        .env("AWS_DEFAULT_REGION", "us-east-1"));
    assert!(out.status.success(), "{}", stderr(&out));
    let arn = String::from_utf8_lossy(&out.stdout);
    assert!(
        arn.trim()
            .starts_with("arn:aws:sts::123456789012:assumed-role/sdk-admin/"),
        "{arn}"
    );
}
