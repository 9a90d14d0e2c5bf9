// Small builders the tests share.

import { expect } from "vitest";
import type { Profile } from "../../src/lib/awsmfa";

/** The error `run` throws, checked to be an `errorClass`; fails the test when it throws none. */
export function thrownBy<E extends Error>(errorClass: new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(errorClass);
    return error as E;
  }
  throw new Error(`expected ${errorClass.name}`);
}

/** A profile as parseListOutput returns it: no session, source `NAME-mfa`, set up; `fields` override. */
export function aProfile(name: string, fields: Partial<Profile> = {}): Profile {
  return {
    name,
    via: null,
    status: "no_session",
    expiresAt: null,
    secondsLeft: null,
    sourceProfile: `${name}-mfa`,
    region: null,
    roleArn: null,
    needsSetup: false,
    setupHint: null,
    ...fields,
  };
}
