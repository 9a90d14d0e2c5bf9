"""What the test D-Bus services share: owning their name, and running until the test that
started them closes their standard input (so a test that dies never leaves one behind)."""

import asyncio
import sys
import threading

from dbus_next import RequestNameReply


async def own(bus, name):
    """Owns `name` on `bus`, or exits saying why; then prints "ready" for the test."""
    reply = await bus.request_name(name)
    if reply != RequestNameReply.PRIMARY_OWNER:
        print(f"could not own {name}: {reply}", file=sys.stderr, flush=True)
        sys.exit(1)
    print("ready", flush=True)


async def until_stdin_closes(bus, on_line=None):
    """Serves until standard input closes, then leaves the bus. Each line that comes before
    is handed to `on_line` (on the event loop), if given: how a test tells a service to act."""
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()

    def wait_for_eof():
        for line in sys.stdin:
            if on_line is not None:
                loop.call_soon_threadsafe(on_line, line)
        loop.call_soon_threadsafe(stdin_closed.set)

    threading.Thread(target=wait_for_eof, daemon=True).start()
    await stdin_closed.wait()
    bus.disconnect()
