//! The catalogue of bad inputs and faults (the README's table): for each, the real binary
//! prints exactly one
//! line `awsmfa: …` on stderr (after the progress lines of the steps it got to), exits with
//! the documented code, prints the documented `--format json` error kind, and leaves every
//! file as it was: the test folder (home, `~/.aws`, the state folder, the fake `op` and
//! `ykman`) is compared byte for byte, mode and owner included, before and after.
//!
//! Some faults need root: running as another user (a file the user cannot read, a folder
//! it cannot write) and a private mount namespace with a small tmpfs (a full disk, a
//! read-only file system). The tests run as root here and in CI; elsewhere those few fail
//! saying so.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::{
    Home, LIMIT, NOBODY, Want, as_nobody, assert_refused, check_refusal, chown_tree, closed_port,
    in_12_hours, mkfifo, output_within, silent_sts, snapshot, sts_answering, sts_error,
    sts_session,
};

const SOURCE_KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const CONFIG: &str = "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_op_item = AWS work\n";

fn credentials() -> String {
    format!(
        "# Long-term keys. Rotate every 90 days!\n[work-mfa]\n{SOURCE_KEYS}\n; someone else's profile\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other/secret\n"
    )
}

fn home() -> Home {
    Home::new(CONFIG, &credentials())
}

fn login(home: &Home, profile: &str) -> Command {
    let mut cmd = home.cmd();
    cmd.args(["login", profile]);
    cmd
}

fn login_with_code(home: &Home, profile: &str, sts: &str) -> Command {
    let mut cmd = login(home, profile);
    cmd.args(["--code", "123456"])
        .env("AWS_ENDPOINT_URL_STS", sts);
    cmd
}

const FETCHING: &str = "Fetching code from 1Password…";
const TYPED: &[&str] = &["Using the code given with --code…", "Calling AWS STS…"];

// ---------------------------------------------------------------------------------------
// The AWS files themselves
// ---------------------------------------------------------------------------------------

#[test]
fn no_aws_folder() {
    let home = home();
    std::fs::remove_dir_all(home.path().join(".aws")).unwrap();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "no profile called work: there are no MFA profiles yet: add [work-mfa] with your long-term keys to ~/.aws/credentials",
            exit: 3,
            kind: "profile_not_found",
        },
    );
}

#[test]
fn credentials_file_the_user_cannot_read() {
    // Root reads any file whatever its mode, so the login runs as nobody, owning everything
    // but the credentials file: a file left owned by root (`sudo aws configure`).
    let home = home();
    let root = home.root();
    chown_tree(&root, NOBODY);
    std::os::unix::fs::chown(home.credentials_path(), Some(0), Some(0)).unwrap();
    let mut cmd = login(&home, "work");
    as_nobody(&mut cmd);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "cannot read ~/.aws/credentials: permission denied: check the file's owner and mode (ls -l)",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn credentials_file_that_is_a_named_pipe() {
    // Reading a FIFO with no writer blocks for ever: Alfred would hang on every keystroke.
    let home = home();
    std::fs::remove_file(home.credentials_path()).unwrap();
    mkfifo(&home.credentials_path());
    assert_refused(
        &home,
        home.cmd().arg("list"),
        Want {
            progress: &[],
            message: "~/.aws/credentials is not a regular file (it is a named pipe): replace it with a text file",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn read_only_credentials_file() {
    let home = home();
    std::fs::set_permissions(
        home.credentials_path(),
        std::fs::Permissions::from_mode(0o400),
    )
    .unwrap();
    let sts = sts_session(&in_12_hours());
    assert_refused(
        &home,
        &mut login_with_code(&home, "work", &sts),
        Want {
            progress: TYPED,
            message: "~/.aws/credentials is read-only: make it writable (chmod u+w ~/.aws/credentials) and try again",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn aws_folder_the_user_cannot_write() {
    let home = home();
    let root = home.root();
    chown_tree(&root, NOBODY);
    let aws = home.path().join(".aws");
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o500)).unwrap();
    let sts = sts_session(&in_12_hours());
    let mut cmd = login_with_code(&home, "work", &sts);
    as_nobody(&mut cmd);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: TYPED,
            message: "cannot write ~/.aws/credentials (it was left as it was): awsmfa may not create files in ~/.aws: check the folder's owner and mode (ls -ld ~/.aws)",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn read_only_file_system() {
    let home = home();
    let sts = sts_session(&in_12_hours());
    let mut cmd = login_with_code(&home, "work", &sts);
    assert_refused_on_tmpfs(
        &home,
        &mut cmd,
        Tmpfs::ReadOnly,
        Want {
            progress: TYPED,
            message: "cannot write ~/.aws/credentials (it was left as it was): the file system is read-only",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn full_disk() {
    let home = home();
    let sts = sts_session(&in_12_hours());
    let mut cmd = login_with_code(&home, "work", &sts);
    assert_refused_on_tmpfs(
        &home,
        &mut cmd,
        Tmpfs::Full,
        Want {
            progress: TYPED,
            message: "cannot write ~/.aws/credentials (it was left as it was): the disk is full: free some space and try again",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn folder_where_the_credentials_file_should_be() {
    let home = home();
    std::fs::remove_file(home.credentials_path()).unwrap();
    std::fs::create_dir(home.credentials_path()).unwrap();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "cannot read ~/.aws/credentials: is a folder, not a file: move it away",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn credentials_file_that_is_not_utf8() {
    let home = home();
    // Latin-1, as an old editor might save it.
    std::fs::write(
        home.credentials_path(),
        b"# Schl\xfcssel\n[work-mfa]\naws_access_key_id = AKIA\n",
    )
    .unwrap();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "~/.aws/credentials is not UTF-8 text: save it as UTF-8 (it may be in another encoding or damaged)",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn config_file_that_is_not_utf8() {
    let home = home();
    std::fs::write(home.config_path(), b"[profile work]\nregion = \xff\xfe\n").unwrap();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "~/.aws/config is not UTF-8 text: save it as UTF-8 (it may be in another encoding or damaged)",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn fifty_megabyte_credentials_file_with_a_broken_last_line() {
    let home = home();
    let mut text = credentials();
    let line = "# a comment line that pads the file to fifty megabytes...............\n";
    let lines = 50 * 1024 * 1024 / line.len();
    text.reserve(50 * 1024 * 1024);
    for _ in 0..lines {
        text.push_str(line);
    }
    text.push_str(&"x".repeat(100_000));
    std::fs::write(home.credentials_path(), &text).unwrap();
    let broken_line = text.lines().count();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: &format!(
                "~/.aws/credentials line {broken_line}: expected `key = value`, a `[section]` header or a `#` comment, found `{}…`: fix that line and try again",
                "x".repeat(40)
            ),
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn malformed_line() {
    let home = Home::new(
        CONFIG,
        "[work-mfa]\naws_access_key_id = AKIA\nthis line is broken\n",
    );
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "~/.aws/credentials line 3: expected `key = value`, a `[section]` header or a `#` comment, found `this line is broken`: fix that line and try again",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn unclosed_section_header_in_the_config() {
    let home = home();
    std::fs::write(home.config_path(), "[profile work\nregion = eu-west-1\n").unwrap();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "~/.aws/config line 1: a section header needs a closing `]`: fix that line and try again",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn symlink_loop() {
    let home = home();
    std::fs::remove_file(home.credentials_path()).unwrap();
    let aws = home.path().join(".aws");
    std::os::unix::fs::symlink("credentials.d", aws.join("credentials")).unwrap();
    std::os::unix::fs::symlink("credentials", aws.join("credentials.d")).unwrap();
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "cannot read ~/.aws/credentials: it is a loop of symbolic links: check where they point (ls -l)",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn credentials_path_through_a_file() {
    let home = home();
    let mut cmd = login(&home, "work");
    cmd.env(
        "AWS_SHARED_CREDENTIALS_FILE",
        home.credentials_path().join("credentials"),
    );
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "cannot read ~/.aws/credentials/credentials: a part of the path is a file, not a folder",
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn home_not_set() {
    let home = home();
    let mut cmd = login(&home, "work");
    cmd.env_remove("HOME")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE");
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "HOME is not set: set HOME, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

// ---------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_profile() {
    let home = home();
    assert_refused(
        &home,
        &mut login(&home, "nope"),
        Want {
            progress: &[],
            message: "no profile called nope: MFA profiles: work",
            exit: 3,
            kind: "profile_not_found",
        },
    );
}

#[test]
fn profile_name_with_shell_metacharacters() {
    let home = home();
    let marker = home.path().join("pwned");
    let name = format!("work; touch {} $(touch {0}) `touch {0}`", marker.display());
    assert_refused(
        &home,
        &mut login(&home, &name),
        Want {
            progress: &[],
            message: &format!("no profile called {name}: MFA profiles: work"),
            exit: 3,
            kind: "profile_not_found",
        },
    );
    assert!(!marker.exists(), "the name was run by a shell");
}

#[test]
fn profile_without_a_source_profile() {
    let home = Home::new(
        &format!("{CONFIG}[profile nokeys]\nregion = eu-west-1\n"),
        &credentials(),
    );
    assert_refused(
        &home,
        &mut login(&home, "nokeys"),
        Want {
            progress: &[],
            message: "nokeys has no source profile with long-term keys: add [nokeys-mfa] with aws_access_key_id and aws_secret_access_key to ~/.aws/credentials, or set awsmfa_source_profile in [profile nokeys]",
            exit: 3,
            kind: "not_mfa_profile",
        },
    );
}

/// As a new user has it: the long-term keys in [other] itself.
#[test]
fn profile_holding_its_own_long_term_keys() {
    let home = home();
    assert_refused(
        &home,
        &mut login(&home, "other"),
        Want {
            progress: &[],
            message: "[other] in ~/.aws/credentials holds long-term keys, where awsmfa keeps other's session: run awsmfa setup other --move-keys to move them to [other-mfa] (nothing else in the file changes)",
            exit: 3,
            kind: "not_mfa_profile",
        },
    );
}

#[test]
fn source_profile_missing_its_secret_key() {
    let home = Home::new(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_source_profile = keys\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
    );
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "[keys] in the credentials file needs aws_access_key_id and aws_secret_access_key (your long-term keys)",
            exit: 3,
            kind: "not_mfa_profile",
        },
    );
}

#[test]
fn source_profile_with_temporary_asia_keys() {
    let home = Home::new(
        CONFIG,
        "[work-mfa]\naws_access_key_id = ASIATEMPORARY\naws_secret_access_key = s\naws_session_token = t\n",
    );
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "[work-mfa] holds temporary keys (ASIA…), but AWS only issues MFA sessions for long-term keys: put an access key (AKIA…) from IAM there",
            exit: 3,
            kind: "sts_session_credentials",
        },
    );
}

// ---------------------------------------------------------------------------------------
// A session for another tool: credential-process, exec, export
// ---------------------------------------------------------------------------------------

/// A home whose `[work]` holds a session with 12 h left (served without asking anyone).
fn home_with_session() -> Home {
    Home::new(
        CONFIG,
        &format!(
            "{}[work]\naws_access_key_id = ASIASESSION\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = {}\n",
            credentials(),
            in_12_hours()
        ),
    )
}

/// `exec` with `--format json` before the `--` (what follows it is the command's).
fn refused_exec(home: &Home, command: &[&std::ffi::OsStr], want: Want<'_>) {
    let root = home.root();
    let before = snapshot(&root);
    let mut cmd = home.cmd();
    cmd.args(["exec", "work", "--format", "json", "--"])
        .args(command);
    check_refusal(&output_within(&mut cmd, LIMIT), &want);
    assert_eq!(snapshot(&root), before, "files changed");
}

#[test]
fn exec_of_a_command_that_does_not_exist() {
    // No session yet: the mistyped command is caught before any login.
    let home = home();
    refused_exec(
        &home,
        &["no-such-command".as_ref()],
        Want {
            progress: &[],
            message: "there is no command called no-such-command: check its name, or give its full path",
            exit: 127,
            kind: "command_not_found",
        },
    );
}

#[test]
fn exec_of_a_file_that_is_not_executable() {
    let home = home_with_session();
    let script = home.path().join("script.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    let message = format!(
        "{} cannot be run: it is not executable (chmod +x) or not a program",
        script.display()
    );
    refused_exec(
        &home,
        &[script.as_os_str()],
        Want {
            progress: &[],
            message: &message,
            exit: 126,
            kind: "command_not_runnable",
        },
    );
}

#[test]
fn credential_process_min_valid_that_is_not_a_length() {
    let home = home_with_session();
    let mut cmd = home.cmd();
    cmd.args(["credential-process", "work", "--min-valid", "soon"]);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "--min-valid `soon` is not a length of time: write it like 15m, 1h or 900",
            exit: 3,
            kind: "invalid_duration",
        },
    );
}

#[test]
fn code_stdin_with_nothing_on_it() {
    let home = home();
    let mut cmd = login(&home, "work");
    cmd.arg("--code-stdin").stdin(std::process::Stdio::null());
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "no one-time code arrived on stdin: pipe it in, e.g. printf '%s\\n' 123456 | awsmfa login PROFILE --code-stdin",
            exit: 4,
            kind: "invalid_code",
        },
    );
}

#[test]
fn code_stdin_that_is_not_six_digits() {
    let home = home();
    let mut cmd = login(&home, "work");
    cmd.args(["--code-stdin", "--format", "json"]);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"12345x\n").unwrap();
    let out = child.wait_with_output().unwrap();
    check_refusal(
        &out,
        &Want {
            progress: &["Using the code given on stdin…"],
            message: "the one-time code must be exactly 6 digits: check it and try again",
            exit: 4,
            kind: "invalid_code",
        },
    );
}

#[test]
fn source_key_continued_by_an_indented_line() {
    // A section pasted indented under the keys: for the AWS CLI, as for awsmfa, its lines
    // continue the secret key's value.
    let home = Home::new(
        CONFIG,
        &format!("[work-mfa]\n{SOURCE_KEYS}  [old]\n  region = eu-west-1\n"),
    );
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "aws_secret_access_key in [work-mfa] of the credentials file runs on into the indented line after it, as the AWS CLI reads it too: remove that line's indentation and try again",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[test]
fn session_section_holding_long_term_keys() {
    let home = Home::new(
        CONFIG,
        &format!(
            "[work-mfa]\n{SOURCE_KEYS}[work]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = keep-me\n"
        ),
    );
    let want = || Want {
        progress: &[],
        message: "[work] in the credentials file holds long-term keys (AKIA…), which awsmfa will not overwrite: move them to [work-mfa] and try again",
        exit: 3,
        kind: "config_invalid",
    };
    assert_refused(&home, &mut login(&home, "work"), want());
    // Nor remove them.
    let mut logout = home.cmd();
    logout.args(["logout", "work"]);
    assert_refused(&home, &mut logout, want());
}

#[test]
fn no_code_source() {
    let home = Home::new(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\n",
        &credentials(),
    );
    assert_refused(
        &home,
        &mut login(&home, "work"),
        Want {
            progress: &[],
            message: "work has no one-time code source: run awsmfa setup work --op-item \"ITEM\" (the 1Password item with the one-time password), or pass --code",
            exit: 3,
            kind: "no_code_source",
        },
    );
}

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

fn duration_case(args: &[&str], env: Option<&str>, config_line: Option<&str>, message: &str) {
    let mut config = CONFIG.to_string();
    if let Some(line) = config_line {
        config.push_str(line);
    }
    let home = Home::new(&config, &credentials());
    let mut cmd = login(&home, "work");
    cmd.args(args);
    if let Some(value) = env {
        cmd.env("AWSMFA_DURATION", value);
    }
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message,
            exit: 3,
            kind: "invalid_duration",
        },
    );
}

#[test]
fn duration_too_long() {
    duration_case(
        &["--duration", "40h"],
        None,
        None,
        "--duration `40h` is out of range: AWS allows a session of 15m to 1d 12h",
    );
}

#[test]
fn duration_too_short() {
    duration_case(
        &["--duration", "10m"],
        None,
        None,
        "--duration `10m` is out of range: AWS allows a session of 15m to 1d 12h",
    );
}

#[test]
fn duration_that_is_not_a_length_of_time() {
    duration_case(
        &["--duration", "soon"],
        None,
        None,
        "--duration `soon` is not a length of time: write it like 8h, 90m, 1h30m or 3600",
    );
}

#[test]
fn duration_in_the_environment_that_is_not_a_length_of_time() {
    duration_case(
        &[],
        Some("1.5h"),
        None,
        "AWSMFA_DURATION `1.5h` is not a length of time: write it like 8h, 90m, 1h30m or 3600",
    );
}

#[test]
fn role_duration_over_twelve_hours_in_the_config() {
    duration_case(
        &[],
        None,
        Some("awsmfa_role_arn = arn:aws:iam::123456789012:role/admin\nawsmfa_duration = 13h\n"),
        "awsmfa_duration `13h` is out of range: AWS allows a role session of 15m to 12h",
    );
}

fn code_case(code: &str) {
    let home = home();
    let mut cmd = login(&home, "work");
    cmd.args(["--code", code])
        .env("AWS_ENDPOINT_URL_STS", closed_port());
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &["Using the code given with --code…"],
            message: "the one-time code must be exactly 6 digits: check it and try again",
            exit: 4,
            kind: "invalid_code",
        },
    );
}

#[test]
fn code_with_five_digits() {
    code_case("12345");
}

#[test]
fn code_with_letters() {
    code_case("12a456");
}

#[test]
fn code_with_full_width_digits() {
    code_case("１２３４５６");
}

fn setup_case(args: &[&str], message: &str, exit: i32, kind: &str) {
    let home = home();
    let mut cmd = home.cmd();
    cmd.args(["setup", "work"]).args(args);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message,
            exit,
            kind,
        },
    );
}

#[test]
fn setup_with_a_vault_but_no_item() {
    setup_case(
        &[
            "--serial",
            "arn:aws:iam::123456789012:mfa/x",
            "--op-vault",
            "Private",
        ],
        "--op-vault and --op-account go with --op-item: add --op-item ITEM",
        2,
        "invalid_option",
    );
}

#[test]
fn setup_with_a_blank_item() {
    setup_case(
        &[
            "--serial",
            "arn:aws:iam::123456789012:mfa/x",
            "--op-item",
            " ",
        ],
        "--op-item needs the item's name or ID",
        2,
        "invalid_option",
    );
}

#[test]
fn setup_with_a_serial_that_is_not_an_mfa_device() {
    setup_case(
        &["--serial", "arn:aws:iam::123456789012:user/me"],
        "`arn:aws:iam::123456789012:user/me` is not an MFA device ARN: it looks like arn:aws:iam::123456789012:mfa/NAME (IAM → Security credentials → MFA)",
        3,
        "no_serial",
    );
}

// ---------------------------------------------------------------------------------------
// 1Password (the fake `op`, which answers like the real CLI)
// ---------------------------------------------------------------------------------------

/// `login work` with `env` refused with exit status 4 after the one progress line of its code
/// source, before anything reaches STS.
fn code_source_case(home: &Home, progress: &str, env: &[(&str, &str)], message: &str, kind: &str) {
    let mut cmd = login(home, "work");
    cmd.env("AWS_ENDPOINT_URL_STS", closed_port());
    for (name, value) in env {
        cmd.env(name, value);
    }
    assert_refused(
        home,
        &mut cmd,
        Want {
            progress: &[progress],
            message,
            exit: 4,
            kind,
        },
    );
}

fn op_case(home: &Home, env: &[(&str, &str)], message: &str, kind: &str) {
    code_source_case(home, FETCHING, env, message, kind);
}

#[test]
fn op_locked() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "locked")],
        "1Password is locked: unlock it (with the app integration, op asks for Touch ID itself)",
        "op_locked",
    );
}

#[test]
fn op_prompt_dismissed() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "dismissed")],
        "1Password is locked: unlock it (with the app integration, op asks for Touch ID itself)",
        "op_locked",
    );
}

#[test]
fn op_not_signed_in() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "not_signed_in")],
        "1Password CLI is not signed in (You are not currently signed in. Please run `op signin --help` for instructions): turn on 'Integrate with 1Password CLI' in the 1Password app's Developer settings, or run `op signin`, then try again",
        "op_not_signed_in",
    );
}

#[test]
fn op_item_without_a_one_time_password() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "no_otp")],
        "1Password item \"AWS work\" has no one-time password: add the AWS MFA device's secret to it as a one-time password, or run `awsmfa setup work --op-item ID` with the item that has one",
        "op_no_otp",
    );
}

#[test]
fn op_item_not_found() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "not_found")],
        "1Password has no item \"AWS work\": check the name with `op item list`, or run `awsmfa setup work --op-item ID`",
        "op_item_not_found",
    );
}

#[test]
fn op_item_name_ambiguous() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "ambiguous")],
        "more than one 1Password item is called \"AWS work\": use its ID (one of: bdhyi3wltmisyata56fqpw7x64, epksw7oas7bcknt4ocyvmihnz4) with `awsmfa setup work --op-item ID`",
        "op_item_ambiguous",
    );
}

#[test]
fn op_prints_something_that_is_not_a_code() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "garbage")],
        "1Password's one-time password for this item is not a 6-digit code: make it the AWS MFA device's (TOTP, 6 digits, 30 seconds)",
        "invalid_code",
    );
}

#[test]
fn op_fails_otherwise() {
    op_case(
        &home(),
        &[("FAKE_OP_MODE", "crash")],
        "1Password CLI failed: read: context deadline exceeded (run `op whoami` in a terminal to check op)",
        "op_failed",
    );
}

#[test]
fn op_vault_not_found() {
    let home = Home::new(
        &format!("{CONFIG}awsmfa_op_vault = Missing\n"),
        &credentials(),
    );
    op_case(
        &home,
        &[("FAKE_OP_VAULTS", "Private")],
        "1Password has no vault \"Missing\": check the name with `op vault list`, or run `awsmfa setup work --op-vault VAULT`",
        "op_item_not_found",
    );
}

#[test]
fn op_account_not_found() {
    let home = Home::new(
        &format!("{CONFIG}awsmfa_op_account = nobody.1password.com\n"),
        &credentials(),
    );
    op_case(
        &home,
        &[("FAKE_OP_ACCOUNTS", "my.1password.com")],
        "1Password CLI has no account \"nobody.1password.com\": see the accounts with `op account list`, then run `awsmfa setup work --op-account ACCOUNT`",
        "op_not_signed_in",
    );
}

#[test]
fn op_not_installed() {
    let home = home();
    std::fs::remove_file(home.bin_dir().join("op")).unwrap();
    op_case(
        &home,
        &[],
        "1Password CLI (op) is not installed: install it (brew install 1password-cli) and turn on 'Integrate with 1Password CLI' in the 1Password app's Developer settings",
        "op_not_installed",
    );
}

#[test]
fn awsmfa_op_not_executable() {
    let home = home();
    let not_op = home.write_file("not-op.txt", "text\n");
    op_case(
        &home,
        &[("AWSMFA_OP", not_op.to_str().unwrap())],
        &format!(
            "AWSMFA_OP is set to {}, which is not an executable file: point it at the 1Password CLI (op), or unset it to use the op on PATH",
            not_op.display()
        ),
        "op_not_installed",
    );
}

#[test]
fn awsmfa_op_a_relative_path() {
    op_case(
        &home(),
        &[("AWSMFA_OP", "bin/op")],
        "AWSMFA_OP is set to bin/op, a relative path, which would depend on the folder awsmfa runs in: set it to the absolute path of op (for example /opt/homebrew/bin/op), or unset it to use the op on PATH",
        "op_not_installed",
    );
}

// ---------------------------------------------------------------------------------------
// A YubiKey (the fake `ykman`, which answers like the real CLI)
// ---------------------------------------------------------------------------------------

const YUBIKEY: &str = "Reading the code from your YubiKey (touch it if it blinks)…";

fn yubikey_home() -> Home {
    Home::new(
        "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_ykman_account = AWS:work\n",
        &credentials(),
    )
}

fn ykman_case(home: &Home, env: &[(&str, &str)], message: &str, kind: &str) {
    code_source_case(home, YUBIKEY, env, message, kind);
}

#[test]
fn no_yubikey_plugged_in() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_MODE", "no_yubikey")],
        "no YubiKey is plugged in: plug in the YubiKey with the OATH account \"AWS:work\"",
        "yubikey_not_inserted",
    );
}

#[test]
fn two_yubikeys_plugged_in() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_MODE", "several")],
        "more than one YubiKey is plugged in, and ykman cannot tell which to use: leave only the one with the OATH account \"AWS:work\" plugged in",
        "yubikey_not_inserted",
    );
}

#[test]
fn yubikey_not_touched_in_time() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_MODE", "touch_timeout")],
        "the YubiKey was not touched in time (its OATH account \"AWS:work\" requires a touch): touch the YubiKey when it blinks",
        "yubikey_touch_timeout",
    );
}

#[test]
fn yubikey_with_a_password_ykman_does_not_remember() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_MODE", "password")],
        "the YubiKey's OATH accounts are protected by a password that ykman does not remember: run `ykman oath access remember` once in a terminal, so that ykman remembers it on this computer, then try again",
        "yubikey_password_required",
    );
}

#[test]
fn yubikey_account_not_found() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_ACCOUNTS", "AWS:prod,GitHub:me")],
        "the YubiKey has no OATH account matching \"AWS:work\": see its accounts with `ykman oath accounts list`, then set awsmfa_ykman_account in [profile work] of ~/.aws/config to one of them (or plug in the YubiKey that has it)",
        "ykman_account_not_found",
    );
}

#[test]
fn yubikey_account_name_matches_several() {
    let home = Home::new(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_ykman_account = AWS\n",
        &credentials(),
    );
    ykman_case(
        &home,
        &[("FAKE_YKMAN_ACCOUNTS", "AWS:work,AWS:prod,GitHub:me")],
        "more than one OATH account on the YubiKey matches \"AWS\" (AWS:work, AWS:prod): set awsmfa_ykman_account in [profile work] of ~/.aws/config to the whole name of one",
        "ykman_account_ambiguous",
    );
}

#[test]
fn yubikey_account_with_eight_digit_codes() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_MODE", "eight_digits")],
        "the YubiKey's OATH account \"AWS:work\" does not give a 6-digit code: make it the AWS MFA device's (TOTP, 6 digits, 30 seconds)",
        "invalid_code",
    );
}

#[test]
fn ykman_fails_otherwise() {
    ykman_case(
        &yubikey_home(),
        &[("FAKE_YKMAN_MODE", "no_oath")],
        "ykman failed: The functionality required for this command is not enabled or not available on this YubiKey. (run `ykman info` in a terminal to check ykman and the YubiKey)",
        "ykman_failed",
    );
}

#[test]
fn ykman_not_installed() {
    let home = yubikey_home();
    std::fs::remove_file(home.bin_dir().join("ykman")).unwrap();
    ykman_case(
        &home,
        &[],
        "YubiKey Manager CLI (ykman) is not installed: install it (brew install ykman), or set AWSMFA_YKMAN to the ykman to run",
        "ykman_not_installed",
    );
}

#[test]
fn awsmfa_ykman_not_executable() {
    let home = yubikey_home();
    let not_ykman = home.write_file("not-ykman.txt", "text\n");
    ykman_case(
        &home,
        &[("AWSMFA_YKMAN", not_ykman.to_str().unwrap())],
        &format!(
            "AWSMFA_YKMAN is set to {}, which is not an executable file: point it at the YubiKey Manager CLI (ykman), or unset it to use the ykman on PATH",
            not_ykman.display()
        ),
        "ykman_not_installed",
    );
}

#[test]
fn awsmfa_ykman_a_relative_path() {
    ykman_case(
        &yubikey_home(),
        &[("AWSMFA_YKMAN", "bin/ykman")],
        "AWSMFA_YKMAN is set to bin/ykman, a relative path, which would depend on the folder awsmfa runs in: set it to the absolute path of ykman (for example /opt/homebrew/bin/ykman), or unset it to use the ykman on PATH",
        "ykman_not_installed",
    );
}

// ---------------------------------------------------------------------------------------
// STS (real STS error XML replayed over HTTP, and sockets that fail)
// ---------------------------------------------------------------------------------------

fn sts_case(sts: &str, message: &str, exit: i32, kind: &str) {
    let home = home();
    assert_refused(
        &home,
        &mut login_with_code(&home, "work", sts),
        Want {
            progress: TYPED,
            message,
            exit,
            kind,
        },
    );
}

#[test]
fn sts_rejects_the_code() {
    sts_case(
        &sts_error("tests/fixtures/sts/invalid-code.xml"),
        "AWS rejected the one-time code (wrong, expired or already used): wait for the next code",
        5,
        "sts_invalid_code",
    );
}

#[test]
fn sts_cannot_check_the_serial() {
    sts_case(
        &sts_error("tests/fixtures/sts/wrong-serial.xml"),
        "AWS could not check the code against the MFA serial: run awsmfa setup work --serial ARN with the ARN from IAM → Security credentials → MFA",
        5,
        "sts_invalid_serial",
    );
}

#[test]
fn sts_does_not_know_the_access_key() {
    sts_case(
        &sts_error("tests/fixtures/sts/invalid-key.xml"),
        "AWS does not accept the source profile's access key (wrong, deactivated or deleted): create a new access key in IAM and put it in the source profile",
        5,
        "sts_invalid_key",
    );
}

#[test]
fn sts_wrong_secret_key() {
    sts_case(
        &sts_error("tests/fixtures/sts/wrong-secret.xml"),
        "AWS does not accept the source profile's access key (wrong, deactivated or deleted): create a new access key in IAM and put it in the source profile",
        5,
        "sts_invalid_key",
    );
}

#[test]
fn sts_expired_key() {
    sts_case(
        &sts_error("tests/fixtures/sts/expired-token.xml"),
        "the source profile's keys have expired: put current long-term keys (AKIA…) in it",
        5,
        "sts_expired_key",
    );
}

#[test]
fn sts_refuses_session_credentials() {
    sts_case(
        &sts_error("tests/fixtures/sts/session-credentials.xml"),
        "the source profile holds temporary keys, not long-term ones: put an access key (AKIA…) from IAM in it",
        3,
        "sts_session_credentials",
    );
}

#[test]
fn sts_throttles() {
    sts_case(
        &sts_error("tests/fixtures/sts/throttling.xml"),
        "AWS is throttling requests: wait a minute",
        5,
        "sts_throttled",
    );
}

#[test]
fn sts_validation_error() {
    sts_case(
        &sts_error("tests/fixtures/sts/validation.xml"),
        "AWS refused the request: 1 validation error detected: Value '200000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
        5,
        "sts_access_denied",
    );
}

#[test]
fn sts_denies_the_role() {
    let home = Home::new(
        &format!("{CONFIG}awsmfa_role_arn = arn:aws:iam::123456789012:role/admin\n"),
        &credentials(),
    );
    let sts = sts_error("tests/fixtures/sts/role-denied.xml");
    assert_refused(
        &home,
        &mut login_with_code(&home, "work", &sts),
        Want {
            progress: TYPED,
            message: "AWS denied the request: User: arn:aws:iam::123456789012:user/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/admin",
            exit: 5,
            kind: "sts_access_denied",
        },
    );
}

#[test]
fn sts_port_closed() {
    sts_case(
        &closed_port(),
        "cannot reach AWS STS: check your network connection (or AWS_ENDPOINT_URL_STS)",
        6,
        "network",
    );
}

#[test]
fn sts_never_answers() {
    sts_case(
        &silent_sts(),
        "AWS STS did not answer in time: check your network connection",
        6,
        "timeout",
    );
}

#[test]
fn sts_answers_garbage() {
    sts_case(
        &sts_answering(200, "<html>captive portal</html>"),
        "the answer to the AWS STS request did not come from STS: check your network connection (a captive portal or proxy may be answering) or AWS_ENDPOINT_URL_STS",
        6,
        "network",
    );
}

// ---------------------------------------------------------------------------------------
// A clock far off
// ---------------------------------------------------------------------------------------

#[test]
fn clock_far_behind_so_aws_says_the_signature_expired() {
    sts_case(
        &sts_error("tests/testdata/sts/signature-expired.xml"),
        "AWS refused the request because this computer's clock is off (Signature expired: 20240101T000000Z is now earlier than 20260101T000000Z (20260101T001500Z - 15 min.)): set the date and time automatically and try again",
        5,
        "clock_off",
    );
}

#[test]
fn clock_far_ahead_so_aws_says_the_signature_is_not_yet_current() {
    sts_case(
        &sts_error("tests/testdata/sts/signature-not-yet-current.xml"),
        "AWS refused the request because this computer's clock is off (Signature not yet current: 20280101T000000Z is still later than 20260101T001500Z (20260101T000000Z + 15 min.)): set the date and time automatically and try again",
        5,
        "clock_off",
    );
}

#[test]
fn clock_far_ahead_so_the_new_session_has_already_expired() {
    sts_case(
        &sts_session("2001-01-01T00:00:00Z"),
        "AWS STS sent a session that ended at 2001-01-01T00:00:00Z, which is before this computer's time: this computer's clock is off: set the date and time automatically and try again",
        5,
        "clock_off",
    );
}

// ---------------------------------------------------------------------------------------
// Helpers for faults that need root
// ---------------------------------------------------------------------------------------

/// How the tmpfs mounted over `~/.aws` is broken.
enum Tmpfs {
    /// Mounted read-only.
    ReadOnly,
    /// Filled to the last byte.
    Full,
}

/// Runs `cmd` in a private mount namespace where `~/.aws` is a small tmpfs holding the
/// same files, broken as `how` says; checks its output, and that the files in the tmpfs
/// are, afterwards, the ones it started with (plus the filler).
fn assert_refused_on_tmpfs(home: &Home, cmd: &mut Command, how: Tmpfs, want: Want<'_>) {
    let aws = home.path().join(".aws");
    let root = home.root();
    let staged = root.join("staged");
    let after = root.join("after");
    let copy = Command::new("cp")
        .arg("-a")
        .arg(&aws)
        .arg(&staged)
        .status()
        .unwrap();
    assert!(copy.success());
    let breaking = match how {
        Tmpfs::ReadOnly => r#"mount -o remount,ro "$AWS""#,
        Tmpfs::Full => r#"dd if=/dev/zero of="$AWS/filler" bs=4k 2>/dev/null || true"#,
    };
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=256k,mode=0700 awsmfa-test "$AWS"
cp -a "$STAGED/." "$AWS/"
{breaking}
set +e
"$@" --format json
status=$?
mkdir "$AFTER" && cp -a "$AWS/." "$AFTER/"
exit $status"#
    );
    let mut wrapped = Command::new("unshare");
    wrapped
        .args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            &script,
            "sh",
        ])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env("AWS", &aws)
        .env("STAGED", &staged)
        .env("AFTER", &after)
        .current_dir(home.path());
    let out = output_within(&mut wrapped, LIMIT);
    assert!(
        after.exists(),
        "the private tmpfs could not be set up (this test needs root): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_refusal(&out, &want);
    let mut inside = snapshot(&after);
    if matches!(how, Tmpfs::Full) {
        assert!(inside.remove(Path::new("filler")).is_some());
    }
    let mut outside = snapshot(&staged);
    // The mount point's own mode comes from the mount options.
    inside.remove(Path::new(""));
    outside.remove(Path::new(""));
    assert_eq!(inside, outside, "files changed");
}
