"""Twilio's way in: inbound SMS and delivery-status callbacks, with signature checks.

An adapter: may import any capability and the root, never ``web``, ``api`` or ``jobs``.
"""

from __future__ import annotations

from flask import Blueprint, Flask

blueprint = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")


def init_app(app: Flask) -> None:
    """Register the webhook routes."""
    from webhooks import sms, status  # noqa: F401  (their routes join the blueprint)

    app.register_blueprint(blueprint)
