// The Set Up AWS MFA Profile form's data: awsmfa's setup listings in the contract's shapes,
// the profiles it offers, its defaults, its checks and the command it runs.

import { describe, expect, it } from "vitest";
import { AwsmfaError, UNEXPECTED_OUTPUT } from "../src/lib/errors";
import {
  deviceDescription,
  itemDescription,
  parseDevices,
  parseOpItems,
  parseSetupCandidates,
  parseSetupResult,
  proposedDevice,
  proposedItem,
  SetupChoice,
  setupArguments,
  setupChoices,
  SetupFormValues,
  setupProblems,
  unlistedCandidates,
} from "../src/lib/setup";
import { aProfile, thrownBy } from "./support/fixtures";

// `awsmfa setup --format json` for a default profile with keys in it, a work profile whose
// keys are in [work-mfa], and a profile with only mfa_serial in the config.
const CANDIDATES = {
  candidates: [
    {
      profile: "default",
      state: "keys_in_profile",
      detail: "[default] in ~/.aws/credentials holds long-term keys",
      command: "awsmfa setup default --move-keys",
    },
    {
      profile: "work",
      state: "source_keys",
      detail: "[work-mfa] in ~/.aws/credentials holds long-term keys",
      command: "awsmfa setup work",
    },
    {
      profile: "audit",
      state: "mfa_serial",
      detail: "[profile audit] in ~/.aws/config has mfa_serial",
      command: "awsmfa setup audit",
    },
  ],
};

const DEVICES = {
  profile: "work",
  devices: [
    { serial: "arn:aws:iam::123456789012:mfa/alice", source: "iam", proposed: false },
    { serial: "arn:aws:iam::123456789012:mfa/alice-yubikey", source: "config", proposed: true },
  ],
};

const ITEMS = {
  profile: "work",
  items: [
    {
      id: "abcdefghijklmnopqrstuvwxyz",
      title: "AWS work",
      vault: "Private",
      urls: ["https://signin.aws.amazon.com/console"],
      proposed: true,
    },
    { id: "zyxwvutsrqponmlkjihgfedcba", title: "AWS old", vault: "Shared", urls: [], proposed: false },
  ],
  hint: null,
};

const profile = aProfile;

function thrown(run: () => unknown): AwsmfaError {
  return thrownBy(AwsmfaError, run);
}

describe("parsing awsmfa's setup listings", () => {
  it("reads the candidates in awsmfa's order", () => {
    const candidates = parseSetupCandidates(JSON.stringify(CANDIDATES));
    expect(candidates.map((c) => [c.profile, c.state])).toEqual([
      ["default", "keys_in_profile"],
      ["work", "source_keys"],
      ["audit", "mfa_serial"],
    ]);
    expect(candidates[0]).toEqual(CANDIDATES.candidates[0]);
    expect(parseSetupCandidates('{"candidates": []}')).toEqual([]);
  });

  it("reads devices and 1Password items with what awsmfa proposes", () => {
    expect(parseDevices(JSON.stringify(DEVICES))).toEqual(DEVICES.devices);
    expect(parseOpItems(JSON.stringify(ITEMS))).toEqual({ items: ITEMS.items, hint: null });
  });

  it("keeps the hint when no item has a one-time password", () => {
    const hint = "No 1Password item has a one-time password: add one to the item of your AWS login";
    expect(parseOpItems(JSON.stringify({ profile: "work", items: [], hint }))).toEqual({ items: [], hint });
  });

  it("reads the setup report", () => {
    const stdout = JSON.stringify({ profile: "work", done: ["MFA serial stored in the keychain"] });
    expect(parseSetupResult(stdout)).toEqual({ profile: "work", done: ["MFA serial stored in the keychain"] });
  });

  it("rejects shapes it does not know, naming what is wrong", () => {
    const state = thrown(() =>
      parseSetupCandidates(JSON.stringify({ candidates: [{ ...CANDIDATES.candidates[0], state: "someday" }] })),
    );
    expect(state.kind).toBe(UNEXPECTED_OUTPUT);
    expect(state.message).toContain('unknown state "someday"');
    expect(thrown(() => parseDevices('{"profile": "work"}')).message).toContain('"devices" is not a list');
    const source = { ...DEVICES, devices: [{ ...DEVICES.devices[0], source: "guess" }] };
    expect(thrown(() => parseDevices(JSON.stringify(source))).message).toContain('unknown source "guess"');
    const urls = { ...ITEMS, items: [{ ...ITEMS.items[0], urls: "https://example.com" }] };
    expect(thrown(() => parseOpItems(JSON.stringify(urls))).message).toContain('"urls" is not a list');
    expect(thrown(() => parseSetupResult('{"profile": "work", "done": [1]}')).message).toContain('"done"');
  });
});

describe("the profiles the form offers", () => {
  const candidates = parseSetupCandidates(JSON.stringify(CANDIDATES));

  it("offers every candidate first, then the profiles already set up, without role profiles", () => {
    const profiles = [
      profile("work", { needsSetup: true }),
      profile("prod"),
      profile("admin", { via: "prod" }),
      profile("dev"),
    ];
    const choices = setupChoices(candidates, profiles);
    expect(choices.map((c) => [c.profile, c.state, c.needsMoveKeys])).toEqual([
      ["default", "keys_in_profile", true],
      ["work", "source_keys", false],
      ["audit", "mfa_serial", false],
      ["dev", "set_up", false],
      ["prod", "set_up", false],
    ]);
  });

  it("lists candidates apart only when they are not rows of the list already, filtered like the list", () => {
    const profiles = [profile("work", { needsSetup: true })];
    expect(unlistedCandidates(candidates, profiles, "").map((c) => c.profile)).toEqual(["default", "audit"]);
    expect(unlistedCandidates(candidates, profiles, "dft").map((c) => c.profile)).toEqual(["default"]);
    expect(unlistedCandidates(candidates, profiles, " AUD ").map((c) => c.profile)).toEqual(["audit"]);
    expect(unlistedCandidates(candidates, profiles, "tfd")).toEqual([]);
  });
});

describe("the form's defaults", () => {
  const devices = parseDevices(JSON.stringify(DEVICES));
  const items = parseOpItems(JSON.stringify(ITEMS)).items;

  it("picks the device awsmfa proposes, else the first, else none", () => {
    expect(proposedDevice(devices)).toBe("arn:aws:iam::123456789012:mfa/alice-yubikey");
    expect(proposedDevice(devices.map((d) => ({ ...d, proposed: false })))).toBe("arn:aws:iam::123456789012:mfa/alice");
    expect(proposedDevice([])).toBeUndefined();
  });

  it("picks only the item awsmfa proposes: a guess at someone's 1Password is not a default", () => {
    expect(proposedItem(items)).toBe("abcdefghijklmnopqrstuvwxyz");
    expect(proposedItem(items.map((i) => ({ ...i, proposed: false })))).toBeUndefined();
  });

  it("says where each choice comes from", () => {
    expect(itemDescription(items[0])).toBe("Private · signin.aws.amazon.com");
    expect(itemDescription(items[1])).toBe("Shared");
    expect(itemDescription({ ...items[1], urls: ["not a url"] })).toBe("Shared · not a url");
    expect(devices.map(deviceDescription)).toEqual(["from AWS IAM", "mfa_serial in ~/.aws/config"]);
  });
});

describe("submitting the form", () => {
  const work: SetupChoice = { profile: "work", state: "source_keys", detail: "", needsMoveKeys: false };
  const keysInDefault: SetupChoice = {
    profile: "default",
    state: "keys_in_profile",
    detail: "",
    needsMoveKeys: true,
  };
  const values: SetupFormValues = {
    profile: "work",
    moveKeys: true,
    serial: " arn:aws:iam::123456789012:mfa/alice ",
    opItem: "abcdefghijklmnopqrstuvwxyz",
    duration: "",
  };

  // The device and item as every setup below passes them.
  const chosen = ["--serial", "arn:aws:iam::123456789012:mfa/alice", "--op-item", "abcdefghijklmnopqrstuvwxyz"];

  it("runs setup with the chosen device and item, the profile after --", () => {
    expect(setupProblems(values, work)).toEqual({});
    expect(setupArguments(values, work)).toEqual(["setup", "--format", "json", ...chosen, "--", "work"]);
  });

  it("moves the keys only where they must move, and passes a session length when given", () => {
    const args = setupArguments({ ...values, profile: "default", duration: " 8h " }, keysInDefault);
    expect(args).toEqual(["setup", "--format", "json", ...chosen, "--move-keys", "--duration", "8h", "--", "default"]);
    expect(setupArguments(values, work)).not.toContain("--move-keys");
  });

  it("sets up without a 1Password item when none is chosen", () => {
    expect(setupArguments({ ...values, opItem: "" }, work)).not.toContain("--op-item");
  });

  it("says under each field what is missing or wrong", () => {
    expect(setupProblems(values, undefined)).toEqual({ profile: "Choose the profile to set up." });
    expect(setupProblems({ ...values, profile: "default", moveKeys: false }, keysInDefault).moveKeys).toBe(
      "awsmfa writes sessions into [default], so its long-term keys must move to [default-mfa] first.",
    );
    expect(setupProblems({ ...values, serial: "  " }, work)).toEqual({ serial: "Choose or enter the MFA device." });
    expect(setupProblems({ ...values, serial: "arn:aws:iam::1:mfa/a b" }, work).serial).toBe(
      "An MFA device ARN has no spaces.",
    );
    for (const duration of ["12x", "h", "1.5h", "-3"]) {
      expect(setupProblems({ ...values, duration }, work).duration, duration).toContain("s, m or h");
    }
    for (const duration of ["3600", "45m", "12h", "900s"]) {
      expect(setupProblems({ ...values, duration }, work), duration).toEqual({});
    }
  });
});
