"""The audit log page: newest first, filters, pages."""

from __future__ import annotations

import re
from datetime import timedelta

from recovery.runtime import utc_now
from recovery.staff.audit import record_event
from recovery.web.audit_views import PAGE_SIZE
from tests.support.staff_client import text


def _add(runtime, count: int, **fields) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        for number in range(count):
            record_event(
                session,
                actor=fields.get("actor", "user:9:someone@example.org"),
                action=fields.get("action", "patient.view"),
                record_type=fields.get("record_type", "patient"),
                record_id=number,
                now=fields.get("at", utc_now()) + timedelta(seconds=number),
            )


def _records(page: str) -> list[str]:
    return re.findall(r'<td data-label="Record">([^<]+)</td>', page)


def test_newest_first_in_pages_of_fifty(admin_client, runtime) -> None:
    _add(runtime, PAGE_SIZE + 5, at=utc_now() - timedelta(days=1))
    first = text(admin_client.get("/admin/audit?record_type=patient"))
    assert _records(first)[:2] == [f"patient {PAGE_SIZE + 4}", f"patient {PAGE_SIZE + 3}"]
    assert len(_records(first)) == PAGE_SIZE
    assert ">Older</a>" in first and ">Newer</a>" not in first
    second = text(admin_client.get("/admin/audit?record_type=patient&page=2"))
    assert _records(second) == [f"patient {n}" for n in range(4, -1, -1)]
    assert ">Newer</a>" in second and ">Older</a>" not in second


def test_filters_by_actor_action_record_type_and_dates(admin_client, runtime) -> None:
    _add(runtime, 2, actor="user:5:ann@example.org", action="flag.resolve", record_type="flag")
    _add(runtime, 1, actor="user:6:bob@example.org", at=utc_now() - timedelta(days=10))
    page = text(admin_client.get("/admin/audit?actor=ANN@"))
    assert _records(page) == ["flag 1", "flag 0"]
    page = text(admin_client.get("/admin/audit?action=flag.resolve&record_type=flag"))
    assert _records(page) == ["flag 1", "flag 0"]
    old_day = (utc_now() - timedelta(days=10)).date()
    page = text(
        admin_client.get(f"/admin/audit?since={old_day - timedelta(days=1)}&until={old_day}")
    )
    assert _records(page) == ["patient 0"]
    assert "No events match." in text(admin_client.get("/admin/audit?actor=nobody"))


def test_the_log_shows_what_staff_did(admin_client, runtime) -> None:
    page = text(admin_client.get("/admin/audit"))
    assert "auth.sign_in" in page and "user:1:admin@example.org" in page
