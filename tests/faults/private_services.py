"""A Redis and a PostgreSQL of the test's own, which it may stop, kill and restart at will.

The shared PostgreSQL and Redis of the machine (and of CI) are never touched: these run on free ports, from
temporary directories, and are gone after the run. PostgreSQL refuses to run as root, so its programs run as
the `postgres` system user when the tests run as root.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.processes.stack import free_port


def _postgres_bin_dir() -> Path | None:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3].split(".")[0])
    )
    if versions:
        return versions[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def private_services_missing_reason() -> str | None:
    """Why the fault tests cannot run here, or None."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "fault tests run with the PostgreSQL suite: set DATABASE_URL=postgres://... (as .ci/run does)"
    if shutil.which("redis-server") is None:
        return "fault tests need redis-server to start a Redis of their own"
    bin_dir = _postgres_bin_dir()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        return "fault tests need PostgreSQL's server programs (initdb, pg_ctl) to start a cluster of their own"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _user_exists("postgres")):
        return "fault tests run as root need runuser and a postgres system user (initdb refuses root)"
    return None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _answers(port: int, payload: bytes, expected: bytes) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(payload)
            return connection.recv(64).startswith(expected)
    except OSError:
        return False


@dataclass
class PrivateRedis:
    """A redis-server without persistence: stopping it loses whatever it held, as a crash would."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdin=subprocess.DEVNULL,
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port, b"PING\r\n", b"+PONG"):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def freeze(self) -> None:
        """Stop it answering without closing anything (SIGSTOP): connections hang, as with a stuck host."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        """Stop it the hard way (SIGKILL): connections drop, queued messages are lost."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, on a free port, with trust authentication on 127.0.0.1."""

    bin_dir: Path
    directory: Path
    port: int = field(default_factory=free_port)

    @classmethod
    def create(cls) -> PrivatePostgres:
        directory = Path(tempfile.mkdtemp(prefix="passerelle-faults-pg-"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        bin_dir = _postgres_bin_dir()
        assert bin_dir is not None
        cluster = cls(bin_dir=bin_dir, directory=directory)
        cluster._run(
            "initdb",
            "--pgdata",
            str(cluster.data_dir),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )
        return cluster

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    def _run(self, program: str, *arguments: str, timeout: float = 120) -> None:
        argv = [str(self.bin_dir / program), *arguments]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, cwd="/")
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")

    def start(self) -> None:
        # A throwaway cluster: durability off, so the schema loads fast; a restart still loses no committed row.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        self._run("pg_ctl", "start", "--pgdata", str(self.data_dir), "--wait", "--log", self.log_path, "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "--pgdata", str(self.data_dir), "--wait", "--mode", mode)

    @property
    def log_path(self) -> str:
        return str(self.directory / "postgres.log")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def execute(self, sql: str, *, database: str = "postgres") -> None:
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop(mode="immediate")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.directory, ignore_errors=True)
