// Countdown and status text. Everything takes `now` (milliseconds since the epoch) as an
// argument: a cached profile list stays correct as time passes, and tests pin the clock.

import type { Profile, SessionStatus } from "./awsmfa";

/** A session with less than this left is "expiring" (the same threshold awsmfa uses). */
export const EXPIRING_SECONDS = 15 * 60;

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const STATUS_LABELS: Record<SessionStatus, string> = {
  valid: "Valid",
  expiring: "Expiring",
  expired: "Expired",
  no_session: "No Session",
};

/** Whole seconds from `now` until the profile's recorded expiry; null when none is recorded. */
export function secondsLeft(profile: Profile, now: number): number | null {
  if (profile.expiresAt === null) return null;
  const expires = Date.parse(profile.expiresAt);
  if (Number.isNaN(expires)) return null;
  return Math.floor((expires - now) / 1000);
}

/**
 * The status at `now`: recomputed from the expiry when one is recorded, so a list read a
 * while ago still shows a session that has since run out as expired. Without a recorded
 * expiry awsmfa's own status stands.
 */
export function statusAt(profile: Profile, now: number): SessionStatus {
  const left = secondsLeft(profile, now);
  if (left === null) return profile.status;
  if (left <= 0) return "expired";
  if (left < EXPIRING_SECONDS) return "expiring";
  return "valid";
}

/**
 * A compact length of time, rounded down: "45s", "42m", "8h", "7h 58m", "2d", "2d 3h".
 * Negative input is treated as its absolute value.
 */
export function formatDuration(seconds: number): string {
  const total = Math.floor(Math.abs(seconds));
  if (total < MINUTE) return `${total}s`;
  if (total < HOUR) return `${Math.floor(total / MINUTE)}m`;
  if (total < DAY) {
    const hours = Math.floor(total / HOUR);
    const minutes = Math.floor((total % HOUR) / MINUTE);
    return minutes === 0 ? `${hours}h` : `${hours}h ${minutes}m`;
  }
  const days = Math.floor(total / DAY);
  const hours = Math.floor((total % DAY) / HOUR);
  return hours === 0 ? `${days}d` : `${days}d ${hours}h`;
}

/** "7h 58m left", "expired 2h ago", "no session" or "no expiry recorded". */
export function formatTimeLeft(profile: Profile, now: number): string {
  const left = secondsLeft(profile, now);
  if (left === null) return profile.status === "no_session" ? "no session" : "no expiry recorded";
  if (left <= 0) return `expired ${formatDuration(left)} ago`;
  return `${formatDuration(left)} left`;
}

export interface ClockOptions {
  /** BCP 47 locale; the system's by default. */
  locale?: string;
  /** IANA time zone; the system's by default. */
  timeZone?: string;
}

function dayKey(date: Date, options: ClockOptions): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: options.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(date);
}

/**
 * When an expiry happens, in local time and the locale's own clock style: "18:42" (or
 * "6:42 PM") today, "Thu 06:41" within the next six days, the date and time further out.
 */
export function formatClock(iso: string, now: number, options: ClockOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const { locale, timeZone } = options;
  const time = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone }).format(date);
  if (dayKey(date, options) === dayKey(new Date(now), options)) return time;
  if (date.getTime() > now && date.getTime() - now < 6 * DAY * 1000) {
    return `${new Intl.DateTimeFormat(locale, { weekday: "short", timeZone }).format(date)} ${time}`;
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** The live session (valid or expiring, with a recorded expiry) that runs out first. */
export function soonestExpiring(profiles: Profile[], now: number): { profile: Profile; secondsLeft: number } | null {
  let best: { profile: Profile; secondsLeft: number } | null = null;
  for (const profile of profiles) {
    // A role profile's session is its base's, which is in the list itself.
    if (profile.via) continue;
    const left = secondsLeft(profile, now);
    if (left === null || left <= 0) continue;
    if (best === null || left < best.secondsLeft) best = { profile, secondsLeft: left };
  }
  return best;
}

/** The menu bar title: the soonest-expiring live session and its time left, e.g. "work 42m". */
export function menuBarTitle(profiles: Profile[], now: number): string | undefined {
  const soonest = soonestExpiring(profiles, now);
  if (soonest === null) return undefined;
  return `${soonest.profile.name} ${formatDuration(soonest.secondsLeft)}`;
}

/** The line to paste into a shell to use the profile. */
export function exportCommand(profile: string): string {
  const safe = /^[A-Za-z0-9_.@+-]+$/.test(profile);
  return `export AWS_PROFILE=${safe ? profile : `'${profile.replace(/'/g, `'\\''`)}'`}`;
}
