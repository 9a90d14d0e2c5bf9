"""Checks that tests/support/fake-ykman says what the real `ykman` says.

Every failure the fake prints is compared with the real CLI's stderr in tests/fixtures/ykman/
(README.md there says where each came from), so the fake cannot drift from the recorded
wording; exit statuses too.

Run: python3 -m pytest tests/support/fake_ykman_check.py
"""

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

SUPPORT = Path(__file__).resolve().parent
FAKE_YKMAN = SUPPORT / "fake-ykman"
FIXTURES = SUPPORT.parent / "fixtures" / "ykman"
# The warning Python's getpass gives without a terminal names getpass.py where it is.
GETPASS_WARNING = re.compile(r"^\S*getpass\.py:\d+: GetPassWarning: ", re.M)


def run(*args, timeout=30, **env):
    """Runs the fake ykman, in a session of its own (no terminal, as awsmfa runs it), with only
    the given FAKE_YKMAN_* variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_YKMAN_")}
    clean.update(env)
    return subprocess.run(
        [str(FAKE_YKMAN), *args],
        env=clean,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
    )


def fixture(name):
    """The real ykman's stderr from a fixture, without its `#` comment lines."""
    text = (FIXTURES / name).read_text()
    return "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))


def without_warnings(stderr):
    """stderr without ykman's `WARNING:` lines (the PC/SC one of a Linux without pcscd)."""
    return "".join(line + "\n" for line in stderr.splitlines() if not line.startswith("WARNING: "))


def code(*query, **env):
    return run("oath", "accounts", "code", "--single", "--", *query, **env)


def failure(result, status=1):
    assert result.returncode == status, result
    assert result.stdout == ""
    return result.stderr


def test_version():
    assert run("--version").stdout == "YubiKey Manager (ykman) version: 5.9.2\n"


def test_the_code_alone_on_stdout():
    result = code("AWS:work")
    assert (result.returncode, result.stdout, result.stderr) == (0, "123456\n", "")
    result = code("AWS:work", FAKE_YKMAN_CODE="004711", FAKE_YKMAN_ACCOUNTS="AWS:work,GitHub:me")
    assert (result.returncode, result.stdout) == (0, "004711\n")


def test_accounts_match_as_ykman_matches_them():
    accounts = "AWS:work,AWS:work-old,GitHub:me,_hidden:AWS"
    # A whole name wins over the longer one containing it; a part found once is enough.
    assert code("AWS:work", FAKE_YKMAN_ACCOUNTS=accounts).stdout == "123456\n"
    assert code("github", FAKE_YKMAN_ACCOUNTS=accounts).stdout == "123456\n"
    # Hidden accounts only with --show-hidden.
    hidden = run("oath", "accounts", "code", "-s", "-H", "--", "_hidden", FAKE_YKMAN_ACCOUNTS=accounts)
    assert hidden.stdout == "123456\n"
    assert failure(code("_hidden", FAKE_YKMAN_ACCOUNTS=accounts)) == fixture(
        "no-matching-account.txt"
    )


def test_no_matching_account_matches_the_real_wording():
    result = code("nope", FAKE_YKMAN_ACCOUNTS="AWS:work,GitHub:me")
    assert failure(result) == fixture("no-matching-account.txt")


def test_multiple_matches_match_the_real_wording():
    result = code("AWS", FAKE_YKMAN_ACCOUNTS="AWS:work,AWS:prod")
    assert failure(result) == fixture("multiple-matches.txt")


def test_no_yubikey_matches_the_real_wording():
    result = code("AWS:work", FAKE_YKMAN_MODE="no_yubikey")
    assert failure(result) == without_warnings(fixture("no-yubikey.txt"))


def test_several_yubikeys_match_the_real_wording():
    result = code("AWS:work", FAKE_YKMAN_MODE="several")
    assert failure(result) == fixture("several-yubikeys.txt")
    chosen = run("--device", "23456789", "oath", "accounts", "code", "-s", "AWS:work",
                 FAKE_YKMAN_MODE="several")
    assert chosen.stdout == "123456\n"


def test_touch_is_prompted_on_stderr_as_ykman_prompts_it():
    result = code("AWS", FAKE_YKMAN_ACCOUNTS="AWS:work", FAKE_YKMAN_TOUCH="AWS:work")
    assert (result.returncode, result.stdout) == (0, "123456\n")
    assert result.stderr == fixture("touch.txt")
    timed_out = code("AWS", FAKE_YKMAN_ACCOUNTS="AWS:work", FAKE_YKMAN_MODE="touch_timeout")
    assert failure(timed_out) == fixture("touch-timed-out.txt")


def test_a_password_without_a_terminal_is_given_up_on_as_ykman_does():
    result = code("AWS", FAKE_YKMAN_MODE="password")
    expected = fixture("password-prompt.txt")
    assert GETPASS_WARNING.sub("getpass.py:N: GetPassWarning: ", failure(result)) == (
        GETPASS_WARNING.sub("getpass.py:N: GetPassWarning: ", expected)
    )
    # A password on stdin is used (ykman reads a line when stdin is no terminal).
    piped = subprocess.run(
        [str(FAKE_YKMAN), "oath", "accounts", "code", "-s", "AWS"],
        env={**os.environ, "FAKE_YKMAN_MODE": "password", "FAKE_YKMAN_PASSWORD": "hunter2"},
        input="hunter2\n", capture_output=True, text=True, timeout=30, start_new_session=True,
    )
    assert (piped.returncode, piped.stdout) == (0, "123456\n")


def test_no_oath_application_matches_the_real_wording():
    assert failure(code("AWS", FAKE_YKMAN_MODE="no_oath")) == fixture("no-oath-application.txt")


def test_an_unexpected_error_has_the_real_shape():
    stderr = failure(code("AWS", FAKE_YKMAN_MODE="crash"))
    real = fixture("unexpected-error.txt").splitlines()
    lines = stderr.splitlines()
    assert lines[0] == real[0]
    assert lines[-1] == real[-1]


def test_eight_digit_accounts_print_eight_digits():
    result = code("AWS", FAKE_YKMAN_MODE="eight_digits")
    assert (result.returncode, result.stdout) == (0, "12345678\n")


def test_usage_errors_match_the_real_wording():
    result = run("oath", "accounts", "code", "--single", "--bogus", "x")
    assert failure(result, 2) == fixture("no-such-option.txt")
    result = run("oath", "code", "--single", "AWS")
    assert failure(result, 2) == fixture("no-such-command.txt")
    result = run("oath", "accounts", "code", "a", "b")
    assert failure(result, 2).endswith("\n\nError: Got unexpected extra argument (b)\n")


def test_real_commands_the_fake_lacks_say_so():
    assert "does not implement" in failure(run("oath", "accounts", "list"))
    assert "does not implement" in failure(run("info"))


def test_hang_waits_like_an_unanswered_yubikey():
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        code("AWS", FAKE_YKMAN_MODE="hang", timeout=1)
    assert time.monotonic() - started < 10
    result = code("AWS", FAKE_YKMAN_MODE="hang", FAKE_YKMAN_HANG_SECONDS="0.1")
    assert failure(result) == "ERROR: Failed to connect to YubiKey.\n"


def test_argv_log(tmp_path):
    log = tmp_path / "argv.jsonl"
    code("AWS \"work\"", FAKE_YKMAN_ARGV_LOG=str(log))
    run("--version", FAKE_YKMAN_ARGV_LOG=str(log))
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines == [["oath", "accounts", "code", "--single", "--", "AWS \"work\""], ["--version"]]
