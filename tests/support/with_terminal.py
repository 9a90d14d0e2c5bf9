"""Runs a command as a terminal window's shell would: the leader of a new session whose
controlling terminal is a fresh pseudo-terminal, in that terminal's foreground.

Its stdin, stdout and stderr stay what this script was given (pipes, for a test to read apart);
only /dev/tty is the terminal. Whatever is written to the terminal is read and dropped, so
that nothing blocks on it. Exits with the command's status (128 + N for signal N).

Usage: python3 with_terminal.py COMMAND [ARG...]
"""

import fcntl
import os
import select
import sys
import termios


def main(argv):
    master, slave = os.openpty()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        # The new session's controlling terminal; the session leader's group is in front.
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.close(slave)
        os.execvp(argv[0], argv)
    os.close(slave)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                os.read(master, 4096)
            except OSError:
                pass
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
