// A stand-in for the parts of @raycast/api that src/ui/actions.ts uses. The real module
// exists only inside Raycast; vitest.config.mts points "@raycast/api" here. It records
// what the extension asks of Raycast, so tests can check what the user would see.

export interface ToastAction {
  title: string;
  onAction: (toast: RecordingToast) => void;
}

/** A toast that keeps every title it was given, in order, like a user watching it. */
export class RecordingToast {
  titles: string[] = [];
  style: string;
  message?: string;
  primaryAction?: ToastAction;
  hidden = false;

  constructor(options: { title: string; style?: string; message?: string }) {
    this.titles.push(options.title);
    this.style = options.style ?? Toast.Style.Success;
    this.message = options.message;
  }

  get title(): string {
    return this.titles[this.titles.length - 1];
  }

  set title(title: string) {
    this.titles.push(title);
  }

  async hide(): Promise<void> {
    this.hidden = true;
  }
}

export const recorded = {
  toasts: [] as RecordingToast[],
  launched: [] as unknown[],
  preferencesOpened: 0,
  /** What the next confirmAlert answers. */
  confirmAnswer: true,
  /** Every confirmAlert asked, with its options. */
  alerts: [] as AlertOptions[],
  /** What getPreferenceValues returns. */
  preferences: {} as Record<string, string>,
};

export function resetRecorded(): void {
  recorded.toasts.length = 0;
  recorded.launched.length = 0;
  recorded.preferencesOpened = 0;
  recorded.confirmAnswer = true;
  recorded.alerts.length = 0;
  recorded.preferences = {};
}

export const Toast = { Style: { Success: "SUCCESS", Failure: "FAILURE", Animated: "ANIMATED" } };
export const Alert = { ActionStyle: { Default: "DEFAULT", Destructive: "DESTRUCTIVE", Cancel: "CANCEL" } };
export const LaunchType = { UserInitiated: "userInitiated", Background: "background" };

export async function showToast(options: { title: string; style?: string; message?: string }) {
  const toast = new RecordingToast(options);
  recorded.toasts.push(toast);
  return toast;
}

export function getPreferenceValues() {
  return recorded.preferences;
}

/** Like Raycast when the menu bar command is not enabled: it throws. */
export async function launchCommand(options: unknown): Promise<void> {
  recorded.launched.push(options);
  throw new Error("Command is not enabled");
}

export async function openExtensionPreferences(): Promise<void> {
  recorded.preferencesOpened += 1;
}

export interface AlertOptions {
  title: string;
  message?: string;
  primaryAction?: { title: string };
  dismissAction?: { title: string };
}

export async function confirmAlert(options: AlertOptions): Promise<boolean> {
  recorded.alerts.push(options);
  return recorded.confirmAnswer;
}
