// Set Up AWS MFA Profile: the setup form on its own. Once a profile is set up, AWS MFA Sessions
// opens, refreshing the new profile when the person asked for a first login.

import { LaunchProps } from "@raycast/api";
import { openSessions } from "./ui/launch";
import { SetupForm } from "./ui/setup-form";

/** What another command (the menu bar, or a deeplink) can pass: the profile to preselect. */
export interface SetupLaunchContext {
  profile?: string;
}

export default function Command(props: LaunchProps<{ launchContext?: SetupLaunchContext }>) {
  return (
    <SetupForm
      profile={props.launchContext?.profile}
      after={{
        onSetUp: (profile, refresh) => void openSessions(refresh ? { refreshProfile: profile } : undefined),
      }}
    />
  );
}
