// Submitting Set Up AWS MFA Profile and the Setup Checklist's data, as the user sees them:
// the toast, the offer of a first login, and doctor's checks. @raycast/api is the recording
// stand-in in test/support; the awsmfa processes are small scripts.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checklistSections, checklistSummary, parseDoctorOutput, runDoctor } from "../src/lib/doctor";
import { AwsmfaError } from "../src/lib/errors";
import { SetupChoice, SetupFormValues } from "../src/lib/setup";
import { submitSetup } from "../src/ui/setup-actions";
import { failWith, useFakeAwsmfaIn } from "./support/fake-awsmfa";
import { recorded as raycast, resetRecorded } from "./support/raycast-api";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "awsmfa-setup-"));
  resetRecorded();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const WORK: SetupChoice = { profile: "work", state: "source_keys", detail: "", needsMoveKeys: false };
const VALUES: SetupFormValues = {
  profile: "work",
  moveKeys: true,
  serial: "arn:aws:iam::123456789012:mfa/alice",
  opItem: "abcdefghijklmnopqrstuvwxyz",
  duration: "",
};

const SET_UP = [
  "printf 'Storing the MFA serial in the keychain…\\n' >&2",
  `echo '{"profile": "work", "done": ["MFA serial stored in the keychain", "1Password item recorded in ~/.aws/config"]}'`,
].join("\n");

describe("submitSetup", () => {
  it("runs setup behind a toast, then offers the first login", async () => {
    const fake = useFakeAwsmfaIn(root, SET_UP);
    const onSetUp = vi.fn();
    const showProblems = vi.fn();

    await expect(submitSetup(VALUES, WORK, { onSetUp }, showProblems)).resolves.toBe(true);

    expect(fake.args()).toEqual([
      "setup",
      "--format",
      "json",
      "--serial",
      "arn:aws:iam::123456789012:mfa/alice",
      "--op-item",
      "abcdefghijklmnopqrstuvwxyz",
      "--",
      "work",
    ]);
    const [toast] = raycast.toasts;
    expect(toast.titles).toEqual(["Setting up work…", "Storing the MFA serial in the keychain…", "Set up work"]);
    expect(toast.style).toBe("SUCCESS");
    expect(toast.message).toBe("MFA serial stored in the keychain; 1Password item recorded in ~/.aws/config");
    expect(raycast.alerts.map((alert) => [alert.title, alert.primaryAction?.title])).toEqual([
      ["Log in to work now?", "Refresh Session"],
    ]);
    expect(onSetUp).toHaveBeenCalledWith("work", true);
    expect(showProblems).toHaveBeenCalledWith({});
  });

  it("tells the caller when the person would rather log in later", async () => {
    useFakeAwsmfaIn(root, SET_UP);
    raycast.confirmAnswer = false;
    const onSetUp = vi.fn();

    await submitSetup(VALUES, WORK, { onSetUp }, vi.fn());

    expect(onSetUp).toHaveBeenCalledWith("work", false);
  });

  it("offers no 1Password login without an item, and says how to log in instead", async () => {
    useFakeAwsmfaIn(root, SET_UP);
    const onSetUp = vi.fn();

    await submitSetup({ ...VALUES, opItem: "" }, WORK, { onSetUp }, vi.fn());

    expect(raycast.alerts).toEqual([]);
    expect(raycast.toasts[0].message).toContain("Refresh with Code…");
    expect(onSetUp).toHaveBeenCalledWith("work", false);
  });

  it("sends problems back to the form and does not run awsmfa", async () => {
    useFakeAwsmfaIn(root, SET_UP);
    const showProblems = vi.fn();
    const onSetUp = vi.fn();

    await expect(submitSetup({ ...VALUES, serial: "" }, WORK, { onSetUp }, showProblems)).resolves.toBe(false);

    expect(showProblems).toHaveBeenCalledWith({ serial: "Choose or enter the MFA device." });
    expect(existsSync(join(root, "args"))).toBe(false);
    expect(raycast.toasts).toEqual([]);
    expect(onSetUp).not.toHaveBeenCalled();
  });

  it("shows awsmfa's error by its kind, and Try Again runs the same setup", async () => {
    const fake = useFakeAwsmfaIn(root, failWith("keychain_timeout", "the keychain did not answer in 10 s", true, 7));
    const onSetUp = vi.fn();

    await expect(submitSetup(VALUES, WORK, { onSetUp }, vi.fn())).resolves.toBe(false);

    const [failed] = raycast.toasts;
    expect(failed).toMatchObject({
      style: "FAILURE",
      title: "Keychain did not answer",
      message: "the keychain did not answer in 10 s, then choose Try Again (⌘R)",
    });
    expect(raycast.alerts).toEqual([]);
    expect(onSetUp).not.toHaveBeenCalled();

    useFakeAwsmfaIn(root, SET_UP);
    failed.primaryAction?.onAction(failed);
    await vi.waitFor(() => expect(onSetUp).toHaveBeenCalledWith("work", true), { timeout: 5_000 });
    expect(failed.hidden).toBe(true);
    expect(fake.args().at(-1)).toBe("work");
  });
});

const DOCTOR = {
  ok: false,
  checks: [
    {
      check: "op_found",
      status: "ok",
      profile: null,
      title: "1Password CLI found",
      detail: "/opt/homebrew/bin/op 2.30.0",
      fix: null,
    },
    {
      check: "code_source",
      status: "fail",
      profile: "work",
      title: "work has no one-time code source",
      detail: "no awsmfa_op_item, mfa_process or awsmfa_ykman_account",
      fix: "Run awsmfa setup work --op-item ITEM",
    },
    {
      check: "reminders",
      status: "warn",
      profile: null,
      title: "Expiry reminders are off",
      detail: "AWSMFA_REMINDERS=off",
      fix: "Run awsmfa reminders on",
    },
  ],
};

describe("the Setup Checklist's data", () => {
  it("reads doctor's checks and shows failures first, then warnings, then what is fine", () => {
    const report = parseDoctorOutput(JSON.stringify(DOCTOR));
    expect(report.ok).toBe(false);
    expect(checklistSections(report).map((s) => [s.status, s.checks.map((c) => c.check)])).toEqual([
      ["fail", ["code_source"]],
      ["warn", ["reminders"]],
      ["ok", ["op_found"]],
    ]);
    expect(checklistSummary(report)).toBe("1 problem, 1 warning");
    expect(checklistSummary({ ok: true, checks: [DOCTOR.checks[0]] } as never)).toBe("Everything is set up");
  });

  it("takes doctor's failing exit with checks as an answer, and anything else as an error", async () => {
    const stdout = JSON.stringify(DOCTOR).replace(/'/g, "");
    useFakeAwsmfaIn(root, `echo '${stdout}'\nexit 3`);
    const options = { binary: join(root, "awsmfa") };
    await expect(runDoctor(options)).resolves.toMatchObject({ ok: false });

    useFakeAwsmfaIn(root, failWith("config_invalid", "~/.aws/config line 3: no closing ]", false, 3));
    const error = await runDoctor(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsmfaError);
    expect(error).toMatchObject({ kind: "config_invalid", title: "AWS config has an error" });
  });

  it("rejects a check with a status it does not know", () => {
    const odd = { ...DOCTOR, checks: [{ ...DOCTOR.checks[0], status: "maybe" }] };
    expect(() => parseDoctorOutput(JSON.stringify(odd))).toThrow('unknown status "maybe"');
  });
});
