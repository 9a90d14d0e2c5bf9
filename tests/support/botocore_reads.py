"""Checks edits of AWS files against the AWS CLI's own reader (botocore's raw_config_parse,
the configparser setup the AWS CLI v1 and boto3 use).

Reads JSON lines from stdin, each {"before": TEXT, "after": TEXT, "name": SECTION,
"values": [[KEY, VALUE], ...], "warned": BOOL}: an AWS file before and after awsmfa's edit of
SECTION, and whether awsmfa warns that the AWS CLI will not read the file before. With
"moved_from": OTHER, the edit moved the keys of "values" from OTHER to SECTION: OTHER must read
as before without them. awsmfa must
warn exactly when botocore refuses that file. For every file botocore reads before the edit,
it must read the result too, with SECTION holding each VALUE, and every other section exactly
as before. Prints how many pairs it checked and the first that fails, and exits 1 if any
does.

    python3 botocore_reads.py < pairs.jsonl
"""

import json
import os
import sys
import tempfile

from botocore.configloader import raw_config_parse
from botocore.exceptions import ConfigParseError


def read(text, folder):
    """What botocore reads from `text` as a credentials file, or None when it refuses it."""
    path = os.path.join(folder, "file")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    try:
        return raw_config_parse(path)
    except (ConfigParseError, UnicodeDecodeError):
        return None


def problem(pair, folder):
    before = read(pair["before"], folder)
    if pair["warned"] != (before is None):
        if pair["warned"]:
            return "awsmfa warns that the AWS CLI will not read a file it reads"
        return "the AWS CLI refuses a file awsmfa reads without a warning"
    if before is None:
        return None  # the AWS CLI does not read it now: nothing to keep
    after = read(pair["after"], folder)
    if after is None:
        return "the AWS CLI read the file before the edit and refuses it after"
    name = pair["name"]
    section = after.get(name)
    if section is None:
        return f"the AWS CLI finds no [{name}] after the edit"
    for key, value in pair["values"]:
        if section.get(key.lower()) != value:
            return f"the AWS CLI reads {key} of [{name}] as {section.get(key.lower())!r}, not {value!r}"
    moved_from = pair.get("moved_from")
    if moved_from is not None:
        # A move: the keys left the section they came from, which keeps everything else.
        keys = {key.lower() for key, _ in pair["values"]}
        kept = lambda parsed: {
            k: v for k, v in parsed.get(moved_from, {}).items() if k not in keys
        }
        if set(after.get(moved_from, {})) & keys:
            return f"[{moved_from}] still holds a moved key after the move"
        if kept(before) != kept(after):
            return f"the AWS CLI reads the rest of [{moved_from}] differently after the move"
    edited = {name, moved_from}
    others = lambda parsed: {k: v for k, v in parsed.items() if k not in edited}
    if others(before) != others(after):
        return "the AWS CLI reads the other sections differently after the edit"
    return None


def main():
    checked = read_before = 0
    lines = sys.stdin.readlines()  # all of it first: the writer never meets a closed pipe
    with tempfile.TemporaryDirectory() as folder:
        for line in lines:
            pair = json.loads(line)
            checked += 1
            what = problem(pair, folder)
            if read(pair["before"], folder) is not None:
                read_before += 1
            if what:
                print(f"{what}:\nbefore: {pair['before']!r}\nafter:  {pair['after']!r}")
                sys.exit(1)
    print(f"{checked} edits checked, {read_before} of files the AWS CLI reads")


if __name__ == "__main__":
    main()
