"""The staff web app served for real (werkzeug on loopback, a SQLite file) and driven in
Chromium. Every page a test opens must load nothing from outside the server and log no
error (a Content-Security-Policy violation, for one, is an error)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

from recovery import runtime_of
from recovery.runtime import Runtime
from tests.browser.chromium import CHROMIUM, launch
from tests.support.staff_fixtures import ADMIN_EMAIL, NURSE_EMAIL, PASSWORD, add_user

TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    """The app served on a loopback port."""

    url: str
    runtime: Runtime


@dataclass
class PageProblems:
    """What a page did that it must not: requests off the server, console errors."""

    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file (the browser tests use one database kind: a real file)."""
    path = tmp_path / "recovery.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        missing = f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)  # a machine without Chromium: said plainly at the end of the run
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 and a free port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.port}", runtime_of(app))
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def base_url(live_server: LiveServer) -> str:
    """The live server's URL (the name pytest-playwright gives it)."""
    return live_server.url


def _watch(context: BrowserContext, server: LiveServer, problems: PageProblems) -> None:
    def route(request_route, request: Request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(server.url):
            request_route.continue_()
        else:
            problems.outside_requests.append(request.url)
            request_route.abort()

    def console(message: ConsoleMessage) -> None:
        # A page answered 400/403/404 on purpose is logged too: that is not a page error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.console_errors.append(message.text)

    def response(answer: Response) -> None:
        if "/static/" in answer.url and answer.status >= 400:
            problems.console_errors.append(f"{answer.status} for {answer.url}")

    context.route("**/*", route)
    context.on("console", console)
    context.on("weberror", lambda error: problems.console_errors.append(str(error.error)))
    context.on("response", response)


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh browser profile pointed at the live server; checked for problems at the end."""
    problems = PageProblems()
    browser_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    browser_context.set_default_timeout(TIMEOUT_MS)
    _watch(browser_context, live_server, problems)
    yield browser_context
    browser_context.close()
    assert problems.outside_requests == [], "pages must load nothing from outside the server"
    assert problems.console_errors == [], "pages must log no errors (CSP violations included)"


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab."""
    expect.set_options(timeout=TIMEOUT_MS)
    return context.new_page()


def sign_in_as(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form and land on the worklist."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Flags")).to_be_visible()
    # The heading shows before the page's script has run; its timers (the worklist's
    # refresh) are set by the time the load event fires.
    page.wait_for_load_state("load")


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign a page in: ``sign_in(page, email)``."""
    return sign_in_as


@pytest.fixture
def nurse(runtime: Runtime) -> int:
    """A nurse's account id (NURSE_EMAIL, PASSWORD)."""
    return add_user(runtime, NURSE_EMAIL, "nurse")


@pytest.fixture
def admin(runtime: Runtime) -> int:
    """An administrator's account id (ADMIN_EMAIL, PASSWORD)."""
    return add_user(runtime, ADMIN_EMAIL, "admin")
