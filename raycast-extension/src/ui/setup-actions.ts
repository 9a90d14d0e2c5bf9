// Submitting the Set Up AWS MFA Profile form: `awsmfa setup` behind a toast that follows its
// progress, then the offer of a first refresh.

import { confirmAlert, showToast, Toast } from "@raycast/api";
import { asAwsmfaError } from "../lib/errors";
import { runSetup, SetupChoice, SetupFormValues, SetupProblems, setupProblems } from "../lib/setup";
import { refreshSession, showFailure } from "./actions";
import { awsmfaOptions } from "./preferences";

/** What happens after a setup that worked. */
export interface AfterSetup {
  /** Called once the profile is set up; `refresh` says whether the person asked to log in now. */
  onSetUp: (profile: string, refresh: boolean) => void;
}

/**
 * For a form pushed onto another view: back to that view, which `onChanged` reloads, and the
 * first refresh there when asked for.
 */
export function backAfterSetup(pop: () => void, onChanged: () => void): AfterSetup {
  return {
    onSetUp: (profile, refresh) => {
      pop();
      onChanged();
      if (refresh) void refreshSession(profile, onChanged);
    },
  };
}

/**
 * Checks the form (problems go back to it through `showProblems`, and awsmfa does not run),
 * runs `awsmfa setup`, and when it worked asks whether to log in now. A profile without a
 * 1Password item gets no such offer: its first login needs a code the person types.
 * Resolves true when the profile was set up.
 */
export async function submitSetup(
  values: SetupFormValues,
  choice: SetupChoice | undefined,
  after: AfterSetup,
  showProblems: (problems: SetupProblems) => void,
): Promise<boolean> {
  const problems = setupProblems(values, choice);
  showProblems(problems);
  if (choice === undefined || Object.keys(problems).length > 0) return false;

  const profile = choice.profile;
  const toast = await showToast({ style: Toast.Style.Animated, title: `Setting up ${profile}…` });
  const retry = () => {
    void toast.hide();
    void submitSetup(values, choice, after, showProblems);
  };
  try {
    const result = await runSetup(awsmfaOptions(), values, choice, (line) => {
      toast.title = line;
      toast.message = profile;
    });
    toast.style = Toast.Style.Success;
    toast.title = `Set up ${result.profile}`;
    toast.message = result.done.join("; ");
    toast.primaryAction = undefined;
  } catch (error) {
    showFailure(toast, asAwsmfaError(error), retry);
    return false;
  }

  const withItem = values.opItem.length > 0;
  const refresh =
    withItem &&
    (await confirmAlert({
      title: `Log in to ${profile} now?`,
      message: "awsmfa fetches the one-time code from the 1Password item you chose and starts a session.",
      primaryAction: { title: "Refresh Session" },
      dismissAction: { title: "Later" },
    }));
  if (!withItem) {
    toast.message = `${toast.message}. Log in with Refresh with Code… (⌘⇧R) in AWS MFA Sessions.`;
  }
  after.onSetUp(profile, refresh);
  return true;
}
