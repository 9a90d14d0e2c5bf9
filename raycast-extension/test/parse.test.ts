import { describe, expect, it } from "vitest";
import {
  parseListOutput,
  parseListWarnings,
  parseLoginOutput,
  parseLogoutOutput,
  parseStatusOutput,
} from "../src/lib/awsmfa";
import { AwsmfaError, UNEXPECTED_OUTPUT } from "../src/lib/errors";
import { thrownBy } from "./support/fixtures";

const WORK = {
  name: "work",
  status: "valid",
  expires_at: "2026-11-25T18:42:00Z",
  seconds_left: 28680,
  source_profile: "work-mfa",
  region: "eu-west-1",
  role_arn: null,
  needs_setup: false,
  setup_hint: null,
};

const OLD = {
  name: "old",
  via: null,
  status: "no_session",
  expires_at: null,
  seconds_left: null,
  source_profile: "old-mfa",
  region: null,
  role_arn: "arn:aws:iam::123456789012:role/Admin",
  needs_setup: true,
  setup_hint: 'awsmfa setup old --op-item "AWS (old)"',
};

function thrown(run: () => unknown): AwsmfaError {
  return thrownBy(AwsmfaError, run);
}

describe("parseListOutput", () => {
  it("reads every field of the contract's profiles, in awsmfa's order", () => {
    const profiles = parseListOutput(JSON.stringify({ profiles: [WORK, OLD] }));
    expect(profiles).toEqual([
      {
        name: "work",
        via: null,
        status: "valid",
        expiresAt: "2026-11-25T18:42:00Z",
        secondsLeft: 28680,
        sourceProfile: "work-mfa",
        region: "eu-west-1",
        roleArn: null,
        needsSetup: false,
        setupHint: null,
      },
      {
        name: "old",
        via: null,
        status: "no_session",
        expiresAt: null,
        secondsLeft: null,
        sourceProfile: "old-mfa",
        region: null,
        roleArn: "arn:aws:iam::123456789012:role/Admin",
        needsSetup: true,
        setupHint: 'awsmfa setup old --op-item "AWS (old)"',
      },
    ]);
  });

  it("accepts an expired session's negative seconds_left and an empty list", () => {
    const expired = { ...WORK, status: "expired", seconds_left: -7200 };
    expect(parseListOutput(JSON.stringify({ profiles: [expired] }))[0]).toMatchObject({
      status: "expired",
      secondsLeft: -7200,
    });
    expect(parseListOutput('{"profiles": []}\n')).toEqual([]);
  });

  it("ignores fields it does not know, so a newer awsmfa can add some", () => {
    const extended = { ...WORK, account: "123456789012" };
    expect(parseListOutput(JSON.stringify({ profiles: [extended] }))[0].name).toBe("work");
  });

  it("rejects a status it does not know, naming it", () => {
    const error = thrown(() => parseListOutput(JSON.stringify({ profiles: [{ ...WORK, status: "paused" }] })));
    expect(error.kind).toBe(UNEXPECTED_OUTPUT);
    expect(error.message).toContain('unknown status "paused"');
    expect(error.message).toContain("same release");
  });

  it("rejects output that is not the documented shape", () => {
    expect(thrown(() => parseListOutput("")).message).toContain("no output");
    expect(thrown(() => parseListOutput("work valid 7h")).message).toContain('not JSON: "work valid 7h"');
    expect(thrown(() => parseListOutput("[]")).message).toContain("not a JSON object");
    expect(thrown(() => parseListOutput('{"items": []}')).message).toContain('"profiles" is not a list');
    const noName = { ...WORK, name: 7 };
    expect(thrown(() => parseListOutput(JSON.stringify({ profiles: [noName] }))).message).toContain(
      '"name" is not a string',
    );
    const fractional = { ...WORK, seconds_left: 1.5 };
    expect(thrown(() => parseListOutput(JSON.stringify({ profiles: [fractional] }))).message).toContain(
      '"seconds_left" is not an integer',
    );
  });
});

describe("parseStatusOutput", () => {
  it("reads one unwrapped profile", () => {
    expect(parseStatusOutput(JSON.stringify(OLD))).toMatchObject({ name: "old", status: "no_session" });
  });
});

describe("parseLoginOutput", () => {
  it("reads the new session", () => {
    const stdout = '{"profile": "work", "expires_at": "2026-11-26T06:41:00Z", "seconds_left": 43200}\n';
    expect(parseLoginOutput(stdout)).toEqual({
      profile: "work",
      expiresAt: "2026-11-26T06:41:00Z",
      secondsLeft: 43200,
    });
  });

  it("rejects a result without an expiry", () => {
    const error = thrown(() => parseLoginOutput('{"profile": "work", "expires_at": "2026-11-26T06:41:00Z"}'));
    expect(error.message).toContain('"seconds_left" is missing');
  });
});

describe("parseLogoutOutput", () => {
  it("reads the answer", () => {
    expect(parseLogoutOutput('{"profile": "work", "logged_out": true}')).toEqual({
      profile: "work",
      loggedOut: true,
    });
  });

  it("rejects a missing logged_out", () => {
    expect(thrown(() => parseLogoutOutput('{"profile": "work"}')).message).toContain('"logged_out"');
  });
});

describe("parseListWarnings", () => {
  it("reads awsmfa's warnings, and none when it has none", () => {
    const warning =
      "~/.aws/credentials starts with a byte-order mark (BOM), so the AWS CLI and SDKs will not read it: save it as UTF-8 without a BOM";
    expect(parseListWarnings(JSON.stringify({ profiles: [], warnings: [warning] }))).toEqual([warning]);
    expect(parseListWarnings(JSON.stringify({ profiles: [] }))).toEqual([]);
    expect(() => parseListWarnings(JSON.stringify({ profiles: [], warnings: "no" }))).toThrow();
  });
});

describe("role profiles", () => {
  it("reads the session profile a role profile rides on", () => {
    const admin = {
      ...WORK,
      name: "admin",
      via: "work",
      source_profile: "work",
      role_arn: "arn:aws:iam::1:role/admin",
    };
    const [profile] = parseListOutput(JSON.stringify({ profiles: [admin] }));
    expect(profile.via).toBe("work");
    expect(parseListOutput(JSON.stringify({ profiles: [WORK] }))[0].via).toBeNull();
    expect(() => parseListOutput(JSON.stringify({ profiles: [{ ...admin, via: 1 }] }))).toThrow();
  });
});
