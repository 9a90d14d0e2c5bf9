"""Setting a profile up inside Alfred: ↩ on a row that needs setup shows its MFA devices, ↩ on
one shows the 1Password items with a one-time password, ↩ on one runs awsmfa setup, and the list
reopens on the profile, where ↩ logs in. `aws mfa doctor` hands on to every check of awsmfa
doctor. The real awsmfa through info.plist's scripts, the fake 1Password CLI and moto's STS."""

import configparser
import json

import pytest

from alfred_runtime import ExternalTriggerCall, Notification, ScriptFilterShown, ScriptRun, events_of
from test_actions import SESSION_KEYS, credentials, the_run
from test_script_filter import check

SERIAL = "arn:aws:iam::123456789012:mfa/me"
# The 1Password account the fake op answers for: two items with a one-time password, one without.
ITEMS = [
    {"title": "Email", "urls": ["https://mail.example.com"], "otp": False},
    {"title": "AWS work", "urls": ["https://signin.aws.amazon.com"], "otp": True},
    {"title": "AWS staging", "vault": "Shared", "urls": ["https://signin.aws.amazon.com"], "otp": True},
]


@pytest.fixture(autouse=True)
def op_items(alfred):
    alfred.environment["FAKE_OP_ITEM_LIST"] = json.dumps(ITEMS)


def config(home):
    parser = configparser.RawConfigParser()
    parser.read(home / ".aws" / "config")
    return parser


def opened(events, trigger_id, schema):
    """The Script Filter the step opened through the external trigger `trigger_id`."""
    assert events_of(events, ExternalTriggerCall) == [ExternalTriggerCall(trigger_id, "")]
    (shown,) = events_of(events, ScriptFilterShown)
    check(shown.result, schema)
    return shown.result


def test_setup_from_the_list_to_the_first_login(alfred, home, script_filter_schema, run_script_schema):
    events = alfred.press(alfred.type("aws mfa staging").item("staging"))

    devices = opened(events, "setup-device", script_filter_schema)
    (device,) = [item for item in devices.items() if item.get("arg") == SERIAL]
    assert device["valid"] is True
    events = alfred.press(device)

    items = opened(events, "setup-item", script_filter_schema)
    titles = [item["title"] for item in items.items()]
    assert titles[0] == "AWS staging", "the item that matches the profile first"
    assert sorted(titles) == ["AWS staging", "AWS work"], "only items with a one-time password"
    item = items.items()[0]
    assert item["subtitle"] == "Shared · https://signin.aws.amazon.com"
    item_id = item["arg"]
    events = alfred.press(item)

    notifications = events_of(events, Notification)
    assert notifications[0].title == "Setting up staging"
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    assert run.variables["awsmfa_profile"] == "staging"
    assert notifications[1].title == run.variables["awsmfa_title"]
    assert config(home)["profile staging"]["awsmfa_op_item"] == item_id
    assert config(home)["profile staging"]["mfa_serial"] == SERIAL, "the rest of the section is kept"

    # The list reopens on the profile, which now logs in with ↩.
    assert events_of(events, ExternalTriggerCall)[-1] == ExternalTriggerCall("open", "staging")
    reopened = events_of(events, ScriptFilterShown)[-1].result
    check(reopened, script_filter_schema)
    staging = reopened.item("staging")
    assert staging["subtitle"].endswith("↩ to log in"), staging
    run = the_run(alfred.press(staging), run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    assert SESSION_KEYS <= set(credentials(home)["staging"])


def test_keys_in_the_profile_itself_move_to_the_source_profile(alfred, home, script_filter_schema, run_script_schema):
    keys = credentials(home)["staging-mfa"]
    (home / ".aws" / "credentials").write_text(
        "[work-mfa]\n"
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        "\n# my old keys\n[default]\n"
        f"aws_access_key_id = {keys['aws_access_key_id']}\n"
        f"aws_secret_access_key = {keys['aws_secret_access_key']}\n"
    )
    (home / ".aws" / "config").write_text(
        (home / ".aws" / "config").read_text() + f"\n[default]\nmfa_serial = {SERIAL}\n"
    )
    listed = alfred.type("aws mfa")
    check(listed, script_filter_schema)
    (row,) = [item for item in listed.items() if item.get("variables", {}).get("awsmfa_setup_profile") == "default"]
    assert row["variables"]["awsmfa_setup_move_keys"] == "1"
    assert row["variables"]["awsmfa_next"] == "setup"

    devices = opened(alfred.press(row), "setup-device", script_filter_schema)
    (device,) = [item for item in devices.items() if item.get("arg") == SERIAL]
    items = opened(alfred.press(device), "setup-item", script_filter_schema)
    events = alfred.press(items.items()[0])

    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    moved = credentials(home)
    assert dict(moved["default-mfa"]) == dict(keys), "the keys moved in one edit"
    left = moved["default"] if moved.has_section("default") else {}
    assert "aws_access_key_id" not in left, "no long-term keys left where sessions go"


def test_a_locked_1password_is_a_row_that_says_so(alfred, script_filter_schema):
    alfred.environment["FAKE_OP_MODE"] = "locked"
    devices = opened(alfred.press(alfred.type("aws mfa staging").item("staging")), "setup-device", script_filter_schema)
    (device,) = [item for item in devices.items() if item.get("arg") == SERIAL]
    items = opened(alfred.press(device), "setup-item", script_filter_schema)
    (row,) = items.items()
    assert row["valid"] is False
    assert row["icon"]["path"] == "icons/error.png"
    assert "unlock" in row["title"].lower() + row.get("subtitle", "").lower(), row


def test_a_step_typed_on_its_own_says_where_to_start(alfred, script_filter_schema):
    result = alfred.type("awsmfa device")
    check(result, script_filter_schema)
    (row,) = result.items()
    assert row["title"] == "No profile to set up"
    assert "aws mfa" in row["subtitle"]
    assert row["valid"] is False


def test_aws_mfa_doctor_hands_on_to_the_checks(alfred, script_filter_schema):
    listed = alfred.type("aws mfa doctor")
    check(listed, script_filter_schema)
    first = listed.items()[0]
    assert first["title"] == "Check the awsmfa setup"
    assert first["variables"] == {"awsmfa_next": "doctor"}
    assert alfred.type("aws mfa doc").items()[-1]["title"] == "Check the awsmfa setup", "after the profiles"
    assert all(item["title"] != "Check the awsmfa setup" for item in alfred.type("aws mfa").items())

    checks = opened(alfred.press(alfred.type("aws mfa doctor").items()[0]), "doctor", script_filter_schema)
    assert checks.items(), "one row per check"
    assert any("1Password" in row["title"] for row in checks.items()), "awsmfa doctor's checks, not an error"
    for row in checks.items():
        assert row["valid"] is False, "the checks are to read"
        assert row["title"] and row.get("subtitle")
    assert not events_of(alfred.events, ScriptRun)

    # Typed as the command it runs, the same checks.
    typed = alfred.type("awsmfa doctor")
    check(typed, script_filter_schema)
    assert [row["title"] for row in typed.items()] == [row["title"] for row in checks.items()]
