"""The protocol editor: every setting and text on one form; saving makes a version and
re-plans active enrollments."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recovery.models import AuditEvent, CheckIn, Enrollment, Protocol
from recovery.protocols.definitions import default_definitions
from recovery.protocols.segments import encoding, segment_count
from recovery.runtime import utc_now
from tests.support.staff_client import post, text
from tests.support.staff_fixtures import answer, enroll_patient

DEFAULT = next(d for d in default_definitions() if d["name"] == "vertebroplasty")


def _form(page: str) -> dict[str, str]:
    """The protocol form's fields as the page fills them."""
    fields = {}
    for match in re.finditer(r'<input[^>]*\bname="([^"]+)"[^>]*>', page):
        tag = match[0]
        if 'type="checkbox"' in tag or match[1] == "csrf_token":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[match[1]] = html.unescape(value[1]) if value else ""
    for match in re.finditer(r'<textarea[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields[match[1]] = html.unescape(match[2])
    return fields


def _versions(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(Protocol))


def test_the_editor_shows_steps_settings_thresholds_and_every_text(admin_client) -> None:
    page = text(admin_client.get("/admin/protocols"))
    fields = _form(page)
    assert (fields["step-1-label"], fields["step-1-offset"]) == ("24h", "24")
    assert (fields["step-2-label"], fields["step-2-offset"]) == ("48h", "48")
    assert (fields["step-3-label"], fields["step-3-offset"]) == ("", "")  # the spare row
    assert fields["reminder_after_hours"] == "4" and fields["latest_lateness_hours"] == "12"
    assert (fields["window-start"], fields["window-end"]) == ("09:00", "20:00")
    assert fields["threshold-persistent_pain"] == "7"
    assert fields["text-es-check_in"] == DEFAULT["texts"]["es"]["check_in"]
    assert '<label for="text-en-check_in">Check-in (English)</label>' in page
    assert '<button type="submit">Save</button>' in page


def test_each_text_shows_its_encoding_and_segment_count(admin_client) -> None:
    page = text(admin_client.get("/admin/protocols"))
    for language in ("en", "es"):
        wording = DEFAULT["texts"][language]["check_in"].format(
            first_name="Maria", clinic_name="Valley Spine Clinic"
        )
        counted = re.search(
            rf'id="text-{language}-check_in-count"[^>]*><span data-encoding>([^<]+)</span>, '
            r"<span data-segments>(\d+)</span>",
            page,
        )
        assert counted is not None
        assert (counted[1], int(counted[2])) == (encoding(wording), segment_count(wording))
    assert "UCS-2" in page and "GSM-7" in page


def test_saving_an_offset_makes_version_2_and_moves_the_next_check_in(
    admin_client, runtime, admin
) -> None:
    performed = utc_now() - timedelta(hours=2)
    _, enrollment_id = enroll_patient(runtime, performed_at=performed)
    fields = _form(text(admin_client.get("/admin/protocols")))
    response = post(
        admin_client, "/admin/protocols/vertebroplasty", {**fields, "step-1-offset": "30"}
    )
    assert response.status_code == 302
    assert "Saved vertebroplasty version 2; 1 active enrollment(s) re-planned." in text(
        admin_client.get(response.headers["Location"])
    )
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.protocol.version == 2
        assert enrollment.protocol.definition["steps"][0] == {
            "key": "24h",
            "label": "24h",
            "offset_hours": 30,
        }
        scheduled = session.scalars(
            select(CheckIn).where(CheckIn.status == "scheduled").order_by(CheckIn.due_at)
        ).all()
        assert session.scalar(select(func.count()).select_from(CheckIn)) == 2  # moved in place
        saved = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "protocol.save")
        ).one()
    first = scheduled[0]
    assert (first.label, first.offset_hours) == ("24h", 30)
    assert first.due_at >= performed + timedelta(hours=30)
    assert saved.actor == f"user:{admin}:admin@example.org"
    assert saved.detail == {"name": "vertebroplasty", "version": 2, "replanned": 1}


def test_saving_nothing_new_makes_no_version(admin_client, runtime) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    response = post(admin_client, "/admin/protocols/vertebroplasty", fields, follow_redirects=True)
    assert "Nothing was changed" in text(response)
    assert _versions(runtime) == 1


def test_steps_are_added_in_the_spare_row_and_removed_by_their_box(admin_client, runtime) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    form = {**fields, "step-3-label": "7d", "step-3-offset": "168", "step-1-remove": "yes"}
    post(admin_client, "/admin/protocols/vertebroplasty", form)
    with runtime.sessions() as session:
        latest = session.scalars(select(Protocol).order_by(Protocol.version.desc())).first()
    assert latest.definition["steps"] == [
        {"key": "48h", "label": "48h", "offset_hours": 48},
        {"key": "7d", "label": "7d", "offset_hours": 168},
    ]


def test_bad_values_are_shown_by_their_fields_and_nothing_is_saved(admin_client, runtime) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    form = {
        **fields,
        "step-2-offset": "-5",
        "threshold-severe_pain": "lots",
        "window-end": "08:00",
        "text-en-check_in": "Hi {firstname}, how is your pain?",
        "text-es-thanks": "",
    }
    response = post(admin_client, "/admin/protocols/vertebroplasty", form)
    assert response.status_code == 400
    page = text(response)
    assert (
        '<p class="field-error" id="step-2-offset-error">must be a number of hours above 0</p>'
        in page
    )
    assert 'id="threshold-severe_pain-error">must be a number</p>' in page
    assert 'id="window-error">must start before it ends, on the same day</p>' in page
    assert "uses {firstname}, which is not one of {first_name}" in page
    assert 'id="text-es-thanks-error">is missing</p>' in page
    assert 'value="-5"' in page and 'value="lots"' in page  # what was typed is kept
    assert "Hi {firstname}, how is your pain?</textarea>" in page
    assert _versions(runtime) == 1


def test_a_stray_brace_is_refused(admin_client, runtime) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    form = {**fields, "text-en-help": "Call us {at once"}
    page = text(post(admin_client, "/admin/protocols/vertebroplasty", form))
    assert "has a { or } that does not close" in page
    assert _versions(runtime) == 1


def test_an_unknown_protocol_is_404(admin_client) -> None:
    assert admin_client.get("/admin/protocols?name=nope").status_code == 404
    assert post(admin_client, "/admin/protocols/nope", {}).status_code == 404


def _latest(runtime) -> Protocol:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalars(select(Protocol).order_by(Protocol.version.desc())).first()


def test_each_step_row_carries_its_key(admin_client) -> None:
    page = text(admin_client.get("/admin/protocols"))
    assert '<input type="hidden" name="step-1-key" value="24h">' in page
    assert '<input type="hidden" name="step-3-key" value="">' in page  # the spare row


def test_renaming_and_moving_an_answered_step_never_asks_it_again(admin_client, runtime) -> None:
    performed = utc_now() - timedelta(hours=26)
    _, enrollment_id = enroll_patient(runtime, performed_at=performed)
    answer(runtime, enrollment_id, "24h", pain=4, activity=3)
    with runtime.sessions() as session:
        before = [
            (c.id, c.status.value, c.due_at)
            for c in session.scalars(select(CheckIn).order_by(CheckIn.id))
        ]
    fields = _form(text(admin_client.get("/admin/protocols")))
    form = {**fields, "step-1-label": "Day 1", "step-1-offset": "30"}
    assert post(admin_client, "/admin/protocols/vertebroplasty", form).status_code == 302
    assert _latest(runtime).definition["steps"][0] == {
        "key": "24h",
        "label": "Day 1",
        "offset_hours": 30,
    }
    with runtime.sessions() as session:
        after = [
            (c.id, c.status.value, c.due_at)
            for c in session.scalars(select(CheckIn).order_by(CheckIn.id))
        ]
    assert after == before  # the answered one keeps its history; nothing new, nothing moved
    page = text(admin_client.get("/admin/protocols"))
    assert 'value="Day 1"' in page and 'name="step-1-key" value="24h"' in page


def test_a_new_step_gets_a_key_no_version_had(admin_client, runtime) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    post(admin_client, "/admin/protocols/vertebroplasty", {**fields, "step-2-remove": "yes"})
    fields = _form(text(admin_client.get("/admin/protocols")))
    form = {**fields, "step-2-label": "48h", "step-2-offset": "48", "step-2-key": "48h"}
    post(admin_client, "/admin/protocols/vertebroplasty", form)
    steps = _latest(runtime).definition["steps"]
    assert [(step["key"], step["label"]) for step in steps] == [("24h", "24h"), ("48h-2", "48h")]


BROKEN_PROMISES = [
    ("window-start", "07:00", "window", "must lie within 08:00-21:00"),
    ("window-end", "11:00", "window", "must be open at least 4 hours a day"),
    ("step-2-offset", "2200", "step-2-offset", "must be between 1 hour and 90 days"),
    ("step-2-offset", "0.5", "step-2-offset", "must be between 1 hour and 90 days"),
    ("step-2-label", "24H", "step-2-label", "another step has this label"),
    ("reminder_after_hours", "0.5", "reminder_after_hours", "at least 1 hour"),
    ("missed_after_reminder_hours", "0", "missed_after_reminder_hours", "before the wait ends"),
    ("latest_lateness_hours", "72", "latest_lateness_hours", "between 1 and 48 hours"),
    ("threshold-severe_pain", "11", "threshold-severe_pain", "between 0 and 10"),
    (
        "threshold-limited_mobility_activity",
        "0",
        "threshold-limited_mobility_activity",
        "between 1 and 4",
    ),
    ("threshold-not_improving_percent", "150", "threshold-not_improving_percent", "1 and 100"),
    ("text-en-welcome", "Hi {first_name}, we will text you.", "text-en-welcome", "STOP"),
    ("text-es-welcome", "Hola {first_name}. Responda ALTO.", "text-es-welcome", "AYUDA"),
]


@pytest.mark.parametrize(("name", "typed", "field", "words"), BROKEN_PROMISES)
def test_a_setting_that_breaks_a_promise_is_refused_by_its_field(
    admin_client, runtime, name, typed, field, words
) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    response = post(admin_client, "/admin/protocols/vertebroplasty", {**fields, name: typed})
    assert response.status_code == 400
    page = text(response)
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    assert error is not None and words in html.unescape(error[1])
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', page)
    assert html.escape(typed, quote=True) in page  # what was typed is kept
    assert _versions(runtime) == 1


def test_a_welcome_in_spanish_may_name_the_english_keywords(admin_client, runtime) -> None:
    fields = _form(text(admin_client.get("/admin/protocols")))
    welcome = "Hola {first_name}. Responda STOP para no recibir más, HELP para ayuda."
    response = post(
        admin_client, "/admin/protocols/vertebroplasty", {**fields, "text-es-welcome": welcome}
    )
    assert response.status_code == 302
    assert _latest(runtime).definition["texts"]["es"]["welcome"] == welcome
