// AWS MFA Sessions: every MFA-managed profile with its session status and time left.
// Refresh (↩) fetches a one-time code from 1Password and renews the session; Refresh with
// Code… (⌘⇧R) renews it with a code the person types. Profiles that still need setting up
// (also ones awsmfa does not manage yet) have Set Up… first, and the Setup Checklist
// (⌘⇧K) shows every check of `awsmfa doctor`.

import { Action, ActionPanel, Color, Icon, Keyboard, LaunchProps, List, openExtensionPreferences } from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useEffect, useState } from "react";
import { listSessions, Profile } from "./lib/awsmfa";
import { asAwsmfaError, BinaryNotFoundError, shownMessage } from "./lib/errors";
import { exportCommand, formatClock, formatTimeLeft, statusAt } from "./lib/format";
import { listSetupCandidates, SetupCandidate, unlistedCandidates } from "./lib/setup";
import { logOut, refreshSession } from "./ui/actions";
import { SessionsLaunchContext } from "./ui/launch";
import { awsmfaOptions } from "./ui/preferences";
import { RefreshWithCodeForm } from "./ui/refresh-with-code";
import { SetupChecklist } from "./ui/setup-checklist";
import { SetUpAction } from "./ui/setup-form";
import { SetupGuide } from "./ui/setup-guide";
import { statusIcon, statusTag } from "./ui/status";
import { useNow } from "./ui/use-now";

interface Sessions {
  profiles: Profile[];
  warnings: string[];
  /** What `awsmfa setup` could set up (files only, like the list). */
  candidates: SetupCandidate[];
}

async function fetchSessions(query: string): Promise<Sessions> {
  const options = awsmfaOptions();
  const [list, candidates] = await Promise.all([listSessions(options, query), listSetupCandidates(options)]);
  return { ...list, candidates };
}

const CHECKLIST_SHORTCUT: Keyboard.Shortcut = { modifiers: ["cmd", "shift"], key: "k" };

/** Set Up… (the form, pushed) and the Setup Checklist, for every row and empty view. */
function SetupActions(props: { profile?: string; onChanged: () => void; withForm: boolean }) {
  return (
    <>
      {props.withForm ? <SetUpAction profile={props.profile} onChanged={props.onChanged} /> : null}
      <Action.Push
        title="Show Setup Checklist"
        icon={Icon.CheckList}
        shortcut={CHECKLIST_SHORTCUT}
        target={<SetupChecklist onChanged={props.onChanged} />}
      />
    </>
  );
}

function subtitle(profile: Profile): string {
  if (profile.needsSetup) return profile.setupHint ? `Set up: ${profile.setupHint}` : "Needs setup";
  const via = profile.via ? `via ${profile.via}` : null;
  const role = profile.roleArn ? `role ${profile.roleArn.split("/").pop()}` : null;
  return [via, profile.region, role].filter((part) => part !== null).join(" · ");
}

function ProfileItem(props: { profile: Profile; now: number; onChanged: () => void }) {
  const { profile, now, onChanged } = props;
  const status = statusAt(profile, now);
  const expiry = profile.expiresAt ? `Expires ${formatClock(profile.expiresAt, now)}` : undefined;
  const setupHint = profile.needsSetup ? profile.setupHint : null;

  // Refresh is the primary action, except where no one-time code source is set up yet:
  // there Set Up… comes first, then a refresh with a typed code, since a plain refresh could
  // only fail.
  const refresh = (
    <Action
      key="refresh"
      title="Refresh Session"
      icon={Icon.ArrowClockwise}
      onAction={() => void refreshSession(profile.name, onChanged)}
    />
  );
  const refreshWithCode = (
    <Action.Push
      key="refresh-with-code"
      title="Refresh with Code…"
      icon={Icon.Key}
      shortcut={{ modifiers: ["cmd", "shift"], key: "r" }}
      target={<RefreshWithCodeForm profile={profile.name} onChanged={onChanged} />}
    />
  );
  const setUp = <SetUpAction key="set-up" profile={profile.via ?? profile.name} onChanged={onChanged} />;
  const copySetup = setupHint ? (
    <Action.CopyToClipboard key="setup" title="Copy Setup Command" content={setupHint} icon={Icon.Terminal} />
  ) : null;

  return (
    <List.Item
      title={profile.name}
      subtitle={subtitle(profile)}
      icon={statusIcon(status)}
      accessories={[
        ...(profile.needsSetup ? [{ tag: { value: "Needs Setup", color: Color.Yellow } }] : []),
        { text: formatTimeLeft(profile, now), tooltip: expiry },
        { tag: statusTag(status), tooltip: expiry },
      ]}
      actions={
        <ActionPanel title={profile.name}>
          <ActionPanel.Section>
            {copySetup ? [setUp, refreshWithCode, refresh, copySetup] : [refresh, refreshWithCode]}
          </ActionPanel.Section>
          <ActionPanel.Section>
            <Action.CopyToClipboard
              title="Copy Export Command"
              content={exportCommand(profile.name)}
              shortcut={Keyboard.Shortcut.Common.Copy}
            />
            <Action.CopyToClipboard
              title="Copy Profile Name"
              content={profile.name}
              shortcut={Keyboard.Shortcut.Common.CopyName}
            />
          </ActionPanel.Section>
          <ActionPanel.Section>
            {profile.via ? null : (
              // A role profile has no session of its own to log out of: its base's row has this.
              <Action
                // "Log Out" is a phrasal verb, capitalised as in the macOS Apple menu ("Log Out…").
                // eslint-disable-next-line @raycast/prefer-title-case
                title="Log Out"
                icon={Icon.Logout}
                style={Action.Style.Destructive}
                shortcut={Keyboard.Shortcut.Common.Remove}
                onAction={() => void logOut(profile.name, onChanged)}
              />
            )}
            <Action
              title="Reload List"
              icon={Icon.RotateClockwise}
              shortcut={Keyboard.Shortcut.Common.Refresh}
              onAction={onChanged}
            />
            <SetupActions profile={profile.via ?? profile.name} onChanged={onChanged} withForm={!copySetup} />
            <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
          </ActionPanel.Section>
        </ActionPanel>
      }
    />
  );
}

/** A profile awsmfa could set up that is not in the list yet (its keys or device are there, nothing else). */
function CandidateItem(props: { candidate: SetupCandidate; onChanged: () => void }) {
  const { candidate, onChanged } = props;
  return (
    <List.Item
      title={candidate.profile}
      subtitle={candidate.detail}
      icon={{ source: Icon.PlusCircle, tintColor: Color.Yellow }}
      accessories={[{ tag: { value: "Needs Setup", color: Color.Yellow } }]}
      actions={
        <ActionPanel title={candidate.profile}>
          <SetUpAction profile={candidate.profile} onChanged={onChanged} />
          <Action.CopyToClipboard title="Copy Setup Command" content={candidate.command} icon={Icon.Terminal} />
          <SetupActions onChanged={onChanged} withForm={false} />
          <Action
            title="Reload List"
            icon={Icon.RotateClockwise}
            shortcut={Keyboard.Shortcut.Common.Refresh}
            onAction={onChanged}
          />
        </ActionPanel>
      }
    />
  );
}

export default function Command(props: LaunchProps<{ launchContext?: SessionsLaunchContext }>) {
  const [query, setQuery] = useState("");
  const now = useNow(15_000);
  const { data, isLoading, error, revalidate } = useCachedPromise(fetchSessions, [query], {
    keepPreviousData: true,
    // Errors are shown in the list itself, not as a toast.
    onError: () => undefined,
  });

  const refreshProfile = props.launchContext?.refreshProfile;
  useEffect(() => {
    if (refreshProfile) void refreshSession(refreshProfile, revalidate);
  }, [refreshProfile]);

  if (error instanceof BinaryNotFoundError) return <SetupGuide error={error} onRetry={revalidate} />;

  const profiles = data?.profiles ?? [];
  const warnings = data?.warnings ?? [];
  const candidates = unlistedCandidates(data?.candidates ?? [], profiles, query);
  const failure = error ? asAwsmfaError(error) : null;

  return (
    <List
      isLoading={isLoading}
      filtering={false}
      throttle
      onSearchTextChange={setQuery}
      searchBarPlaceholder="Search AWS profiles"
    >
      {failure ? (
        <List.EmptyView
          icon={{ source: Icon.Warning, tintColor: Color.Red }}
          title={failure.title}
          description={shownMessage(failure)}
          actions={
            <ActionPanel>
              <Action title="Try Again" icon={Icon.ArrowClockwise} onAction={revalidate} />
              <SetupActions onChanged={revalidate} withForm={false} />
              <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
            </ActionPanel>
          }
        />
      ) : profiles.length === 0 && candidates.length === 0 ? (
        <List.EmptyView
          icon={Icon.Key}
          title={query ? `No profile matches "${query}"` : "No MFA profiles yet"}
          description={
            query
              ? "Try another name."
              : "Put a profile's long-term keys in ~/.aws/credentials (as [NAME] or [NAME-mfa]), then reload: it shows up here to set up."
          }
          actions={
            <ActionPanel>
              <Action title="Reload List" icon={Icon.RotateClockwise} onAction={revalidate} />
              <SetupActions onChanged={revalidate} withForm={false} />
              <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
            </ActionPanel>
          }
        />
      ) : (
        <>
          {profiles.map((profile) => (
            <ProfileItem key={profile.name} profile={profile} now={now} onChanged={revalidate} />
          ))}
          {candidates.length > 0 ? (
            <List.Section title="Ready to Set Up">
              {candidates.map((candidate) => (
                <CandidateItem key={candidate.profile} candidate={candidate} onChanged={revalidate} />
              ))}
            </List.Section>
          ) : null}
          {warnings.length > 0 ? (
            <List.Section title="The AWS CLI Will Not Read">
              {warnings.map((warning) => (
                <List.Item
                  key={warning}
                  title={warning}
                  icon={{ source: Icon.Warning, tintColor: Color.Orange }}
                  actions={
                    <ActionPanel>
                      <Action.CopyToClipboard title="Copy Warning" content={warning} />
                    </ActionPanel>
                  }
                />
              ))}
            </List.Section>
          ) : null}
        </>
      )}
    </List>
  );
}
