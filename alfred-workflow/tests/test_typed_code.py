"""A one-time code typed after the query (`aws mfa work 493817`): the rows it gives, the login
↩ makes with it, and the code's way there: through pipes only, in no argument list or
environment of any program the entry script starts, in no file and not in the debugger's log."""

import os
import re
import shutil

import pytest

from alfred_runtime import Notification, events_of
from test_actions import SESSION_KEYS, credentials, the_run
from test_script_filter import check

CODE = "493817"
TYPED = "↩ log in with the code you typed"


def test_a_code_after_the_query_makes_return_log_in_with_it(alfred, script_filter_schema):
    result = alfred.type(f"aws mfa wo {CODE}")
    check(result, script_filter_schema)
    work = result.items()[0]
    assert work["uid"] == "work", "the rest of the query ranks the profiles"
    assert work["subtitle"] == f"no session yet · {TYPED}"
    assert work["variables"] == {"profile": "work", "awsmfa_code": CODE}
    assert work["mods"]["cmd"]["arg"] == "export AWS_PROFILE=work", "the modifiers are unchanged"

    # A code alone applies to the first profile listed.
    result = alfred.type(f"aws mfa {CODE}")
    check(result, script_filter_schema)
    assert all(item["variables"]["awsmfa_code"] == CODE for item in result.items())


def test_return_logs_in_with_the_typed_code_and_not_1password(alfred, home, run_script_schema):
    # 1Password is locked: only the typed code can make this login work.
    alfred.environment["FAKE_OP_MODE"] = "locked"
    events = alfred.press(alfred.type(f"aws mfa work {CODE}").items()[0])

    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    assert run.variables["awsmfa_profile"] == "work"
    assert "Using the code given on stdin…" in run.stderr
    assert events_of(events, Notification)[-1].title == "AWS session refreshed"
    assert SESSION_KEYS <= set(credentials(home)["work"])


def test_a_profile_without_a_code_source_logs_in_with_a_typed_code(alfred, home, run_script_schema, script_filter_schema):
    without_code = alfred.type("aws mfa staging").item("staging")
    assert without_code["variables"]["awsmfa_next"] == "setup", "needs setup without a code"
    result = alfred.type(f"aws mfa staging {CODE}")
    check(result, script_filter_schema)
    staging = result.item("staging")
    assert staging["valid"] is True
    assert staging["subtitle"] == f"no session yet · {TYPED}"
    assert "awsmfa_next" not in staging["variables"], "↩ logs in, it does not set up"

    run = the_run(alfred.press(staging), run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    assert SESSION_KEYS <= set(credentials(home)["staging"])


def test_digits_that_are_not_a_code_are_just_part_of_the_query(alfred, script_filter_schema):
    for typed in (
        "aws mfa work 12345",
        "aws mfa work 1234567",
        "aws mfa work 12345x",
        "aws mfa work ４９３８１７",
        f"aws mfa work{CODE}",
    ):
        result = alfred.type(typed)
        check(result, script_filter_schema)
        for item in result.items():
            assert "awsmfa_code" not in item.get("variables", {}), typed
            assert TYPED not in item.get("subtitle", ""), typed


def test_return_without_a_typed_code_still_uses_1password(alfred, run_script_schema):
    events = alfred.press(alfred.type("aws mfa work").items()[0])
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    assert "Fetching code from 1Password…" in run.stderr


def test_a_failed_login_with_a_typed_code_is_one_notification(alfred, home, run_script_schema):
    alfred.configuration["awsmfa_duration"] = "a while"
    events = alfred.press(alfred.type(f"aws mfa work {CODE}").items()[0])
    run = the_run(events, run_script_schema)
    assert run.variables["awsmfa_ok"] == "0"
    assert run.variables["awsmfa_error_kind"] == "invalid_duration"
    assert [n.title for n in events_of(events, Notification)] == ["Logging in to work", "AWS login failed"]
    assert "work" not in credentials(home)


def strace():
    path = shutil.which("strace")
    if path is None:
        if os.environ.get("AWSMFA_TEST_NO_SKIP"):
            pytest.fail("strace is not installed (./scripts/test installs it)", pytrace=False)
        pytest.skip("strace is not installed")
    return path


# Alfred's own part: the query is the Script Filter's argv (the External Script Alfred runs,
# which hands a query ending in digits to the entry script as it got it), a row's variables
# are the Run Script's environment, for the bash that info.plist starts and the entry script
# it runs.
ALFREDS_OWN = re.compile(
    r'\d+\s+execve\(("/bin/bash", \["/bin/bash", "(-c|\./awsmfa-alfred\.sh)"|"[^"]*/awsmfa-alfred-list", )'
)
WRITE = re.compile(r"\d+\s+(write|writev|pwrite64|pwritev|sendto|sendmsg)\(\d+<([^>]*)>")


def places_of_the_code(trace):
    """Where the code shows in an strace log: the kind of each fd it was written to. Fails on
    a program started with it in its argv or environment, and on a write to anything but a
    pipe or a socket (a file, a terminal, /dev/null)."""
    places = []
    for line in trace.splitlines():
        if CODE not in line or ALFREDS_OWN.match(line):
            continue
        write = WRITE.match(line)
        assert write, f"the code in a program's argv or environment: {line}"
        fd = write.group(2)
        assert fd.startswith(("pipe:", "socket:", "TCP")), f"the code written to {fd}: {line}"
        places.append(fd.split(":")[0])
    return places


def test_the_code_only_ever_goes_through_pipes(alfred, run_script_schema, tmp_path):
    # With Alfred's debugger open the entry script turns on awsmfa's debug log.
    alfred.debug = True
    trace = tmp_path / "trace"
    alfred.wrapper = [
        strace(), "-f", "-v", "-y", "-s", "65536", "-o", str(trace),
        "-e", "trace=execve,write,writev,pwrite64,pwritev,sendto,sendmsg",
    ]

    result = alfred.type(f"aws mfa work {CODE}")
    assert result.items()[0]["variables"]["awsmfa_code"] == CODE
    listed = trace.read_text()
    run = the_run(alfred.press(result.items()[0]), run_script_schema)
    assert run.variables["awsmfa_ok"] == "1", run.stdout
    logged_in = trace.read_text()

    # Listing: awsmfa list never gets the code; the entry script adds it to the rows it
    # passes on to Alfred through its stdout.
    assert set(places_of_the_code(listed)) == {"pipe"}
    # Logging in: printf to awsmfa's stdin, and awsmfa to STS.
    places = places_of_the_code(logged_in)
    assert "pipe" in places and set(places) - {"pipe"}, f"the code reached STS over a socket: {places}"
    assert "execve(" in listed and "execve(" in logged_in, "strace saw the programs start"

    # Alfred's debugger shows the scripts' stderr: awsmfa's progress, never the code.
    assert "Calling AWS STS…" in run.stderr
    for stderr in (result.stderr, run.stderr):
        assert CODE not in stderr
