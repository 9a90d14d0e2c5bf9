//! The ykman seam: ykman's stderr wording (from `tests/fixtures/ykman/`) classified by the
//! pure [`interpret`], and the fake `ykman` of the integration tests run through the same code
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

fn failed(fixture: &str) -> YkmanError {
    interpret(Some(1), "", &stderr_of(fixture), "AWS:work").expect_err("ykman failed")
}

#[test]
fn six_digits_and_a_newline_is_the_code() {
    assert_eq!(
        interpret(Some(0), "123456\n", "", "AWS:work"),
        Ok("123456".to_owned())
    );
    assert_eq!(
        interpret(Some(0), "012345\r\n", "", "AWS:work"),
        Ok("012345".to_owned())
    );
    // ykman asked for a touch on stderr, and got it.
    let touched = stderr_of(include_str!("../../../tests/fixtures/ykman/touch.txt"));
    assert_eq!(
        interpret(Some(0), "654321\n", &touched, "AWS:work"),
        Ok("654321".to_owned())
    );
}

#[test]
fn anything_else_on_stdout_is_not_a_code_and_is_never_repeated() {
    for stdout in [
        "12345678\n",
        "12345\n",
        "AWS:work  123456\n",
        " 123456\n",
        "\n",
        "",
    ] {
        let err = interpret(Some(0), stdout, "", "AWS:work").expect_err(stdout);
        assert_eq!(
            err,
            YkmanError::NotACode {
                account: "AWS:work".into()
            },
            "{stdout:?}"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidCode);
        let shown = format!("{err} {err:?}");
        let printed = stdout.trim();
        assert!(
            printed.is_empty() || !shown.contains(printed),
            "{shown} repeats {printed:?}"
        );
    }
}

#[test]
fn a_code_on_stdout_of_a_failed_run_is_not_used_or_shown() {
    let err = interpret(Some(1), "123456\n", "", "AWS:work").unwrap_err();
    assert_eq!(
        err,
        YkmanError::Failed {
            message: "ykman exited with status 1 and printed no error".into()
        }
    );
    assert!(!format!("{err}{err:?}").contains("123456"));
    let err = interpret(None, "", "", "AWS:work").unwrap_err();
    assert!(err.to_string().contains("stopped by a signal"), "{err}");
}

#[test]
fn no_yubikey_is_retryable_and_the_pcsc_warning_is_left_out() {
    let err = failed(include_str!("../../../tests/fixtures/ykman/no-yubikey.txt"));
    assert_eq!(
        err,
        YkmanError::NoYubiKey {
            account: "AWS:work".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::YubikeyNotInserted);
    assert!(err.kind().is_retryable());
    assert_eq!(
        err.to_string(),
        "no YubiKey is plugged in: plug in the YubiKey with the OATH account \"AWS:work\""
    );
    // ykman 4 said it through click: `Error: `.
    let four = interpret(Some(1), "", "Error: No YubiKey detected!\n", "AWS:work");
    assert_eq!(four, Err(err));
}

#[test]
fn several_yubikeys_ask_for_one() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/several-yubikeys.txt"
    ));
    assert_eq!(
        err,
        YkmanError::SeveralYubiKeys {
            account: "AWS:work".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::YubikeyNotInserted);
}

#[test]
fn a_touch_that_did_not_come_is_retryable() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/touch-timed-out.txt"
    ));
    assert_eq!(
        err,
        YkmanError::TouchTimedOut {
            account: "AWS:work".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::YubikeyTouchTimeout);
    assert!(err.kind().is_retryable());
}

#[test]
fn a_password_prompt_says_how_to_have_ykman_remember_it() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/password-prompt.txt"
    ));
    assert_eq!(err, YkmanError::PasswordRequired);
    assert_eq!(err.kind(), ErrorKind::YubikeyPasswordRequired);
    assert!(!err.kind().is_retryable());
    assert!(
        err.to_string().contains("`ykman oath access remember`"),
        "{err}"
    );
    let wrong = interpret(
        Some(1),
        "",
        "ERROR: Authentication to the YubiKey failed. Wrong password?\n",
        "AWS:work",
    );
    assert_eq!(wrong, Err(YkmanError::PasswordRequired));
}

#[test]
fn no_matching_account() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/no-matching-account.txt"
    ));
    assert_eq!(
        err,
        YkmanError::AccountNotFound {
            account: "AWS:work".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::YkmanAccountNotFound);
    assert_eq!(
        err.message(Some("work")),
        "the YubiKey has no OATH account matching \"AWS:work\": see its accounts with `ykman \
         oath accounts list`, then set awsmfa_ykman_account in [profile work] of ~/.aws/config \
         to one of them (or plug in the YubiKey that has it)"
    );
}

#[test]
fn multiple_matches_list_the_accounts() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/multiple-matches.txt"
    ));
    assert_eq!(
        err,
        YkmanError::Ambiguous {
            account: "AWS:work".into(),
            matches: vec!["AWS:work".into(), "AWS:prod".into()],
        }
    );
    assert_eq!(err.kind(), ErrorKind::YkmanAccountAmbiguous);
    // ykman before 5.4 said "please".
    let older = interpret(
        Some(1),
        "",
        "Error: Multiple matches, please make the query more specific.\n\nAWS:a\nAWS:b\n",
        "AWS",
    );
    assert!(
        matches!(&older, Err(YkmanError::Ambiguous { matches, .. }) if matches.len() == 2),
        "{older:?}"
    );
}

#[test]
fn unrecognised_failures_quote_ykman_without_its_prefix() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/no-oath-application.txt"
    ));
    assert_eq!(
        err,
        YkmanError::Failed {
            message: "The functionality required for this command is not enabled or not \
                      available on this YubiKey."
                .into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::YkmanFailed);
    // Only a warning: it is all ykman said, so it is what is quoted.
    let warned = interpret(Some(1), "", "WARNING: something odd\n", "AWS:work");
    assert_eq!(
        warned,
        Err(YkmanError::Failed {
            message: "WARNING: something odd".into()
        })
    );
}

#[test]
fn an_unexpected_error_is_quoted_without_its_traceback() {
    let err = failed(include_str!(
        "../../../tests/fixtures/ykman/unexpected-error.txt"
    ));
    assert_eq!(
        err,
        YkmanError::Failed {
            message: "An unexpected error has occurred (yubikit.core.smartcard.ApduError: \
                      APDU error: SW=0x6f00 (COMMAND_ABORTED))"
                .into()
        }
    );
}

#[test]
fn a_usage_error_means_a_ykman_too_old_for_the_command() {
    for (fixture, reason) in [
        (
            include_str!("../../../tests/fixtures/ykman/no-such-command.txt"),
            "No such command 'code'.",
        ),
        (
            include_str!("../../../tests/fixtures/ykman/no-such-option.txt"),
            "No such option '--bogus'.",
        ),
    ] {
        let err = interpret(Some(2), "", &stderr_of(fixture), "AWS:work").unwrap_err();
        assert_eq!(
            err,
            YkmanError::TooOld {
                reason: reason.into()
            }
        );
        assert_eq!(err.kind(), ErrorKind::YkmanFailed);
    }
}

#[test]
fn long_messages_are_cut() {
    let stderr = format!("ERROR: {}\n", "é".repeat(1000));
    let Err(YkmanError::Failed { message }) = interpret(Some(1), "", &stderr, "AWS") else {
        panic!("not Failed")
    };
    assert_eq!(
        message.chars().count(),
        crate::otp::program::MAX_QUOTE_CHARS + 1
    );
}

#[test]
fn every_message_is_one_line_and_says_what_to_do() {
    let account = || "AWS:work".to_owned();
    let all = [
        YkmanError::NotInstalled,
        YkmanError::NotExecutable {
            path: "/nope/ykman".into(),
        },
        YkmanError::RelativePath {
            path: "bin/ykman".into(),
        },
        YkmanError::CannotRun {
            path: "/x/ykman".into(),
            reason: "Permission denied".into(),
        },
        YkmanError::NoYubiKey { account: account() },
        YkmanError::SeveralYubiKeys { account: account() },
        YkmanError::TouchTimedOut { account: account() },
        YkmanError::Timeout { seconds: 90 },
        YkmanError::PasswordRequired,
        YkmanError::AccountNotFound { account: account() },
        YkmanError::Ambiguous {
            account: account(),
            matches: vec!["AWS:a".into(), "AWS:b".into()],
        },
        YkmanError::Ambiguous {
            account: account(),
            matches: vec![],
        },
        YkmanError::NotACode { account: account() },
        YkmanError::TooOld {
            reason: "No such command 'accounts'.".into(),
        },
        YkmanError::Failed {
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
        YkmanError::NotInstalled.to_string(),
        "YubiKey Manager CLI (ykman) is not installed: install it (brew install ykman), or set \
         AWSMFA_YKMAN to the ykman to run"
    );
}

#[test]
fn argv_keeps_the_account_one_argument_after_the_options() {
    let account = Ykman {
        account: "--password \"x\" $(rm -rf)".into(),
    };
    assert_eq!(
        account.args(),
        [
            "oath",
            "accounts",
            "code",
            "--single",
            "--",
            "--password \"x\" $(rm -rf)"
        ]
    );
}

/// How a program is looked for is tested once, on `op` (`onepassword::tests`); here that ykman
/// is looked for by its own name, variable and places.
#[cfg(unix)]
#[test]
fn find_ykman_takes_awsmfa_ykman_then_the_ykman_on_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ykman = dir.path().join("ykman");
    fs::write(&ykman, "#!/bin/sh\n").unwrap();
    fs::set_permissions(&ykman, fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths([dir.path()]).unwrap();
    assert_eq!(find_ykman(None, Some(&path)), Ok(ykman.clone()));
    assert_eq!(find_ykman(Some(&ykman), None), Ok(ykman.clone()));
    assert_eq!(
        find_ykman(Some(Path::new("ykman")), Some(&path)),
        Ok(ykman.clone())
    );
    assert_eq!(
        find_ykman(Some(Path::new("bin/ykman")), Some(&path)),
        Err(YkmanError::RelativePath {
            path: "bin/ykman".into()
        })
    );
    let missing = dir.path().join("missing");
    assert_eq!(
        find_ykman(Some(&missing), Some(&path)),
        Err(YkmanError::NotExecutable { path: missing })
    );
    assert_eq!(
        crate::otp::program::find("ykman", None, None, &[]).map_err(YkmanError::from),
        Err(YkmanError::NotInstalled)
    );
    assert_eq!(
        KNOWN_YKMAN_PATHS,
        ["/opt/homebrew/bin/ykman", "/usr/local/bin/ykman"]
    );
}

/// The fake `ykman` the integration tests use, which behaves like the real CLI.
fn fake_ykman() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake-ykman")
}

fn aws_work() -> Ykman {
    Ykman {
        account: "AWS:work".into(),
    }
}

/// Runs the fake ykman with `vars` set, through the same code as `fetch_code`.
fn run_fake(
    account: &Ykman,
    vars: &[(&str, &str)],
    timeout: Duration,
) -> Result<String, YkmanError> {
    let mut command = Command::new(fake_ykman());
    command
        .env_remove("FAKE_YKMAN_MODE")
        .env_remove("FAKE_YKMAN_ACCOUNTS")
        .envs(vars.iter().copied());
    account.run(command, timeout)
}

#[test]
fn fetch_code_from_ykman_passes_the_account_and_never_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("argv.jsonl");
    let vars = [
        ("FAKE_YKMAN_CODE", "987654"),
        ("FAKE_YKMAN_ACCOUNTS", "AWS:work,AWS:work-old,GitHub:me"),
        ("FAKE_YKMAN_TOUCH", "AWS:work"),
        ("FAKE_YKMAN_ARGV_LOG", log.to_str().unwrap()),
    ];
    assert_eq!(
        run_fake(&aws_work(), &vars, Duration::from_secs(30)),
        Ok("987654".into())
    );
    let logged = fs::read_to_string(&log).unwrap();
    assert_eq!(
        logged.trim(),
        r#"["oath", "accounts", "code", "--single", "--", "AWS:work"]"#
    );
    assert!(!logged.contains("987654"));
}

#[test]
fn fetch_code_gives_up_on_a_ykman_that_never_finishes() {
    let started = Instant::now();
    let err = run_fake(
        &aws_work(),
        &[("FAKE_YKMAN_MODE", "hang")],
        Duration::from_secs(1),
    )
    .unwrap_err();
    assert_eq!(err, YkmanError::Timeout { seconds: 1 });
    assert!(err.kind().is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn fetch_code_without_ykman() {
    let dir = tempfile::tempdir().unwrap();
    let err = aws_work()
        .fetch_code(&dir.path().join("ykman"), Duration::from_secs(5))
        .unwrap_err();
    assert_eq!(err, YkmanError::NotInstalled);
}
