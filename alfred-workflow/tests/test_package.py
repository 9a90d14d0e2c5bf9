"""package.sh: the .alfredworkflow Alfred installs."""

import os
import plistlib
import re
import shutil
import stat
import subprocess
import zipfile

import pytest

from alfred_runtime import Workflow
from testbed import REPO, WORKFLOW

CONTENTS = {
    "info.plist",
    "icon.png",
    "icons/",
    "icons/valid.png",
    "icons/expiring.png",
    "icons/expired.png",
    "icons/no_session.png",
    "icons/error.png",
    "awsmfa-alfred.sh",
    "awsmfa-alfred-list",
    "awsmfa",
}


def cargo_version():
    text = (REPO / "Cargo.toml").read_text()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    return re.search(r'^version\s*=\s*"([^"]+)"', package, re.M).group(1)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, awsmfa_bin):
    """A copy of awsmfa to package, so a rebuild during the run cannot change it."""
    copy = tmp_path_factory.mktemp("binary") / "awsmfa"
    shutil.copy2(awsmfa_bin, copy)
    return copy


@pytest.fixture(scope="module")
def package(tmp_path_factory, bundled):
    """The workflow packaged once for this module (zipping a debug build takes seconds)."""
    tmp_path = tmp_path_factory.mktemp("package")
    out = tmp_path / "dist" / "awsmfa.alfredworkflow"
    proc = subprocess.run(
        ["bash", str(WORKFLOW / "package.sh"), str(bundled), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{out} (awsmfa {cargo_version()})"
    return out


def test_zip_layout_and_run_bits(package, bundled):
    with zipfile.ZipFile(package) as zf:
        infos = {info.filename: info for info in zf.infolist()}
        assert set(infos) == CONTENTS, "info.plist at the root, nothing else but the workflow's files"
        for name, info in infos.items():
            mode = info.external_attr >> 16
            assert info.create_system == 3, f"{name}: made on Unix, so Alfred reads the modes"
            if name.endswith("/"):
                assert stat.S_ISDIR(mode)
            elif name in ("awsmfa", "awsmfa-alfred.sh", "awsmfa-alfred-list"):
                assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o755, f"{name}: {oct(mode)}"
            else:
                assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o644, f"{name}: {oct(mode)}"
        assert zf.read("awsmfa") == bundled.read_bytes()
        for script in ("awsmfa-alfred.sh", "awsmfa-alfred-list"):
            assert zf.read(script) == (WORKFLOW / script).read_bytes()
        packed = plistlib.loads(zf.read("info.plist"))
    source = plistlib.loads((WORKFLOW / "info.plist").read_bytes())
    assert packed["version"] == cargo_version()
    assert {**packed, "version": None} == {**source, "version": None}


def test_installed_package_finds_its_bundled_awsmfa(package, tmp_path, alfred, script_filter_schema):
    installed = tmp_path / "installed"
    subprocess.run(["unzip", "-q", str(package), "-d", str(installed)], check=True)
    alfred.workflow = Workflow(installed)
    alfred.configuration["awsmfa_path"] = ""
    result = alfred.type("aws mfa")
    assert not list(script_filter_schema.iter_errors(result.json))
    assert result.item("work")["arg"] == "work"


def test_a_release_names_the_tap_it_publishes(tmp_path, bundled, alfred):
    """The release packages with AWSMFA_TAP (OWNER/tap): the workflow's messages then say
    `brew install OWNER/tap/awsmfa`; nothing else of the entry script changes."""
    out = tmp_path / "awsmfa.alfredworkflow"
    env = dict(os.environ, AWSMFA_TAP="acme/tap")
    proc = subprocess.run(
        ["bash", str(WORKFLOW / "package.sh"), str(bundled), str(out)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    installed = tmp_path / "installed"
    subprocess.run(["unzip", "-q", str(out), "-d", str(installed)], check=True)
    packed = (installed / "awsmfa-alfred.sh").read_text().splitlines()
    source = (WORKFLOW / "awsmfa-alfred.sh").read_text().splitlines()
    changed = [(a, b) for a, b in zip(source, packed) if a != b]
    assert changed == [("brew_install='brew install awsmfa/tap/awsmfa'", "brew_install='brew install acme/tap/awsmfa'")]
    assert len(packed) == len(source)
    # As a person sees it: the bundled awsmfa gone, the list says where to get it.
    (installed / "awsmfa").unlink()
    alfred.workflow = Workflow(installed)
    alfred.configuration["awsmfa_path"] = ""
    (item,) = alfred.type("aws mfa").items()
    assert "brew install acme/tap/awsmfa" in item["subtitle"]


def test_refuses_a_tap_that_is_no_tap_name(tmp_path, bundled):
    env = dict(os.environ, AWSMFA_TAP="acme/tap; rm -rf /")
    proc = subprocess.run(
        ["bash", str(WORKFLOW / "package.sh"), str(bundled), str(tmp_path / "out.alfredworkflow")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1
    assert "is not a Homebrew tap name" in proc.stderr
    assert not (tmp_path / "out.alfredworkflow").exists()


def test_refuses_a_missing_binary(tmp_path):
    proc = subprocess.run(
        ["bash", str(WORKFLOW / "package.sh"), str(tmp_path / "nothing"), str(tmp_path / "out.alfredworkflow")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "is not a file: build awsmfa first" in proc.stderr
    assert not (tmp_path / "out.alfredworkflow").exists()


def test_usage(tmp_path):
    proc = subprocess.run(["bash", str(WORKFLOW / "package.sh")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: alfred-workflow/package.sh BINARY [OUT]")
