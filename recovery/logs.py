"""Log lines fit for a hospital: no patient data from failures or request lines.

A failure's message may carry patient data (a database error quotes its statement's
parameters: names, phone numbers, the texts), and a request line its query string (a
search by name, phone or MRN). Both are kept out of every log line; the failure's type
and where it happened are enough to find it.
"""

from __future__ import annotations

import logging
import re
import traceback

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
