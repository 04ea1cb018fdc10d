"""Log lines fit for a hospital: no patient data from failures or request lines.

Two formats (``LOG_FORMAT``): ``text`` lines for a terminal, and ``json``, one object a
line (``time``, ``level``, ``logger``, ``event``, ``request_id``, the record ids a line
names) for a hospital's log pipeline.

A failure's message may carry patient data (a database error quotes its statement's
parameters: names, phone numbers, the texts), and a request line its query string (a
search by name, phone or MRN). Both are kept out of every log line; the failure's type
and where it happened are enough to find it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime

# A request line's query string: a patient search, or the page to return to after sign-in.
QUERY_STRING = re.compile(r"(\s/[^\s?\"]*)\?[^\s\"]*")


def describe_failure(failure: BaseException) -> str:
    """The failure's type and where it happened, never its message."""
    kind = type(failure)
    frames = "".join(traceback.format_list(traceback.extract_tb(failure.__traceback__)))
    return f"{kind.__module__}.{kind.__qualname__}\n{frames}".rstrip()


class FailureDetailFilter(logging.Filter):
    """Replaces a logged exception's message and traceback by ``describe_failure``."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's exception, if any; always keep the record."""
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = describe_failure(record.exc_info[1])
            record.exc_info = None
        return True


class QueryStringFilter(logging.Filter):
    """Drops query strings from the web server's request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record without query strings; always keep the record."""
        message = record.getMessage()
        record.msg, record.args = QUERY_STRING.sub(r"\1?[hidden]", message), None
        return True


def add_filter(target: logging.Filterer, kind: type[logging.Filter]) -> None:
    """Attach a filter of this kind to a logger or handler, once."""
    if not any(isinstance(found, kind) for found in target.filters):
        target.addFilter(kind())


# The web request being served (X-Request-ID, or one made for it); None outside requests.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# Ids a log call may name (`extra={"message_id": 12}`): ids only, never what they hold.
RECORD_IDS = ("patient_id", "enrollment_id", "check_in_id", "message_id", "flag_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that write request lines, whose query strings may hold a search for a patient.
REQUEST_LOGGERS = ("werkzeug", "waitress", "gunicorn.access")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event, request id, record ids."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for key in RECORD_IDS:
            if isinstance(getattr(record, key, None), int):
                entry[key] = getattr(record, key)
        if record.exc_info and record.exc_info[1] is not None:
            entry["failure"] = describe_failure(record.exc_info[1])
        elif record.exc_text:
            entry["failure"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the web request it was logged in, when it was made."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add ``request_id``; always keep the record."""
        if not getattr(record, "request_id", None):
            record.request_id = REQUEST_ID.get()
        return True


def make_formatter(log_format: str) -> logging.Formatter:
    """The formatter of a ``LOG_FORMAT`` value (``text`` or ``json``)."""
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Log to standard error in this format, with failures and request lines made safe."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr))
    root.setLevel(level)
    for handler in root.handlers:
        handler.setFormatter(make_formatter(log_format))
        add_filter(handler, RequestIdFilter)
        add_filter(handler, FailureDetailFilter)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for name in REQUEST_LOGGERS:
        add_filter(logging.getLogger(name), QueryStringFilter)
