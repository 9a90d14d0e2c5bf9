"""What the AWS CLI (botocore's Session, as the AWS CLI v1 and boto3 use it) reads from a pair
of AWS files: every profile it finds and each profile's settings, credentials file merged over
config file.

Reads JSON lines from stdin, each {"config": TEXT or null, "credentials": TEXT or null} (null:
the file does not exist), and prints one JSON line for each: {"profiles": {NAME: {KEY: VALUE}}},
or {"error": MESSAGE} when botocore refuses a file. A nested value (`s3 =` then indented
`name = value` lines), which botocore reads as a dict, is written the way the SDKs' shared
profile-file tests write it: a line break, then `name = value` lines.

    python3 botocore_profiles.py < cases.jsonl
"""

import json
import os
import sys
import tempfile

import botocore.session
from botocore.exceptions import BotoCoreError


def flat(value):
    if isinstance(value, dict):
        return "".join(f"\n{key} = {inner}".rstrip() for key, inner in value.items())
    return value


def read(case, folder):
    session = botocore.session.Session()
    for variable, name in (("config_file", "config"), ("credentials_file", "credentials")):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            os.remove(path)
        if case[name] is not None:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(case[name])
        session.set_config_variable(variable, path)
    try:
        profiles = session.full_config["profiles"]
    except (BotoCoreError, UnicodeDecodeError) as e:
        return {"error": str(e)}
    return {
        "profiles": {
            name: {key: flat(value) for key, value in settings.items()}
            for name, settings in profiles.items()
        }
    }


def main():
    lines = sys.stdin.readlines()  # all of it first: the writer never meets a closed pipe
    with tempfile.TemporaryDirectory() as folder:
        for line in lines:
            print(json.dumps(read(json.loads(line), folder)))


if __name__ == "__main__":
    main()
