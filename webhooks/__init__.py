"""Twilio's way in: inbound SMS and delivery-status callbacks, with signature checks.

An adapter: may import any capability and the root, never ``web``, ``api`` or ``jobs``.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError

from recovery.logs import describe_failure

blueprint = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")
# Twilio does not retry a failed inbound webhook: the text waits in its message log, where
# the inbound reconciliation pass finds it once the database is back.
RETRY_AFTER_SECONDS = 60
_logger = logging.getLogger(__name__)


@blueprint.errorhandler(DBAPIError)
def database_unreachable(failure: DBAPIError) -> ResponseReturnValue:
    """The database cannot be reached: 503 at once, nothing half-stored."""
    _logger.error("webhook: the database is unreachable: %s", describe_failure(failure))
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return "Service unavailable: the database cannot be reached; try again later", 503, headers


def init_app(app: Flask) -> None:
    """Register the webhook routes."""
    from webhooks import sms, status  # noqa: F401  (their routes join the blueprint)

    app.register_blueprint(blueprint)
