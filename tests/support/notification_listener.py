"""A freedesktop notification service for the integration tests.

Owns org.freedesktop.Notifications on the D-Bus bus at --address, answers the four methods
of the Desktop Notifications Specification as a notification daemon does, and appends one
line of JSON per method call to --log (Notify calls with every argument), flushed at once.

    python3 notification_listener.py --address ADDRESS --log FILE [--markup] [--refuse TEXT]

--markup   advertise the body-markup capability (the client must then escape & < >)
--refuse   answer every Notify with an org.freedesktop.DBus.Error.Failed carrying TEXT

Prints "ready" on stdout once it owns the name; exits when its standard input closes, so a
test that dies never leaves it behind. Lines on standard input act as a person would:

    invoke ID ACTION   the person pressed the button ACTION of notification ID: emits
                       ActionInvoked(ID, ACTION), then NotificationClosed(ID, 2)
    close ID           the person closed notification ID: emits NotificationClosed(ID, 2)

Both signals go only to the connection that posted the notification, as dunst and KDE send
them (GNOME Shell broadcasts them), and are logged as {"signal": …} lines.
"""

import argparse
import asyncio
import json

from dbus_next import DBusError, Message, MessageType, Variant
from dbus_next.aio import MessageBus
from dbus_next.service import ServiceInterface, method, signal

from dbus_service import own, until_stdin_closes

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def plain(value):
    """A D-Bus value as JSON: variants unwrapped, bytes as a list of numbers."""
    if isinstance(value, Variant):
        return plain(value.value)
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class Notifications(ServiceInterface):
    def __init__(self, log, markup, refuse):
        super().__init__(NAME)
        self.log = log
        self.markup = markup
        self.refuse = refuse
        self.last_id = 0
        self.bus = None
        # The sender of the Notify call being answered, and of each notification.
        self.calling = None
        self.senders = {}

    def note_sender(self, message):
        """Sees every message before it is dispatched: remembers who calls Notify."""
        if message.message_type == MessageType.METHOD_CALL and message.member == "Notify":
            self.calling = message.sender
        return None

    def send_signal(self, notification_id, member, signature, body):
        destination = self.senders.get(notification_id)
        self.record({"signal": member, "id": notification_id, "body": body, "to": destination})
        self.bus.send(Message(
            destination=destination,
            path=PATH,
            interface=NAME,
            member=member,
            message_type=MessageType.SIGNAL,
            signature=signature,
            body=body,
        ))

    def command(self, line):
        """A line from the test: what a person did."""
        words = line.split()
        if len(words) == 3 and words[0] == "invoke":
            notification_id = int(words[1])
            self.send_signal(notification_id, "ActionInvoked", "us", [notification_id, words[2]])
            self.send_signal(notification_id, "NotificationClosed", "uu", [notification_id, 2])
        elif len(words) == 2 and words[0] == "close":
            notification_id = int(words[1])
            self.send_signal(notification_id, "NotificationClosed", "uu", [notification_id, 2])

    def record(self, entry):
        self.log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.log.flush()

    @method()
    def Notify(
        self,
        app_name: "s",
        replaces_id: "u",
        app_icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        expire_timeout: "i",
    ) -> "u":
        entry = {
            "method": "Notify",
            "app_name": app_name,
            "replaces_id": replaces_id,
            "app_icon": app_icon,
            "summary": summary,
            "body": body,
            "actions": list(actions),
            "hints": plain(hints),
            "expire_timeout": expire_timeout,
        }
        if self.refuse:
            entry["refused"] = self.refuse
            self.record(entry)
            raise DBusError("org.freedesktop.DBus.Error.Failed", self.refuse)
        # The spec: a non-zero replaces_id is replaced in place and keeps its ID.
        if replaces_id:
            notification_id = replaces_id
        else:
            self.last_id += 1
            notification_id = self.last_id
        entry["id"] = notification_id
        entry["sender"] = self.calling
        self.senders[notification_id] = self.calling
        self.record(entry)
        return notification_id

    @method()
    def GetCapabilities(self) -> "as":
        self.record({"method": "GetCapabilities"})
        return ["body", "body-markup"] if self.markup else ["body"]

    @method()
    def GetServerInformation(self) -> "ssss":
        self.record({"method": "GetServerInformation"})
        return ["awsmfa-test-listener", "awsmfa", "1.0", "1.2"]

    @method()
    def CloseNotification(self, notification_id: "u"):
        self.record({"method": "CloseNotification", "id": notification_id})
        self.NotificationClosed(notification_id, 3)

    @signal()
    def NotificationClosed(self, notification_id, reason) -> "uu":
        return [notification_id, reason]


async def serve(args):
    log = open(args.log, "a", encoding="utf-8")
    bus = await MessageBus(bus_address=args.address).connect()
    notifications = Notifications(log, args.markup, args.refuse)
    notifications.bus = bus
    bus.add_message_handler(notifications.note_sender)
    bus.export(PATH, notifications)
    await own(bus, NAME)
    await until_stdin_closes(bus, on_line=notifications.command)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--markup", action="store_true")
    parser.add_argument("--refuse")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
