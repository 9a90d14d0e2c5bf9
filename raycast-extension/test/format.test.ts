import { describe, expect, it } from "vitest";
import { Profile } from "../src/lib/awsmfa";
import {
  exportCommand,
  formatClock,
  formatDuration,
  formatTimeLeft,
  menuBarTitle,
  secondsLeft,
  soonestExpiring,
  statusAt,
} from "../src/lib/format";
import { aProfile } from "./support/fixtures";

const NOW = Date.parse("2026-11-25T10:42:00Z");

function profile(name: string, expiresAt: string | null, status: Profile["status"] = "valid"): Profile {
  return aProfile(name, { status, expiresAt });
}

/** The profile expiring `seconds` after NOW. */
function expiringIn(name: string, seconds: number): Profile {
  return profile(name, new Date(NOW + seconds * 1000).toISOString());
}

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [45, "45s"],
    [59, "59s"],
    [60, "1m"],
    [42 * 60 + 59, "42m"],
    [3600, "1h"],
    [8 * 3600, "8h"],
    [7 * 3600 + 58 * 60 + 30, "7h 58m"],
    [86_399, "23h 59m"],
    [86_400, "1d"],
    [2 * 86_400 + 3 * 3600 + 59, "2d 3h"],
    [-7200, "2h"],
  ])("%i s → %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("secondsLeft and statusAt", () => {
  it("counts down from the recorded expiry, not from when awsmfa ran", () => {
    const work = { ...expiringIn("work", 28_680), secondsLeft: 99_999 };
    expect(secondsLeft(work, NOW)).toBe(28_680);
    expect(secondsLeft(work, NOW + 1_500)).toBe(28_678);
  });

  it("switches to expiring under 15 minutes and to expired at zero", () => {
    const work = expiringIn("work", 15 * 60);
    expect(statusAt(work, NOW)).toBe("valid");
    expect(statusAt(work, NOW + 1000)).toBe("expiring");
    expect(statusAt(work, NOW + 15 * 60 * 1000 - 1000)).toBe("expiring");
    expect(statusAt(work, NOW + 15 * 60 * 1000)).toBe("expired");
  });

  it("keeps awsmfa's status when no expiry is recorded", () => {
    expect(secondsLeft(profile("old", null, "no_session"), NOW)).toBeNull();
    expect(statusAt(profile("old", null, "no_session"), NOW)).toBe("no_session");
    expect(statusAt(profile("static", null, "valid"), NOW)).toBe("valid");
  });
});

describe("formatTimeLeft", () => {
  it("describes each state", () => {
    expect(formatTimeLeft(expiringIn("work", 7 * 3600 + 58 * 60), NOW)).toBe("7h 58m left");
    expect(formatTimeLeft(expiringIn("work", 30), NOW)).toBe("30s left");
    expect(formatTimeLeft(expiringIn("work", -2 * 3600), NOW)).toBe("expired 2h ago");
    expect(formatTimeLeft(expiringIn("work", 0), NOW)).toBe("expired 0s ago");
    expect(formatTimeLeft(profile("old", null, "no_session"), NOW)).toBe("no session");
    expect(formatTimeLeft(profile("static", null, "valid"), NOW)).toBe("no expiry recorded");
  });
});

describe("formatClock", () => {
  const utc = { locale: "en-GB", timeZone: "UTC" };

  it("shows only the time for today", () => {
    expect(formatClock("2026-11-25T18:42:00Z", NOW, utc)).toBe("18:42");
  });

  it("adds the weekday within the next six days", () => {
    expect(formatClock("2026-11-26T06:41:00Z", NOW, utc)).toBe("Thu 06:41");
  });

  it("adds the date further out", () => {
    expect(formatClock("2026-12-26T06:41:00Z", NOW, utc)).toMatch(/^26 Dec 2026\D+06:41$/);
  });

  it("follows the locale's clock style", () => {
    const us = { locale: "en-US", timeZone: "UTC" };
    expect(formatClock("2026-11-25T18:42:00Z", NOW, us)).toMatch(/^6:42\sPM$/);
    expect(formatClock("2026-11-26T06:41:00Z", NOW, us)).toMatch(/^Thu 6:41\sAM$/);
  });

  it("uses the given time zone to decide what today is", () => {
    // 23:30 UTC on the 25th is already the 26th in Berlin.
    expect(formatClock("2026-11-25T23:30:00Z", NOW, { locale: "en-GB", timeZone: "Europe/Berlin" })).toBe("Thu 00:30");
  });

  it("returns text it cannot read unchanged", () => {
    expect(formatClock("soon", NOW, utc)).toBe("soon");
  });
});

describe("menuBarTitle", () => {
  it("shows the live session that expires first", () => {
    const profiles = [
      expiringIn("prod", 8 * 3600),
      expiringIn("work", 42 * 60 + 10),
      expiringIn("old", -60),
      profile("never", null, "no_session"),
    ];
    expect(menuBarTitle(profiles, NOW)).toBe("work 42m");
    expect(soonestExpiring(profiles, NOW)?.profile.name).toBe("work");
  });

  it("follows the clock: work runs out, prod is next", () => {
    const profiles = [expiringIn("prod", 8 * 3600), expiringIn("work", 42 * 60)];
    expect(menuBarTitle(profiles, NOW + 43 * 60 * 1000)).toBe("prod 7h 17m");
  });

  it("names the session, not a role profile that rides on it", () => {
    const admin = { ...expiringIn("admin", 42 * 60), via: "work" };
    expect(soonestExpiring([admin, expiringIn("work", 42 * 60)], NOW)?.profile.name).toBe("work");
  });

  it("is empty without a live session", () => {
    expect(menuBarTitle([expiringIn("old", -60), profile("never", null, "no_session")], NOW)).toBeUndefined();
    expect(menuBarTitle([], NOW)).toBeUndefined();
  });
});

describe("exportCommand", () => {
  it("quotes only names a shell would split", () => {
    expect(exportCommand("work")).toBe("export AWS_PROFILE=work");
    expect(exportCommand("team.prod-eu_1")).toBe("export AWS_PROFILE=team.prod-eu_1");
    expect(exportCommand("my work")).toBe("export AWS_PROFILE='my work'");
    expect(exportCommand("it's")).toBe("export AWS_PROFILE='it'\\''s'");
  });
});
