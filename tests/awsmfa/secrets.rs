//! Secrets never reach output, logs or files on the paths where something goes wrong:
//! a login that fails after the one-time code was fetched (from 1Password or a YubiKey), an
//! STS answer that quotes the code back, a 1Password item whose "code" is the TOTP seed
//! itself, an `mfa_process` that fails, a session STS issued that cannot be written. Each runs
//! with the debug log on, in every output format, and then every byte the run could have left
//! is searched: stdout, stderr, the state folder, the fake `op`'s and `ykman`'s argv logs,
//! every other file under the test folder. The successful login is searched the same way.

use std::path::Path;
use std::process::Output;

use crate::support::{Home, Moto, run, stderr, sts_answering};

/// The one-time code every source hands out here.
const CODE: &str = "975310";
/// The source profile's secret key.
const LONG_TERM_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// A TOTP seed, as a 1Password item's field holds it.
const TOTP_SEED: &str = "JBSWY3DPEHPK3PXP";

const CONFIG: &str = "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_op_item = AWS work\n";

fn credentials() -> String {
    format!(
        "[work-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {LONG_TERM_SECRET}\n"
    )
}

fn sts_error(code: &str, message: &str) -> String {
    sts_answering(
        403,
        format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>0c5f2a6e-8a1c-4f53-9d0e-6b1c3f0e7a21</RequestId></ErrorResponse>"
        ),
    )
}

/// Every file under `dir` except the two AWS files, with its contents.
fn other_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            other_files(&path, out);
        } else if meta.is_file() {
            let name = path.to_string_lossy().into_owned();
            if !name.ends_with("/.aws/credentials") && !name.ends_with("/.aws/config") {
                let bytes = std::fs::read(&path).unwrap();
                out.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
}

/// Runs `login work` in each output format with the debug log on; each run must fail, and
/// no `secrets` may appear in what it printed or in any file it could have left.
fn assert_fails_without_leaking(
    home: &Home,
    env: &[(&str, &str)],
    args: &[&str],
    kind: &str,
    secrets: &[&str],
) {
    let argv_log = home.path().join("op-argv.log");
    for format in ["text", "json", "alfred"] {
        // A code of this 30-second window was already sent: forget it rather than wait.
        let _ = std::fs::remove_file(home.cache_dir().join("last-code-window.json"));
        let mut cmd = home.cmd();
        cmd.args(["login", "work", "--format", format])
            .args(args)
            .env("AWSMFA_LOG", "debug")
            .env("FAKE_OP_CODE", CODE)
            .env("FAKE_OP_ARGV_LOG", &argv_log);
        for (name, value) in env {
            cmd.env(name, value);
        }
        let out: Output = cmd.output().expect("run awsmfa");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success(),
            "{format}: the login should fail: {stderr}"
        );
        if format == "json" {
            let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(json["error"]["kind"], kind, "{stderr}");
        }
        let mut places = vec![
            (format!("{format} stdout"), stdout),
            (format!("{format} stderr and debug log"), stderr),
        ];
        other_files(&home.root(), &mut places);
        for (place, text) in &places {
            for secret in secrets {
                assert!(
                    !text.contains(secret),
                    "{secret:?} reached {place}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn a_code_aws_rejects_is_never_shown() {
    let home = Home::new(CONFIG, &credentials());
    let sts = sts_error(
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    );
    assert_fails_without_leaking(
        &home,
        &[("AWS_ENDPOINT_URL_STS", &sts)],
        &[],
        "sts_invalid_code",
        &[CODE, LONG_TERM_SECRET],
    );
}

#[test]
fn a_code_typed_with_code_and_rejected_is_never_shown() {
    let home = Home::new(CONFIG, &credentials());
    let sts = sts_error(
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    );
    assert_fails_without_leaking(
        &home,
        &[("AWS_ENDPOINT_URL_STS", &sts)],
        &["--code", CODE],
        "sts_invalid_code",
        &[CODE, LONG_TERM_SECRET],
    );
}

#[test]
fn an_sts_error_that_quotes_the_code_is_shown_without_it() {
    // AWS's validation errors quote the values they reject; a proxy may echo the request.
    let home = Home::new(CONFIG, &credentials());
    let sts = sts_error(
        "ValidationError",
        &format!(
            "1 validation error detected: Value '{CODE}' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*"
        ),
    );
    assert_fails_without_leaking(
        &home,
        &[("AWS_ENDPOINT_URL_STS", &sts)],
        &[],
        "sts_access_denied",
        &[CODE, LONG_TERM_SECRET],
    );
    let _ = std::fs::remove_file(home.cache_dir().join("last-code-window.json"));
    let out = home
        .cmd()
        .args(["login", "work"])
        .env("AWS_ENDPOINT_URL_STS", &sts)
        .env("FAKE_OP_CODE", CODE)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().last().unwrap(),
        "awsmfa: AWS refused the request: 1 validation error detected: Value '••••••' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*",
        "the rest of AWS's message stays"
    );
}

#[test]
fn a_totp_seed_where_the_code_should_be_is_never_shown() {
    // `op` prints the item's otpauth URI (with the seed) instead of a code.
    let home = Home::new(CONFIG, &credentials());
    assert_fails_without_leaking(
        &home,
        &[("FAKE_OP_MODE", "garbage")],
        &[],
        "invalid_code",
        &[TOTP_SEED, LONG_TERM_SECRET],
    );
}

#[test]
fn a_yubikey_code_aws_rejects_is_never_shown_nor_passed_in_argv() {
    let home = Home::new(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_ykman_account = AWS:work\n",
        &credentials(),
    );
    let sts = sts_error(
        "AccessDenied",
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
    );
    // The fake ykman's argv log lies under the test folder, which is searched too.
    let argv_log = home.path().join("ykman-argv.log");
    assert_fails_without_leaking(
        &home,
        &[
            ("AWS_ENDPOINT_URL_STS", &sts),
            ("FAKE_YKMAN_CODE", CODE),
            ("FAKE_YKMAN_ARGV_LOG", argv_log.to_str().unwrap()),
        ],
        &[],
        "sts_invalid_code",
        &[CODE, LONG_TERM_SECRET],
    );
    assert!(argv_log.exists(), "ykman was asked");
}

#[test]
fn an_eight_digit_yubikey_code_is_never_shown() {
    let home = Home::new(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_ykman_account = AWS:work\n",
        &credentials(),
    );
    assert_fails_without_leaking(
        &home,
        &[("FAKE_YKMAN_MODE", "eight_digits")],
        &[],
        "invalid_code",
        &["12345678", LONG_TERM_SECRET],
    );
}

#[test]
fn a_failing_mfa_process_shows_neither_its_output_nor_its_command_line() {
    // The command line holds the seed (as `oathtool --totp -b SEED` would) and prints the
    // code before failing.
    let config = format!(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nmfa_process = SEED={TOTP_SEED}; echo {CODE}; echo 'no YubiKey found' >&2; exit 2\n"
    );
    let home = Home::new(&config, &credentials());
    assert_fails_without_leaking(
        &home,
        &[],
        &[],
        "code_command_failed",
        &[TOTP_SEED, CODE, LONG_TERM_SECRET],
    );
}

#[test]
fn a_failing_mfa_process_that_prints_its_seed_on_stderr_shows_it_nowhere() {
    // A helper run with `set -x` prints its command lines, the seed's URL among them.
    let config = format!(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nmfa_process = echo '+ totp-helper otpauth://totp/AWS?secret={TOTP_SEED}&issuer=AWS' >&2; exit 1\n"
    );
    let home = Home::new(&config, &credentials());
    assert_fails_without_leaking(
        &home,
        &[],
        &[],
        "code_command_failed",
        &[TOTP_SEED, LONG_TERM_SECRET],
    );
    let out = run(home.cmd().args(["login", "work"]));
    assert_eq!(
        stderr(&out).lines().last().unwrap(),
        "awsmfa: mfa_process of work exited with status 1: + totp-helper otpauth://totp/AWS?secret=•••&issuer=AWS: run it in a terminal to see its whole output, or fix it in [profile work] of ~/.aws/config"
    );
}

#[test]
fn a_session_that_cannot_be_written_is_never_shown_nor_left_in_a_file() {
    let home = Home::new(CONFIG, &credentials());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        home.credentials_path(),
        std::fs::Permissions::from_mode(0o400),
    )
    .unwrap();
    let expiration = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(12))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let session_secret = "session/secret+that-must-not-leak";
    let session_token = "FwoGZXIvYXdzEsessiontokenthatmustnotleak";
    let sts = sts_answering(
        200,
        include_str!("../testdata/sts/get-session-token.xml")
            .replace("{ACCESS_KEY_ID}", "ASIASECRETHYGIENE001")
            .replace("{SECRET_ACCESS_KEY}", session_secret)
            .replace("{SESSION_TOKEN}", session_token)
            .replace("{EXPIRATION}", &expiration),
    );
    assert_fails_without_leaking(
        &home,
        &[("AWS_ENDPOINT_URL_STS", &sts)],
        &[],
        "io",
        &[CODE, LONG_TERM_SECRET, session_secret, session_token],
    );
    let credentials_now = std::fs::read_to_string(home.credentials_path()).unwrap();
    assert_eq!(
        credentials_now,
        credentials(),
        "the credentials file is as it was"
    );
}

#[test]
fn a_successful_login_shows_no_secret_in_argv_output_logs_or_state() {
    let moto = Moto::shared();
    let home = Home::new(
        "[profile hygiene]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/hygiene\nawsmfa_op_item = AWS hygiene\n",
        &format!(
            "[hygiene-mfa]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {LONG_TERM_SECRET}\n"
        ),
    );
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
    // Tools asking for the session get its keys on stdout, and nowhere else.
    let process = run(home
        .cmd()
        .args(["credential-process", "hygiene"])
        .env("AWSMFA_LOG", "debug"));
    assert!(process.status.success(), "{}", stderr(&process));
    let exec = run(home
        .cmd()
        .args(["exec", "hygiene", "--", "true"])
        .env("AWSMFA_LOG", "debug"));
    assert!(exec.status.success(), "{}", stderr(&exec));
    let mut places = vec![
        ("credential-process stderr + debug log", stderr(&process)),
        ("exec stderr + debug log", stderr(&exec)),
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
