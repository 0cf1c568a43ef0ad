"""Start the Streamlit app as a subprocess on a free localhost port, and stop it again.

Bounded and self-stopping: ``start`` waits at most ``timeout`` seconds for the health
endpoint and raises with the server's log if it does not come up; ``stop`` terminates the
process group, then kills it. Use it as a context manager::

    with AppServer() as server:
        page.goto(server.url)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
# The app's entry script: the one place the tests and benchmarks name it.
APP_SCRIPT = REPO_DIR / "dashboard" / "ui" / "app.py"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run APP_SCRIPT`` on localhost, optionally with another incidents file."""

    def __init__(
        self,
        incidents: str | os.PathLike | None = None,
        port: int | None = None,
        timeout: float = 60.0,
        env: dict[str, str] | None = None,
    ):
        self.incidents = incidents
        self.env = env or {}  # more settings for the app (DASHBOARD_ROUTES, _EDITING, ...)
        self.port = port or free_port()
        self.timeout = timeout
        self.url = f"http://localhost:{self.port}"
        self.proc: subprocess.Popen | None = None
        # The server's log: kept for the life of the runner, shown when start-up fails.
        self._log = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP_SCRIPT),
            "--server.port",
            str(self.port),
            "--server.address",
            "localhost",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ]

    def log(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def start(self) -> AppServer:
        env = dict(os.environ)
        env.pop("DASHBOARD_INCIDENTS", None)
        if self.incidents is not None:
            env["DASHBOARD_INCIDENTS"] = str(self.incidents)
        env.update(self.env)
        self.proc = subprocess.Popen(
            self.command(),
            cwd=REPO_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches any children
        )
        deadline = time.monotonic() + self.timeout
        health = f"{self.url}/_stcore/health"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.stop()
                raise RuntimeError(
                    f"streamlit exited with {code} before it was healthy:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as resp:  # noqa: S310 (localhost)
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"streamlit was not healthy at {health} after {self.timeout:.0f} s:\n{self.log()}"
        )

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __del__(self) -> None:  # last resort if a caller forgot stop()
        with contextlib.suppress(Exception):
            self.stop()
            self._log.close()
