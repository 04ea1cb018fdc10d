"""``/metrics`` is right with two gunicorn web workers and a scheduler in its own process.

Database figures are read at each scrape, whichever worker answers; the webhook durations of
both workers add up through ``PROMETHEUS_MULTIPROC_DIR``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from recovery.sending.due_work import run_due_work
from recovery.sending.signing import public_url, sign
from tests.conftest import free_port, with_settings
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.sms_client import PATH, twilio_form

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "metrics-token-for-tests"
TEXTS = 6


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _figures(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = requests.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    assert answer.status_code == 200, answer.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def _wait(condition, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def test_figures_match_the_database_across_two_workers_and_a_scheduler(
    settings, runtime, tmp_path
) -> None:
    phones = [phone_number(i) for i in range(3)]
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    metrics_dir = tmp_path / "metrics"  # its own: the collector reads every *.db file there
    metrics_dir.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "RECOVERY_"))},
        "DATABASE_URL": settings.database_url,
        "SMS_BACKEND": "console",
        "PUBLIC_BASE_URL": base,
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    web = _start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "recovery:create_app()",
        ],
        env,
    )
    clock = _start([sys.executable, "-m", "flask", "--app", "recovery", "scheduler"], env)
    try:
        assert _wait(lambda: requests.get(f"{base}/healthz", timeout=2).ok), (
            "gunicorn did not start"
        )
        signer = with_settings(settings, public_base_url=base)
        for index in range(TEXTS):
            form = twilio_form(str(index % 11), phones[index % len(phones)])
            signature = sign(signer, public_url(signer, PATH), form)
            answer = requests.post(
                f"{base}{PATH}", data=form, headers={"X-Twilio-Signature": signature}, timeout=10
            )
            assert answer.status_code == 200
        assert _wait(lambda: _figures(base)[("recovery_seconds_since_due_work", ())] < 30)
        for _ in range(4):  # whichever worker answers the scrape
            figures = _figures(base)
            assert figures[("recovery_inbound_texts", ())] == TEXTS
            timed = (("webhook", "inbound_sms"),)
            assert figures[("recovery_webhook_request_seconds_count", timed)] == TEXTS
    finally:
        for process in (web, clock):
            process.terminate()
        for process in (web, clock):
            process.communicate(timeout=30)
