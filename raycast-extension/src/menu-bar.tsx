// AWS MFA Menu Bar: the soonest-expiring session's time left ("work 42m") in the menu bar,
// redrawn every minute, with every profile and a refresh action for each in its menu.
// Refreshing opens AWS MFA Sessions, which shows the progress toast and any error there.

import { Clipboard, Color, Icon, Image, Keyboard, MenuBarExtra, openExtensionPreferences, showHUD } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { listProfiles, Profile } from "./lib/awsmfa";
import { asAwsmfaError, BinaryNotFoundError } from "./lib/errors";
import { exportCommand, formatClock, formatTimeLeft, menuBarTitle, soonestExpiring, statusAt } from "./lib/format";
import { awsmfaOptions } from "./ui/preferences";
import { STATUS_COLORS, statusIcon } from "./ui/status";
import { openSessions, openSetup } from "./ui/launch";

async function fetchProfiles(): Promise<Profile[]> {
  return listProfiles(awsmfaOptions());
}

function menuBarIcon(profiles: Profile[], now: number, failed: boolean): Image.ImageLike {
  if (failed) return { source: Icon.Warning, tintColor: Color.Orange };
  const soonest = soonestExpiring(profiles, now);
  if (soonest === null) return { source: Icon.Lock };
  const status = statusAt(soonest.profile, now);
  return status === "expiring" ? { source: Icon.LockUnlocked, tintColor: STATUS_COLORS.expiring } : Icon.LockUnlocked;
}

function tooltip(profiles: Profile[], now: number): string {
  const soonest = soonestExpiring(profiles, now);
  if (soonest === null || soonest.profile.expiresAt === null) return "AWS MFA: no live session";
  return `AWS MFA: ${soonest.profile.name} valid until ${formatClock(soonest.profile.expiresAt, now)}`;
}

export default function Command() {
  const now = Date.now();
  const { data, isLoading, error } = useCachedPromise(fetchProfiles, [], {
    keepPreviousData: true,
    onError: () => undefined,
  });
  const profiles = data ?? [];
  const failure = error ? asAwsmfaError(error) : null;

  return (
    <MenuBarExtra
      icon={menuBarIcon(profiles, now, failure !== null)}
      title={failure ? undefined : menuBarTitle(profiles, now)}
      tooltip={failure ? `AWS MFA: ${failure.title}` : tooltip(profiles, now)}
      isLoading={isLoading}
    >
      {failure ? (
        <MenuBarExtra.Section title={failure.title}>
          <MenuBarExtra.Item
            title={failure.message.length > 80 ? `${failure.message.slice(0, 79)}…` : failure.message}
          />
          {failure instanceof BinaryNotFoundError ? (
            <MenuBarExtra.Item title="Show Setup Guide" icon={Icon.Document} onAction={() => openSessions()} />
          ) : null}
        </MenuBarExtra.Section>
      ) : (
        <MenuBarExtra.Section title="Refresh a Session">
          {profiles.length === 0 && !isLoading ? <MenuBarExtra.Item title="No MFA profiles yet" /> : null}
          {profiles.map((profile) => {
            const status = statusAt(profile, now);
            return (
              <MenuBarExtra.Item
                key={profile.name}
                title={profile.name}
                subtitle={profile.needsSetup ? "needs setup" : formatTimeLeft(profile, now)}
                icon={statusIcon(status)}
                tooltip={
                  profile.needsSetup
                    ? `Set up ${profile.via ?? profile.name} (⌥: copy ${exportCommand(profile.name)})`
                    : `Refresh ${profile.name} (⌥: copy ${exportCommand(profile.name)})`
                }
                // A profile without a code source cannot refresh: choosing it sets it up.
                onAction={() =>
                  profile.needsSetup
                    ? openSetup(profile.via ?? profile.name)
                    : openSessions({ refreshProfile: profile.name })
                }
                alternate={
                  <MenuBarExtra.Item
                    title={`Copy ${exportCommand(profile.name)}`}
                    icon={Icon.Clipboard}
                    onAction={async () => {
                      await Clipboard.copy(exportCommand(profile.name));
                      await showHUD(`Copied ${exportCommand(profile.name)}`);
                    }}
                  />
                }
              />
            );
          })}
        </MenuBarExtra.Section>
      )}
      <MenuBarExtra.Section>
        <MenuBarExtra.Item
          title="Open AWS MFA Sessions"
          icon={Icon.List}
          shortcut={Keyboard.Shortcut.Common.Open}
          onAction={() => openSessions()}
        />
        <MenuBarExtra.Item title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
      </MenuBarExtra.Section>
    </MenuBarExtra>
  );
}
