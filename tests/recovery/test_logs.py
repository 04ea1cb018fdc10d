"""Log lines carry no patient data: failures without their messages, requests without queries."""

from __future__ import annotations

import logging

import pytest

from recovery import create_app
from recovery.logs import FailureDetailFilter, QueryStringFilter, describe_failure

PATIENT_DATA = ("Maria Lopez", "+15625550123", "my leg is numb")


def _failure() -> ValueError:
    message = f"parameters: {PATIENT_DATA}"  # as a database error quotes them
    try:
        raise ValueError(message)
    except ValueError as failure:
        return failure


def test_a_described_failure_names_its_type_and_place_but_not_its_message() -> None:
    words = describe_failure(_failure())
    assert "builtins.ValueError" in words and "test_logs.py" in words
    assert not any(data in words for data in PATIENT_DATA)


def test_a_logged_exception_keeps_its_place_and_loses_its_message() -> None:
    failure = _failure()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
    record.exc_info = (type(failure), failure, failure.__traceback__)
    FailureDetailFilter().filter(record)
    line = logging.Formatter().format(record)
    assert "builtins.ValueError" in line
    assert not any(data in line for data in PATIENT_DATA)


def test_request_lines_lose_their_query_strings() -> None:
    line = "GET /patients?q=Maria+Lopez&x=%2B15625550123 HTTP/1.1"
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '"%s" %s -', (line, "200"), None
    )
    QueryStringFilter().filter(record)
    assert record.getMessage() == '"GET /patients?[hidden] HTTP/1.1" 200 -'


def test_a_failing_page_logs_no_patient_data(settings, caplog) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/patients/failing")
    def failing() -> str:
        raise _failure()

    caplog.set_level(logging.ERROR)
    assert app.test_client().get("/patients/failing").status_code == 500
    app.extensions["recovery"].engine.dispose()
    logged = caplog.text + "".join(logging.Formatter().format(record) for record in caplog.records)
    assert "builtins.ValueError" in logged
    assert not any(data in logged for data in PATIENT_DATA)


@pytest.mark.parametrize("path", ["/patients", "/login"])
def test_the_served_request_log_hides_queries(path) -> None:  # type: ignore[no-untyped-def]
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET {path}?q=A12345 HTTP/1.1", 200, 5),
        None,
    )
    QueryStringFilter().filter(record)
    assert "A12345" not in record.getMessage()
