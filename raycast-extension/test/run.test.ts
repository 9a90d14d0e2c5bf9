// runAwsmfa and the command functions against real child processes: small shell scripts
// standing in for awsmfa, each written into a fresh temp folder.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listProfiles, login, logout, runAwsmfa, TIMEOUTS_MS } from "../src/lib/awsmfa";
import { AwsmfaError, BinaryNotFoundError } from "../src/lib/errors";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "awsmfa-run-"));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** An executable /bin/sh script named awsmfa in the temp folder. */
function fakeAwsmfa(body: string): string {
  const path = join(root, "awsmfa");
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A script that records its arguments, one a line, and prints `stdout`. */
function recordingAwsmfa(stdout: string): { binary: string; args: () => string[] } {
  const argsFile = join(root, "args");
  const binary = fakeAwsmfa(`printf '%s\\n' "$@" > '${argsFile}'\ncat <<'JSON'\n${stdout}\nJSON`);
  return { binary, args: () => readFileSync(argsFile, "utf8").split("\n").slice(0, -1) };
}

const LOGIN_JSON = '{"profile": "work", "expires_at": "2026-11-26T06:41:00Z", "seconds_left": 43200}';

describe("arguments", () => {
  it("login passes --format json, the duration, and the profile after --", async () => {
    const fake = recordingAwsmfa(LOGIN_JSON);
    const result = await login({ binary: fake.binary }, "work", { duration: " 12h " });
    expect(fake.args()).toEqual(["login", "--format", "json", "--duration", "12h", "--", "work"]);
    expect(result).toEqual({ profile: "work", expiresAt: "2026-11-26T06:41:00Z", secondsLeft: 43200 });
  });

  it("login with a typed code passes --code-stdin and writes the code to stdin only", async () => {
    const stdinFile = join(root, "stdin");
    const envFile = join(root, "env");
    const binary = fakeAwsmfa(
      `printf '%s\\n' "$@" > '${join(root, "args")}'\nenv > '${envFile}'\ncat > '${stdinFile}'\necho '${LOGIN_JSON}'`,
    );
    await login({ binary }, "work", { code: "012345" });
    expect(readFileSync(join(root, "args"), "utf8").split("\n").slice(0, -1)).toEqual([
      "login",
      "--format",
      "json",
      "--code-stdin",
      "--",
      "work",
    ]);
    expect(readFileSync(stdinFile, "utf8")).toBe("012345\n");
    expect(readFileSync(envFile, "utf8")).not.toContain("012345");
  });

  it("login refuses a code that is not 6 digits without running awsmfa", async () => {
    const fake = recordingAwsmfa(LOGIN_JSON);
    for (const code of ["", "12345", "1234567", "12345x"]) {
      await expect(login({ binary: fake.binary }, "work", { code })).rejects.toMatchObject({
        kind: "invalid_code",
        title: "Invalid one-time code",
      });
    }
    expect(() => fake.args()).toThrow();
  });

  it("gives awsmfa an empty stdin without a code", async () => {
    const binary = fakeAwsmfa(`cat > '${join(root, "stdin")}'\necho '${LOGIN_JSON}'`);
    await login({ binary }, "work");
    expect(readFileSync(join(root, "stdin"), "utf8")).toBe("");
  });

  it("login leaves --duration out when none is set", async () => {
    const fake = recordingAwsmfa(LOGIN_JSON);
    await login({ binary: fake.binary }, "work", { duration: "" });
    expect(fake.args()).toEqual(["login", "--format", "json", "--", "work"]);
  });

  it("list passes search text after --, so a leading - is not an option", async () => {
    const fake = recordingAwsmfa('{"profiles": []}');
    await listProfiles({ binary: fake.binary }, "-prod");
    expect(fake.args()).toEqual(["list", "--format", "json", "--", "-prod"]);
    await listProfiles({ binary: fake.binary }, "  ");
    expect(fake.args()).toEqual(["list", "--format", "json"]);
  });

  it("passes shell characters through untouched (no shell involved)", async () => {
    const fake = recordingAwsmfa('{"profile": "a;b $(x)", "logged_out": true}');
    await logout({ binary: fake.binary }, "a;b $(x)");
    expect(fake.args()).toEqual(["logout", "--format", "json", "--", "a;b $(x)"]);
  });
});

describe("environment", () => {
  it("runs awsmfa with the given env, so it reads the files the caller chose", async () => {
    const binary = fakeAwsmfa(
      `printf '{"profiles": [{"name": "%s", "status": "no_session", "source_profile": "%s"}]}' "$AWS_SHARED_CREDENTIALS_FILE" "$HOME"`,
    );
    const env = { PATH: "/usr/bin:/bin", HOME: "/tmp/home", AWS_SHARED_CREDENTIALS_FILE: "/tmp/creds" };
    const [profile] = await listProfiles({ binary, env });
    expect(profile.name).toBe("/tmp/creds");
    expect(profile.sourceProfile).toBe("/tmp/home");
  });

  it("appends the binary's folder and the Homebrew folders to PATH, once", async () => {
    const binary = fakeAwsmfa(`printf '%s' "$PATH"`);
    const outcome = await runAwsmfa(["list"], {
      binary,
      env: { PATH: "/usr/bin:/bin:/usr/local/bin" },
      timeoutMs: 5_000,
    });
    expect(outcome.stdout).toBe(`/usr/bin:/bin:/usr/local/bin:${root}:/opt/homebrew/bin`);
  });
});

describe("progress", () => {
  it("reports each stderr line as it is written, without the error line", async () => {
    const binary = fakeAwsmfa(
      [
        "printf 'Fetching code from 1Password…\\n' >&2",
        "sleep 0.6",
        "printf 'Calling AWS STS…\\n' >&2",
        `echo '${LOGIN_JSON}'`,
      ].join("\n"),
    );
    const seen: { line: string; at: number }[] = [];
    const started = Date.now();
    await login({ binary }, "work", { onProgress: (line) => seen.push({ line, at: Date.now() - started }) });
    const finished = Date.now() - started;
    expect(seen.map((entry) => entry.line)).toEqual(["Fetching code from 1Password…", "Calling AWS STS…"]);
    // The first line arrived while awsmfa was still running, not at the end.
    expect(finished - seen[0].at).toBeGreaterThanOrEqual(400);
  });

  it("reports a last line without a newline, and never the `awsmfa:` error line", async () => {
    const binary = fakeAwsmfa(
      [
        "printf 'Waiting 12 s for the next code (AWS rejects a reused one)…\\n' >&2",
        "printf 'awsmfa: AWS rejected the one-time code (wrong or already used): wait for the next code and try again\\n' >&2",
        `echo '{"error": {"kind": "sts_invalid_code", "message": "AWS rejected the one-time code (wrong or already used): wait for the next code and try again", "retryable": true}}'`,
        "printf 'Cleaning up' >&2",
        "exit 5",
      ].join("\n"),
    );
    const lines: string[] = [];
    const failure = await login({ binary }, "work", { onProgress: (line) => lines.push(line) }).catch((e) => e);
    expect(lines).toEqual(["Waiting 12 s for the next code (AWS rejects a reused one)…", "Cleaning up"]);
    expect(failure).toBeInstanceOf(AwsmfaError);
    expect(failure).toMatchObject({ kind: "sts_invalid_code", retryable: true, exitStatus: 5 });
  });
});

describe("failures", () => {
  it("turns a JSON error into a typed error", async () => {
    const binary = fakeAwsmfa(
      `echo '{"error": {"kind": "profile_not_found", "message": "No profile [nope]: add it to ~/.aws/credentials", "retryable": false}}'\necho 'awsmfa: No profile [nope]' >&2\nexit 3`,
    );
    await expect(logout({ binary }, "nope")).rejects.toMatchObject({
      kind: "profile_not_found",
      title: "Profile not found",
      message: "No profile [nope]: add it to ~/.aws/credentials",
      retryable: false,
      exitStatus: 3,
    });
  });

  it("stops awsmfa after the timeout and says what it was doing", async () => {
    const pidFile = join(root, "pid");
    const binary = fakeAwsmfa(`echo $$ > '${pidFile}'\nprintf 'Fetching code from 1Password…\\n' >&2\nexec sleep 30`);
    const started = Date.now();
    const failure = await runAwsmfa(["login", "work"], { binary, timeoutMs: 500 }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(AwsmfaError);
    expect(failure.kind).toBe("timeout");
    expect(failure.retryable).toBe(true);
    expect(failure.message).toContain("did not finish within 1 s (last step: Fetching code from 1Password…)");
    expect(failure.message).toContain("Touch ID");

    const pid = Number(readFileSync(pidFile, "utf8"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("reports a missing binary as BinaryNotFoundError", async () => {
    const missing = join(root, "missing/awsmfa");
    const failure = await listProfiles({ binary: missing }).catch((e) => e);
    expect(failure).toBeInstanceOf(BinaryNotFoundError);
    expect(failure.searched).toEqual([missing]);
    expect(failure.message).toContain("ENOENT");
  });

  it("reports a file the system cannot execute as BinaryNotFoundError", async () => {
    const path = join(root, "awsmfa");
    writeFileSync(path, "not a program");
    chmodSync(path, 0o644);
    const failure = await listProfiles({ binary: path }).catch((e) => e);
    expect(failure).toBeInstanceOf(BinaryNotFoundError);
    expect(failure.message).toContain("EACCES");
  });
});

describe("timeouts", () => {
  it("give a login at least awsmfa's own worst case", () => {
    // The next code window (31 s), the keychain (10 s), 1Password's prompt (90 s), STS (20 s):
    // the bounds awsmfa itself keeps (src/otp/window.rs, src/keychain.rs, src/otp/mod.rs, src/sts.rs).
    expect(TIMEOUTS_MS.login).toBeGreaterThanOrEqual((31 + 10 + 90 + 20) * 1000);
  });
});
