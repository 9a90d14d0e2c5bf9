"""Typing `aws mfa …` in Alfred: the Script Filter's script from info.plist, run as Alfred runs
it, against the real awsmfa and a scratch HOME."""

import os
import re
import shutil
from pathlib import Path

from testbed import WORKFLOW

ICONS = {"icons/valid.png", "icons/expiring.png", "icons/expired.png", "icons/no_session.png", "icons/error.png", "icon.png"}


def check(result, schema):
    """What every Script Filter run must give Alfred: exit 0 and valid Script Filter JSON whose
    icons exist in the workflow folder."""
    assert result.returncode == 0, result.stderr
    errors = sorted(schema.iter_errors(result.json), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    for item in result.items():
        if "icon" in item:
            assert item["icon"]["path"] in ICONS, item
            assert (WORKFLOW / item["icon"]["path"]).is_file()


def test_lists_every_profile_with_its_status(alfred, script_filter_schema):
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    assert result.json["skipknowledge"] is True, "awsmfa's order, not Alfred's learned order"
    assert "rerun" not in result.json, "no session, so no countdown to refresh"

    work = result.item("work")
    assert work["valid"] is True
    assert work["arg"] == "work"
    assert work["icon"]["path"] == "icons/no_session.png"
    assert work["mods"]["cmd"]["arg"] == "export AWS_PROFILE=work"
    assert work["mods"]["alt"]["arg"] == "work"
    assert work["mods"]["ctrl"]["arg"].startswith("work")

    staging = result.item("staging")
    assert staging["valid"] is True, "↩ continues its setup in Alfred"
    assert "needs setup" in staging["subtitle"]
    assert staging["variables"] == {
        "awsmfa_next": "setup",
        "awsmfa_setup_profile": "staging",
        "awsmfa_setup_move_keys": "0",
    }
    assert staging["text"]["copy"].startswith("awsmfa setup staging"), "⌘C still gives the terminal command"


def test_query_after_the_keyword_ranks_matching_profiles_first(alfred, script_filter_schema):
    for typed, first in (("aws mfa stg", "staging"), ("aws mfa wo", "work"), ("aws mfa  stag", "staging")):
        result = alfred.type(typed)
        check(result, script_filter_schema)
        assert result.items()[0]["uid"] == first, typed


def test_query_is_data_not_shell(alfred, script_filter_schema, tmp_path):
    marker = tmp_path / "ran"
    result = alfred.type(f'aws mfa $(touch {marker})"; touch {marker}; `touch {marker}` \'')
    check(result, script_filter_schema)
    assert not marker.exists()


def test_query_that_looks_like_an_option(alfred, script_filter_schema):
    result = alfred.type("aws mfa --help")
    check(result, script_filter_schema)
    assert result.items(), "a query starting with - is a query, not an option for awsmfa"


def test_no_profiles_says_how_to_create_one(alfred, home, script_filter_schema):
    (home / ".aws" / "config").unlink()
    (home / ".aws" / "credentials").unlink()
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    (item,) = result.items()
    assert item["valid"] is False
    assert item["title"] and item.get("subtitle")


def test_awsmfa_found_without_configuration(alfred, script_filter_schema, workflow_copy, awsmfa_bin, home):
    """With "awsmfa path" empty, the copy of awsmfa bundled with the workflow is used; without
    one, awsmfa from PATH (here a folder put on PATH)."""
    alfred.configuration["awsmfa_path"] = ""
    shutil.copy2(awsmfa_bin, workflow_copy / "awsmfa")
    alfred.workflow = type(alfred.workflow)(workflow_copy)
    check(result := alfred.type("aws mfa"), script_filter_schema)
    result.item("work")

    (workflow_copy / "awsmfa").unlink()
    bin_dir = home / "bin"
    bin_dir.mkdir()
    shutil.copy2(awsmfa_bin, bin_dir / "awsmfa")
    alfred.environment["PATH"] = f"/usr/bin:/bin:/usr/sbin:/sbin:{bin_dir}"
    check(result := alfred.type("aws mfa"), script_filter_schema)
    result.item("work")


def test_awsmfa_path_with_a_tilde(alfred, script_filter_schema, awsmfa_bin, home):
    (home / "bin").mkdir()
    shutil.copy2(awsmfa_bin, home / "bin" / "awsmfa")
    alfred.configuration["awsmfa_path"] = "~/bin/awsmfa"
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    result.item("work")


def test_missing_awsmfa_says_how_to_install_it(alfred, script_filter_schema):
    if any(os.access(p, os.X_OK) for p in ("/opt/homebrew/bin/awsmfa", "/usr/local/bin/awsmfa")):
        raise AssertionError("an awsmfa in /opt/homebrew/bin or /usr/local/bin hides the missing-binary case")
    alfred.configuration["awsmfa_path"] = ""
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    (item,) = result.items()
    assert item["title"] == "awsmfa is not installed"
    assert "brew install awsmfa/tap/awsmfa" in item["subtitle"] and "awsmfa path" in item["subtitle"]
    assert item["valid"] is False
    assert item["icon"]["path"] == "icons/error.png"


def test_awsmfa_path_that_is_not_a_program(alfred, script_filter_schema, tmp_path):
    alfred.configuration["awsmfa_path"] = str(tmp_path / "no-such-awsmfa")
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    (item,) = result.items()
    assert item["title"] == "“awsmfa path” is not an executable file"
    assert item["subtitle"] == f"It is {tmp_path / 'no-such-awsmfa'}: correct or clear it in the workflow's Configure Workflow…"


def test_program_that_dies_without_output_becomes_an_error_item(alfred, script_filter_schema, tmp_path):
    """The keystroke's script cannot read awsmfa's output; a status of 126 or more (could not
    start, killed) hands over to the entry script, which says what happened."""
    dies = tmp_path / "dies"
    dies.write_text("#!/bin/sh\nkill -9 $$\n")
    dies.chmod(0o755)
    alfred.configuration["awsmfa_path"] = str(dies)
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    (item,) = result.items()
    assert item["title"] == "awsmfa list exited with status 137 without a message: run it in Terminal to see why"
    assert item["icon"]["path"] == "icons/error.png"


def test_a_keystroke_runs_awsmfa_and_nothing_else(alfred, tmp_path):
    """On the common path the Script Filter's script starts awsmfa, and no other program
    (no bash, no cat, no rm), and passes its output on untouched."""
    trace = tmp_path / "trace"
    alfred.wrapper = ["strace", "-f", "-qq", "-e", "trace=execve", "-o", str(trace)]
    result = alfred.type("aws mfa stg")
    result.item("staging")
    programs = [re.match(r'\d+\s+execve\("([^"]+)"', line).group(1)
                for line in trace.read_text().splitlines() if "execve(" in line]
    assert [Path(p).name for p in programs] == ["awsmfa-alfred-list", "awsmfa"], programs


def test_error_from_awsmfa_is_shown_as_an_item(alfred, home, script_filter_schema):
    (home / ".aws" / "config").write_text("[profile work\nthis is not an ini file\n")
    result = alfred.type("aws mfa")
    check(result, script_filter_schema)
    (item,) = result.items()
    assert item["valid"] is False
    assert item["icon"]["path"] == "icons/error.png"
    assert item["title"]


def test_the_keystroke_looks_for_awsmfa_where_the_entry_script_does_first():
    """awsmfa-alfred-list's search is the start of awsmfa-alfred.sh's, in the same order
    (Homebrew's, then the bundled one), so the common and the rare path run the same binary;
    awsmfa doctor's Alfred check follows the same order."""

    def folders(script):
        line = next(l for l in (WORKFLOW / script).read_text().splitlines() if l.strip().startswith("for candidate in"))
        words = line.split(" in ", 1)[1].rsplit(";", 1)[0].split()
        # The bundled copy, however each script names the workflow folder.
        return ["BUNDLED" if w.strip('"').endswith("/awsmfa") and "$" in w else w for w in words]

    assert folders("awsmfa-alfred-list") == ["/opt/homebrew/bin/awsmfa", "/usr/local/bin/awsmfa", "BUNDLED"]
    assert folders("awsmfa-alfred.sh") == folders("awsmfa-alfred-list")
