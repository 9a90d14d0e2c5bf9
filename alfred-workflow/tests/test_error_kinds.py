"""The workflow and awsmfa's catalogue of error kinds (error-kinds.json, generated from
src/error.rs by the Rust tests) agree: every kind the entry script reports itself is in the
catalogue (or is the one the binary cannot report: that it is missing), and the retry rule
(reopen the list when awsmfa_retryable is 1) follows the catalogue's retryable flag, which
the real binary sets (test_info_plist checks the rule itself)."""

import json
import re

from testbed import REPO, WORKFLOW

# The kinds only a front end can report: awsmfa cannot say that it is missing, or that macOS
# stopped it before it ran.
FRONT_END_KINDS = {"binary_not_found", "binary_blocked"}


def catalogue():
    with open(REPO / "error-kinds.json") as f:
        return {k["kind"]: k for k in json.load(f)["kinds"]}


def test_the_kinds_the_entry_script_reports_itself_are_catalogued_and_not_retryable():
    script = (WORKFLOW / "awsmfa-alfred.sh").read_text()
    kinds = re.findall(r'print_action_error "\$verb" \S+ (\w+) ', script)
    assert kinds, "the script reports no kind of its own"
    known = catalogue()
    for kind in kinds:
        assert kind in known or kind in FRONT_END_KINDS, f"{kind} is not in error-kinds.json"
        # print_action_error always says awsmfa_retryable 0.
        assert kind in FRONT_END_KINDS or not known[kind]["retryable"], kind
    assert '"awsmfa_retryable":"0"' in script


def assert_retryable_as_catalogued(alfred, run_script_schema, mode_variable, cases):
    """Presses ↩ on `work` once per (mode, kind): the fake's `mode_variable` set to mode, the
    login must fail with kind, and awsmfa_retryable must be the catalogue's."""
    from test_actions import the_run, work_item

    known = catalogue()
    for mode, kind in cases:
        alfred.environment[mode_variable] = mode
        run = the_run(alfred.press(work_item(alfred)), run_script_schema)
        assert run.variables["awsmfa_error_kind"] == kind
        expected = "1" if known[kind]["retryable"] else "0"
        assert run.variables["awsmfa_retryable"] == expected, kind


def test_awsmfa_sets_awsmfa_retryable_as_the_catalogue_says(alfred, run_script_schema):
    assert_retryable_as_catalogued(
        alfred, run_script_schema, "FAKE_OP_MODE", [("locked", "op_locked"), ("no_otp", "op_no_otp")]
    )



def test_a_yubikey_that_is_not_plugged_in_is_retried_and_a_password_is_not(
    alfred, home, run_script_schema
):
    config = home / ".aws" / "config"
    config.write_text(
        config.read_text().replace("awsmfa_op_item = AWS work", "awsmfa_ykman_account = AWS:work")
    )
    alfred.environment["AWSMFA_YKMAN"] = str(REPO / "tests" / "support" / "fake-ykman")
    cases = [("no_yubikey", "yubikey_not_inserted"), ("password", "yubikey_password_required")]
    assert_retryable_as_catalogued(alfred, run_script_schema, "FAKE_YKMAN_MODE", cases)
    assert catalogue()["yubikey_not_inserted"]["retryable"]
