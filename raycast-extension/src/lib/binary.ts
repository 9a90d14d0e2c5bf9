// Finding the awsmfa binary. Raycast starts extensions without the login shell's PATH, so
// the binary is looked up by absolute path: the preference first, then where Homebrew
// (Apple silicon, then Intel) and `cargo install` put it.

import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BinaryNotFoundError } from "./errors";

/** Where awsmfa is looked for when the preference is empty, in order. */
export const DEFAULT_BINARY_LOCATIONS = ["/opt/homebrew/bin/awsmfa", "/usr/local/bin/awsmfa", "~/.cargo/bin/awsmfa"];

/** `~` and `~/…` expanded against `home`; any other path unchanged. */
export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}

/** Why `path` cannot be run, or null when it is an executable file. */
export function unusableReason(path: string): string | null {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return "does not exist";
  }
  if (!isFile) return "is not a file";
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return "is not executable (chmod +x it)";
  }
  return null;
}

export interface ResolveOptions {
  /** The awsmfaPath preference: empty or blank means "search the default locations". */
  configured?: string;
  /** Home folder for `~`; the current user's by default. */
  home?: string;
  /** Locations to search when nothing is configured; DEFAULT_BINARY_LOCATIONS by default. */
  candidates?: string[];
}

/** The absolute path of the awsmfa binary to run, or a BinaryNotFoundError saying what was tried. */
export function resolveBinary(options: ResolveOptions = {}): string {
  const home = options.home ?? homedir();
  const configured = options.configured?.trim() ?? "";

  if (configured.length > 0) {
    const path = expandHome(configured, home);
    const reason = unusableReason(path);
    if (reason === null) return path;
    throw new BinaryNotFoundError(
      `The awsmfa Binary preference is ${path}, which ${reason}: correct it in the extension preferences, or clear it to use the default locations.`,
      [path],
      path,
    );
  }

  const searched = (options.candidates ?? DEFAULT_BINARY_LOCATIONS).map((candidate) => expandHome(candidate, home));
  const found = searched.find((path) => unusableReason(path) === null);
  if (found !== undefined) return found;
  throw new BinaryNotFoundError(
    `awsmfa is not installed in any of ${searched.join(", ")}: install it there, or set the awsmfa Binary preference to its full path.`,
    searched,
    null,
  );
}
