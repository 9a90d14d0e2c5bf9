#!/usr/bin/env python3
"""Draws the Alfred workflow's icons: icon.png and one icon per session status.

    python3 alfred-workflow/draw-icons.py [FOLDER]

writes icon.png and icons/{valid,expiring,expired,no_session,error}.png into FOLDER
(default: the folder this script is in). The drawing is plain geometry at 4x size scaled down
with Lanczos, so the same Pillow version draws the same pixels; the tests redraw the icons and
compare pixels with the committed PNGs. Needs Pillow.
"""

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256  # what Alfred shows in result rows (and on Retina at 2x for the 128 pt icon)
SCALE = 4  # draw at 4x, then scale down: smooth edges without anti-aliasing support
S = SIZE * SCALE

GREEN = (46, 160, 67)
AMBER = (212, 145, 30)
RED = (207, 34, 46)
GREY = (110, 119, 129)
NAVY = (35, 47, 62)
ORANGE = (255, 153, 0)
WHITE = (255, 255, 255)


def canvas():
    return Image.new("RGBA", (S, S), (0, 0, 0, 0))


def finish(image):
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def px(fraction):
    """A length given as a fraction of the icon's side, in drawing pixels."""
    return round(fraction * S)


def disc(draw, colour):
    """The round badge every status icon sits on, with a slightly darker rim."""
    rim = tuple(round(c * 0.8) for c in colour)
    draw.ellipse((px(0.04), px(0.04), px(0.96), px(0.96)), fill=rim)
    draw.ellipse((px(0.07), px(0.07), px(0.93), px(0.93)), fill=colour)


def thick_line(draw, points, width):
    """A polyline with round joints and caps: a disc stamped every pixel along the path."""
    r = width / 2
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        steps = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0)))
        for i in range(steps + 1):
            x, y = x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps
            draw.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)


def valid():
    image = canvas()
    draw = ImageDraw.Draw(image)
    disc(draw, GREEN)
    thick_line(draw, [(px(0.29), px(0.52)), (px(0.44), px(0.67)), (px(0.72), px(0.36))], px(0.09))
    return finish(image)


def clock(colour):
    image = canvas()
    draw = ImageDraw.Draw(image)
    disc(draw, colour)
    c = S / 2
    draw.ellipse((px(0.22), px(0.22), px(0.78), px(0.78)), outline=WHITE, width=px(0.06))
    # hands at ten to two: the minute hand long, the hour hand short
    for angle, length in ((-60, 0.15), (-150, 0.11)):
        a = math.radians(angle)
        end = (c + math.cos(a) * px(length), c + math.sin(a) * px(length))
        thick_line(draw, [(c, c), end], px(0.055))
    return finish(image)


def no_session():
    """A key: nothing to use yet, log in to get one."""
    image = canvas()
    draw = ImageDraw.Draw(image)
    disc(draw, GREY)
    # bow (a ring) on the left, blade to the right with two teeth
    draw.ellipse((px(0.18), px(0.35), px(0.48), px(0.65)), outline=WHITE, width=px(0.075))
    draw.rectangle((px(0.46), px(0.46), px(0.82), px(0.54)), fill=WHITE)
    draw.rectangle((px(0.64), px(0.53), px(0.71), px(0.65)), fill=WHITE)
    draw.rectangle((px(0.75), px(0.53), px(0.82), px(0.62)), fill=WHITE)
    return finish(image)


def error():
    """A warning triangle with an exclamation mark."""
    image = canvas()
    draw = ImageDraw.Draw(image)
    rim = tuple(round(c * 0.8) for c in RED)
    draw.polygon([(S / 2, px(0.06)), (px(0.97), px(0.90)), (px(0.03), px(0.90))], fill=rim)
    draw.polygon([(S / 2, px(0.12)), (px(0.91), px(0.865)), (px(0.09), px(0.865))], fill=RED)
    thick_line(draw, [(S / 2, px(0.36)), (S / 2, px(0.60))], px(0.085))
    r = px(0.05)
    draw.ellipse((S / 2 - r, px(0.74) - r, S / 2 + r, px(0.74) + r), fill=WHITE)
    return finish(image)


def shield_outline(cx, top, width, height, steps=64):
    """Points of a shield: a top that dips in the middle, sides that curve into a point."""
    half = width / 2
    shoulder = top + height * 0.30
    tip = top + height
    points = []
    for i in range(steps + 1):  # top edge, left to right, dipping a little in the middle
        t = i / steps
        points.append((cx - half + width * t, top + height * 0.06 * math.sin(t * math.pi)))
    for i in range(1, steps + 1):  # right side: straight to the shoulder, then curving to the tip
        t = i / steps
        y = shoulder + (tip - shoulder) * t
        points.append((cx + half * math.cos(t * math.pi / 2) ** 0.8, y))
    for i in range(steps, 0, -1):  # left side back up
        t = i / steps
        y = shoulder + (tip - shoulder) * t
        points.append((cx - half * math.cos(t * math.pi / 2) ** 0.8, y))
    points.append((cx - half, shoulder))
    return points


def workflow_icon():
    """Navy rounded square, orange shield, white keyhole: a protected AWS session."""
    image = canvas()
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((px(0.04), px(0.04), px(0.96), px(0.96)), radius=px(0.2), fill=NAVY)
    draw.polygon(shield_outline(S / 2, px(0.16), px(0.56), px(0.68)), fill=ORANGE)
    r = px(0.075)
    cy = px(0.43)
    draw.ellipse((S / 2 - r, cy - r, S / 2 + r, cy + r), fill=NAVY)
    draw.polygon([(S / 2 - px(0.04), cy), (S / 2 + px(0.04), cy), (S / 2 + px(0.06), px(0.62)), (S / 2 - px(0.06), px(0.62))], fill=NAVY)
    return finish(image)


ICONS = {
    "icon.png": workflow_icon,
    "icons/valid.png": valid,
    "icons/expiring.png": lambda: clock(AMBER),
    "icons/expired.png": lambda: clock(RED),
    "icons/no_session.png": no_session,
    "icons/error.png": error,
}


def main(argv):
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    for name, draw in ICONS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        draw().save(path, optimize=True)
        print(path)


if __name__ == "__main__":
    main(sys.argv)
