"""Fixtures for the Alfred workflow's tests.

Real parts only: the awsmfa binary (AWSMFA_BIN, default target/debug/awsmfa), the fake
1Password CLI the Rust tests use (tests/support/fake-op, which behaves like `op`), a moto STS
server on loopback (AWSMFA_TEST_STS_URL, or one started here), and a scratch HOME with AWS
profiles. `alfred` is an alfred_runtime.Alfred wired to all of them.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import pytest

from alfred_runtime import Alfred, scratch_environment
from testbed import CONFIG, CREDENTIALS, REPO, TESTS, WORKFLOW


def _executable(path, what, how):
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"{what} {path} is not an executable file: {how}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def awsmfa_bin():
    path = Path(os.environ.get("AWSMFA_BIN") or REPO / "target" / "debug" / "awsmfa")
    return _executable(path, "AWSMFA_BIN", "build awsmfa with `cargo build` or point AWSMFA_BIN at it")


@pytest.fixture(scope="session")
def fake_op():
    return _executable(REPO / "tests" / "support" / "fake-op", "the fake 1Password CLI", "it comes with the repository")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def sts_url(tmp_path_factory):
    """A moto STS endpoint: AWSMFA_TEST_STS_URL, or a moto server started for this run."""
    url = os.environ.get("AWSMFA_TEST_STS_URL")
    if url:
        yield url.rstrip("/")
        return
    try:
        import moto.server  # noqa: F401
    except ImportError:
        pytest.fail("AWSMFA_TEST_STS_URL is not set and moto[server] is not installed to start one", pytrace=False)
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"moto server did not start on {url}: {log.read_text()}", pytrace=False)
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def home(tmp_path):
    """A HOME with ~/.aws/config and ~/.aws/credentials for `work` and `staging`."""
    home = tmp_path / "home"
    aws = home / ".aws"
    aws.mkdir(parents=True)
    (aws / "config").write_text(CONFIG)
    (aws / "credentials").write_text(CREDENTIALS)
    (aws / "credentials").chmod(0o600)
    return home


@pytest.fixture
def alfred(tmp_path, home, awsmfa_bin, fake_op, sts_url):
    """Alfred with the workflow installed from this folder, configured to use AWSMFA_BIN and
    the fake `op`, talking to moto."""
    # moto answers IAM too: setup's device list asks IAM for the MFA devices of the keys.
    extra = {"AWS_ENDPOINT_URL_STS": sts_url, "AWS_ENDPOINT_URL_IAM": sts_url}
    # awsmfa reaches a keychain only in the private D-Bus session ./scripts/test starts
    # (scripts/lib/keyring-session marks it), never this machine's own.
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if bus and os.environ.get("AWSMFA_TEST_SESSION") == bus:
        extra["DBUS_SESSION_BUS_ADDRESS"] = bus
    else:
        # No keychain at all, not this machine's own (a Mac's needs no bus).
        extra["AWSMFA_KEYCHAIN"] = "off"
    return Alfred(
        WORKFLOW,
        scratch_environment(home, extra),
        {"awsmfa_path": str(awsmfa_bin), "awsmfa_op_path": str(fake_op)},
        data_dir=tmp_path / "alfred" / "data",
        cache_dir=tmp_path / "alfred" / "cache",
    )


def _validator(name):
    with open(TESTS / name) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="session")
def script_filter_schema():
    return _validator("alfred-script-filter.schema.json")


@pytest.fixture(scope="session")
def run_script_schema():
    return _validator("alfred-run-script.schema.json")


@pytest.fixture
def workflow_copy(tmp_path):
    """The workflow's files copied to a folder of their own, as Alfred installs them."""
    folder = tmp_path / "installed-workflow"
    folder.mkdir()
    for name in ("info.plist", "icon.png", "awsmfa-alfred.sh", "awsmfa-alfred-list"):
        shutil.copy2(WORKFLOW / name, folder / name)
    shutil.copytree(WORKFLOW / "icons", folder / "icons")
    return folder

