"""The service's own processes for the benchmarks: flask commands, gunicorn, the scheduler."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "recovery"]
# Settings the benchmark decides; the caller's environment must not leak into them.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "RECOVERY_ENV",
    "SMS_BACKEND",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
    "TWILIO_API_URL",
    "PUBLIC_BASE_URL",
    "SMS_RATE_PER_SECOND",
    "ON_CALL_PHONE",
    "DEFAULT_TIMEZONE",
)
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def service_env(**settings: str) -> dict[str, str]:
    """This process's environment with the service's settings replaced by ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(settings)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def flask(
    args: list[str], env: dict[str, str], *, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run one ``flask --app recovery`` command to the end; raise with its output if it fails."""
    result = subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"flask {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A background process in its own process group, stopped (TERM, then KILL) afterwards."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """Stop a process group started by ``running``: SIGTERM, then SIGKILL after ``grace``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


def wait_for_http(url: str, process: subprocess.Popen[bytes], *, timeout: float = 30.0) -> None:
    """Wait until ``url`` answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            with _NO_PROXY.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path, *, workers: int = 2) -> Iterator[str]:
    """The production web set-up, ``gunicorn -w 2 'recovery:create_app()'``; yields its URL."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--graceful-timeout",
        "5",
        "recovery:create_app()",
    ]
    base_url = f"http://127.0.0.1:{port}"
    with running(command, env, log) as process:
        wait_for_http(f"{base_url}/healthz", process)
        yield base_url


def resident_memory(pid: int) -> tuple[float, float]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]
