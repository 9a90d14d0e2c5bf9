"""Runs a command as a terminal window's shell would: the leader of a new session whose
controlling terminal is a fresh pseudo-terminal, in that terminal's foreground.

Its stdin, stdout and stderr stay what this script was given (pipes, for a test to read apart);
only /dev/tty is the terminal. Whatever is written to the terminal is read and dropped, so
that nothing blocks on it. Exits with the command's status (128 + N for signal N).

With --typed TEXT, a person sits at that terminal: the command's stdin and stderr are the
terminal too, TEXT is typed into it before the command starts (each line an answer, read as
a terminal gives them, one line at a time; `\\n` in TEXT is a line end), and everything the
terminal showed (prompts, progress, the typed answers echoed) is written to this script's
stderr at the end. stdout stays this script's.

Usage: python3 with_terminal.py [--typed TEXT] COMMAND [ARG...]
"""

import fcntl
import os
import select
import sys
import termios


def main(argv):
    typed = None
    if argv[:1] == ["--typed"]:
        typed, argv = argv[1].replace("\\n", "\n"), argv[2:]
    master, slave = os.openpty()
    if typed is not None:
        # Typed ahead: the terminal keeps the lines until the command reads them.
        os.write(master, typed.encode())
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        # The new session's controlling terminal; the session leader's group is in front.
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        if typed is not None:
            os.dup2(slave, 0)
            os.dup2(slave, 2)
        os.close(slave)
        os.execvp(argv[0], argv)
    os.close(slave)
    shown = bytearray()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                shown += os.read(master, 4096)
            except OSError:
                pass
        if done:
            break
    # What the command wrote just before it ended.
    while select.select([master], [], [], 0.05)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    if typed is not None:
        sys.stderr.write(shown.decode(errors="replace"))
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
