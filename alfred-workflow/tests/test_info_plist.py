"""info.plist: a valid Alfred 5 workflow wired the way the README says."""

import os
import plistlib
import re

import pytest

from alfred_runtime import MODIFIERS, PREFIX, Workflow
from testbed import WORKFLOW

# Alfred 5's object types this workflow uses, with the object version Alfred writes for each.
KNOWN_TYPES = {
    "input.scriptfilter": 3,
    "action.script": 2,
    "trigger.external": 1,
    "output.notification": 1,
    "output.clipboard": 3,
    "output.largetype": 3,
    "output.callexternaltrigger": 1,
    "utility.conditional": 1,
    "utility.argument": 1,
}
ENTRY = "./awsmfa-alfred.sh"


@pytest.fixture(scope="module")
def workflow():
    return Workflow(WORKFLOW)


def follow(workflow, uid, modifiers=0):
    (edge,) = workflow.edges(uid, modifiers)
    return edge["destinationuid"]


def test_is_an_xml_plist():
    data = (WORKFLOW / "info.plist").read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist')
    plistlib.loads(data, fmt=plistlib.FMT_XML)


def test_every_uid_in_connections_and_uidata_is_an_object(workflow):
    uids = [obj["uid"] for obj in workflow.plist["objects"]]
    assert len(uids) == len(set(uids)), "object uids repeat"
    for uid in uids:
        assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", uid)
    for source, edges in workflow.connections.items():
        assert source in workflow.objects, f"connection from unknown object {source}"
        for edge in edges:
            assert edge["destinationuid"] in workflow.objects, f"connection to unknown object {edge}"
            if "sourceoutputuid" in edge:
                assert workflow.kind(source) == "utility.conditional"
                outputs = {c["uid"] for c in workflow.objects[source]["config"]["conditions"]}
                assert edge["sourceoutputuid"] in outputs
    assert set(workflow.plist["uidata"]) == set(uids), "every object needs a place on the canvas, and only objects"


def test_objects_are_alfred_5_types(workflow):
    for obj in workflow.plist["objects"]:
        kind = obj["type"].removeprefix(PREFIX)
        assert kind in KNOWN_TYPES, f"unexpected object type {obj['type']}"
        assert obj["version"] == KNOWN_TYPES[kind], f"{kind} has version {obj['version']}"


def test_keyword_is_aws_mfa_with_an_optional_query(workflow):
    config = workflow.script_filter()["config"]
    assert config["keyword"] == "aws mfa"
    # "with space": the query is separated from the keyword by a space, which Alfred drops,
    # so "aws mfa stg" runs the filter with "stg" and "aws mfastg" is not this keyword.
    assert config["withspace"] is True
    assert config["argumenttype"] == 1, "argument optional: `aws mfa` alone lists every profile"
    assert config["argumenttreatemptyqueryasnil"] is False, "an empty query still passes $1"
    assert config["alfredfiltersresults"] is False, "awsmfa ranks the profiles itself"
    assert config["runningsubtext"].strip()
    assert config["title"].strip() and config["subtext"].strip()


def test_scripts_take_the_query_as_argv(workflow):
    scripts = workflow.of_kind("input.scriptfilter") + workflow.of_kind("action.script")
    assert len(scripts) == 3
    for obj in scripts:
        config = obj["config"]
        assert config["scriptargtype"] == 1, "input as argv"
        assert "{query}" not in config["script"]
    for obj in workflow.of_kind("action.script"):
        config = obj["config"]
        assert config["type"] == 0, "/bin/bash"
        assert config["scriptfile"] == ""
        assert re.fullmatch(r'/bin/bash \./awsmfa-alfred\.sh (login|logout) "\$1"', config["script"])
    entry = WORKFLOW / "awsmfa-alfred.sh"
    assert entry.is_file() and os.access(entry, os.X_OK)


def test_the_keystroke_runs_a_dash_script_alfred_executes_itself(workflow):
    """The Script Filter is an External Script (8): Alfred executes the file, whose #! is dash,
    without a bash of its own."""
    config = workflow.script_filter()["config"]
    assert config["type"] == 8, "External Script"
    assert config["script"] == ""
    assert config["scriptfile"] == "awsmfa-alfred-list"
    script = WORKFLOW / config["scriptfile"]
    assert script.is_file() and os.access(script, os.X_OK)
    assert script.read_text().splitlines()[0] == "#!/bin/dash"


def test_return_notifies_then_logs_in_then_notifies(workflow):
    sf = workflow.script_filter()
    assert workflow.script_filter()["config"]["scriptfile"] == "awsmfa-alfred-list"
    progress = follow(workflow, sf["uid"])
    assert workflow.kind(progress) == "output.notification"
    assert "{query}" in workflow.objects[progress]["config"]["title"]
    login = follow(workflow, progress)
    assert workflow.objects[login]["config"]["script"] == '/bin/bash ./awsmfa-alfred.sh login "$1"'
    result = follow(workflow, login)
    assert workflow.kind(result) == "output.notification"
    assert workflow.objects[result]["config"]["title"] == "{var:awsmfa_title}"
    assert workflow.objects[result]["config"]["text"] == "{query}"
    assert workflow.objects[result]["config"]["onlyshowifquerypopulated"] is False


def test_modifiers(workflow):
    sf = workflow.script_filter()["uid"]
    copy = follow(workflow, sf, MODIFIERS["cmd"])
    assert workflow.kind(copy) == "output.clipboard"
    assert workflow.objects[copy]["config"]["clipboardtext"] == "{query}"
    logout = follow(workflow, sf, MODIFIERS["alt"])
    assert workflow.objects[logout]["config"]["script"] == '/bin/bash ./awsmfa-alfred.sh logout "$1"'
    assert workflow.kind(follow(workflow, logout)) == "output.notification"
    large = follow(workflow, sf, MODIFIERS["ctrl"])
    assert workflow.kind(large) == "output.largetype"
    assert workflow.objects[large]["config"]["largetypetext"] == "{query}"
    for edge in workflow.connections[sf]:
        assert edge["modifiersubtext"] == "", "the subtitles come from awsmfa's `mods`"


def test_retryable_failure_reopens_the_list_on_the_profile(workflow):
    login = next(o["uid"] for o in workflow.of_kind("action.script") if " login " in o["config"]["script"])
    notification = follow(workflow, login)
    conditional = follow(workflow, notification)
    config = workflow.objects[conditional]["config"]
    (condition,) = config["conditions"]
    assert (condition["inputstring"], condition["matchmode"], condition["matchstring"]) == ("{var:awsmfa_retryable}", 0, "1")
    assert config["hideelse"] is True
    (edge,) = workflow.connections[conditional]
    assert edge["sourceoutputuid"] == condition["uid"]
    argument = edge["destinationuid"]
    assert workflow.objects[argument]["config"]["argument"] == "{var:awsmfa_profile}"
    call = follow(workflow, argument)
    call_config = workflow.objects[call]["config"]
    assert call_config["workflowbundleid"] == "self" and call_config["passinputasargument"] is True
    (trigger,) = [t for t in workflow.of_kind("trigger.external") if t["config"]["triggerid"] == call_config["externaltriggerid"]]
    assert follow(workflow, trigger["uid"]) == workflow.script_filter()["uid"]


def test_user_configuration(workflow):
    entries = {e["variable"]: e for e in workflow.plist["userconfigurationconfig"]}
    assert set(entries) == {"awsmfa_path", "awsmfa_duration", "awsmfa_remind", "awsmfa_op_path"}
    entry_script = (WORKFLOW / "awsmfa-alfred.sh").read_text()
    for name, entry in entries.items():
        assert entry["type"] == "textfield"
        assert entry["config"]["default"] == "", "empty means awsmfa's own default"
        assert entry["label"].strip() and entry["description"].strip()
        assert f"${{{name}" in entry_script, f"awsmfa-alfred.sh does not read {name}"


def test_metadata(workflow):
    plist = workflow.plist
    assert plist["bundleid"] == "dev.awsmfa.alfred"
    assert plist["name"] and plist["description"] and plist["readme"].strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?", plist["version"])
    assert plist["disabled"] is False
    assert (WORKFLOW / "icon.png").is_file()
