"""A freedesktop notification service for the integration tests.

Owns org.freedesktop.Notifications on the D-Bus bus at --address, answers the four methods
of the Desktop Notifications Specification as a notification daemon does, and appends one
line of JSON per method call to --log (Notify calls with every argument), flushed at once.

    python3 notification_listener.py --address ADDRESS --log FILE [--markup] [--refuse TEXT]

--markup   advertise the body-markup capability (the client must then escape & < >)
--refuse   answer every Notify with an org.freedesktop.DBus.Error.Failed carrying TEXT

Prints "ready" on stdout once it owns the name; exits when its standard input closes, so a
test that dies never leaves it behind.
"""

import argparse
import asyncio
import json

from dbus_next import DBusError, Variant
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
    bus.export(PATH, Notifications(log, args.markup, args.refuse))
    await own(bus, NAME)
    await until_stdin_closes(bus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--markup", action="store_true")
    parser.add_argument("--refuse")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
