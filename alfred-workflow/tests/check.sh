#!/bin/bash
# Tests the Alfred workflow: info.plist, the entry script and packaging, and - with the real
# awsmfa binary, the fake 1Password CLI and a moto STS server - what a person sees in Alfred.
#
#   bash alfred-workflow/tests/check.sh [PYTEST ARGS…]
#
# Environment:
#   AWSMFA_BIN            the awsmfa to test (default: target/debug/awsmfa)
#   AWSMFA_TEST_STS_URL   a running moto server (default: the tests start one)
# Python: the python3 on PATH needs pytest, jsonschema, Pillow and moto[server]
# (requirements-test.txt).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

python=$(command -v python3) || {
    echo "alfred-workflow/tests/check.sh: python3 is not on PATH" >&2
    exit 1
}
if ! "$python" -c 'import jsonschema, moto.server, PIL, pytest' 2>/dev/null; then
    echo "alfred-workflow/tests/check.sh: $python lacks pytest, jsonschema, Pillow or moto[server]:" >&2
    echo "  put the project's .venv on PATH, or: $python -m pip install -r $repo/requirements-test.txt" >&2
    exit 1
fi

export AWSMFA_BIN=${AWSMFA_BIN:-$repo/target/debug/awsmfa}
if [[ ! -x "$AWSMFA_BIN" ]]; then
    echo "alfred-workflow/tests/check.sh: AWSMFA_BIN=$AWSMFA_BIN is not an executable: build it with cargo build" >&2
    exit 1
fi

cd "$here"
PYTHONDONTWRITEBYTECODE=1 exec "$python" -m pytest -p no:cacheprovider -rs "$@"
