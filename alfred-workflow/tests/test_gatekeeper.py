"""macOS's Gatekeeper and the bundled awsmfa.

The workflow never removes the quarantine attribute (the Alfred Gallery forbids bypassing
Gatekeeper): when macOS stops a quarantined awsmfa, an item says so and how to fix it. Bash
takes OSTYPE from the environment, so these tests run the scripts as they run there
(OSTYPE=darwin…), with an `xattr` on PATH that keeps the attribute in a file and answers like
macOS's xattr, and a stand-in for Gatekeeper that kills a quarantined copy before it runs.
"""

import json
import shutil
import textwrap

import pytest

from alfred_runtime import ALFRED_PATH, ScriptRun, Workflow, events_of

FAKE_XATTR = textwrap.dedent(
    """\
    #!/bin/bash
    # macOS's xattr for one attribute: -p NAME FILE prints it, -d/-dr NAME FILE removes it.
    # Which files carry com.apple.quarantine is listed, one per line, in $XATTR_STATE.
    echo "$*" >>"$XATTR_LOG"
    name=$2 file=$3
    case $1 in
        -p)
            if grep -qxF "$file" "$XATTR_STATE" 2>/dev/null; then echo '0083;6745a1b2;Safari;'; exit 0; fi
            echo "xattr: $file: No such xattr: $name" >&2
            exit 1
            ;;
        -d | -dr)
            grep -vxF "$file" "$XATTR_STATE" >"$XATTR_STATE.new" 2>/dev/null
            mv "$XATTR_STATE.new" "$XATTR_STATE"
            ;;
        *) echo "fake xattr: $1 is not modelled" >&2; exit 2 ;;
    esac
    """
)


@pytest.fixture
def mac(alfred, workflow_copy, awsmfa_bin, tmp_path):
    """Alfred on macOS with the workflow installed from a release: awsmfa bundled and
    quarantined, "awsmfa path" empty."""
    bundled = workflow_copy / "awsmfa"
    shutil.copy2(awsmfa_bin, bundled)
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "xattr").write_text(FAKE_XATTR)
    (fake_bin / "xattr").chmod(0o755)
    state, log = tmp_path / "xattr-state", tmp_path / "xattr-log"
    state.write_text(f"{bundled}\n")
    log.write_text("")
    alfred.workflow = Workflow(workflow_copy)
    alfred.configuration["awsmfa_path"] = ""
    alfred.environment.update(
        {"OSTYPE": "darwin23", "PATH": f"{fake_bin}:{ALFRED_PATH}", "XATTR_STATE": str(state), "XATTR_LOG": str(log)}
    )
    alfred.bundled, alfred.xattr_state, alfred.xattr_log = bundled, state, log
    return alfred


def calls(mac):
    return mac.xattr_log.read_text().splitlines()


# Gatekeeper in front of the real awsmfa: a quarantined copy that is not notarized is killed
# before it runs (macOS sends SIGKILL).
GATEKEEPER = """#!/bin/bash
if grep -qxF "$0" "$XATTR_STATE"; then kill -9 $$; fi
exec {real} "$@"
"""


@pytest.fixture
def blocked(mac, awsmfa_bin):
    """The bundled awsmfa as macOS treats a download that is not notarized."""
    mac.bundled.write_text(GATEKEEPER.format(real=awsmfa_bin))
    mac.bundled.chmod(0o755)
    return mac


def test_a_notarized_quarantined_binary_just_runs(mac):
    """Gatekeeper lets a notarized download run: the keystroke never looks at the attribute."""
    mac.type("aws mfa").item("work")
    assert calls(mac) == []
    assert mac.xattr_state.read_text() == f"{mac.bundled}\n"


def test_a_blocked_binary_is_an_item_that_says_what_to_do(blocked):
    result = blocked.type("aws mfa")
    (item,) = result.items()
    assert item["title"] == "macOS blocked awsmfa: it is not notarized"
    assert "brew install awsmfa/tap/awsmfa" in item["subtitle"]
    assert "System Settings → Privacy & Security" in item["subtitle"]
    assert item["valid"] is False
    assert calls(blocked) == [f"-p com.apple.quarantine {blocked.bundled}"], "looked, never removed"
    assert blocked.xattr_state.read_text() == f"{blocked.bundled}\n"


def test_once_allowed_it_runs(blocked):
    blocked.type("aws mfa")
    # System Settings → Privacy & Security → Open Anyway: macOS lets this binary run.
    blocked.xattr_state.write_text("")
    blocked.type("aws mfa").item("work")


def test_a_blocked_binary_fails_a_login_with_its_own_kind(blocked):
    item = {"uid": "work", "title": "work", "arg": "work", "mods": {"alt": {"arg": "work", "valid": True}}}
    (run,) = events_of(blocked.press(item, "alt"), ScriptRun)
    assert run.variables["awsmfa_ok"] == "0"
    assert run.variables["awsmfa_error_kind"] == "binary_blocked"
    assert "System Settings → Privacy & Security" in json.loads(run.stdout)["alfredworkflow"]["arg"]
    assert all(not call.startswith("-d") for call in calls(blocked))


def test_killed_on_linux_is_a_plain_failure(blocked):
    del blocked.environment["OSTYPE"]
    (item,) = blocked.type("aws mfa").items()
    assert "exited with status 137 without a message" in item["title"]
    assert calls(blocked) == []
