// Opening AWS MFA Sessions from the menu bar, optionally refreshing one profile on arrival.

import { launchCommand, LaunchType } from "@raycast/api";

/** What the menu bar passes to AWS MFA Sessions. */
export interface SessionsLaunchContext {
  /** Refresh this profile as soon as the list opens. */
  refreshProfile?: string;
}

export function openSessions(context?: SessionsLaunchContext): Promise<void> {
  return launchCommand({ name: "sessions", type: LaunchType.UserInitiated, context });
}
