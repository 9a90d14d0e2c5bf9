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


def follow(workflow, uid, modifiers=0, output=None):
    """Where the one connection from `uid` (from its conditional output `output`) goes."""
    (edge,) = [e for e in workflow.edges(uid, modifiers) if e.get("sourceoutputuid") == output]
    return edge["destinationuid"]


def route(workflow):
    """The conditional ↩ on an `aws mfa` row goes through: {condition's match string: its uid}."""
    conditional = follow(workflow, workflow.script_filter()["uid"])
    assert workflow.kind(conditional) == "utility.conditional"
    config = workflow.objects[conditional]["config"]
    assert config["hideelse"] is False, "a row without awsmfa_next logs in"
    for condition in config["conditions"]:
        assert (condition["inputstring"], condition["matchmode"]) == ("{var:awsmfa_next}", 0)
    return conditional, {c["matchstring"]: c["uid"] for c in config["conditions"]}


def opens(workflow, uid, trigger_id):
    """`uid` calls this workflow's external trigger `trigger_id`, passing the variables on;
    returns the Script Filter the trigger opens."""
    config = workflow.objects[uid]["config"]
    assert workflow.kind(uid) == "output.callexternaltrigger"
    assert (config["workflowbundleid"], config["externaltriggerid"]) == ("self", trigger_id)
    assert config["passvariables"] is True, "the profile and the choices so far travel in variables"
    assert config["passinputasargument"] is False, "an argument would be taken as a filter for the rows"
    return trigger_opens(workflow, trigger_id)


def trigger_opens(workflow, trigger_id):
    """The Script Filter this workflow's external trigger `trigger_id` opens."""
    (trigger,) = [t for t in workflow.of_kind("trigger.external") if t["config"]["triggerid"] == trigger_id]
    script_filter = follow(workflow, trigger["uid"])
    assert workflow.kind(script_filter) == "input.scriptfilter"
    return script_filter


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
    assert len(scripts) == 7
    for obj in scripts:
        config = obj["config"]
        assert config["scriptargtype"] == 1, "input as argv"
        assert "{query}" not in config["script"]
    # The keystroke's is an External Script (below); the rest run /bin/bash: login, logout and the setup steps, which take the profile from
    # the variable the list's row set, as one word.
    others = [obj for obj in scripts if obj["uid"] != workflow.script_filter()["uid"]]
    assert len(others) == 6
    for obj in others:
        config = obj["config"]
        assert config["type"] == 0, "/bin/bash"
        assert config["scriptfile"] == ""
        assert re.fullmatch(
            r'/bin/bash \./awsmfa-alfred\.sh ((login|logout) "\$1"'
            r'|(setup-devices|setup-items|setup) "\$awsmfa_setup_profile"|doctor)',
            config["script"],
        ), config["script"]
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
    assert workflow.script_filter()["config"]["scriptfile"] == "awsmfa-alfred-list"
    conditional, _ = route(workflow)
    progress = follow(workflow, conditional)
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


def test_a_row_that_needs_setup_leads_through_device_item_setup_and_back_to_the_list(workflow):
    conditional, outputs = route(workflow)
    devices = opens(workflow, follow(workflow, conditional, output=outputs["setup"]), "setup-device")
    assert workflow.objects[devices]["config"]["script"] == '/bin/bash ./awsmfa-alfred.sh setup-devices "$awsmfa_setup_profile"'
    items = opens(workflow, follow(workflow, devices), "setup-item")
    assert workflow.objects[items]["config"]["script"] == '/bin/bash ./awsmfa-alfred.sh setup-items "$awsmfa_setup_profile"'
    progress = follow(workflow, items)
    assert workflow.kind(progress) == "output.notification"
    assert "{var:awsmfa_setup_profile}" in workflow.objects[progress]["config"]["title"]
    setup = follow(workflow, progress)
    assert workflow.objects[setup]["config"]["script"] == '/bin/bash ./awsmfa-alfred.sh setup "$awsmfa_setup_profile"'
    result = follow(workflow, setup)
    assert (workflow.objects[result]["config"]["title"], workflow.objects[result]["config"]["text"]) == (
        "{var:awsmfa_title}",
        "{query}",
    )
    # Back to `aws mfa PROFILE`, where ↩ logs in (or, after a failure, starts the setup again).
    argument = follow(workflow, result)
    assert workflow.objects[argument]["config"]["argument"] == "{var:awsmfa_profile}"
    call = workflow.objects[follow(workflow, argument)]["config"]
    assert trigger_opens(workflow, call["externaltriggerid"]) == workflow.script_filter()["uid"]


def test_the_doctor_row_opens_the_checks(workflow):
    conditional, outputs = route(workflow)
    assert set(outputs) == {"setup", "doctor"}
    doctor = opens(workflow, follow(workflow, conditional, output=outputs["doctor"]), "doctor")
    config = workflow.objects[doctor]["config"]
    assert config["script"] == "/bin/bash ./awsmfa-alfred.sh doctor"
    assert config["keyword"] == "awsmfa doctor", "typed as the command it runs, too"
    assert workflow.edges(doctor) == [], "the checks are to read: ↩ on one does nothing"


def test_setup_steps_run_once_and_never_take_the_lists_keyword(workflow):
    steps = [obj for obj in workflow.of_kind("input.scriptfilter") if obj["uid"] != workflow.script_filter()["uid"]]
    assert {obj["config"]["keyword"] for obj in steps} == {"awsmfa device", "awsmfa 1password", "awsmfa doctor"}
    for obj in steps:
        config = obj["config"]
        # Asking IAM, 1Password or every check once, then Alfred filters what is typed.
        assert config["alfredfiltersresults"] is True, config["keyword"]
        assert config["argumenttype"] == 1 and config["withspace"] is True
        # "aws mfa …" is the list's keyword with a query: a step must not start with it.
        assert not config["keyword"].startswith("aws mfa"), config["keyword"]
        assert config["runningsubtext"].strip() and config["title"].strip() and config["subtext"].strip()


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
