"""The worklist: order, words, acknowledging and resolving, the scheduler banner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from recovery.models import AuditEvent, Flag
from recovery.runtime import utc_now
from recovery.states import FlagKind, FlagStatus
from tests.support.staff_client import post, text
from tests.support.staff_fixtures import NURSE_EMAIL, add_flag, answer, beat, enroll_patient


@pytest.fixture
def flags(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Three flags of three patients: normal (oldest), high, urgent (newest)."""
    _, first = enroll_patient(runtime, name="Ann Normal", phone="+15625550101")
    _, second = enroll_patient(runtime, name="Bob High", phone="+15625550102")
    _, third = enroll_patient(runtime, name="Cy Urgent", phone="+15625550103")
    answer(runtime, second, "24h", 8, 2)
    return {
        "normal": add_flag(runtime, first, FlagKind.NO_RESPONSE, age=timedelta(hours=5)),
        "high": add_flag(runtime, second, FlagKind.PERSISTENT_PAIN, age=timedelta(hours=3)),
        "urgent": add_flag(
            runtime,
            third,
            FlagKind.RED_FLAG_SYMPTOMS,
            reason="Mentions leg numbness",
            age=timedelta(minutes=12),
        ),
    }


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr id=\"flag-\d+\".*?</tr>", body, flags=re.S)


def _flag(runtime, flag_id: int) -> Flag:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        flag = session.get(Flag, flag_id)
        assert flag is not None
        return flag


def test_root_leads_to_the_worklist(nurse_client) -> None:
    assert nurse_client.get("/").headers["Location"] == "/flags"


def test_open_flags_are_listed_most_severe_first(nurse_client, flags) -> None:
    page = text(nurse_client.get("/flags"))
    assert "<h1>Flags</h1>" in page
    rows = _rows(page)
    assert [re.search(r">([A-Z][a-z]+ [A-Z][a-z]+)</a>", row)[1] for row in rows] == [
        "Cy Urgent",
        "Bob High",
        "Ann Normal",
    ]
    assert "Warning signs" in rows[0] and "Urgent" in rows[0] and "12 min" in rows[0]
    assert "Mentions leg numbness" in rows[0]
    assert "Persistent pain" in rows[1] and "3 h" in rows[1] and "8/10" in rows[1]
    assert "No response" in rows[2] and "Normal" in rows[2]
    assert rows[0].count(">Acknowledge</button>") == 1
    assert '<label for="note-' in rows[0] and ">Resolve</button>" in rows[0]


def test_the_tabs_are_open_acknowledged_and_resolved(nurse_client, flags) -> None:
    page = text(nurse_client.get("/flags?status=acknowledged"))
    for label in ("Open", "Acknowledged", "Resolved"):
        assert re.search(rf'<a href="/flags\?status=\w+"[^>]*>{label}</a>', page)
    assert 'aria-current="page" class="current">Acknowledged</a>' in page
    assert "No acknowledged flags." in page
    assert nurse_client.get("/flags?status=nonsense").status_code == 404


def test_acknowledging_moves_the_flag_and_is_audited(nurse_client, runtime, nurse, flags) -> None:
    response = post(nurse_client, f"/flags/{flags['high']}/acknowledge", {"back": "/flags"})
    assert response.headers["Location"] == "/flags"
    flag = _flag(runtime, flags["high"])
    assert flag.status == FlagStatus.ACKNOWLEDGED
    assert flag.acknowledged_by == f"user:{nurse}:{NURSE_EMAIL}"
    assert len(_rows(text(nurse_client.get("/flags")))) == 2
    page = text(nurse_client.get("/flags?status=acknowledged"))
    assert "Acknowledged by nurse@example.org" in page
    assert ">Acknowledge</button>" not in page and ">Resolve</button>" in page
    with runtime.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "flag.acknowledge"))
        assert event.one().actor == f"user:{nurse}:{NURSE_EMAIL}"


def test_acknowledging_twice_says_so(nurse_client, flags) -> None:
    post(nurse_client, f"/flags/{flags['high']}/acknowledge")
    response = post(nurse_client, f"/flags/{flags['high']}/acknowledge", follow_redirects=True)
    assert "Not acknowledged: " in text(response)


def test_resolving_needs_a_note_and_keeps_it(nurse_client, runtime, nurse, flags) -> None:
    back = "/flags?status=open"
    response = post(nurse_client, f"/flags/{flags['urgent']}/resolve", {"note": "  ", "back": back})
    assert response.status_code == 400
    assert "Note is required to resolve a flag." in text(response)
    assert _flag(runtime, flags["urgent"]).status == FlagStatus.OPEN
    note = "Called the patient; sent to the emergency department."
    response = post(nurse_client, f"/flags/{flags['urgent']}/resolve", {"note": note, "back": back})
    assert response.headers["Location"] == back
    flag = _flag(runtime, flags["urgent"])
    assert (flag.status, flag.resolution_note) == (FlagStatus.RESOLVED, note)
    assert flag.resolved_by == f"user:{nurse}:{NURSE_EMAIL}"
    resolved = text(nurse_client.get("/flags?status=resolved"))
    assert note in resolved and "Resolved by nurse@example.org" in resolved


def test_the_resolve_page_works_without_script(nurse_client, flags) -> None:
    page = text(nurse_client.get(f"/flags/{flags['normal']}/resolve?back=/flags"))
    assert '<label for="note">Note</label>' in page
    assert '<button type="submit">Resolve</button>' in page
    assert 'name="back" value="/flags"' in page


def test_the_rows_fragment_is_the_table_body_only(nurse_client, flags) -> None:
    fragment = text(nurse_client.get("/flags/rows?status=open"))
    assert "<html" not in fragment and "<tbody" not in fragment
    assert len(re.findall(r"<tr id=\"flag-", fragment)) == 3


def test_a_flag_link_opens_its_patient(nurse_client, runtime, flags) -> None:
    location = nurse_client.get(f"/flags/{flags['urgent']}").headers["Location"]
    assert re.fullmatch(r"/patients/\d+#flag-\d+", location)
    assert nurse_client.get("/flags/999999").status_code == 404


def test_the_banner_warns_when_the_scheduler_never_ran(nurse_client) -> None:
    page = text(nurse_client.get("/flags"))
    assert (
        '<div class="banner" role="alert">Check-ins are not being sent: '
        "the scheduler has not run yet</div>"
    ) in page


def test_the_banner_says_how_long_ago_the_scheduler_ran(nurse_client, runtime) -> None:
    beat(runtime, utc_now() - timedelta(minutes=12, seconds=5))
    page = text(nurse_client.get("/patients"))
    assert "Check-ins are not being sent: the scheduler last ran 12 minutes ago" in page


def test_no_banner_while_the_scheduler_runs(nurse_client, runtime) -> None:
    beat(runtime, utc_now() - timedelta(minutes=1))
    assert 'role="alert"' not in text(nurse_client.get("/flags"))


@pytest.fixture
def many_flags(runtime) -> list[int]:  # type: ignore[no-untyped-def]
    """55 open flags (11 patients, 5 kinds each), in the order the worklist must show them."""
    kinds = [FlagKind.RED_FLAG_SYMPTOMS, FlagKind.SEVERE_PAIN, FlagKind.NO_RESPONSE]
    kinds += [FlagKind.NEEDS_REVIEW, FlagKind.PERSISTENT_PAIN]
    flags = []  # (severity order, age order, id)
    for number in range(11):
        _, enrollment = enroll_patient(runtime, name=f"Pat {number}", phone=f"+1562555{number:04d}")
        for index, kind in enumerate(kinds):
            minutes = 1000 - number * 10 - index
            flag = add_flag(runtime, enrollment, kind, age=timedelta(minutes=minutes))
            flags.append((-_flag(runtime, flag).severity_rank, -minutes, flag))
    return [flag for _rank, _age, flag in sorted(flags)]


def _ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr id="flag-(\d+)"', page)]


def test_a_long_worklist_is_shown_fifty_at_a_time_most_urgent_then_oldest_first(
    nurse_client, many_flags
) -> None:
    first = text(nurse_client.get("/flags"))
    assert _ids(first) == many_flags[:50]
    assert '<a href="/flags?status=open&amp;page=2" rel="next">Next 50 flags</a>' in first
    assert "Previous 50 flags" not in first and "Flags 1 to 50, most urgent first" in first
    second = text(nurse_client.get("/flags?status=open&page=2"))
    assert _ids(second) == many_flags[50:]
    assert '<a href="/flags?status=open" rel="prev">Previous 50 flags</a>' in second
    assert "Next 50 flags" not in second and "Flags 51 to 55" in second


def test_a_later_page_refreshes_and_returns_to_itself(nurse_client, many_flags) -> None:
    page = text(nurse_client.get("/flags?status=open&page=2"))
    assert 'data-refresh-url="/flags/rows?status=open&amp;page=2"' in page
    assert 'name="back" value="/flags?status=open&amp;page=2"' in page
    fragment = text(nurse_client.get("/flags/rows?status=open&page=2"))
    assert _ids(fragment) == many_flags[50:]


def test_a_page_past_the_end_says_there_are_no_more(nurse_client, many_flags) -> None:
    page = text(nurse_client.get("/flags?status=open&page=3"))
    assert _ids(page) == [] and "No more open flags." in page
    assert '<a href="/flags?status=open&amp;page=2" rel="prev">' in page


def test_a_page_number_that_is_no_page_is_not_found(nurse_client, flags) -> None:
    for page in ("0", "-1", "10000000000000000000"):
        assert nurse_client.get(f"/flags?page={page}").status_code == 404
    assert _ids(text(nurse_client.get("/flags?page=two"))) == [
        flags["urgent"],
        flags["high"],
        flags["normal"],
    ]
