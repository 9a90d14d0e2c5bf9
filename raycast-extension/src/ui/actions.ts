// Refresh and Log Out, with the toasts that report them. Used by the Sessions command (and,
// through it, by the menu bar, which opens Sessions to refresh a profile).

import {
  Alert,
  confirmAlert,
  launchCommand,
  LaunchType,
  openExtensionPreferences,
  showToast,
  Toast,
} from "@raycast/api";
import { codeProblem, login, logout } from "../lib/awsmfa";
import { asAwsmfaError, AwsmfaError, BINARY_NOT_FOUND, shownMessage } from "../lib/errors";
import { formatClock, formatDuration } from "../lib/format";
import { awsmfaOptions, sessionDuration } from "./preferences";

/** Kinds fixed in the extension preferences: their failure toast offers to open them. */
const PREFERENCE_KINDS = new Set([BINARY_NOT_FOUND, "invalid_duration"]);

/** Asks the menu bar command to redraw now; it may be disabled, which is fine. */
export async function updateMenuBar(): Promise<void> {
  try {
    await launchCommand({ name: "menu-bar", type: LaunchType.Background });
  } catch {
    // The menu bar command is not enabled: nothing to update.
  }
}

/**
 * Turns `toast` into the failure toast for `error`: its kind's title, awsmfa's message, and
 * the one action that helps (Try Again for a retryable kind, the preferences for theirs).
 */
export function showFailure(toast: Toast, error: AwsmfaError, retry: () => void, typedCode = false): void {
  toast.style = Toast.Style.Failure;
  toast.title = error.title;
  toast.message = shownMessage(error);
  if (typedCode && error.kind === "sts_invalid_code") {
    // AWS refuses a code twice: trying the same one again cannot work, the next one can.
    toast.message = `${error.message}, then enter it and submit again`;
    toast.primaryAction = undefined;
  } else if (error.retryable) {
    toast.primaryAction = { title: "Try Again", shortcut: { modifiers: ["cmd"], key: "r" }, onAction: retry };
  } else if (PREFERENCE_KINDS.has(error.kind)) {
    toast.primaryAction = { title: "Open Extension Preferences", onAction: () => openExtensionPreferences() };
  } else {
    toast.primaryAction = undefined;
  }
}

/** A failure toast for anything thrown by a call to awsmfa, worded by its kind. */
export async function showErrorToast(error: unknown, retry: () => void): Promise<void> {
  const failure = asAwsmfaError(error);
  const toast = await showToast({ style: Toast.Style.Failure, title: failure.title });
  showFailure(toast, failure, retry);
}

/**
 * Runs `awsmfa login PROFILE` behind an animated toast whose title follows awsmfa's
 * progress lines ("Fetching code from 1Password…", "Calling AWS STS…"), then reports the
 * new expiry or the error. With `code` (typed by the person) awsmfa gets that code on stdin
 * instead of asking 1Password. Resolves true when the session was refreshed; `onChanged`
 * runs then, also after a successful Try Again.
 */
export async function refreshSession(profile: string, onChanged: () => void, code?: string): Promise<boolean> {
  const toast = await showToast({ style: Toast.Style.Animated, title: `Refreshing ${profile}…` });
  const retry = () => {
    void toast.hide();
    void refreshSession(profile, onChanged, code);
  };
  try {
    const result = await login(awsmfaOptions(), profile, {
      duration: sessionDuration(),
      code,
      onProgress: (line) => {
        toast.title = line;
        toast.message = profile;
      },
    });
    toast.style = Toast.Style.Success;
    toast.title = `Refreshed ${result.profile}`;
    toast.message = `Valid until ${formatClock(result.expiresAt, Date.now())} (${formatDuration(result.secondsLeft)})`;
    toast.primaryAction = undefined;
    onChanged();
    await updateMenuBar();
    return true;
  } catch (error) {
    showFailure(toast, asAwsmfaError(error), retry, code !== undefined);
    return false;
  }
}

/**
 * Submits the Refresh with Code form: a code that is not 6 digits goes back to the form
 * (`showError`, under the field) and awsmfa does not run; otherwise refreshSession with the
 * code. `onRefreshed` runs once the session is refreshed, also after a Try Again.
 */
export async function submitCode(
  profile: string,
  code: string,
  onRefreshed: () => void,
  showError: (message: string) => void,
): Promise<boolean> {
  const problem = codeProblem(code);
  if (problem !== null) {
    showError(problem);
    return false;
  }
  return refreshSession(profile, onRefreshed, code);
}

/** Asks, then runs `awsmfa logout PROFILE`, which removes only the session keys. */
export async function logOut(profile: string, onChanged: () => void): Promise<void> {
  const confirmed = await confirmAlert({
    title: `Log out of ${profile}?`,
    message: `This removes the session keys of [${profile}] from the AWS credentials file. The long-term keys stay.`,
    primaryAction: { title: "Log Out", style: Alert.ActionStyle.Destructive },
  });
  if (!confirmed) return;
  const toast = await showToast({ style: Toast.Style.Animated, title: `Logging out of ${profile}…` });
  try {
    await logout(awsmfaOptions(), profile);
    toast.style = Toast.Style.Success;
    toast.title = `Logged out of ${profile}`;
    onChanged();
    await updateMenuBar();
  } catch (error) {
    showFailure(toast, asAwsmfaError(error), () => void logOut(profile, onChanged));
  }
}
