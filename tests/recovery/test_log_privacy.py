"""A patient's name, phone, MRN and words reach no log line, in either log format.

One patient goes through every path a hospital's logs would see: enrolled through the API,
texted through Twilio with its status callbacks, answering with a warning sign through the
signed webhook (a flag, an on-call page). Every record logged on the way, at every level, is
then written in the text and the JSON format and searched for them.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
import requests

from config.settings import Settings
from recovery import runtime_of
from recovery.logs import RequestIdFilter, make_formatter
from recovery.sending.due_work import run_due_work
from tests.conftest import with_settings
from tests.support.factories import MORNING
from tests.support.twilio_inbound import text_in

NAME, PHONE, MRN = "Imelda Quispe", "+14155550177", "MRN-771234"
TEXT = "my left knee keeps buckling when I climb the stairs"
SECRETS = (NAME, "Imelda", "Quispe", PHONE, PHONE[2:], "555-0177", MRN, TEXT, "buckling")


@pytest.fixture
def twilio_settings(twilio_settings: Settings) -> Settings:
    return with_settings(twilio_settings, on_call_phone="+14155550100")


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


def test_no_patient_detail_in_any_log_line(runtime, twilio, live_port, api_token, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RequestIdFilter())
    twilio.auto_callbacks = True
    base = f"http://127.0.0.1:{live_port}"
    body = {
        "patient": {"name": NAME, "phone": PHONE, "sms_consent": True, "mrn": MRN},
        "procedure": {"performed_at": (MORNING - timedelta(hours=24)).isoformat()},
    }
    headers = {"Authorization": f"Bearer {api_token}", "X-Request-ID": "enroll-1"}
    assert requests.post(f"{base}/api/v1/enrollments", json=body, headers=headers, timeout=10).ok
    run_due_work(runtime, now=MORNING)
    answered = text_in(twilio, f"{base}/webhooks/twilio/sms", PHONE, TEXT)
    assert answered.status == 200 and answered.replies
    run_due_work(runtime, now=MORNING + timedelta(minutes=1))  # the on-call page goes out
    assert caplog.records, "the paths above log something"

    for log_format in ("text", "json"):
        formatter = make_formatter(log_format)
        lines = [formatter.format(record) for record in caplog.records]
        found = [(secret, line) for line in lines for secret in SECRETS if secret in line]
        assert found == [], log_format
    entries = [json.loads(make_formatter("json").format(r)) for r in caplog.records]
    assert all({"time", "level", "logger", "event"} <= set(entry) for entry in entries)
