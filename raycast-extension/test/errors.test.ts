import { describe, expect, it } from "vitest";
import { asAwsmfaError, AwsmfaError, errorFromOutcome, stderrMessage, titleForKind } from "../src/lib/errors";

function jsonError(kind: string, message: string, retryable: boolean): string {
  return JSON.stringify({ error: { kind, message, retryable } }) + "\n";
}

describe("errorFromOutcome with awsmfa's JSON error", () => {
  it("keeps the kind, message and retryable flag, and titles the kind", () => {
    const message = "1Password is locked: unlock it";
    const error = errorFromOutcome({
      stdout: jsonError("op_locked", message, true),
      stderr: "Fetching code from 1Password…\nawsmfa: " + message + "\n",
      exitStatus: 4,
      signal: null,
    });
    expect(error).toBeInstanceOf(AwsmfaError);
    expect(error.kind).toBe("op_locked");
    expect(error.title).toBe("1Password is locked");
    expect(error.message).toBe(message);
    expect(error.retryable).toBe(true);
    expect(error.exitStatus).toBe(4);
  });

  it.each([
    ["sts_invalid_code", true, "AWS rejected the one-time code"],
    ["sts_access_denied", false, "AWS denied access"],
    ["op_item_not_found", false, "1Password item not found"],
    ["invalid_duration", false, "Invalid session length"],
    ["network", true, "Cannot reach AWS"],
    ["profile_not_found", false, "Profile not found"],
  ])("%s: retryable %s, title %j", (kind, retryable, title) => {
    const error = errorFromOutcome({
      stdout: jsonError(kind, "what happened and what to do", retryable),
      stderr: "",
      exitStatus: 5,
      signal: null,
    });
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.title).toBe(title);
  });

  it("treats a missing retryable flag as not retryable", () => {
    const stdout = JSON.stringify({ error: { kind: "keychain", message: "Keychain is locked" } });
    const error = errorFromOutcome({ stdout, stderr: "", exitStatus: 7, signal: null });
    expect(error.retryable).toBe(false);
    expect(error.title).toBe("Keychain error");
  });

  it("gives a kind from a newer awsmfa a generic title but keeps its message", () => {
    const error = errorFromOutcome({
      stdout: jsonError("sso_expired", "Run aws sso login first", false),
      stderr: "",
      exitStatus: 3,
      signal: null,
    });
    expect(error.kind).toBe("sso_expired");
    expect(error.title).toBe("awsmfa failed");
    expect(error.message).toBe("Run aws sso login first");
  });
});

describe("errorFromOutcome without JSON", () => {
  it("names a usage error and suggests matching releases", () => {
    const stderr = "error: unexpected argument '--format' found\n\nUsage: awsmfa list [QUERY]\n";
    const error = errorFromOutcome({ stdout: "", stderr, exitStatus: 2, signal: null });
    expect(error.kind).toBe("usage");
    expect(error.title).toBe("awsmfa rejected the command");
    expect(error.message).toMatch(
      /^error: unexpected argument '--format' found\. This extension and the installed awsmfa .* same release\.$/,
    );
  });

  it("prefers the `awsmfa:` line over progress lines, without the prefix", () => {
    const stderr = "Calling AWS STS…\nawsmfa: cannot reach sts.amazonaws.com: check your connection\n";
    const error = errorFromOutcome({ stdout: "", stderr, exitStatus: 6, signal: null });
    expect(error.kind).toBe("network");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("cannot reach sts.amazonaws.com: check your connection");
  });

  it("maps every documented exit status to a kind", () => {
    const kinds = [1, 2, 3, 4, 5, 6, 7].map(
      (exitStatus) => errorFromOutcome({ stdout: "", stderr: "x", exitStatus, signal: null }).kind,
    );
    expect(kinds).toEqual([
      "internal",
      "usage",
      "profile_problem",
      "code_source_failed",
      "aws_rejected",
      "network",
      "keychain",
    ]);
  });

  it("says so when awsmfa printed nothing", () => {
    const error = errorFromOutcome({ stdout: "", stderr: "", exitStatus: 101, signal: null });
    expect(error.kind).toBe("internal");
    expect(error.message).toBe("awsmfa exited with status 101 without saying why.");
  });

  it("reports a process stopped by a signal as retryable", () => {
    const error = errorFromOutcome({ stdout: "", stderr: "", exitStatus: null, signal: "SIGKILL" });
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("signal SIGKILL");
  });
});

describe("helpers", () => {
  it("stderrMessage falls back to the last line", () => {
    expect(stderrMessage("Fetching code from 1Password…\r\nWaiting 12 s for the next code\r\n")).toBe(
      "Waiting 12 s for the next code",
    );
    expect(stderrMessage("\n  \n")).toBeNull();
  });

  it("asAwsmfaError wraps anything thrown", () => {
    const original = new AwsmfaError({ kind: "io", message: "disk full" });
    expect(asAwsmfaError(original)).toBe(original);
    expect(asAwsmfaError(new Error("boom"))).toMatchObject({ kind: "internal", message: "boom" });
    expect(asAwsmfaError("text")).toMatchObject({ kind: "internal", message: "text" });
  });

  it("titles the extension's own kinds", () => {
    expect(titleForKind("binary_not_found")).toBe("awsmfa not found");
    expect(titleForKind("unexpected_output")).toBe("Unexpected output from awsmfa");
  });
});
