//! `credential-process`, `exec` and `export`: a session for every AWS tool when it runs.
//! The real binary on fixture files, moto's STS, the fake `op`; the AWS CLI v1 and boto3
//! from the test environment reading `[profile NAME] credential_process = …`.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{
    Home, LIMIT, Moto, closed_port, in_12_hours, output_with_stdin_open, python, run, session_xml,
    stderr, sts_counting,
};

const SOURCE_KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

fn config(profile: &str) -> String {
    format!(
        "[profile {profile}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/{profile}\nawsmfa_op_item = AWS {profile}\n"
    )
}

/// A session in `[profile]` that ends at `expires` (RFC 3339).
fn session(profile: &str, expires: &str) -> String {
    format!(
        "[{profile}]\naws_access_key_id = ASIASTORED\naws_secret_access_key = stored/secret\naws_session_token = stored-token\nx_security_token_expires = {expires}\n"
    )
}

fn in_minutes(minutes: i64) -> String {
    awsmfa::expiry::format(
        jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_mins(minutes))
            .unwrap(),
    )
}

/// A home with `profile`'s long-term keys and, when given, a stored session.
fn home(profile: &str, stored: Option<&str>) -> Home {
    let mut credentials = format!("[{profile}-mfa]\n{SOURCE_KEYS}");
    if let Some(expires) = stored {
        credentials.push_str(&session(profile, expires));
    }
    Home::new(&config(profile), &credentials)
}

fn credential_process(home: &Home, profile: &str, sts: &str) -> Command {
    let mut cmd = home.cmd();
    cmd.args(["credential-process", profile])
        .env("AWS_ENDPOINT_URL_STS", sts);
    cmd
}

fn stdout_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// What `[name]` of the credentials file holds now.
fn stored_key(home: &Home, name: &str, key: &str) -> Option<String> {
    awsmfa::ini::Document::parse(home.read_credentials())
        .unwrap()
        .get(name, key)
        .map(str::to_string)
}

#[test]
fn a_session_with_time_left_is_served_from_the_file_alone() {
    let home = home("served", Some(&in_12_hours()));
    // No 1Password and no STS: neither may be asked.
    std::fs::remove_file(home.bin_dir().join("op")).unwrap();
    let out = run(&mut credential_process(&home, "served", &closed_port()));
    let json = stdout_json(&out);
    assert_eq!(json["Version"], 1);
    assert_eq!(json["AccessKeyId"], "ASIASTORED");
    assert_eq!(json["SecretAccessKey"], "stored/secret");
    assert_eq!(json["SessionToken"], "stored-token");
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn a_session_about_to_end_is_refreshed_as_login_does() {
    let moto = Moto::shared();
    let renewed = home("renewed", Some(&in_minutes(10)));
    // It never reads stdin (a credential process has no terminal): a pipe left open does
    // not hold it up.
    let out = output_with_stdin_open(
        &mut credential_process(&renewed, "renewed", moto.url()),
        LIMIT,
    );
    let json = stdout_json(&out);
    assert_ne!(json["AccessKeyId"], "ASIASTORED", "10 min left is under 15");
    assert_eq!(
        json["AccessKeyId"].as_str(),
        stored_key(&renewed, "renewed", "aws_access_key_id").as_deref(),
        "what it prints is what it wrote"
    );
    let progress = stderr(&out);
    assert!(
        progress.contains("Fetching code from 1Password…"),
        "{progress}"
    );
    assert!(progress.contains("Calling AWS STS…"), "{progress}");
    // With a shorter --min-valid the same 10 minutes are enough.
    let kept = home("kept", Some(&in_minutes(10)));
    let out = run(credential_process(&kept, "kept", &closed_port()).args(["--min-valid", "5m"]));
    assert_eq!(stdout_json(&out)["AccessKeyId"], "ASIASTORED");
}

#[test]
fn twenty_callers_on_an_expired_session_make_one_refresh_and_print_the_same_session() {
    // A stand-in STS that counts the calls (moto hands out the same keys every time).
    let (sts, calls) = sts_counting(
        200,
        session_xml("ASIACROWD", "crowd/secret", "crowd-token", &in_12_hours()),
    );
    let home = home("crowd", Some("2001-01-01T00:00:00Z"));
    let log = home.root().join("op-argv.log");
    let children: Vec<_> = (0..20)
        .map(|_| {
            credential_process(&home, "crowd", &sts)
                .env("FAKE_OP_ARGV_LOG", &log)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let tokens: Vec<String> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            stdout_json(&out)["SessionToken"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(tokens.iter().all(|t| t == "crowd-token"), "{tokens:?}");
    let op = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        op.lines().filter(|l| l.contains("\"item\"")).count(),
        1,
        "one 1Password call: {op}"
    );
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one STS call"
    );
}

/// `setup --process-profile` writes the self-refreshing profile; the AWS CLI v1 and boto3
/// then get their credentials by running awsmfa.
#[test]
fn the_aws_cli_and_boto3_run_it_through_a_process_profile() {
    // setup stores the serial in the keychain: the private session's.
    if !crate::support::private_session("the OS keychain") {
        return;
    }
    let moto = Moto::shared();
    let home = home("tooled", None);
    let out = run(home
        .cmd()
        .args(["setup", "tooled", "--process-profile", "tooled-auto"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(home.config_path()).unwrap();
    let section = format!(
        "\n[profile tooled-auto]\ncredential_process = {} credential-process tooled\nregion = eu-west-1\n",
        env!("CARGO_BIN_EXE_awsmfa")
    );
    assert!(config.ends_with(&section), "{config}");

    // boto3: the keys it gets are the session awsmfa wrote (there was none before).
    let script = "import boto3; c = boto3.Session(profile_name='tooled-auto').get_credentials().get_frozen_credentials(); print(c.token)";
    let out = tool(&home, moto.url(), python(), &["-c", script]);
    assert!(out.status.success(), "{}", stderr(&out));
    let used = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        Some(used.as_str()),
        stored_key(&home, "tooled", "aws_session_token").as_deref()
    );

    // The AWS CLI v1 calls STS with them.
    let aws = std::path::Path::new(crate::support::REPO).join(".venv/bin/aws");
    let out = tool(
        &home,
        moto.url(),
        aws,
        &["sts", "get-caller-identity", "--profile", "tooled-auto"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let identity: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(identity["Account"].is_string(), "{identity}");
}

/// Runs `program` with the environment awsmfa's commands get (HOME, the AWS files, the fake
/// `op` on PATH), and STS at `sts`.
fn tool(home: &Home, sts: &str, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Output {
    run(home
        .other(program)
        .args(args)
        .env("AWS_ENDPOINT_URL_STS", sts)
        .env("AWS_DEFAULT_REGION", "us-east-1"))
}

#[test]
fn setup_refuses_a_process_profile_the_sdks_would_ignore() {
    let home = home("guarded", Some(&in_12_hours()));
    // The same name: [guarded] holds static keys, which every SDK prefers.
    let out = run(home
        .cmd()
        .args(["setup", "guarded", "--process-profile", "guarded"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--process-profile must be another name than guarded"),
        "{}",
        stderr(&out)
    );
    // A name with keys in the credentials file.
    let out = run(home
        .cmd()
        .args(["setup", "guarded", "--process-profile", "guarded-mfa"]));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[guarded-mfa] in the credentials file has keys"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exec_runs_the_command_with_the_session_in_its_environment_and_no_profile() {
    let home = home("runner", Some(&in_12_hours()));
    let out = run(home
        .cmd()
        .env("AWS_PROFILE", "runner")
        .env("AWS_DEFAULT_PROFILE", "runner")
        .args(["exec", "runner", "--", "sh", "-c"])
        .arg(
            "printf '%s|%s|%s|%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_REGION\" \"${AWS_PROFILE-unset}\" \"${AWS_DEFAULT_PROFILE-unset}\"",
        ));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ASIASTORED|stored/secret|stored-token|eu-west-1|unset|unset"
    );
    let expiration = run(home.cmd().args([
        "exec",
        "runner",
        "--",
        "sh",
        "-c",
        "printf %s \"$AWS_CREDENTIAL_EXPIRATION\"",
    ]));
    assert!(String::from_utf8_lossy(&expiration.stdout).ends_with('Z'));
}

#[test]
fn exec_exits_as_the_command_does() {
    let home = home("status", Some(&in_12_hours()));
    let exec = |script: &str| {
        run(home
            .cmd()
            .args(["exec", "status", "--", "sh", "-c", script]))
    };
    assert_eq!(exec("exit 7").status.code(), Some(7));
    assert_eq!(exec("exit 0").status.code(), Some(0));
    // Killed by a signal: the signal is the command's own (a shell shows 128 + 15).
    let killed = exec("kill -TERM $$");
    assert_eq!(killed.status.signal(), Some(libc::SIGTERM), "{killed:?}");
}

#[test]
fn exec_gives_the_command_the_core_dump_limit_awsmfa_started_with() {
    let home = home("limits", Some(&in_12_hours()));
    let out = run(home
        .other("sh")
        .arg("-c")
        .arg("ulimit -c unlimited && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_awsmfa"))
        .args(["exec", "limits", "--", "sh", "-c", "ulimit -c"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "unlimited");
}

#[test]
fn exec_without_a_command_is_a_usage_error() {
    let home = home("usage", Some(&in_12_hours()));
    let out = run(home.cmd().args(["exec", "usage"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn export_prints_lines_a_shell_can_eval_and_json_on_request() {
    let home = home("exported", Some(&in_12_hours()));
    let bin = env!("CARGO_BIN_EXE_awsmfa");
    let out = run(home
        .other("sh")
        .arg("-c")
        .arg(format!(
            "eval \"$('{bin}' export exported)\" && printf '%s|%s|%s' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_DEFAULT_REGION\" \"${{AWS_PROFILE-unset}}\""
        ))
        .env("AWS_PROFILE", "exported"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "stored/secret|eu-west-1|unset"
    );
    let json = stdout_json(&run(home
        .cmd()
        .args(["export", "exported", "--format", "json"])));
    assert_eq!(json["SessionToken"], "stored-token");
}

#[test]
fn failures_are_one_line_on_stderr_and_nothing_on_stdout() {
    let home = home("failing", None);
    let out = run(&mut credential_process(&home, "nope", &closed_port()));
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "awsmfa: no profile called nope: MFA profiles: failing\n"
    );
    // 1Password locked: the SDK shows this line.
    let out =
        run(credential_process(&home, "failing", &closed_port()).env("FAKE_OP_MODE", "locked"));
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).ends_with(
            "awsmfa: 1Password is locked: unlock it (with the app integration, op asks for Touch ID itself), then run the same command again\n"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_refresh_that_never_ends_is_waited_for_a_bounded_time() {
    use crate::support::{FakeClock, MemoryKeychain, Recorded, run_in_process};

    let home = home("stuck", Some("2001-01-01T00:00:00Z"));
    // Another awsmfa holds the refresh lock of `stuck` and never lets go.
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    let lock = std::fs::File::create(
        home.cache_dir()
            .join(awsmfa::commands::fresh::refresh_lock_name("stuck")),
    )
    .unwrap();
    lock.lock().unwrap();
    let clock = FakeClock::at("2026-11-25T10:00:00Z");
    let progress = Recorded::default();
    let command = awsmfa::cli::CredentialProcess {
        profile: "stuck".into(),
        min_valid: awsmfa::cli::MinValid { min_valid: None },
    };
    let outcome = run_in_process(
        home.env(),
        &clock,
        &MemoryKeychain::default(),
        &progress,
        awsmfa::launcher::Format::Json,
        awsmfa::cli::Command::CredentialProcess(command),
    );
    assert_eq!(outcome.exit_code, 1, "{outcome:?}");
    let json: Value = serde_json::from_str(&outcome.stdout_text()).unwrap();
    assert_eq!(json["error"]["kind"], "refresh_busy");
    assert_eq!(
        json["error"]["message"],
        "another awsmfa has been refreshing stuck for 170 s and has not finished: let it finish, or end it"
    );
    assert_eq!(
        progress.lines(),
        ["Waiting for another awsmfa to refresh stuck…"]
    );
    let waited: std::time::Duration = clock.slept().iter().sum();
    assert!(
        waited >= awsmfa::commands::fresh::REFRESH_WAIT,
        "{waited:?}"
    );
    assert!(waited < awsmfa::commands::fresh::REFRESH_WAIT + std::time::Duration::from_secs(1));
}
