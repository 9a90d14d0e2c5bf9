"""The measurements behind the README's "Performance" section (run by scripts/bench).

Wall times on a shared machine are noisy: commands compared with each other run alternately,
side by side, and each gets its median. Instruction counts (valgrind's callgrind) do not move
from run to run; they are the numbers to compare across changes."""

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hot_symbols import code_blocks

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target/release/awsmfa"
BENCH_BIN = ROOT / ".venv-bench/bin"
PROFILES = 200
# Profiles of the larger home, for instructions per byte of the AWS files.
MANY_PROFILES = 1000
WORKFLOW = ROOT / "alfred-workflow"
SOURCE_KEYS = (
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
)


def peak_rss_kib(argv, env, stdin=None):
    """Peak RSS of `argv` as GNU time reports it. (wait4's ru_maxrss would also count the
    pages of the Python process the child was forked from, before its exec.)"""
    with tempfile.NamedTemporaryFile("r") as out:
        run_once(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv], env, stdin)
        return int(out.read().split()[-1])


def run_once(argv, env, stdin=None):
    """Wall seconds and process (user+sys) seconds of one run, children included."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin:
        proc.stdin.write(stdin.encode())
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"error: {' '.join(map(str, argv))} failed ({code}): {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime


def side_by_side(commands, env, runs):
    """Runs each (name, argv[, stdin]) in turn, `runs` rounds: median wall and process time
    per name, plus the largest peak RSS (KiB) of a few extra runs under GNU time."""
    commands = [(c[0], c[1], c[2] if len(c) > 2 else None) for c in commands]
    walls = {name: [] for name, _, _ in commands}
    cpus = {name: [] for name, _, _ in commands}
    for _ in range(runs):
        for name, argv, stdin in commands:
            wall, cpu = run_once(argv, env, stdin)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: (
            statistics.median(walls[name]),
            statistics.median(cpus[name]),
            max(peak_rss_kib(argv, env, stdin) for _ in range(5)),
        )
        for name, argv, stdin in commands
    }


def instructions(argv, env, cwd=None):
    """Instructions `argv` executes, its children included (callgrind, one file per
    process, summed)."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--trace-children=yes",
             f"--callgrind-out-file={out}/cg.%p", *argv],
            env=env, cwd=cwd, check=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        total = 0
        for file in Path(out).iterdir():
            for line in file.read_text().splitlines():
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
        return total


def millions(n):
    return f"{n / 1e6:.2f} M"


def crate_versions(*target):
    """Crate versions in the normal dependency tree (awsmfa itself included)."""
    out = subprocess.run(
        ["cargo", "tree", "-e", "normal", "--prefix", "none", "--format", "{p}", *target],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return len({line.split(" (")[0] for line in out.splitlines() if line.strip()})


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def home_with_profiles(root: Path, profiles=PROFILES):
    aws = root / ".aws"
    aws.mkdir(parents=True)
    config, credentials = [], [f"# {profiles} MFA profiles\n"]
    for i in range(profiles):
        name = f"account-{i:03d}"
        config.append(f"[profile {name}]\nregion = eu-west-1\nawsmfa_op_item = AWS {name}\n"
                      f"mfa_serial = arn:aws:iam::123456789012:mfa/{name}\n")
        credentials.append(f"[{name}-mfa]\n{SOURCE_KEYS}")
        if i % 3:
            credentials.append(
                f"[{name}]\naws_access_key_id = ASIA{i}\naws_secret_access_key = s\n"
                f"aws_session_token = t\nx_security_token_expires = 2030-01-01T{i % 24:02d}:00:00Z\n")
        credentials.append(f"[{name}-long-term]\n{SOURCE_KEYS}aws_mfa_device = arn:aws:iam::123456789012:mfa/{name}\n")
    (aws / "config").write_text("".join(config))
    (aws / "credentials").write_text("".join(credentials))
    os.chmod(aws / "credentials", 0o600)
    return aws


def start_sts():
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests/support/sts_server.py")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        sys.exit("error: moto's STS server did not start")
    return proc, url


ORIGINAL_PIPELINE = r"""
set -euo pipefail
read -r code
out=$(aws sts get-session-token --profile "$1-mfa" --serial-number "$2" --token-code "$code" \
      --duration-seconds 43200 --output text \
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
read -r key secret token <<<"$out"
aws configure set aws_access_key_id "$key" --profile "$1"
aws configure set aws_secret_access_key "$secret" --profile "$1"
aws configure set aws_session_token "$token" --profile "$1"
"""


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    login_runs = max(5, runs // 7)
    tmp = Path(tempfile.mkdtemp(prefix="awsmfa-bench-"))
    try:
        home_with_profiles(tmp)
        env = {
            "HOME": str(tmp),
            "PATH": f"{BENCH_BIN}:/usr/bin:/bin",
            "AWSMFA_CACHE_DIR": str(tmp / "cache"),
            "AWSMFA_REMINDERS": "off",
            "AWS_EC2_METADATA_DISABLED": "true",
            "LANG": "C.UTF-8",
        }
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
        print(f"binary: {BINARY} ({BINARY.stat().st_size / 1024 / 1024:.2f} MiB, release, LTO, stripped)")
        print(f"crate versions in the normal dependency tree: Linux {crate_versions()}, "
              f"macOS {crate_versions('--target', 'aarch64-apple-darwin')}")
        print()

        # A valid session to serve: account-001 has one until 2030.
        served = "account-001"
        commands = [
            ("/bin/true", ["/bin/true"]),
            ("awsmfa list --format alfred", [str(BINARY), "list", "--format", "alfred"]),
            (f"awsmfa status {served} --format alfred", [str(BINARY), "status", served, "--format", "alfred"]),
            (f"awsmfa credential-process {served}", [str(BINARY), "credential-process", served]),
            ("awsmfa --version (start-up alone)", [str(BINARY), "--version"]),
        ]
        results = side_by_side(commands, env, runs)
        true_wall = results["/bin/true"][0]
        many = tmp / "many"
        many_aws = home_with_profiles(many, MANY_PROFILES)
        many_env = dict(env, HOME=str(many), AWSMFA_CACHE_DIR=str(many / "cache"))
        many_bytes = sum((many_aws / f).stat().st_size for f in ("config", "credentials"))
        print(f"## {PROFILES} profiles, {runs} rounds side by side; instructions at {PROFILES} and "
              f"{MANY_PROFILES} profiles ({many_bytes} bytes of AWS files)")
        print("| command | median wall | × /bin/true | median process time | peak RSS "
              f"| instructions | instructions at {MANY_PROFILES} | per byte at {MANY_PROFILES} |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, argv in commands:
            wall, cpu, rss = results[name]
            count = instructions(argv, env)
            at_many = instructions(argv, many_env) if name.startswith("awsmfa ") and "version" not in name else None
            print(f"| {name} | {ms(wall)} | {wall / true_wall:.2f} | {ms(cpu)} | {rss / 1024:.1f} MiB "
                  f"| {millions(count)} | {millions(at_many) if at_many else ''} "
                  f"| {f'{at_many / many_bytes:.1f}' if at_many else ''} |")
        print()

        # How much of the binary's code the hot commands run, and how many 64 KiB blocks the
        # kernel maps for it (what build.rs's layout of the hot functions is for).
        print(f"## Code run, {PROFILES} profiles (pages of 4 KiB; blocks of 64 KiB, which the "
              "kernel maps around each page first run)")
        print("| command | pages | blocks |")
        print("| --- | --- | --- |")
        for name, argv in commands:
            if name.startswith("awsmfa "):
                pages, blocks = code_blocks(argv[0], argv[1:], env)
                print(f"| {name} | {pages} | {blocks} |")
        print()

        # Alfred's keystroke: the Script Filter as Alfred runs it (the External Script, which
        # finds the awsmfa bundled in the workflow), beside awsmfa alone.
        workflow = tmp / "workflow"
        shutil.copytree(WORKFLOW, workflow, ignore=shutil.ignore_patterns("tests", "__pycache__"))
        shutil.copy2(BINARY, workflow / "awsmfa")
        keystroke = instructions([str(workflow / "awsmfa-alfred-list"), ""], env, cwd=workflow)
        wrapped = instructions(["/bin/bash", "./awsmfa-alfred.sh", "list", ""], env, cwd=workflow)
        alone = instructions([str(workflow / "awsmfa"), "list", "--format", "alfred"], env)
        print(f"## Alfred keystroke, {PROFILES} profiles (instructions, every process counted)")
        print("| path | instructions | × awsmfa alone |")
        print("| --- | --- | --- |")
        print(f"| awsmfa list --format alfred alone | {millions(alone)} | 1.00 |")
        print(f"| Script Filter: awsmfa-alfred-list (dash) | {millions(keystroke)} | {keystroke / alone:.2f} |")
        print(f"| the bash wrapper (awsmfa-alfred.sh list, the rare path) | {millions(wrapped)} | {wrapped / alone:.2f} |")
        print()

        sts, url = start_sts()
        try:
            env_sts = dict(env, AWS_ENDPOINT_URL_STS=url, AWS_DEFAULT_REGION="us-east-1")
            serial = "arn:aws:iam::123456789012:mfa/account-001"
            script = tmp / "original.sh"
            script.write_text(ORIGINAL_PIPELINE)
            tools = [
                ("awsmfa login (this tool)", [str(BINARY), "login", "account-001", "--code", "123456"]),
                ("aws-mfa 0.0.12 (Python, boto3)",
                 [str(BENCH_BIN / "aws-mfa"), "--profile", "account-001", "--device", serial,
                  "--duration", "43200", "--force"], "123456\n"),
                ("original shell pipeline (4 aws CLI calls)",
                 ["/bin/bash", str(script), "account-002", serial], "123456\n"),
            ]
            logins = side_by_side(tools, env_sts, login_runs)
        finally:
            sts.stdin.close()
            sts.wait(timeout=10)
        print(f"## login against moto's STS on 127.0.0.1, code given, {login_runs} rounds side by side")
        print("| tool | median wall | median process time | × awsmfa's process time | peak RSS |")
        print("| --- | --- | --- | --- | --- |")
        ours = logins["awsmfa login (this tool)"][1]
        for name, (wall, cpu, rss) in logins.items():
            print(f"| {name} | {ms(wall)} | {ms(cpu)} | {cpu / ours:.1f} | {rss / 1024:.1f} MiB |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
