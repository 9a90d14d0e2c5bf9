// The Setup Checklist: every check of `awsmfa doctor` (1Password CLI, keychain, profiles,
// reminders…) with its fix, failures first.

import { Action, ActionPanel, Color, Icon, Image, Keyboard, List } from "@raycast/api";
import { usePromise } from "@raycast/utils";
import { checklistSections, checklistSummary, CheckStatus, runDoctor } from "../lib/doctor";
import { asAwsmfaError, shownMessage } from "../lib/errors";
import { awsmfaOptions } from "./preferences";
import { SetUpAction } from "./setup-form";

const SECTION_TITLES: Record<CheckStatus, string> = { fail: "To Fix", warn: "Worth a Look", ok: "Fine" };

const STATUS_ICONS: Record<CheckStatus, Image> = {
  fail: { source: Icon.XMarkCircle, tintColor: Color.Red },
  warn: { source: Icon.Warning, tintColor: Color.Orange },
  ok: { source: Icon.CheckCircle, tintColor: Color.Green },
};

export function SetupChecklist(props: { onChanged: () => void }) {
  const { data, isLoading, error, revalidate } = usePromise(() => runDoctor(awsmfaOptions()), [], {
    // Shown in the list itself.
    onError: () => undefined,
  });
  const failure = error ? asAwsmfaError(error) : null;
  const rerun = (
    <Action
      title="Check Again"
      icon={Icon.RotateClockwise}
      shortcut={Keyboard.Shortcut.Common.Refresh}
      onAction={revalidate}
    />
  );

  return (
    <List
      navigationTitle={data ? `Setup Checklist: ${checklistSummary(data)}` : "Setup Checklist"}
      isLoading={isLoading}
    >
      {failure ? (
        <List.EmptyView
          icon={{ source: Icon.Warning, tintColor: Color.Red }}
          title={failure.title}
          description={shownMessage(failure)}
          actions={<ActionPanel>{rerun}</ActionPanel>}
        />
      ) : (
        (data ? checklistSections(data) : []).map((section) => (
          <List.Section key={section.status} title={SECTION_TITLES[section.status]}>
            {section.checks.map((check) => (
              <List.Item
                key={`${check.check} ${check.profile ?? ""}`}
                title={check.title}
                subtitle={check.status === "ok" ? check.detail : (check.fix ?? check.detail)}
                icon={STATUS_ICONS[check.status]}
                accessories={check.profile ? [{ tag: check.profile }] : []}
                actions={
                  <ActionPanel>
                    {check.fix ? <Action.CopyToClipboard title="Copy Fix" content={check.fix} /> : null}
                    {check.profile && check.status !== "ok" ? (
                      <SetUpAction
                        profile={check.profile}
                        onChanged={() => {
                          props.onChanged();
                          revalidate();
                        }}
                      />
                    ) : null}
                    {rerun}
                    <Action.CopyToClipboard
                      title="Copy Check"
                      content={[check.title, check.detail, check.fix].filter((part) => part).join("\n")}
                    />
                  </ActionPanel>
                }
              />
            ))}
          </List.Section>
        ))
      )}
    </List>
  );
}
