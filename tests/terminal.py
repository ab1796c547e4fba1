"""fourules run as a person runs it at a terminal (POSIX's pty): its standard input, output
and error a terminal, each prompt answered when it appears."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"


def at_a_terminal(
    args: list[str], *answers: tuple[bytes, bytes], seconds: float = 30
) -> tuple[int, str]:
    """Run `python -m fourules ARGS` with a terminal as its standard streams, giving each
    (prompt, answer) when the prompt appears; what it showed, read while it runs (so a
    long output never blocks it), and its exit code. Killed after `seconds`, so a missed
    prompt fails, never hangs."""
    import pty
    import select
    import signal
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: fourules, its standard streams a terminal
        os.environ["PYTHONPATH"] = str(SRC)
        os.execv(sys.executable, [sys.executable, "-m", "fourules", *args])
    out, seen, waiting = b"", 0, list(answers)
    deadline = time.monotonic() + seconds
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closes when fourules ends
            break
        if not chunk:
            break
        out += chunk
        if waiting and (at := out.find(waiting[0][0], seen)) >= 0:
            seen = at + len(waiting[0][0])
            os.write(fd, waiting.pop(0)[1] + b"\n")
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")
