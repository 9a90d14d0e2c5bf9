"""The functions of awsmfa that the hot commands run, from callgrind (see scripts/hot-symbols).

Also used by scripts/bench: `code_blocks` counts the pages and 64 KiB blocks of the binary's
code a command runs."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

SERVED = "account-001"


def hot_commands():
    """The command lines on the hot paths, each with its arguments."""
    return [
        ["list", "--format", "alfred"],
        ["list", "--format", "alfred", "--", "acc 12"],
        ["list", "--format", "alfred", "--with-typed-code", "--", "acc"],
        ["list", "--format", "json"],
        ["list"],
        ["status", SERVED, "--format", "alfred"],
        ["status", SERVED, "--format", "json"],
        ["status", SERVED],
        ["credential-process", SERVED],
    ]


def env_for(home: Path):
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "AWSMFA_CACHE_DIR": str(home / "cache"),
        "AWSMFA_REMINDERS": "off",
        "LANG": "C.UTF-8",
    }


def callgrind(binary, args, env, out, *extra):
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *extra, str(binary), *args],
        env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def lines_of(path, binary_name):
    """The lines of a callgrind output file after its object lines, each with whether it is
    about the binary's own code (callgrind names each object once, as `ob=(N) path` or
    `cob=(N) path`, and refers to it by number after that)."""
    objects, current = {}, None
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^c?ob=\((\d+)\)(?: (.*))?", line)
        if m:
            if m.group(2):
                objects[m.group(1)] = m.group(2).strip()
            if line.startswith("ob="):
                current = objects.get(m.group(1))
            continue
        yield line, bool(current and current.endswith("/" + binary_name))


def functions_run(path, binary_name):
    """Mangled names of the binary's functions with instructions run, in the file's order."""
    names, order, seen = {}, [], set()
    for line, own in lines_of(path, binary_name):
        # A name is given once, where the function first appears (`fn=` or a call's `cfn=`).
        m = re.match(r"^c?fn=\((\d+)\)(?: (.*))?", line)
        if m:
            if m.group(2):
                names[m.group(1)] = m.group(2).strip()
            name = names.get(m.group(1))
            if line.startswith("fn=") and own and name and name not in seen:
                seen.add(name)
                order.append(name)
    return order


def code_blocks(binary, args, env):
    """Pages (4 KiB) and blocks (64 KiB, what the kernel maps around a page it faults in) of
    the binary's code that one run executes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        callgrind(binary, args, env, out, "--dump-instr=yes")
        address, pages = 0, set()
        for line, own in lines_of(out, Path(binary).name):
            # A position may be relative to the one before it, in whichever object.
            if line[:1] in "0123456789+-*":
                token = line.split()[0]
                if token.startswith("0x"):
                    address = int(token, 16)
                elif token[0] == "+":
                    address += int(token[1:])
                elif token[0] == "-":
                    address -= int(token[1:])
                if own:
                    pages.add(address >> 12)
        return len(pages), len({page >> 4 for page in pages})


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench  # the bench's homes (bench imports this module for code_blocks)

    binary, target = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    order, seen = [], set()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        bench.home_with_profiles(home)
        env = env_for(home)
        for i, args in enumerate(hot_commands()):
            out = Path(tmp) / f"cg{i}.out"
            callgrind(binary, args, env, out, "--demangle=no")
            for name in functions_run(out, binary.name):
                if name not in seen:
                    seen.add(name)
                    order.append(name)
    target.write_text("".join(f"{name}\n" for name in order))
    print(f"{target}: {len(order)} functions")


if __name__ == "__main__":
    main()
