"""Work done on the machine's other core while a save goes on.

A bulk import spends about a fifth of its time writing the history's JSON lines, which
depend only on the new rows; the validator and the CSV writer need the same rows at the
same time. Built in a forked child (which shares the rows without copying them), the
lines cost the save little on a machine with two cores. Only a process with a single
thread forks (the CLI); the app's server, which runs many threads, builds them in place.
"""

from __future__ import annotations

import gc
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator


class Background:
    """``make()`` (pieces of bytes) running in a forked child: ``result()`` waits for the
    pieces, ``cancel()`` stops it.

    The child writes into an anonymous temporary file, so it never waits for the parent
    (a pipe would stop it at 64 KB until the parent reads) and the pieces are never all in
    memory. Whatever goes wrong in the child (it is killed, it raises), ``result()`` makes
    the pieces here instead: it never differs from calling ``make()`` directly.
    """

    def __init__(self, make: Callable[[], Iterable[bytes]]) -> None:
        self._make = make
        self._pid = 0
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by result() or cancel()
        pid = os.fork()
        if pid == 0:  # the child: make, write, leave without running the parent's exit hooks
            status = 1
            try:
                gc.disable()  # a collection would touch (and so copy) every shared object
                fd = spool.fileno()
                for piece in make():
                    view = memoryview(piece)
                    while view:
                        view = view[os.write(fd, view) :]
                status = 0
            finally:
                os._exit(status)
        self._pid, self._spool = pid, spool

    def result(self) -> Iterable[bytes]:
        if not self._pid:
            return self._make()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if status != 0:
            self._spool.close()
            return self._make()
        return self._pieces()

    def _pieces(self) -> Iterator[bytes]:
        with self._spool as spool:
            spool.seek(0)
            while piece := spool.read(1 << 20):
                yield piece

    def cancel(self) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
            self._spool.close()
