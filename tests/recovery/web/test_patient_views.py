"""Patients: search, one patient's page (chart, check-ins, thread, flags), follow-up changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from recovery.flags.lifecycle import raise_flag
from recovery.models import AuditEvent, Enrollment, Patient
from recovery.patients.consent import opt_out
from recovery.runtime import utc_now
from recovery.states import CheckInStatus, EnrollmentStatus, FlagKind
from recovery.web.patient_record import plain_letters
from tests.support.staff_client import post, text
from tests.support.staff_fixtures import answer, enroll_patient


@pytest.fixture
def maria(runtime) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Maria Lopez, 30 hours after her procedure, her 24 h check-in answered with pain 7."""
    ids = enroll_patient(runtime, mrn="A12345", performed_at=utc_now() - timedelta(hours=30))
    answer(runtime, ids[1], "24h", 7, 2)
    return ids


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/patients/\d+">([^<]+)</a>', page)


@pytest.mark.parametrize(
    "query", ["maria", "LOPEZ", "(562) 555-0123", "562.555.0123", "+15625550123", "a12345"]
)
def test_search_finds_by_name_phone_in_any_format_or_mrn(
    nurse_client, runtime, maria, query
) -> None:
    enroll_patient(runtime, name="John Smith", phone="+14155552671")
    page = text(nurse_client.get("/patients", query_string={"q": query}))
    assert _names(page) == ["Maria Lopez"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("maria lopez", ["María López", "Maria Lopez"]),
        ("LÓPEZ", ["María López", "Maria Lopez"]),
        ("gomez", ["Ana Gómez"]),
        ("ana g", ["Ana Gómez"]),
        ("ía", ["María López"]),
        ("%", []),
        ("_", []),
    ],
)
def test_search_ignores_accents_and_case(nurse_client, runtime, maria, query, found) -> None:
    enroll_patient(runtime, name="María López", phone="+14155552671")
    enroll_patient(runtime, name="Ana Gómez", phone="+14155552672")
    page = text(nurse_client.get("/patients", query_string={"q": query}))
    assert sorted(_names(page)) == sorted(found)


@pytest.mark.parametrize(
    ("name", "plain"),
    [("María López", "maria lopez"), ("JOSÉ Ñúñez", "jose nunez"), ("François", "francois")],
)
def test_plain_letters_drop_accents_and_case(name, plain) -> None:
    assert plain_letters(name) == plain


def test_search_page_has_its_field_and_the_enroll_button(nurse_client, maria) -> None:
    page = text(nurse_client.get("/patients?q=nobody"))
    assert '<label for="q">Search</label>' in page
    assert '<button type="submit">Enroll patient</button>' in page
    assert "No patient matches" in page


def test_the_patient_page_tells_the_whole_story(nurse_client, runtime, maria) -> None:
    patient_id = maria[0]
    page = text(nurse_client.get(f"/patients/{patient_id}"))
    assert "<h1>Maria Lopez</h1>" in page
    assert "+1 562-555-0123" in page
    assert re.search(r"Local time now</dt><dd>\d+:\d\d [AP]M P[SD]T \(America/Los_Angeles\)", page)
    assert "Due (America/Los_Angeles)" in page
    assert "Hi Maria, this is Valley Spine Clinic." in page  # the welcome text, in the thread
    for button in ("Pause check-ins", "Resume check-ins", "Withdraw"):
        assert re.search(rf"<button[^>]*>{button}</button>", page)
    assert "Reinstate follow-up" not in page  # only for a withdrawn enrollment


def test_flags_show_their_history_and_notes(nurse_client, runtime, maria) -> None:
    patient_id, enrollment_id = maria
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        flag = raise_flag(
            session, enrollment, FlagKind.PERSISTENT_PAIN, reason="Pain 7/10 at 24h", now=utc_now()
        )
        flag_id = flag.id
    back = f"/patients/{patient_id}"
    post(nurse_client, f"/flags/{flag_id}/acknowledge", {"back": back})
    response = post(
        nurse_client, f"/flags/{flag_id}/resolve", {"note": "Called her.", "back": back}
    )
    assert response.headers["Location"] == back
    page = text(nurse_client.get(back))
    article = page[page.index(f'<article id="flag-{flag_id}"') : page.index("</article>")]
    assert "Persistent pain" in article and "Pain 7/10 at 24h" in article and "resolved" in article
    history = re.findall(r"<li>[^<]*: ([A-Z][^<]*)</li>", article)
    assert history == [
        "Raised by system",
        "Acknowledged by nurse@example.org",
        "Resolved by nurse@example.org: “Called her.”",
    ]
    assert "Note: Called her." in article


def test_the_chart_draws_baseline_scores_and_the_threshold(nurse_client, maria) -> None:
    page = text(nurse_client.get(f"/patients/{maria[0]}"))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-label="Pain over time"' in svg
    assert '<line class="threshold"' in svg and "7/10 threshold" in svg
    assert svg.count('<circle class="pain-point"') == 2
    assert "<desc>Pain 8/10 at Before, 7/10 at 24h.</desc>" in svg


def test_every_view_of_a_patient_is_audited(nurse_client, runtime, nurse, maria) -> None:
    nurse_client.get(f"/patients/{maria[0]}")
    nurse_client.get(f"/patients/{maria[0]}")
    with runtime.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "patient.view")
        ).all()
    assert [(e.actor, e.record_type, e.record_id) for e in events] == [
        (f"user:{nurse}:nurse@example.org", "patient", maria[0])
    ] * 2


def test_unknown_patients_and_mismatched_enrollments_are_404(nurse_client, runtime, maria) -> None:
    other_patient, _ = enroll_patient(runtime, name="John Smith", phone="+14155552671")
    assert nurse_client.get("/patients/999999").status_code == 404
    path = f"/patients/{other_patient}/enrollments/{maria[1]}/pause"
    assert post(nurse_client, path).status_code == 404


def _status(runtime, enrollment_id: int) -> tuple[EnrollmentStatus, bool]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        return enrollment.status, enrollment.paused_at is not None


def test_pause_and_resume_from_the_patient_page(nurse_client, runtime, maria) -> None:
    patient_id, enrollment_id = maria
    base = f"/patients/{patient_id}/enrollments/{enrollment_id}"
    response = post(nurse_client, f"{base}/pause")
    assert response.headers["Location"] == f"/patients/{patient_id}"
    assert _status(runtime, enrollment_id) == (EnrollmentStatus.ACTIVE, True)
    page = text(nurse_client.get(f"/patients/{patient_id}"))
    assert "check-ins paused since" in page
    assert re.search(r"<button[^>]*disabled>Pause check-ins</button>", page)
    again = post(nurse_client, f"{base}/pause", follow_redirects=True)
    assert "Nothing changed: check-ins are already paused." in text(again)
    post(nurse_client, f"{base}/resume")
    assert _status(runtime, enrollment_id) == (EnrollmentStatus.ACTIVE, False)


def _check_in_status(runtime, enrollment_id: int, label: str) -> CheckInStatus:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        return next(c.status for c in enrollment.check_ins if c.label == label)


def test_withdraw_takes_effect_at_once_and_offers_to_reinstate(
    nurse_client, runtime, maria
) -> None:
    patient_id, enrollment_id = maria
    path = f"/patients/{patient_id}/enrollments/{enrollment_id}/withdraw"
    assert "data-confirm" not in text(nurse_client.get(f"/patients/{patient_id}"))
    response = post(nurse_client, path)
    assert response.headers["Location"] == f"/patients/{patient_id}"
    assert _status(runtime, enrollment_id)[0] == EnrollmentStatus.WITHDRAWN
    page = text(nurse_client.get(f"/patients/{patient_id}"))
    assert "Withdrawn: check-ins and texts not yet sent are cancelled." in page
    assert "If this was a mistake, Reinstate follow-up undoes it." in page
    assert "Withdrawn, ended" in page
    assert "cancelled (withdrawn)" in page
    assert re.search(r"<button[^>]*disabled>Withdraw</button>", page)
    assert len(re.findall(r"<button type=\"submit\">Reinstate follow-up</button>", page)) == 1
    assert nurse_client.get(path).status_code == 405  # no confirmation page any more


def test_reinstate_from_the_patient_page(nurse_client, runtime, nurse, maria) -> None:
    patient_id, enrollment_id = maria
    base = f"/patients/{patient_id}/enrollments/{enrollment_id}"
    post(nurse_client, f"{base}/withdraw")
    assert _check_in_status(runtime, enrollment_id, "48h") == CheckInStatus.CANCELLED
    response = post(nurse_client, f"{base}/reinstate", follow_redirects=True)
    page = text(response)
    assert "Follow-up reinstated: the check-ins the withdrawal cancelled are scheduled" in page
    assert _status(runtime, enrollment_id) == (EnrollmentStatus.ACTIVE, False)
    assert _check_in_status(runtime, enrollment_id, "48h") == CheckInStatus.SCHEDULED
    assert "Reinstate follow-up</button>" not in page
    assert re.search(r"<button[^>]*class=\"danger\">Withdraw</button>", page)
    with runtime.sessions() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_type == "enrollment", AuditEvent.record_id == enrollment_id)
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.actor) for e in events][-2:] == [
        ("enrollment.withdraw", f"user:{nurse}:nurse@example.org"),
        ("enrollment.reinstate", f"user:{nurse}:nurse@example.org"),
    ]


def test_reinstating_for_a_patient_who_opted_out_says_why_not(nurse_client, runtime, maria) -> None:
    patient_id, enrollment_id = maria
    base = f"/patients/{patient_id}/enrollments/{enrollment_id}"
    post(nurse_client, f"{base}/withdraw")
    with runtime.transaction() as session:
        opt_out(session, session.get(Patient, patient_id), how="STOP", now=utc_now())
    page = text(post(nurse_client, f"{base}/reinstate", follow_redirects=True))
    assert (
        "Nothing changed: the patient has opted out of texts, so the check-ins stay cancelled;"
        " reinstate once they opt back in." in page
    )
    assert _status(runtime, enrollment_id)[0] == EnrollmentStatus.WITHDRAWN
    assert _check_in_status(runtime, enrollment_id, "48h") == CheckInStatus.CANCELLED


def test_reinstating_an_active_enrollment_changes_nothing(nurse_client, maria) -> None:
    base = f"/patients/{maria[0]}/enrollments/{maria[1]}"
    page = text(post(nurse_client, f"{base}/reinstate", follow_redirects=True))
    assert "Nothing changed: the enrollment is active: only a withdrawn one can be" in page


def test_unknown_follow_up_changes_are_404(nurse_client, maria) -> None:
    path = f"/patients/{maria[0]}/enrollments/{maria[1]}/delete"
    assert post(nurse_client, path).status_code == 404
