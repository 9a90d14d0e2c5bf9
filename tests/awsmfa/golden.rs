//! Golden files of what the launchers read (`--format alfred` and `--format json`), for fixed
//! AWS files, a fixed clock and a fixed time zone. After an intended change, rewrite them
//! with `AWSMFA_BLESS=1 cargo test --test awsmfa golden` and review the diff.

use std::path::PathBuf;

use awsmfa::clock::Now;
use awsmfa::error::{Error, ErrorKind};
use awsmfa::ini::Document;
use awsmfa::launcher::{self, Action, DoctorRow, Format, Report};
use awsmfa::profiles::{AwsFiles, Profile};

const CONFIG: &str = "\
[profile work]
region = eu-west-1
awsmfa_op_item = AWS (work)

[profile staging]
awsmfa_op_item = AWS staging

[profile prod]
mfa_process = ykman oath accounts code -s aws

[profile \"my team\"]
awsmfa_op_item = AWS team

[profile work-admin]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = work
";

const CREDENTIALS: &str = "\
[work-mfa]
aws_access_key_id = AKIAWORK
aws_secret_access_key = secret
[work]
aws_access_key_id = ASIAWORK
aws_secret_access_key = s
aws_session_token = t
x_security_token_expires = 2026-11-25T17:58:00Z

[staging-long-term]
aws_access_key_id = AKIASTG
aws_secret_access_key = secret
[staging]
aws_access_key_id = ASIASTG
aws_secret_access_key = s
aws_session_token = t
expiration = 2026-11-25 08:00:00

[prod-mfa]
aws_access_key_id = AKIAPROD
aws_secret_access_key = secret
[prod]
aws_access_key_id = ASIAPROD
aws_secret_access_key = s
aws_session_token = t
x_security_token_expires = 2026-11-25T10:09:30Z

[my team-mfa]
aws_access_key_id = AKIATEAM
aws_secret_access_key = secret

[sandbox-mfa]
aws_access_key_id = AKIASAND
aws_secret_access_key = secret
";

fn clock() -> Now {
    Now {
        at: "2026-11-25T10:00:00Z".parse().unwrap(),
        tz: jiff::tz::TimeZone::fixed(jiff::tz::offset(1)),
    }
}

fn profiles() -> Vec<Profile<'static>> {
    let files = AwsFiles::new(
        Document::parse(CONFIG).unwrap(),
        Document::parse(CREDENTIALS).unwrap(),
        "/home/me/.aws/config".into(),
        "/home/me/.aws/credentials".into(),
    );
    files
        .listed_profiles(clock().at)
        .into_iter()
        .map(Profile::into_owned)
        .collect()
}

/// Compares `actual` (one line of JSON, as printed) with the pretty golden file `name`.
fn check(name: &str, actual: &str) {
    assert!(
        actual.ends_with('\n') && actual.matches('\n').count() == 1,
        "one line: {actual}"
    );
    let value: serde_json::Value = serde_json::from_str(actual).expect("valid JSON");
    let pretty = serde_json::to_string_pretty(&value).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata")
        .join(name);
    if std::env::var_os("AWSMFA_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (create it with AWSMFA_BLESS=1)", path.display()));
    assert_eq!(pretty, golden, "{name} differs from the golden file");
}

#[test]
fn alfred_list() {
    let now = clock();
    let profiles = profiles();
    let out = launcher::render(
        Format::Alfred,
        &Report::List {
            profiles: profiles.clone(),
            now: now.clone(),
            warnings: Vec::new(),
            typed_code: false,
            doctor: DoctorRow::Hidden,
            setup: Vec::new(),
            no_match: None,
        },
    );
    check("alfred-list.golden", &out);
}

#[test]
fn alfred_list_with_a_query_and_without_profiles() {
    let now = clock();
    let ranked = awsmfa::fuzzy::rank(profiles(), "stg", |p| &p.name);
    let out = launcher::render(
        Format::Alfred,
        &Report::List {
            profiles: ranked,
            now: now.clone(),
            warnings: Vec::new(),
            typed_code: false,
            doctor: DoctorRow::Hidden,
            setup: Vec::new(),
            no_match: None,
        },
    );
    check("alfred-list-stg.golden", &out);
    let out = launcher::render(
        Format::Alfred,
        &Report::List {
            profiles: Vec::new(),
            now: now.clone(),
            warnings: Vec::new(),
            typed_code: false,
            doctor: DoctorRow::Hidden,
            setup: Vec::new(),
            no_match: None,
        },
    );
    check("alfred-list-empty.golden", &out);
}

/// `aws mfa doctor`: the row that hands the query on to `awsmfa doctor` comes first, ahead of
/// any profile whose name happens to match.
#[test]
fn alfred_list_hands_doctor_on() {
    let out = launcher::render(
        Format::Alfred,
        &Report::List {
            profiles: awsmfa::fuzzy::rank(profiles(), "doctor", |p| &p.name),
            now: clock(),
            warnings: Vec::new(),
            typed_code: false,
            doctor: DoctorRow::for_query("doctor"),
            setup: Vec::new(),
            no_match: None,
        },
    );
    check("alfred-list-doctor.golden", &out);
}

/// Profiles awsmfa could set up that are not listed yet (keys still in `[P]`) come after the
/// profiles, each a row whose ↩ continues the setup and moves the keys.
#[test]
fn alfred_list_with_profiles_to_set_up() {
    let files = AwsFiles::new(
        Document::parse(CONFIG).unwrap(),
        Document::parse(format!(
            "{CREDENTIALS}\n[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = secret\n"
        ))
        .unwrap(),
        "/home/me/.aws/config".into(),
        "/home/me/.aws/credentials".into(),
    );
    let env = awsmfa::paths::Env {
        home: Some("/home/me".into()),
        ..awsmfa::paths::Env::default()
    };
    let setup = files.candidates_with_keys_in_place(&env, &files.listed_profiles(clock().at));
    let out = launcher::render(
        Format::Alfred,
        &Report::List {
            // The profile that needs setup, then the one not listed yet.
            profiles: profiles()
                .into_iter()
                .filter(|p| p.name == "sandbox")
                .collect(),
            now: clock(),
            warnings: Vec::new(),
            typed_code: false,
            doctor: DoctorRow::Hidden,
            setup,
            no_match: None,
        },
    );
    check("alfred-list-setup.golden", &out);
}

/// `list --with-typed-code`: every row's ↩ logs in with the code the workflow keeps, and
/// carries the empty `awsmfa_code` slot it fills in; `sandbox`, which has no code source of
/// its own, can log in too.
#[test]
fn alfred_list_with_a_typed_code() {
    let out = launcher::render(
        Format::Alfred,
        &Report::List {
            profiles: profiles(),
            now: clock(),
            warnings: Vec::new(),
            typed_code: true,
            doctor: DoctorRow::Hidden,
            setup: Vec::new(),
            no_match: None,
        },
    );
    check("alfred-list-typed-code.golden", &out);
}

#[test]
fn alfred_actions() {
    let now = clock();
    let login = Report::LoggedIn {
        profile: "work".into(),
        expires_at: "2026-11-25T22:00:00Z".parse().unwrap(),
        now: now.clone(),
    };
    check(
        "alfred-login.golden",
        &launcher::render(Format::Alfred, &login),
    );
    let locked = Error::new(ErrorKind::OpLocked, "1Password is locked: unlock it");
    let out = launcher::render_error(Format::Alfred, Action::Login, Some("work"), &locked).unwrap();
    check("alfred-login-error.golden", &out);
    let missing = Error::new(
        ErrorKind::ConfigInvalid,
        "~/.aws/credentials line 3: expected `key = value`",
    );
    let out = launcher::render_error(Format::Alfred, Action::List, None, &missing).unwrap();
    check("alfred-list-error.golden", &out);
}

#[test]
fn json_list_status_and_login() {
    let now = clock();
    let profiles = profiles();
    check(
        "json-list.golden",
        &launcher::render(
            Format::Json,
            &Report::List {
                profiles: profiles.clone(),
                now: now.clone(),
                warnings: Vec::new(),
                typed_code: false,
                doctor: DoctorRow::Hidden,
                setup: Vec::new(),
                no_match: None,
            },
        ),
    );
    check(
        "json-status.golden",
        &launcher::render(
            Format::Json,
            &Report::Status {
                profile: profiles[0].clone(),
                reminders: String::new(),
                now: now.clone(),
                warnings: Vec::new(),
            },
        ),
    );
    let login = Report::LoggedIn {
        profile: "work".into(),
        expires_at: "2026-11-25T22:00:00Z".parse().unwrap(),
        now: now.clone(),
    };
    check("json-login.golden", &launcher::render(Format::Json, &login));
    let locked = Error::new(ErrorKind::OpLocked, "1Password is locked: unlock it");
    check(
        "json-error.golden",
        &launcher::render_error(Format::Json, Action::Login, Some("work"), &locked).unwrap(),
    );
}

#[test]
fn text_list() {
    let now = clock();
    let profiles = profiles();
    let out = launcher::render(
        Format::Text,
        &Report::List {
            profiles: profiles.clone(),
            now: now.clone(),
            warnings: Vec::new(),
            typed_code: false,
            doctor: DoctorRow::Hidden,
            setup: Vec::new(),
            no_match: None,
        },
    );
    assert_eq!(
        out,
        "\
my team     no session yet
prod        expiring · expires 11:09 (in 9m 30s)
sandbox     no session yet · needs setup: awsmfa setup sandbox --op-item \"ITEM\"
staging     expired 2h ago
work        valid · expires 18:58 (in 7h 58m)
work-admin  via work · valid · expires 18:58 (in 7h 58m)
"
    );
}
