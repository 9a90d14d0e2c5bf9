// Setting a profile up from Raycast: what `awsmfa setup` can set up, the MFA devices and
// 1Password items to choose from, and the form's own logic (defaults, checks, the command it
// runs). Pure apart from the three functions at the end that run awsmfa; nothing here imports
// @raycast/api.

import {
  AwsmfaOptions,
  optionalString,
  parseJson,
  Profile,
  RunOptions,
  runJson,
  stringField,
  unexpected,
} from "./awsmfa";

/** Why `awsmfa setup` lists a profile (see the README's `awsmfa setup` section). */
export type SetupState = "keys_in_profile" | "source_keys" | "mfa_serial";

const SETUP_STATES: readonly SetupState[] = ["keys_in_profile", "source_keys", "mfa_serial"];

/** A profile `awsmfa setup --format json` (without PROFILE) says can be set up. */
export interface SetupCandidate {
  profile: string;
  state: SetupState;
  /** One line on what awsmfa found, e.g. "[default] in ~/.aws/credentials holds long-term keys". */
  detail: string;
  /** The same setup as a terminal command. */
  command: string;
}

/** Where awsmfa found an MFA device. */
export type DeviceSource = "keychain" | "config" | "iam";

const DEVICE_SOURCES: readonly DeviceSource[] = ["keychain", "config", "iam"];

/** An MFA device from `awsmfa setup PROFILE --list-devices --format json`. */
export interface MfaDevice {
  serial: string;
  source: DeviceSource;
  proposed: boolean;
}

/** A 1Password item with a one-time password, from `awsmfa setup PROFILE --list-op-items`. */
export interface OpItem {
  id: string;
  title: string;
  vault: string;
  urls: string[];
  proposed: boolean;
}

export interface OpItemList {
  items: OpItem[];
  /** Set when there is nothing to choose: why, and how to add a one-time password to an item. */
  hint: string | null;
}

/** What `awsmfa setup PROFILE --format json` did. */
export interface SetupResult {
  profile: string;
  /** One line per thing stored. */
  done: string[];
}

/** How long each setup command may take before it is stopped. */
export const SETUP_TIMEOUTS_MS = {
  /** Files only. */
  candidates: 5_000,
  /** The keychain (10 s) and AWS IAM (20 s), with time to spare. */
  devices: 40_000,
  /** 1Password waiting for Touch ID or the account password (90 s), then its item list. */
  opItems: 120_000,
  /** The keychain, IAM when no device is given, and the config file. */
  setup: 60_000,
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function listField(object: Record<string, unknown>, key: string, what: string): unknown[] {
  const value = object[key];
  if (!Array.isArray(value)) throw unexpected(what, `"${key}" is not a list`);
  return value;
}

function objectIn(value: unknown, what: string, noun: string): Record<string, unknown> {
  if (!isObject(value)) throw unexpected(what, `${noun} is not an object`);
  return value;
}

function oneOf<T extends string>(object: Record<string, unknown>, key: string, allowed: readonly T[], what: string): T {
  const value = stringField(object, key, what);
  if (!allowed.includes(value as T)) throw unexpected(what, `unknown ${key} "${value}"`);
  return value as T;
}

function proposedField(object: Record<string, unknown>, what: string): boolean {
  const value = object.proposed;
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw unexpected(what, `"proposed" is not true or false`);
  return value;
}

/** The candidates from `awsmfa setup --format json`, in awsmfa's order. */
export function parseSetupCandidates(stdout: string): SetupCandidate[] {
  const what = "a list of profiles to set up";
  return listField(parseJson(stdout, what), "candidates", what).map((value) => {
    const object = objectIn(value, what, "a candidate");
    return {
      profile: stringField(object, "profile", what),
      state: oneOf(object, "state", SETUP_STATES, what),
      detail: stringField(object, "detail", what),
      command: stringField(object, "command", what),
    };
  });
}

/** The devices from `awsmfa setup PROFILE --list-devices --format json`. */
export function parseDevices(stdout: string): MfaDevice[] {
  const what = "a list of MFA devices";
  return listField(parseJson(stdout, what), "devices", what).map((value) => {
    const object = objectIn(value, what, "a device");
    return {
      serial: stringField(object, "serial", what),
      source: oneOf(object, "source", DEVICE_SOURCES, what),
      proposed: proposedField(object, what),
    };
  });
}

/** The items (and the hint) from `awsmfa setup PROFILE --list-op-items --format json`. */
export function parseOpItems(stdout: string): OpItemList {
  const what = "a list of 1Password items";
  const object = parseJson(stdout, what);
  const items = listField(object, "items", what).map((value) => {
    const item = objectIn(value, what, "an item");
    const urls = item.urls ?? [];
    if (!Array.isArray(urls) || !urls.every((url) => typeof url === "string")) {
      throw unexpected(what, `"urls" is not a list of addresses`);
    }
    return {
      id: stringField(item, "id", what),
      title: stringField(item, "title", what),
      vault: stringField(item, "vault", what),
      urls,
      proposed: proposedField(item, what),
    };
  });
  return { items, hint: optionalString(object, "hint", what) };
}

/** The report of `awsmfa setup PROFILE --format json`. */
export function parseSetupResult(stdout: string): SetupResult {
  const what = "a setup report";
  const object = parseJson(stdout, what);
  const done = listField(object, "done", what);
  if (!done.every((line) => typeof line === "string")) throw unexpected(what, `"done" is not a list of lines`);
  return { profile: stringField(object, "profile", what), done: done as string[] };
}

// ---------------------------------------------------------------------------------------
// The form's logic.

/** A profile the form offers, and what setting it up involves. */
export interface SetupChoice {
  profile: string;
  /** Why it is offered; "set_up" for a profile that already has a code source (set it up again). */
  state: SetupState | "set_up";
  /** What the dropdown shows next to the name. */
  detail: string;
  /** [P] itself holds the long-term keys: setup must move them to [P-mfa] (`--move-keys`). */
  needsMoveKeys: boolean;
}

/**
 * The profiles the form offers: every candidate (including profiles that are not MFA-managed
 * yet) in awsmfa's order, then the session profiles that are already set up, by name. Role
 * profiles ride on their base's setup and are not offered.
 */
export function setupChoices(candidates: SetupCandidate[], profiles: Profile[]): SetupChoice[] {
  const offered = new Set(candidates.map((candidate) => candidate.profile));
  const fromCandidates = candidates.map((candidate) => ({
    profile: candidate.profile,
    state: candidate.state,
    detail: candidate.detail,
    needsMoveKeys: candidate.state === "keys_in_profile",
  }));
  const setUp = profiles
    .filter((profile) => profile.via === null && !profile.needsSetup && !offered.has(profile.name))
    .map((profile) => profile.name)
    .filter((name, index, all) => all.indexOf(name) === index)
    .sort()
    .map((name) => ({ profile: name, state: "set_up" as const, detail: "already set up", needsMoveKeys: false }));
  return [...fromCandidates, ...setUp];
}

/**
 * The candidates the Sessions list shows in a section of their own: those not already a row
 * of the list (a listed profile that needs setup gets the Set Up… action on its own row),
 * matching `query` like the list does (case-insensitively, in order of the letters).
 */
export function unlistedCandidates(candidates: SetupCandidate[], profiles: Profile[], query: string): SetupCandidate[] {
  const listed = new Set(profiles.map((profile) => profile.name));
  const letters = query.trim().toLowerCase();
  return candidates.filter((candidate) => {
    if (listed.has(candidate.profile)) return false;
    let at = 0;
    const name = candidate.profile.toLowerCase();
    for (const letter of letters) {
      at = name.indexOf(letter, at);
      if (at < 0) return false;
      at += 1;
    }
    return true;
  });
}

/** The device the form picks first: the one awsmfa proposes, else the first. */
export function proposedDevice(devices: MfaDevice[]): string | undefined {
  return (devices.find((device) => device.proposed) ?? devices[0])?.serial;
}

/** The item the form picks first: the one awsmfa proposes, else none (the person chooses). */
export function proposedItem(items: OpItem[]): string | undefined {
  return items.find((item) => item.proposed)?.id;
}

/** "Private · signin.aws.amazon.com": where an item is, for the dropdown. */
export function itemDescription(item: OpItem): string {
  const url = item.urls[0];
  if (url === undefined) return item.vault;
  let host = url;
  try {
    host = new URL(url).host || url;
  } catch {
    // Not a full address: show it as it is.
  }
  return `${item.vault} · ${host}`;
}

const DEVICE_SOURCE_LABELS: Record<DeviceSource, string> = {
  keychain: "stored in the keychain",
  config: "mfa_serial in ~/.aws/config",
  iam: "from AWS IAM",
};

/** Where a device came from, for the dropdown. */
export function deviceDescription(device: MfaDevice): string {
  return DEVICE_SOURCE_LABELS[device.source];
}

/** What the form submits. */
export interface SetupFormValues {
  profile: string;
  moveKeys: boolean;
  /** The chosen or typed MFA device ARN. */
  serial: string;
  /** The chosen 1Password item's ID; empty for none (codes typed by hand). */
  opItem: string;
  /** Session length, e.g. "12h"; empty for awsmfa's default. */
  duration: string;
}

export type SetupProblems = Partial<Record<keyof SetupFormValues, string>>;

/**
 * What is wrong with the form, field by field (empty when nothing is). awsmfa checks the same
 * and more; checking here lets the form say it under the field before anything runs.
 */
export function setupProblems(values: SetupFormValues, choice: SetupChoice | undefined): SetupProblems {
  const problems: SetupProblems = {};
  if (choice === undefined) {
    problems.profile = "Choose the profile to set up.";
    return problems;
  }
  if (choice.needsMoveKeys && !values.moveKeys) {
    problems.moveKeys = `awsmfa writes sessions into [${choice.profile}], so its long-term keys must move to [${choice.profile}-mfa] first.`;
  }
  const serial = values.serial.trim();
  if (serial.length === 0) problems.serial = "Choose or enter the MFA device.";
  else if (/\s/.test(serial)) problems.serial = "An MFA device ARN has no spaces.";
  const duration = values.duration.trim();
  if (duration.length > 0 && !/^[0-9]+[smh]?$/.test(duration)) {
    problems.duration = "A number of seconds, or a number with s, m or h (for example 12h).";
  }
  return problems;
}

/** The arguments of the `awsmfa setup` the form runs; options before `--`, the profile after. */
export function setupArguments(values: SetupFormValues, choice: SetupChoice): string[] {
  const args = ["setup", "--format", "json", "--serial", values.serial.trim()];
  if (values.opItem.length > 0) args.push("--op-item", values.opItem);
  if (choice.needsMoveKeys && values.moveKeys) args.push("--move-keys");
  const duration = values.duration.trim();
  if (duration.length > 0) args.push("--duration", duration);
  args.push("--", choice.profile);
  return args;
}

// ---------------------------------------------------------------------------------------
// Commands.

/** `awsmfa setup`: what can be set up (files only). */
export function listSetupCandidates(options: AwsmfaOptions): Promise<SetupCandidate[]> {
  return runJson(
    ["setup", "--format", "json"],
    { ...options, timeoutMs: SETUP_TIMEOUTS_MS.candidates },
    parseSetupCandidates,
  );
}

/** `awsmfa setup PROFILE --list-devices`: the MFA devices to choose from (may ask AWS IAM). */
export function listDevices(options: AwsmfaOptions, profile: string): Promise<MfaDevice[]> {
  return runJson(
    ["setup", "--list-devices", "--format", "json", "--", profile],
    { ...options, timeoutMs: SETUP_TIMEOUTS_MS.devices },
    parseDevices,
  );
}

/** `awsmfa setup PROFILE --list-op-items`: the 1Password items with a one-time password. */
export function listOpItems(options: AwsmfaOptions, profile: string): Promise<OpItemList> {
  return runJson(
    ["setup", "--list-op-items", "--format", "json", "--", profile],
    { ...options, timeoutMs: SETUP_TIMEOUTS_MS.opItems },
    parseOpItems,
  );
}

/** Runs the setup the form describes. */
export function runSetup(
  options: AwsmfaOptions,
  values: SetupFormValues,
  choice: SetupChoice,
  onProgress?: RunOptions["onProgress"],
): Promise<SetupResult> {
  return runJson(
    setupArguments(values, choice),
    { ...options, timeoutMs: SETUP_TIMEOUTS_MS.setup, onProgress },
    parseSetupResult,
  );
}
