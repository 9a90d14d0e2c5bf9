// Refresh Session and Log Out as the user sees them: the toast's titles, style, message and
// action. @raycast/api is the recording stand-in in test/support (see vitest.config.mts);
// the extension's own code and the awsmfa processes (small scripts) are real.

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatClock } from "../src/lib/format";
import { logOut, refreshSession } from "../src/ui/actions";
import { recorded as raycast, resetRecorded } from "./support/raycast-api";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "awsmfa-actions-"));
  resetRecorded();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** An awsmfa stand-in that records its arguments and then runs `body`. */
function useFakeAwsmfa(body: string): { args: () => string[] } {
  const binary = join(root, "awsmfa");
  const argsFile = join(root, "args");
  writeFileSync(binary, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n${body}\n`);
  chmodSync(binary, 0o755);
  raycast.preferences = { awsmfaPath: binary, defaultDuration: "12h" };
  return { args: () => readFileSync(argsFile, "utf8").split("\n").slice(0, -1) };
}

/** Twelve hours from now, as awsmfa writes it. */
const EXPIRES_AT = new Date(Math.floor(Date.now() / 1000) * 1000 + 12 * 3600 * 1000)
  .toISOString()
  .replace(".000Z", "Z");

const SUCCESS = [
  "printf 'Fetching code from 1Password…\\n' >&2",
  "sleep 0.2",
  "printf 'Calling AWS STS…\\n' >&2",
  "sleep 0.2",
  `echo '{"profile": "work", "expires_at": "${EXPIRES_AT}", "seconds_left": 43200}'`,
  "exit 0",
].join("\n");

function failWith(kind: string, message: string, retryable: boolean, exitStatus: number): string {
  return [
    `echo '{"error": {"kind": "${kind}", "message": "${message}", "retryable": ${retryable}}}'`,
    `echo 'awsmfa: ${message}' >&2`,
    `exit ${exitStatus}`,
  ].join("\n");
}

describe("refreshSession", () => {
  it("follows awsmfa's progress in the toast and ends with the new expiry", async () => {
    const fake = useFakeAwsmfa(SUCCESS);
    const onChanged = vi.fn();

    await expect(refreshSession("work", onChanged)).resolves.toBe(true);

    expect(fake.args()).toEqual(["login", "--format", "json", "--duration", "12h", "--", "work"]);
    const [toast] = raycast.toasts;
    expect(toast.titles).toEqual([
      "Refreshing work…",
      "Fetching code from 1Password…",
      "Calling AWS STS…",
      "Refreshed work",
    ]);
    expect(toast.style).toBe("SUCCESS");
    expect(toast.message).toBe(`Valid until ${formatClock(EXPIRES_AT, Date.now())} (12h)`);
    expect(toast.primaryAction).toBeUndefined();
    expect(onChanged).toHaveBeenCalledOnce();
    // The menu bar is asked to redraw; that it is not enabled is no error.
    expect(raycast.launched).toEqual([{ name: "menu-bar", type: "background" }]);
  });

  it("offers Try Again for a retryable error, and trying again runs login again", async () => {
    const unlocked = join(root, "unlocked");
    useFakeAwsmfa(
      `if [ -e '${unlocked}' ]; then\n${SUCCESS}\nfi\n` +
        failWith("op_locked", "1Password is locked: unlock it", true, 4),
    );
    const onChanged = vi.fn();

    await expect(refreshSession("work", onChanged)).resolves.toBe(false);
    const [failed] = raycast.toasts;
    expect(failed.style).toBe("FAILURE");
    expect(failed.title).toBe("1Password is locked");
    expect(failed.message).toBe("1Password is locked: unlock it, then choose Try Again (⌘R)");
    expect(failed.primaryAction?.title).toBe("Try Again");
    expect(onChanged).not.toHaveBeenCalled();

    writeFileSync(unlocked, "");
    failed.primaryAction?.onAction(failed);
    await vi.waitFor(() => expect(raycast.toasts[1]?.style).toBe("SUCCESS"), { timeout: 5_000 });
    expect(failed.hidden).toBe(true);
    expect(onChanged).toHaveBeenCalledOnce();
  });

  it("points at the preferences when the session length is wrong", async () => {
    useFakeAwsmfa(failWith("invalid_duration", "cannot read --duration 12x: use e.g. 8h, 90m or 3600", false, 2));

    await refreshSession("work", () => undefined);

    const [toast] = raycast.toasts;
    expect(toast.title).toBe("Invalid session length");
    expect(toast.primaryAction?.title).toBe("Open Extension Preferences");
    toast.primaryAction?.onAction(toast);
    expect(raycast.preferencesOpened).toBe(1);
  });

  it("shows a non-retryable error with no action", async () => {
    useFakeAwsmfa(failWith("sts_access_denied", "AWS denied GetSessionToken: check the IAM policy", false, 5));

    await refreshSession("work", () => undefined);

    const [toast] = raycast.toasts;
    expect(toast).toMatchObject({
      style: "FAILURE",
      title: "AWS denied access",
      message: "AWS denied GetSessionToken: check the IAM policy",
    });
    expect(toast.primaryAction).toBeUndefined();
  });

  it("says where it looked when the binary is missing", async () => {
    raycast.preferences = { awsmfaPath: join(root, "missing", "awsmfa") };

    await refreshSession("work", () => undefined);

    const [toast] = raycast.toasts;
    expect(toast.title).toBe("awsmfa not found");
    expect(toast.message).toContain(join(root, "missing", "awsmfa"));
    expect(toast.primaryAction?.title).toBe("Open Extension Preferences");
  });
});

describe("logOut", () => {
  it("runs awsmfa logout once confirmed", async () => {
    const fake = useFakeAwsmfa(`echo '{"profile": "work", "logged_out": true}'`);
    const onChanged = vi.fn();

    await logOut("work", onChanged);

    expect(fake.args()).toEqual(["logout", "--format", "json", "--", "work"]);
    expect(raycast.toasts[0]).toMatchObject({ style: "SUCCESS", title: "Logged out of work" });
    expect(onChanged).toHaveBeenCalledOnce();
  });

  it("does nothing when the user cancels", async () => {
    useFakeAwsmfa(`echo '{"profile": "work", "logged_out": true}'`);
    raycast.confirmAnswer = false;

    await logOut("work", () => undefined);

    expect(existsSync(join(root, "args"))).toBe(false);
    expect(raycast.toasts).toEqual([]);
  });
});
