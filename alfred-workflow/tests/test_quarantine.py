"""Gatekeeper's quarantine attribute on the bundled awsmfa.

The removal only happens on macOS. Bash takes OSTYPE from the environment, so these tests run
the entry script as it runs there (OSTYPE=darwin…), with an `xattr` on PATH that keeps the
attribute in a file and answers like macOS's xattr.
"""

import os
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


def test_removed_once_from_the_bundled_binary(mac):
    mac.type("aws mfa").item("work")
    assert calls(mac) == [f"-dr com.apple.quarantine {mac.bundled}", f"-p com.apple.quarantine {mac.bundled}"]
    assert mac.xattr_state.read_text() == ""
    marker = mac.data_dir / "quarantine-cleared-0.1.0"
    assert marker.read_text() == f"{mac.bundled}\n"

    mac.type("aws mfa stg")
    mac.type("aws mfa")
    assert len(calls(mac)) == 2, "later runs trust the marker and do not run xattr"


def test_removed_again_from_a_new_binary(mac):
    mac.type("aws mfa")
    marker = mac.data_dir / "quarantine-cleared-0.1.0"
    later = marker.stat().st_mtime + 60
    os.utime(mac.bundled, (later, later))
    mac.xattr_state.write_text(f"{mac.bundled}\n")
    mac.type("aws mfa").item("work")
    assert len(calls(mac)) == 4
    assert mac.xattr_state.read_text() == ""


def test_removed_again_after_a_workflow_update(mac):
    mac.type("aws mfa")
    mac.workflow.plist["version"] = "0.2.0"
    mac.xattr_state.write_text(f"{mac.bundled}\n")
    mac.type("aws mfa").item("work")
    assert len(calls(mac)) == 4
    assert (mac.data_dir / "quarantine-cleared-0.2.0").is_file()


def test_actions_clear_it_too(mac):
    """⌥↩ (logout) straight from a notification's trigger, before any list ran."""
    item = {"uid": "work", "title": "work", "arg": "work", "mods": {"alt": {"arg": "work", "valid": True}}}
    events = mac.press(item, "alt")
    assert calls(mac)[0] == f"-dr com.apple.quarantine {mac.bundled}"
    (run,) = events_of(events, ScriptRun)
    assert run.variables["awsmfa_ok"] == "1", run.stderr


def test_other_binaries_are_left_alone(mac, awsmfa_bin):
    mac.configuration["awsmfa_path"] = str(awsmfa_bin)
    mac.type("aws mfa").item("work")
    assert calls(mac) == []


def test_not_on_linux(mac):
    del mac.environment["OSTYPE"]
    mac.type("aws mfa").item("work")
    assert calls(mac) == []
    assert not mac.data_dir.exists()


def test_attribute_that_stays_is_reported_and_retried(mac):
    # An xattr that cannot remove the attribute (a read-only volume, say).
    (mac.xattr_state.parent / "fake-bin" / "xattr").write_text(
        FAKE_XATTR.replace("    -d | -dr)\n", "    -d | -dr)\n        exit 1\n")
    )
    result = mac.type("aws mfa")
    assert "could not remove the quarantine attribute" in result.stderr
    assert not (mac.data_dir / "quarantine-cleared-0.1.0").exists()
    mac.type("aws mfa")
    assert len(calls(mac)) == 4, "tried again on the next run"


# Gatekeeper in front of the real awsmfa: a quarantined copy is killed before it runs.
GATEKEEPER = """#!/bin/bash
if grep -qxF "$0" "$XATTR_STATE"; then kill -9 $$; fi
exec {real} "$@"
"""


def test_reinstall_of_the_same_version_is_caught_when_gatekeeper_kills_it(mac, awsmfa_bin):
    mac.type("aws mfa")
    marker = mac.data_dir / "quarantine-cleared-0.1.0"
    assert marker.is_file()
    # The same release installed again: quarantined again, and its modification time is the
    # one stored in the zip, older than the marker.
    mac.bundled.write_text(GATEKEEPER.format(real=awsmfa_bin))
    older = marker.stat().st_mtime - 3600
    os.utime(mac.bundled, (older, older))
    mac.xattr_state.write_text(f"{mac.bundled}\n")

    result = mac.type("aws mfa")
    result.item("work")
    assert mac.xattr_state.read_text() == ""
    assert marker.is_file()
