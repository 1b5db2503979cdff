"""Start the services of docker-compose.yml as local processes: the same commands and environment, read from the file.

Only what cannot be the same on a test machine is replaced: the executables come from this virtualenv, the web
server binds a free local port, beat keeps its schedule in a temporary directory, and the database, broker, mail
server and file directories point at the test ones.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPOSITORY / "docker-compose.yml"
_VARIABLE = re.compile(r"^\$\{(?P<name>\w+)(?::-(?P<default>[^}]*)|:\?[^}]*)?\}$")


def compose_service(name: str) -> dict[str, Any]:
    """One service of docker-compose.yml, with its `x-` anchors merged in."""
    with COMPOSE_FILE.open() as file:
        return yaml.safe_load(file)["services"][name]


def compose_environment(service: str) -> dict[str, str]:
    """The service's environment as compose would set it with no variable exported: `${X:-default}` gives the
    default; a required `${X:?...}` (SECRET_KEY) is left out for the caller to provide."""
    environment: dict[str, str] = {}
    for key, raw in compose_service(service).get("environment", {}).items():
        value = str(raw)
        match = _VARIABLE.match(value)
        if match is None:
            environment[key] = value
        elif match["default"] is not None:
            environment[key] = match["default"]
    return environment


def compose_command(service: str, **options: str) -> list[str]:
    """The service's command with executables from this virtualenv and `--option value` pairs replaced.

    Each replaced option must be in the compose command already, so the tests never run something the file lacks.
    """
    argv = [str(part) for part in compose_service(service)["command"]]
    executable_dir = Path(sys.executable).parent
    if argv[0] == "python":
        argv[0] = sys.executable
    elif (executable_dir / argv[0]).exists():
        argv[0] = str(executable_dir / argv[0])
    for option, value in options.items():
        flag = "--" + option.replace("_", "-")
        assert flag in argv, f"{flag} is not in the {service} command of docker-compose.yml"
        argv[argv.index(flag) + 1] = value
    return argv


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_database(source_url: str, target_url: str) -> None:
    """Copy a database's schema and data into an existing empty one (pg_dump | pg_restore, a few seconds): how the
    load test and the fault tests start from the run's migrated or seeded data instead of building it again."""
    dump = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--dbname", source_url],  # noqa: S607
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", target_url],  # noqa: S607
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=120,
    )


def random_secret_key() -> str:
    return secrets.token_urlsafe(60)


@dataclass
class Process:
    """A process started in its own session, so stopping it stops its children (gunicorn and celery workers)."""

    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self, last: int = 60) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-last:])

    def terminate(self) -> None:
        """Ask the main process to shut down; it stops its own children (gunicorn workers, celery's pool)."""
        if self.popen.poll() is None:
            self.popen.terminate()

    def stop(self, grace: float = 10) -> None:
        """Terminate, wait `grace` seconds, then kill whatever is left of the session.

        Nothing may outlive the test: the test database is dropped at the end of the run.
        """
        self.terminate()
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=grace)


def start_process(name: str, argv: list[str], *, environment: dict[str, str], log_dir: Path) -> Process:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log_file:
        popen = subprocess.Popen(
            argv,
            cwd=REPOSITORY,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(name=name, popen=popen, log_path=log_path)


def wait_until(condition: Callable[[], Any], *, timeout: float, what: str, processes: list[Process]) -> Any:
    """Poll `condition` until it returns something true; fail with the processes' logs otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        for process in processes:
            if process.popen.poll() is not None:
                raise AssertionError(f"{process.name} exited ({process.popen.returncode}):\n{process.log()}")
        time.sleep(0.2)
    logs = "\n".join(f"--- {process.name} ---\n{process.log()}" for process in processes)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.\n{logs}")
