"""Benchmark 4: the nurses' pages over a big clinic, and the due-work tick with nothing due."""

from __future__ import annotations

import re
import secrets
import statistics
import time
from dataclasses import dataclass

import requests
from sqlalchemy import func, select

from config.settings import Settings
from jobs.clock import run_folding
from recovery.models import Enrollment, Flag, Message, MessageTally
from recovery.runtime import Runtime, utc_now
from recovery.staff.accounts import create_user
from recovery.staff.tokens import create_token
from recovery.states import FlagStatus
from tests.perf.databases import fresh_postgres
from tests.perf.history import add_history
from tests.perf.plan import Plan
from tests.perf.processes import free_port, gunicorn, service_env
from tests.perf.report import Figure, Goal
from tests.perf.ticking import tick_parts

WORKLIST = "big worklist"
NURSE = "bench-nurse@example.org"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_GOAL = Goal("<", 100, "p95 < 100 ms")
NOTES = [
    "Big worklist: a fresh PostgreSQL database filled with bulk Core inserts (patients, one "
    "enrollment each with its check-ins, texts spread evenly over the enrollments, the open "
    "flags plus as many resolved ones, an audit event per flag), then `ANALYZE`; the "
    "tallies that the triggers kept meanwhile are folded as the scheduler does and checked "
    "against a `COUNT` of the texts. "
    "The pages are served by `gunicorn -w 2` and fetched one at a time by a signed-in "
    "`requests.Session` (a nurse created with `recovery.staff.create_user`, signed in "
    "through `/login` with its CSRF token); p95 of the client-side time of each request. "
    "`/patients/<id>` is asked for patients that have an open flag, a different one each "
    "time. Baseline: `GET /healthz` the same way.",
    "Due-work tick with nothing due: `run_due_work(runtime, now=now)` in-process on the big "
    "database (every check-in ended or due tomorrow, no text queued), p95 of the passes; "
    "'queries only' is `do_due_work` without the heartbeat write. Baseline: the same on an "
    "empty database.",
]


@dataclass
class Pages:
    """A signed-in client of the staff pages (or of the JSON API, if the pages are missing)."""

    base_url: str
    client: requests.Session
    is_api: bool = False

    def timed(self, path: str, headers: dict[str, str] | None = None) -> float:
        """GET a path; its time in milliseconds (a non-200 answer is an error)."""
        started = time.perf_counter()
        response = self.client.get(
            self.base_url + path, headers=headers, timeout=30, allow_redirects=False
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return elapsed


def signed_in(base_url: str, password: str, token: str) -> Pages:
    """Sign in through /login; fall back to the JSON API when the staff pages are not there."""
    client = requests.Session()
    client.trust_env = False
    form = client.get(f"{base_url}/login", timeout=30)
    match = CSRF.search(form.text) if form.status_code == 200 else None
    if match is not None:
        data = {"email": NURSE, "password": password, "csrf_token": match[1], "next": ""}
        answer = client.post(f"{base_url}/login", data=data, timeout=30, allow_redirects=False)
        if answer.status_code in (302, 303) and client.get(f"{base_url}/flags", timeout=30).ok:
            return Pages(base_url, client)
    client.headers["Authorization"] = f"Bearer {token}"
    return Pages(base_url, client, is_api=True)


def p95(samples: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def _staff(runtime: Runtime) -> tuple[str, str, list[int]]:
    """A nurse (password), an API token, and the patients with an open flag."""
    password = secrets.token_urlsafe(16)
    with runtime.transaction() as session:
        create_user(session, NURSE, "nurse", password, actor="benchmark", now=utc_now())
        _row, token = create_token(session, "benchmark", actor="benchmark", now=utc_now())
        query = (
            select(Enrollment.patient_id)
            .join(Flag, Flag.enrollment_id == Enrollment.id)
            .where(Flag.status == FlagStatus.OPEN)
            .order_by(Flag.id)
        )
        patients = list(session.scalars(query))
    return password, token, patients


def _page_figures(
    plan: Plan, pages: Pages, patients: list[int], metrics_token: str
) -> list[Figure]:
    count = plan.page_requests
    flags_path = "/api/v1/flags?status=open" if pages.is_api else "/flags"
    spread = patients[:: max(1, len(patients) // (count * plan.runs + 10))]
    # One enrollment per patient with the same id in the bulk data, so either path works.
    record_path = "/api/v1/enrollments/{}" if pages.is_api else "/patients/{}"

    def patient_path(index: int) -> str:
        return record_path.format(spread[index])

    for index in range(5):  # warm both workers up
        for path in (flags_path, patient_path(index), "/healthz"):
            pages.timed(path)
    scraper = {"Authorization": f"Bearer {metrics_token}"}
    flags, record, health, metrics = [], [], [], []
    for run in range(plan.runs):
        flags.append(p95([pages.timed(flags_path) for _ in range(count)]))
        offset = 5 + run * count
        record.append(p95([pages.timed(patient_path(offset + i)) for i in range(count)]))
        health.append(p95([pages.timed("/healthz") for _ in range(count)]))
        metrics.append(p95([pages.timed("/metrics", scraper) for _ in range(count)]))
    size = f"{plan.worklist_flags:,} open flags"
    names = (flags_path, "/api/v1/enrollments/<id>" if pages.is_api else "/patients/<id>")
    return [
        Figure(
            WORKLIST,
            f"GET {names[0]} p95 ({size})",
            "ms",
            flags,
            PAGE_GOAL,
            baseline_name="/healthz p95",
            baseline_runs=health,
        ),
        Figure(
            WORKLIST,
            f"GET {names[1]} p95",
            "ms",
            record,
            PAGE_GOAL,
            baseline_name="/healthz p95",
            baseline_runs=health,
        ),
        Figure(
            WORKLIST,
            "GET /metrics p95 (figures read from the database)",
            "ms",
            metrics,
            PAGE_GOAL,
            baseline_name="/healthz p95",
            baseline_runs=health,
        ),
    ]


def _fold_tallies(runtime: Runtime) -> None:
    """Fold the tallies as the scheduler's job would, and check they match the texts."""
    run_folding(runtime)
    labels = (Message.direction, Message.status, Message.error_code)
    tally = (MessageTally.direction, MessageTally.status, MessageTally.error_code)
    with runtime.sessions() as session:
        counted = set(session.execute(select(*labels, func.count()).group_by(*labels)))
        tallied = set(session.execute(select(*tally, MessageTally.delta)))  # one row a label
    if tallied != counted:
        raise RuntimeError(f"the texts' tallies {tallied} are not their counts {counted}")


def _console_runtime(url: str) -> Runtime:
    return Runtime.from_settings(Settings(database_url=url, env="test", sms_rate_per_second=0))


def _tick_runs(plan: Plan, runtime: Runtime) -> dict[str, list[float]]:
    """p95 (ms) of each part of the due-work pass, one value per run."""
    runs: dict[str, list[float]] = {}
    for part, measure in tick_parts(runtime).items():
        measure()  # warm up
        runs[part] = [
            p95([measure() for _ in range(plan.tick_passes)]) for _run in range(plan.runs)
        ]
    return runs


def _empty_database_ticks(plan: Plan) -> dict[str, list[float]]:
    """The baseline: the due-work pass on an empty database."""
    with fresh_postgres() as url:
        runtime = _console_runtime(url)
        try:
            return _tick_runs(plan, runtime)
        finally:
            runtime.engine.dispose()


def _pages(plan: Plan, url: str, password: str, token: str, patients: list[int]) -> list[Figure]:
    """The staff pages' figures, served by gunicorn as in production."""
    port = free_port()
    metrics_token = secrets.token_hex(16)
    env = service_env(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_hex(24),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        SMS_BACKEND="console",
        METRICS_TOKEN=metrics_token,
    )
    with gunicorn(env, port, plan.workdir / "gunicorn-worklist.log") as base_url:
        pages = signed_in(base_url, password, token)
        return _page_figures(plan, pages, patients, metrics_token)


def big_worklist(plan: Plan) -> list[Figure]:
    """Benchmark 4: p95 of /flags and /patients/<id>, and of the due-work tick."""
    baseline = _empty_database_ticks(plan)
    with fresh_postgres() as url:
        runtime = _console_runtime(url)
        try:
            add_history(
                runtime.engine,
                enrollments=plan.worklist_enrollments,
                messages=plan.worklist_messages,
                open_flags=plan.worklist_flags,
                now=utc_now(),
            )
            _fold_tallies(runtime)
            ticks = _tick_runs(plan, runtime)
            password, token, patients = _staff(runtime)
        finally:
            runtime.engine.dispose()
        figures = _pages(plan, url, password, token, patients)
    size = f"{plan.worklist_enrollments:,} enrollments, {plan.worklist_messages:,} texts"
    for part, runs in ticks.items():
        goal = Goal("<", 10, "p95 < 10 ms") if part == "whole pass" else None
        name = f"due-work tick, nothing due, {part} p95 ({size})"
        figures.append(Figure(WORKLIST, name, "ms", runs, goal, "empty database", baseline[part]))
    return figures
