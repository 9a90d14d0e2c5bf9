// How a session status looks: the same colours in the list and in the menu bar.

import { Color, Icon, Image } from "@raycast/api";
import { SessionStatus } from "../lib/awsmfa";
import { STATUS_LABELS } from "../lib/format";

export const STATUS_COLORS: Record<SessionStatus, Color> = {
  valid: Color.Green,
  expiring: Color.Orange,
  expired: Color.Red,
  no_session: Color.SecondaryText,
};

/** A filled dot in the status colour. */
export function statusIcon(status: SessionStatus): Image {
  return { source: status === "no_session" ? Icon.Circle : Icon.CircleFilled, tintColor: STATUS_COLORS[status] };
}

/** The coloured tag shown as a list accessory. */
export function statusTag(status: SessionStatus): { value: string; color: Color } {
  return { value: STATUS_LABELS[status], color: STATUS_COLORS[status] };
}
