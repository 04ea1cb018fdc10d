"""The staff web app: sign-in, the worklist, patients, administration, the simulator.

An adapter: may import any capability and the root, never ``api``, ``webhooks`` or ``jobs``.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from recovery import logs
from recovery.web import (
    access,
    admin_views,
    audit_views,
    auth,
    enroll_views,
    flag_views,
    layout,
    patient_views,
    protocol_views,
    security,
    simulator,
)

# Blueprints that take machine requests with their own authentication, not staff forms.
CSRF_EXEMPT_BLUEPRINTS = ("api", "webhooks")
STAFF_BLUEPRINTS = (
    flag_views.blueprint,
    patient_views.blueprint,
    enroll_views.blueprint,
    simulator.blueprint,
)
ADMIN_BLUEPRINTS = (
    protocol_views.blueprint,
    admin_views.blueprint,
    audit_views.blueprint,
)


def init_app(app: Flask) -> None:
    """Register the staff pages (and CSRF protection for their forms)."""
    settings = app.extensions["recovery"].settings
    security.configure_sessions(app, is_https=settings.public_base_url.startswith("https://"))
    csrf = CSRFProtect(app)
    for name in CSRF_EXEMPT_BLUEPRINTS:
        if name in app.blueprints:
            csrf.exempt(app.blueprints[name])
    access.init_app(
        app,
        staff={blueprint.name for blueprint in STAFF_BLUEPRINTS},
        admin={blueprint.name for blueprint in ADMIN_BLUEPRINTS},
    )
    app.register_blueprint(auth.blueprint)
    for blueprint in (*STAFF_BLUEPRINTS, *ADMIN_BLUEPRINTS):
        app.register_blueprint(blueprint)
    layout.init_app(app)
    app.after_request(security.add_security_headers)
    logs.add_filter(app.logger, logs.FailureDetailFilter)
