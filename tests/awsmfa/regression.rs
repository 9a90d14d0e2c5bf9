//! One test per bug, named after it: first those the property tests (`ini_properties`) and
//! the fuzzers (`./scripts/fuzz`) found in the AWS file editor (`src/ini.rs`), pinning the
//! exact bytes written; then those found trying awsmfa as an attacker and as an unlucky user
//! would (state files that could overwrite the credentials file, waits with no end, owners
//! and links lost, secrets in dumps and messages), each checked on the real binary.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use awsmfa::ini::Document;

use crate::support::dbus::{Bus, StuckSecretService};
use crate::support::{
    Home, Moto, NOBODY, Want, assert_refused, check_refusal, chown_tree, mkfifo, output_within,
    run, stderr, sts_answering,
};

fn upsert(text: &str, name: &str, values: &[(&str, &str)]) -> String {
    let doc = Document::parse(text).expect("the input parses");
    let out = doc.upsert(name, values, &[]).expect("the edit is accepted");
    let again = Document::parse(out.as_str()).expect("the result parses");
    assert_eq!(
        again.upsert(name, values, &[]).unwrap(),
        out,
        "a second identical edit changes nothing"
    );
    out
}

/// Found by the property tests: a file of only blanks without a final line end (`" "`) got
/// the new header glued to its last line (`" [work]"`).
#[test]
fn a_new_section_after_a_last_line_of_blanks_starts_a_line_of_its_own() {
    assert_eq!(upsert(" ", "work", &[("k", "v")]), " \n[work]\nk = v\n");
    assert_eq!(
        upsert("\n\t", "work", &[("k", "v")]),
        "\n\t\n[work]\nk = v\n"
    );
    // A lone BOM is no line: the header follows it directly, as before.
    assert_eq!(
        upsert("\u{feff}", "work", &[("k", "v")]),
        "\u{feff}[work]\nk = v\n"
    );
}

/// Found by the property tests: a file that is one line ended by a lone CR (`"\r"`) was
/// edited with LF lines, and the LF after that CR then made its first line CRLF, so the
/// next identical edit rewrote awsmfa's lines with CRLF (the edit was not idempotent).
#[test]
fn a_lone_cr_that_ends_the_first_line_counts_as_crlf() {
    assert_eq!(
        upsert("\r", "work", &[("k", "v")]),
        "\r\n[work]\r\nk = v\r\n"
    );
    assert_eq!(
        upsert("[a]\r", "work", &[("k", "v")]),
        "[a]\r\n\r\n[work]\r\nk = v\r\n"
    );
}

/// Found by the property tests: a key starting with `#` or `;` was accepted and written as
/// `# = [`, which reads back as a comment, so the section did not hold the key.
#[test]
fn a_key_that_would_start_a_comment_is_refused() {
    let doc = Document::parse("").unwrap();
    for key in ["#", "#key", ";key"] {
        let err = doc.upsert("a", &[(key, "v")], &[]).unwrap_err();
        assert!(
            err.problem.contains("cannot be written to an AWS file"),
            "{key:?}: {}",
            err.problem
        );
    }
    // Inside a key, the marks are ordinary characters.
    assert_eq!(upsert("", "a", &[("k#1", "v")]), "[a]\nk#1 = v\n");
}

/// Found by `./scripts/fuzz` (target `edit`): the target section's last line ended in a
/// lone CR at the end of the file (`[z]\r`); the edit added a CRLF after that CR, so the
/// line read `[z]\r` from then on. The CR now gets its LF.
#[test]
fn a_section_whose_last_line_ends_in_a_lone_cr_keeps_that_line() {
    // The fuzzer's input, as it found it.
    let text = "[work-mfa]\r\naws_access_key_id = AKIA0\r\naws_secret_accesskey = s\r\n\r\n\
                [work]\r\naws_session_token = t\r\n\r\n[z]\r";
    let values = [
        ("aws_access_key_id", "a = b # [c] ; 0"),
        ("aws_secret_access_key", "a = b # [c] ; 1"),
        ("aws_session_token", "a = b # [c] ; 2"),
        ("x_security_token_expires", "a = b # [c] ; 3"),
        ("region", "a = b # [c] ; 4"),
        ("ключ", "a = b # [c] ; 5"),
    ];
    let out = upsert(text, "z", &values);
    assert_eq!(
        out,
        format!(
            "{text}\naws_access_key_id = a = b # [c] ; 0\r\naws_secret_access_key = a = b # [c] ; 1\r\n\
             aws_session_token = a = b # [c] ; 2\r\nx_security_token_expires = a = b # [c] ; 3\r\n\
             region = a = b # [c] ; 4\r\nключ = a = b # [c] ; 5\r\n"
        )
    );
    // The same with LF lines, and after a setting instead of the header.
    assert_eq!(
        upsert("[a]\nk = v\n[z]\r", "z", &[("x", "1")]),
        "[a]\nk = v\n[z]\r\nx = 1\n"
    );
    assert_eq!(
        upsert("[z]\nk = v\r", "z", &[("x", "1")]),
        "[z]\nk = v\r\nx = 1\n"
    );
    // Nothing to add: not even a line end is.
    assert_eq!(upsert("[z]\r", "z", &[]), "[z]\r");
}

// ---------------------------------------------------------------------------------------
// Trust under attack and accident
// ---------------------------------------------------------------------------------------

const SOURCE_KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const CONFIG: &str = "[profile work]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_op_item = AWS work\n";

fn home() -> Home {
    Home::new(CONFIG, &format!("# my keys\n[work-mfa]\n{SOURCE_KEYS}"))
}

/// `login work`, the code from the fake 1Password, against moto.
fn login(home: &Home) -> std::process::Command {
    let mut cmd = home.cmd();
    cmd.args(["login", "work"])
        .env("AWS_ENDPOINT_URL_STS", Moto::shared().url());
    cmd
}

fn assert_keys_kept(home: &Home) {
    let text = home.read_credentials();
    assert!(
        text.starts_with(&format!("# my keys\n[work-mfa]\n{SOURCE_KEYS}")),
        "the long-term keys are gone:\n{text}"
    );
}

#[test]
fn a_reminders_file_linked_to_the_credentials_file_never_overwrites_them() {
    let home = home();
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    let link = home.cache_dir().join("reminders.json");
    std::os::unix::fs::symlink(home.credentials_path(), &link).unwrap();
    let out = run(login(&home)
        .args(["--code", "123456", "--remind", "15m"])
        .env_remove("AWSMFA_REMINDERS")
        .env_remove("DBUS_SESSION_BUS_ADDRESS"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_keys_kept(&home);
    let text = home.read_credentials();
    assert!(text.contains("\n[work]\naws_access_key_id = "), "{text}");
    assert_eq!(std::fs::read_link(&link).unwrap(), home.credentials_path());
}

#[test]
fn a_code_window_file_linked_to_the_credentials_file_is_refused_not_followed() {
    let home = home();
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    std::os::unix::fs::symlink(
        home.credentials_path(),
        home.cache_dir().join("last-code-window.json"),
    )
    .unwrap();
    let message = format!(
        "{}/last-code-window.json is a symbolic link: awsmfa follows no links among its state files: remove it (awsmfa makes it anew)",
        home.cache_dir().display()
    );
    assert_refused(
        &home,
        &mut login(&home),
        Want {
            progress: &[],
            message: &message,
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn a_state_folder_others_can_write_is_refused() {
    let home = home();
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    crate::support::set_mode(&home.cache_dir(), 0o777);
    let message = format!(
        "the state folder {} can be written by other users (mode 777): awsmfa keeps its state only in a folder of your own: remove it, or set AWSMFA_CACHE_DIR to a folder only you can write",
        home.cache_dir().display()
    );
    assert_refused(
        &home,
        &mut login(&home),
        Want {
            progress: &[],
            message: &message,
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn a_state_folder_of_another_user_is_refused() {
    // As /tmp/awsmfa would be when XDG_CACHE_HOME=/tmp and another user made it first.
    let home = home();
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    std::os::unix::fs::chown(home.cache_dir(), Some(NOBODY), Some(NOBODY))
        .expect("chown (this test needs root)");
    let mut cmd = login(&home);
    // Not root here: root may use the person's own folder, and HOME is not nobody's.
    cmd.env("HOME", home.root().join("elsewhere"));
    let message = format!(
        "the state folder {} belongs to another user (uid {NOBODY}): awsmfa keeps its state only in a folder of your own: remove it, or set AWSMFA_CACHE_DIR to a folder only you can write",
        home.cache_dir().display()
    );
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: &message,
            exit: 1,
            kind: "io",
        },
    );
}

#[test]
fn running_as_root_with_the_users_home_leaves_the_users_files_theirs() {
    // `sudo awsmfa login work` keeps HOME on macOS: everything it writes stays the user's.
    assert!(
        awsmfa::files::is_root(),
        "this test needs root (CI runs as root)"
    );
    let home = home();
    chown_tree(&home.root(), NOBODY);
    let out = run(&mut login(&home));
    assert!(out.status.success(), "{}", stderr(&out));
    let owner = |path: &Path| std::fs::metadata(path).unwrap().uid();
    assert_eq!(
        owner(&home.credentials_path()),
        NOBODY,
        "the credentials file"
    );
    assert_eq!(
        owner(&home.cache_dir()),
        NOBODY,
        "the state folder root made"
    );
    assert_eq!(
        owner(&home.cache_dir().join("last-code-window.json")),
        NOBODY,
        "a state file root made"
    );
    assert_keys_kept(&home);
}

#[test]
fn a_hard_linked_credentials_file_is_refused_rather_than_split_in_two() {
    let home = home();
    let other = home.path().join("credentials-in-a-backup");
    std::fs::hard_link(home.credentials_path(), &other).unwrap();
    assert_refused(
        &home,
        login(&home).args(["--code", "123456"]),
        Want {
            progress: &["Using the code given with --code…", "Calling AWS STS…"],
            message: "~/.aws/credentials has 2 hard links: awsmfa replaces the file when it writes it, which would leave the other links with the old contents: make the other links symbolic links (ln -sf ~/.aws/credentials LINK), which awsmfa follows",
            exit: 3,
            kind: "config_invalid",
        },
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_credentials_files_extended_attributes_survive_a_login() {
    let home = home();
    xattr::set(home.credentials_path(), "user.backup-tag", b"keep me")
        .expect("this file system takes user extended attributes (ext4, tmpfs)");
    let inode = std::fs::metadata(home.credentials_path()).unwrap().ino();
    let out = run(login(&home).args(["--code", "123456"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(
        std::fs::metadata(home.credentials_path()).unwrap().ino(),
        inode,
        "replaced by a new file"
    );
    assert_eq!(
        xattr::get(home.credentials_path(), "user.backup-tag")
            .unwrap()
            .as_deref(),
        Some(&b"keep me"[..])
    );
}

// The Secret Service's own failure; a Mac's Keychain is reached without a bus.
#[cfg(not(target_os = "macos"))]
#[test]
fn a_keychain_that_never_answers_falls_back_to_mfa_serial_instead_of_hanging() {
    if !crate::support::linux_only("a Secret Service on a D-Bus session bus") {
        return;
    }
    let bus = Bus::start();
    let _stuck = StuckSecretService::start(&bus);
    let home = home();
    let out = run(login(&home)
        .args(["--code", "123456"])
        .env_remove("AWSMFA_KEYCHAIN")
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "The keychain did not answer within 10 s: using mfa_serial from ~/.aws/config…\n"
        ),
        "{}",
        stderr(&out)
    );
}

#[cfg(not(target_os = "macos"))]
#[test]
fn a_keychain_that_never_answers_without_mfa_serial_says_what_to_do() {
    if !crate::support::linux_only("a Secret Service on a D-Bus session bus") {
        return;
    }
    let bus = Bus::start();
    let _stuck = StuckSecretService::start(&bus);
    let home = Home::new(
        "[profile work]\nawsmfa_op_item = AWS work\n",
        &format!("[work-mfa]\n{SOURCE_KEYS}"),
    );
    let mut cmd = login(&home);
    cmd.args(["--code", "123456"])
        .env_remove("AWSMFA_KEYCHAIN")
        .env("DBUS_SESSION_BUS_ADDRESS", bus.address());
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "the keychain did not answer within 10 s when asked to read the MFA serial of work (it may be waiting for you to allow access, or its service is stuck): answer its prompt or unlock it, or put mfa_serial = ARN in [profile work] of ~/.aws/config",
            exit: 7,
            kind: "keychain_timeout",
        },
    );
}

/// Found trying a password-protected YubiKey from a terminal: ykman asks for the OATH password
/// on the terminal itself (Python's getpass opens /dev/tty, whatever stdin is). Run in a process
/// group of its own on awsmfa's terminal, it was stopped there by job control, and the login
/// hung for the whole 90 s of the code timeout. ykman now runs without a terminal and says at
/// once that it cannot ask.
#[test]
fn a_yubikey_password_prompt_never_stalls_a_login_run_from_a_terminal() {
    let home = Home::new(
        "[profile work]\nmfa_serial = arn:aws:iam::123456789012:mfa/work\nawsmfa_ykman_account = AWS:work\n",
        &format!("[work-mfa]\n{SOURCE_KEYS}"),
    );
    let mut login = login(&home);
    login
        .args(["--format", "json"])
        .env("FAKE_YKMAN_MODE", "password");
    let mut in_terminal = crate::support::at_terminal(&login, None);
    let started = std::time::Instant::now();
    let out = output_within(&mut in_terminal, std::time::Duration::from_secs(45));
    check_refusal(
        &out,
        &Want {
            progress: &["Reading the code from your YubiKey (touch it if it blinks)…"],
            message: "the YubiKey's OATH accounts are protected by a password that ykman does not remember: run `ykman oath access remember` once in a terminal, so that ykman remembers it on this computer, then try again",
            exit: 4,
            kind: "yubikey_password_required",
        },
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_named_pipe_as_a_state_file_never_hangs_login_or_status() {
    let home = home();
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    mkfifo(&home.cache_dir().join("last-code-window.json"));
    mkfifo(&home.cache_dir().join("reminders.json"));
    let message = format!(
        "{}/last-code-window.json is not a regular file (it is a named pipe): remove it (awsmfa makes it anew)",
        home.cache_dir().display()
    );
    assert_refused(
        &home,
        &mut login(&home),
        Want {
            progress: &[],
            message: &message,
            exit: 1,
            kind: "io",
        },
    );
    // `run` fails the test if it hangs.
    let out = run(home.cmd().args(["status", "work"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("reminders.json is not a regular file"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn no_core_dump_can_hold_the_long_term_keys() {
    if !crate::support::linux_only("/proc/PID/limits") {
        return;
    }
    // Held while STS "thinks": the long-term keys are in memory then.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let home = home();
    let dumps = home.root().join("dumps");
    std::fs::create_dir(&dumps).unwrap();
    let mut cmd = home.cmd();
    cmd.args(["login", "work", "--code", "123456"])
        .env("AWS_ENDPOINT_URL_STS", &url)
        .current_dir(&dumps);
    // As a person's shell with core dumps on: `ulimit -c unlimited`.
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -c unlimited && exec \"$0\" \"$@\"")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(&dumps)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (stream, _) = listener.accept().unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap()
        .split_whitespace()
        .skip(4)
        .take(2)
        .collect::<Vec<_>>();
    // The soft limit off; the hard one kept, so that `exec` can hand it on to its command.
    assert_eq!(core, ["0", "unlimited"], "{limits}");
    // SIGQUIT dumps core where the kernel is set to write one: not for awsmfa.
    let killed = std::process::Command::new("kill")
        .args(["-QUIT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let _ = child.wait();
    drop(stream);
    let left: Vec<_> = std::fs::read_dir(&dumps).unwrap().flatten().collect();
    assert!(left.is_empty(), "a core dump was written: {left:?}");
}

#[test]
fn an_endpoint_url_over_plain_http_to_another_computer_gets_neither_the_code_nor_a_signature() {
    let home = Home::new(
        &format!("{CONFIG}[profile work-mfa]\nendpoint_url = http://sts.example.test\n"),
        &format!("[work-mfa]\n{SOURCE_KEYS}"),
    );
    let mut cmd = home.cmd();
    cmd.args(["login", "work", "--code", "123456"]);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &[],
            message: "endpoint_url in [profile work-mfa] of ~/.aws/config is plain http to another computer (http://sts.example.test): awsmfa sends the one-time code and signed requests only over https (http only to 127.0.0.1, ::1 or localhost): use an https URL",
            exit: 3,
            kind: "invalid_endpoint",
        },
    );
}

#[test]
fn the_endpoint_of_another_profile_is_not_used_for_the_source_profiles_request() {
    // AWS_PROFILE names a profile whose endpoint answers with garbage; the source profile's
    // own services section points at moto.
    let decoy = sts_answering(200, "<html>not STS</html>");
    let config = format!(
        "{CONFIG}[profile decoy]\nendpoint_url = {decoy}\n[default]\nendpoint_url = {decoy}\n\
         [profile work-mfa]\nservices = local\n[services local]\nsts =\n  endpoint_url = {}\n",
        Moto::shared().url()
    );
    let home = Home::new(&config, &format!("[work-mfa]\n{SOURCE_KEYS}"));
    let out = run(home
        .cmd()
        .args(["login", "work", "--code", "123456"])
        .env("AWS_PROFILE", "decoy"));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_sts_answer_larger_than_any_sts_answer_is_not_read_into_memory() {
    let home = home();
    let huge = format!(
        "<GetSessionTokenResponse>{}</GetSessionTokenResponse>",
        "x".repeat(3 * 1024 * 1024)
    );
    let sts = sts_answering(200, huge);
    let mut cmd = home.cmd();
    cmd.args(["login", "work", "--code", "123456"])
        .env("AWS_ENDPOINT_URL_STS", &sts);
    assert_refused(
        &home,
        &mut cmd,
        Want {
            progress: &["Using the code given with --code…", "Calling AWS STS…"],
            message: "the answer to the AWS STS request was larger than 1 MiB, which no STS answer is: something else is answering: check AWS_ENDPOINT_URL_STS and any proxy",
            exit: 6,
            kind: "network",
        },
    );
}

#[test]
fn a_profile_name_with_a_line_break_is_refused_in_one_line() {
    let home = home();
    let out = run(home
        .cmd()
        .args(["login", "work\nINJECTED: yes", "--code", "123456"]));
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        "awsmfa: no profile called work\\nINJECTED: yes: MFA profiles: work\n"
    );
}
