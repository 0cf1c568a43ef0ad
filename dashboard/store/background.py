"""Work done on the machine's other core while a save goes on.

A bulk import spends about a fifth of its time writing the history's JSON lines, which
depend only on the new rows; the validator and the CSV writer need the same rows at the
same time. Built in a forked child (which shares the rows without copying them), the
lines cost the save nothing on a machine with two cores. Only a process with a single
thread forks (the CLI); the app's server, which runs many threads, builds them in place.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable


class Background:
    """``make()`` (pieces of bytes) running in a forked child: ``result()`` waits for the
    pieces, ``cancel()`` stops it. The child sends each piece as it is made (it never holds
    them all). Whatever goes wrong in the child (it is killed, it raises), ``result()``
    makes the pieces here instead: it never differs from calling ``make()`` directly."""

    def __init__(self, make: Callable[[], Iterable[bytes]]) -> None:
        self._make = make
        self._pid = 0
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: make, send, leave without running the parent's exit hooks
            status = 1
            try:
                os.close(read_end)
                for piece in make():
                    view = memoryview(piece)
                    while view:
                        view = view[os.write(write_end, view) :]
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end

    def result(self) -> Iterable[bytes]:
        if not self._pid:
            return self._make()
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self._read_end, 1 << 20):
                chunks.append(chunk)
        finally:
            status = self._reap()
        return chunks if status == 0 else self._make()

    def cancel(self) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> int:
        os.close(self._read_end)
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        return status
