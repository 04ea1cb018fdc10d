"""Session cookie settings and the security headers every response carries."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request

SESSION_LIFETIME = timedelta(minutes=30)
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS form posts.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Sent only when the site is served over HTTPS (a browser ignores it over plain HTTP).
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def configure_sessions(app: Flask, *, is_https: bool) -> None:
    """Cookie sessions: HttpOnly, SameSite=Lax, Secure over HTTPS, 30 minutes' lifetime."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=is_https,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # A form's CSRF token lives as long as the session that holds it.
        WTF_CSRF_TIME_LIMIT=None,
    )
    if is_https:
        app.config["STRICT_TRANSPORT_SECURITY"] = STRICT_TRANSPORT_SECURITY


def add_security_headers(response: Response) -> Response:
    """Add the security headers; no caching of anything but static files."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
