// The Set Up AWS MFA Profile form: the profile (also ones not MFA-managed yet), moving its
// keys when that is needed, the MFA device and the 1Password item (each chosen from what
// awsmfa finds), and the session length. Used by its own command and by the Sessions list's
// Set Up… action.

import { Action, ActionPanel, Form, Icon, Keyboard, useNavigation } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { useEffect, useState } from "react";
import { listProfiles } from "../lib/awsmfa";
import { BinaryNotFoundError } from "../lib/errors";
import {
  deviceDescription,
  itemDescription,
  listDevices,
  listOpItems,
  listSetupCandidates,
  proposedDevice,
  proposedItem,
  SetupChoice,
  setupChoices,
  SetupProblems,
} from "../lib/setup";
import { showErrorToast } from "./actions";
import { awsmfaOptions, sessionDuration } from "./preferences";
import { AfterSetup, backAfterSetup, submitSetup } from "./setup-actions";
import { SetupGuide } from "./setup-guide";

async function fetchChoices(): Promise<SetupChoice[]> {
  const options = awsmfaOptions();
  const [candidates, profiles] = await Promise.all([listSetupCandidates(options), listProfiles(options)]);
  return setupChoices(candidates, profiles);
}

const fetchDevices = (profile: string) => listDevices(awsmfaOptions(), profile);
const fetchItems = (profile: string) => listOpItems(awsmfaOptions(), profile);

/** Value of the 1Password dropdown's "none" entry. */
const NO_ITEM = "";

export function SetupForm(props: { profile?: string; after: AfterSetup }) {
  const [profile, setProfile] = useState(props.profile ?? "");
  const [serial, setSerial] = useState("");
  const [opItem, setOpItem] = useState(NO_ITEM);
  const [moveKeys, setMoveKeys] = useState(true);
  const [duration, setDuration] = useState(sessionDuration);
  const [problems, setProblems] = useState<SetupProblems>({});

  const choices = usePromise(fetchChoices, [], {
    // A missing binary gets the setup guide instead of the form.
    onError: (error) =>
      error instanceof BinaryNotFoundError ? undefined : showErrorToast(error, () => void choices.revalidate()),
  });
  const choice = choices.data?.find((c) => c.profile === profile);
  useEffect(() => {
    // The profile asked for, else the first one that needs setting up.
    if (choices.data && choice === undefined && choices.data.length > 0) setProfile(choices.data[0].profile);
  }, [choices.data]);

  const ready = choice !== undefined;
  const devices = usePromise(fetchDevices, [profile], {
    execute: ready,
    onError: (error) => showErrorToast(error, () => void devices.revalidate()),
  });
  const items = usePromise(fetchItems, [profile], {
    execute: ready,
    onError: (error) => showErrorToast(error, () => void items.revalidate()),
  });
  useEffect(() => setSerial(devices.data ? (proposedDevice(devices.data) ?? "") : ""), [devices.data]);
  useEffect(() => setOpItem(items.data ? (proposedItem(items.data.items) ?? NO_ITEM) : NO_ITEM), [items.data]);

  const clear = (field: keyof SetupProblems) => setProblems((current) => ({ ...current, [field]: undefined }));
  const knownDevices = devices.data ?? [];
  const opItems = items.data?.items ?? [];
  if (choices.error instanceof BinaryNotFoundError) {
    return <SetupGuide error={choices.error} onRetry={() => void choices.revalidate()} />;
  }

  return (
    <Form
      navigationTitle="Set Up AWS MFA Profile"
      isLoading={choices.isLoading || (ready && (devices.isLoading || items.isLoading))}
      actions={
        <ActionPanel>
          <Action.SubmitForm
            // "Set Up" is a phrasal verb, capitalised as in Apple's menus ("Set Up…").
            // eslint-disable-next-line @raycast/prefer-title-case
            title="Set Up Profile"
            icon={Icon.Check}
            onSubmit={() =>
              void submitSetup({ profile, moveKeys, serial, opItem, duration }, choice, props.after, setProblems)
            }
          />
          <Action
            title="Reload Devices and Items"
            icon={Icon.RotateClockwise}
            shortcut={Keyboard.Shortcut.Common.Refresh}
            onAction={() => {
              void devices.revalidate();
              void items.revalidate();
            }}
          />
        </ActionPanel>
      }
    >
      <Form.Dropdown
        id="profile"
        title="Profile"
        value={profile}
        error={problems.profile}
        onChange={(value) => {
          setProfile(value);
          setProblems({});
        }}
      >
        <Form.Dropdown.Section title="Not Set Up Yet">
          {(choices.data ?? [])
            .filter((c) => c.state !== "set_up")
            .map((c) => (
              <Form.Dropdown.Item key={c.profile} value={c.profile} title={c.profile} keywords={[c.detail]} />
            ))}
        </Form.Dropdown.Section>
        <Form.Dropdown.Section title="Set Up Again">
          {(choices.data ?? [])
            .filter((c) => c.state === "set_up")
            .map((c) => (
              <Form.Dropdown.Item key={c.profile} value={c.profile} title={c.profile} />
            ))}
        </Form.Dropdown.Section>
      </Form.Dropdown>
      {choice ? <Form.Description text={choice.detail} /> : null}
      {choice?.needsMoveKeys ? (
        <Form.Checkbox
          id="moveKeys"
          title="Move My Keys"
          label={`Move the long-term keys from [${choice.profile}] to [${choice.profile}-mfa]`}
          info={`awsmfa writes each new session into [${choice.profile}], where every AWS tool finds it; the long-term keys it logs in with move to [${choice.profile}-mfa] in the same edit of ~/.aws/credentials.`}
          value={moveKeys}
          error={problems.moveKeys}
          onChange={(value) => {
            setMoveKeys(value);
            clear("moveKeys");
          }}
        />
      ) : null}
      {knownDevices.length > 0 ? (
        <Form.Dropdown
          id="serial"
          title="MFA Device"
          value={serial}
          error={problems.serial}
          onChange={(value) => {
            setSerial(value);
            clear("serial");
          }}
        >
          {knownDevices.map((device) => (
            <Form.Dropdown.Item
              key={device.serial}
              value={device.serial}
              title={`${device.serial} (${deviceDescription(device)})`}
            />
          ))}
        </Form.Dropdown>
      ) : (
        <Form.TextField
          id="serial"
          title="MFA Device ARN"
          placeholder="arn:aws:iam::123456789012:mfa/NAME"
          info={
            devices.isLoading
              ? "Looking for your MFA devices…"
              : "awsmfa found no MFA device for this profile: copy its ARN from IAM → Security credentials → Multi-factor authentication."
          }
          value={serial}
          error={problems.serial}
          onChange={(value) => {
            setSerial(value);
            clear("serial");
          }}
        />
      )}
      <Form.Dropdown id="opItem" title="1Password Item" value={opItem} onChange={setOpItem} isLoading={items.isLoading}>
        {opItems.map((item) => (
          <Form.Dropdown.Item
            key={item.id}
            value={item.id}
            title={`${item.title} (${itemDescription(item)})`}
            keywords={[item.vault, ...item.urls]}
          />
        ))}
        <Form.Dropdown.Item value={NO_ITEM} title="None: I type the one-time code myself" />
      </Form.Dropdown>
      {items.data?.hint ? <Form.Description text={items.data.hint} /> : null}
      <Form.TextField
        id="duration"
        title="Session Length"
        placeholder="awsmfa's default (e.g. 12h)"
        info="How long each session of this profile lasts: seconds, or a number with s, m or h."
        value={duration}
        error={problems.duration}
        onChange={(value) => {
          setDuration(value);
          clear("duration");
        }}
      />
    </Form>
  );
}

/**
 * The Set Up… action: pushes the form for `profile` (or the first profile to set up); back on
 * the view it came from once the profile is set up, with `onChanged` to reload that view.
 */
export function SetUpAction(props: { profile?: string; onChanged: () => void }) {
  const { pop } = useNavigation();
  return (
    <Action.Push
      // "Set Up" is a phrasal verb, capitalised as in Apple's menus ("Set Up…").
      // eslint-disable-next-line @raycast/prefer-title-case
      title="Set Up…"
      icon={Icon.Gear}
      target={<SetupForm profile={props.profile} after={backAfterSetup(pop, props.onChanged)} />}
    />
  );
}
