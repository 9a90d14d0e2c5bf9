import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_BINARY_LOCATIONS, expandHome, resolveBinary } from "../src/lib/binary";
import { BinaryNotFoundError } from "../src/lib/errors";
import { thrownBy } from "./support/fixtures";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "awsmfa-binary-"));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A file at `relative` under the temp folder, executable unless told otherwise. */
function fakeBinary(relative: string, executable = true): string {
  const path = join(root, relative);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\necho awsmfa\n");
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

function notFound(run: () => unknown): BinaryNotFoundError {
  return thrownBy(BinaryNotFoundError, run);
}

describe("resolveBinary with the preference set", () => {
  it("uses an executable file as it is", () => {
    const path = fakeBinary("custom/awsmfa");
    expect(resolveBinary({ configured: path, candidates: [] })).toBe(path);
  });

  it("trims it and expands ~ against the home folder", () => {
    const path = fakeBinary("home/bin/awsmfa");
    expect(resolveBinary({ configured: "  ~/bin/awsmfa ", home: join(root, "home") })).toBe(path);
  });

  it("does not fall back to the default locations when it is wrong", () => {
    const fallback = fakeBinary("usr/local/bin/awsmfa");
    const missing = join(root, "nowhere/awsmfa");
    const error = notFound(() => resolveBinary({ configured: missing, candidates: [fallback] }));
    expect(error.kind).toBe("binary_not_found");
    expect(error.configured).toBe(missing);
    expect(error.searched).toEqual([missing]);
    expect(error.message).toContain(`${missing}, which does not exist`);
    expect(error.message).toContain("extension preferences");
  });

  it("says when it is not executable or not a file", () => {
    const plain = fakeBinary("plain/awsmfa", false);
    expect(notFound(() => resolveBinary({ configured: plain })).message).toContain("is not executable");
    expect(notFound(() => resolveBinary({ configured: root })).message).toContain("is not a file");
  });
});

describe("resolveBinary without the preference", () => {
  it("takes the first usable candidate, in order", () => {
    const missing = join(root, "opt/homebrew/bin/awsmfa");
    const notExecutable = fakeBinary("usr/local/bin/awsmfa", false);
    const cargo = fakeBinary("home/.cargo/bin/awsmfa");
    const candidates = [missing, notExecutable, "~/.cargo/bin/awsmfa"];
    expect(resolveBinary({ configured: "", candidates, home: join(root, "home") })).toBe(cargo);

    const homebrew = fakeBinary("opt/homebrew/bin/awsmfa");
    expect(resolveBinary({ configured: " ", candidates, home: join(root, "home") })).toBe(homebrew);
  });

  it("lists every place it looked when none is usable", () => {
    const candidates = [join(root, "a/awsmfa"), "~/.cargo/bin/awsmfa"];
    const error = notFound(() => resolveBinary({ candidates, home: join(root, "home") }));
    const searched = [join(root, "a/awsmfa"), join(root, "home/.cargo/bin/awsmfa")];
    expect(error.configured).toBeNull();
    expect(error.searched).toEqual(searched);
    expect(error.message).toContain(searched.join(", "));
  });

  it("searches Homebrew on Apple silicon, then /usr/local, then cargo by default", () => {
    expect(DEFAULT_BINARY_LOCATIONS).toEqual([
      "/opt/homebrew/bin/awsmfa",
      "/usr/local/bin/awsmfa",
      "~/.cargo/bin/awsmfa",
    ]);
  });
});

describe("expandHome", () => {
  it("expands only a leading ~", () => {
    expect(expandHome("~", "/Users/me")).toBe("/Users/me");
    expect(expandHome("~/x", "/Users/me")).toBe("/Users/me/x");
    expect(expandHome("/a/~/x", "/Users/me")).toBe("/a/~/x");
    expect(expandHome("~other/x", "/Users/me")).toBe("~other/x");
  });
});
