import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AwsmfaError,
  BINARY_NOT_FOUND,
  KIND_BY_EXIT_STATUS,
  KIND_TITLES,
  RETRYABLE_WITHOUT_JSON,
  shownMessage,
  titleForKind,
  UNEXPECTED_OUTPUT,
} from "../src/lib/errors";

// awsmfa's catalogue of error kinds, generated from the binary's ErrorKind by its tests.
interface Catalogue {
  exit_codes: { code: number; meaning: string }[];
  kinds: { kind: string; exit: number; retryable: boolean; meaning: string }[];
}
const catalogue: Catalogue = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "error-kinds.json"), "utf8"),
) as Catalogue;

describe("the extension and awsmfa's catalogue of error kinds", () => {
  it("has a title of its own for every kind awsmfa can report", () => {
    const untitled = catalogue.kinds.map((k) => k.kind).filter((kind) => !Object.hasOwn(KIND_TITLES, kind));
    expect(untitled).toEqual([]);
    for (const { kind } of catalogue.kinds) expect(titleForKind(kind)).not.toBe("");
  });

  it("names every failing exit status awsmfa documents", () => {
    for (const { code } of catalogue.exit_codes.filter((c) => c.code !== 0)) {
      expect(KIND_BY_EXIT_STATUS[code], `exit status ${code}`).toBeDefined();
    }
  });

  it("retries without awsmfa's word only what awsmfa itself calls retryable", () => {
    for (const kind of RETRYABLE_WITHOUT_JSON) {
      expect(catalogue.kinds.find((k) => k.kind === kind)?.retryable, kind).toBe(true);
    }
  });

  it("keeps its own kinds apart from awsmfa's", () => {
    const names = new Set(catalogue.kinds.map((k) => k.kind));
    expect(names.has(BINARY_NOT_FOUND)).toBe(false);
    expect(names.has(UNEXPECTED_OUTPUT)).toBe(false);
  });

  it("words the retry of a retryable failure as its own Try Again action", () => {
    const locked = new AwsmfaError({ kind: "op_locked", message: "1Password is locked: unlock it", retryable: true });
    expect(shownMessage(locked)).toBe("1Password is locked: unlock it, then choose Try Again (⌘R)");
    const missing = new AwsmfaError({ kind: "profile_not_found", message: "no profile called x", retryable: false });
    expect(shownMessage(missing)).toBe("no profile called x");
  });
});
