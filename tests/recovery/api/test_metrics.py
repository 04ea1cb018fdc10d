"""``/metrics``: refused without its token; figures read from the database, no patient detail."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from config.settings import Settings
from recovery.sending.due_work import run_due_work
from tests.conftest import with_settings
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms

TOKEN = "metrics-token-for-tests"
PHONE = "+14155550123"


def test_metrics_answer_404_when_no_token_is_set(client) -> None:
    assert client.get("/metrics").status_code == 404


def _app_with_token(app, settings: Settings):  # type: ignore[no-untyped-def]
    runtime = app.extensions["recovery"]
    runtime.settings = with_settings(settings, metrics_token=TOKEN)
    return app.test_client()


def test_metrics_refuse_a_missing_or_wrong_token(app, settings) -> None:
    client = _app_with_token(app, settings)
    assert client.get("/metrics").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/metrics", headers=wrong).status_code == 401


def test_metrics_show_the_database_figures_without_patient_detail(app, settings, runtime) -> None:
    client = _app_with_token(app, settings)
    enroll_patient(runtime, PHONE, name="Ann Lee")
    run_due_work(runtime, now=MORNING)
    assert post_sms(client, runtime.settings, "I can't feel my legs", PHONE).status_code == 200
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert samples[("recovery_inbound_texts", ())] == 1
    urgent = (("kind", "red_flag_symptoms"), ("severity", "urgent"))
    assert samples[("recovery_flags_raised", urgent)] == 1
    assert samples[("recovery_open_flags", (("severity", "urgent"),))] == 1
    assert samples[("recovery_webhook_request_seconds_count", (("webhook", "inbound_sms"),))] >= 1
    assert samples[("recovery_seconds_since_due_work", ())] >= 0
    assert sum(v for (name, _), v in samples.items() if name == "recovery_outbound_texts") >= 2
    assert not any(secret in text for secret in (PHONE, PHONE[2:], "Ann", "legs"))
