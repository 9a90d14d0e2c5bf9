"""Pressing ↩, ⌘↩, ⌥↩ and ⌃↩ on a profile: info.plist's connections followed as Alfred does,
the login against moto's STS with the fake 1Password CLI."""

import configparser
import datetime
import json

from alfred_runtime import (
    Clipboard,
    ExternalTriggerCall,
    LargeType,
    Notification,
    ScriptFilterShown,
    ScriptRun,
    events_of,
)

SESSION_KEYS = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "x_security_token_expires"}
PROGRESS = Notification("Logging in to work", "Fetching the one-time code and calling AWS STS…")


def credentials(home):
    parser = configparser.RawConfigParser()
    parser.read(home / ".aws" / "credentials")
    return parser


def work_item(alfred):
    return alfred.type("aws mfa work").item("work")


def the_run(events, run_script_schema):
    """The one Run Script in `events`, its output checked against Alfred's Run Script JSON."""
    (run,) = events_of(events, ScriptRun)
    assert run.returncode == 0, "the workflow must go on to the notification"
    errors = list(run_script_schema.iter_errors(json.loads(run.stdout)))
    assert not errors, errors
    return run


def test_return_logs_in_and_notifies(alfred, home, run_script_schema, script_filter_schema):
    events = alfred.press(work_item(alfred))

    notifications = events_of(events, Notification)
    assert notifications[0] == PROGRESS, "a notification says what happens before the login starts"
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "1"
    assert run.variables["awsmfa_profile"] == "work"
    assert notifications[1].title == "AWS session refreshed"
    assert notifications[1].text.startswith("work: session valid until ")
    assert len(notifications) == 2
    assert not events_of(events, ExternalTriggerCall)

    written = credentials(home)
    assert SESSION_KEYS <= set(written["work"])
    assert written["work"]["aws_session_token"]
    assert dict(written["work-mfa"]) == {
        "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    }

    # The list now shows the session with a live countdown.
    result = alfred.type("aws mfa")
    assert not list(script_filter_schema.iter_errors(result.json))
    item = result.item("work")
    assert item["icon"]["path"] == "icons/valid.png"
    assert 0.1 <= result.json["rerun"] <= 5.0


def test_session_length_setting_reaches_awsmfa(alfred, home, run_script_schema):
    alfred.configuration["awsmfa_duration"] = "1h"
    before = datetime.datetime.now(datetime.timezone.utc)
    events = alfred.press(work_item(alfred))
    assert the_run(events, run_script_schema).variables["awsmfa_ok"] == "1"
    expires = datetime.datetime.fromisoformat(credentials(home)["work"]["x_security_token_expires"].replace("Z", "+00:00"))
    assert abs((expires - before).total_seconds() - 3600) < 120


def test_bad_session_length_setting_is_reported(alfred, home, run_script_schema):
    alfred.configuration["awsmfa_duration"] = "a while"
    events = alfred.press(work_item(alfred))
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "0"
    assert run.variables["awsmfa_error_kind"] == "invalid_duration"
    assert events_of(events, Notification)[-1].title == "AWS login failed"
    assert "work" not in credentials(home)


def test_locked_1password_reopens_the_list_so_return_tries_again(alfred, home, run_script_schema):
    alfred.environment["FAKE_OP_MODE"] = "locked"
    events = alfred.press(work_item(alfred))

    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_error_kind"] == "op_locked"
    assert run.variables["awsmfa_retryable"] == "1"
    failed = events_of(events, Notification)[-1]
    assert failed.title == "AWS login failed"
    assert "1Password" in failed.text
    assert events_of(events, ExternalTriggerCall) == [ExternalTriggerCall("open", "work")]
    (shown,) = events_of(events, ScriptFilterShown)
    assert shown.query == "work"
    assert shown.result.items()[0]["uid"] == "work"
    assert "work" not in credentials(home)

    # 1Password unlocked: ↩ on the reopened list logs in.
    del alfred.environment["FAKE_OP_MODE"]
    events = alfred.press(shown.result.items()[0])
    assert events_of(events, Notification)[-1].title == "AWS session refreshed"
    assert SESSION_KEYS <= set(credentials(home)["work"])


def test_failure_that_a_retry_cannot_fix_does_not_reopen(alfred, home, run_script_schema):
    alfred.environment["FAKE_OP_MODE"] = "no_otp"
    events = alfred.press(work_item(alfred))
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_error_kind"] == "op_no_otp"
    assert run.variables.get("awsmfa_retryable", "0") == "0"
    assert events_of(events, Notification)[-1].title == "AWS login failed"
    assert not events_of(events, ExternalTriggerCall)


def test_cmd_return_copies_the_export_line(alfred):
    events = alfred.press(work_item(alfred), "cmd")
    assert events == [Clipboard("export AWS_PROFILE=work")]


def test_ctrl_return_shows_the_status_in_large_type(alfred):
    item = work_item(alfred)
    events = alfred.press(item, "ctrl")
    assert events == [LargeType(item["mods"]["ctrl"]["arg"])]
    assert events[0].text.startswith("work")


def test_alt_return_logs_out(alfred, home, run_script_schema):
    alfred.press(work_item(alfred))
    assert SESSION_KEYS <= set(credentials(home)["work"])

    events = alfred.press(work_item(alfred), "alt")
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "1"
    (notification,) = events_of(events, Notification)
    assert notification.text == "work: logged out"
    written = credentials(home)
    if written.has_section("work"):
        assert not SESSION_KEYS & set(written["work"])
    assert written["work-mfa"]["aws_access_key_id"] == "AKIAIOSFODNN7EXAMPLE"


def test_missing_awsmfa_at_login_is_a_notification(alfred, run_script_schema):
    item = work_item(alfred)
    alfred.configuration["awsmfa_path"] = "/nonexistent/awsmfa"
    events = alfred.press(item)
    run = the_run(events, run_script_schema)
    assert run.variables == {
        "profile": "work",
        "awsmfa_ok": "0",
        "awsmfa_title": "AWS login failed",
        "awsmfa_profile": "work",
        "awsmfa_error_kind": "binary_not_found",
        "awsmfa_retryable": "0",
    }
    assert events_of(events, Notification)[-1] == Notification(
        "AWS login failed",
        "“awsmfa path” (/nonexistent/awsmfa) is not an executable file: "
        "correct or clear it in the workflow's Configure Workflow…",
    )


def test_profile_names_reach_the_json_intact(alfred, run_script_schema):
    """The entry script writes JSON itself when awsmfa cannot: any profile name must survive."""
    alfred.configuration["awsmfa_path"] = "/nonexistent/awsmfa"
    name = 'we"ird\\name\twith ünïcode'
    events = alfred.press({"uid": name, "title": name, "arg": name, "valid": True})
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_profile"] == name
