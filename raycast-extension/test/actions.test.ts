// Refresh Session and Log Out as the user sees them: the toast's titles, style, message and
// action. @raycast/api is the recording stand-in in test/support (see vitest.config.mts);
// the extension's own code and the awsmfa processes (small scripts) are real.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatClock } from "../src/lib/format";
import { logOut, refreshSession, submitCode } from "../src/ui/actions";
import { failWith, FakeAwsmfa, useFakeAwsmfaIn } from "./support/fake-awsmfa";
import { recorded as raycast, resetRecorded } from "./support/raycast-api";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "awsmfa-actions-"));
  resetRecorded();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** An awsmfa stand-in in this test's folder, set as the awsmfa Binary preference. */
function useFakeAwsmfa(body: string): FakeAwsmfa {
  return useFakeAwsmfaIn(root, body);
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

/** The one toast of a refresh that worked: awsmfa's steps as its titles, then the new expiry. */
function expectRefreshedToast(firstStep: string): void {
  const [toast] = raycast.toasts;
  expect(toast.titles).toEqual(["Refreshing work…", firstStep, "Calling AWS STS…", "Refreshed work"]);
  expect(toast.style).toBe("SUCCESS");
  expect(toast.message).toBe(`Valid until ${formatClock(EXPIRES_AT, Date.now())} (12h)`);
  expect(toast.primaryAction).toBeUndefined();
}

describe("refreshSession", () => {
  it("follows awsmfa's progress in the toast and ends with the new expiry", async () => {
    const fake = useFakeAwsmfa(SUCCESS);
    const onChanged = vi.fn();

    await expect(refreshSession("work", onChanged)).resolves.toBe(true);

    expect(fake.args()).toEqual(["login", "--format", "json", "--duration", "12h", "--", "work"]);
    expectRefreshedToast("Fetching code from 1Password…");
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

describe("Refresh with Code", () => {
  const CODE = "493817";
  const TYPED_SUCCESS = SUCCESS.replace("Fetching code from 1Password…", "Using the code given on stdin…");

  it("gives awsmfa the code on stdin, never in its arguments or environment", async () => {
    const fake = useFakeAwsmfa(TYPED_SUCCESS);
    const refreshed = vi.fn();
    const showError = vi.fn();

    await expect(submitCode("work", ` ${CODE} `, refreshed, showError)).resolves.toBe(true);

    expect(fake.args()).toEqual(["login", "--format", "json", "--duration", "12h", "--code-stdin", "--", "work"]);
    expect(fake.stdin()).toBe(`${CODE}\n`);
    expect(fake.environment()).not.toContain(CODE);
    expectRefreshedToast("Using the code given on stdin…");
    expect(refreshed).toHaveBeenCalledOnce();
    expect(showError).not.toHaveBeenCalled();
  });

  it("refuses anything but 6 digits before awsmfa runs", async () => {
    useFakeAwsmfa(TYPED_SUCCESS);
    const refreshed = vi.fn();
    for (const [typed, problem] of [
      ["", "Enter the 6-digit one-time code."],
      ["   ", "Enter the 6-digit one-time code."],
      ["12345", "A one-time code is exactly 6 digits (0-9)."],
      ["1234567", "A one-time code is exactly 6 digits (0-9)."],
      ["12a456", "A one-time code is exactly 6 digits (0-9)."],
      ["123 456", "A one-time code is exactly 6 digits (0-9)."],
      ["１２３４５６", "A one-time code is exactly 6 digits (0-9)."],
    ]) {
      const showError = vi.fn();
      await expect(submitCode("work", typed, refreshed, showError)).resolves.toBe(false);
      expect(showError).toHaveBeenCalledWith(problem);
    }
    expect(existsSync(join(root, "args"))).toBe(false);
    expect(raycast.toasts).toEqual([]);
    expect(refreshed).not.toHaveBeenCalled();
  });

  it("shows errors as Refresh Session does, and Try Again sends the same code again", async () => {
    const online = join(root, "online");
    const fake = useFakeAwsmfa(
      `if [ -e '${online}' ]; then\n${TYPED_SUCCESS}\nfi\n` +
        failWith("network", "cannot reach AWS STS: check your network connection", true, 6),
    );
    const refreshed = vi.fn();

    await expect(submitCode("work", CODE, refreshed, vi.fn())).resolves.toBe(false);
    const [failed] = raycast.toasts;
    expect(failed).toMatchObject({
      style: "FAILURE",
      title: "Cannot reach AWS",
      message: "cannot reach AWS STS: check your network connection, then choose Try Again (⌘R)",
    });
    expect(failed.primaryAction?.title).toBe("Try Again");
    expect(refreshed).not.toHaveBeenCalled();

    writeFileSync(online, "");
    writeFileSync(join(root, "stdin"), "");
    failed.primaryAction?.onAction(failed);
    await vi.waitFor(() => expect(raycast.toasts[1]?.style).toBe("SUCCESS"), { timeout: 5_000 });
    expect(fake.stdin()).toBe(`${CODE}\n`);
    expect(fake.args()).toContain("--code-stdin");
    expect(refreshed).toHaveBeenCalledOnce();
  });

  it("asks for the next code, not a Try Again, when AWS rejected the typed one", async () => {
    useFakeAwsmfa(
      failWith(
        "sts_invalid_code",
        "AWS rejected the one-time code (wrong, expired or already used): wait for the next code",
        true,
        5,
      ),
    );

    await expect(submitCode("work", CODE, vi.fn(), vi.fn())).resolves.toBe(false);

    const [toast] = raycast.toasts;
    expect(toast).toMatchObject({
      style: "FAILURE",
      title: "AWS rejected the one-time code",
      message:
        "AWS rejected the one-time code (wrong, expired or already used): wait for the next code, then enter it and submit again",
    });
    expect(toast.primaryAction).toBeUndefined();
  });

  it("shows a non-retryable error as Refresh Session does", async () => {
    useFakeAwsmfa(failWith("sts_access_denied", "AWS denied GetSessionToken: check the IAM policy", false, 5));

    await submitCode("work", CODE, vi.fn(), vi.fn());

    expect(raycast.toasts[0]).toMatchObject({
      style: "FAILURE",
      title: "AWS denied access",
      message: "AWS denied GetSessionToken: check the IAM policy",
    });
    expect(raycast.toasts[0].primaryAction).toBeUndefined();
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
