// Opening AWS MFA Sessions from the menu bar, optionally refreshing one profile on arrival,
// and Set Up AWS MFA Profile on a profile.

import { launchCommand, LaunchType } from "@raycast/api";

/** What the menu bar passes to AWS MFA Sessions. */
export interface SessionsLaunchContext {
  /** Refresh this profile as soon as the list opens. */
  refreshProfile?: string;
}

export function openSessions(context?: SessionsLaunchContext): Promise<void> {
  return launchCommand({ name: "sessions", type: LaunchType.UserInitiated, context });
}

/** Opens Set Up AWS MFA Profile with `profile` chosen. */
export function openSetup(profile: string): Promise<void> {
  return launchCommand({ name: "setup", type: LaunchType.UserInitiated, context: { profile } });
}
