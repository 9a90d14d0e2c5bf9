// The checklist shown when the awsmfa binary cannot be found or started.

import { Action, ActionPanel, Detail, Icon, openExtensionPreferences } from "@raycast/api";
import { BinaryNotFoundError } from "../lib/errors";

const CARGO_INSTALL = "cargo install --path .";

export function setupGuideMarkdown(error: BinaryNotFoundError): string {
  const searched = error.searched.map((path) => `- \`${path}\``).join("\n");
  const where = error.configured
    ? `The **awsmfa Binary** preference points to a file that cannot be run:\n\n${searched}`
    : `It is not in any of the places this extension looks:\n\n${searched}`;
  return `# Set up awsmfa

This extension runs the \`awsmfa\` command-line tool, and cannot find it.

${where}

> ${error.message}

## Checklist

1. **Install awsmfa.** Download the macOS binary from the releases page of the awsmfa repository and move it to \`/usr/local/bin/awsmfa\`, or build it from a checkout of the repository:

   \`\`\`
   ${CARGO_INSTALL}
   \`\`\`

   which installs \`~/.cargo/bin/awsmfa\`.
2. **Installed somewhere else?** Set **awsmfa Binary** in the extension preferences to its full path.
3. **Check it runs:** \`awsmfa list\` in a terminal lists your MFA profiles. If macOS refuses to open a downloaded binary, run \`xattr -d com.apple.quarantine /usr/local/bin/awsmfa\`.
4. **Set up each profile** once with **Set Up AWS MFA Profile**, or in a terminal: \`awsmfa setup PROFILE --op-item "1Password item"\`.
`;
}

export function SetupGuide(props: { error: BinaryNotFoundError; onRetry: () => void }) {
  return (
    <Detail
      navigationTitle="Set Up awsmfa"
      markdown={setupGuideMarkdown(props.error)}
      actions={
        <ActionPanel>
          <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
          <Action title="Try Again" icon={Icon.ArrowClockwise} onAction={props.onRetry} />
          <Action.CopyToClipboard title="Copy Build Command" content={CARGO_INSTALL} />
        </ActionPanel>
      }
    />
  );
}
