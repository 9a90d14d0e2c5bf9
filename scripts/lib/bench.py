"""The measurements behind the README's "Performance" section (run by scripts/bench)."""

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target/release/awsmfa"
BENCH_BIN = ROOT / ".venv-bench/bin"
PROFILES = 200
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


def measure(argv, env, runs, stdin=None):
    """Median wall and process time over `runs`, and the largest peak RSS (KiB) of a few
    extra runs under GNU time."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = run_once(argv, env, stdin)
        walls.append(wall)
        cpus.append(cpu)
    rss = max(peak_rss_kib(argv, env, stdin) for _ in range(5))
    return statistics.median(walls), statistics.median(cpus), rss


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def home_with_profiles(root: Path):
    aws = root / ".aws"
    aws.mkdir(parents=True)
    config, credentials = [], ["# 200 MFA profiles\n"]
    for i in range(PROFILES):
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
        aws = home_with_profiles(tmp)
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
        print()
        true_wall, true_cpu, true_rss = measure(["/bin/true"], env, runs)
        list_wall, list_cpu, list_rss = measure([str(BINARY), "list", "--format", "alfred"], env, runs)
        print(f"## list --format alfred, {PROFILES} profiles, {runs} runs")
        print("| command | median wall | median process time | peak RSS |")
        print("| --- | --- | --- | --- |")
        print(f"| /bin/true | {ms(true_wall)} | {ms(true_cpu)} | {true_rss / 1024:.1f} MiB |")
        print(f"| awsmfa list --format alfred | {ms(list_wall)} | {ms(list_cpu)} | {list_rss / 1024:.1f} MiB |")
        version_wall, _, _ = measure([str(BINARY), "--version"], env, runs)
        print(f"| awsmfa --version (start-up alone) | {ms(version_wall)} | | |")
        print(f"ratio to /bin/true (median wall): list {list_wall / true_wall:.2f}x, "
              f"--version {version_wall / true_wall:.2f}x")
        print()

        sts, url = start_sts()
        try:
            env_sts = dict(env, AWS_ENDPOINT_URL_STS=url, AWS_DEFAULT_REGION="us-east-1")
            serial = "arn:aws:iam::123456789012:mfa/account-001"
            rows = []
            rows.append(("awsmfa login (this tool)",) + measure(
                [str(BINARY), "login", "account-001", "--code", "123456"], env_sts, login_runs))
            rows.append(("aws-mfa 0.0.12 (Python, boto3)",) + measure(
                [str(BENCH_BIN / "aws-mfa"), "--profile", "account-001", "--device", serial,
                 "--duration", "43200", "--force"],
                env_sts, login_runs, stdin="123456\n"))
            script = tmp / "original.sh"
            script.write_text(ORIGINAL_PIPELINE)
            rows.append(("original shell pipeline (4 aws CLI calls)",) + measure(
                ["/bin/bash", str(script), "account-002", serial], env_sts, login_runs, stdin="123456\n"))
        finally:
            sts.stdin.close()
            sts.wait(timeout=10)
        print(f"## login against moto's STS on 127.0.0.1, code given, {login_runs} runs each")
        print("| tool | median wall | median process time | peak RSS |")
        print("| --- | --- | --- | --- |")
        for name, wall, cpu, rss in rows:
            print(f"| {name} | {ms(wall)} | {ms(cpu)} | {rss / 1024:.1f} MiB |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
