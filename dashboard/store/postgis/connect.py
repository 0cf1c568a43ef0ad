"""Reaching the database: its URL (never showing the password), one connection pool per URL
and process, and transactions whose failures become one clear ``DatabaseUnavailable`` line.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dashboard.store.base import StoreError

if TYPE_CHECKING:  # pragma: no cover
    import sqlalchemy as sa


class DatabaseUnavailable(StoreError):
    """The database cannot be used (unreachable, refused, no schema). One line for users."""


def engine_url(url: str) -> sa.URL:
    """The SQLAlchemy URL for ``url`` with the psycopg 3 driver (plain postgresql:// works)."""
    import sqlalchemy as sa

    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise DatabaseUnavailable(
            "DASHBOARD_DATABASE_URL is not a database URL "
            "(expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgis"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("postgresql"):
        raise DatabaseUnavailable(
            f"DASHBOARD_DATABASE_URL must be a postgresql:// URL, not {parsed.drivername}://"
        )
    return parsed


def describe_url(url: str) -> str:
    """'database NAME on HOST:PORT': what to tell a user, never the password."""
    try:
        parsed = engine_url(url)
    except DatabaseUnavailable:
        return "the database named by DASHBOARD_DATABASE_URL"
    host = parsed.host or parsed.query.get("host") or "localhost"
    return f"database {parsed.database or '(none)'!r} on {host}:{parsed.port or 5432}"


_ENGINES: dict[str, object] = {}


_ENGINES_LOCK = threading.Lock()


def _engine(url: str):
    """One connection pool per URL and process (the app calls the store on every rerun)."""
    import sqlalchemy as sa

    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = sa.create_engine(
                engine_url(url),
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=5,
                connect_args={"connect_timeout": 5, "application_name": "dashboard"},
            )
            _ENGINES[url] = engine
        return engine


def _reason(exc: BaseException, password: str | None) -> str:
    """The driver's own words about what went wrong, on one line, without the password."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    for prefix in ("connection failed: ", "(psycopg.OperationalError) "):
        text = text.removeprefix(prefix)
    if password:
        text = text.replace(password, "***")
    return text[:300]


class Connection:
    """One database for a store: transactions, creating the schema, the data version."""

    def __init__(self, url: str):
        self.url = url
        self.where = describe_url(url)
        self._password = None
        with contextlib.suppress(DatabaseUnavailable):
            self._password = engine_url(url).password

    def close(self) -> None:
        """Close this process's connections to the database (they reopen when needed)."""
        with _ENGINES_LOCK:
            engine = _ENGINES.pop(self.url, None)
        if engine is not None:
            engine.dispose()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        """A transaction; database trouble becomes one clear DatabaseUnavailable line."""
        import sqlalchemy as sa

        try:
            engine = _engine(self.url)
            with engine.begin() as con:
                yield con
        except sa.exc.ProgrammingError as exc:
            if "UndefinedTable" in type(getattr(exc, "orig", exc)).__name__:
                raise DatabaseUnavailable(
                    f"{self.where} has no dashboard tables yet: run `python -m dashboard db init`"
                ) from None
            raise
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise DatabaseUnavailable(
                f"cannot use the {self.where}: {_reason(exc, self._password)}"
            ) from None

    def init(self) -> list[str]:
        """Create or upgrade the schema (idempotent); the migrations applied now."""
        from dashboard.store.migrations import migrate

        with self._tx():  # reachability first, for a clear message
            pass
        import sqlalchemy as sa

        try:
            return migrate(_engine(self.url))
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise DatabaseUnavailable(
                f"cannot use the {self.where}: {_reason(exc, self._password)}"
            ) from None
        except sa.exc.ProgrammingError as exc:
            raise DatabaseUnavailable(
                f"cannot create the tables in the {self.where}: {_reason(exc, self._password)}"
            ) from None

    def _bump(self, con) -> None:
        """Count one more change, so every app process reloads at its next interaction."""
        import sqlalchemy as sa

        con.execute(sa.text("UPDATE dashboard_meta SET data_version = data_version + 1"))
