"""A throwaway PostgreSQL cluster with PostGIS, for tests and `python -m benchmarks db`.

Nothing depends on a server left running: ``initdb`` in a temporary folder, ``pg_ctl`` on a
free local port (TCP on 127.0.0.1 only, the Unix socket inside that folder), one database
with PostGIS, and everything stopped and removed at the end, also when a test fails.
``initdb`` refuses to run as root, so as root the cluster runs as the ``postgres`` user
(Debian's packages create it; ``make test`` installs them).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def pg_bin_dir() -> Path | None:
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``with Cluster() as c: c.url`` is a SQLAlchemy URL of an empty PostGIS database."""

    def __init__(self, database: str = "dashboard_test", durable: bool = False):
        self.database = database
        self.durable = durable  # fsync on, as a real server; off makes tests faster
        self.bin = pg_bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (make test installs it)")
        self.dir: Path | None = None
        self.port = 0
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def __enter__(self) -> Cluster:
        self.dir = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
        try:
            if os.geteuid() == 0:
                shutil.chown(self.dir, "postgres", "postgres")
            data = self.dir / "data"
            self._run(
                self.bin / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"
            )
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                f"-c fsync={'on' if self.durable else 'off'} -c max_connections=100"
            )
            self._run(
                self.bin / "pg_ctl", "-D", data, "-o", options, "-l", self.dir / "log", "-w",
                "start",
            )  # fmt: skip
            self.started = True
            self.create_database(self.database)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def postmaster_pid(self) -> int | None:
        """The server's process id (from postmaster.pid), for CPU accounting."""
        try:
            return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError, TypeError):
            return None

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database with PostGIS (a copy of ``template`` when given); returns its URL."""
        psql = [self.bin / "psql", "-h", self.dir, "-p", self.port, "-U", "postgres"]
        psql += ["-v", "ON_ERROR_STOP=1", "-q"]
        create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        self._run(*psql, "-d", "postgres", "-c", create)
        if not template:
            self._run(*psql, "-d", name, "-c", "CREATE EXTENSION postgis")
        return self.admin_url(name)

    def __exit__(self, *exc) -> None:
        if self.dir is None:
            return
        if self.started:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "immediate", "stop")
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
