// The real awsmfa binary (AWSMFA_BIN, e.g. ../target/debug/awsmfa) run through the
// extension's own wrapper against AWS files in a temporary HOME. Read-only commands, logout
// and a login with a typed code up to the call to STS: nothing here needs 1Password, the
// keychain or the network.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listProfiles, login, logout, profileStatus } from "../src/lib/awsmfa";
import { runDoctor } from "../src/lib/doctor";
import { listDevices, listSetupCandidates, runSetup, setupChoices } from "../src/lib/setup";
import { resolveBinary } from "../src/lib/binary";
import { AwsmfaError } from "../src/lib/errors";

const LONG_TERM_KEYS = [
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];

/** The binary under test, through the same resolution the preference uses. */
function binaryUnderTest(): string {
  const configured = process.env.AWSMFA_BIN;
  if (!configured) {
    throw new Error(
      "AWSMFA_BIN is not set: build awsmfa (cargo build in the repository root) and run AWSMFA_BIN=../target/debug/awsmfa npm test",
    );
  }
  return resolveBinary({ configured: resolve(configured), candidates: [] });
}

/** RFC 3339 UTC with Z and whole seconds, as awsmfa writes it. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

let home: string;
let credentialsFile: string;
let env: NodeJS.ProcessEnv;
let workExpiry: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "awsmfa-home-"));
  mkdirSync(join(home, ".aws"));
  credentialsFile = join(home, ".aws", "credentials");
  const configFile = join(home, ".aws", "config");
  workExpiry = rfc3339(Date.now() + 2 * 3600 * 1000);

  writeFileSync(
    credentialsFile,
    [
      "[work-mfa]",
      ...LONG_TERM_KEYS,
      "",
      "[work]",
      "aws_access_key_id = ASIAIOSFODNN7EXAMPLE",
      "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
      "aws_session_token = FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
      `x_security_token_expires = ${workExpiry}`,
      "",
      "[old-mfa]",
      ...LONG_TERM_KEYS,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  writeFileSync(configFile, "[profile work]\nregion = eu-west-1\n");

  // The variables a user could set, all pointing into the temporary HOME; AWS variables
  // from the machine running the tests are left out so they cannot change the answer.
  env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS")));
  Object.assign(env, {
    HOME: home,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWSMFA_CACHE_DIR: join(home, "cache"),
    XDG_CACHE_HOME: join(home, ".cache"),
    // Never this machine's own keychain or reminder scheduler.
    AWSMFA_KEYCHAIN: "off",
    AWSMFA_REMINDERS: "off",
  });
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("the real awsmfa binary", () => {
  it("lists the fixture profiles with their statuses", async () => {
    const profiles = await listProfiles({ binary: binaryUnderTest(), env });

    expect(profiles.map((profile) => profile.name).sort()).toEqual(["old", "work"]);
    const work = profiles.find((profile) => profile.name === "work");
    const old = profiles.find((profile) => profile.name === "old");

    expect(work).toMatchObject({ status: "valid", sourceProfile: "work-mfa", region: "eu-west-1" });
    expect(Date.parse(work?.expiresAt ?? "")).toBe(Date.parse(workExpiry));
    expect(work?.secondsLeft).toBeGreaterThan(2 * 3600 - 120);
    expect(work?.secondsLeft).toBeLessThanOrEqual(2 * 3600);

    expect(old).toMatchObject({ status: "no_session", expiresAt: null, secondsLeft: null, sourceProfile: "old-mfa" });

    // Neither profile has a one-time code source yet, so both point at awsmfa setup.
    for (const profile of [work, old]) {
      expect(profile?.needsSetup).toBe(true);
      expect(profile?.setupHint).toMatch(new RegExp(`^awsmfa setup ${profile?.name}\\b`));
    }
  });

  it("logs out of a session and keeps the long-term keys", async () => {
    const options = { binary: binaryUnderTest(), env };
    await expect(logout(options, "work")).resolves.toEqual({ profile: "work", loggedOut: true });

    const work = await profileStatus(options, "work");
    expect(work).toMatchObject({ name: "work", status: "no_session", expiresAt: null });
    const credentials = readFileSync(credentialsFile, "utf8");
    expect(credentials).toContain("[work-mfa]\n" + LONG_TERM_KEYS.join("\n"));
    expect(credentials).not.toContain("FwoGZXIvYXdzEXAMPLESESSIONTOKEN");
  });

  it("reads a typed code from stdin and goes on to call STS with it", async () => {
    writeFileSync(join(home, ".aws", "config"), "[profile old]\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n");
    // Nothing listens on port 9: the login ends at STS, after awsmfa has read and checked the code.
    env.AWS_ENDPOINT_URL_STS = "http://127.0.0.1:9";
    const progress: string[] = [];
    const failure = await login({ binary: binaryUnderTest(), env }, "old", {
      code: "493817",
      onProgress: (line) => progress.push(line),
    }).catch((e) => e);
    expect(progress).toEqual(["Using the code given on stdin…", "Calling AWS STS…"]);
    expect(failure).toBeInstanceOf(AwsmfaError);
    expect(failure).toMatchObject({ kind: "network", retryable: true, exitStatus: 6 });
    expect(failure.message).not.toContain("493817");
  });

  it("reports an unknown profile as a typed error", async () => {
    const failure = await profileStatus({ binary: binaryUnderTest(), env }, "nope").catch((e) => e);
    expect(failure).toBeInstanceOf(AwsmfaError);
    expect(failure).toMatchObject({ kind: "profile_not_found", title: "Profile not found", exitStatus: 3 });
    expect(failure.message).toContain("nope");
  });
});

describe("setting up through the real awsmfa binary", () => {
  const DEVICE = "arn:aws:iam::123456789012:mfa/me";
  const ITEM = "abcdefghijklmnopqrstuvwxyz";

  beforeEach(() => {
    // Long-term keys still in [default] (not MFA-managed yet) and the device in the config,
    // since there is no keychain here to store it in.
    writeFileSync(
      credentialsFile,
      readFileSync(credentialsFile, "utf8") + "\n# my keys\n[default]\n" + LONG_TERM_KEYS.join("\n") + "\n",
    );
    writeFileSync(
      join(home, ".aws", "config"),
      `[profile work]\nregion = eu-west-1\n\n[default]\nmfa_serial = ${DEVICE}\n`,
    );
    // Nothing listens on port 9: IAM, asked for more devices, cannot be reached.
    env.AWS_ENDPOINT_URL_IAM = "http://127.0.0.1:9";
  });

  it("offers the profiles to set up, finds the device and sets one up, moving its keys", async () => {
    const options = { binary: binaryUnderTest(), env };
    const candidates = await listSetupCandidates(options);
    expect(candidates.map((c) => [c.profile, c.state])).toEqual([
      ["default", "keys_in_profile"],
      ["old", "source_keys"],
      ["work", "source_keys"],
    ]);
    const choice = setupChoices(candidates, await listProfiles(options)).find((c) => c.profile === "default");
    expect(choice?.needsMoveKeys).toBe(true);

    const devices = await listDevices(options, "default");
    expect(devices).toEqual([{ serial: DEVICE, source: "config", proposed: true }]);

    const values = { profile: "default", moveKeys: true, serial: DEVICE, opItem: ITEM, duration: "8h" };
    const result = await runSetup(options, values, choice!);
    expect(result.profile).toBe("default");
    expect(result.done.join("\n")).toContain("[default-mfa]");

    const credentials = readFileSync(credentialsFile, "utf8");
    expect(credentials).toContain("[default-mfa]\n" + LONG_TERM_KEYS.join("\n"));
    expect(credentials).toContain("# my keys\n[default]\n");
    const config = readFileSync(join(home, ".aws", "config"), "utf8");
    expect(config).toContain(`awsmfa_op_item = ${ITEM}`);
    expect(config).toContain("awsmfa_duration = 8h");
    expect((await listSetupCandidates(options)).map((c) => c.profile)).toEqual(["old", "work"]);
  });

  it("reports IAM out of reach as a retryable error when it was the only place to look", async () => {
    const failure = await listDevices({ binary: binaryUnderTest(), env }, "old").catch((e) => e);
    expect(failure).toBeInstanceOf(AwsmfaError);
    expect(failure).toMatchObject({ kind: "network", title: "Cannot reach AWS", retryable: true });
  });

  it("reads doctor's checks, failing ones included", async () => {
    env.AWSMFA_OP = join(home, "no-op");
    const report = await runDoctor({ binary: binaryUnderTest(), env });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.check === "op_found")).toMatchObject({ status: "fail", profile: null });
    expect(report.checks.find((c) => c.check === "op_found")?.fix).toBeTruthy();
  });
});
