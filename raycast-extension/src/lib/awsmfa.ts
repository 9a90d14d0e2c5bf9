// Running the awsmfa binary and reading what it prints. Spawning is split from parsing:
// `runAwsmfa` only runs a process, the `parse…` functions are pure and take its stdout.
// Nothing here imports @raycast/api, so all of it runs under plain Node in the tests.

import { spawn } from "node:child_process";
import { dirname, delimiter } from "node:path";
import {
  AwsmfaError,
  BinaryNotFoundError,
  errorFromOutcome,
  ProcessOutcome,
  stderrMessage,
  UNEXPECTED_OUTPUT,
} from "./errors";

export type SessionStatus = "valid" | "expiring" | "expired" | "no_session";

const STATUSES: readonly SessionStatus[] = ["valid", "expiring", "expired", "no_session"];

/** One MFA-managed profile as `awsmfa list --format json` describes it. */
export interface Profile {
  name: string;
  /** For a role profile (role_arn + source_profile in ~/.aws/config): the session profile it rides on. */
  via: string | null;
  status: SessionStatus;
  /** RFC 3339 expiry of the session keys, or null when none is recorded. */
  expiresAt: string | null;
  /** Seconds left when awsmfa ran (negative once expired), or null with no recorded expiry. */
  secondsLeft: number | null;
  sourceProfile: string | null;
  region: string | null;
  roleArn: string | null;
  /** No way to get a one-time code is configured; `setupHint` is then the command to run. */
  needsSetup: boolean;
  setupHint: string | null;
}

export interface LoginResult {
  profile: string;
  expiresAt: string;
  secondsLeft: number;
}

export interface LogoutResult {
  profile: string;
  loggedOut: boolean;
}

/** How long each command may take before it is stopped. */
export const TIMEOUTS_MS = {
  /** Read-only and local: awsmfa answers in milliseconds. */
  list: 5_000,
  status: 5_000,
  logout: 10_000,
  /**
   * awsmfa's own worst case, so that the extension never gives up on a login awsmfa would
   * still finish: the wait for the next code window (31 s), the keychain (10 s), 1Password
   * waiting for Touch ID or the account password (90 s), STS (20 s), and 9 s to spare.
   */
  login: (31 + 10 + 90 + 20 + 9) * 1000,
} as const;

/** Folders added to the end of PATH for the child, where Homebrew and cargo put `op` and friends. */
const EXTRA_PATH = ["/opt/homebrew/bin", "/usr/local/bin"];

export interface AwsmfaOptions {
  /** Absolute path of the awsmfa binary (see resolveBinary). */
  binary: string;
  /**
   * The environment awsmfa runs with; process.env by default. Set it to point awsmfa at other
   * files, e.g. `{ ...process.env, AWS_SHARED_CREDENTIALS_FILE: "/path/credentials" }`.
   */
  env?: NodeJS.ProcessEnv;
}

export interface RunOptions extends AwsmfaOptions {
  timeoutMs: number;
  /** Called with each progress line awsmfa writes to stderr, as it arrives. */
  onProgress?: (line: string) => void;
  /**
   * Written to awsmfa's stdin, which is then closed: how a secret reaches it (never in its
   * arguments or environment, which other programs can read). Without it stdin is empty.
   */
  stdin?: string;
}

/**
 * The child's environment: `env` with the binary's own folder, /opt/homebrew/bin and
 * /usr/local/bin appended to PATH where missing, since Raycast does not pass on the login
 * shell's PATH and awsmfa may need to find `op` there.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, binary: string): NodeJS.ProcessEnv {
  const current = (env.PATH ?? "").split(delimiter).filter((entry) => entry.length > 0);
  const extra = [dirname(binary), ...EXTRA_PATH].filter((entry, index, all) => {
    return !current.includes(entry) && all.indexOf(entry) === index;
  });
  return { ...env, PATH: [...current, ...extra].join(delimiter) };
}

/** A stderr line that reports progress (every line except awsmfa's `awsmfa: <error>` line). */
function isProgressLine(line: string): boolean {
  return line.length > 0 && !line.startsWith("awsmfa: ");
}

/**
 * Runs awsmfa with `args` (no shell) and resolves with its output once it exits, whatever
 * its exit status. Rejects with BinaryNotFoundError when it cannot be started and with a
 * retryable `timeout` AwsmfaError when it runs longer than `timeoutMs` (it is then stopped).
 */
export function runAwsmfa(args: string[], options: RunOptions): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.binary, args, {
      env: childEnvironment(options.env ?? process.env, options.binary),
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
    });
    // awsmfa may exit before it reads (a profile that does not exist): that is no error here.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");

    let stdout = "";
    let stderr = "";
    let pendingLine = "";
    let settled = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      pendingLine += chunk;
      const lines = pendingLine.split(/\r?\n/);
      pendingLine = lines.pop() ?? "";
      for (const line of lines.map((l) => l.trim()).filter(isProgressLine)) options.onProgress?.(line);
    });

    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 2_000);
      killTimer.unref();
      const seconds = Math.round(options.timeoutMs / 1000);
      const progress = stderrMessage(stderr);
      const hint =
        args[0] === "login"
          ? "If 1Password is waiting for Touch ID or your password, answer it and try again."
          : "Try again; if it keeps happening, run the same command in a terminal with AWSMFA_LOG=debug.";
      reject(
        new AwsmfaError({
          kind: "timeout",
          message: `awsmfa ${args[0]} did not finish within ${seconds} s${progress ? ` (last step: ${progress})` : ""}. ${hint}`,
          retryable: true,
        }),
      );
    }, options.timeoutMs);

    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      if (error.code === "ENOENT" || error.code === "EACCES" || error.code === "ENOEXEC") {
        reject(
          new BinaryNotFoundError(
            `Cannot run ${options.binary} (${error.code}): check that it is the awsmfa binary for this Mac and that it is executable.`,
            [options.binary],
            null,
          ),
        );
      } else {
        reject(new AwsmfaError({ kind: "internal", message: `Cannot run ${options.binary}: ${error.message}` }));
      }
    });

    child.on("close", (exitStatus, signal) => {
      clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      const last = pendingLine.trim();
      if (isProgressLine(last) && !settled) options.onProgress?.(last);
      if (settled) return;
      settled = true;
      resolve({ stdout, stderr, exitStatus, signal });
    });
  });
}

// ---------------------------------------------------------------------------------------
// Parsing. Each function takes stdout of a successful run and checks its shape: a binary
// from another release fails with a message that says so instead of a broken list.

export function unexpected(what: string, detail: string): AwsmfaError {
  return new AwsmfaError({
    kind: UNEXPECTED_OUTPUT,
    message: `awsmfa printed ${what} this extension cannot read (${detail}). Update awsmfa and this extension to the same release.`,
  });
}

export function parseJson(stdout: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    const start = stdout.trim().slice(0, 60);
    throw unexpected(what, start.length > 0 ? `not JSON: ${JSON.stringify(start)}` : "no output");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw unexpected(what, "not a JSON object");
  }
  return value as Record<string, unknown>;
}

export function stringField(object: Record<string, unknown>, key: string, what: string): string {
  const value = object[key];
  if (typeof value !== "string") throw unexpected(what, `"${key}" is not a string`);
  return value;
}

export function optionalString(object: Record<string, unknown>, key: string, what: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw unexpected(what, `"${key}" is not a string or null`);
  return value;
}

function optionalInteger(object: Record<string, unknown>, key: string, what: string): number | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value)) throw unexpected(what, `"${key}" is not an integer`);
  return value;
}

function parseProfileObject(value: unknown, what: string): Profile {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw unexpected(what, "a profile is not an object");
  }
  const object = value as Record<string, unknown>;
  const status = stringField(object, "status", what);
  if (!STATUSES.includes(status as SessionStatus)) throw unexpected(what, `unknown status "${status}"`);
  const needsSetup = object.needs_setup;
  if (needsSetup !== undefined && typeof needsSetup !== "boolean") {
    throw unexpected(what, `"needs_setup" is not true or false`);
  }
  return {
    name: stringField(object, "name", what),
    via: optionalString(object, "via", what),
    status: status as SessionStatus,
    expiresAt: optionalString(object, "expires_at", what),
    secondsLeft: optionalInteger(object, "seconds_left", what),
    sourceProfile: optionalString(object, "source_profile", what),
    region: optionalString(object, "region", what),
    roleArn: optionalString(object, "role_arn", what),
    needsSetup: needsSetup === true,
    setupHint: optionalString(object, "setup_hint", what),
  };
}

/** Profiles from `awsmfa list --format json`, in the order awsmfa ranked them. */
export function parseListOutput(stdout: string): Profile[] {
  const what = "a profile list";
  const profiles = parseJson(stdout, what).profiles;
  if (!Array.isArray(profiles)) throw unexpected(what, `"profiles" is not a list`);
  return profiles.map((profile) => parseProfileObject(profile, what));
}

/**
 * What makes the AWS CLI refuse one of the AWS files (a byte-order mark, a section twice),
 * from `awsmfa list --format json`: one line each, with the fix. Absent when there is none.
 */
export function parseListWarnings(stdout: string): string[] {
  const warnings = parseJson(stdout, "a profile list").warnings;
  if (warnings === undefined) return [];
  if (!Array.isArray(warnings) || !warnings.every((w) => typeof w === "string")) {
    throw unexpected("a profile list", `"warnings" is not a list of lines`);
  }
  return warnings;
}

/** The profile from `awsmfa status PROFILE --format json`. */
export function parseStatusOutput(stdout: string): Profile {
  return parseProfileObject(parseJson(stdout, "a profile status"), "a profile status");
}

/** The new session from `awsmfa login PROFILE --format json`. */
export function parseLoginOutput(stdout: string): LoginResult {
  const what = "a login result";
  const object = parseJson(stdout, what);
  const secondsLeft = optionalInteger(object, "seconds_left", what);
  if (secondsLeft === null) throw unexpected(what, `"seconds_left" is missing`);
  return {
    profile: stringField(object, "profile", what),
    expiresAt: stringField(object, "expires_at", what),
    secondsLeft,
  };
}

/** The answer of `awsmfa logout PROFILE --format json`. */
export function parseLogoutOutput(stdout: string): LogoutResult {
  const what = "a logout result";
  const object = parseJson(stdout, what);
  if (typeof object.logged_out !== "boolean") throw unexpected(what, `"logged_out" is not true or false`);
  return { profile: stringField(object, "profile", what), loggedOut: object.logged_out };
}

// ---------------------------------------------------------------------------------------
// Commands. Options and `--format json` come before `--`, so a profile name or search text
// that starts with "-" is never read as an option.

export async function runJson<T>(args: string[], options: RunOptions, parse: (stdout: string) => T): Promise<T> {
  const outcome = await runAwsmfa(args, options);
  if (outcome.exitStatus !== 0) throw errorFromOutcome(outcome);
  return parse(outcome.stdout);
}

/** `awsmfa list [QUERY]`: every MFA-managed profile, best match for `query` first. */
export function listProfiles(options: AwsmfaOptions, query = ""): Promise<Profile[]> {
  return listSessions(options, query).then((list) => list.profiles);
}

/** `awsmfa list [QUERY]` with what awsmfa warns of. */
export function listSessions(options: AwsmfaOptions, query = ""): Promise<{ profiles: Profile[]; warnings: string[] }> {
  const args = ["list", "--format", "json"];
  if (query.trim().length > 0) args.push("--", query.trim());
  return runJson(args, { ...options, timeoutMs: TIMEOUTS_MS.list }, (stdout) => ({
    profiles: parseListOutput(stdout),
    warnings: parseListWarnings(stdout),
  }));
}

/** `awsmfa status PROFILE`. */
export function profileStatus(options: AwsmfaOptions, profile: string): Promise<Profile> {
  return runJson(
    ["status", "--format", "json", "--", profile],
    { ...options, timeoutMs: TIMEOUTS_MS.status },
    parseStatusOutput,
  );
}

export interface LoginOptions {
  /** Session length passed as --duration (e.g. "12h"); awsmfa's default when empty. */
  duration?: string;
  /**
   * A one-time code the person typed, used instead of 1Password or mfa_process. It goes to
   * awsmfa on stdin (`--code-stdin`), never as an argument; one that is not 6 digits is
   * refused before awsmfa runs.
   */
  code?: string;
  onProgress?: (line: string) => void;
}

/**
 * What is wrong with `text` as a one-time code (6 digits, spaces around them allowed), or
 * null when it is one. awsmfa checks the same; checking first lets a form say it at once.
 */
export function codeProblem(text: string): string | null {
  const code = text.trim();
  if (code.length === 0) return "Enter the 6-digit one-time code.";
  return /^[0-9]{6}$/.test(code) ? null : "A one-time code is exactly 6 digits (0-9).";
}

/** `awsmfa login PROFILE`: fetches a one-time code, calls STS and writes the new session. */
export async function login(
  options: AwsmfaOptions,
  profile: string,
  loginOptions: LoginOptions = {},
): Promise<LoginResult> {
  const args = ["login", "--format", "json"];
  const duration = loginOptions.duration?.trim() ?? "";
  if (duration.length > 0) args.push("--duration", duration);
  let stdin: string | undefined;
  if (loginOptions.code !== undefined) {
    const problem = codeProblem(loginOptions.code);
    if (problem !== null) throw new AwsmfaError({ kind: "invalid_code", message: problem });
    args.push("--code-stdin");
    stdin = `${loginOptions.code.trim()}\n`;
  }
  args.push("--", profile);
  return runJson(
    args,
    { ...options, timeoutMs: TIMEOUTS_MS.login, onProgress: loginOptions.onProgress, stdin },
    parseLoginOutput,
  );
}

/** `awsmfa logout PROFILE`: removes the session keys, keeps the long-term ones. */
export function logout(options: AwsmfaOptions, profile: string): Promise<LogoutResult> {
  return runJson(
    ["logout", "--format", "json", "--", profile],
    { ...options, timeoutMs: TIMEOUTS_MS.logout },
    parseLogoutOutput,
  );
}
