"""The icons: one per status awsmfa reports, drawn by draw-icons.py and committed."""

import subprocess
import sys

import pytest
from PIL import Image

from testbed import WORKFLOW

ICONS = ["icon.png", "icons/valid.png", "icons/expiring.png", "icons/expired.png", "icons/no_session.png", "icons/error.png"]


@pytest.mark.parametrize("name", ICONS)
def test_icon_is_a_256px_png(name):
    with Image.open(WORKFLOW / name) as image:
        assert image.format == "PNG"
        assert image.size == (256, 256)
        assert image.mode == "RGBA"
        assert image.getextrema()[3][1] == 255, "something is drawn"


def test_committed_icons_are_what_the_script_draws(tmp_path):
    subprocess.run([sys.executable, str(WORKFLOW / "draw-icons.py"), str(tmp_path)], check=True, capture_output=True)
    for name in ICONS:
        with Image.open(WORKFLOW / name) as committed, Image.open(tmp_path / name) as drawn:
            assert committed.tobytes() == drawn.tobytes(), f"{name} differs: run alfred-workflow/draw-icons.py"


def test_statuses_look_different():
    pixels = {}
    for name in ICONS[1:]:
        with Image.open(WORKFLOW / name) as image:
            pixels[name] = image.tobytes()
    assert len(set(pixels.values())) == len(pixels)
