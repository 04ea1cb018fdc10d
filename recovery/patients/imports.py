"""Importing enrollments from a CSV file, row by row, without stopping at bad rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from recovery.patients.enrollment import enroll
from recovery.patients.identity import EnrollmentConflict
from recovery.patients.validation import SHORT_NAME_OF, EnrollmentRequest, InvalidRequest
from recovery.runtime import Runtime, utc_now

REQUIRED_COLUMNS = ("name", "phone", "performed_at", "consent")
OPTIONAL_COLUMNS = (
    "language",
    "timezone",
    "protocol",
    "baseline_pain",
    "mrn",
    "procedure",
    "levels",
)
COMMIT_EVERY = 200


class UnreadableImport(ValueError):
    """The file as a whole cannot be imported (unreadable, or a required column missing)."""


@dataclass
class ImportReport:
    """What an import did: rows read, enrolled, already enrolled, and each failure."""

    rows: int = 0
    enrolled: int = 0
    already: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


def read_rows(path: str | Path) -> tuple[int, Iterator[tuple[int, dict[str, str]]]]:
    """The number of data rows, and each row's line number and cells by column name."""
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise UnreadableImport(f"cannot read {path}: {problem}") from None
    # newline="" lets a quoted cell hold a line break without splitting its row.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column_name(name) for name in next(reader, [])]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise UnreadableImport(f"the header row lacks the column(s): {', '.join(missing)}")
        rows = [
            (reader.line_num, dict(zip(header, (cell.strip() for cell in cells), strict=False)))
            for cells in reader
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as problem:
        where = f"line {reader.line_num}"
        raise UnreadableImport(f"{path} is not a CSV file ({where}: {problem})") from None
    return len(rows), iter(rows)


def column_name(heading: str) -> str:
    """A header cell as a column name: "Performed At" and "performed-at" are performed_at."""
    return re.sub(r"[\s-]+", "_", heading.strip().lower())


def request_from_row(row: dict[str, str]) -> EnrollmentRequest:
    """An enrollment request from one CSV row."""
    return EnrollmentRequest(
        name=row.get("name"),
        phone=row.get("phone"),
        performed_at=row.get("performed_at"),
        sms_consent=row.get("consent"),
        language=row.get("language"),
        timezone=row.get("timezone"),
        protocol=row.get("protocol"),
        procedure_kind=row.get("procedure"),
        baseline_pain=row.get("baseline_pain"),
        levels=row.get("levels"),
        mrn=row.get("mrn"),
    )


def import_rows(
    runtime: Runtime,
    rows: Iterator[tuple[int, dict[str, str]]],
    *,
    actor: str,
    on_row: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Enroll each row in its own savepoint, committing in batches."""
    report = ImportReport()
    session = runtime.sessions()
    try:
        session.begin()
        for line_number, row in rows:
            report.rows += 1
            _import_row(runtime, session, line_number, row, report, actor)
            if report.rows % COMMIT_EVERY == 0:
                session.commit()
                session.begin()
            on_row()
        session.commit()
    finally:
        session.close()
    return report


def _import_row(
    runtime: Runtime,
    session: Session,
    line_number: int,
    row: dict[str, str],
    report: ImportReport,
    actor: str,
) -> None:
    savepoint = session.begin_nested()
    try:
        result = enroll(
            session,
            request_from_row(row),
            clinic=runtime.clinic,
            actor=actor,
            source="import",
            now=utc_now(),
        )
    except EnrollmentConflict as conflict:
        savepoint.rollback()
        report.failures.append((line_number, conflict.message))
        return
    except InvalidRequest as invalid:
        savepoint.rollback()
        reasons = "; ".join(
            f"{SHORT_NAME_OF.get(k, k)}: {why}" for k, why in invalid.fields.items()
        )
        report.failures.append((line_number, reasons or invalid.message))
        return
    savepoint.commit()
    if result.is_new:
        report.enrolled += 1
    else:
        report.already += 1
