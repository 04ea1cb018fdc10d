"""A PostgreSQL server of a test's own, to stop and start while the service runs.

Debian's `initdb` and `pg_ctl`, run as the `postgres` user, on a free loopback port, with
trust authentication; its data directory is removed when the test ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def is_available() -> bool:
    """Whether this machine can run a server of its own (Debian's PostgreSQL binaries)."""
    return bool(_BINARIES) and shutil.which("runuser") is not None


class OwnPostgres:
    """One throwaway server: `start`, `stop`, and a URL for a database on it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._bin = Path(_BINARIES[-1])
        self._dir = Path(tempfile.mkdtemp(prefix="recovery-pg-"))
        self._data = self._dir / "data"
        shutil.chown(self._dir, "postgres", "postgres")
        self._as_postgres(
            str(self._bin / "initdb"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
            "-D",
            str(self._data),
        )

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        options = f"-p {self.port} -k {self._dir} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            str(self._bin / "pg_ctl"),
            "-D",
            str(self._data),
            "-o",
            options,
            "-w",
            "-l",
            str(self._dir / "log"),
            "start",
        )

    def stop(self) -> None:
        """Stop the server at once (open connections are cut)."""
        self._as_postgres(
            str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", "fast", "-w", "stop"
        )

    def create_database(self, name: str) -> str:
        """Create a database; its SQLAlchemy URL."""
        self._as_postgres(
            str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), name
        )
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        """Stop if running, and delete the data directory."""
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(self._bin / "pg_ctl"),
                "-D",
                str(self._data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self._dir, ignore_errors=True)

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            cwd="/",
            env={**os.environ, "LC_ALL": "C"},
        )
