"""Checks that tests/support/fake-op says what the real `op` says.

Every failure the fake prints is compared with the real CLI's line in tests/fixtures/op/,
after the `[ERROR] date time` prefix, so the fake cannot drift from the recorded wording.

Run: python3 -m pytest tests/support/fake_op_check.py
"""

import datetime
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

SUPPORT = Path(__file__).resolve().parent
FAKE_OP = SUPPORT / "fake-op"
FIXTURES = SUPPORT.parent / "fixtures" / "op"
PREFIX = re.compile(r"^\[ERROR\] (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) ")
# Some sources quote op's line without its date and time.
ANY_PREFIX = re.compile(r"^\[ERROR\] (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d )?")


def run(*args, timeout=30, **env):
    """Runs the fake op with only the given FAKE_OP_* variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_OP_", "OP_"))}
    clean.update(env)
    return subprocess.run(
        [str(FAKE_OP), *args],
        env=clean,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def fixture(name):
    """The real op's stderr from a fixture, without its `#` comment lines."""
    text = (FIXTURES / name).read_text()
    return "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))


def without_prefix(stderr):
    """stderr with the `[ERROR] date time ` prefix removed from each line that has it."""
    return "".join(ANY_PREFIX.sub("", line) + "\n" for line in stderr.splitlines())


def failure(result):
    """The message of a failed run, checking op's prefix, timestamp and exit status."""
    assert result.returncode == 1, result
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    match = PREFIX.match(first)
    assert match, first
    stamp = datetime.datetime.strptime(match.group(1), "%Y/%m/%d %H:%M:%S")
    assert abs((datetime.datetime.now() - stamp).total_seconds()) < 60
    return without_prefix(result.stderr)


def test_version():
    assert run("--version").stdout == "2.30.0\n"
    assert run("--version", FAKE_OP_VERSION="2.31.1").stdout == "2.31.1\n"


def test_code():
    result = run("item", "get", "AWS work", "--otp")
    assert (result.returncode, result.stdout, result.stderr) == (0, "123456\n", "")
    result = run("item", "get", "AWS work", "--otp", "--vault", "Work", "--account", "acme",
                 FAKE_OP_CODE="004711")
    assert (result.returncode, result.stdout) == (0, "004711\n")


def test_flags_in_any_order_and_with_equals():
    for args in (
        ["--account", "acme", "item", "get", "--vault=Work", "AWS", "--otp"],
        ["item", "get", "--otp", "AWS", "--account=acme"],
    ):
        assert run(*args).stdout == "123456\n", args


def test_item_not_found_matches_the_real_wording():
    result = run("item", "get", "nonexistentitemid123456789abc", "--otp", FAKE_OP_ITEMS="")
    assert failure(result) == without_prefix(fixture("item-not-found.txt"))
    result = run("item", "get", "non-existent-item", "--otp", "--vault", "Test Data",
                 FAKE_OP_ITEMS="AWS")
    assert failure(result) == without_prefix(fixture("item-not-found-in-vault.txt"))
    result = run("item", "get", "AWS", "--otp", FAKE_OP_MODE="not_found")
    assert "isn't an item" in failure(result)


def test_ambiguous_matches_the_real_wording():
    result = run("item", "get", "Delete Me", "--otp", "--vault", "Test Data",
                 FAKE_OP_ITEMS="Delete Me,Other,Delete Me")
    ids = re.compile(r": [a-z2-7]{26}$", re.M)
    assert ids.sub(": ID", failure(result)) == ids.sub(": ID", without_prefix(fixture("ambiguous.txt")))
    assert len(ids.findall(result.stderr)) == 2


def test_an_item_can_be_given_by_its_id():
    ambiguous = run("item", "get", "AWS", "--otp", FAKE_OP_ITEMS="AWS,AWS")
    first_id = re.findall(r": ([a-z2-7]{26})$", ambiguous.stderr, re.M)[0]
    result = run("item", "get", first_id, "--otp", FAKE_OP_ITEMS="AWS,AWS")
    assert (result.returncode, result.stdout) == (0, "123456\n")


def test_vault_not_found_matches_the_real_wording():
    result = run("item", "get", "AWS", "--otp", "--vault", "Invalid Vault", FAKE_OP_VAULTS="Private")
    assert failure(result) == without_prefix(fixture("vault-not-found.txt"))


def test_unknown_account_matches_the_real_wording():
    result = run("item", "get", "AWS", "--otp", "--account", "nonexistent.1password.com",
                 FAKE_OP_ACCOUNTS="my.1password.com")
    assert failure(result) == without_prefix(fixture("found-no-accounts-for-filter.txt"))


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("dismissed", "authorization-dismissed.txt"),
        ("locked", "desktop-app-timed-out.txt"),
        ("crash", "context-deadline-exceeded.txt"),
    ],
)
def test_modes_match_the_real_wording(mode, expected):
    result = run("item", "get", "AWS work", "--otp", FAKE_OP_MODE=mode)
    assert failure(result) == without_prefix(fixture(expected))


def test_not_signed_in():
    message = failure(run("item", "get", "AWS", "--otp", FAKE_OP_MODE="not_signed_in"))
    assert message == "error initializing client: " + without_prefix(fixture("not-signed-in.txt"))
    whoami = run("whoami", FAKE_OP_MODE="not_signed_in")
    assert failure(whoami) == without_prefix(fixture("account-not-signed-in.txt"))


def test_no_otp():
    message = failure(run("item", "get", "AWS work", "--otp", FAKE_OP_MODE="no_otp"))
    assert message == without_prefix(fixture("no-otp.txt"))


def test_garbage_is_printed_as_if_it_were_a_code():
    result = run("item", "get", "AWS", "--otp", FAKE_OP_MODE="garbage")
    assert result.returncode == 0
    assert not re.fullmatch(r"\d{6}\n", result.stdout)


def test_hang_waits_like_an_unanswered_prompt():
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(FAKE_OP), "item", "get", "AWS", "--otp"],
        env={**os.environ, "FAKE_OP_MODE": "hang"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=1)
    finally:
        proc.kill()
        proc.communicate()
    assert time.monotonic() - started < 10
    # When the prompt goes away unanswered, op reports it as dismissed.
    result = run("item", "get", "AWS", "--otp", FAKE_OP_MODE="hang", FAKE_OP_HANG_SECONDS="0.1")
    assert failure(result) == without_prefix(fixture("authorization-dismissed.txt"))


def test_unknown_flags_and_commands_get_the_real_errors():
    assert failure(run("item", "get", "AWS", "--otp", "--output")) == without_prefix(
        fixture("unknown-flag.txt")
    )
    first_line = without_prefix(fixture("unknown-command.txt")).splitlines()[0]
    assert failure(run("list")).splitlines()[0] == first_line
    assert failure(run("item", "get", "AWS", "--otp", "--vault")) == "flag needs an argument: --vault\n"


def test_real_commands_the_fake_lacks_say_so():
    assert "does not implement" in failure(run("read", "op://Private/AWS/one-time password"))
    assert "implements only" in failure(run("item", "get", "AWS"))


def test_whoami():
    result = run("whoami", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["url"].startswith("https://")
    assert run("whoami").stdout.startswith("URL:")


def test_vault_list():
    result = run("vault", "list", "--format", "json", FAKE_OP_VAULTS="Private,Work")
    assert result.returncode == 0
    assert [vault["name"] for vault in json.loads(result.stdout)] == ["Private", "Work"]
    assert json.loads(run("vault", "list", "--format=json").stdout)[0]["name"] == "Private"
    assert run("vault", "list").stdout.startswith("ID ")
    # It needs the app as every read does: a locked 1Password says so.
    locked = run("vault", "list", "--format", "json", FAKE_OP_MODE="locked")
    assert failure(locked) == without_prefix(fixture("desktop-app-timed-out.txt"))
    result = run("vault", "list", "--account", "other.1password.com", FAKE_OP_ACCOUNTS="my.1password.com")
    assert "found no accounts for filter" in failure(result)


def test_argv_log(tmp_path):
    log = tmp_path / "argv.jsonl"
    run("item", "get", "AWS \"work\"", "--otp", "--vault", "Team Vault", FAKE_OP_ARGV_LOG=str(log))
    run("--version", FAKE_OP_ARGV_LOG=str(log))
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines == [["item", "get", "AWS \"work\"", "--otp", "--vault", "Team Vault"], ["--version"]]


ACCOUNT = json.dumps([
    {"title": "AWS (work)", "vault": "Work", "urls": ["https://123456789012.signin.aws.amazon.com/console"], "otp": True},
    {"title": "Netflix", "urls": ["https://netflix.com", "https://www.netflix.com"]},
    {"title": "GitHub", "otp": True},
])


def test_item_list_prints_the_real_clis_json():
    result = run("item", "list", "--format", "json", FAKE_OP_ITEM_LIST=ACCOUNT)
    assert (result.returncode, result.stderr) == (0, "")
    items = json.loads(result.stdout)
    assert [item["title"] for item in items] == ["AWS (work)", "Netflix", "GitHub"]
    first = items[0]
    # The shape of the real CLI's list (1Password CLI 2.x): no fields, and never a secret.
    assert set(first) == {
        "id", "title", "version", "vault", "category", "last_edited_by", "created_at",
        "updated_at", "additional_information", "urls",
    }
    assert re.fullmatch(r"[a-z2-7]{26}", first["id"])
    assert first["vault"]["name"] == "Work" and first["vault"]["id"]
    assert first["urls"] == [{"label": "website", "primary": True,
                              "href": "https://123456789012.signin.aws.amazon.com/console"}]
    assert "primary" not in items[1]["urls"][1]
    assert "urls" not in items[2]
    assert "JBSWY3DP" not in result.stdout and "fields" not in result.stdout
    work = run("item", "list", "--vault", "Work", "--format=json", FAKE_OP_ITEM_LIST=ACCOUNT)
    assert [item["title"] for item in json.loads(work.stdout)] == ["AWS (work)"]
    assert json.loads(run("item", "list", "--format", "json").stdout) == []


def test_item_get_json_has_the_fields_and_the_otp_by_id_or_title():
    items = json.loads(run("item", "list", "--format", "json", FAKE_OP_ITEM_LIST=ACCOUNT).stdout)
    result = run("item", "get", "--format", "json", "--", items[0]["id"], FAKE_OP_ITEM_LIST=ACCOUNT,
                 FAKE_OP_CODE="654321")
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)
    assert {k: item[k] for k in ("id", "title", "vault")} == {k: items[0][k] for k in ("id", "title", "vault")}
    otp = [field for field in item["fields"] if field["type"] == "OTP"]
    assert len(otp) == 1
    assert otp[0]["label"] == "one-time password"
    assert otp[0]["value"].startswith("otpauth://totp/")
    assert otp[0]["totp"] == "654321"
    plain = json.loads(run("item", "get", "Netflix", "--format", "json", FAKE_OP_ITEM_LIST=ACCOUNT).stdout)
    assert [field["type"] for field in plain["fields"]] == ["STRING", "CONCEALED"]
    # The same items answer --otp: with a one-time password, or op's no-OTP error.
    assert run("item", "get", "GitHub", "--otp", FAKE_OP_ITEM_LIST=ACCOUNT).stdout == "123456\n"
    assert failure(run("item", "get", "Netflix", "--otp", FAKE_OP_ITEM_LIST=ACCOUNT)) == \
        without_prefix(fixture("no-otp.txt")).replace("AWS work", "Netflix")


def test_item_list_and_json_get_fail_as_the_real_cli_does():
    assert failure(run("item", "list", "--format", "json", FAKE_OP_MODE="locked")) == \
        without_prefix(fixture("desktop-app-timed-out.txt"))
    assert failure(run("item", "list", "--format", "json", FAKE_OP_MODE="not_signed_in")) == \
        "error initializing client: " + without_prefix(fixture("not-signed-in.txt"))
    missing = run("item", "get", "nonexistentitemid123456789abc", "--format", "json", FAKE_OP_ITEM_LIST=ACCOUNT)
    assert failure(missing) == without_prefix(fixture("item-not-found.txt"))
    assert failure(run("item", "list", "--format", "json", "--vault", "Invalid Vault",
                       FAKE_OP_VAULTS="Private")) == without_prefix(fixture("vault-not-found.txt"))
    assert "implements only" in failure(run("item", "list"))
    assert failure(run("item", "list", "--format", "json", "--otp")) == "unknown flag: --otp\n"
