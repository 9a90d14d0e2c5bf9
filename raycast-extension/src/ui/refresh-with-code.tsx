// Refresh with Code…: a form with one password field for a one-time code the person types (from
// an authenticator app or a hardware key), for a profile without 1Password or mfa_process, or
// when those are out of reach. The code goes to awsmfa on stdin, never in its arguments.

import { Action, ActionPanel, Form, Icon, useNavigation } from "@raycast/api";
import { useEffect, useRef, useState } from "react";
import { submitCode } from "./actions";

export function RefreshWithCodeForm(props: { profile: string; onChanged: () => void }) {
  const { profile, onChanged } = props;
  const { pop } = useNavigation();
  const [codeError, setCodeError] = useState<string | undefined>();
  // A Try Again in the toast can succeed after the form was left: then there is nothing to pop.
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );
  const refreshed = () => {
    onChanged();
    if (open.current) void pop();
  };

  return (
    <Form
      navigationTitle={`Refresh ${profile} with Code`}
      actions={
        <ActionPanel>
          <Action.SubmitForm
            title="Refresh Session"
            icon={Icon.ArrowClockwise}
            onSubmit={(values: { code: string }) => void submitCode(profile, values.code, refreshed, setCodeError)}
          />
        </ActionPanel>
      }
    >
      <Form.PasswordField
        id="code"
        title="One-Time Code"
        placeholder="6 digits"
        info="The current code of this profile's MFA device, from your authenticator app or hardware key."
        error={codeError}
        onChange={() => setCodeError(undefined)}
      />
      <Form.Description
        text={`awsmfa logs in to ${profile} with this code instead of fetching one from 1Password or mfa_process.`}
      />
    </Form>
  );
}
