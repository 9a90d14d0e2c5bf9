"""Runs the workflow's info.plist the way Alfred 5 does, for the objects this workflow uses.

Alfred is a macOS app, so the tests cannot drive it. What they can do is what Alfred does with
info.plist: run each object's script text with /bin/bash, the user's input as argv, Alfred's
environment variables and the workflow folder as working directory; read the JSON that comes
back; follow `connections` (modifier keys, conditional outputs, external triggers) and fill in
`{query}` and `{var:…}` in the outputs' texts. The result is the list of things a person would
see: notifications, clipboard contents, Large Type, the list reopening.

An object type this module does not know makes it fail loudly instead of guessing.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "alfred.workflow."
MODIFIERS = {None: 0, "shift": 131072, "ctrl": 262144, "alt": 524288, "cmd": 1048576}
# What Alfred gives a workflow's scripts; the rest of the environment is the tests' choice.
ALFRED_PATH = "/usr/bin:/bin:/usr/sbin:/sbin"
SCRIPT_TIMEOUT = 120


@dataclass
class Notification:
    title: str
    text: str


@dataclass
class Clipboard:
    text: str


@dataclass
class LargeType:
    text: str


@dataclass
class ScriptRun:
    """A Run Script object ran: its argument, stdout, stderr and what it set."""

    uid: str
    argv: str
    stdout: str
    stderr: str
    returncode: int
    variables: dict


@dataclass
class ExternalTriggerCall:
    trigger_id: str
    argument: str


@dataclass
class ScriptFilterShown:
    """The Script Filter opened (typed, or reached from a trigger) and printed `result`."""

    query: str
    result: "ScriptFilterResult"


@dataclass
class ScriptFilterResult:
    query: str
    stdout: str
    stderr: str
    returncode: int
    json: dict | None = field(default=None)
    # Which Script Filter printed it, and the variables it was run with.
    uid: str = ""
    variables: dict = field(default_factory=dict)

    def items(self):
        return self.json["items"]

    def item(self, uid):
        for item in self.items():
            if item.get("uid") == uid:
                return item
        raise AssertionError(f"no item with uid {uid!r} in {json.dumps(self.json, indent=1)}")


class Workflow:
    """info.plist, read."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        with open(self.folder / "info.plist", "rb") as f:
            self.plist = plistlib.load(f)
        self.objects = {obj["uid"]: obj for obj in self.plist["objects"]}
        self.connections = self.plist.get("connections", {})

    def kind(self, uid):
        return self.objects[uid]["type"].removeprefix(PREFIX)

    def of_kind(self, kind):
        return [obj for obj in self.plist["objects"] if obj["type"] == PREFIX + kind]

    def script_filter(self, keyword="aws mfa"):
        """The Script Filter with this keyword (by default the one people type)."""
        (only,) = [obj for obj in self.of_kind("input.scriptfilter") if obj["config"]["keyword"] == keyword]
        return only

    def script_filter_for(self, text):
        """The Script Filter Alfred runs for what is typed: the one with the longest keyword it starts with."""
        matching = [obj for obj in self.of_kind("input.scriptfilter") if text.startswith(obj["config"]["keyword"])]
        if not matching:
            raise AssertionError(f"{text!r} starts with no Script Filter's keyword")
        return max(matching, key=lambda obj: len(obj["config"]["keyword"]))

    def edges(self, uid, modifiers=0):
        return [e for e in self.connections.get(uid, []) if e.get("modifiers", 0) == modifiers]

    def configuration_defaults(self):
        return {
            entry["variable"]: entry.get("config", {}).get("default", "")
            for entry in self.plist.get("userconfigurationconfig", [])
        }


class Alfred:
    """One person's Alfred with this workflow installed.

    `environment` is the process environment the workflow's scripts start from (HOME, the AWS
    variables, …) on top of Alfred's own PATH; `configuration` holds the values typed into the
    workflow's Configure Workflow… sheet; `data_dir` and `cache_dir` are the folders Alfred
    gives the workflow.
    """

    def __init__(self, folder, environment, configuration, data_dir, cache_dir, debug=False):
        self.workflow = Workflow(folder)
        self.environment = dict(environment)
        self.configuration = dict(configuration)
        self.data_dir = Path(data_dir)
        self.cache_dir = Path(cache_dir)
        self.debug = debug
        self.events = []
        # A command every script runs under (a tracer such as strace), or none.
        self.wrapper = []
        # What Alfred shows now: the last Script Filter's result, whose rows `press` acts on.
        self.shown = None

    # -- the environment Alfred gives scripts --------------------------------------------------

    def script_environment(self, variables):
        plist = self.workflow.plist
        env = {"PATH": ALFRED_PATH}
        env.update(self.environment)
        env.update(
            {
                "alfred_version": "5.5",
                "alfred_version_build": "2257",
                "alfred_preferences": str(self.data_dir.parent / "Alfred.alfredpreferences"),
                "alfred_workflow_bundleid": plist["bundleid"],
                "alfred_workflow_name": plist["name"],
                "alfred_workflow_version": plist.get("version", ""),
                "alfred_workflow_uid": "user.workflow.AWSMFA",
                "alfred_workflow_data": str(self.data_dir),
                "alfred_workflow_cache": str(self.cache_dir),
            }
        )
        if self.debug:
            env["alfred_debug"] = "1"
        env.update(self.workflow.configuration_defaults())
        env.update(self.configuration)
        env.update(variables)
        return env

    def run_script(self, config, argv, variables):
        """Runs a Script Filter's or Run Script's script as Alfred does: inline text with
        /bin/bash (language 0), or an External Script (8), a file of the workflow that Alfred
        executes itself, so its #! line picks the interpreter."""
        if config.get("scriptargtype") != 1:
            raise AssertionError("script input is not argv ($1): Alfred would paste {query} into the script")
        if config.get("type") == 0:
            command = ["/bin/bash", "-c", config["script"], "bash", argv]
        elif config.get("type") == 8:
            script = self.workflow.folder / config["scriptfile"]
            if not os.access(script, os.X_OK):
                raise AssertionError(f"{config['scriptfile']} is not executable: Alfred could not run it")
            command = [str(script), argv]
        else:
            raise AssertionError(f"script language {config.get('type')} is neither /bin/bash (0) nor External Script (8)")
        return subprocess.run(
            [*self.wrapper, *command],
            cwd=self.workflow.folder,
            env=self.script_environment(variables),
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT,
        )

    # -- what a person does ----------------------------------------------------------------------

    def type(self, text):
        """Types `text` into Alfred's search field; returns what the Script Filter shows.

        Alfred runs the Script Filter once the keyword matches; with "with space" on, the
        argument must be separated from the keyword by a space, which Alfred drops.
        """
        script_filter = self.workflow.script_filter_for(text)
        config = script_filter["config"]
        keyword = config["keyword"]
        rest = text[len(keyword):]
        if rest and config.get("withspace") and not rest.startswith(" "):
            raise AssertionError(f"{text!r}: Alfred needs a space after {keyword!r}")
        if rest.startswith(" "):
            rest = rest[1:]
        if config.get("argumenttrimmode", 0) == 0:
            rest = rest.rstrip()
        return self.run_script_filter(rest, script_filter["uid"])

    def run_script_filter(self, query, uid=None, variables=None):
        """Runs a Script Filter (by default the `aws mfa` one) with `query` and the stream's
        `variables`; what it prints is then what Alfred shows."""
        uid = uid or self.workflow.script_filter()["uid"]
        variables = dict(variables or {})
        config = self.workflow.objects[uid]["config"]
        proc = self.run_script(config, query, variables)
        result = ScriptFilterResult(query, proc.stdout, proc.stderr, proc.returncode, uid=uid, variables=variables)
        try:
            result.json = json.loads(proc.stdout)
        except json.JSONDecodeError as err:
            raise AssertionError(
                f"the Script Filter printed no JSON ({err}); stdout={proc.stdout!r} stderr={proc.stderr!r}"
            ) from None
        self.shown = result
        return result

    def press(self, item, modifier=None):
        """Presses ↩ (or ⌘↩, ⌥↩, ⌃↩ with modifier cmd, alt, ctrl) on an item of the Script
        Filter shown last (the `aws mfa` one when none was) and runs everything connected to
        it. The stream goes on with the variables the Script Filter was run with, those its
        response set at its root, and the item's own. Returns the events it caused."""
        shown = self.shown
        source = shown.uid if shown else self.workflow.script_filter()["uid"]
        inherited = {**shown.variables, **shown.json.get("variables", {})} if shown else {}
        valid = item.get("valid", True)
        arg = item.get("arg", "")
        variables = {**inherited, **item.get("variables", {})}
        if modifier is not None:
            mod = item.get("mods", {}).get(modifier)
            if mod is None:
                raise AssertionError(f"item {item.get('uid')!r} has no {modifier} modifier")
            valid = mod.get("valid", valid)
            arg = mod.get("arg", arg)
            variables.update(mod.get("variables", {}))
        if not valid:
            raise AssertionError(f"Alfred does nothing for an invalid item: {item}")
        self.events = []
        edges = self.workflow.edges(source, MODIFIERS[modifier])
        if not edges:
            raise AssertionError(f"nothing is connected to the Script Filter for modifier {modifier}")
        for edge in edges:
            self._run(edge["destinationuid"], arg, dict(variables))
        return self.events

    def call_external_trigger(self, trigger_id, argument):
        """What `alfred://runtrigger/BUNDLEID/TRIGGER/?argument=…` does."""
        self.events = []
        self._trigger(trigger_id, argument, {})
        return self.events

    # -- following connections -----------------------------------------------------------------

    def expand(self, text, arg, variables):
        values = {**self.workflow.configuration_defaults(), **self.configuration, **variables}
        text = re.sub(r"\{var:([A-Za-z0-9_]+)\}", lambda m: values.get(m.group(1), ""), text)
        return text.replace("{query}", arg)

    def _next(self, uid, arg, variables, source_output=None):
        for edge in self.workflow.edges(uid):
            if edge.get("sourceoutputuid") == source_output:
                self._run(edge["destinationuid"], arg, dict(variables))

    def _trigger(self, trigger_id, argument, variables):
        triggers = [
            obj for obj in self.workflow.of_kind("trigger.external")
            if obj["config"]["triggerid"] == trigger_id
        ]
        if len(triggers) != 1:
            raise AssertionError(f"{len(triggers)} external triggers have the id {trigger_id!r}")
        self._next(triggers[0]["uid"], argument, variables)

    def _run(self, uid, arg, variables):
        obj = self.workflow.objects[uid]
        config = obj.get("config", {})
        kind = self.workflow.kind(uid)
        if kind == "output.notification":
            if arg or not config.get("onlyshowifquerypopulated"):
                self.events.append(
                    Notification(self.expand(config["title"], arg, variables), self.expand(config["text"], arg, variables))
                )
            self._next(uid, arg, variables)
        elif kind == "output.clipboard":
            self.events.append(Clipboard(self.expand(config["clipboardtext"], arg, variables)))
            self._next(uid, arg, variables)
        elif kind == "output.largetype":
            self.events.append(LargeType(self.expand(config["largetypetext"], arg, variables)))
            self._next(uid, arg, variables)
        elif kind == "action.script":
            proc = self.run_script(config, arg, variables)
            out = proc.stdout
            next_arg = out
            try:
                parsed = json.loads(out)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict) and "alfredworkflow" in parsed:
                spec = parsed["alfredworkflow"]
                next_arg = spec.get("arg", "")
                variables.update(spec.get("variables", {}))
            self.events.append(ScriptRun(uid, arg, out, proc.stderr, proc.returncode, dict(variables)))
            self._next(uid, next_arg, variables)
        elif kind == "utility.conditional":
            for condition in config["conditions"]:
                subject = self.expand(condition["inputstring"] or "{query}", arg, variables)
                wanted = self.expand(condition["matchstring"], arg, variables)
                if condition["matchmode"] != 0:
                    raise AssertionError(f"conditional match mode {condition['matchmode']} is not modelled")
                if not condition.get("matchcasesensitive"):
                    subject, wanted = subject.lower(), wanted.lower()
                if subject == wanted:
                    self._next(uid, arg, variables, source_output=condition["uid"])
                    return
            if not config.get("hideelse"):
                self._next(uid, arg, variables)
        elif kind == "utility.argument":
            if not config.get("passthroughargument"):
                arg = self.expand(config["argument"], arg, variables)
            for name, value in config.get("variables", {}).items():
                variables[name] = self.expand(value, arg, variables)
            self._next(uid, arg, variables)
        elif kind == "output.callexternaltrigger":
            argument = arg if config.get("passinputasargument") else ""
            self.events.append(ExternalTriggerCall(config["externaltriggerid"], argument))
            if config["workflowbundleid"] not in ("self", self.workflow.plist["bundleid"]):
                raise AssertionError(f"calls a trigger in another workflow: {config['workflowbundleid']}")
            self._trigger(config["externaltriggerid"], argument, variables if config.get("passvariables") else {})
        elif kind == "input.scriptfilter":
            # A trigger connected to a Script Filter opens Alfred on it, the argument typed in
            # and the variables the trigger was passed in the script's environment.
            self.events.append(ScriptFilterShown(arg, self.run_script_filter(arg, uid, variables)))
        else:
            raise AssertionError(f"object type {kind} is not modelled by alfred_runtime")


def events_of(events, kind):
    return [event for event in events if isinstance(event, kind)]


def scratch_environment(home: Path, extra=None):
    """The environment for the workflow's scripts: a fixture HOME and its AWS files, with
    expiry reminders off (these tests are not about them, and on a Mac a login would
    otherwise install the person's LaunchAgent)."""
    env = {
        "HOME": str(home),
        "USER": os.environ.get("USER", "alfred"),
        "TMPDIR": str(home / "tmp"),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWSMFA_REMINDERS": "off",
    }
    (home / "tmp").mkdir(exist_ok=True)
    if extra:
        env.update(extra)
    return env
