#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (fuzz/seeds/<target>/) from the corpus of real-world
shaped files in src/ini/corpus.rs (`CORPUS`), so both stay one list.

    python3 fuzz/make_seeds.py

parse/<label>: the file as it is.
edit/<label>-<n>: the 4 control bytes of `Edit::decode` (fuzz/src/lib.rs), then the file;
some seeds go on with a NUL and an extra `NAME\\x01KEY\\x01VALUE`.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src/ini/corpus.rs"
SEEDS = ROOT / "fuzz/seeds"

# (control bytes, extra after NUL or None): target a section of the file / a name of the
# table; set every key / some; remove some; short, empty, long and odd values.
EDITS = [
    (bytes([0x00, 0x0F, 0x03, 0x00]), None),
    (bytes([0x01, 0x3F, 0xFF, 0x00]), None),
    (bytes([0x80, 0x4F, 0x00, 0x00]), None),
    (bytes([0x83, 0x87, 0x10, 0x00]), None),
    (bytes([0x02, 0xC1, 0x40, 0x00]), None),
    (bytes([0x00, 0x01, 0x00, 0x03]), "work\x01note\x01keep = me"),
]


def rust_string(literal: str) -> str:
    """The value of a Rust string literal's body (the escapes the corpus uses)."""
    out, i = [], 0
    while i < len(literal):
        c = literal[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = literal[i + 1]
        if nxt == "u":
            end = literal.index("}", i)
            out.append(chr(int(literal[i + 3 : end], 16)))
            i = end + 1
        elif nxt == "\n":  # a line continuation: skip the line end and leading spaces
            i += 2
            while i < len(literal) and literal[i] in " \t":
                i += 1
        else:
            out.append({"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "0": "\0"}[nxt])
            i += 2
    return "".join(out)


def corpus():
    source = SOURCE.read_text(encoding="utf-8")
    block = source[source.index("const CORPUS") : source.index("];", source.index("const CORPUS"))]
    pairs = re.findall(r'\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.|\\\n)*)",?\s*\)', block, re.S)
    if not pairs:
        sys.exit(f"no corpus found in {SOURCE}")
    return [(rust_string(label), rust_string(text)) for label, text in pairs]


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "empty"


def main():
    for target in ("parse", "edit"):
        folder = SEEDS / target
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    entries = corpus()
    for label, text in entries:
        data = text.encode("utf-8")
        (SEEDS / "parse" / slug(label)).write_bytes(data)
        for n, (control, extra) in enumerate(EDITS):
            seed = control + data
            if extra is not None:
                seed += b"\0" + extra.encode("utf-8")
            (SEEDS / "edit" / f"{slug(label)}-{n}").write_bytes(seed)
    print(f"{len(entries)} files -> {len(entries)} parse seeds, {len(entries) * len(EDITS)} edit seeds")


if __name__ == "__main__":
    main()
