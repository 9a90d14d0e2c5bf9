// An awsmfa stand-in: a small shell script that records how it was run (arguments,
// environment, stdin), then does what the test says. The extension's own code runs it as it
// runs the real binary.

import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { recorded as raycast } from "./raycast-api";

export interface FakeAwsmfa {
  /** The arguments of the last run. */
  args: () => string[];
  environment: () => string;
  stdin: () => string;
}

/**
 * Writes the stand-in into `root`, runs `body` (shell) after recording, and makes it the awsmfa
 * Binary preference (with a Session Length of 12h).
 */
export function useFakeAwsmfaIn(root: string, body: string): FakeAwsmfa {
  const binary = join(root, "awsmfa");
  const file = (name: string) => join(root, name);
  writeFileSync(
    binary,
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${file("args")}'\nenv > '${file("env")}'\ncat > '${file("stdin")}'\n${body}\n`,
  );
  chmodSync(binary, 0o755);
  raycast.preferences = { awsmfaPath: binary, defaultDuration: "12h" };
  return {
    args: () => readFileSync(file("args"), "utf8").split("\n").slice(0, -1),
    environment: () => readFileSync(file("env"), "utf8"),
    stdin: () => readFileSync(file("stdin"), "utf8"),
  };
}

/** Shell that fails as awsmfa does with --format json: the error object, the stderr line, the exit status. */
export function failWith(kind: string, message: string, retryable: boolean, exitStatus: number): string {
  return [
    `echo '{"error": {"kind": "${kind}", "message": "${message}", "retryable": ${retryable}}}'`,
    `echo 'awsmfa: ${message}' >&2`,
    `exit ${exitStatus}`,
  ].join("\n");
}
