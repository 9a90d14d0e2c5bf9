// `awsmfa doctor --format json`: every check of the setup with its fix, for the Setup
// Checklist. Unlike the other commands, doctor exits non-zero when a check fails and still
// prints its checks: that is an answer, not an error.

import { AwsmfaOptions, optionalString, parseJson, runAwsmfa, stringField, unexpected } from "./awsmfa";
import { errorFromOutcome } from "./errors";

export type CheckStatus = "ok" | "warn" | "fail";

const CHECK_STATUSES: readonly CheckStatus[] = ["ok", "warn", "fail"];

export interface DoctorCheck {
  /** Stable name, e.g. "op_found". */
  check: string;
  status: CheckStatus;
  /** The profile the check is about, or null for the machine as a whole. */
  profile: string | null;
  title: string;
  detail: string;
  /** What to do, when there is something to do. */
  fix: string | null;
}

export interface DoctorReport {
  /** No check failed (warnings allowed). */
  ok: boolean;
  checks: DoctorCheck[];
}

/** Long enough for 1Password waiting for Touch ID (90 s), the keychain and AWS. */
export const DOCTOR_TIMEOUT_MS = 150_000;

/** The report in `awsmfa doctor --format json`'s stdout. */
export function parseDoctorOutput(stdout: string): DoctorReport {
  const what = "a doctor report";
  const object = parseJson(stdout, what);
  if (typeof object.ok !== "boolean") throw unexpected(what, `"ok" is not true or false`);
  if (!Array.isArray(object.checks)) throw unexpected(what, `"checks" is not a list`);
  const checks = object.checks.map((value: unknown) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw unexpected(what, "a check is not an object");
    }
    const check = value as Record<string, unknown>;
    const status = stringField(check, "status", what);
    if (!CHECK_STATUSES.includes(status as CheckStatus)) throw unexpected(what, `unknown status "${status}"`);
    return {
      check: stringField(check, "check", what),
      status: status as CheckStatus,
      profile: optionalString(check, "profile", what),
      title: stringField(check, "title", what),
      detail: stringField(check, "detail", what),
      fix: optionalString(check, "fix", what),
    };
  });
  return { ok: object.ok, checks };
}

/** The checklist's sections: what fails, then what to look at, then what is fine; awsmfa's order within each. */
export function checklistSections(report: DoctorReport): { status: CheckStatus; checks: DoctorCheck[] }[] {
  const order: CheckStatus[] = ["fail", "warn", "ok"];
  return order
    .map((status) => ({ status, checks: report.checks.filter((check) => check.status === status) }))
    .filter((section) => section.checks.length > 0);
}

/** "2 problems, 1 warning", "1 warning", or "Everything is set up". */
export function checklistSummary(report: DoctorReport): string {
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [
    ...(count("fail") > 0 ? [plural(count("fail"), "problem")] : []),
    ...(count("warn") > 0 ? [plural(count("warn"), "warning")] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : "Everything is set up";
}

/** `awsmfa doctor`: the checks, whether they pass or not; an error only when awsmfa could not check. */
export async function runDoctor(options: AwsmfaOptions): Promise<DoctorReport> {
  const outcome = await runAwsmfa(["doctor", "--format", "json"], { ...options, timeoutMs: DOCTOR_TIMEOUT_MS });
  if (outcome.exitStatus !== 0) {
    let hasChecks = false;
    try {
      hasChecks = Array.isArray((JSON.parse(outcome.stdout) as { checks?: unknown }).checks);
    } catch {
      hasChecks = false;
    }
    if (!hasChecks) throw errorFromOutcome(outcome);
  }
  return parseDoctorOutput(outcome.stdout);
}
