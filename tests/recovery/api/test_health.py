"""Health checks: the database for load balancers, the scheduler's last pass for monitoring."""

from __future__ import annotations

from datetime import datetime, timedelta

from recovery import create_app
from recovery.runtime import utc_now
from tests.conftest import free_port, with_settings
from tests.support.staff_fixtures import beat


def test_health_is_503_when_the_database_does_not_answer(settings) -> None:
    nobody = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/recovery?connect_timeout=2"
    app = create_app(with_settings(settings, database_url=nobody))
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"
    assert client.get("/healthz/scheduler").status_code == 503


def test_scheduler_health_is_200_with_the_time_of_a_pass_just_run(client, runner) -> None:
    assert runner.invoke(args=["tick"]).exit_code == 0
    response = client.get("/healthz/scheduler")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    last_run = datetime.fromisoformat(body["last_run_at"])
    assert last_run.utcoffset() is not None
    assert utc_now() - last_run < timedelta(minutes=1)


def test_scheduler_health_is_still_200_a_minute_after_the_last_pass(client, runtime) -> None:
    beat(runtime, utc_now() - timedelta(seconds=100))
    assert client.get("/healthz/scheduler").status_code == 200


def test_scheduler_health_is_503_when_the_last_pass_is_over_two_minutes_old(
    client, runtime
) -> None:
    last = utc_now() - timedelta(minutes=3)
    beat(runtime, last)
    response = client.get("/healthz/scheduler")
    assert response.status_code == 503
    assert datetime.fromisoformat(response.get_json()["last_run_at"]) == last
