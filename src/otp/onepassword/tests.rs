//! The 1Password CLI seam: op's stderr wording (from `tests/fixtures/op/`) classified by the
//! pure [`interpret`], and the fake `op` of the integration tests run through the same code
//! as a real one.

use super::*;
use std::fs;
use std::time::Instant;

/// A fixture's stderr: the file without its `#` comment lines, byte for byte otherwise.
fn stderr_of(fixture: &str) -> String {
    fixture
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn failed(fixture: &str, item: &str) -> OpError {
    interpret(Some(1), "", &stderr_of(fixture), item).expect_err("op failed")
}

#[test]
fn six_digits_and_a_newline_is_the_code() {
    assert_eq!(
        interpret(Some(0), "123456\n", "", "AWS"),
        Ok("123456".to_owned())
    );
    assert_eq!(
        interpret(Some(0), "012345\r\n", "", "AWS"),
        Ok("012345".to_owned())
    );
    assert_eq!(
        interpret(Some(0), "654321", "", "AWS"),
        Ok("654321".to_owned())
    );
}

#[test]
fn anything_else_on_stdout_is_not_a_code_and_is_never_repeated() {
    for stdout in [
        "12345\n",
        "1234567\n",
        " 123456\n",
        "123456 \n",
        "123456\n\n",
        "12345a\n",
        "１２３４５６\n",
        "otpauth://totp/AWS?secret=JBSWY3DPEHPK3PXP\n",
    ] {
        let err = interpret(Some(0), stdout, "", "AWS").expect_err(stdout);
        assert_eq!(err, OpError::NotACode, "{stdout:?}");
        assert_eq!(err.kind(), ErrorKind::InvalidCode);
        let shown = format!("{err} {err:?}");
        let printed = stdout.trim();
        assert!(!shown.contains(printed), "{shown} repeats {printed:?}");
    }
}

#[test]
fn success_with_nothing_printed_means_the_item_has_no_code() {
    let err = interpret(Some(0), "\n", "", "AWS").unwrap_err();
    assert_eq!(err, OpError::NoOtp { item: "AWS".into() });
}

#[test]
fn a_code_on_stdout_of_a_failed_run_is_not_used_or_shown() {
    let err = interpret(Some(1), "123456\n", "", "AWS").unwrap_err();
    assert_eq!(
        err,
        OpError::Failed {
            message: "op exited with status 1 and printed no error".into()
        }
    );
    assert!(!format!("{err}{err:?}").contains("123456"));
}

#[test]
fn killed_by_a_signal() {
    let err = interpret(None, "", "", "AWS").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OpFailed);
    assert!(err.to_string().contains("stopped by a signal"), "{err}");
}

#[test]
fn not_signed_in() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/not-signed-in.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::NotSignedIn {
            reason:
                "You are not currently signed in. Please run `op signin --help` for instructions"
                    .into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::OpNotSignedIn);
    assert!(!err.kind().is_retryable());
    assert!(
        err.to_string().contains("Integrate with 1Password CLI"),
        "{err}"
    );
}

#[test]
fn account_not_signed_in() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/account-not-signed-in.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::NotSignedIn {
            reason: "account is not signed in".into()
        }
    );
}

#[test]
fn no_accounts_configured_without_a_prefix() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/no-accounts-configured.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::NotSignedIn {
            reason: "No accounts configured for use with 1Password CLI.".into()
        }
    );
}

#[test]
fn no_account_for_an_empty_filter_means_no_account_at_all() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/no-account-for-empty-filter.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::NotSignedIn {
            reason: "no account found for filter".into()
        }
    );
}

#[test]
fn unknown_account() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/no-account-for-filter.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::UnknownAccount {
            account: "5GHHPJK5HZC5BAT7WDUXW57G44".into()
        }
    );
    let err = failed(
        include_str!("../../../tests/fixtures/op/found-no-accounts-for-filter.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::UnknownAccount {
            account: "nonexistent.1password.com".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::OpNotSignedIn);
    assert_eq!(
        err.message(Some("work")),
        "1Password CLI has no account \"nonexistent.1password.com\": see the accounts with \
         `op account list`, then run `awsmfa setup work --op-account ACCOUNT`"
    );
}

#[test]
fn dismissed_prompt_is_locked_and_retryable() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/authorization-dismissed.txt"),
        "AWS",
    );
    assert_eq!(err, OpError::Locked);
    assert_eq!(err.kind(), ErrorKind::OpLocked);
    assert!(err.kind().is_retryable());
    assert_eq!(
        err.to_string(),
        "1Password is locked: unlock it (with the app integration, op asks for Touch ID itself)"
    );
}

#[test]
fn app_connection_timing_out_is_locked() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/desktop-app-timed-out.txt"),
        "AWS",
    );
    assert_eq!(err, OpError::Locked);
}

#[test]
fn app_connection_refused_is_a_setup_problem() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/desktop-app-connection-reset.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::AppUnreachable {
            reason: "read: connection reset".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::OpNotSignedIn);
    assert!(!err.kind().is_retryable());
    let err = failed(
        include_str!("../../../tests/fixtures/op/desktop-app-certificate.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::AppUnreachable {
            reason:
                "The timestamp signature and/or certificate could not be verified or is malformed"
                    .into()
        }
    );
}

#[test]
fn item_not_found() {
    for fixture in [
        include_str!("../../../tests/fixtures/op/item-not-found.txt"),
        include_str!("../../../tests/fixtures/op/item-not-found-in-vault.txt"),
    ] {
        let err = failed(fixture, "AWS work");
        assert_eq!(
            err,
            OpError::ItemNotFound {
                item: "AWS work".into()
            }
        );
        assert_eq!(err.kind(), ErrorKind::OpItemNotFound);
    }
    assert_eq!(
        failed(
            include_str!("../../../tests/fixtures/op/item-not-found.txt"),
            "AWS work"
        )
        .to_string(),
        "1Password has no item \"AWS work\": check the name with `op item list`, or run \
         `awsmfa setup PROFILE --op-item ID`"
    );
}

#[test]
fn vault_not_found() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/vault-not-found.txt"),
        "AWS",
    );
    assert_eq!(
        err,
        OpError::VaultNotFound {
            vault: "Invalid Vault".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::OpItemNotFound);
    assert!(
        err.message(Some("prod"))
            .contains("awsmfa setup prod --op-vault VAULT")
    );
}

#[test]
fn ambiguous_lists_the_ids() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/ambiguous.txt"),
        "Delete Me",
    );
    assert_eq!(
        err,
        OpError::Ambiguous {
            item: "Delete Me".into(),
            ids: vec![
                "dmm2ybtxxjlxtv23puevxw5ydy".into(),
                "vwyt5in4gempt67i7d2mpao6c4".into()
            ],
        }
    );
    assert_eq!(err.kind(), ErrorKind::OpItemAmbiguous);
    assert_eq!(
        err.message(Some("work")),
        "more than one 1Password item is called \"Delete Me\": use its ID (one of: \
         dmm2ybtxxjlxtv23puevxw5ydy, vwyt5in4gempt67i7d2mpao6c4) with `awsmfa setup work \
         --op-item ID`"
    );
}

#[test]
fn no_one_time_password() {
    let err = failed(
        include_str!("../../../tests/fixtures/op/no-otp.txt"),
        "AWS work",
    );
    assert_eq!(
        err,
        OpError::NoOtp {
            item: "AWS work".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::OpNoOtp);
}

#[test]
fn unrecognised_failures_quote_op_without_its_prefix() {
    let cases = [
        (
            include_str!("../../../tests/fixtures/op/context-deadline-exceeded.txt"),
            "read: context deadline exceeded",
        ),
        (
            include_str!("../../../tests/fixtures/op/unknown-flag.txt"),
            "unknown flag: --output",
        ),
        (
            include_str!("../../../tests/fixtures/op/unknown-command.txt"),
            "unknown command \"list\" for \"op\"",
        ),
    ];
    for (fixture, message) in cases {
        let err = failed(fixture, "AWS");
        assert_eq!(
            err,
            OpError::Failed {
                message: message.into()
            }
        );
        assert_eq!(err.kind(), ErrorKind::OpFailed);
        assert_eq!(
            err.to_string(),
            format!("1Password CLI failed: {message} (run `op whoami` in a terminal to check op)")
        );
    }
}

#[test]
fn long_messages_are_cut() {
    let stderr = format!("[ERROR] 2024/01/01 00:00:00 {}\n", "é".repeat(1000));
    let OpError::Failed { message } = interpret(Some(1), "", &stderr, "AWS").unwrap_err() else {
        panic!("not Failed")
    };
    assert_eq!(
        message.chars().count(),
        crate::otp::program::MAX_QUOTE_CHARS + 1
    );
}

#[test]
fn every_message_is_one_line_and_says_what_to_do() {
    let all = [
        OpError::NotInstalled,
        OpError::NotExecutable {
            path: "/nope/op".into(),
        },
        OpError::RelativePath {
            path: "bin/op".into(),
        },
        OpError::CannotRun {
            path: "/x/op".into(),
            reason: "Permission denied".into(),
        },
        OpError::NotSignedIn {
            reason: "account is not signed in".into(),
        },
        OpError::UnknownAccount {
            account: "acme".into(),
        },
        OpError::AppUnreachable {
            reason: "read: connection reset".into(),
        },
        OpError::Locked,
        OpError::ItemNotFound { item: "AWS".into() },
        OpError::VaultNotFound {
            vault: "Work".into(),
        },
        OpError::Ambiguous {
            item: "AWS".into(),
            ids: vec!["abc".into(), "def".into()],
        },
        OpError::Ambiguous {
            item: "AWS".into(),
            ids: vec![],
        },
        OpError::NoOtp { item: "AWS".into() },
        OpError::NotACode,
        OpError::Timeout { seconds: 90 },
        OpError::Failed {
            message: "boom".into(),
        },
    ];
    for err in all {
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(text.contains(": "), "no advice in {text}");
        assert!(!err.message(Some("work")).contains("PROFILE"), "{text}");
    }
    assert_eq!(
        OpError::NotInstalled.to_string(),
        "1Password CLI (op) is not installed: install it (brew install 1password-cli) and \
         turn on 'Integrate with 1Password CLI' in the 1Password app's Developer settings"
    );
    assert_eq!(
        OpError::Ambiguous {
            item: "AWS".into(),
            ids: vec!["abc".into(), "def".into()]
        }
        .to_string(),
        "more than one 1Password item is called \"AWS\": use its ID (one of: abc, def) with \
         `awsmfa setup PROFILE --op-item ID`"
    );
}

#[test]
fn kinds_and_retries() {
    assert_eq!(OpError::NotInstalled.kind(), ErrorKind::OpNotInstalled);
    assert_eq!(
        OpError::NotExecutable { path: "/x".into() }.kind(),
        ErrorKind::OpNotInstalled
    );
    assert_eq!(OpError::Timeout { seconds: 1 }.kind(), ErrorKind::OpTimeout);
    assert!(OpError::Timeout { seconds: 1 }.kind().is_retryable());
    assert!(!OpError::NotACode.kind().is_retryable());
    assert!(
        !OpError::ItemNotFound { item: "x".into() }
            .kind()
            .is_retryable()
    );
}

#[test]
fn argv_keeps_each_value_one_argument() {
    let op = OnePassword {
        item: "AWS \"work\" 'prod' $(rm -rf)".into(),
        vault: Some("Private Vault".into()),
        account: Some("my team.1password.com".into()),
    };
    assert_eq!(
        op.args(),
        [
            "item",
            "get",
            "--otp",
            "--vault",
            "Private Vault",
            "--account",
            "my team.1password.com",
            "--",
            "AWS \"work\" 'prod' $(rm -rf)",
        ]
    );
    let bare = OnePassword {
        item: "x".into(),
        vault: None,
        account: None,
    };
    assert_eq!(bare.args(), ["item", "get", "--otp", "--", "x"]);
}

#[test]
fn an_item_named_like_a_flag_stays_an_item() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("argv.jsonl");
    let item = OnePassword {
        item: "--vault".into(),
        vault: None,
        account: None,
    };
    let vars = [
        ("FAKE_OP_CODE", "246810"),
        ("FAKE_OP_ARGV_LOG", log.to_str().unwrap()),
    ];
    assert_eq!(
        run_fake(&item, &vars, Duration::from_secs(30)),
        Ok("246810".into())
    );
    assert_eq!(
        fs::read_to_string(&log).unwrap().trim(),
        r#"["item", "get", "--otp", "--", "--vault"]"#
    );
}

#[cfg(unix)]
fn write_file(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, "#!/bin/sh\n").unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn find_op_prefers_the_override_then_path_then_known_places() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, first, second, known) = (
        dir.path().join("plain"),
        dir.path().join("first"),
        dir.path().join("second"),
        dir.path().join("known"),
    );
    for d in [&plain, &first, &second, &known] {
        fs::create_dir(d).unwrap();
    }
    write_file(&plain.join("op"), 0o644); // not executable: skipped
    fs::create_dir(first.join("op")).unwrap(); // a folder called op: skipped
    write_file(&second.join("op"), 0o755);
    write_file(&known.join("op"), 0o755);
    let known_op = known.join("op");
    let known_paths = [known_op.as_path()];

    let path = std::env::join_paths([&plain, &first, Path::new("relative"), &second]).unwrap();
    assert_eq!(
        find_op_in(None, Some(&path), &known_paths),
        Ok(second.join("op"))
    );

    let no_op = std::env::join_paths([&plain, &first]).unwrap();
    assert_eq!(
        find_op_in(None, Some(&no_op), &known_paths),
        Ok(known_op.clone())
    );
    assert_eq!(find_op_in(None, None, &known_paths), Ok(known_op.clone()));
    assert_eq!(
        find_op_in(None, Some(&no_op), &[]),
        Err(OpError::NotInstalled)
    );

    let override_op = second.join("op");
    assert_eq!(
        find_op_in(Some(&override_op), Some(&no_op), &[]),
        Ok(override_op)
    );
    let not_executable = plain.join("op");
    assert_eq!(
        find_op_in(Some(&not_executable), Some(&path), &known_paths),
        Err(OpError::NotExecutable {
            path: not_executable.clone()
        })
    );
    let missing = dir.path().join("missing");
    assert_eq!(
        find_op_in(Some(&missing), Some(&path), &known_paths),
        Err(OpError::NotExecutable { path: missing })
    );
    // Relative PATH entries are never used, even when they hold an op.
    let cwd_relative = std::env::join_paths([Path::new("."), Path::new("")]).unwrap();
    assert_eq!(
        find_op_in(None, Some(&cwd_relative), &[]),
        Err(OpError::NotInstalled)
    );
    // The public function falls back to the known places on this machine.
    assert_eq!(find_op(None, Some(&path)), Ok(second.join("op")));
    // AWSMFA_OP=op is a command name, looked up on PATH; op/op or ./op is refused.
    assert_eq!(
        find_op_in(Some(Path::new("op")), Some(&path), &[]),
        Ok(second.join("op"))
    );
    assert_eq!(
        find_op_in(Some(Path::new("op")), Some(&no_op), &[]),
        Err(OpError::NotExecutable { path: "op".into() })
    );
    for relative in ["./op", "bin/op"] {
        assert_eq!(
            find_op_in(Some(Path::new(relative)), Some(&path), &known_paths),
            Err(OpError::RelativePath {
                path: relative.into()
            })
        );
    }
}

/// The fake `op` the integration tests use, which behaves like the real CLI.
fn fake_op() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake-op")
}

fn aws_work() -> OnePassword {
    OnePassword {
        item: "AWS work".into(),
        vault: Some("Private".into()),
        account: None,
    }
}

/// Runs the fake op with `vars` set, through the same code as `fetch_code`.
fn run_fake(
    item: &OnePassword,
    vars: &[(&str, &str)],
    timeout: Duration,
) -> Result<String, OpError> {
    let mut command = Command::new(fake_op());
    command
        .env_remove("FAKE_OP_MODE")
        .envs(vars.iter().copied());
    item.run(command, timeout)
}

#[test]
fn fetch_code_from_op() {
    // Through the public function, in this process's environment.
    if std::env::var_os("FAKE_OP_MODE").is_none() && std::env::var_os("FAKE_OP_ITEMS").is_none() {
        assert_eq!(
            aws_work().fetch_code(&fake_op(), Duration::from_secs(30)),
            Ok("123456".into())
        );
    }
    assert_eq!(
        run_fake(
            &aws_work(),
            &[("FAKE_OP_CODE", "004711")],
            Duration::from_secs(30)
        ),
        Ok("004711".into())
    );
}

#[test]
fn fetch_code_passes_item_vault_and_account_and_never_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("argv.jsonl");
    let item = OnePassword {
        item: "AWS \"work\" prod".into(),
        vault: Some("Team Vault".into()),
        account: Some("acme.1password.com".into()),
    };
    let vars = [
        ("FAKE_OP_CODE", "987654"),
        ("FAKE_OP_ARGV_LOG", log.to_str().unwrap()),
    ];
    assert_eq!(
        run_fake(&item, &vars, Duration::from_secs(30)),
        Ok("987654".into())
    );
    let logged = fs::read_to_string(&log).unwrap();
    let expected: Vec<String> = item
        .args()
        .iter()
        .map(|a| format!("\"{}\"", a.replace('"', "\\\"")))
        .collect();
    assert_eq!(logged.trim(), format!("[{}]", expected.join(", ")));
    assert!(!logged.contains("987654"));
}

#[test]
fn fetch_code_gives_up_on_an_unanswered_prompt() {
    let started = Instant::now();
    let err = run_fake(
        &aws_work(),
        &[("FAKE_OP_MODE", "hang")],
        Duration::from_secs(1),
    )
    .unwrap_err();
    assert_eq!(err, OpError::Timeout { seconds: 1 });
    assert!(err.kind().is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_timed_out_op_is_stopped() {
    let marker = format!("FAKE_OP_TEST_MARKER={}", std::process::id());
    let (name, value) = marker.split_once('=').unwrap();
    let vars = [("FAKE_OP_MODE", "hang"), (name, value)];
    let err = run_fake(&aws_work(), &vars, Duration::from_millis(300)).unwrap_err();
    assert_eq!(err, OpError::Timeout { seconds: 1 });
    let running = || {
        fs::read_dir("/proc")
            .unwrap()
            .filter_map(|entry| fs::read(entry.ok()?.path().join("environ")).ok())
            .any(|environ| {
                environ
                    .split(|b| *b == 0)
                    .any(|var| var == marker.as_bytes())
            })
    };
    // Seen still listed for a moment after the timeout on a loaded machine (2 of 3 runs of
    // the unit tests while two release builds ran), though the killed child is reaped before
    // this looks; why is not known. Not killed, it hangs for 600 s, so a few seconds of
    // looking tell the two apart without a bet on timing.
    let deadline = Instant::now() + Duration::from_secs(10);
    while running() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!running(), "the fake op is still running after the timeout");
}

#[test]
fn fetch_code_without_op() {
    let dir = tempfile::tempdir().unwrap();
    let err = aws_work()
        .fetch_code(&dir.path().join("op"), Duration::from_secs(5))
        .unwrap_err();
    assert_eq!(err, OpError::NotInstalled);
}

#[cfg(unix)]
#[test]
fn fetch_code_with_an_op_that_cannot_run() {
    // A file that exists but is not executable: the OS refuses it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("op");
    write_file(&path, 0o644);
    let err = aws_work()
        .fetch_code(&path, Duration::from_secs(5))
        .unwrap_err();
    assert!(
        matches!(&err, OpError::CannotRun { path: p, .. } if *p == path),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::OpFailed);
}
