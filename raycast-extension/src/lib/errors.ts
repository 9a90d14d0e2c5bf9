// Typed errors for everything that can go wrong between the extension and the awsmfa
// binary. The binary reports `{"error": {"kind", "message", "retryable"}}` with
// `--format json`; each kind gets a short title here, the message stays the binary's own
// (it already says what to do).

/** Kinds the extension itself produces, next to the binary's own. */
export const BINARY_NOT_FOUND = "binary_not_found";
export const UNEXPECTED_OUTPUT = "unexpected_output";

/**
 * A title for every kind in awsmfa's catalogue (`error-kinds.json`, generated from the
 * binary's `ErrorKind`; `test/catalogue.test.ts` checks that none is missing), and for the
 * kinds this extension reports itself.
 */
export const KIND_TITLES: Readonly<Record<string, string>> = {
  // Files, reminders and the unexpected (exit status 1).
  io: "Cannot read or write AWS files",
  file_changed: "Another program changed the file",
  internal: "awsmfa failed",
  notify_failed: "Reminder could not be posted",
  doctor_failed: "awsmfa doctor found a problem",
  reminders_schedule: "Reminders could not be scheduled",
  reminders_unavailable: "Reminders unavailable here",
  refresh_busy: "Another refresh is still running",
  // Usage (exit status 2).
  invalid_option: "Invalid option",
  // Profile and configuration (exit status 3).
  profile_not_found: "Profile not found",
  not_mfa_profile: "Not an MFA profile",
  config_invalid: "AWS config has an error",
  invalid_endpoint: "Invalid AWS endpoint setting",
  invalid_duration: "Invalid session length",
  invalid_remind: "Invalid reminder time",
  no_serial: "No MFA device set up",
  no_code_source: "No one-time code source set up",
  // One-time code sources (exit status 4).
  op_not_installed: "1Password CLI not installed",
  op_not_signed_in: "1Password CLI not signed in",
  op_locked: "1Password is locked",
  op_item_not_found: "1Password item not found",
  op_item_ambiguous: "Several 1Password items match",
  op_no_otp: "1Password item has no one-time code",
  op_timeout: "1Password did not answer",
  op_failed: "1Password CLI failed",
  ykman_not_installed: "YubiKey Manager CLI not installed",
  yubikey_not_inserted: "No YubiKey to use",
  yubikey_touch_timeout: "YubiKey was not touched",
  yubikey_password_required: "YubiKey needs its OATH password",
  ykman_account_not_found: "YubiKey account not found",
  ykman_account_ambiguous: "Several YubiKey accounts match",
  ykman_failed: "YubiKey Manager CLI failed",
  code_command_failed: "One-time code command failed",
  invalid_code: "Invalid one-time code",
  // AWS (exit status 5) and the network (6).
  sts_invalid_code: "AWS rejected the one-time code",
  sts_invalid_serial: "AWS rejected the MFA device",
  sts_session_credentials: "Source profile holds session keys",
  sts_invalid_key: "AWS does not know the access key",
  sts_expired_key: "Access key expired",
  sts_access_denied: "AWS denied access",
  sts_throttled: "AWS is throttling requests",
  iam_access_denied: "AWS IAM denied access",
  clock_off: "This Mac's clock is off",
  aws_unavailable: "AWS is having trouble",
  network: "Cannot reach AWS",
  timeout: "awsmfa timed out",
  // Keychain (7).
  keychain: "Keychain error",
  keychain_timeout: "Keychain did not answer",
  // exec (126, 127): not run by the extension, titled for completeness.
  command_not_runnable: "Command cannot be run",
  command_not_found: "Command not found",
  // Used only when awsmfa exits without a JSON error: named after the exit status.
  usage: "awsmfa rejected the command",
  profile_problem: "AWS profile problem",
  code_source_failed: "Cannot get the one-time code",
  aws_rejected: "AWS rejected the request",
  [BINARY_NOT_FOUND]: "awsmfa not found",
  [UNEXPECTED_OUTPUT]: "Unexpected output from awsmfa",
};

/**
 * What a kind is called when awsmfa printed no JSON error (for example a usage error from
 * its argument parser), derived from the documented exit status.
 */
export const KIND_BY_EXIT_STATUS: Readonly<Record<number, string>> = {
  1: "internal",
  2: "usage",
  3: "profile_problem",
  4: "code_source_failed",
  5: "aws_rejected",
  6: "network",
  7: "keychain",
  126: "command_not_runnable",
  127: "command_not_found",
};

/** Kinds worth retrying as they are when the binary did not say. */
export const RETRYABLE_WITHOUT_JSON: ReadonlySet<string> = new Set(["network", "timeout"]);

/** The title shown for an error kind; unknown kinds (from a newer awsmfa) get a generic one. */
export function titleForKind(kind: string): string {
  return Object.hasOwn(KIND_TITLES, kind) ? KIND_TITLES[kind] : "awsmfa failed";
}

/**
 * The message as Raycast shows it. awsmfa's message says what happened and what to do;
 * for a retryable failure this extension words the retry itself, since it is the one that
 * offers it (the Try Again action, ⌘R).
 */
export function shownMessage(error: AwsmfaError): string {
  return error.retryable ? `${error.message}, then choose Try Again (⌘R)` : error.message;
}

export interface AwsmfaErrorInit {
  kind: string;
  message: string;
  retryable?: boolean;
  exitStatus?: number | null;
}

/** A failure with a stable kind, a short title, and a message that says what to do. */
export class AwsmfaError extends Error {
  readonly kind: string;
  readonly title: string;
  readonly retryable: boolean;
  readonly exitStatus: number | null;

  constructor(init: AwsmfaErrorInit) {
    super(init.message);
    this.name = "AwsmfaError";
    this.kind = init.kind;
    this.title = titleForKind(init.kind);
    this.retryable = init.retryable ?? false;
    this.exitStatus = init.exitStatus ?? null;
  }
}

/** The binary could not be found or started; `searched` lists every path that was tried. */
export class BinaryNotFoundError extends AwsmfaError {
  readonly searched: string[];
  /** The path from the extension preferences, when one is set. */
  readonly configured: string | null;

  constructor(message: string, searched: string[], configured: string | null) {
    super({ kind: BINARY_NOT_FOUND, message });
    this.name = "BinaryNotFoundError";
    this.searched = searched;
    this.configured = configured;
  }
}

/** What a finished awsmfa process left behind. */
export interface ProcessOutcome {
  stdout: string;
  stderr: string;
  exitStatus: number | null;
  signal: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `{"error": {...}}` object from stdout, if awsmfa printed one. */
function jsonError(stdout: string): { kind: string; message: string; retryable: boolean } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.error)) return null;
  const { kind, message, retryable } = parsed.error;
  if (typeof kind !== "string" || typeof message !== "string") return null;
  return { kind, message, retryable: retryable === true };
}

/**
 * The line of stderr that says what went wrong: awsmfa's own `awsmfa: <message>` line
 * without its prefix, else the argument parser's `error: …` line, else the last line.
 */
export function stderrMessage(stderr: string): string | null {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const errorLine = [...lines].reverse().find((line) => line.startsWith("awsmfa: "));
  if (errorLine) return errorLine.slice("awsmfa: ".length);
  return lines.find((line) => line.startsWith("error: ")) ?? lines.at(-1) ?? null;
}

function sentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** Turns a failed run (non-zero exit or a signal) into a typed error. */
export function errorFromOutcome(outcome: ProcessOutcome): AwsmfaError {
  const fromJson = jsonError(outcome.stdout.trim());
  if (fromJson) return new AwsmfaError({ ...fromJson, exitStatus: outcome.exitStatus });

  if (outcome.exitStatus === null) {
    return new AwsmfaError({
      kind: "internal",
      message: `awsmfa was stopped by signal ${outcome.signal ?? "unknown"} before it finished: try again.`,
      retryable: true,
    });
  }
  const kind = KIND_BY_EXIT_STATUS[outcome.exitStatus] ?? "internal";
  const message =
    stderrMessage(outcome.stderr) ?? `awsmfa exited with status ${outcome.exitStatus} without saying why.`;
  const hint =
    kind === "usage"
      ? " This extension and the installed awsmfa may be from different releases: update both to the same release."
      : "";
  return new AwsmfaError({
    kind,
    message: hint ? sentence(message) + hint : message,
    retryable: RETRYABLE_WITHOUT_JSON.has(kind),
    exitStatus: outcome.exitStatus,
  });
}

/** Any thrown value as an AwsmfaError, so the UI has one shape to show. */
export function asAwsmfaError(error: unknown): AwsmfaError {
  if (error instanceof AwsmfaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsmfaError({ kind: "internal", message });
}
