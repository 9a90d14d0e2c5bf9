"""A Secret Service that never answers, for the integration tests.

Owns org.freedesktop.secrets on the D-Bus bus at --address and takes every method call
without ever replying, as a keyring daemon that is stuck (or waiting on a prompt nobody sees)
does. Prints "ready" once it owns the name; exits when its standard input closes.

    python3 stuck_secret_service.py --address ADDRESS
"""

import argparse
import asyncio

from dbus_next import MessageType
from dbus_next.aio import MessageBus

from dbus_service import own, until_stdin_closes

NAME = "org.freedesktop.secrets"


async def serve(address):
    bus = await MessageBus(bus_address=address).connect()
    # Every method call to this connection is taken and left unanswered (the replies to
    # this service's own calls still reach it).
    bus.add_message_handler(lambda message: message.message_type == MessageType.METHOD_CALL or None)
    await own(bus, NAME)
    await until_stdin_closes(bus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    asyncio.run(serve(parser.parse_args().address))


if __name__ == "__main__":
    main()
