// The extension preferences (declared in package.json) and the awsmfa options they imply.

import { getPreferenceValues } from "@raycast/api";
import { AwsmfaOptions } from "../lib/awsmfa";
import { resolveBinary } from "../lib/binary";

export interface ExtensionPreferences {
  /** Full path of the awsmfa binary; empty means "search the default locations". */
  awsmfaPath?: string;
  /** Session length passed to `awsmfa login --duration`; empty means awsmfa's default. */
  defaultDuration?: string;
}

/** Options for every awsmfa call: the resolved binary and Raycast's own environment. */
export function awsmfaOptions(): AwsmfaOptions {
  const preferences = getPreferenceValues<ExtensionPreferences>();
  return { binary: resolveBinary({ configured: preferences.awsmfaPath }) };
}

/** The Session Length preference, trimmed (empty when unset). */
export function sessionDuration(): string {
  return getPreferenceValues<ExtensionPreferences>().defaultDuration?.trim() ?? "";
}
