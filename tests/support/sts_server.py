"""A real STS on loopback for the tests: moto's server, bound to 127.0.0.1.

    python3 tests/support/sts_server.py [PORT]

Binds 127.0.0.1:PORT (default 0: a free port chosen by the kernel, so there is no race
for it), then prints the base URL, e.g. ``http://127.0.0.1:40123``, as one line on stdout
once it accepts connections. It serves until its standard input reaches end of file or it
is killed: a parent that holds the other end of a pipe on stdin cannot leave a server
behind, however it exits.
"""

import logging
import sys

try:
    from moto.iam.responses import IamResponse
    from moto.server import ThreadedMotoServer
except ImportError as err:  # pragma: no cover - the message is the point
    sys.exit(
        f"error: moto is not installed for {sys.executable} ({err}): "
        "run ./scripts/test, which creates .venv from requirements-test.txt"
    )


def _implicit_user_name(list_mfa_devices):
    """IAM's ListMFADevices without UserName lists the devices of the user whose access key
    signed the request; moto 5.2.5 looks up a user named None instead (NoSuchEntity). Its
    GetUser already resolves the caller from the key: do the same here."""

    def patched(self):
        if not self._get_param("UserName"):
            user = self.backend.get_user_from_access_key_id(self.get_access_key())
            if user is not None:
                get_param = self._get_param
                self._get_param = lambda name, if_none=None: (
                    user.name if name == "UserName" else get_param(name, if_none)
                )
        return list_mfa_devices(self)

    return patched


IamResponse.list_mfa_devices = _implicit_user_name(IamResponse.list_mfa_devices)


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    # One line per request on stderr is noise in test output; real errors still show.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    print(f"http://{host}:{bound}", flush=True)

    try:
        sys.stdin.buffer.read()
    except KeyboardInterrupt:
        pass
    # The server thread is a daemon thread and holds no state worth saving: returning ends
    # the process at once, where server.stop() would wait out werkzeug's poll interval.


if __name__ == "__main__":
    main()
